import { statSync } from 'node:fs';
import { usageError } from '../errors.js';
import { OPTIONS, flagOf, type CliOption } from './options.js';

/*
 * What started stagecraft. `npm create stagecraft <dir> --dry-run` (without `--`) is read by npm
 * first: npm keeps every flag for itself and passes it on only in its environment, as
 * npm_config_dry_run=true; a flag npm does not know keeps `true` there, and its value becomes a
 * plain argument (`--base alpine` arrives as npm_config_base=true and the argument `alpine`).
 * pnpm, yarn and bun pass flags on as they are. The package manager is named by
 * npm_config_user_agent ("pnpm/9.1.0 npm/? node/v20.11.0 linux x64"), which all four set.
 */

const PACKAGE_MANAGERS = {
  npm: 'npx create-stagecraft',
  pnpm: 'pnpm create stagecraft',
  yarn: 'yarn create stagecraft',
  // `bun create <name>` looks for a local template of that name first; bunx runs the package.
  bun: 'bunx create-stagecraft',
} as const;

type PackageManager = keyof typeof PACKAGE_MANAGERS;

/** The package manager that started this run, or null when none did (a global install, node itself). */
export function packageManagerOf(env: NodeJS.ProcessEnv): PackageManager | null {
  const name = /^([a-z]+)\//.exec(env.npm_config_user_agent ?? '')?.[1];
  return name && name in PACKAGE_MANAGERS ? (name as PackageManager) : null;
}

/** How the printed commands start, in the form of the package manager the user ran. */
export const runnerOf = (env: NodeJS.ProcessEnv) => PACKAGE_MANAGERS[packageManagerOf(env) ?? 'npm'];

/** `npm create` and `npm init` (npm_command says which npm command ran): the two that read our flags first. */
const underNpmCreate = (env: NodeJS.ProcessEnv) => packageManagerOf(env) === 'npm' && env.npm_command === 'init';

const npmVariable = (key: string) => `npm_config_${flagOf(key).slice(2).replace(/-/g, '_')}`;

/** What npm create took from the command line and stagecraft read back from npm's environment. */
export interface FromNpm {
  values: Record<string, string | boolean>;
  /** The arguments left for the folder: the split-off values taken out. */
  positionals: string[];
  /** Said once: which flags came from npm's environment, and the portable form. */
  notice: string | null;
}

const accepts = (option: CliOption, value: string) => option.kind === 'value' && option.schema.safeParse(value).success;
const isFolder = (candidate: string) => {
  try {
    return statSync(candidate).isDirectory();
  } catch {
    return false;
  }
};

/** Every order of the items (a few flags at most: npm splits off one value per flag it does not know). */
const orders = <T>(items: T[]): T[][] =>
  items.length <= 1 ? [items] : items.flatMap((item, index) => orders(items.filter((_, other) => other !== index)).map((rest) => [item, ...rest]));

/**
 * Which argument is which split-off flag's value. npm keeps the arguments' order but not which flag
 * each followed, so an assignment counts only when it is the one way that fits: each value valid
 * for its flag, and at most one argument left over, a folder that exists.
 */
function assignValues(keys: string[], positionals: string[]): { values: Record<string, string>; positionals: string[] } | null {
  const found = new Map<string, { values: Record<string, string>; positionals: string[] }>();
  for (let folder = -1; folder < positionals.length; folder++) {
    const rest = positionals.filter((_, index) => index !== folder);
    if (rest.length !== keys.length || (folder >= 0 && !isFolder(positionals[folder]!))) continue;
    for (const order of orders(keys)) {
      if (!order.every((key, index) => accepts(OPTIONS.find(([name]) => name === key)![1], rest[index]!))) continue;
      const values = Object.fromEntries(order.map((key, index) => [key, rest[index]!]));
      found.set(JSON.stringify([folder, values]), { values, positionals: folder >= 0 ? [positionals[folder]!] : [] });
    }
  }
  return found.size === 1 ? [...found.values()][0]! : null;
}

/** The portable form of the flags: each after `--`, where npm passes it on untouched. */
const portable = (flags: string[], dir?: string) => `npm create stagecraft@latest${dir ? ` ${dir}` : ''} -- ${flags.join(' ')}`;

/**
 * The flags `npm create` kept for itself, read back from its environment; nothing outside npm
 * create (an npm_config_yes=true in CI's environment means npx's own yes, not stagecraft's).
 */
export function flagsFromNpm(env: NodeJS.ProcessEnv, given: Record<string, string | boolean | undefined>, positionals: string[]): FromNpm {
  if (!underNpmCreate(env)) return { values: {}, positionals, notice: null };
  const values: Record<string, string | boolean> = {};
  const split: string[] = [];
  for (const [key, option] of OPTIONS) {
    const value = env[npmVariable(key)];
    // An empty value is npm's "not set".
    if (value === undefined || value === '') continue;
    // A value npm split off is among the arguments even when the flag is given again after `--`.
    if (option.kind === 'value' && value === 'true') split.push(key);
    // A flag given after `--` wins.
    else if (given[key]) continue;
    else if (option.kind === 'value') values[key] = value;
    else if (value === 'true' && (option.kind === 'switch' || option.kind === 'output')) values[key] = true;
  }
  if (split.length > 0) {
    const assigned = assignValues(split, positionals);
    if (!assigned) {
      throw usageError(
        `npm create kept ${split.map(flagOf).join(', ')} for itself and passed on ${positionals.join(' ') || 'nothing'} without saying which value is whose; put stagecraft's flags after --: ${portable(split.map((key) => `${flagOf(key)} <value>`))}`,
      );
    }
    for (const [key, value] of Object.entries(assigned.values)) if (!given[key]) values[key] = value;
    positionals = assigned.positionals;
  }
  const named = Object.keys(values).map(flagOf);
  const notice =
    named.length === 0
      ? null
      : `npm create kept ${named.join(', ')} for itself; stagecraft read ${named.length === 1 ? 'it' : 'them'} back from npm's environment. The form every package manager passes on as it is: ${portable(
          Object.entries(values).map(([key, value]) => (value === true ? flagOf(key) : `${flagOf(key)} ${value}`)),
          positionals[0],
        )}`;
  return { values, positionals, notice };
}

/** Said after "one folder at a time" under npm create: the extra arguments are values npm split off their flags. */
export const npmSplitHint = (env: NodeJS.ProcessEnv) =>
  underNpmCreate(env)
    ? `; npm create passes the values of flags it does not know on without the flags: put stagecraft's flags after --, as in ${portable(['--base', 'alpine'])}`
    : '';
