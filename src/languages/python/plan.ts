import { ASGI_FRAMEWORKS, inSrcLayout, type PythonFacts } from './detect.js';
import { allowsMinor, END_OF_LIFE_MINORS, SUPPORTED_PYTHON_MINORS } from './pyversion.js';
import { describeEvidence } from '../../core/facts.js';
import { refusal, usageError } from '../../errors.js';
import type { Planned } from '../../core/language.js';
import { ALPINE_VERSION, BOOKWORM, NONROOT_USER, TRIXIE, checkShellDebug, distroless, finalImage, type DebianRelease } from '../../core/images.js';
import type { Answers } from '../../core/options.js';
import { validatePlan } from '../../core/plan-schema.js';
import { PythonPlanSchema, type PythonPlan } from './schema.js';

const VENV = '/opt/venv';
/** Astral's uv image, pinned to a minor: a static binary that runs on glibc and musl alike. */
const UV_IMAGE = 'ghcr.io/astral-sh/uv:0.9';

/** distroless python3 images and the Debian Python each one ships (it decides the minor). */
const DISTROLESS_PYTHONS: { minor: string; debian: DebianRelease }[] = [
  { minor: '3.13', debian: TRIXIE },
  { minor: '3.11', debian: BOOKWORM },
];

/** Dependencies without usable wheels: compiled in the build stage against a C library the final stage needs too. */
const SOURCE_BUILDS: Record<string, { debian: { build: string[]; runtime: string[] }; alpine: { build: string[]; runtime: string[] }; library: string; binary: string }> = {
  psycopg2: {
    debian: { build: ['gcc', 'libc6-dev', 'libpq-dev'], runtime: ['libpq5'] },
    alpine: { build: ['build-base', 'libpq-dev'], runtime: ['libpq'] },
    library: 'libpq',
    binary: 'psycopg2-binary or psycopg[binary]',
  },
  mysqlclient: {
    debian: { build: ['gcc', 'libc6-dev', 'pkg-config', 'default-libmysqlclient-dev'], runtime: ['libmariadb3'] },
    alpine: { build: ['build-base', 'pkgconf', 'mariadb-dev'], runtime: ['mariadb-connector-c'] },
    library: 'the MariaDB client library',
    binary: 'PyMySQL',
  },
};

/** Lockfile tools that export pinned requirements for pip, installed in a venv of their own in the build stage. */
const EXPORTERS = {
  poetry: { packages: ['poetry~=2.0', 'poetry-plugin-export~=1.8'], export: 'poetry export --only main' },
  pdm: { packages: ['pdm~=2.0'], export: 'pdm export --prod' },
  // Pipenv is versioned by date, so there is no major to pin.
  pipenv: { packages: ['pipenv'], export: 'pipenv requirements' },
} as const;

const ENTRY_FILE = /^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+\.py$/;
const ENTRY_MODULE = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;
const ENTRY_APP = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\(\))?$/;

/**
 * The command an --entry value stands for: a console script, `module:app` for the project's
 * WSGI/ASGI server, a .py file, or a module run with `python -m`. Throws a usage error otherwise.
 */
