/*
 * Positions in a project file's text, for evidence and error messages. Every line number
 * stagecraft prints comes from here, so all of them count the same way: 1-based, by '\n'.
 */

/** The 1-based line of a character offset in a text. */
export const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** The 1-based column of a character offset in a text. */
export const columnAt = (text: string, index: number) => index - text.lastIndexOf('\n', index - 1);

/** The line where a needle (a literal string or a pattern) first occurs; undefined when it does not. */
export function lineOf(text: string, needle: string | RegExp): number | undefined {
  const index = typeof needle === 'string' ? text.indexOf(needle) : text.search(needle);
  return index === -1 ? undefined : lineAt(text, index);
}

/** Blanks out line and block comments (Go, Rust) but keeps every newline, so offsets still map to the right line. */
export function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
}
