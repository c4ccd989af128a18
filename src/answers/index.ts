import type { Facts } from '../detect/index.js';
import { describeEvidence } from '../detect/types.js';
import { usageError } from '../errors.js';
import { checkGoEntry } from '../plan/go.js';
import {
  BASES, BASE_TRADEOFFS, DEBUG_MODES, DEBUG_TRADEOFFS, PortSchema,
  type Answers, type Base, type DebugMode, type Flags,
} from '../plan/options.js';
import type { Prompter } from './prompter.js';

/** What every step can see: the facts, the flags, the answers so far and how it may ask. */
export interface StepContext {
  facts: Facts;
  flags: Flags;
  /** Prompts are allowed: stdin and stdout are TTYs and --yes was not given. */
  interactive: boolean;
  prompter: Prompter;
  answers: Partial<Answers>;
}

/** The answer to use in `--yes` and as the prompt's initial value; `undefined` when nothing is known. */
type Resolved<T> = { value: T } | undefined;

interface Step<K extends keyof Answers> {
  key: K;
  /** The flag that supplies this answer, named in errors of non-interactive runs. */
  flag: string;
  /** False when the project makes the question moot (one main package, a CLI with no port). */
  asks(ctx: StepContext): boolean;
  fromFlag(ctx: StepContext): Answers[K] | undefined;
  /** The detected or default answer, used as is when the step does not ask. */
  fallback(ctx: StepContext): Resolved<Answers[K]>;
  prompt(ctx: StepContext, initial: Resolved<Answers[K]>): Promise<Answers[K]>;
}

/** Node runs a file: `--entry dist/server.js`; it must be a plain relative path. */
const NODE_ENTRY = /^(?!\/)(?!.*\.\.)[A-Za-z0-9._@/-]+\.(c|m)?js$/;

