import * as z from 'zod';
import { BASES, BASE_TRADEOFFS, DEBUG_MODES, DEBUG_TRADEOFFS, PortSchema, type Answers, type LanguageAnswers } from '../core/options.js';
import { LANGUAGES, LANGUAGE_NAMES } from '../languages/registry.js';

/*
 * The one options table: every flag with its type, its values and their one-line trade-offs, and the
 * languages it applies to. The argument parser, --help, the flags schema, stagecraft.json's schema,
 * each question's flag name and the one-line equivalent command are all read from it. A key is
 * camelCase (`runtimeVersion`), its flag the same words in kebab-case (`--runtime-version`).
 */

/** Where a run's result goes: written, shown one of four ways with nothing written, or checked against the files on disk. */
export const OUTPUT_MODES = ['write', 'dry-run', 'stdout', 'json', 'explain', 'check'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

interface Described {
  help: string;
  short?: string;
  /** Lines under the help, each a value (or a language) and its one line. */
  details?: readonly (readonly [string, string])[];
}

/** A flag with a value. `saved`: stagecraft.json's schema for it, for the flags that are answers. */
interface ValueOption extends Described {
  kind: 'value';
  placeholder: string;
  schema: z.ZodType;
  saved?: z.ZodType;
  /** The languages that ask it; absent: every language. */
  languages?: readonly string[];
  /** May be given more than once (--entry, one per workspace member); the flags keep every value too. */
  repeatable?: boolean;
}

/**
 * A flag that is on or off. `modes`: the output modes it works with (absent: all of them).
 * `saved`: an answer the plan reads, which stagecraft.json may hold and the printed command repeats.
 */
interface SwitchOption extends Described {
  kind: 'switch';
  modes?: readonly OutputMode[];
  saved?: z.ZodType;
}

/** Picks the output mode; one enum, so giving two of them is one check, not one per pair. */
interface OutputOption extends Described {
  kind: 'output';
  mode: Exclude<OutputMode, 'write'>;
}

/** Prints something (--help, --version) instead of a run. */
interface InfoOption extends Described {
  kind: 'info';
}

export type CliOption = ValueOption | SwitchOption | OutputOption | InfoOption;

/**
 * What any language's version is made of. Whether it is one depends on the language (Node wants a
 * major, Python a minor), so the version step checks it against the project's language and says
 * that language's example.
 */
const VERSION_SCHEMA = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.+-]{0,31}$/, 'expected a version such as 1.23');

/** A value from a fixed list; `tradeoffs` (one for each value) become the lines under the flag in --help. */
function choice<const V extends readonly string[]>(values: V, help: string, tradeoffs?: Readonly<Record<string, string>>) {
  return {
    kind: 'value' as const,
    placeholder: `<${values.join('|')}>`,
    help,
    details: tradeoffs && values.map((value) => [value, tradeoffs[value]!] as const),
    schema: z.enum(values).optional(),
    saved: z.enum(values),
  };
}

/** One line per language, in the registry's order, from what each record says. */
const perLanguage = (line: (record: (typeof LANGUAGES)[number]) => string) => LANGUAGES.map((record) => [record.language, line(record)] as const);

/** Every option every language has, in the order --help lists them; a language's own options follow `entry`. */
const COMMON_OPTIONS = {
  lang: choice(LANGUAGE_NAMES, 'language, instead of detecting it'),
  base: choice(BASES, 'final base image', BASE_TRADEOFFS),
  debug: choice(DEBUG_MODES, 'debug needs', DEBUG_TRADEOFFS),
  port: {
    kind: 'value',
    placeholder: '<N|none>',
    help: 'port the app listens on (none: it does not listen)',
    schema: z
      .string()
      .refine((value) => value === 'none' || (/^\d+$/.test(value) && PortSchema.safeParse(Number(value)).success), 'expected a port from 1 to 65535, or none')
      .transform((value) => (value === 'none' ? ('none' as const) : Number(value)))
      .optional(),
    saved: z.union([PortSchema, z.literal('none')]),
  },
  runtimeVersion: {
    kind: 'value',
    placeholder: '<X>',
    help: 'language version',
    details: perLanguage((record) => record.runtimeVersion.example),
    schema: VERSION_SCHEMA.optional(),
    saved: VERSION_SCHEMA,
  },
  entry: {
    kind: 'value',
    placeholder: '<X>',
    help: 'what to run; several at a workspace root',
    repeatable: true,
    details: perLanguage((record) => record.entry.help),
    schema: z.string().min(1).optional(),
    saved: z.string().min(1).max(256),
  },
  healthcheck: {
    kind: 'switch',
    help: 'add an exec-form HEALTHCHECK that probes the app with a program the final image already has (refused where it has none); off by default: orchestrators usually probe themselves, and a failing one only marks the container unhealthy',
    saved: z.boolean(),
  },
  reproducible: {
    kind: 'switch',
    help: 'the same commit builds the same image digest: SOURCE_DATE_EPOCH from the last commit, timestamps rewritten, no timestamps in layers; costs the build cache of a timestamped step when the commit changes',
    saved: z.boolean(),
  },
  pin: {
    kind: 'switch',
    help: 'resolve each base image to the digest its tag points at (image:tag@sha256:...), which Renovate and Dependabot keep fresh; builds get exactly those bytes until the pin moves, and a registry must answer when the files are written',
    saved: z.boolean(),
  },
  yes: { kind: 'switch', short: 'y', help: 'accept detected answers and defaults, never prompt' },
  // --dry-run shows the stagecraft.json --save would write.
  save: { kind: 'switch', modes: ['write', 'dry-run'], help: 'save the answers to stagecraft.json; later runs reuse them without asking' },
  build: { kind: 'switch', modes: ['write'], help: 'after writing, docker build the image and show its size per layer' },
  tag: {
    kind: 'value',
    placeholder: '<name[:tag]>',
    help: "the image name --build gives (default: the project's name)",
    /** An image reference: lower-case repository path, optional tag; nothing a shell would read. */
    schema: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?$/, 'expected an image name such as myapp or registry/team/app:1.2')
      .optional(),
  },
  force: { kind: 'switch', help: 'overwrite an existing Dockerfile/.dockerignore that differs (instead of asking, or of merging your edits into a generated one)' },
  output: {
    kind: 'value',
    placeholder: '<file>',
    help: 'write the Dockerfile under this name beside yours (its ignore file as <file>.dockerignore, which docker build -f <file> reads); default Dockerfile',
    /** A file name in the project folder: no path, nothing hidden, not a file stagecraft writes for itself. */
    schema: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'expected a file name in the project folder, such as Dockerfile.stagecraft')
      .refine((name) => !name.endsWith('.dockerignore') && name !== 'stagecraft.json', 'expected a name for the Dockerfile, such as Dockerfile.stagecraft')
      .optional(),
  },
  dryRun: { kind: 'output', mode: 'dry-run', help: 'show what would be written (new files whole, changed ones as diffs), write nothing' },
  stdout: { kind: 'output', mode: 'stdout', help: 'print the Dockerfile to stdout, write nothing' },
  json: { kind: 'output', mode: 'json', help: 'print the detected facts and the plan as JSON, write nothing' },
  explain: { kind: 'output', mode: 'explain', help: 'say what ships in the image and why, and compare the bases; write nothing' },
  check: {
    kind: 'output',
    mode: 'check',
    help: 'for CI: exit 7 with one line per finding when the files on disk no longer match what stagecraft generates now (a version, lockfile or entry changed, a new service, an end-of-life base image); your own edits are not findings; never asks, writes nothing (with --json: the findings as JSON)',
  },
  verbose: { kind: 'switch', help: 'show stack traces of unexpected errors' },
  help: { kind: 'info', short: 'h', help: 'this help' },
  version: { kind: 'info', short: 'v', help: 'the version' },
} satisfies Record<string, CliOption>;

