import { describeEvidence } from '../../core/facts.js';
import { createdFolderWhy } from '../../core/runtime-folders.js';
import { ASGI_FRAMEWORKS, SERVE, inSrcLayout, type PythonFacts } from './detect.js';
import { planSecrets } from '../../core/secrets.js';
import { usageError } from '../../errors.js';
import type { Planned } from '../../core/language.js';
import { ALPINE_VERSION, CURRENT_DEBIAN, DHI_DEBIAN, NONROOT_USER, distroless, finalImage, hardened, withInit } from '../../core/images.js';
import { applyRules } from '../../core/rules.js';
import type { Answers } from '../../core/options.js';
import { validatePlan } from '../../core/plan-schema.js';
import { PythonPlanSchema, type PythonPlan } from './schema.js';
import { KNOWN_COMPILED, SETUPTOOLS_WITH_PKG_RESOURCES, SOURCE_BUILDS, distrolessPythonFor, mayLackMuslWheel, wheelMinorFor } from './bases.js';
import { PYTHON_RULES } from './rules.js';
import { bindingFromPort, gunicornUnbound } from './gunicorn.js';
import { describeLocked, withoutWheel, type Libc, type LockedCompiled } from './wheels.js';
import { imageNameFor } from '../../core/image-name.js';

const VENV = '/opt/venv';
/** Astral's uv image, pinned to a minor: a static binary that runs on glibc and musl alike. */
const UV_IMAGE = 'ghcr.io/astral-sh/uv:0.9';

/** Lockfile tools that export pinned requirements for pip, installed in a venv of their own in the build stage. */
const EXPORTERS = {
  poetry: { packages: ['poetry~=2.0', 'poetry-plugin-export~=1.8'], export: 'poetry export --only main' },
  // hishel 2 dropped the SyncSqliteStorage PDM 2.29's resolver imports (pdm lock fails with an AttributeError); 1.4 is the release its own `locked` extra pins.
  pdm: { packages: ['pdm~=2.0', 'hishel~=1.4'], export: 'pdm export --prod' },
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
    if (has('uvicorn') && (asgi || !has('gunicorn'))) return SERVE.uvicorn(entry);
    if (has('hypercorn') && (asgi || !has('gunicorn'))) return SERVE.hypercorn(entry);
    if (has('gunicorn')) return SERVE.gunicorn(entry);
    throw usageError(`--entry ${raw}: serving module:app needs gunicorn, uvicorn or hypercorn among the dependencies`);
  }
  if (ENTRY_FILE.test(entry)) return ['python', entry];
  if (ENTRY_MODULE.test(entry)) return ['python', '-m', entry];
  throw usageError(`--entry ${raw}: expected a .py file, a module (run with python -m), module:app for gunicorn, uvicorn or hypercorn, or a [project.scripts] name`);
}

/** For a pdm.lock without markers, the relock `pdm export` needs: versions reused, markers added, in the build stage only. */
function pdmRelock(facts: PythonFacts): { command: string; why: string } | null {
  const old = facts.pdmLockWithoutMarkers;
  if (old === null) return null;
  return {
    command: 'pdm lock --update-reuse --strategy inherit_metadata',
    why: `${describeEvidence(old.evidence)} (${old.value}) has no environment markers, which pdm export requires: relocked here with the same versions (--update-reuse); your pdm.lock is untouched.`,
  };
}

/** How dependencies install: uv from its lockfile, a lockfile tool's export, requirements files, or pyproject's list. */
function dependencySteps(facts: PythonFacts, minor: string): Pick<PythonPlan, 'deps' | 'cacheTarget' | 'keptPaths'> {
  const tool = facts.tool.value;
  const pipCache = '/root/.cache/pip';
  const member = facts.uvMember;
  // A uv workspace member is built from the workspace root: its pyproject.toml and uv.lock, and every member's.
  const workspace = member
    ? { memberManifests: member.memberManifests.map((file) => ({ file, folder: `${file.slice(0, file.lastIndexOf('/'))}/` })), package: member.package }
    : null;
  if (tool === 'uv')
    return {
      deps: { kind: 'uv', image: UV_IMAGE, manifests: member ? ['pyproject.toml', 'uv.lock'] : facts.dependencyInputs, workspace },
      cacheTarget: '/root/.cache/uv',
      keptPaths: [],
    };
  // Poetry without its lockfile: pip installs the project itself, after the sources (projectInstallCommand).
  if (tool !== 'pip' && facts.pipSource !== 'project') {
    const exporter = EXPORTERS[tool];
    return {
      deps: {
        kind: 'export',
        tool,
        toolVenv: `/opt/${tool}`,
        toolPackages: [...exporter.packages],
        export: exporter.export,
        relock: pdmRelock(facts),
        manifests: facts.dependencyInputs,
      },
      cacheTarget: pipCache,
      keptPaths: [],
    };
  }
  if (facts.pipSource === 'requirements') return requirementsSteps(facts, pipCache);
  if (facts.pipSource === 'pyproject') {
    const tomlModule = Number(minor.split('.')[1]) >= 11 ? 'tomllib' : 'pip._vendor.tomli';
    return { deps: { kind: 'pyproject', tomlModule }, cacheTarget: pipCache, keptPaths: [] };
  }
  return { deps: null, cacheTarget: pipCache, keptPaths: [] };
}

