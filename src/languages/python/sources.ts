import type { ProjectFiles } from '../../project.js';
import { describeEvidence, type Evidence, type Fact } from '../../core/facts.js';
import { entriesNamedIn, shippable, shippedList, type ShippedSources } from '../../core/run-files.js';

/*
 * What a Python app run from /app needs there: the module or package its command names, the local
 * modules and packages those import (followed through every file of each), what the code names in
 * strings (Django's INSTALLED_APPS and ROOT_URLCONF, a templates folder, a data file), and the
 * folders and files frameworks read by convention. The final stage copies these from the build
 * stage, where they were compiled to bytecode; anything the imports cannot tell ships the whole folder.
 */

/** The .py files one project walk reads at most: a larger app ships whole rather than half-read. */
const MAX_FILES = 1000;

/** What the .dockerignore leaves out at the top (templates/python/dockerignore.hbs; node_modules beside a package.json), besides hidden and secret names. */
const IGNORED_AT_TOP = new Set(['venv', '__pycache__', 'htmlcov', 'dist', 'build', 'Dockerfile', 'stagecraft.json', 'node_modules']);

/** Folders and files read at run time without an import, each with who reads it. */
const CONVENTIONAL: Record<string, string> = {
  templates: 'Templates, which Flask and Django look for in templates/ by convention.',
  static: 'Static files, which Flask serves from static/ by convention.',
  locale: 'Translations, which Django reads from locale/ by convention.',
  translations: 'Translations, which Flask-Babel reads from translations/ by convention.',
  instance: "Flask's instance folder: configuration read at start.",
  migrations: 'Database migrations, which the app or its release step may run.',
  alembic: 'Alembic migrations, which the app or its release step may run.',
  'alembic.ini': "Alembic's configuration, read with its migrations.",
  'gunicorn.conf.py': 'gunicorn reads ./gunicorn.conf.py at start.',
  'manage.py': "Django's command line, which release steps run (manage.py migrate).",
};

/** `import a.b, c` and `from a.b import c`: the top-level names of absolute imports (relative ones stay in their package). */
const IMPORT_LINE = /^[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([A-Za-z_][\w.]*(?:[ \t]*(?:as[ \t]+\w+)?[ \t]*,[ \t]*[A-Za-z_][\w.]*)*))/;
/** `importlib.import_module(name)`, `__import__(name)`: a module loaded by a name the code computes. */
const COMPUTED_IMPORT = /\b(?:import_module|__import__)\(\s*(?!['"][\w.]+['"]\s*[,)])/;

/** The module, package or file a start command runs from /app: `app.py`, `-m pkg`, `pkg.wsgi:app`, `--app pkg`, functions-framework's main.py. */
function entryName(command: string[]): string | null {
  const [program, first] = command;
  if (program === 'python') return first === '-m' ? (command[2] ?? null) : (first ?? null);
  // Google's Functions Framework loads its function from --source, main.py unless told otherwise.
  if (program === 'functions-framework') return command.includes('--source') ? (command[command.indexOf('--source') + 1] ?? null) : 'main.py';
  const target = command.find((word) => /^[A-Za-z_][\w.]*:[A-Za-z_]\w*(\(\))?$/.test(word));
  if (target) return target.split(':')[0]!;
  const flaskApp = program === 'flask' ? command[command.indexOf('--app') + 1] : undefined;
  return flaskApp && command.includes('--app') ? flaskApp.split(':')[0]! : null;
}

/** The top-level entry a dotted module or a .py path lives in: `app.main` -> app (a folder) or app.py. */
function topEntryOf(project: ProjectFiles, name: string, entries: ReadonlySet<string>): string | null {
  if (name.endsWith('.py')) return entries.has(name.split('/')[0]!) ? name.split('/')[0]! : null;
  const top = name.split('.')[0]!;
  if (entries.has(top) && project.hasDir(top)) return top;
  return entries.has(`${top}.py`) ? `${top}.py` : null;
}

/** The .py files of a top-level entry: itself, or every one below the folder. */
const pythonFilesOf = (project: ProjectFiles, entry: string) =>
  entry.endsWith('.py') ? [entry] : project.files().filter((file) => file.startsWith(`${entry}/`) && file.endsWith('.py'));

/**
 * The app's own files the final stage copies, found from its start command; or why the whole folder
 * ships instead: a command stagecraft cannot map to a module, a module imported by a computed name,
 * more files than it reads, or a STATIC_ROOT for collectstatic that it cannot read from the settings.
 */
export function shippedSources(project: ProjectFiles, start: Fact<string[]> | null, collectedStatic: { folder: string | null; evidence: Evidence } | null): ShippedSources {
  const whole = (why: string): ShippedSources => ({ kind: 'whole', why: `${why}: the whole folder ships (.dockerignore keeps the rest out)` });
  if (collectedStatic && !collectedStatic.folder) {
    return whole(`collectstatic writes STATIC_ROOT (${describeEvidence(collectedStatic.evidence)}) in the build, at a path stagecraft cannot read from the settings`);
  }
  const entries = new Set(project.topEntries().filter((name) => shippable(name) && !IGNORED_AT_TOP.has(name) && !name.endsWith('.egg-info')));
  const name = start ? entryName(start.value) : null;
  const entry = name ? topEntryOf(project, name, entries) : null;
  if (!entry) return whole(`the start command (${describeEvidence(start?.evidence ?? null)}) names no module of the project stagecraft can follow`);

  const shipped = new Map<string, string>([[entry, `What the start command runs (${describeEvidence(start!.evidence)}).`]]);
  const queue = pythonFilesOf(project, entry);
  const add = (top: string, why: string) => {
    if (shipped.has(top)) return;
    shipped.set(top, why);
    queue.push(...pythonFilesOf(project, top));
  };
  // First, so that what they import is followed too (alembic's env.py imports the app's models).
  for (const [conventional, why] of Object.entries(CONVENTIONAL)) if (entries.has(conventional)) add(conventional, why);
  for (let index = 0; index < queue.length; index++) {
    if (index >= MAX_FILES) return whole(`the imports reach more than ${MAX_FILES} files`);
    const file = queue[index]!;
    if (project.tooLargeToScan(file)) return whole(`${file} is too large to scan`);
    const lines = project.readSource(file).split('\n');
    for (const [lineIndex, line] of lines.entries()) {
      const evidence: Evidence = { file, line: lineIndex + 1 };
      if (COMPUTED_IMPORT.test(line)) return whole(`${describeEvidence(evidence)} imports a module by a name the code computes`);
      const imported = IMPORT_LINE.exec(line);
      const names = imported ? (imported[1] ? [imported[1]] : imported[2]!.split(',').map((part) => part.trim().split(/\s+/)[0]!)) : [];
      for (const module of names) {
        const top = topEntryOf(project, module, entries);
        if (top) add(top, `Imported by the app (${describeEvidence(evidence)}).`);
      }
      for (const top of entriesNamedIn(line, file, entries, true)) add(top, `Named in the code (${describeEvidence(evidence)}): read at run time.`);
    }
  }
  const listed = shippedList(project, shipped, whole);
  // Made by collectstatic in the build stage, so it need not exist in the project.
  if (listed.kind === 'list' && collectedStatic?.folder && !shipped.has(collectedStatic.folder)) {
    listed.entries.push({
      path: collectedStatic.folder,
      folder: true,
      why: `Static files collectstatic gathered in the build (STATIC_ROOT, ${describeEvidence(collectedStatic.evidence)}).`,
    });
  }
  return listed;
}
