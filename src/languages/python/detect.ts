import { procfileProcesses } from '../../core/procfile.js';
import { detectPythonSecrets, type PythonSecrets } from './secrets.js';
import path from 'node:path';
import * as z from 'zod';
import { projectError, refusal } from '../../errors.js';
import type { ProjectFiles } from '../../project.js';
import { allowsMinor, DEFAULT_PYTHON_MINOR, exactMinor, newestMinorFor, pythonRangeToSemver } from './pyversion.js';
import { isPinned, normalizeName, readRequirements, requirementName, type Requirements } from './requirements.js';
import { KNOWN_COMPILED, PKG_RESOURCES_USERS } from './bases.js';
import { checkManifestShape, isTable, readToml, type TomlFile, type TomlTable } from '../../core/manifest.js';
import { describeEvidence, fact, type Evidence, type Fact } from '../../core/facts.js';
import { toolVersion } from '../../core/tool-versions.js';
import { lineAt, lineOf } from '../../core/text.js';
import type { ShippedSources } from '../../core/run-files.js';
import { shippedSources } from './sources.js';
import { atLeast, lockedCompiled, pinnedCompiled, type LockedCompiled } from './wheels.js';
import { enclosingUvWorkspace, uvWorkspaceRoot, type UvMember } from './workspace.js';
import { PYTHON_MANIFESTS } from './manifests.js';

export type PythonTool = 'uv' | 'poetry' | 'pdm' | 'pipenv' | 'pip';
export type PythonFramework = 'django' | 'fastapi' | 'litestar' | 'sanic' | 'python-fasthtml' | 'starlette' | 'quart' | 'flask';

/** How pip finds the dependencies when no lockfile tool is used. */
export type PipSource = 'requirements' | 'pyproject' | 'project' | 'none';

export interface PythonFacts {
  language: 'python';
  name: Fact<string>;
  /** A minor such as "3.12". */
  runtimeVersion: Fact<string>;
  /** The range the project allows (semver syntax), when it states a range rather than one minor. */
  versionRange: string | null;
  /** Why the version was read leniently (a range in .python-version), shown beside the plan. */
  versionWarning: string | null;
  /** A Procfile `web:` command that needs a shell (`$(nproc)`, quotes, `&&`): exec form cannot run it, so it is not used. */
  procfileShellCommand: Fact<string> | null;
  /**
   * The steps a Procfile `web:` line runs before its server (`flask db upgrade; gunicorn app:app`):
   * the image starts the server alone, so a migration is for a release step; null when there are none.
   */
  procfileSetup: Fact<string[]> | null;
  tool: Fact<PythonTool>;
  /** The lockfile the image installs from; null when installs are not pinned. */
  lockfile: Fact<string | null>;
  /**
   * A pdm.lock made without the inherit_metadata strategy (before PDM 2.17's default): it carries no
   * environment markers, and `pdm export` refuses it. Its strategy line; null for any other lockfile.
   */
  pdmLockWithoutMarkers: Fact<string> | null;
  /** For pip: a requirements file, pyproject's [project] dependencies, or the project itself (setup.py). */
  pipSource: PipSource;
  requirementsFile: string | null;
  /** Files the dependency install reads, copied before the sources: manifests, lockfile, requirement files. */
  dependencyInputs: string[];
  /** Wheels, archives and folders requirement files install from, copied with them. */
  localPaths: string[];
  /** The requirements say `--no-index`: every package comes from those local paths. */
  noIndex: boolean;
  /** Normalized names of the declared dependencies. */
  dependencies: Fact<string[]>;
  /** Declared dependencies not pinned with `==` (only matters without a lockfile). */
  unpinned: string[];
  /** A [build-system] table or setup.py: pip can install the project itself. */
  installable: boolean;
  /** Console scripts ([project.scripts], [tool.poetry.scripts]). */
  scripts: Fact<string>[];
  framework: Fact<PythonFramework | null>;
  /** The command in exec form; `$PORT` stands for the port the image listens on. */
  start: Fact<string[]> | null;
  port: Fact<number>;
  servesNetwork: Fact<boolean>;
  /** The source reads PORT from the environment. */
  readsPortEnv: Fact<boolean>;
  nativeDependencies: Fact<string[]>;
  /**
   * Packages that ship compiled wheels only, with the Pythons those wheels serve: as the lockfile lists
   * them, or for a requirements pin of a package in KNOWN_COMPILED, as known from its releases.
   */
  compiledPackages: LockedCompiled[];
  /**
   * Requirement pins of releases that import pkg_resources with setuptools unbounded (PKG_RESOURCES_USERS),
   * when the requirements leave setuptools to pip: `gunicorn==20.1.0`.
   */
  pkgResourcesPins: Fact<{ name: string; version: string }>[];
  /** No manifest at all, only a script (main.py, app.py, bot.py): a standard-library program. */
  scriptOnly: boolean;
  /** Django's STATIC_ROOT is set: the build runs collectstatic. */
  djangoStaticRoot: Fact<boolean>;
  /** A Flask app that uses its instance folder (`app.instance_path`, `instance_relative_config`): it writes there at run time. */
  flaskInstanceFolder: Fact<boolean>;
  /** Folders the app creates by a relative path as it runs (`os.mkdir('logs')`, `Path("uploads").mkdir()`): in the image, /app is root's. */
  createdFolders: Fact<string>[];
  /** Sources larger than a scan reads (generated tables): skipped, and said so. */
  skippedSources: string[];
  /** The app's own files the final stage copies by name, or why it copies the whole folder. */
  shippedSources: ShippedSources;
  /** Credentials the dependency install needs (pip.conf, .netrc, an index in .env), given as build secrets. */
  secrets: PythonSecrets;
  /** At a uv workspace root ([tool.uv.workspace] and uv.lock here): its member folders. */
  uvWorkspaceMembers: Fact<string[]> | null;
  /** A member of a uv workspace above: built from its root, where uv.lock is. */
  uvMember: UvMember | null;
}

