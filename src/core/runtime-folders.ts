import path from 'node:path';
import { describeEvidence, fact, type Fact } from './facts.js';
import { lineIndex } from './text.js';
import type { ProjectFiles } from '../project.js';
import type { RuntimeFolders } from './plan-schema.js';

/*
 * Folders a compiled program reads from its working directory at run time (`"templates/*.html"`,
 * `"./static"`, `"configuration"`): the binary alone does not hold them, so the image copies them
 * into /app and starts there. Read from string literals of the language's own sources.
 */

/** A relative path in a string literal: `"./views"`, `"templates/*.html"`, `"web/static/"` (no leading slash, no scheme). */
const RELATIVE_PATH_LITERAL = /"(?:\.\/)?([A-Za-z0-9_][\w.-]*(?:\/[\w.*-]+)*)\/?"/g;
/** Folders that never hold what a program reads at run time. */
const NOT_RUNTIME_FOLDERS = new Set(['vendor', 'node_modules', 'testdata', '.git']);

export interface ScannedSource {
  file: string;
  /** Source without comments, keeping line breaks so line numbers stay right. */
  code: string;
}

/**
 * The project folders string literals name by a relative path, deepest existing folder first
 * (`"web/templates/*.html"` -> web/templates). `notRead`: folders the build reads or embeds (source
 * packages, embedded files), and literals that are no path the program reads (an include macro's
 * argument, a bare word where the language's code expects no path). The
 * folders are from the project's root.
 */
export function findRuntimeFolders(
  project: ProjectFiles,
  sources: ScannedSource[],
  notRead: { folder: (folder: string) => boolean; literal?: (code: string, at: number) => boolean },
  /** The folder inside the project the program runs in, which its relative paths start from ('' for the project's). */
  base = '',
): Fact<string>[] {
  const inBase = (folder: string) => (base ? `${base}/${folder}` : folder);
  const folders = new Set(
    project.files().flatMap((file) =>
      file
        .split('/')
        .slice(0, -1)
        .map((_, index, parts) => parts.slice(0, index + 1).join('/')),
    ),
  );
  const found: Fact<string>[] = [];
  for (const source of sources) {
    const lineOf = lineIndex(source.code);
    for (const match of source.code.matchAll(RELATIVE_PATH_LITERAL)) {
      const parts = match[1]!.split('/');
      // The deepest prefix that is a folder of the project: a glob or a file name ends the path.
      let depth = parts.length - 1;
      while (depth >= 0 && !folders.has(inBase(parts.slice(0, depth + 1).join('/')))) depth -= 1;
      if (depth === -1) continue;
      const folder = inBase(parts.slice(0, depth + 1).join('/'));
      if (NOT_RUNTIME_FOLDERS.has(parts[0]!) || notRead.folder(folder) || notRead.literal?.(source.code, match.index)) continue;
      found.push(fact(folder, { file: source.file, line: lineOf(match.index) }));
    }
  }
  return outermost(found);
}

/** Each folder once, as first found, and none inside another of the list (assets/i18n goes with assets). */
export function outermost(folders: Fact<string>[]): Fact<string>[] {
  return folders.filter((folder, index) => !folders.some((other, otherIndex) => (other.value === folder.value ? otherIndex < index : folder.value.startsWith(`${other.value}/`))));
}

/**
 * /app as the working directory when the program reads project folders or files (Rocket.toml) or
 * creates a file by relative paths; null when it does none of these. `from`: the project folder
 * inside the build stage's working directory.
 */
export function workingDirectory(folders: Fact<string>[], creates: Fact<string | null> | null, from = '', files: Fact<string>[] = []): RuntimeFolders | null {
  const read = [...folders.map((folder) => ({ ...folder, named: `${folder.value}/` })), ...files.map((file) => ({ ...file, named: file.value }))];
  if (read.length === 0 && (creates === null || creates.value === null)) return null;
  const reads = read.length > 0 ? `reads ${read.map((item) => `${item.named} (${describeEvidence(item.evidence)})`).join(', ')}` : '';
  const writes = creates !== null && creates.value !== null ? `creates ${creates.value} (${describeEvidence(creates.evidence)})` : '';
  return {
    copies: read.map((item) => ({ source: path.posix.join(from, item.value), parent: item.value.includes('/') ? `${path.posix.dirname(item.value)}/` : '' })),
    writable: [],
    createsFiles: writes !== '',
    why: `The program ${[reads, writes].filter(Boolean).join(' and ')} in its working directory`,
  };
}

/** Why a folder the app creates by a relative path is made for its user: `logs/, which the app creates (app.py:6)`. */
export const createdFolderWhy = (folder: Fact<string>): string => `${folder.value}/, which the app creates (${describeEvidence(folder.evidence)})`;
