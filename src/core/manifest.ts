import { parse as parseToml, TomlError } from 'smol-toml';
import type * as z from 'zod';
import { projectError } from '../errors.js';
import type { ProjectFiles } from '../project.js';
import { columnAt, lineAt } from './text.js';

/** Replaces control and non-ASCII characters so a message about garbage stays one readable line. */
const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, '?');

/** Parses a JSON manifest; a syntax error names the file, line and column. */
export function parseJsonManifest(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    const position = /at position (\d+)/.exec(message);
    const where = position ? `:${lineAt(text, Number(position[1]))}:${columnAt(text, Number(position[1]))}` : '';
    // V8 quotes the start of the input ("...is not valid JSON"), which for garbage is unreadable noise.
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*"(\.\.\.)? is not valid JSON$/s, '');
    throw projectError(`${file}${where}: not valid JSON (${printable(reason)})`);
  }
}

export type TomlTable = Record<string, unknown>;

/** A TOML table (not an array, not a date): what `[section]` and inline tables parse to. */
export const isTable = (value: unknown): value is TomlTable => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** A parsed TOML file, with its text kept for the line numbers of evidence. */
export interface TomlFile {
  file: string;
  text: string;
  data: TomlTable;
}

/** Reads and parses a TOML manifest of the project. */
export function readToml(project: ProjectFiles, file: string): TomlFile {
  const text = project.readText(file);
  return { file, text, data: parseTomlManifest(text, file) };
}

/** Parses a TOML manifest; a syntax error names the file, line and column. */
export function parseTomlManifest(text: string, file: string): TomlTable {
  try {
    return parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // smol-toml's message is "Invalid TOML document: <problem>" followed by a code excerpt; the problem is the useful part.
    const problem = error.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
    throw projectError(`${file}:${error.line}:${error.column}: not valid TOML (${printable(problem)})`);
  }
}

/**
 * Checks the fields stagecraft reads from a parsed manifest, so a wrong type is a one-line error
 * naming the field rather than a crash or a silently odd Dockerfile. Unknown fields are left alone.
 */
export function checkManifestShape<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const field = issue!.path.length > 0 ? ` "${issue!.path.join('.')}":` : '';
  throw projectError(`${file}:${field} ${printable(issue!.message.replace(/^Invalid input: /, ''))}`);
}
