import type { PythonFacts } from './detect.js';
import { END_OF_LIFE_MINORS, SUPPORTED_PYTHON_MINORS } from './pyversion.js';
import {
  PKG_RESOURCES_USERS,
  SETUPTOOLS_WITH_PKG_RESOURCES,
  SOURCE_BUILDS,
  distrolessShipped,
  mayLackMuslWheel,
  passedOver,
  wheelMinorFor,
  type DistrolessPython,
} from './bases.js';
import { describeLocked, hasWheelFor, withoutWheel, type Libc } from './wheels.js';
import { describeEvidence } from '../../core/facts.js';
import { bindingFromPort, gunicornUnbound } from './gunicorn.js';
import { healthcheckRules, shellDebugRules, skippedSourcesRule, type RuleContext, type RuleTable } from '../../core/rules.js';

export interface PythonRuleContext extends RuleContext {
  facts: PythonFacts;
  /** The command the image runs, before $PORT is filled in. */
  command: string[];
  /** Dependencies stagecraft compiles from source, with the C library they link. */
  sourceBuilds: string[];
  /** On distroless, the Python it ships that fits the project (undefined: none does). */
  distrolessPython: DistrolessPython | undefined;
  /** The Python minor the image runs. */
  minor: string;
  /** The final base's C library, which decides the wheels that fit. */
  libc: Libc;
  /** The app runs from the installed project (a console script, a src layout), not from copied sources. */
  runsInstalled: boolean;
}

const SERVERS: Record<string, string> = {
  flask: 'gunicorn',
  django: 'gunicorn',
  fastapi: 'uvicorn',
  starlette: 'uvicorn',
  litestar: 'uvicorn',
  'python-fasthtml': 'uvicorn',
  quart: 'hypercorn',
  sanic: 'sanic',
};
const LOCK_COMMANDS = { poetry: 'poetry lock', pdm: 'pdm lock', pipenv: 'pipenv lock' };

const onDistroless = ({ answers }: PythonRuleContext) => answers.base === 'distroless';
const onHardened = ({ answers }: PythonRuleContext) => answers.base === 'hardened';

/** The Python minors dhi.io/python publishes on Debian 13 (the catalog's image/python/debian-13). */
export const HARDENED_PYTHON_MINORS = ['3.10', '3.11', '3.12', '3.13', '3.14'];
/** pip installs without a lockfile: only requirement pins make the build reproducible. */
const installsWithPip = ({ facts }: PythonRuleContext) => facts.tool.value === 'pip';

