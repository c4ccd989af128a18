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

const entryStep: Step<'entry'> = {
  key: 'entry',
  flag: '--entry',
  asks: ({ facts }) => facts.mainPackages.length > 1,
  fromFlag: ({ facts, flags }) => (flags.entry === undefined ? undefined : checkGoEntry(facts, flags.entry)),
  fallback: ({ facts }) =>
    facts.mainPackages.length > 1 ? undefined : { value: facts.mainPackages[0]?.value ?? null },
  prompt: ({ facts, prompter }) =>
    prompter.select(
      'Several main packages: which one goes in the image?',
      facts.mainPackages.map((main) => ({ value: main.value, label: main.value, hint: describeEvidence(main.evidence) })),
    ),
};

const runtimeVersionStep: Step<'runtimeVersion'> = {
  key: 'runtimeVersion',
  flag: '--runtime-version',
  // A version the project states is not asked again; a default is offered for confirmation.
  asks: ({ facts }) => facts.goVersion.evidence === null,
  fromFlag: ({ flags }) => {
    if (flags.runtimeVersion === undefined) return undefined;
    const [major, minor] = flags.runtimeVersion.split('.');
    if (major !== '1' || minor === undefined) throw usageError(`--runtime-version ${flags.runtimeVersion}: expected a Go release such as 1.23`);
    return `${major}.${minor}`;
  },
  fallback: ({ facts }) => ({ value: facts.goVersion.value }),
  prompt: ({ prompter }, initial) =>
    prompter.text('go.mod names no Go version. Which Go release builds it?', {
      initial: initial!.value,
      validate: (value) => (/^1\.\d+$/.test(value.trim()) ? undefined : 'a Go release such as 1.23'),
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

const DEFAULT_PORT = 8080;

const portStep: Step<'port'> = {
  key: 'port',
  flag: '--port',
  // A port written in the source is used; a server without one is asked; a CLI gets none.
  asks: ({ facts }) => facts.servesNetwork.value && facts.ports.length === 0 && !facts.readsPortEnv.value,
  fromFlag: ({ flags }) => (flags.port === undefined ? undefined : flags.port === 'none' ? null : flags.port),
  fallback: ({ facts }) => ({
    value: facts.ports[0]?.value ?? (facts.servesNetwork.value ? DEFAULT_PORT : null),
  }),
  prompt: ({ prompter }, initial) =>
    prompter.text('Which port does the app listen on? (none for a program that does not listen)', {
      initial: String(initial?.value ?? DEFAULT_PORT),
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
  throw usageError(`missing ${step.flag}: ${why}${step.key === 'entry' ? ` (main packages: ${ctx.facts.mainPackages.map((main) => main.value).join(', ')})` : ''}`);
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
  if (facts.goVersion.evidence === null) parts.push(`--runtime-version ${answers.runtimeVersion}`);
  if (facts.mainPackages.length > 1 && answers.entry) parts.push(`--entry ${answers.entry}`);
  return parts.join(' ');
}