/** Requirements files copied before the sources, so the dependency layer is cached; unless they install the project itself. */
function requirementsSteps(facts: PythonFacts, pipCache: string): Pick<PythonPlan, 'deps' | 'cacheTarget' | 'keptPaths'> {
  if (facts.localPaths.includes('.')) return { deps: null, cacheTarget: pipCache, keptPaths: [] };
  // Root files share one COPY; a nested file or a folder keeps its path (COPY flattens folders given together).
  const rootFiles = facts.dependencyInputs.filter((input) => !input.includes('/'));
  const nested = [...facts.dependencyInputs.filter((input) => input.includes('/')), ...facts.localPaths];
  const copies = [...(rootFiles.length > 0 ? [{ sources: rootFiles, target: './' }] : []), ...nested.map((input) => ({ sources: [input], target: input }))];
  return { deps: { kind: 'requirements', file: facts.requirementsFile!, copies, bounds: pkgResourcesBounds(facts) }, cacheTarget: pipCache, keptPaths: facts.localPaths };
}

/** setuptools<82 for requirement pins of releases that import pkg_resources (gunicorn 20), which setuptools 82 removed. */
function pkgResourcesBounds(facts: PythonFacts): { requirement: string; why: string }[] {
  if (facts.pkgResourcesPins.length === 0) return [];
  const pins = facts.pkgResourcesPins.map(({ value, evidence }) => `${value.name}==${value.version} (${describeEvidence(evidence)})`).join(', ');
  return [
    {
      requirement: SETUPTOOLS_WITH_PKG_RESOURCES,
      why: `${pins} imports pkg_resources and leaves setuptools unbounded; setuptools 82 removed pkg_resources, so the newest would stop the app at import.`,
    },
  ];
}

/**
 * Why the build stage gets a compiler: dependencies that always build from source, ones that may on
 * alpine, and known ones with no wheel for this Python.
 */
function buildPackagesWhy(fromSource: string[], withoutMuslWheel: string[], compiled: LockedCompiled[], minor: string): string {
  const always = fromSource.length > 0 ? `${fromSource.join(', ')} build${fromSource.length === 1 ? 's' : ''} from source` : '';
  const maybe = withoutMuslWheel.length > 0 ? `${withoutMuslWheel.join(', ')} too when no musllinux wheel fits` : '';
  const noWheel =
    compiled.length > 0
      ? `${compiled.map(describeLocked).join(', ')} ${compiled.length === 1 ? 'has' : 'have'} no wheel for Python ${minor}: pip compiles ${compiled.length === 1 ? 'it' : 'them'} here; nothing of the compiler ships`
      : '';
  return `A C compiler and headers: ${[always, maybe, noWheel].filter(Boolean).join(', and ')}.`;
}

/** Folders the app writes under /app, when it runs from there: Flask's instance folder, and those it creates by a relative path. */
function runtimeFolders(facts: PythonFacts, copyApp: boolean): PythonPlan['runtimeFolders'] {
  const instance = facts.flaskInstanceFolder.value ? facts.flaskInstanceFolder.evidence : null;
  const created = facts.createdFolders.filter((folder) => folder.value !== 'instance' || instance === null);
  if (!copyApp || (instance === null && created.length === 0)) return null;
  const reasons = [...(instance ? [`Flask's instance folder (${describeEvidence(instance)}), where the app writes its config and data`] : []), ...created.map(createdFolderWhy)];
  return {
    why: reasons.join('; '),
    copies: [],
    writable: [...(instance ? ['instance'] : []), ...created.map((folder) => folder.value)],
    createsFiles: false,
  };
}