export const PYTHON_RULES: RuleTable<PythonRuleContext> = [
  {
    // Said first, as it explains the version everything below is about.
    id: 'version-file-range',
    kind: 'warn',
    when: ({ facts }) => facts.versionWarning !== null,
    message: ({ facts }) => facts.versionWarning!,
  },
  {
    id: 'procfile-needs-shell',
    kind: 'warn',
    when: ({ facts }) => facts.procfileShellCommand !== null,
    message: ({ facts, command }) =>
      `${describeEvidence(facts.procfileShellCommand!.evidence)}: the web: command needs a shell ($(...), quotes, && or other variables), which the exec-form ENTRYPOINT does not run, so it is not used; the image runs \`${command.join(' ')}\` instead (set the value in the command, or give it as an environment variable the server reads)`,
  },
  {
    // gunicorn reads PORT itself (its bind to $PORT is left out); any other server gets the number written in.
    id: 'procfile-port-in-command',
    kind: 'warn',
    when: ({ facts, command, answers }) =>
      facts.start?.evidence?.file === 'Procfile' && answers.port !== null && command.some((word) => word.includes('$PORT')) && !gunicornUnbound(bindingFromPort(command)),
    message: ({ facts, command, answers }) =>
      `${describeEvidence(facts.start!.evidence)}: the web: command takes its port as $PORT, which the exec-form ENTRYPOINT cannot expand: the image runs ${command[0]} on ${answers.port}, and a platform's PORT (Cloud Run, Heroku) does not move it; give the platform port ${answers.port}`,
  },
  {
    id: 'procfile-setup-steps',
    kind: 'warn',
    when: ({ facts }) => facts.procfileSetup !== null,
    message: ({ facts, command }) =>
      `${describeEvidence(facts.procfileSetup!.evidence)}: the web: line runs \`${facts.procfileSetup!.value.join('; ')}\` before its server; the image starts \`${command.join(' ')}\` alone: run those once per release (a one-off container of the image, or the platform's release phase), not at every start`,
  },
  skippedSourcesRule(({ facts }) => facts.skippedSources),
  {
    id: 'index-password-in-requirements',
    kind: 'refuse',
    when: ({ facts }) => facts.secrets.literalIndexCredential !== null,
    message: ({ facts }) =>
      `${describeEvidence(facts.secrets.literalIndexCredential)} has a password in an index URL, and the image copies that file to install: move the URL to PIP_INDEX_URL (or PIP_EXTRA_INDEX_URL) in .envrc or your CI's environment, which stagecraft passes to the install as a build secret`,
  },
  {
    id: 'pip-conf-with-uv',
    kind: 'warn',
    when: ({ facts }) => facts.secrets.pipConf !== null && facts.tool.value === 'uv',
    message: ({ facts }) =>
      `${describeEvidence(facts.secrets.pipConf)} names a package index, but uv never reads pip.conf: give uv the index in pyproject.toml ([[tool.uv.index]]) or UV_INDEX, with its credentials in .netrc`,
  },
  {
    id: 'scratch',
    kind: 'refuse',
    when: ({ answers }) => answers.base === 'scratch',
    message: () => '--base scratch cannot run a Python app: the interpreter needs a C library and its standard library files; use --base distroless for the smallest image',
  },
  {
    id: 'runtime-library-not-in-distroless',
    kind: 'refuse',
    when: (context) => onDistroless(context) && context.sourceBuilds.length > 0,
    message: ({ sourceBuilds: [name] }) =>
      `--base distroless: ${name} links ${SOURCE_BUILDS[name!]!.library} at run time, which distroless python3 lacks and cannot install; use ${SOURCE_BUILDS[name!]!.binary}, or --base slim`,
  },
  {
    id: 'runtime-library-not-in-hardened',
    kind: 'refuse',
    when: (context) => onHardened(context) && context.sourceBuilds.length > 0,
    message: ({ sourceBuilds: [name] }) =>
      `--base hardened: ${name} links ${SOURCE_BUILDS[name!]!.library} at run time, which dhi.io/python lacks and cannot install (no package manager); use ${SOURCE_BUILDS[name!]!.binary}, or --base slim`,
  },
  {
    id: 'python-not-in-hardened',
    kind: 'refuse',
    when: (context) => onHardened(context) && !HARDENED_PYTHON_MINORS.includes(context.minor),
    message: ({ minor }) =>
      `--base hardened: dhi.io/python is published for Python ${HARDENED_PYTHON_MINORS.join(', ')} only, and this is ${minor}; use a Python it publishes, or --base slim`,
  },
  ...shellDebugRules(),
  ...healthcheckRules(),
  {
    id: 'python-not-in-distroless',
    kind: 'refuse',
    when: (context) => onDistroless(context) && context.distrolessPython === undefined,
    message: ({ facts, answers }) => {
      const wanted = answers.runtimeVersion;
      const why = wanted === facts.runtimeVersion.value ? ` (${describeEvidence(facts.runtimeVersion.evidence)})` : ' (--runtime-version)';
      return `--base distroless: gcr.io/distroless/python3 ships Python ${distrolessShipped()} only, and this project needs ${wanted}${why}; use --base slim or alpine, or a Python it ships`;
    },
  },
  {
    id: 'distroless-python-without-wheel',
    kind: 'refuse',
    when: (context) => onDistroless(context) && context.distrolessPython !== undefined && withoutWheel(context.facts.compiledPackages, 'glibc', context.minor).length > 0,
    message: ({ facts, answers, minor }) => {
      const [locked] = withoutWheel(facts.compiledPackages, 'glibc', minor);
      const slim = wheelMinorFor(facts, answers.runtimeVersion, 'glibc');
      const onSlim = withoutWheel(facts.compiledPackages, 'glibc', slim).length === 0 ? `, which runs Python ${slim} here` : ' and a Python it has wheels for';
      return `--base distroless: its Python is ${distrolessShipped()}, and ${describeLocked(locked!)} has no wheel for it, so pip would compile it from source in the build (a base whose Python can move avoids that); use --base slim${onSlim}`;
    },
  },
  {
    id: 'older-python-for-wheels',
    kind: 'warn',
    when: (context) => !onDistroless(context) && context.minor !== context.answers.runtimeVersion,
    message: ({ facts, answers, minor, libc }) => {
      const skipped = passedOver(minor, answers.runtimeVersion);
      const gaps = facts.compiledPackages
        .map((locked) => ({ locked, lacks: skipped.filter((candidate) => !hasWheelFor(locked, libc, candidate)) }))
        .filter(({ lacks }) => lacks.length > 0);
      const [{ locked, lacks }, ...others] = gaps as [(typeof gaps)[number], ...typeof gaps];
      const more =
        others.length > 0
          ? `, and ${others.length} other locked package${others.length === 1 ? ' lacks' : 's lack'} one too (${others.map((gap) => gap.locked.name).join(', ')})`
          : '';
      return `${locked.name} ${locked.version} has no wheel for Python ${lacks.length > 1 ? `${lacks.slice(0, -1).join(', ')} or ${lacks.at(-1)}` : lacks[0]} (${locked.evidence.file}:${locked.evidence.line})${more}: using ${minor}`;
    },
  },
  {
    id: 'locked-without-wheel',
    kind: 'warn',
    when: (context) => !onDistroless(context) && withoutWheel(context.facts.compiledPackages, context.libc, context.minor).length > 0,
    message: ({ facts, minor, libc }) =>
      `${withoutWheel(facts.compiledPackages, libc, minor).map(describeLocked).join(', ')}: no ${libc === 'musl' ? 'musllinux' : 'manylinux'} wheel for Python ${minor}, so pip compiles from source, which needs a C compiler and the libraries' headers in the build stage; a Python with their wheels avoids it`,
  },
  {
    id: 'distroless-python-instead',
    kind: 'warn',
    when: (context) => onDistroless(context) && context.distrolessPython !== undefined && context.distrolessPython.minor !== context.answers.runtimeVersion,
    message: ({ facts, answers, distrolessPython }) => {
      const reason = facts.runtimeVersion.evidence === null ? 'the default' : `allowed by ${describeEvidence(facts.runtimeVersion.evidence)}`;
      return `distroless python3 ships Python ${distrolessShipped()}: using ${distrolessPython!.minor} (${reason}) instead of ${answers.runtimeVersion}`;
    },
  },
  {
    id: 'python-unmaintained',
    kind: 'warn',
    when: ({ minor }) => END_OF_LIFE_MINORS.has(minor) || !SUPPORTED_PYTHON_MINORS.some((supported) => supported === minor),
    message: ({ minor }) => `Python ${minor} is not a maintained release: no more security fixes; consider --runtime-version ${SUPPORTED_PYTHON_MINORS.at(-1)}`,
  },
  {
    id: 'native-dependencies-on-alpine',
    kind: 'warn',
    when: ({ facts, answers, minor }) => answers.base === 'alpine' && mayLackMuslWheel(facts, minor).length > 0,
    message: ({ facts, minor }) =>
      `native dependencies (${mayLackMuslWheel(facts, minor).join(', ')}) on alpine: musllinux wheels may be missing, and pip then compiles them from source (slow; C headers may be needed)`,
  },
  {
    id: 'framework-without-server',
    kind: 'warn',
    when: ({ facts, command }) => facts.framework.value !== null && (command[0] === 'python' || command[0] === 'flask'),
    message: ({ facts, command }) =>
      `${facts.framework.value} runs as \`${command.join(' ')}\`, not under a production server: add ${SERVERS[facts.framework.value!]} to the dependencies and stagecraft serves the app with it`,
  },
  {
    id: 'pkg-resources-pin',
    kind: 'warn',
    when: ({ facts }) => facts.pkgResourcesPins.length > 0,
    message: ({ facts }) =>
      `${facts.pkgResourcesPins.map(({ value, evidence }) => `${describeEvidence(evidence)}: ${value.name}==${value.version}`).join(', ')} imports pkg_resources, which setuptools 82 removed: the image installs ${SETUPTOOLS_WITH_PKG_RESOURCES} beside it; a release that no longer imports it (${facts.pkgResourcesPins
        .map(({ value }) => `${value.name} ${PKG_RESOURCES_USERS[value.name]} or later`)
        .join(', ')}) needs no bound`,
  },
  {
    id: 'django-static-files',
    kind: 'warn',
    when: ({ facts }) => facts.framework.value === 'django' && !facts.djangoStaticRoot.value,
    message: () => 'Django static files are not collected: add `RUN python manage.py collectstatic --noinput` to the build stage if the app serves them (e.g. with WhiteNoise)',
  },
  {
    id: 'lockfile-tool-without-lockfile',
    kind: 'refuse',
    when: ({ facts }) => facts.tool.value !== 'uv' && facts.tool.value !== 'pip' && facts.lockfile.value === null && facts.pipSource !== 'project',
    message: ({ facts }) =>
      `${facts.tool.value} without its lockfile (${describeEvidence(facts.tool.evidence)}): the image installs exactly what the lockfile pins; run \`${LOCK_COMMANDS[facts.tool.value as keyof typeof LOCK_COMMANDS]}\` and commit it`,
  },
  {
    id: 'poetry-without-lockfile',
    kind: 'warn',
    when: ({ facts }) => facts.tool.value === 'poetry' && facts.lockfile.value === null && facts.pipSource === 'project',
    message: ({ facts }) =>
      `poetry without its lockfile (${describeEvidence(facts.tool.evidence)}): pip installs the project through poetry-core, each dependency at the newest version its constraint allows on every build; run \`poetry lock\` and commit it to pin them`,
  },
  {
    id: 'requirements-unpinned',
    kind: 'warn',
    when: (context) => installsWithPip(context) && context.facts.unpinned.length > 0,
    message: ({ facts }) =>
      `no lockfile and requirements not pinned with == (${facts.unpinned.join(', ')}): each build may install newer versions; pin them or lock them (uv lock)`,
  },
  {
    id: 'setup-py-unpinned',
    kind: 'warn',
    when: (context) => installsWithPip(context) && context.facts.unpinned.length === 0 && context.facts.pipSource === 'project',
    message: () => 'setup.py installs what it declares, unpinned: each build may install newer versions; a lockfile (uv lock) makes builds reproducible',
  },
  {
    id: 'requirements-install-the-project',
    kind: 'warn',
    when: (context) => installsWithPip(context) && context.facts.pipSource === 'requirements' && context.facts.localPaths.includes('.'),
    message: ({ facts }) =>
      `${facts.requirementsFile} installs the project itself (-e . or .): the dependency layer needs every source file, so any edit reinstalls everything; list only the dependencies there to cache them`,
  },
  {
    id: 'no-build-system',
    kind: 'warn',
    when: ({ facts, runsInstalled }) => runsInstalled && !facts.installable,
    message: () => 'pyproject.toml has no [build-system]: pip falls back to setuptools to install the project and its console scripts',
  },
];
