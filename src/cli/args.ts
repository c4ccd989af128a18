import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from '../errors.js';
import { FlagsSchema, OPTIONS, flagOf, type Flags, type OutputMode } from './options.js';
import { flagsFromNpm, npmSplitHint } from './launcher.js';
import { didYouMean } from './suggest.js';

/** `notice`: said once before the run (flags npm create kept for itself and stagecraft read back). */
export type ParsedArgs = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; flags: Flags; notice: string | null };

type Values = Record<string, string | boolean | undefined>;

/** node's parser, configured from the options table; a flag's value is found under its key. */
function readArgv(argv: string[]): { values: Values; positionals: string[]; entries: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
    OPTIONS.map(([key, option]) => [
      flagOf(key).slice(2),
      {
        ...(option.kind === 'value' ? { type: 'string', multiple: option.repeatable === true } : { type: 'boolean', default: false }),
        // node refuses a `short` that is present but undefined.
        ...(option.short ? { short: option.short } : {}),
      },
    ]),
  );
  try {
    const parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options });
    // A repeatable option (--entry, one per workspace member) is an array: its first value stands for
    // the flag, and `entries` keeps them all.
    const valueOf = (key: string) => parsed.values[flagOf(key).slice(2)] as string | boolean | string[] | undefined;
    const values = Object.fromEntries(OPTIONS.map(([key]) => [key, Array.isArray(valueOf(key)) ? (valueOf(key) as string[])[0] : valueOf(key)])) as Values;
    const entries = valueOf('entry');
    return { values, positionals: parsed.positionals, entries: Array.isArray(entries) ? entries : [] };
  } catch (error) {
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    if (unknown) {
      const flags = OPTIONS.map(([key]) => flagOf(key));
      throw usageError(`unknown option ${unknown}${didYouMean(unknown, flags) || ' (see --help)'}`);
    }
    // node's messages go on with advice about `--`; the first sentence is the useful part.
    throw usageError(`${(error as Error).message.split(/\.\s/)[0]} (see --help)`);
  }
}

/** The one output mode the flags pick, and the switches that cannot work with it refused. */
function outputMode(values: Values): OutputMode {
  const modes = OPTIONS.flatMap(([key, option]) => (option.kind === 'output' && values[key] ? [option.mode] : []));
  // check prints its findings, as lines or (with --json) as data: the one pair of modes that combines.
  const given = modes.includes('check') ? modes.filter((mode) => mode !== 'json') : modes;
  if (given.length > 1) throw usageError(`--${given.join(' and --')} cannot be combined`);
  const mode = given[0] ?? 'write';
  for (const [key, option] of OPTIONS) {
    if (option.kind === 'switch' && values[key] && option.modes && !option.modes.includes(mode)) {
      throw usageError(`${flagOf(key)} writes, --${mode} does not: use one of them`);
    }
  }
  return mode;
}

/**
 * Parses argv strictly: unknown flags and bad values are one-line usage errors. `env`: the
 * environment, where `npm create` leaves the flags it kept for itself.
 */
export function parseArguments(argv: string[], env: NodeJS.ProcessEnv = {}): ParsedArgs {
  const parsed = readArgv(argv);
  const fromNpm = flagsFromNpm(env, parsed.values, parsed.positionals);
  const values = { ...parsed.values, ...fromNpm.values };
  const { positionals } = fromNpm;
  // `stagecraft explain [dir]` reads as `stagecraft [dir] --explain`; a folder named explain is ./explain.
  if (positionals[0] === 'explain') {
    positionals.shift();
    values.explain = true;
  }
  // `stagecraft check [dir]` likewise reads as `--check`; a folder named check is ./check.
  if (positionals[0] === 'check') {
    positionals.shift();
    values.check = true;
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length > 1) throw usageError(`one folder at a time, got ${positionals.length}: ${positionals.join(' ')}${npmSplitHint(env)}`);

  // npm create passes one --entry through its environment.
  const entries = parsed.entries.length > 0 ? parsed.entries : typeof values.entry === 'string' ? [values.entry] : [];
  const mode = outputMode(values);
  // check answers as a CI run would, never asking: the saved answers and flags, then --yes's defaults.
  const checking = mode === 'check' ? { yes: true, asJson: values.json === true } : {};
  const result = FlagsSchema.safeParse({ ...values, ...checking, entries, dir: positionals[0] ?? '.', mode });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0]);
    throw usageError(`${flagOf(key)} ${String(values[key] ?? '')}: ${describeIssue(issue, String(values[key] ?? ''))}`);
  }
  return { kind: 'run', flags: result.data, notice: fromNpm.notice };
}

function describeIssue(issue: { code: string; message: string; values?: unknown[] }, given: string): string {
  if (issue.code === 'invalid_value' && issue.values) return `expected one of ${issue.values.join(', ')}${didYouMean(given, issue.values.map(String))}`;
  return issue.message;
}
