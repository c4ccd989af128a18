import { OPTIONS, flagOf, type CliOption } from './options.js';

/*
 * --help, derived from the options table: a few examples first, then the options in three groups,
 * every line wrapped to 80 columns (a long line continues under its own text, never cut off).
 */

const WIDTH = 80;
/** Where an option's help starts; a longer flag puts its help on the next line. */
const HELP_COLUMN = 26;
/** Where a value's line under its option starts, and where its text does. */
const DETAIL_COLUMN = 6;
const DETAIL_TEXT_COLUMN = DETAIL_COLUMN + 12;

/** `text` wrapped at word boundaries to WIDTH, the first line after `first`, the rest indented to `indent`. */
function wrap(first: string, text: string, indent: number): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const joined = line.length === 0 || /\s$/.test(line) ? `${line}${word}` : `${line} ${word}`;
    // A word longer than a whole line stays whole on its own line: cutting it would change it.
    if (joined.length > WIDTH && line.trim().length > 0 && line.length > indent) {
      lines.push(line.trimEnd());
      line = `${' '.repeat(indent)}${word}`;
    } else line = joined;
  }
  lines.push(line.trimEnd());
  return lines;
}

/** The flag as --help shows it: `-y, --yes`, `--base <slim|alpine|distroless|scratch>`. */
const usageOf = (key: string, option: CliOption) => `${option.short ? `-${option.short}, ` : ''}${flagOf(key)}${option.kind === 'value' ? ` ${option.placeholder}` : ''}`;

/** A flag, its help beside it (or on the next line when the flag is too long), then its values or languages. */
function describeOption(key: string, option: CliOption): string[] {
  const usage = `  ${usageOf(key, option)}`;
  const head = usage.length < HELP_COLUMN - 1 ? wrap(usage.padEnd(HELP_COLUMN), option.help, HELP_COLUMN) : [usage, ...wrap(' '.repeat(HELP_COLUMN), option.help, HELP_COLUMN)];
  const details = (option.details ?? []).flatMap(([name, line]) =>
    wrap(`${' '.repeat(DETAIL_COLUMN)}${name.padEnd(DETAIL_TEXT_COLUMN - DETAIL_COLUMN)}`, line, DETAIL_TEXT_COLUMN),
  );
  return [...head, ...details];
}

/** Which group of --help an option belongs in, read from its kind: answers, how a run writes, or what it shows instead. */
function groupOf(option: CliOption): string {
  if (option.kind === 'output') return 'Show instead of writing (one at a time; nothing is written)';
  if (option.kind === 'info') return 'About stagecraft';
  if (option.kind === 'value' && option.saved) return 'What to build (asked in a terminal; flags answer without asking)';
  return 'How to write';
}

const GROUPS = [...new Set(OPTIONS.map(([, option]) => groupOf(option)))];

const EXAMPLES: [string, string][] = [
  ['npm create stagecraft@latest', 'detect the project here, ask what it cannot know, write Dockerfile and .dockerignore'],
  ['npx create-stagecraft ./svc --yes', 'no questions: what detection found, and defaults for the rest'],
  ['npx create-stagecraft --yes --base slim --debug none', 'choose the answers with flags'],
  ['npx create-stagecraft --dry-run', 'show the files it would write, and the diff of any that differ'],
  ['npx create-stagecraft --explain', 'what ships in the image and why, every base compared'],
];

/** The --help text, built when asked for: wrapping every option's help is work a run that writes files would do for nothing. */
export const helpText = () =>
  [
    'Usage: stagecraft [dir] [options]',
    '       stagecraft explain [dir] [options]   (the same as --explain)',
    '       stagecraft check [dir] [options]     (the same as --check)',
    '       npm create stagecraft@latest [dir] -- [options]',
    '',
    ...wrap(
      '',
      'Writes a multi-stage Dockerfile and a .dockerignore for the project in dir (default: .). Asks what it cannot detect when run in a terminal; --yes plus flags runs without questions.',
      0,
    ),
    '',
    'Examples:',
    ...EXAMPLES.flatMap(([command, what]) => [`  ${command}`, ...wrap('      ', what, 6)]),
    ...GROUPS.flatMap((group) => ['', `${group}:`, ...OPTIONS.filter(([, option]) => groupOf(option) === group).flatMap(([key, option]) => describeOption(key, option))]),
    '',
    ...wrap(
      '',
      'Exit codes: 0 done, 1 bad or missing flag, 2 project unreadable or unsupported, 3 combination refused (the message says why), 4 existing file differs (nothing written), 5 --build: no Docker engine, or the build failed (the files are written), 6 your edits and the new text overlap (written with conflict markers), 7 check: the files no longer match what stagecraft generates now, 73 the files cannot be written (the message says what was), 130 cancelled, 70 internal error (a bug in stagecraft: run again with --verbose and report it).',
      0,
    ),
  ].join('\n');
