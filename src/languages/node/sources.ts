import path from 'node:path';
import type { ProjectFiles } from '../../project.js';
import { StagecraftError } from '../../errors.js';
import { fact, type Evidence, type Fact } from '../../core/facts.js';
import { entriesNamedIn } from '../../core/run-files.js';

/** What the app's own sources say about listening: the port, and the first call that listens. */
export interface Listening {
  port: Fact<number> | null;
  listenCall: Evidence | null;
  /** At least one source file was read: "no listen call" means something only then. */
  scanned: boolean;
  /** The sources read, entries first, then what they import. */
  files: string[];
  /** Top-level files and folders the sources name in string literals (`'views'`, `'./data.json'`), each with where first. */
  named: Map<string, Evidence>;
  /** The first require() or import() of a computed name: what it loads cannot be known. */
  computedLoad: Evidence | null;
  /** Every file the imports reach was read: none past the limit, too large or unreadable. */
  complete: boolean;
  /** The line of the first listen call, as code (comments out): what it says of the address it binds. */
  listenLine: string | null;
  /** The first place the sources read PORT from the environment (`process.env.PORT`, a `'PORT'` a config reader is asked for). */
  readsPortEnv: Evidence | null;
}

const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'];
/** The import graph of a small server is a handful of files; a large one says its port near the entry. */
const MAX_SOURCES = 200;

/*
 * Each pattern is matched against one line, so a scan costs one pass over each file.
 * `listen(8080)`, `serve({ port: 8080 })`, `listen(port)`: the call and its first argument.
 */
