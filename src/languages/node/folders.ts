import { fact, type Fact } from '../../core/facts.js';
import { lineIndex, stripComments } from '../../core/text.js';
import type { ProjectFiles } from '../../project.js';

/** Files of the app's own code that may run in the image: not tests, build scripts, configs or compiled output. */
const APP_SOURCE = /\.(?:[cm]?js|[cm]?ts|jsx|tsx)$/;
const NOT_APP = /(^|\/)(node_modules|dist|build|\.next|\.output|coverage|scripts|tests?|__tests__|e2e|cypress)\/|\.(?:test|spec|config|d)\.[cm]?[jt]sx?$/;
/** How many source files the scan reads at most: a monorepo's thousands are not one app's. */
const MAX_FILES = 500;

/** A call that creates a folder: fs's mkdir and mkdirSync, fs-extra's ensureDir, mkdirp. */
const MAKES_FOLDER = /\b(?:mkdirSync|mkdir|ensureDirSync|ensureDir|mkdirp)\s*\(/g;
/** The same, tested on the file as read: most files have none, and are not stripped of their comments at all. */
const MAY_MAKE_FOLDER = new RegExp(MAKES_FOLDER.source);

/** The first argument of the call whose `(` ends at `from`, as written (up to a comma or `)` at its depth). */
function firstArgument(code: string, from: number): string {
  let depth = 0;
  for (let index = from; index < code.length && index < from + 400; index++) {
    const char = code[index]!;
    if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) {
      if (depth === 0) return code.slice(from, index).trim();
      depth--;
    } else if (char === ',' && depth === 0) return code.slice(from, index).trim();
  }
  return code.slice(from, from + 400).trim();
}

export interface CreatedFolders {
  /** Folders created by a relative path written as a literal (`mkdirSync('uploads')`), from the working directory. */
  named: Fact<string>[];
  /** A folder created at a computed path (fastify/demo's `path.join(import.meta.dirname, '../../..', config.UPLOAD_DIRNAME)`), which may be under /app; null without one. */
  computed: Fact<string> | null;
}

/**
 * The folders the app's code creates as it runs. In the image /app and what it holds are root's, so a
 * mkdir there fails with EACCES unless the folder is made for the run-time user (a named one) or /app
 * lets it create entries (a computed one). Absolute paths, the temporary folder and the home folder are left alone.
 */
export function detectCreatedFolders(project: ProjectFiles): CreatedFolders {
  const named = new Map<string, Fact<string>>();
  let computed: Fact<string> | null = null;
  const sources = project
    .files()
    .filter((file) => APP_SOURCE.test(file) && !NOT_APP.test(file) && !project.tooLargeToScan(file))
    .slice(0, MAX_FILES);
  for (const file of sources) {
    const text = project.readSource(file);
    if (!MAY_MAKE_FOLDER.test(text)) continue;
    const code = stripComments(text);
    const lineOf = lineIndex(code);
    for (const match of code.matchAll(MAKES_FOLDER)) {
      const argument = firstArgument(code, match.index + match[0].length);
      if (argument === '' || /tmpdir|homedir|\/tmp\b/.test(argument)) continue;
      const literal = /^(['"`])([^'"`$]*)\1$/.exec(argument);
      if (literal) {
        const folder = literal[2]!.replace(/^\.\//, '').replace(/\/+$/, '');
        if (folder === '' || folder.startsWith('/') || folder.split('/').includes('..') || !/^[\w./-]+$/.test(folder)) continue;
        if (!named.has(folder)) named.set(folder, fact(folder, { file, line: lineOf(match.index) }));
      } else if (computed === null) {
        computed = fact(argument.replace(/\s+/g, ' ').slice(0, 80), { file, line: lineOf(match.index) });
      }
    }
  }
  return { named: [...named.values()], computed };
}