/** The questions only some languages ask, as their records declare them. */
const LANGUAGE_OPTIONS: Record<string, ValueOption> = Object.fromEntries(
  LANGUAGES.flatMap((record) => (record.options ?? []).map((option) => [option.key, { ...choice(option.values, option.help, option.tradeoffs), languages: [record.language] }])),
);

/** Every option in --help's order: a language's own options come after --entry, the last one every language has. */
export const OPTIONS: [string, CliOption][] = Object.entries(COMMON_OPTIONS).flatMap(([key, option]) =>
  key === 'entry' ? [[key, option], ...Object.entries(LANGUAGE_OPTIONS)] : [[key, option]],
);

/** `runtimeVersion` -> `--runtime-version`: how every message names an option. */
export const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

type Common = typeof COMMON_OPTIONS;
type KeysOfKind<K extends CliOption['kind']> = { [Key in keyof Common]: Common[Key]['kind'] extends K ? Key : never }[keyof Common];
type SchemaOutput<O, Field extends 'schema' | 'saved'> = O extends { [F in Field]: infer S extends z.ZodType } ? z.output<S> : never;

/** Command-line flags, validated once; everything downstream trusts these types. */
export type Flags = {
  dir: string;
  mode: OutputMode;
  entries: string[];
  /** check: the findings as JSON (--json given with it). */
  asJson?: boolean;
} & { [Key in KeysOfKind<'value'>]: SchemaOutput<Common[Key], 'schema'> } & {
  [Key in KeysOfKind<'switch'>]: boolean;
} & Partial<LanguageAnswers>;

/** The switches that are answers (the plan reads them), by key. */
export const ANSWER_SWITCHES = Object.entries(COMMON_OPTIONS)
  .filter(([, option]) => option.kind === 'switch' && 'saved' in option)
  .map(([key]) => key as keyof Answers & keyof Flags);

/** The answers stagecraft.json may hold, under the names of their flags. */
export type SavedAnswers = { [Key in keyof Common as Common[Key] extends { saved: z.ZodType } ? Key : never]?: SchemaOutput<Common[Key], 'saved'> } & Partial<LanguageAnswers>;

const valueOptions = () => OPTIONS.filter((entry): entry is [string, ValueOption] => entry[1].kind === 'value');

/*
 * Object.fromEntries cannot keep the keys' types, so the two schemas below are typed with the
 * types the table gives above; the table is the only source of both.
 */

export const FlagsSchema = z.object({
  dir: z.string().min(1),
  mode: z.enum(OUTPUT_MODES),
  entries: z.array(z.string().min(1)),
  asJson: z.boolean().optional(),
  ...Object.fromEntries(valueOptions().map(([key, option]) => [key, option.schema])),
  ...Object.fromEntries(OPTIONS.filter(([, option]) => option.kind === 'switch').map(([key]) => [key, z.boolean()])),
}) as unknown as z.ZodType<Flags, unknown>;

export const SavedAnswersSchema = z
  .object(Object.fromEntries(OPTIONS.flatMap(([key, option]) => ((option.kind === 'value' || option.kind === 'switch') && option.saved ? [[key, option.saved]] : []))))
  .partial()
  .strict() as unknown as z.ZodType<SavedAnswers, unknown>;