export function commandForEntry(facts: PythonFacts, raw: string): string[] {
  const entry = raw.trim().replace(/^\.\//, '');
  const has = (name: string) => facts.dependencies.value.includes(name);
  if (facts.scripts.some((script) => script.value === entry)) return [entry];
  if (ENTRY_APP.test(entry)) {
    const asgi = ASGI_FRAMEWORKS.has(facts.framework.value);
    if (has('uvicorn') && (asgi || !has('gunicorn'))) return ['uvicorn', entry, '--host', '0.0.0.0', '--port', '$PORT'];
    if (has('gunicorn')) return ['gunicorn', '--bind', '0.0.0.0:$PORT', entry];
    throw usageError(`--entry ${raw}: serving module:app needs gunicorn or uvicorn among the dependencies`);
  }
  if (ENTRY_FILE.test(entry)) return ['python', entry];
  if (ENTRY_MODULE.test(entry)) return ['python', '-m', entry];
  throw usageError(`--entry ${raw}: expected a .py file, a module (run with python -m), module:app for gunicorn/uvicorn, or a [project.scripts] name`);
}

/** `My App` -> `my-app`: an image name from the project name. */
const titleFor = (name: string) => name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'app';

/** The Python minor and images for distroless: its Debian release fixes the minor, so the project must allow it. */
function distrolessPython(facts: PythonFacts, wanted: string, warnings: string[]): { minor: string; debian: DebianRelease } {
  const exact = DISTROLESS_PYTHONS.find((candidate) => candidate.minor === wanted);
  if (exact) return exact;
  const shipped = DISTROLESS_PYTHONS.map(({ minor, debian }) => `${minor} (debian${debian.version})`).join(' and ');
  // The detected version may move within what the project allows; a pinned one or an explicit flag may not.
  const flexible = wanted === facts.runtimeVersion.value && (facts.runtimeVersion.evidence === null || facts.versionRange !== null);
  const allowed = flexible ? DISTROLESS_PYTHONS.find(({ minor }) => facts.versionRange === null || allowsMinor(facts.versionRange, minor)) : undefined;
  if (!allowed) {
    const why = wanted === facts.runtimeVersion.value ? ` (${describeEvidence(facts.runtimeVersion.evidence)})` : ' (--runtime-version)';
    throw refusal(
      `--base distroless: gcr.io/distroless/python3 ships Python ${shipped} only, and this project needs ${wanted}${why}; use --base slim or alpine, or a Python it ships`,
    );
  }
  const reason = facts.runtimeVersion.evidence === null ? 'the default' : `allowed by ${describeEvidence(facts.runtimeVersion.evidence)}`;
  warnings.push(`distroless python3 ships Python ${shipped}: using ${allowed.minor} (${reason}) instead of ${wanted}`);
  return allowed;
}

function dependencySteps(facts: PythonFacts, minor: string, warnings: string[]): Pick<PythonPlan, 'deps' | 'cacheTarget' | 'keptPaths'> {
  const tool = facts.tool.value;
  const pipCache = '/root/.cache/pip';
  if (tool === 'uv') return { deps: { kind: 'uv', image: UV_IMAGE, manifests: facts.dependencyInputs }, cacheTarget: '/root/.cache/uv', keptPaths: [] };
  if (tool !== 'pip') {
    if (facts.lockfile.value === null) {
      const lock = { poetry: 'poetry lock', pdm: 'pdm lock', pipenv: 'pipenv lock' }[tool];
      throw refusal(`${tool} without its lockfile (${describeEvidence(facts.tool.evidence)}): the image installs exactly what the lockfile pins; run \`${lock}\` and commit it`);
    }
    const exporter = EXPORTERS[tool];
    return {
      deps: { kind: 'export', tool, toolVenv: `/opt/${tool}`, toolPackages: [...exporter.packages], export: exporter.export, manifests: facts.dependencyInputs },
      cacheTarget: pipCache,
      keptPaths: [],
    };
  }
  if (facts.unpinned.length > 0) {
    warnings.push(`no lockfile and requirements not pinned with == (${facts.unpinned.join(', ')}): each build may install newer versions; pin them or lock them (uv lock)`);
  } else if (facts.pipSource === 'project') {
    warnings.push('setup.py installs what it declares, unpinned: each build may install newer versions; a lockfile (uv lock) makes builds reproducible');
  }
  if (facts.pipSource === 'requirements') {
    if (facts.localPaths.includes('.')) {
      warnings.push(`${facts.requirementsFile} installs the project itself (-e . or .): the dependency layer needs every source file, so any edit reinstalls everything; list only the dependencies there to cache them`);
      return { deps: null, cacheTarget: pipCache, keptPaths: [] };
    }
    // Root files share one COPY; a nested file or a folder keeps its path (COPY flattens folders given together).
    const rootFiles = facts.dependencyInputs.filter((input) => !input.includes('/'));
    const nested = [...facts.dependencyInputs.filter((input) => input.includes('/')), ...facts.localPaths];
    const copies = [...(rootFiles.length > 0 ? [{ sources: rootFiles, target: './' }] : []), ...nested.map((input) => ({ sources: [input], target: input }))];
    return { deps: { kind: 'requirements', file: facts.requirementsFile!, copies }, cacheTarget: pipCache, keptPaths: facts.localPaths };
  }
  if (facts.pipSource === 'pyproject') {
    const tomlModule = Number(minor.split('.')[1]) >= 11 ? 'tomllib' : 'pip._vendor.tomli';
    return { deps: { kind: 'pyproject', tomlModule }, cacheTarget: pipCache, keptPaths: [] };
  }
  return { deps: null, cacheTarget: pipCache, keptPaths: [] };
}

/** Why the build stage gets a compiler: dependencies that always build from source, and (on alpine) ones that may. */
function buildPackagesWhy(fromSource: string[], withoutMuslWheel: string[]): string {
  const always = fromSource.length > 0 ? `${fromSource.join(', ')} build${fromSource.length === 1 ? 's' : ''} from source` : '';
  const maybe = withoutMuslWheel.length > 0 ? `${withoutMuslWheel.join(', ')} too when no musllinux wheel fits` : '';
  return `A C compiler and headers: ${[always, maybe].filter(Boolean).join(', and ')}.`;
}

export function planPython(facts: PythonFacts, answers: Answers, generatorVersion: string): Planned<PythonPlan> {
  const { base, debug } = answers;
  const warnings: string[] = facts.versionWarning ? [facts.versionWarning] : [];
  const sourceBuilds = facts.nativeDependencies.value.filter((name) => name in SOURCE_BUILDS);

  if (base === 'scratch') {
    throw refusal('--base scratch cannot run a Python app: the interpreter needs a C library and its standard library files; use --base distroless for the smallest image');
  }
  if (base === 'distroless' && sourceBuilds.length > 0) {
    const [name] = sourceBuilds as [string];
    throw refusal(`--base distroless: ${name} links ${SOURCE_BUILDS[name]!.library} at run time, which distroless python3 lacks and cannot install; use ${SOURCE_BUILDS[name]!.binary}, or --base slim`);
  }
  const shellWarning = checkShellDebug(base, debug);
  if (shellWarning) warnings.push(shellWarning);

  const command = answers.entry ? commandForEntry(facts, answers.entry) : facts.start?.value;
  if (!command) throw usageError('no entry point found: pass --entry with a .py file, a module, module:app or a [project.scripts] name');

  const debian = base === 'distroless' ? distrolessPython(facts, answers.runtimeVersion, warnings).debian : TRIXIE;
  const minor = base === 'distroless' ? DISTROLESS_PYTHONS.find((candidate) => candidate.debian === debian)!.minor : answers.runtimeVersion;
  if (END_OF_LIFE_MINORS.has(minor) || !SUPPORTED_PYTHON_MINORS.some((supported) => supported === minor)) {
    warnings.push(`Python ${minor} is not a maintained release: no more security fixes; consider --runtime-version ${SUPPORTED_PYTHON_MINORS.at(-1)}`);
  }
  const native = facts.nativeDependencies.value;
  if (base === 'alpine' && native.length > 0) {
    warnings.push(`native dependencies (${native.join(', ')}) on alpine: musllinux wheels may be missing, and pip then compiles them from source (slow; C headers may be needed)`);
  }
  const servers: Record<string, string> = { flask: 'gunicorn', django: 'gunicorn', fastapi: 'uvicorn', starlette: 'uvicorn', litestar: 'uvicorn', 'python-fasthtml': 'uvicorn', sanic: 'sanic' };
  const framework = facts.framework.value;
  if (framework && (command[0] === 'python' || command[0] === 'flask')) {
    warnings.push(`${framework} runs as \`${command.join(' ')}\`, not under a production server: add ${servers[framework]} to the dependencies and stagecraft serves the app with it`);
  }
  if (facts.framework.value === 'django' && !facts.djangoStaticRoot.value) {
    warnings.push('Django static files are not collected: add `RUN python manage.py collectstatic --noinput` to the build stage if the app serves them (e.g. with WhiteNoise)');
  }

  const family = base === 'slim' ? 'debian' : base;
  const osFamily = family === 'alpine' ? 'alpine' : 'debian';
  const pythonImage = base === 'alpine' ? `python:${minor}-alpine${ALPINE_VERSION}` : `python:${minor}-slim-${debian.codename}`;
  const buildPackages = [...new Set(sourceBuilds.flatMap((name) => SOURCE_BUILDS[name]![osFamily].build))];
  const runtimePackages = [...new Set(sourceBuilds.flatMap((name) => SOURCE_BUILDS[name]![osFamily].runtime))];
  if (base === 'alpine' && native.length > sourceBuilds.length && !buildPackages.includes('build-base')) buildPackages.push('build-base');
  const manager = osFamily === 'alpine' ? 'apk' : 'apt';
  const { deps, cacheTarget, keptPaths } = dependencySteps(facts, minor, warnings);
  // uv installs everything itself; every other path installs with pip.
  const debianPythonPackages = [`python${minor}-venv`, ...(deps?.kind === 'uv' ? [] : ['python3-pip'])];
  const buildOsPackages =
    base === 'distroless'
      ? { manager, packages: debianPythonPackages, why: `Debian's own Python ${minor}: the interpreter gcr.io/distroless/python3-debian${debian.version} ships, at the same path.` }
      : buildPackages.length > 0
        ? { manager, packages: buildPackages, why: buildPackagesWhy(sourceBuilds, base === 'alpine' ? native.filter((name) => !sourceBuilds.includes(name)) : []) }
        : null;

  const runsScript = facts.scripts.some((script) => script.value === command[0]);
  // A console script, or an app in a src layout, runs from the installed project: the venv is all that ships.
  const runsInstalled = runsScript || (!answers.entry && inSrcLayout(facts.start?.evidence ?? null));
  const projectInstall =
    facts.pipSource === 'project' ? `pip --python ${VENV}/bin/python install .`
    : facts.pipSource === 'requirements' && facts.localPaths.includes('.') ? `pip --python ${VENV}/bin/python install -r ${facts.requirementsFile}`
    : !runsInstalled ? null
    : facts.tool.value === 'uv' ? 'uv sync --locked --no-dev --no-editable'
    : `pip --python ${VENV}/bin/python install --no-deps .`;
  if (runsInstalled && !facts.installable) {
    warnings.push('pyproject.toml has no [build-system]: pip falls back to setuptools to install the project and its console scripts');
  }

  const port = answers.port;
  const listenPort = String(port ?? facts.port.value);
  const program = command[0]!;
  const entrypoint = [
    program.includes('/') ? program : `${VENV}/bin/${program}`,
    ...command.slice(1).map((word) => word.replace(/\$PORT/g, listenPort)),
  ];
  const runtimeImage = base === 'distroless' ? distroless('python3', debian, 'nonroot') : pythonImage;

  const plan = validatePlan(PythonPlanSchema, {
    language: 'python',
    generator: { version: generatorVersion },
    base,
    debug,
    title: titleFor(facts.name.value),
    port,
    // Procfile web processes expect PORT (Heroku's convention), and gunicorn binds 0.0.0.0:$PORT by itself.
    portEnv: port !== null && (facts.readsPortEnv.value || facts.start?.evidence?.file === 'Procfile'),
    user: NONROOT_USER,
    build: {
      image: base === 'distroless' ? `debian:${debian.codename}-slim` : pythonImage,
      python: base === 'distroless' ? `/usr/bin/python${minor}` : `/usr/local/bin/python${minor}`,
      osPackages: buildOsPackages,
    },
    venv: VENV,
    deps,
    cacheTarget,
    projectInstall,
    copyApp: !runsInstalled,
    keptPaths,
    collectStatic: facts.djangoStaticRoot.value && !runsInstalled ? `${VENV}/bin/python manage.py collectstatic --noinput` : null,
    entrypoint,
    ...finalImage({
      base,
      debug,
      image: runtimeImage,
      distrolessDebug: distroless('python3', debian, 'debug-nonroot'),
      // Only the shared libraries compiled dependencies link: the Python images have CA roots and time zones.
      packages: runtimePackages.length > 0 ? { manager, packages: runtimePackages, why: `${sourceBuilds.join(', ')} link${sourceBuilds.length === 1 ? 's' : ''} these at run time.` } : null,
      prepareBase: true,
    }),
    contextPath: '.',
    dockerfileFlag: null,
    dockerignoreName: '.dockerignore',
  });
  return { plan, warnings };
}