/** The command --entry stands for, or the detected one. */
function startCommand(facts: PythonFacts, answers: Answers): string[] {
  const command = answers.entry ? commandForEntry(facts, answers.entry) : facts.start?.value;
  if (!command) throw usageError('no entry point found: pass --entry with a .py file, a module, module:app or a [project.scripts] name');
  return command;
}

/** A console script, or an app in a src layout, runs from the installed project: the venv is all that ships. */
function runsInstalledProject(facts: PythonFacts, answers: Answers, command: string[]): boolean {
  // A uv workspace member runs from the venv, which holds it and the members it uses: its folder is not the build's /app.
  if (facts.uvMember) return true;
  const runsScript = facts.scripts.some((script) => script.value === command[0]);
  return runsScript || (!answers.entry && inSrcLayout(facts.start?.evidence ?? null));
}

/** How the project itself is installed into the venv, if it is. */
function projectInstallCommand(facts: PythonFacts, runsInstalled: boolean): string | null {
  if (facts.pipSource === 'project') return `pip --python ${VENV}/bin/python install .`;
  if (facts.pipSource === 'requirements' && facts.localPaths.includes('.')) return `pip --python ${VENV}/bin/python install -r ${facts.requirementsFile}`;
  if (!runsInstalled) return null;
  if (facts.uvMember) return `uv sync --locked --no-dev --no-editable --package ${facts.uvMember.package}`;
  return facts.tool.value === 'uv' ? 'uv sync --locked --no-dev --no-editable' : `pip --python ${VENV}/bin/python install --no-deps .`;
}

/**
 * What the final stage copies from the build stage's /app: the app's own files by name (with the
 * bytecode of root modules, which compileall keeps in /app/__pycache__), or /app whole, and why.
 */
function appCopies(facts: PythonFacts, answers: Answers, runsInstalled: boolean): PythonPlan['appCopies'] {
  if (runsInstalled) return [];
  // --entry names a command detection did not follow the imports of.
  const shipped = answers.entry
    ? { kind: 'whole' as const, why: '--entry names another command than the one detection read: the whole folder ships (.dockerignore keeps the rest out)' }
    : facts.shippedSources;
  if (shipped.kind === 'whole') return [{ source: '/app', target: '/app', why: `The app and its bytecode, owned by root: ${shipped.why}.` }];
  const copies = shipped.entries.map((entry) => ({ source: `/app/${entry.path}`, target: `/app/${entry.path}`, why: entry.why }));
  if (shipped.entries.some((entry) => !entry.folder && entry.path.endsWith('.py'))) {
    copies.push({ source: '/app/__pycache__', target: '/app/__pycache__', why: 'The bytecode of the root modules above.' });
  }
  return copies;
}

/**
 * The build stage's OS packages: Debian's own Python for distroless, a compiler for source builds
 * and for known compiled packages with no wheel for this Python, else none.
 */
function buildOsPackages(facts: PythonFacts, base: Answers['base'], minor: string, libc: Libc, sourceBuilds: string[], usesUv: boolean): PythonPlan['build']['osPackages'] {
  const osFamily = base === 'alpine' ? 'alpine' : 'debian';
  const manager = osFamily === 'alpine' ? 'apk' : 'apt';
  if (base === 'distroless') {
    // uv installs everything itself; every other path installs with pip.
    const packages = [`python${minor}-venv`, ...(usesUv ? [] : ['python3-pip'])];
    return { manager, packages, why: `Debian's own Python ${minor}: the interpreter gcr.io/distroless/python3-debian${CURRENT_DEBIAN.version} ships, at the same path.` };
  }
  // distroless is refused for these, so only the python images (which have Python's headers) compile them.
  const compiled = withoutWheel(facts.compiledPackages, libc, minor).filter((locked) => locked.name in KNOWN_COMPILED);
  const compiler = osFamily === 'alpine' ? ['build-base'] : ['gcc', 'libc6-dev'];
  const forCompiled = compiled.length > 0 ? [...compiler, ...compiled.flatMap((locked) => KNOWN_COMPILED[locked.name]![osFamily])] : [];
  const buildPackages = [...new Set([...sourceBuilds.flatMap((name) => SOURCE_BUILDS[name]![osFamily].build), ...forCompiled])];
  // Said once: a package without a wheel is named with its version.
  const withoutMuslWheel =
    base === 'alpine' ? mayLackMuslWheel(facts, minor).filter((name) => !sourceBuilds.includes(name) && !compiled.some((locked) => locked.name === name)) : [];
  if (withoutMuslWheel.length > 0 && !buildPackages.includes('build-base')) buildPackages.push('build-base');
  if (buildPackages.length === 0) return null;
  return { manager, packages: buildPackages, why: buildPackagesWhy(sourceBuilds, withoutMuslWheel, compiled, minor) };
}