const LISTEN_CALL = /\b(?:listen|serve)\(\s*(\{[^}]*\}?|[^,)]*)/;
/** `process.env.PORT || 8080`, `Number(process.env.PORT) ?? '8080'`, `parseInt(process.env.PORT, 10) || 8080`. */
const ENV_FALLBACK = /process\.env(?:\.PORT\b|\[\s*['"]PORT['"]\s*\])[\s),0-9]*(?:\|\||\?\?)\s*['"]?(\d{2,5})\b/;
/** `const { PORT = 8080 } = process.env`. */
const ENV_DEFAULT = /\{[^}]*\bPORT\s*=\s*['"]?(\d{2,5})\b[^}]*\}\s*=\s*process\.env\b/;
/** `process.env.PORT`, `process.env['PORT']`, `const { PORT } = process.env`, `config.get('PORT')`: PORT read from the environment. */
const ENV_PORT = /process\.env(?:\.PORT\b|\[\s*['"]PORT['"]\s*\])|\{[^}]*\bPORT\b[^}]*\}\s*=\s*process\.env\b|(['"`])PORT\1/;
/** `const PORT = 8080;`: a constant a listen call may name. */
const NUMBER_CONSTANT = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*number\s*)?=\s*['"]?(\d{2,5})['"]?\s*;?\s*$/;
/** `require(name)`, `import(\`./routes/${name}\`)`, `require('./' + name)`: a module loaded by a name the code computes. */
const COMPUTED_LOAD = /\b(?:require|import)\(\s*(?:[^'"`\s)]|`[^`]*\$\{|(['"])[^'"]*\1\s*\+)/;
/** Relative imports and requires, the way the graph is followed. */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\brequire\(\s*|\bimport\(\s*|^\s*import\s*)['"](\.{1,2}(?:\/[^'"]*)?)['"]/g;

const validPort = (text: string | undefined) => {
  const port = Number(text);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : null;
};

/** The files a path names: itself, or the TypeScript or JavaScript file it stands for (`./db` -> db.ts, `x.js` -> x.ts). */
function resolveSource(project: ProjectFiles, file: string): string | null {
  const clean = path.posix.normalize(file);
  if (clean.startsWith('..') || path.posix.isAbsolute(clean)) return null;
  const stem = clean.replace(/\.(c|m)?jsx?$/, '');
  const candidates = [clean, ...SOURCE_EXTENSIONS.map((extension) => `${stem}${extension}`), ...SOURCE_EXTENSIONS.map((extension) => `${clean}/index${extension}`)];
  return candidates.find((candidate) => SOURCE_EXTENSIONS.includes(path.posix.extname(candidate)) && !candidate.endsWith('.d.ts') && project.hasFile(candidate)) ?? null;
}

/**
 * The source of a file node runs: the file, or the TypeScript the build compiles into it
 * (`dist/web.js` from `web.ts` or `src/web.ts` under outDir "dist"; `server.js` from `server.ts` beside it).
 */
export function sourceOf(project: ProjectFiles, file: string, outDir: string | null): string | null {
  const clean = file.replace(/^\.\//, '');
  const inOutDir = outDir && clean.startsWith(`${outDir}/`) ? clean.slice(outDir.length + 1) : null;
  const tries = inOutDir === null ? [clean] : [clean, inOutDir, `src/${inOutDir}`];
  for (const candidate of tries) {
    const found = resolveSource(project, candidate);
    if (found) return found;
  }
  return null;
}

/** A line's code for the scan, or null inside a comment; `state.inBlock` carries a block comment across lines. */
function codeOf(line: string, state: { inBlock: boolean }): string | null {
  const trimmed = line.trim();
  if (state.inBlock) {
    const end = trimmed.indexOf('*/');
    if (end === -1) return null;
    state.inBlock = false;
    return trimmed.slice(end + 2);
  }
  if (trimmed.startsWith('//')) return null;
  if (trimmed.startsWith('/*')) {
    const end = trimmed.indexOf('*/', 2);
    if (end === -1) {
      state.inBlock = true;
      return null;
    }
    return trimmed.slice(end + 2);
  }
  return trimmed;
}

/** A source file's text; a file too large or binary to be hand-written source (a bundle) is left out. */
function readSource(project: ProjectFiles, file: string): string | null {
  try {
    return project.readText(file);
  } catch (error) {
    if (error instanceof StagecraftError) return null;
    throw error;
  }
}

/**
 * Reads the app's sources from its entry files along their relative imports, line by line: the
 * port of the first `listen(8080)`, else of a constant a listen call names (`const PORT = 8080`),
 * else of a `process.env.PORT || 8080` fallback (also in a config module the entry imports); and
 * what else of the project they load (`topEntries`, the project's top-level names, named in strings).
 */
export function scanListening(project: ProjectFiles, entries: string[], topEntries: ReadonlySet<string> = new Set()): Listening {
  const queue = [...new Set(entries)];
  const seen = new Set(queue);
  const named = new Map<string, Evidence>();
  let computedLoad: Evidence | null = null;
  let complete = true;
  let literal: Fact<number> | null = null;
  let envFallback: Fact<number> | null = null;
  let listenCall: Evidence | null = null;
  let readsPortEnv: Evidence | null = null;
  let listenLine: string | null = null;
  const listenedNames = new Set<string>();
  const constants = new Map<string, Fact<number>>();
  const read: string[] = [];
  for (let index = 0; index < queue.length && index < MAX_SOURCES; index++) {
    const file = queue[index]!;
    const text = readSource(project, file);
    if (text === null) {
      complete = false;
      continue;
    }
    read.push(file);
    const state = { inBlock: false };
    text.split('\n').forEach((line, lineIndex) => {
      const code = codeOf(line, state);
      if (!code) return;
      const evidence = { file, line: lineIndex + 1 };
      if (COMPUTED_LOAD.test(code)) computedLoad ??= evidence;
      for (const entry of entriesNamedIn(code, file, topEntries, false)) if (!named.has(entry)) named.set(entry, evidence);
      for (const match of code.matchAll(RELATIVE_IMPORT)) {
        const imported = resolveSource(project, path.posix.join(path.posix.dirname(file), match[1]!));
        if (imported && !seen.has(imported)) {
          seen.add(imported);
          queue.push(imported);
        }
      }
      const call = LISTEN_CALL.exec(code);
      if (call) {
        if (listenCall === null) listenLine = code;
        listenCall ??= evidence;
        const argument = call[1]!.trim();
        const port = validPort(/^['"]?(\d{2,5})['"]?$/.exec(argument)?.[1] ?? /\bport\s*:\s*['"]?(\d{2,5})\b/.exec(argument)?.[1]);
        if (port !== null) literal ??= fact(port, evidence);
        const name = /^[A-Za-z_$][\w$.]*$/.exec(argument)?.[0].split('.').at(-1);
        if (name) listenedNames.add(name);
      }
      if (ENV_PORT.test(code)) readsPortEnv ??= evidence;
      const fallback = validPort((ENV_FALLBACK.exec(code) ?? ENV_DEFAULT.exec(code))?.[1]);
      if (fallback !== null) envFallback ??= fact(fallback, evidence);
      const constant = NUMBER_CONSTANT.exec(code);
      const constantPort = validPort(constant?.[2]);
      if (constant && constantPort !== null && !constants.has(constant[1]!)) constants.set(constant[1]!, fact(constantPort, evidence));
    });
  }
  if (queue.length > MAX_SOURCES) complete = false;
  const namedPort = [...listenedNames].map((name) => constants.get(name)).find((found) => found !== undefined) ?? null;
  return { port: literal ?? namedPort ?? envFallback, listenCall, scanned: read.length > 0, files: read, named, computedLoad, complete, readsPortEnv, listenLine };
}
