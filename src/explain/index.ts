import { buildArguments, debugTagOf, dockerCommand } from '../build/index.js';
import { StagecraftError } from '../errors.js';
import { supportFor, type Facts } from '../languages/registry.js';
import { buildPlan } from '../pipeline/plan.js';
import { basesWithShell } from '../core/rules.js';
import { BASES, BASE_TRADEOFFS, type Answers, type Base } from '../core/options.js';
import type { Plan } from '../languages/registry.js';
import { finalStageChain, parseStages, type Instruction } from './dockerfile.js';
import { BASE_CARE, describeSize, profileOf } from './images.js';

/** Instructions that shape what ships or how it runs; LABEL and ARG change neither. */
const SHOWN = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'ENV', 'WORKDIR', 'USER', 'EXPOSE', 'ENTRYPOINT', 'CMD', 'VOLUME', 'HEALTHCHECK']);

/** What an instruction means when the file has no comment for it. */
function plainWhy(instruction: Instruction, plan: Plan): string | null {
  const [, ...words] = instruction.text.split(/\s+/);
  switch (instruction.keyword) {
    case 'COPY': {
      const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      return from ? `built in the ${from} stage; only this result ships, not the tools that made it` : 'from the build context (.dockerignore decides what is left out)';
    }
    case 'USER':
      return `runs as ${plan.user.name} (uid ${plan.user.uid}), not root; a numeric uid lets Kubernetes check runAsNonRoot`;
    case 'EXPOSE':
      return 'documents the port; publish it with docker run -p';
    case 'ENTRYPOINT':
      return 'exec form: no shell in between to swallow the stop signal';
    case 'CMD':
      return 'exec form: the arguments the ENTRYPOINT runs with, no shell in between';
    default:
      return null;
  }
}

/** Each instruction of the final stage and the stages it builds on, with why it is there. */
function whatShips(dockerfile: string, plan: Plan): string[] {
  const lines: string[] = [];
  finalStageChain(parseStages(dockerfile)).forEach((stage, depth) => {
    for (const instruction of stage.instructions) {
      // A comment above a hidden instruction (a LABEL) is a note on the one before it.
      if (!SHOWN.has(instruction.keyword)) {
        lines.push(...instruction.why.map((line) => `      ${line}`));
        continue;
      }
      const text = instruction.text.length > 110 ? `${instruction.text.slice(0, 107)}...` : instruction.text;
      // `FROM runtime AS production` builds on the stage listed above it.
      lines.push(instruction.keyword === 'FROM' && depth > 0 ? `  ${text}  (all of the above, plus:)` : `  ${text}`);
      const why = instruction.why.length > 0 ? instruction.why : [plainWhy(instruction, plan)].filter((line): line is string => line !== null);
      lines.push(...why.map((line) => `      ${line}`));
    }
  });
  return lines;
}

/** The plan this project would get on another base, or the refusal that base gets. */
export function planOnBase(facts: Facts, answers: Answers, base: Base, generatorVersion: string): { plan: Plan } | { refused: string } {
  // --debug shell is only possible on bases with a shell (slim, alpine); comparing bases is about production anyway.
  const debug = answers.debug === 'shell' && !basesWithShell.includes(base) ? 'stage' : answers.debug;
  const onBase: Answers = { ...answers, base, debug };
  // A language's answer that does not apply on this base (a Java runtime where distroless brings one) is left out, as a run on that base would.
  for (const option of supportFor(facts).options ?? []) if (!option.applies(facts, onBase)) delete onBase[option.key];
  try {
    return { plan: buildPlan(facts, onBase, generatorVersion).plan };
  } catch (error) {
    if (error instanceof StagecraftError) return { refused: error.message };
    throw error;
  }
}

/** The production base each choice would give this project, or why it is refused. */
function compareBases(facts: Facts, answers: Answers, generatorVersion: string): string[] {
  return BASES.map((base: Base) => {
    const mark = base === answers.base ? '*' : ' ';
    const outcome = planOnBase(facts, answers, base, generatorVersion);
    if ('refused' in outcome) return `${mark} ${base.padEnd(11)} refused: ${outcome.refused}`;
    const image = outcome.plan.runtime.image;
    const profile = profileOf(image);
    const traits = profile ? `  (${profile.libc === 'none' ? 'no libc' : profile.libc}, shell: ${profile.shell.split(' (')[0]})` : '';
    return `${mark} ${base.padEnd(11)} ${describeSize(outcome.plan).padEnd(30)} ${image}${traits}`;
  });
}

/** The explain view: what ships and why, the chosen base's trade-offs, and every base side by side. */
export function explain(facts: Facts, answers: Answers, plan: Plan, dockerfile: string, options: { dir: string; generatorVersion: string }): string {
  const image = plan.runtime.image;
  const profile = profileOf(image);
  const care = BASE_CARE[plan.base];
  const debugHow = plan.debugStage
    ? `${dockerCommand(buildArguments(plan, options.dir, plan.title, { debug: true }))} (from ${plan.debugStage.from === 'runtime' ? 'the same setup' : plan.debugStage.from}, plus a shell and tools), then docker run -it --entrypoint sh ${debugTagOf(plan.title)}`
    : plan.shellTools
      ? `the production image keeps a shell and ${plan.shellTools.packages.join(', ')} (--debug shell): docker exec -it <container> sh`
      : care.debug;
  const sections = [
    `${plan.title}: a ${facts.language} project, base ${plan.base}, debug ${plan.debug}`,
    '',
    `What ships in the production image (the last stage, built by plain \`docker build\`):`,
    ...whatShips(dockerfile, plan),
    '',
    `The ${plan.base} base (${image}): ${BASE_TRADEOFFS[plan.base]}`,
    `  size   ${describeSize(plan)} (an estimate)`,
    `  shell  ${profile?.shell ?? 'unknown'}`,
    `  libc   ${profile ? (profile.libc === 'none' ? 'none: only static binaries run' : profile.libc) : 'unknown'}`,
    `  debug  ${debugHow}`,
    `  patch  ${care.patch}`,
    '',
    'Every base for this project (estimated size of the production image: the base and the runtime the Dockerfile adds, before your app; * chosen):',
    ...compareBases(facts, answers, options.generatorVersion),
  ];
  return `${sections.join('\n')}\n`;
}
