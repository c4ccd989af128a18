/*
 * Positions in a project file's text, for evidence and error messages. Every line number
 * stagecraft prints comes from here, so all of them count the same way: 1-based, by '\n'.
 */

/** The 1-based line of a character offset in a text. */
export const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/**
 * Line numbers for many offsets of one text: the newlines are found once, each lookup is a binary
 * search, so a scan that reports many matches stays linear in the text's size.
 */
export function lineIndex(text: string): (index: number) => number {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return (index) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
}

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
