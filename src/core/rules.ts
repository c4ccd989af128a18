import { describeEvidence, type Fact } from './facts.js';
import { refusal } from '../errors.js';
import type { Answers, Base } from './options.js';
import { MAX_SOURCE_BYTES } from '../project.js';

/*
 * Refusals and warnings as data: each language lists its own in a table that its planner applies
 * and test/rules.test.ts reads, so a rule no fixture triggers, or a refusal made outside a table, fails a test.
 */

/** One refusal or warning: when it applies, and today's exact words for it. */
export interface Rule<C> {
  /** Stable and unique within its language: the tests name rules by it. */
  id: string;
  kind: 'refuse' | 'warn';
  when(context: C): boolean;
  message(context: C): string;
}

/** Rules checked once per item (each native dependency), in the items' order, so their warnings keep that order. */
export interface RulesForEach<C> {
  rules: readonly Rule<never>[];
  messages(context: C): { kind: Rule<never>['kind']; message: string }[];
}

export type RuleTable<C> = readonly (Rule<C> | RulesForEach<C>)[];

export function forEachItem<C, I>(items: (context: C) => readonly I[], rules: readonly Rule<I>[]): RulesForEach<C> {
  return {
    rules: rules as readonly Rule<never>[],
    messages: (context) => items(context).flatMap((item) => findings(rules, item)),
  };
}

function findings<C>(table: RuleTable<C>, context: C): { kind: Rule<C>['kind']; message: string }[] {
  return table.flatMap((entry) => {
    if ('messages' in entry) return entry.messages(context);
    return entry.when(context) ? [{ kind: entry.kind, message: entry.message(context) }] : [];
  });
}

/** Every rule of a table, the ones checked per item included. */
export const rulesOf = <C>(table: RuleTable<C>): readonly Rule<never>[] => table.flatMap((entry) => ('messages' in entry ? entry.rules : [entry as Rule<never>]));

/** Throws the first refusal that applies, in the table's order; otherwise returns the warnings, in that order. */
export function applyRules<C>(table: RuleTable<C>, context: C): string[] {
  const found = findings(table, context);
  const refused = found.find((finding) => finding.kind === 'refuse');
  if (refused) throw refusal(refused.message);
  return found.map((finding) => finding.message);
}

/** What every language's rules may read. */
export interface RuleContext {
  answers: Answers;
}

/** The bases whose production image has a shell (and a package manager) to keep debug tools in. */
export const basesWithShell: readonly Base[] = ['slim', 'alpine'];

/** `--debug shell` keeps a shell and tools in production, which only bases with a shell can do; every accepted use is warned about. */
export const shellDebugRules = (): Rule<RuleContext>[] => [
  {
    id: 'debug-shell-without-shell',
    kind: 'refuse',
    when: ({ answers }) => answers.debug === 'shell' && !basesWithShell.includes(answers.base),
    message: ({ answers }) => `--debug shell: ${answers.base} has no shell to keep; use --debug stage for a separate debug image, or --base slim/alpine`,
  },
  {
    id: 'debug-shell-in-production',
    kind: 'warn',
    when: ({ answers }) => answers.debug === 'shell',
    message: () => '--debug shell puts a shell and debug tools into the production image: bigger, and more for an attacker to use; --debug stage keeps them out',
  },
];

/**
 * A port answer that differs from the one the source listens on, when the program does not read
 * PORT (so the answer changes only EXPOSE, which documents and does not redirect).
 */
export const portMismatchRule = <C extends RuleContext>(source: (context: C) => { port: Fact<number> | undefined; readsPortEnv: boolean }): Rule<C> => ({
  id: 'port-differs-from-source',
  kind: 'warn',
  when: (context) => {
    const { port, readsPortEnv } = source(context);
    return context.answers.port !== null && port !== undefined && port.value !== context.answers.port && !readsPortEnv;
  },
  message: (context) => {
    const { port } = source(context);
    return `the source listens on :${port!.value} (${describeEvidence(port!.evidence)}) but the port is ${context.answers.port}; EXPOSE only documents it`;
  },
});

/** Sources detection skipped for their size (tooLargeToScan): a note, so a port or entry written only there is not missed unawares. */
export const skippedSourcesRule = <C extends RuleContext>(skipped: (context: C) => readonly string[]): Rule<C> => ({
  id: 'source-too-large-to-scan',
  kind: 'warn',
  when: (context) => skipped(context).length > 0,
  message: (context) => {
    const files = skipped(context);
    return `${files.join(', ')}: larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MiB, so not scanned (generated data?); a port, import or entry point written only there is not seen`;
  },
});

/**
 * `--healthcheck` needs a program in the final image that can make an HTTP request, and a port to
 * ask. Each language adds the rule that says why its image has no such program, if it has none.
 */
export const healthcheckRules = (): Rule<RuleContext>[] => [
  {
    id: 'healthcheck-not-listening',
    kind: 'refuse',
    when: ({ answers }) => answers.healthcheck === true && answers.port === null,
    message: () => '--healthcheck: this program does not listen (no port), so there is nothing to probe; its orchestrator restarts it when it exits',
  },
];

/** `--healthcheck` on an image whose only program is the app (a compiled binary, a JVM without curl): refused, with why. */
export const healthcheckWithoutProbeRule = (why: string): Rule<RuleContext> => ({
  id: 'healthcheck-nothing-to-probe-with',
  kind: 'refuse',
  when: ({ answers }) => answers.healthcheck === true,
  message: () =>
    `--healthcheck: ${why}, and a HEALTHCHECK must run a program in the image; let the orchestrator probe the port (a Kubernetes httpGet probe), or give the program a health subcommand and add HEALTHCHECK CMD ["<binary>", "<subcommand>"] by hand`,
});