const entryStep: Step<'entry'> = {
  key: 'entry',
  flag: '--entry',
  asks: ({ facts }) => (facts.language === 'go' ? facts.mainPackages.length > 1 : facts.start === null),
  fromFlag: ({ facts, flags }) => {
    if (flags.entry === undefined) return undefined;
    if (facts.language === 'go') return checkGoEntry(facts, flags.entry);
    const file = flags.entry.replace(/^\.\//, '');
    if (!NODE_ENTRY.test(file)) throw usageError(`--entry ${flags.entry}: expected the project-relative .js file that starts the app, e.g. dist/server.js`);
    return file;
  },
  fallback: ({ facts }) => {
    if (facts.language === 'go') return facts.mainPackages.length > 1 ? undefined : { value: facts.mainPackages[0]?.value ?? null };
    // null: run the start command detection found.
    return facts.start ? { value: null } : undefined;
  },
  prompt: ({ facts, prompter }) =>
    facts.language === 'go'
      ? prompter.select(
          'Several main packages: which one goes in the image?',
          facts.mainPackages.map((main) => ({ value: main.value, label: main.value, hint: describeEvidence(main.evidence) })),
        )
      : prompter.text('No start script, main or server.js says how the app starts. Which file does node run?', {
          initial: 'dist/server.js',
          validate: (value) => (NODE_ENTRY.test(value.trim().replace(/^\.\//, '')) ? undefined : 'a relative .js file, e.g. dist/server.js'),
        }).then((value) => value.trim().replace(/^\.\//, '')),
};

const VERSION_RULES = {
  go: { pattern: /^1\.\d+$/, example: 'a Go release such as 1.23', from: 'go.mod' },
  node: { pattern: /^\d{2}$/, example: 'a Node major such as 24', from: '.nvmrc, .node-version, engines or volta' },
};

const runtimeVersionStep: Step<'runtimeVersion'> = {
  key: 'runtimeVersion',
  flag: '--runtime-version',
  // A version the project states is not asked again; a default is offered for confirmation.
  asks: ({ facts }) => facts.runtimeVersion.evidence === null,
  fromFlag: ({ facts, flags }) => {
    if (flags.runtimeVersion === undefined) return undefined;
    const [major, minor] = flags.runtimeVersion.split('.');
    const version = facts.language === 'go' ? `${major}.${minor}` : major!;
    if (!VERSION_RULES[facts.language].pattern.test(version)) {
      throw usageError(`--runtime-version ${flags.runtimeVersion}: expected ${VERSION_RULES[facts.language].example}`);
    }
    return version;
  },
  fallback: ({ facts }) => ({ value: facts.runtimeVersion.value }),
  prompt: ({ facts, prompter }, initial) =>
    prompter.text(`No ${VERSION_RULES[facts.language].from} names a version. Which one builds and runs it?`, {
      initial: initial!.value,
      validate: (value) => (VERSION_RULES[facts.language].pattern.test(value.trim()) ? undefined : VERSION_RULES[facts.language].example),
    }).then((value) => value.trim()),
};

const baseStep: Step<'base'> = {
  key: 'base',
  flag: '--base',
  asks: () => true,
  fromFlag: ({ flags }) => flags.base,
  // distroless: non-root, CA roots and time zones included, no shell; cgo needs its glibc flavour.
  fallback: () => ({ value: 'distroless' as Base }),
  prompt: ({ prompter }, initial) =>
    prompter.select(
      'Final base image?',
      BASES.map((base) => ({ value: base, label: `${base.padEnd(10)} ${BASE_TRADEOFFS[base]}` })),
      initial?.value,
    ),
};

const debugStep: Step<'debug'> = {
  key: 'debug',
  flag: '--debug',
  asks: () => true,
  fromFlag: ({ flags }) => flags.debug,
  // A debug target costs production nothing: it is built only with --target debug.
  fallback: () => ({ value: 'stage' as DebugMode }),
  prompt: ({ prompter, answers }, initial) =>
    prompter.select(
      'Debugging?',
      DEBUG_MODES.filter((mode) => mode !== 'shell' || answers.base === 'slim' || answers.base === 'alpine').map((mode) => ({
        value: mode,
        label: `${mode.padEnd(10)} ${DEBUG_TRADEOFFS[mode]}`,
      })),
      initial?.value,
    ),
};

const portStep: Step<'port'> = {
  key: 'port',
  flag: '--port',
  // Go: a port written in the source is used, a server without one is asked, a CLI gets none.
  // Node: a port in the start script is used, otherwise the usual 3000 is offered.
  asks: ({ facts }) =>
    facts.language === 'go'
      ? facts.servesNetwork.value && facts.ports.length === 0 && !facts.readsPortEnv.value
      : facts.port.evidence === null,
  fromFlag: ({ flags }) => (flags.port === undefined ? undefined : flags.port === 'none' ? null : flags.port),
  fallback: ({ facts }) => ({
    value: facts.language === 'go' ? (facts.ports[0]?.value ?? (facts.servesNetwork.value ? 8080 : null)) : facts.port.value,
  }),
  prompt: ({ prompter }, initial) =>
    prompter.text('Which port does the app listen on? (none for a program that does not listen)', {
      initial: String(initial?.value ?? 'none'),
      validate: (value) =>
        value.trim() === 'none' || PortSchema.safeParse(Number(value.trim())).success ? undefined : 'a port from 1 to 65535, or none',
    }).then((value) => (value.trim() === 'none' ? null : Number(value.trim()))),
};

const STEPS = [entryStep, runtimeVersionStep, baseStep, debugStep, portStep] as const;

async function resolveStep<K extends keyof Answers>(step: Step<K>, ctx: StepContext): Promise<Answers[K]> {
  const flagged = step.fromFlag(ctx);
  if (flagged !== undefined) return flagged;
  const fallback = step.fallback(ctx);
  if (!step.asks(ctx) && fallback) return fallback.value;
  if (ctx.interactive) return step.prompt(ctx, fallback);
  if (ctx.flags.yes && fallback) return fallback.value;
  const why = ctx.flags.yes ? 'detection cannot decide it' : 'not interactive (no TTY); pass it, or --yes to accept defaults';
  const candidates = step.key === 'entry' && ctx.facts.language === 'go' ? ` (main packages: ${ctx.facts.mainPackages.map((main) => main.value).join(', ')})` : '';
  throw usageError(`missing ${step.flag}: ${why}${candidates}`);
}

/** Resolves every answer in order: flag, else detected/--yes default, else a prompt. */
export async function resolveAnswers(ctx: Omit<StepContext, 'answers'>): Promise<Answers> {
  const answers: Partial<Answers> = {};
  const context: StepContext = { ...ctx, answers };
  for (const step of STEPS) {
    (answers as Record<string, unknown>)[step.key] = await resolveStep(step as Step<keyof Answers>, context);
  }
  return answers as Answers;
}

/** Quotes a word for a POSIX shell only when it needs it. */
const shellWord = (word: string) => (/^[A-Za-z0-9_./:=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** The one-line command that repeats an interactive run without questions. */
export function equivalentCommand(dir: string, answers: Answers, facts: Facts): string {
  const parts = ['npx create-stagecraft'];
  if (dir !== '.') parts.push(shellWord(dir));
  parts.push('--yes', `--base ${answers.base}`, `--debug ${answers.debug}`, `--port ${answers.port ?? 'none'}`);
  if (facts.runtimeVersion.evidence === null) parts.push(`--runtime-version ${answers.runtimeVersion}`);
  if (answers.entry && (facts.language !== 'go' || facts.mainPackages.length > 1)) parts.push(`--entry ${answers.entry}`);
  return parts.join(' ');
}