/**
 * Servers measured to stop on SIGTERM as PID 1 (their own handlers), and what they do then. Python
 * itself sets no SIGTERM handler, so anything else runs under tini.
 */
const HANDLES_SIGTERM: Record<string, string> = {
  gunicorn: 'its workers finish their requests, then it exits',
  uvicorn: 'it closes connections and runs the shutdown events',
  hypercorn: 'it stops its worker, which closes connections and runs the shutdown events',
};

/** tini for a program that sets no SIGTERM handler, and the one line that says how docker stop ends it. */
function stopHandling(program: string): { init: boolean; stopWhy: string } {
  const handled = HANDLES_SIGTERM[program];
  return handled
    ? { init: false, stopWhy: `Exec form: ${program} is PID 1 and handles SIGTERM itself (${handled}), so it needs no init.` }
    : { init: true, stopWhy: 'tini runs as PID 1 and passes SIGTERM on: as PID 1 Python would ignore it (it sets no handler), and docker stop would kill it 10 s later.' };
}

/** uvicorn started without --host (or --uds, --fd), which listens on 127.0.0.1 alone. */
function uvicornOnLoopback(command: string[]): boolean {
  return command[0] === 'uvicorn' && !command.some((word) => /^--(?:host|uds|fd)(?:=|$)/.test(word));
}

/** The exec-form entrypoint: programs from the venv, $PORT filled in (exec form expands no variables). */
function entrypointFor(command: string[], listenPort: string): string[] {
  const program = command[0]!;
  return [program.includes('/') ? program : `${VENV}/bin/${program}`, ...command.slice(1).map((word) => word.replace(/\$PORT/g, listenPort))];
}

/**
 * `--healthcheck`: the venv's Python asks the app on the loopback address with the standard
 * library; any answer below 500 is healthy, no answer (an exception) is not.
 */
function pythonHealthcheck(port: number) {
  const probe = `import http.client as h; c = h.HTTPConnection('127.0.0.1', ${port}, timeout=4); c.request('GET', '/'); raise SystemExit(c.getresponse().status >= 500)`;
  return {
    command: [`${VENV}/bin/python`, '-c', probe],
    why: "The venv's Python probes the app with its standard library (no curl or shell needed): an answer below 500 is healthy.",
  };
}

