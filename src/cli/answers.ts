import { StagecraftError, usageError } from '../errors.js';
import { shellWord } from '../core/text.js';
import { namesNoRelease } from '../core/facts.js';
import { planOnBase } from '../explain/index.js';
import { estimatedMB } from '../explain/images.js';
import { LANGUAGES, supportFor, type Facts, type Plan } from '../languages/registry.js';
import type { AnyLanguageOption } from '../core/language.js';
import {
  BASES,
  BASE_TRADEOFFS,
  DEBUG_MODES,
  DEBUG_TRADEOFFS,
  PortSchema,
  type Answers,
  type Base,
  type CommonAnswers,
  type DebugMode,
  type LanguageAnswers,
} from '../core/options.js';
import type { Prompter } from '../core/prompter.js';
import { basesWithShell } from '../core/rules.js';
import { choiceWarnings, preferredCandidate, type Candidate } from '../pipeline/detect.js';
import { ANSWER_SWITCHES, flagOf, type Flags, type SavedAnswers } from './options.js';

/** What every step can see: the facts, the flags, the answers so far and how it may ask. */
export interface StepContext {
  facts: Facts;
  flags: Flags;
  /** Prompts are allowed: stdin and stdout are TTYs and --yes was not given. */
  interactive: boolean;
  prompter: Prompter;
  answers: Partial<Answers>;
  /** Says a default that needs explaining (a base that moved because the preferred one cannot work). */
  warn?(message: string): void;
}

/** The answer to use in `--yes` and as the prompt's initial value; `undefined` when nothing is known. */
type Resolved<T> = { value: T } | undefined;

interface Step<K extends keyof Answers> {
  /** The answer's key; its flag (named in errors of non-interactive runs) is the options table's. */
  key: K;
  /** False when the question does not apply here; the answer stays undefined. */
  applies?(ctx: StepContext): boolean;
  /** Whether the project's language has this question at all (its flag is an error otherwise). */
  offered?(ctx: StepContext): boolean;
  /** What to choose from, named when the answer is missing in a non-interactive run. */
  candidates?(ctx: StepContext): string | null;
  /** False when the project makes the question moot (one main package, a CLI with no port). */
  asks(ctx: StepContext): boolean;
  fromFlag(ctx: StepContext): Answers[K] | undefined;
  /** The detected or default answer, used as is when the step does not ask. */
  fallback(ctx: StepContext): Resolved<Answers[K]>;
  prompt(ctx: StepContext, initial: Resolved<Answers[K]>): Promise<Answers[K]>;
  /** Why the default is what it is, said when it is taken without a question; null when it needs no word. */
  explainDefault?(ctx: StepContext, value: Answers[K]): string | null;
}

const entryStep: Step<'entry'> = {
  key: 'entry',
  asks: ({ facts, answers }) => supportFor(facts).entry.asks(facts, answers),
  fromFlag: ({ facts, flags, answers }) => (flags.entry === undefined ? undefined : supportFor(facts).entry.fromFlag(facts, flags.entry, answers)),
  fallback: ({ facts, answers }) => supportFor(facts).entry.fallback(facts, answers),
  prompt: ({ facts, prompter, answers }, initial) => supportFor(facts).entry.prompt(facts, prompter, answers, initial?.value ?? undefined),
  candidates: ({ facts, answers }) => supportFor(facts).entry.candidates(facts, answers),
  explainDefault: ({ facts, answers }, entry) => supportFor(facts).entry.explainDefault?.(facts, entry, answers) ?? null,
};

/** A step for a question only some languages ask, declared by their records. */
function languageOptionStep<K extends keyof LanguageAnswers>(key: K): Step<K> {
  type Value = NonNullable<Answers[K]>;
  const optionOf = ({ facts }: StepContext) => supportFor(facts).options?.find((option): option is AnyLanguageOption<Facts> & { key: K } => option.key === key);
  return {
    key,
    applies: (ctx) => optionOf(ctx)?.applies(ctx.facts, ctx.answers) ?? false,
    offered: (ctx) => optionOf(ctx) !== undefined,
    asks: (ctx) => optionOf(ctx)!.asks(ctx.facts, ctx.answers),
    // The options table checked the value against the option's values.
    fromFlag: (ctx) => ctx.flags[key] as Value | undefined,
    fallback: (ctx) => {
      const value = optionOf(ctx)!.fallback(ctx.facts, ctx.answers) as Value | undefined;
      return value === undefined ? undefined : { value };
    },
    prompt: (ctx) => optionOf(ctx)!.prompt(ctx.facts, ctx.prompter, ctx.answers) as Promise<Value>,
    candidates: (ctx) => optionOf(ctx)!.candidates(ctx.facts),
  };
}

