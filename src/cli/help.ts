import { OPTIONS, flagOf, type CliOption } from './options.js';

/** The flag as --help shows it: `-y, --yes`, `--base <slim|alpine|distroless|scratch>`. */
const usageOf = (key: string, option: CliOption) => `${option.short ? `-${option.short}, ` : ''}${flagOf(key)}${option.kind === 'value' ? ` ${option.placeholder}` : ''}`;

/** A flag, its help beside it (or on the next line when the flag is too long), then its details. */
function describeOption(key: string, option: CliOption): string[] {
  const usage = usageOf(key, option);
  const head = usage.length < 36 ? [`  ${usage.padEnd(36)}${option.help}`] : [`  ${usage}`, `${' '.repeat(38)}${option.help}`];
  return [...head, ...(option.details ?? []).map(([name, line]) => `${' '.repeat(40)}${name.padEnd(11)} ${line}`)];
}

export const HELP = `Usage: stagecraft [dir] [options]
       stagecraft explain [dir] [options]   (the same as --explain)
       npm create stagecraft@latest [dir] -- [options]

Writes a multi-stage Dockerfile and a .dockerignore for the project in dir (default: .).
Asks what it cannot detect when run in a terminal; --yes plus flags runs without questions.

Options:
${OPTIONS.flatMap(([key, option]) => describeOption(key, option)).join('\n')}

Exit codes: 0 done, 1 bad or missing flag, 2 project unreadable or unsupported,
3 combination refused (the message says why), 4 existing file differs (nothing written),
5 --build: no Docker engine, or the build failed (the files are written),
73 the files cannot be written (the message says what was), 130 cancelled,
70 internal error (a bug in stagecraft: run again with --verbose and report it).
`;