const DEFAULT_PORT = 8000;

/** Dependencies that link C libraries or ship compiled extensions (prebuilt wheels for glibc, maybe not musl). */
export const NATIVE_DEPENDENCIES = new Set([
  'numpy',
  'pandas',
  'scipy',
  'cryptography',
  'lxml',
  'pillow',
  'psycopg2',
  'mysqlclient',
  'grpcio',
  'uvloop',
  'bcrypt',
  'cffi',
  'orjson',
  'pydantic-core',
  'pyyaml',
  'matplotlib',
  'scikit-learn',
  'psycopg-c',
]);

const asString = (value: unknown) => (typeof value === 'string' ? value : null);
const stringsOf = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** The [project] fields detection reads, with the types PEP 621 gives them; the rest is left alone. */
const PyprojectSchema = z.looseObject({
  project: z
    .looseObject({
      name: z.string().optional(),
      'requires-python': z.string().optional(),
      dependencies: z.array(z.string()).optional(),
      scripts: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

/** A TOML manifest of the project, or null when it has none. */
const readOptionalToml = (project: ProjectFiles, file: string): TomlFile | null => (project.hasFile(file) ? readToml(project, file) : null);

/** The 1-based line where a key (or table header) first appears, for evidence. */
const keyLine = (toml: TomlFile, key: string) => lineOf(toml.text, new RegExp(`^[ \\t]*"?${key.replace(/[.-]/g, '\\$&')}"?\\s*=`, 'm'));
const tableLine = (toml: TomlFile, table: string) => lineOf(toml.text, new RegExp(`^[ \\t]*\\[${table.replace(/[.-]/g, '\\$&')}\\]`, 'm'));

const LOCKFILES: { file: string; tool: PythonTool }[] = [
  { file: 'uv.lock', tool: 'uv' },
  { file: 'poetry.lock', tool: 'poetry' },
  { file: 'pdm.lock', tool: 'pdm' },
  { file: 'Pipfile.lock', tool: 'pipenv' },
];

type DetectedVersion = { version: Fact<string>; range: string | null; warning?: string };

/** A .python-version's version (`file` names it from the project: ".python-version", "../../.python-version"). */
function fromVersionFile(text: string, file: string): DetectedVersion {
  const first =
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line && !line.startsWith('#')) ?? '';
  const minor = exactMinor(first);
  if (minor) return { version: fact(minor, { file }), range: null };
  // pyenv reads only exact versions; a range (">= 3.10") or "latest" is what other tools (buildpacks, uv) accept.
  if (/^(latest|stable|3)$/i.test(first)) {
    return {
      version: fact(DEFAULT_PYTHON_MINOR, { file }),
      range: '>=3.0.0 <4.0.0',
      warning: `${file}: "${first}" is no exact version (pyenv rejects it): using Python ${DEFAULT_PYTHON_MINOR}, the current stable one`,
    };
  }
  const range = /^[<>=~!^]/.test(first) ? pythonRangeToSemver(first) : null;
  const newest = range && newestMinorFor(range);
  if (!range || !newest || !newest.startsWith('3.')) throw projectError(`${file}: "${first}" is not a CPython 3 version`);
  return {
    version: fact(newest, { file }),
    range,
    warning: `${file}: "${first}" is a range, not a version (pyenv rejects it): using Python ${newest}, the newest it allows`,
  };
}

/**
 * The Python to build with: the folder's .python-version, else (for a uv workspace member) the
 * workspace root's, as uv looks for one from the member up; then mise or asdf, requires-python,
 * runtime.txt, Pipfile and Poetry's python; then the Python a pip-compile header names.
 */
function detectVersion(project: ProjectFiles, pyproject: TomlFile | null, pipfile: TomlFile | null, workspaceVersionFile: { file: string; text: string } | null): DetectedVersion {
  const fromRange = (spec: string, evidence: Evidence, what: string) => {
    const range = pythonRangeToSemver(spec);
    const minor = range && newestMinorFor(range);
    if (!range || !minor) throw projectError(`${describe(evidence)}: ${what} "${spec}" is not a Python version range`);
    return { version: fact(minor, evidence), range };
  };
  if (project.hasFile('.python-version')) return fromVersionFile(project.readText('.python-version'), '.python-version');
  if (workspaceVersionFile) return fromVersionFile(workspaceVersionFile.text, workspaceVersionFile.file);
  // mise.toml `python = "3.12.1"` under [tools]; .tool-versions `python 3.12.1`.
  const managed = toolVersion(project, ['python']);
  if (managed) {
    const minor = exactMinor(managed.raw);
    if (!minor) throw projectError(`${describeEvidence(managed.evidence)}: python "${managed.raw}" is not a CPython 3 version`);
    return { version: fact(minor, managed.evidence), range: null };
  }
  const project_ = isTable(pyproject?.data.project) ? pyproject!.data.project : null;
  const requiresPython = asString(project_?.['requires-python']);
  if (requiresPython) return fromRange(requiresPython, { file: 'pyproject.toml', line: keyLine(pyproject!, 'requires-python') }, 'requires-python');
  if (project.hasFile('runtime.txt')) {
    const text = project.readText('runtime.txt').trim();
    const minor = exactMinor(text);
    if (!minor) throw projectError(`runtime.txt: "${text}" is not a Python version (expected e.g. python-3.12.4)`);
    return { version: fact(minor, { file: 'runtime.txt' }), range: null };
  }
  const requires = isTable(pipfile?.data.requires) ? pipfile!.data.requires : null;
  const pipfileVersion = asString(requires?.python_version) ?? asString(requires?.python_full_version);
  if (pipfileVersion) {
    const minor = exactMinor(pipfileVersion);
    if (!minor) throw projectError(`Pipfile: python_version "${pipfileVersion}" is not a Python version`);
    return { version: fact(minor, { file: 'Pipfile', line: keyLine(pipfile!, 'python_version') ?? keyLine(pipfile!, 'python_full_version') }), range: null };
  }
  const poetryPython = asString(poetryTable(pyproject, 'dependencies')?.python);
  if (poetryPython) return fromRange(poetryPython, { file: 'pyproject.toml', line: keyLine(pyproject!, 'python') }, 'tool.poetry.dependencies.python');
  const compiled = pipCompilePython(project);
  if (compiled) return { version: compiled, range: null };
  return { version: fact(DEFAULT_PYTHON_MINOR, null), range: null };
}

/**
 * The Python a pip-compile'd requirements.txt was resolved with, from the header pip-compile writes:
 * "with Python 3.11" (pip-tools 6.12 on), "with python 3.10" (earlier 6.x); the oldest headers name
 * none. Its pins were chosen for that minor (celery 5.2.7 imports on 3.11, not on 3.13), so it is
 * evidence, though weaker than any file that declares a Python. Only the leading comment block is
 * the header, and a Python 2 header is no Python to build with.
 */
function pipCompilePython(project: ProjectFiles): Fact<string> | null {
  if (!project.hasFile('requirements.txt')) return null;
  const lines = project.readText('requirements.txt').split('\n');
  for (const [index, line] of lines.entries()) {
    const trimmed = line.trim();
    if (trimmed && !trimmed.startsWith('#')) return null;
    const match = /^#\s*This file is autogenerated by pip-compile with python (3\.\d+)\s*$/i.exec(trimmed);
    if (match) return fact(match[1]!, { file: 'requirements.txt', line: index + 1 });
  }
  return null;
}

const describe = (evidence: Evidence) => (evidence.line ? `${evidence.file}:${evidence.line}` : evidence.file);

function poetryTable(pyproject: TomlFile | null, key: string): TomlTable | null {
  const tool = pyproject && isTable(pyproject.data.tool) ? pyproject.data.tool : null;
  const poetry = tool && isTable(tool.poetry) ? tool.poetry : null;
  if (!poetry) return null;
  const value = key === '' ? poetry : poetry[key];
  return isTable(value) ? value : null;
}

/** pdm.lock's `strategy = [...]` when it lacks inherit_metadata (lock_version 4.4 from PDM before 2.17). */
function pdmLockWithoutMarkers(project: ProjectFiles): Fact<string> | null {
  const text = project.readText('pdm.lock');
  const strategy = /^strategy\s*=\s*\[([^\]]*)\]/m.exec(text);
  if (strategy === null || strategy[1]!.includes('inherit_metadata')) return null;
  return fact(strategy[0], { file: 'pdm.lock', line: lineAt(text, strategy.index) });
}

function detectTool(project: ProjectFiles, pyproject: TomlFile | null, pipfile: TomlFile | null): { tool: Fact<PythonTool>; lockfile: Fact<string | null> } {
  const locks = LOCKFILES.filter(({ file }) => project.hasFile(file));
  if (locks.length > 1) {
    throw projectError(`several lockfiles (${locks.map((lock) => lock.file).join(', ')}): delete the stale ones so one tool decides the dependencies`);
  }
  const [lock] = locks;
  if (lock) return { tool: fact(lock.tool, { file: lock.file }), lockfile: fact(lock.file, { file: lock.file }) };
  if (poetryTable(pyproject, '')) return { tool: fact('poetry', { file: 'pyproject.toml', line: tableLine(pyproject!, 'tool.poetry') }), lockfile: fact(null, null) };
  if (pipfile) return { tool: fact('pipenv', { file: 'Pipfile' }), lockfile: fact(null, null) };
  const requirements = project.hasFile('requirements.txt') ? 'requirements.txt' : null;
  return { tool: fact('pip', requirements ? { file: requirements } : null), lockfile: fact(null, null) };
}

/**
 * Python files that may hold the app object or the entry point: the root and one folder down, and
 * in a src layout the packages under src/ (importable only once the project is installed).
 */
function candidateSources(project: ProjectFiles): string[] {
  return sourcesWhereTheAppMayBe(project)
    .filter((file) => !project.tooLargeToScan(file))
    .slice(0, 200);
}

/** Of those, the files too large to scan (generated data): skipped, and said so. */
const skippedSources = (project: ProjectFiles) => sourcesWhereTheAppMayBe(project).filter((file) => project.tooLargeToScan(file));

function sourcesWhereTheAppMayBe(project: ProjectFiles): string[] {
  return project
    .files()
    .filter((file) => file.endsWith('.py') && file.replace(/^src\//, '').split('/').length <= 2)
    .filter((file) => !/(^|\/)(tests?|migrations|docs|scripts)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest|setup|noxfile)\.py$/.test(file));
}

/** `app/main.py` -> `app.main`, `src/pkg/main.py` -> `pkg.main`. */
const moduleOf = (file: string) =>
  file
    .replace(/^src\//, '')
    .replace(/(\/__init__)?\.py$/, '')
    .replace(/\//g, '.');
/** Only files whose path is a valid dotted module name qualify. */
const isModulePath = (file: string) => /^(src\/[A-Za-z_]\w*\/|[A-Za-z_]\w*\/)?[A-Za-z_]\w*\.py$/.test(file);
/** A module under src/ imports only from the installed project. */
export const inSrcLayout = (evidence: Evidence | null) => evidence?.file.startsWith('src/') ?? false;

/**
 * `name = Constructor(` in a module, e.g. `app = FastAPI(`: the object a server imports; else an
 * application factory (`def create_app(` in a module that builds one), as `module:create_app()`.
 */
function findAppObject(project: ProjectFiles, sources: string[], constructors: string[]): { target: string; evidence: Evidence } | null {
  // `app = FastAPI(`, `app: Flask = Flask(` or `app = fastapi.FastAPI(`.
  const pattern = new RegExp(`^([A-Za-z_]\\w*)\\s*(?::\\s*\\w+\\s*|,\\s*\\w+\\s*)?=\\s*(?:\\w+\\.)?(?:${constructors.join('|')})\\(`, 'm');
  const modules = sources.filter(isModulePath);
  for (const file of modules) {
    const text = project.readSource(file);
    const match = pattern.exec(text);
    if (match) return { target: `${moduleOf(file)}:${match[1]}`, evidence: { file, line: lineAt(text, match.index) } };
  }
  const built = new RegExp(`\\b(?:${constructors.join('|')})\\(`);
  // `app = get_application()` at the top level, from a function of the same module that builds the app.
  for (const file of modules) {
    const text = project.readSource(file);
    if (!built.test(text)) continue;
    const assigned = [...text.matchAll(/^([A-Za-z_]\w*)\s*(?::\s*\w+\s*)?=\s*([A-Za-z_]\w*)\(\s*\)\s*$/gm)].find((match) =>
      new RegExp(`^def\\s+${match[2]}\\s*\\(`, 'm').test(text),
    );
    if (assigned) return { target: `${moduleOf(file)}:${assigned[1]}`, evidence: { file, line: lineAt(text, assigned.index) } };
  }
  for (const file of modules) {
    const text = project.readSource(file);
    const match = /^def\s+(create_app|make_app)\s*\(/m.exec(text);
    if (match && built.test(text)) return { target: `${moduleOf(file)}:${match[1]}()`, evidence: { file, line: lineAt(text, match.index) } };
  }
  return null;
}

const MAIN_GUARD = /^if\s+__name__\s*==\s*['"]__main__['"]\s*:/m;

/** A root script that starts itself under `if __name__ == "__main__":` (app.py, main.py, server.py, bot.py). */
function findMainScript(project: ProjectFiles, sources: string[]): string | undefined {
  const named = ['__main__.py', 'main.py', 'app.py'].find((file) => project.hasFile(file));
  if (named) return named;
  const guarded = sources.filter((file) => !file.includes('/') && file !== 'manage.py' && MAIN_GUARD.test(project.readSource(file)));
  return ['server.py', 'bot.py', 'run.py', 'wsgi.py'].find((file) => guarded.includes(file)) ?? (guarded.length === 1 ? guarded[0] : undefined);
}

/** The Procfile `web:` command, with its evidence; null without one. */
function procfileWebLine(project: ProjectFiles): Fact<string> | null {
  const web = procfileProcesses(project).find((process) => process.name === 'web');
  return web ? fact(web.command.trim(), web.evidence) : null;
}

/** Words of a command exec form can run as they are: no quotes, &&, or variables other than PORT. */
const execFormWords = (command: string): string[] | null => {
  const words = command.replace(/\$\{PORT\}/g, '$PORT').split(/\s+/);
  return words.every((word) => /^[A-Za-z0-9._@/=:,+-]*(\$PORT)?[A-Za-z0-9._@/=:,+-]*$/.test(word)) ? words : null;
};

/**
 * A Procfile `web:` command as words, and the steps before it: a line of several commands
 * (`flask db upgrade; gunicorn app:app`, with `;` or `&&`) whose last one exec form can run starts
 * with that one. Null when there is none or it needs a shell.
 */
function procfileWeb(project: ProjectFiles): { words: string[]; setup: string[]; evidence: Evidence } | null {
  const web = procfileWebLine(project);
  if (!web) return null;
  const whole = execFormWords(web.value);
  if (whole) return { words: whole, setup: [], evidence: web.evidence! };
  const steps = web.value.split(/\s*(?:;|&&)\s*/).filter(Boolean);
  const last = steps.length > 1 ? execFormWords(steps.at(-1)!) : null;
  return last ? { words: last, setup: steps.slice(0, -1), evidence: web.evidence! } : null;
}

/** The Procfile `web:` command when it needs a shell, which an exec-form entrypoint cannot give it. */
function procfileShellCommand(project: ProjectFiles): Fact<string> | null {
  const web = procfileWebLine(project);
  return web && !procfileWeb(project) ? web : null;
}

/** What a Procfile `web:` line runs before its server, which the image leaves to a release step. */
function procfileSetup(project: ProjectFiles): Fact<string[]> | null {
  const web = procfileWeb(project);
  return web && web.setup.length > 0 ? fact(web.setup, web.evidence) : null;
}

/** The port a server command states: `--bind 0.0.0.0:5000`, `-b :5000`, `--port 5000`, `-p 5000`. */
function portOfCommand(words: string[]): number | null {
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    const [flag, inline] = word.split('=', 2) as [string, string | undefined];
    const value = inline ?? words[index + 1] ?? '';
    const port = ['--bind', '-b'].includes(flag) ? /:(\d{2,5})$/.exec(value)?.[1] : ['--port', '-p'].includes(flag) ? /^(\d{2,5})$/.exec(value)?.[1] : undefined;
    if (port && Number(port) <= 65535) return Number(port);
  }
  return null;
}

/** `port=8000`, `port=int(os.environ.get("PORT", 5000))`, `port=os.getenv("X", "9090")` in a listen call. */
const LISTEN_PORT = /\b(?:run|run_app|serve)\([^)]*?\bport\s*=\s*(?:int\()?\s*(?:(\d{2,5})\b|os\.(?:environ\.get|getenv)\(\s*['"]\w+['"]\s*,\s*['"]?(\d{2,5})\b)/s;
/** `port = int(os.environ.get("PORT", 5000))` assigned before the call. */
const PORT_ASSIGNMENT = /^[ \t]*port\s*=\s*(?:int\()?\s*(?:(\d{2,5})\b|os\.(?:environ\.get|getenv)\(\s*['"]\w+['"]\s*,\s*['"]?(\d{2,5})\b)/m;

/** The port a Python source listens on: a listen call's `port=` or a `port = ...` assignment with a number. */
function portInSources(project: ProjectFiles, files: string[]): { port: number; evidence: Evidence } | null {
  for (const pattern of [LISTEN_PORT, PORT_ASSIGNMENT]) {
    for (const file of files) {
      const text = project.readSource(file);
      const match = pattern.exec(text);
      const port = match && Number(match[1] ?? match[2]);
      if (match && port && port <= 65535) return { port, evidence: { file, line: lineAt(text, match.index) } };
    }
  }
  return null;
}

/** The function Google's Functions Framework serves: GOOGLE_FUNCTION_TARGET in project.toml's [[build.env]]. */
function functionTarget(project: ProjectFiles): { name: string; evidence: Evidence } | null {
  if (!project.hasFile('project.toml')) return null;
  const text = project.readText('project.toml');
  const match = /name\s*=\s*"GOOGLE_FUNCTION_TARGET"\s*\n\s*value\s*=\s*"([A-Za-z_]\w*)"/.exec(text);
  return match ? { name: match[1]!, evidence: { file: 'project.toml', line: lineAt(text, match.index) } } : null;
}

/** Django's WSGI/ASGI application from the settings module manage.py names. */
interface DjangoApplications {
  wsgi: string | null;
  asgi: string | null;
  evidence: Evidence;
  /** Where STATIC_ROOT is set: collectstatic has somewhere to write. */
  staticRoot: Evidence | null;
  /** The top folder STATIC_ROOT names below BASE_DIR (`BASE_DIR / "staticfiles"`), which the build fills; null when it says otherwise. */
  staticRootFolder: string | null;
}

function djangoApplications(project: ProjectFiles): DjangoApplications | null {
  if (!project.hasFile('manage.py')) return null;
  const manage = project.readSource('manage.py');
  const settingsModule = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/.exec(manage)?.[1];
  const settingsFile = settingsModule
    ? [`${settingsModule.replace(/\./g, '/')}.py`, `${settingsModule.replace(/\./g, '/')}/__init__.py`].find((file) => project.hasFile(file))
    : undefined;
  if (!settingsFile) return { wsgi: null, asgi: null, evidence: { file: 'manage.py' }, staticRoot: null, staticRootFolder: null };
  const settings = project.readSource(settingsFile);
  // A settings package (`pkg/settings/dev.py`, `pkg/settings/__init__.py`) often defines the application in base.py.
  if (!/^(WSGI|ASGI)_APPLICATION/m.test(settings)) {
    const folder = path.posix.dirname(settingsFile);
    const imported = [...settings.matchAll(/^from\s+\.(\w+)\s+import\s+\*/gm)].map((match) => `${folder}/${match[1]}.py`);
    const base = [...imported, `${folder}/base.py`].find((file) => project.hasFile(file) && /^(WSGI|ASGI)_APPLICATION/m.test(project.readSource(file)));
    if (base) return djangoSettings(project.readSource(base), base);
  }
  return djangoSettings(settings, settingsFile);
}

function djangoSettings(settings: string, settingsFile: string): DjangoApplications {
  const setting = (name: string) => /^([A-Z_]+)\s*=\s*['"]([\w.]+)\.(\w+)['"]/m.exec(settings.split('\n').find((line) => line.startsWith(name)) ?? '');
  const asTarget = (match: RegExpExecArray | null) => (match ? `${match[2]}:${match[3]}` : null);
  const wsgi = asTarget(setting('WSGI_APPLICATION'));
  const asgi = asTarget(setting('ASGI_APPLICATION'));
  const line = lineOf(settings, /^(WSGI|ASGI)_APPLICATION/m);
  const staticLine = lineOf(settings, /^STATIC_ROOT\s*=/m);
  // `BASE_DIR / "staticfiles"`, `os.path.join(BASE_DIR, 'staticfiles')`: one folder in the project's root.
  const staticRootFolder = /^STATIC_ROOT\s*=.*\bBASE_DIR\b[^'"\n]*['"]([\w.-]+)\/?['"]\)*\s*$/m.exec(settings)?.[1] ?? null;
  return { wsgi, asgi, evidence: { file: settingsFile, line }, staticRoot: staticLine ? { file: settingsFile, line: staticLine } : null, staticRootFolder };
}

/** The declared dependencies and the files their install needs, per tool. */
function detectDependencies(project: ProjectFiles, tool: PythonTool, pyproject: TomlFile | null, pipfile: TomlFile | null) {
  const projectTable = isTable(pyproject?.data.project) ? pyproject!.data.project : null;
  const pep621 = stringsOf(projectTable?.dependencies);
  const fromPep621 = pep621.map((requirement) => requirementName(requirement)).filter((name) => name !== null);
  const poetryDependencies = Object.keys(poetryTable(pyproject, 'dependencies') ?? {}).filter((name) => name !== 'python');
  const manifests = (lock: string | null, manifest: string) => (lock ? [manifest, lock] : [manifest]);
  const pyprojectEvidence = (key: string): Evidence | null => (pyproject ? { file: 'pyproject.toml', line: keyLine(pyproject, key) } : null);
  let names: string[] = [];
  let evidence: Evidence | null = null;
  let inputs: string[] = [];
  let localPaths: string[] = [];
  let unpinned: string[] = [];
  let pins: Requirements['pins'] = [];
  let noIndex = false;
  let pipSource: PipSource = 'none';
  let requirementsFile: string | null = null;
  const extras = fromPep621.flatMap((requirement) => requirement.extras.map((extra) => `${requirement.name}[${extra}]`));

  if (tool === 'pip') {
    if (project.hasFile('requirements.txt')) {
      const requirements = readRequirements(project, 'requirements.txt');
      names = requirements.names;
      evidence = { file: 'requirements.txt' };
      inputs = requirements.files;
      localPaths = requirements.localPaths;
      unpinned = requirements.unpinned;
      pins = requirements.pins;
      noIndex = requirements.noIndex;
      pipSource = 'requirements';
      requirementsFile = 'requirements.txt';
    } else if (projectTable && (pep621.length > 0 || !project.hasFile('setup.py'))) {
      names = fromPep621.map((requirement) => requirement.name);
      unpinned = pep621.filter((requirement) => !isPinned(requirement)).map((requirement) => requirementName(requirement)?.name ?? requirement);
      evidence = pyprojectEvidence('dependencies');
      inputs = ['pyproject.toml'];
      pipSource = pep621.length > 0 ? 'pyproject' : 'none';
    } else if (project.hasFile('setup.py') || project.hasFile('setup.cfg')) {
      evidence = { file: project.hasFile('setup.py') ? 'setup.py' : 'setup.cfg' };
      pipSource = 'project';
    }
  } else if (tool === 'pipenv') {
    const packages = isTable(pipfile?.data.packages) ? Object.keys(pipfile!.data.packages) : [];
    names = packages.map(normalizeName);
    evidence = pipfile ? { file: 'Pipfile', line: tableLine(pipfile, 'packages') } : null;
    inputs = manifests(project.hasFile('Pipfile.lock') ? 'Pipfile.lock' : null, 'Pipfile');
  } else {
    names = [...fromPep621.map((requirement) => requirement.name), ...poetryDependencies.map(normalizeName)];
    evidence = pyprojectEvidence(poetryDependencies.length > 0 ? 'python' : 'dependencies');
    const lock = { uv: 'uv.lock', poetry: 'poetry.lock', pdm: 'pdm.lock' }[tool];
    inputs = manifests(project.hasFile(lock) ? lock : null, 'pyproject.toml');
    // Poetry without its lockfile, built by poetry-core: pip installs the project, which declares its dependencies to pip.
    const buildSystem = pyproject?.data['build-system'];
    const backend = isTable(buildSystem) && typeof buildSystem['build-backend'] === 'string' ? buildSystem['build-backend'] : '';
    if (tool === 'poetry' && !project.hasFile(lock) && backend.startsWith('poetry.core')) pipSource = 'project';
  }
  // fastapi[standard] brings uvicorn; the extra counts as the server being there.
  if (extras.some((extra) => /^(fastapi|litestar)\[(standard|all)\]$/.test(extra))) names.push('uvicorn');
  // FastHTML depends on uvicorn itself.
  if (names.includes('python-fasthtml')) names.push('uvicorn');
  // Quart depends on hypercorn, its production server (Quart's own app.run() is a development server on 127.0.0.1).
  if (names.includes('quart')) names.push('hypercorn');
  const pinned = pins.filter((pin) => pin.name in KNOWN_COMPILED).map((pin) => pinnedCompiled(pin.name, pin.version, pin.evidence, KNOWN_COMPILED[pin.name]!.firstWheel));
  const pkgResourcesPins = names.includes('setuptools')
    ? []
    : pins
        .filter((pin) => pin.name in PKG_RESOURCES_USERS && !atLeast(pin.version, PKG_RESOURCES_USERS[pin.name]!))
        .map((pin) => fact({ name: pin.name, version: pin.version }, pin.evidence));
  return { dependencies: fact([...new Set(names)], evidence), inputs, localPaths, unpinned, noIndex, pipSource, requirementsFile, pinned, pkgResourcesPins };
}

function detectScripts(pyproject: TomlFile | null): Fact<string>[] {
  if (!pyproject) return [];
  const projectTable = isTable(pyproject.data.project) ? pyproject.data.project : null;
  const scripts = { ...(isTable(projectTable?.scripts) ? projectTable!.scripts : {}), ...(poetryTable(pyproject, 'scripts') ?? {}) };
  return Object.keys(scripts)
    .filter((name) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    .map((name) => fact(name, { file: 'pyproject.toml', line: keyLine(pyproject, name) }));
}

/** How each WSGI/ASGI server serves `module:app` on every address, on the port the image fills in for $PORT. */
export const SERVE = {
  gunicorn: (target: string) => ['gunicorn', '--bind', '0.0.0.0:$PORT', target],
  uvicorn: (target: string) => ['uvicorn', target, '--host', '0.0.0.0', '--port', '$PORT'],
  hypercorn: (target: string) => ['hypercorn', '--bind', '0.0.0.0:$PORT', target],
};

/** What the image runs, by the first rule that applies; null when detection cannot decide. */
function detectStart(project: ProjectFiles, facts: Pick<PythonFacts, 'dependencies' | 'scripts' | 'framework'>): Fact<string[]> | null {
  const has = (name: string) => facts.dependencies.value.includes(name);
  const { gunicorn, uvicorn, hypercorn } = SERVE;
  const procfile = procfileWeb(project);
  if (procfile) return fact(procfile.words, procfile.evidence);

  if (facts.framework.value === 'django') {
    const django = djangoApplications(project);
    if (django?.asgi && has('uvicorn')) return fact(uvicorn(django.asgi), django.evidence);
    if (django?.wsgi && has('gunicorn')) return fact(gunicorn(django.wsgi), django.evidence);
    // No production server among the dependencies: Django's own server, without the reloader (a warning names gunicorn).
    if (django) return fact(['python', 'manage.py', 'runserver', '0.0.0.0:$PORT', '--noreload'], { file: 'manage.py' });
    return null;
  }
  const sources = candidateSources(project);
  if (has('functions-framework')) {
    // Google's Functions Framework serves the function project.toml (or FUNCTION_TARGET) names, on 8080 by default.
    const target = functionTarget(project);
    if (target) return fact(['functions-framework', '--target', target.name, '--port', '$PORT'], target.evidence);
  }
  if (ASGI_FRAMEWORKS.has(facts.framework.value) && has('uvicorn')) {
    const app = findAppObject(project, sources, ['FastAPI', 'Litestar', 'FastHTML', 'fast_app', 'Starlette']);
    if (app) return fact(uvicorn(app.target), app.evidence);
  }
  if (facts.framework.value === 'quart' && has('hypercorn')) {
    const app = findAppObject(project, sources, ['Quart']);
    if (app) return fact(hypercorn(app.target), app.evidence);
  }
  if (facts.framework.value === 'sanic') {
    const app = findAppObject(project, sources, ['Sanic']);
    if (app) return fact(['sanic', app.target, '--host', '0.0.0.0', '--port', '$PORT'], app.evidence);
  }
  if (facts.framework.value === 'flask' && has('gunicorn')) {
    const app = findAppObject(project, sources, ['Flask']);
    if (app) return fact(gunicorn(app.target), app.evidence);
  }
  if (facts.scripts.length === 1) return fact([facts.scripts[0]!.value], facts.scripts[0]!.evidence);
  if (facts.scripts.length > 1) return null;
  const mainPackage = sources.find((file) => /^(src\/)?[A-Za-z_]\w*\/__main__\.py$/.test(file));
  if (mainPackage) return fact(['python', '-m', moduleOf(path.posix.dirname(mainPackage))], { file: mainPackage });
  const script = findMainScript(project, sources);
  if (script) return fact(['python', script], { file: script });
  if (facts.framework.value === 'flask') {
    // No production server and no script: Flask's own `flask run` serves the app (or its factory) it finds.
    const app = findAppObject(project, sources, ['Flask']);
    if (app) return fact(['flask', '--app', app.target, 'run', '--host', '0.0.0.0', '--port', '$PORT'], app.evidence);
  }
  return null;
}

const FRAMEWORKS: PythonFramework[] = ['django', 'fastapi', 'litestar', 'sanic', 'python-fasthtml', 'starlette', 'quart', 'flask'];
/** ASGI frameworks: served by an ASGI server (uvicorn; Quart's own hypercorn), never by gunicorn's WSGI workers. */
export const ASGI_FRAMEWORKS = new Set<PythonFramework | null>(['fastapi', 'litestar', 'python-fasthtml', 'starlette', 'quart']);
const SERVER_IMPORT = /^[ \t]*(?:from|import)\s+(http\.server|socketserver|aiohttp|tornado|wsgiref)\b/m;
/** Flask's instance folder: created by the app (`os.makedirs(app.instance_path)`) and written to (config, SQLite). */
const FLASK_INSTANCE = /\binstance_path\b|\binstance_relative_config\s*=\s*True\b/;
const PORT_ENV = /environ(?:\.get)?\s*[([]\s*['"]PORT['"]|getenv\(\s*['"]PORT['"]/;

/** `os.mkdir('logs')`, `os.makedirs("data/uploads", ...)`, `Path('logs').mkdir(`: a folder made by a relative path, in the working directory. */
const MAKES_FOLDER = /\bos\.(?:mkdir|makedirs)\(\s*(['"])([A-Za-z0-9_][\w.-]*(?:\/[\w.-]+)*)\1|\bPath\(\s*(['"])([A-Za-z0-9_][\w.-]*(?:\/[\w.-]+)*)\3\s*\)\.mkdir\(/g;

function findCreatedFolders(project: ProjectFiles, sources: string[]): Fact<string>[] {
  const found = new Map<string, Fact<string>>();
  for (const file of sources) {
    const text = project.readSource(file);
    for (const match of text.matchAll(MAKES_FOLDER)) {
      const folder = (match[2] ?? match[4])!.replace(/\/+$/, '');
      if (folder.split('/').includes('..') || found.has(folder)) continue;
      found.set(folder, fact(folder, { file, line: lineAt(text, match.index) }));
    }
  }
  return [...found.values()];
}

function findInSources(project: ProjectFiles, sources: string[], pattern: RegExp): Fact<boolean> {
  for (const file of sources) {
    const text = project.readSource(file);
    const match = pattern.exec(text);
    if (match) return fact(true, { file, line: lineAt(text, match.index) });
  }
  return fact(false, null);
}

/** Whether a range lets in some Python 3 (3.0 to 3.30). */
const semverAllows3 = (range: string) => Array.from({ length: 31 }, (_, minor) => `3.${minor}`).some((minor) => allowsMinor(range, minor));

const PYTHON2 = 'Python 2 has had no releases or security fixes since 2020 and no official images: port the app to Python 3 first';

/** Refuses a Python 2 project, naming what says so: a version file, setup.py's python_requires, or a print statement. */
function refusePython2(project: ProjectFiles, sources: string[]): void {
  for (const file of ['.python-version', 'runtime.txt']) {
    if (!project.hasFile(file)) continue;
    const first =
      project
        .readSource(file)
        .split('\n')
        .map((line) => line.trim())
        .find((line) => line && !line.startsWith('#')) ?? '';
    if (/^(?:c?python-?)?2(\.\d+)*$/i.test(first)) throw refusal(`${file}: "${first}" is Python 2. ${PYTHON2}`);
  }
  if (project.hasFile('setup.py')) {
    const text = project.readSource('setup.py');
    const match = /python_requires\s*=\s*['"]([^'"]+)['"]/.exec(text);
    const range = match && pythonRangeToSemver(match[1]!);
    if (match && range && !semverAllows3(range)) throw refusal(`setup.py:${lineAt(text, match.index)}: python_requires "${match[1]}" allows only Python 2. ${PYTHON2}`);
  }
  for (const file of sources) {
    const text = project.readSource(file);
    // `print "x"` or `print 'x'`: a statement Python 3 rejects as a syntax error.
    const match = /^[ \t]*print[ \t]+(?:["'].*|[A-Za-z_]\w*[ \t]*$)/m.exec(text);
    if (match) throw refusal(`${file}:${lineAt(text, match.index)}: \`${match[0].trim()}\` is a Python 2 print statement. ${PYTHON2}`);
  }
}

/** Detects a Python project from its manifests, lockfiles, version files and sources. Pure: never asks. */
export function detectPython(project: ProjectFiles): PythonFacts {
  const pyproject = readOptionalToml(project, 'pyproject.toml');
  if (pyproject) checkManifestShape(PyprojectSchema, pyproject.data, 'pyproject.toml');
  const pipfile = readOptionalToml(project, 'Pipfile');
  refusePython2(project, candidateSources(project));
  const projectTable = isTable(pyproject?.data.project) ? pyproject!.data.project : null;
  const declaredName = asString(projectTable?.name) ?? asString(poetryTable(pyproject, '')?.name);
  // A member of a uv workspace has no lockfile of its own: the workspace's, above, pins it.
  const workspace = declaredName && !LOCKFILES.some(({ file }) => project.hasFile(file)) ? enclosingUvWorkspace(project, declaredName) : null;
  const { version, range, warning: versionWarning = null } = detectVersion(project, pyproject, pipfile, workspace?.versionFile ?? null);
  const { tool, lockfile } = workspace
    ? { tool: fact<PythonTool>('uv', { file: `${workspace.member.contextPath}/uv.lock` }), lockfile: fact(null, null) }
    : detectTool(project, pyproject, pipfile);
  const { dependencies, inputs, localPaths, unpinned, noIndex, pipSource, requirementsFile, pinned, pkgResourcesPins } = detectDependencies(
    project,
    tool.value,
    pyproject,
    pipfile,
  );
  const scripts = detectScripts(pyproject);
  const frameworkName = FRAMEWORKS.find((name) => dependencies.value.includes(name)) ?? null;
  const framework = fact(frameworkName, frameworkName ? dependencies.evidence : null);
  const start = detectStart(project, { dependencies, scripts, framework });

  const sources = candidateSources(project);
  const readsPortEnv = findInSources(project, sources, PORT_ENV);
  const commandPort = start ? portOfCommand(start.value) : null;
  // A script run with python listens where its own code says; a server command where its flags say.
  const startFile = start?.value[0] === 'python' && start.value[1]?.endsWith('.py') ? start.value[1] : null;
  const sourcePort = startFile && project.hasFile(startFile) && !project.tooLargeToScan(startFile) ? portInSources(project, [startFile]) : null;
  // Flask's development server (`flask run`, `app.run()`) defaults to 5000; gunicorn, uvicorn, Django, Sanic, Litestar to 8000.
  const flaskDev = frameworkName === 'flask' && (start?.value[0] === 'flask' || startFile !== null);
  const defaultPort = flaskDev ? 5000 : start?.value[0] === 'functions-framework' ? 8080 : DEFAULT_PORT;
  const webProcess = start?.evidence?.file === 'Procfile';
  const serverImport = findInSources(project, sources, SERVER_IMPORT);
  // A Procfile with a worker process and no web one runs a queue consumer or a bot: nothing listens.
  const processes = procfileProcesses(project);
  const worker = processes.find((process) => process.name === 'worker');
  const servesNetwork =
    worker && !processes.some((process) => process.name === 'web')
      ? fact(false, worker.evidence)
      : frameworkName || webProcess || start?.value.includes('$PORT')
        ? fact(true, start?.evidence ?? framework.evidence)
        : serverImport.value
          ? serverImport
          : readsPortEnv;

  const django = frameworkName === 'django' ? djangoApplications(project) : null;
  const djangoStaticRoot = django?.staticRoot ? fact(true, django.staticRoot) : fact(false, null);
  const native = dependencies.value.filter((name) => NATIVE_DEPENDENCIES.has(name));
  return {
    language: 'python',
    name: declaredName ? fact(declaredName, { file: 'pyproject.toml', line: keyLine(pyproject!, 'name') }) : fact(path.basename(project.root), null),
    runtimeVersion: version,
    versionRange: range,
    versionWarning,
    procfileShellCommand: procfileShellCommand(project),
    procfileSetup: procfileSetup(project),
    tool,
    lockfile,
    pipSource,
    requirementsFile,
    dependencyInputs: inputs,
    pdmLockWithoutMarkers: tool.value === 'pdm' && lockfile.value === 'pdm.lock' ? pdmLockWithoutMarkers(project) : null,
    localPaths,
    noIndex,
    dependencies,
    unpinned,
    installable: Boolean(pyproject?.data['build-system']) || project.hasFile('setup.py'),
    scripts,
    framework,
    start,
    port: commandPort ? fact(commandPort, start!.evidence) : sourcePort ? fact(sourcePort.port, sourcePort.evidence) : fact(defaultPort, null),
    servesNetwork,
    readsPortEnv,
    nativeDependencies: fact(native, native.length > 0 ? dependencies.evidence : null),
    compiledPackages: workspace ? workspace.compiled : lockfile.value ? lockedCompiled(lockfile.value, project.readSource(lockfile.value)) : pinned,
    pkgResourcesPins,
    scriptOnly: !PYTHON_MANIFESTS.some((file) => project.hasFile(file)),
    djangoStaticRoot,
    skippedSources: skippedSources(project),
    shippedSources: shippedSources(project, start, django?.staticRoot ? { folder: django.staticRootFolder, evidence: django.staticRoot } : null),
    flaskInstanceFolder: frameworkName === 'flask' ? findInSources(project, sources, FLASK_INSTANCE) : fact(false, null),
    createdFolders: findCreatedFolders(project, sources),
    secrets: detectPythonSecrets(project, inputs),
    uvWorkspaceMembers: uvWorkspaceRoot(project, pyproject),
    uvMember: workspace?.member ?? null,
  };
}