export function planPython(facts: PythonFacts, answers: Answers, generatorVersion: string): Planned<PythonPlan> {
  const { base, debug, port } = answers;
  const sourceBuilds = facts.nativeDependencies.value.filter((name) => name in SOURCE_BUILDS);
  const command = startCommand(facts, answers);
  const runsInstalled = runsInstalledProject(facts, answers, command);
  const chosenDistroless = base === 'distroless' ? distrolessPythonFor(facts, answers.runtimeVersion) : undefined;
  // manylinux wheels serve glibc bases, musllinux ones alpine.
  const libc: Libc = base === 'alpine' ? 'musl' : 'glibc';
  const minor = chosenDistroless?.minor ?? wheelMinorFor(facts, answers.runtimeVersion, libc);
  const warnings = applyRules(PYTHON_RULES, { facts, answers, command, sourceBuilds, distrolessPython: chosenDistroless, minor, libc, runsInstalled });

  const family = base === 'slim' ? 'debian' : base;
  const osFamily = family === 'alpine' ? 'alpine' : 'debian';
  const pythonImage = base === 'alpine' ? `python:${minor}-alpine${ALPINE_VERSION}` : `python:${minor}-slim-${CURRENT_DEBIAN.codename}`;
  // A package compiled for want of a wheel links its C library at run time too (psycopg2-binary's libpq).
  const compiledHere = withoutWheel(facts.compiledPackages, libc, minor).filter((locked) => KNOWN_COMPILED[locked.name]?.runtime !== undefined);
  const runtimePackages = [
    ...new Set([...sourceBuilds.flatMap((name) => SOURCE_BUILDS[name]![osFamily].runtime), ...compiledHere.flatMap((locked) => KNOWN_COMPILED[locked.name]!.runtime![osFamily])]),
  ];
  const linking = [...sourceBuilds, ...compiledHere.map((locked) => `${locked.name} (compiled here)`)];
  const manager = osFamily === 'alpine' ? 'apk' : 'apt';
  const { deps, cacheTarget, keptPaths } = dependencySteps(facts, minor);
  // The hardened images keep Python in /usr (the catalog's python-3.X packages), in both the -dev and the runtime image.
  const hardenedImage = (variant: string) => hardened('python', `${minor}-debian${DHI_DEBIAN.version}${variant}`);
  const runtimeImage = base === 'distroless' ? distroless('python3', 'nonroot') : base === 'hardened' ? hardenedImage('') : pythonImage;
  const buildImage = base === 'distroless' ? `debian:${CURRENT_DEBIAN.codename}-slim` : base === 'hardened' ? hardenedImage('-dev') : pythonImage;
  const stop = stopHandling(command[0]!);
  const image = finalImage({
    base,
    debug,
    image: runtimeImage,
    distrolessDebug: base === 'hardened' ? hardenedImage('-dev') : distroless('python3', 'debug-nonroot'),
    // Only the shared libraries compiled dependencies link: the Python images have CA roots and time zones.
    packages: runtimePackages.length > 0 ? { manager, packages: runtimePackages, why: `${linking.join(', ')} link${linking.length === 1 ? 's' : ''} these at run time.` } : null,
    prepareBase: true,
    ...stop,
  });

  const projectInstall = projectInstallCommand(facts, runsInstalled);
  // PORT is set for a program that reads it: the app's own code, or gunicorn given no --bind (Heroku's
  // convention), which a Procfile's gunicorn bound to $PORT becomes: the Procfile promises the platform its PORT.
  const fromProcfile = facts.start?.evidence?.file === 'Procfile';
  const withoutPortBind = bindingFromPort(command);
  const portEnv = port !== null && (facts.readsPortEnv.value || gunicornUnbound(command) || (fromProcfile && gunicornUnbound(withoutPortBind)));
  const served = portEnv ? withoutPortBind : command;
  const plan = validatePlan(PythonPlanSchema, {
    language: 'python',
    generator: { version: generatorVersion },
    base,
    debug,
    title: imageNameFor(facts.name.value),
    port,
    portEnv,
    gunicornBindsPort: portEnv && gunicornUnbound(served),
    // `web: uvicorn app:app` (a Procfile's, kept as written) binds 127.0.0.1 without --host; uvicorn reads UVICORN_HOST.
    uvicornHost: port !== null && uvicornOnLoopback(command),
    user: NONROOT_USER,
    build: {
      image: buildImage,
      python: base === 'distroless' || base === 'hardened' ? `/usr/bin/python${minor}` : `/usr/local/bin/python${minor}`,
      osPackages: buildOsPackages(facts, base, minor, libc, sourceBuilds, deps?.kind === 'uv'),
    },
    venv: VENV,
    deps,
    cacheTarget,
    projectInstall,
    healthcheck: answers.healthcheck ? pythonHealthcheck(port!) : null,
    copyApp: !runsInstalled,
    appCopies: appCopies(facts, answers, runsInstalled),
    keptPaths,
    runtimeFolders: runtimeFolders(facts, !runsInstalled),
    collectStatic: facts.djangoStaticRoot.value && !runsInstalled ? `${VENV}/bin/python manage.py collectstatic --noinput` : null,
    entrypoint: withInit(image.init, entrypointFor(served, String(port ?? facts.port.value))),
    ...image,
    ...(facts.uvMember
      ? { contextPath: facts.uvMember.contextPath, dockerfileFlag: `${facts.uvMember.memberPath}/Dockerfile`, dockerignoreName: 'Dockerfile.dockerignore' }
      : { contextPath: '.', dockerfileFlag: null, dockerignoreName: '.dockerignore' }),
    // Only an install reads them: a standard-library app builds without.
    ...planSecrets(deps || projectInstall ? facts.secrets.secrets : []),
  });
  return { plan, warnings };
}