/** A version given by hand, in the language's form; null when the language cannot read it or it is no release. */
const normalizeVersion = (rule: ReturnType<typeof supportFor>['runtimeVersion'], raw: string) => (namesNoRelease(raw) ? null : rule.normalize(raw));

type Judged = Pick<StepContext, 'facts' | 'flags' | 'answers'>;

/** --runtime-version in the project language's form, null when not given; a value that language cannot read is a usage error. */
function flaggedVersion({ facts, flags }: Judged): string | null {
  if (flags.runtimeVersion === undefined) return null;
  const rule = supportFor(facts).runtimeVersion;
  const version = normalizeVersion(rule, flags.runtimeVersion);
  if (version === null) throw usageError(`--runtime-version ${flags.runtimeVersion}: expected ${rule.example}`);
  return version;
}

const runtimeVersionStep: Step<'runtimeVersion'> = {
  key: 'runtimeVersion',
  // A version the project states is not asked again; a default is offered for confirmation.
  asks: ({ facts }) => facts.runtimeVersion.evidence === null,
  fromFlag: (ctx) => flaggedVersion(ctx) ?? undefined,
  fallback: ({ facts }) => ({ value: facts.runtimeVersion.value }),
  // Asked after the base, so a version the chosen base cannot run is refused here, with the reason.
  prompt: (ctx, initial) => {
    const rule = supportFor(ctx.facts).runtimeVersion;
    return ctx.prompter
      .text(`No ${rule.source} names a version. Which one builds and runs it?`, {
        initial: initial!.value,
        validate: (value) => {
          const version = normalizeVersion(rule, value.trim());
          if (version === null) return rule.example;
          return ctx.answers.base ? (refusalOn({ ...ctx, answers: { ...ctx.answers, runtimeVersion: version } }, ctx.answers.base) ?? undefined) : undefined;
        },
      })
      .then((value) => normalizeVersion(rule, value.trim())!);
  },
};

/**
 * The bases a default may be, most preferred first. distroless: non-root, CA roots and time zones
 * included, no shell. When it cannot take the project, slim is its nearest sibling (the same Debian,
 * the same glibc); alpine's musl comes last, as it can behave unlike glibc. hardened is never a
 * default: its images need a `docker login dhi.io` first, and a default must build with no setup.
 */
const DEFAULT_BASE_ORDER: readonly Base[] = ['distroless', 'slim', 'alpine'];

/**
 * The version the answers will hold: the answer, else --runtime-version, else the detected one. The
 * base is asked before the version, so its choices are judged by this one.
 */
function versionSoFar(ctx: Judged): string {
  return ctx.answers.runtimeVersion ?? flaggedVersion(ctx) ?? ctx.facts.runtimeVersion.value;
}

/** The production plan on a base with the answers so far (defaults for the rest), or why the base is refused. */
const outcomeOn = (ctx: Judged, base: Base) =>
  planOnBase(ctx.facts, { debug: 'none', port: null, entry: null, ...ctx.answers, runtimeVersion: versionSoFar(ctx), base }, base, '0.0.0');

/** A refusal without the flag it starts with ("--base distroless: "), to quote it inside another sentence. */
const reasonOf = (refused: string) => refused.replace(/^--base \w+: /, '');

/** Why a base is refused for this project, or null when it accepts it. */
function refusalOn(ctx: Judged, base: Base): string | null {
  const outcome = outcomeOn(ctx, base);
  return 'refused' in outcome ? reasonOf(outcome.refused) : null;
}

/** The most preferred base that accepts the project; distroless when none does, so its refusal is what the user reads. */
const defaultBase = (ctx: StepContext): Base => DEFAULT_BASE_ORDER.find((base) => refusalOn(ctx, base) === null) ?? DEFAULT_BASE_ORDER[0]!;

