/*
 * Positions in a project file's text, for evidence and error messages. Every line number
 * stagecraft prints comes from here, so all of them count the same way: 1-based, by '\n'.
 */

/** Where each line of a text starts: its offsets, found once. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/** The 1-based line holding `index`: a binary search over the line starts. */
function lineIn(starts: number[], index: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= index) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/** Where each line of the last text asked about starts: a detector asks for many offsets in one file. */
let indexed: { text: string; starts: number[] } = { text: '', starts: [0] };

/**
 * The 1-based line of a character offset in a text. A binary search over the text's line starts,
 * counted once per text: counting from the start for every match made a file of many matches quadratic.
 */
export function lineAt(text: string, index: number): number {
  if (indexed.text !== text) indexed = { text, starts: lineStartsOf(text) };
  return lineIn(indexed.starts, index);
}

/**
 * Line numbers for many offsets of one text, whatever else is asked meanwhile: the newlines are
 * found once, each lookup is a binary search, so a scan that reports many matches stays linear.
 */
export function lineIndex(text: string): (index: number) => number {
  const starts = lineStartsOf(text);
  return (index) => lineIn(starts, index);
}

/** The 1-based column of a character offset in a text. */
export const columnAt = (text: string, index: number) => index - text.lastIndexOf('\n', index - 1);

/** The line where a needle (a literal string or a pattern) first occurs; undefined when it does not. */
export function lineOf(text: string, needle: string | RegExp): number | undefined {
  const index = typeof needle === 'string' ? text.indexOf(needle) : text.search(needle);
  return index === -1 ? undefined : lineAt(text, index);
}

/**
 * A string (Go's raw ones too) or char literal, or a comment: whichever starts first. Literals are matched so that `//` and
 * `/*` inside them (`"http://…"`, `"templates/**"`) are not taken for comments.
 */
const LITERAL_OR_COMMENT = /`[^`]*`|"(?:[^"\\]|\\[\s\S])*"|'(?:[^'\\\n]|\\[^\n]{1,10}?)'|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;

/** Blanks out line and block comments (Go, Rust) but keeps every newline, so offsets still map to the right line. */
export function stripComments(source: string): string {
  return source.replace(LITERAL_OR_COMMENT, (token) => (token.startsWith('/*') ? token.replace(/[^\n]/g, ' ') : token.startsWith('//') ? '' : token));
}

/**
 * Characters a terminal or an editor acts on rather than shows: C0 and C1 controls (ESC starts a
 * sequence that can retitle the window or move the cursor; CR and U+0085 start a line over), the
 * Unicode line and paragraph separators, and the bidirectional overrides that reorder what is shown.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escaped = (char: string) => (char === '\r' ? '\\r' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Text for a terminal: every control character shown as its escape; newlines and tabs are kept. */
export const escapeControls = (text: string) => text.replace(CONTROLS, escaped);

/** One line for a terminal: the same, with newlines and tabs escaped too, so a quoted value cannot start a line. */
export const escapeToOneLine = (text: string) => escapeControls(text).replace(/\n/g, '\\n').replace(/\t/g, '\\t');

/** A word for a POSIX shell: as it is when nothing in it is special, else single-quoted. */
export const shellWord = (word: string) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