const baseStep: Step<'base'> = {
  key: 'base',
  // When every base refuses the project (a static site), a prompt would offer nothing to pick: the plan's refusal says why.
  asks: (ctx) => !ctx.interactive || BASES.some((base) => refusalOn(ctx, base) === null),
  fromFlag: ({ flags }) => flags.base,
  fallback: (ctx) => ({ value: defaultBase(ctx) }),
  // The default is passed in: finding it again would plan the same bases a second time.
  explainDefault: (ctx, chosen) => {
    const preferred = DEFAULT_BASE_ORDER[0]!;
    if (chosen === preferred) return null;
    return `${preferred} cannot take this project (${refusalOn(ctx, preferred)}); using ${chosen}, the nearest base that can (--base chooses another)`;
  },
  // Refused bases stay in the list, disabled, with their reason: the user sees why, and cannot pick them.
  prompt: (ctx, initial) =>
    ctx.prompter.select(
      'Final base image?',
      BASES.map((base) => {
        const outcome = outcomeOn(ctx, base);
        const size = 'refused' in outcome ? 'refused' : estimatedSize(outcome.plan);
        const label = `${base.padEnd(10)} ${size.padEnd(8)} ${BASE_TRADEOFFS[base]}`;
        return 'refused' in outcome ? { value: base, label, hint: reasonOf(outcome.refused), disabled: true } : { value: base, label };
      }),
      initial?.value,
    ),
};

/** The production image's estimated size before the app ("≈75 MB"): the base and the runtime the Dockerfile adds, so bases compare. */
function estimatedSize(plan: Plan): string {
  const size = estimatedMB(plan);
  return size === null ? '' : `≈${size} MB`;
}

const debugStep: Step<'debug'> = {
  key: 'debug',
  asks: () => true,
  fromFlag: ({ flags }) => flags.debug,
  // A debug target costs production nothing: it is built only with --target debug.
  fallback: () => ({ value: 'stage' as DebugMode }),
  prompt: ({ prompter, answers }, initial) =>
    prompter.select(
      'Debugging?',
      DEBUG_MODES.filter((mode) => mode !== 'shell' || basesWithShell.includes(answers.base!)).map((mode) => ({
        value: mode,
        label: `${mode.padEnd(10)} ${DEBUG_TRADEOFFS[mode]}`,
      })),
      initial?.value,
    ),
};

const portStep: Step<'port'> = {
  key: 'port',
  asks: ({ facts, answers }) => supportFor(facts).port.asks(facts, answers),
  fromFlag: ({ flags }) => (flags.port === undefined ? undefined : flags.port === 'none' ? null : flags.port),
  fallback: ({ facts, answers }) => ({ value: supportFor(facts).port.fallback(facts, answers) }),
  prompt: ({ prompter }, initial) =>
    prompter
      .text('Which port does the app listen on? (none for a program that does not listen)', {
        initial: String(initial?.value ?? 'none'),
        validate: (value) => (value.trim() === 'none' || PortSchema.safeParse(Number(value.trim())).success ? undefined : 'a port from 1 to 65535, or none'),
      })
      .then((value) => (value.trim() === 'none' ? null : Number(value.trim()))),
};

/**
 * The base comes before the version: the base is the choice people make, and a version question
 * after it can refuse what that base cannot run (Node 23 on distroless) before anything else is
 * asked, instead of a refusal at the end that loses every answer.
 */
const COMMON_STEPS: Step<keyof CommonAnswers>[] = [entryStep, baseStep, runtimeVersionStep, debugStep, portStep];

/** Every language's own questions, each placed after the common answer it needs. */
const LANGUAGE_STEPS = LANGUAGES.flatMap((record) => record.options ?? []).map((option) => ({ after: option.askedAfter, step: languageOptionStep(option.key) }));

/** The questions in the order they are asked, which is also the order of the answers' keys in --json. */
const STEPS: Step<keyof Answers>[] = [
  ...LANGUAGE_STEPS.filter(({ after }) => after === null).map(({ step }) => step),
  ...COMMON_STEPS.flatMap((common) => [common, ...LANGUAGE_STEPS.filter(({ after }) => after === common.key).map(({ step }) => step)]),
];

async function resolveStep<K extends keyof Answers>(step: Step<K>, ctx: StepContext): Promise<Answers[K] | undefined> {
  if (step.applies && !step.applies(ctx)) {
    // A flag of another language is a mistake; one that this project does not need here (a runtime on a base that brings its own) is moot.
    if (ctx.flags[step.key as keyof Flags] !== undefined && !step.offered?.(ctx)) throw usageError(`${flagOf(step.key)}: not a ${ctx.facts.language} option`);
    return undefined;
  }
  const flagged = step.fromFlag(ctx);
  if (flagged !== undefined) return flagged;
  const fallback = step.fallback(ctx);
  const taken = (value: Answers[K]) => {
    const why = step.explainDefault?.(ctx, value);
    if (why) ctx.warn?.(why);
    return value;
  };
  if (!step.asks(ctx) && fallback) return taken(fallback.value);
  if (ctx.interactive) return step.prompt(ctx, fallback);
  if (ctx.flags.yes && fallback) return taken(fallback.value);
  const why = ctx.flags.yes ? 'detection cannot decide it' : 'not interactive (no TTY); pass it, or --yes to accept defaults';
  const choices = step.candidates?.(ctx) ?? null;
  const candidates = choices ? ` (${choices})` : '';
  throw usageError(`missing ${flagOf(step.key)}: ${why}${candidates}`);
}

/**
 * Which of the apps at the root to build, the question before all others (--lang answers it, and
 * leaves one candidate). In a terminal it is asked, the only app preselected; otherwise that app is
 * built, with warnings that say why and how to build another.
 */
export async function chooseCandidate(ctx: Pick<StepContext, 'interactive' | 'prompter'> & { candidates: Candidate[] }): Promise<{ chosen: Candidate; warnings: string[] }> {
  const { candidates } = ctx;
  if (candidates.length > 1 && ctx.interactive) {
    const apps = candidates.filter(({ app }) => app);
    const picked = await ctx.prompter.select(
      'Several projects here. Which one should the image build?',
      candidates.map(({ language, marker, app }) => ({ value: language, label: `${language.padEnd(7)} ${marker}`, ...(app ? {} : { hint: 'no app found in it' }) })),
      apps.length === 1 ? apps[0]!.language : undefined,
    );
    return { chosen: candidates.find(({ language }) => language === picked)!, warnings: [] };
  }
  const chosen = preferredCandidate(candidates);
  return { chosen, warnings: choiceWarnings(candidates, chosen) };
}

/** Resolves every answer in order: flag, else detected/--yes default, else a prompt. */
export async function resolveAnswers(ctx: Omit<StepContext, 'answers'>): Promise<Answers> {
  const answers: Partial<Answers> = {};
  const context: StepContext = { ...ctx, answers };
  for (const step of STEPS) {
    let answer;
    try {
      answer = await resolveStep(step, context);
    } catch (error) {
      // The answers so far and the one that stopped the run, for --json to show.
      if (error instanceof StagecraftError) error.stoppedWith = { facts: ctx.facts, answers: { ...answers }, missing: [flagOf(step.key)], warnings: [] };
      throw error;
    }
    // A question that does not apply leaves no key at all, so --json shows only real answers.
    if (answer !== undefined) (answers as Record<string, unknown>)[step.key] = answer;
  }
  // The switches the plan reads are never asked: on when given (or saved), absent otherwise.
  for (const key of ANSWER_SWITCHES) if (ctx.flags[key]) (answers as Record<string, unknown>)[key] = true;
  return answers as Answers;
}

/** Quotes a word for a POSIX shell only when it needs it. */
/**
 * The answers a later run must be given to repeat this one: the choices, and what the project
 * itself does not say (a version it names, or its only main package, is found again).
 */
export function answersToRepeat(answers: Answers, facts: Facts, lang?: Flags['lang']): SavedAnswers {
  const repeated: SavedAnswers = lang ? { lang } : {};
  Object.assign(repeated, { base: answers.base, debug: answers.debug, port: answers.port ?? 'none' });
  if (facts.runtimeVersion.evidence === null) repeated.runtimeVersion = answers.runtimeVersion;
  // The entry and a language's own answers follow in the order they are asked.
  for (const { key } of STEPS) {
    const option = supportFor(facts).options?.find((candidate) => candidate.key === key);
    if (key === 'entry' && answers.entry && supportFor(facts).entry.inCommand(facts, answers.entry)) repeated.entry = answers.entry;
    if (option && answers[option.key] && option.asks(facts, answers)) Object.assign(repeated, { [option.key]: answers[option.key] });
  }
  for (const key of ANSWER_SWITCHES) if (answers[key]) Object.assign(repeated, { [key]: true });
  return repeated;
}

/** The one-line command that repeats an interactive run without questions; `runner` starts it in the user's package manager's form. */
export function equivalentCommand(dir: string, answers: Answers, facts: Facts, lang?: Flags['lang'], runner = 'npx create-stagecraft'): string {
  const parts = [runner];
  if (dir !== '.') parts.push(shellWord(dir));
  parts.push('--yes');
  for (const [key, value] of Object.entries(answersToRepeat(answers, facts, lang))) {
    parts.push(value === true ? flagOf(key) : `${flagOf(key)} ${shellWord(String(value))}`);
  }
  return parts.join(' ');
}
