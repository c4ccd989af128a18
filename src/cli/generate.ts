import path from 'node:path';
import type { Answers } from '../core/options.js';
import type { Prompter } from '../core/prompter.js';
import type { Facts, Plan } from '../languages/registry.js';
import { StagecraftError, usageError } from '../errors.js';
import { assessChanges, type AssessedChange } from '../output/changes.js';
import { detectCandidates, detectionOf, type Detection, type OtherApp } from '../pipeline/detect.js';
import { buildPlan } from '../pipeline/plan.js';
import { ProjectFiles } from '../project.js';
import { dockerfileNameOf, render, type Change } from '../render/index.js';
import { imagesToPin, pinDockerfile, resolveDigests } from '../output/pin.js';
import { answersToRepeat, chooseCandidate, resolveAnswers } from './answers.js';
import { CONFIG_FILE, readSavedAnswers, savedAnswersChange, withSavedAnswers } from './config.js';
import type { Flags, SavedAnswers } from './options.js';

export interface GenerateContext {
  /** The flags as parsed; the saved answers fill in what they leave out. */
  flags: Flags;
  /** Prompts are allowed: stdin and stdout are TTYs and --yes was not given. */
  interactive: boolean;
  prompter: Prompter;
  /** Written into the Dockerfile's header. */
  generatorVersion: string;
  /** Called when the language is known, before any warning or question (a terminal's greeting). */
  onDetected?(facts: Facts, project: ProjectFiles): void;
  warn(message: string): void;
  note(line: string): void;
}

/** Everything one run decided, and the one change list every output mode reads. */
export interface Generation {
  kind: 'one';
  project: ProjectFiles;
  /** The flags with the saved answers merged in. */
  flags: Flags;
  saved: SavedAnswers | null;
  facts: Facts;
  answers: Answers;
  plan: Plan;
  /** Detection's warnings, then the plan's. */
  warnings: string[];
  /** The rendered files, then stagecraft.json when --save asks for it and it would change. */
  changes: AssessedChange[];
}

/** Adds detection's warnings to what a stopped run knew. */
function withDetection(error: unknown, warnings: string[]): unknown {
  if (error instanceof StagecraftError && error.stoppedWith) error.stoppedWith.warnings = [...warnings, ...error.stoppedWith.warnings];
  return error;
}

/** The plan, or the refusal with the facts and every answer attached (nothing is missing: the combination is refused). */
function planOrStop(facts: Facts, answers: Answers, generatorVersion: string, warnings: string[]) {
  try {
    return buildPlan(facts, answers, generatorVersion);
  } catch (error) {
    if (error instanceof StagecraftError) error.stoppedWith = { facts, answers: { ...answers }, missing: [], warnings };
    throw error;
  }
}

/**
 * The plan with its Dockerfile under another name (--output): built by that name (-f), with its
 * ignore file beside it as `<name>.dockerignore`, which BuildKit reads for that Dockerfile.
 */
export function planNamed(plan: Plan, name: string | undefined): Plan {
  if (name === undefined || name === dockerfileNameOf(plan)) return plan;
  const folder = plan.dockerfileFlag ? path.posix.dirname(plan.dockerfileFlag) : '.';
  return { ...plan, dockerfileFlag: folder === '.' ? name : `${folder}/${name}`, dockerignoreName: `${name}.dockerignore` };
}

/**
 * The plan with the other apps' folders left out of its build context, so a frontend's node_modules
 * never ships with the backend. Only when the context is the project folder itself (a workspace's
 * context is its root, where these folders are not at the top).
 */
function withOtherApps(plan: Plan, otherApps: OtherApp[]): Plan {
  return plan.contextPath === '.' && otherApps.length > 0 ? { ...plan, otherApps } : plan;
}

/** --pin: the Dockerfile's images written with the digests their registries give; offline, the tags stay and the run says so once. */
async function pinImages(rendered: Change[], dockerfileName: string, warn: (message: string) => void): Promise<void> {
  const dockerfile = rendered.find((change) => change.path === dockerfileName)!;
  const resolution = await resolveDigests(imagesToPin(dockerfile.content));
  if ('failed' in resolution) warn(`--pin: cannot pin, a registry does not answer (${resolution.failed}); the Dockerfile names tags`);
  else dockerfile.content = pinDockerfile(dockerfile.content, resolution.digests);
}

/** What a run knows once the folder is detected: enough to tell one app from a workspace root. */
export interface Prepared {
  project: ProjectFiles;
  /** The flags with the saved answers merged in. */
  flags: Flags;
  saved: SavedAnswers | null;
  detection: Detection;
}

/** folder -> detect: the saved answers read, the language chosen (asked in a terminal), detection's warnings said. */
export async function prepare(context: GenerateContext): Promise<Prepared> {
  const project = new ProjectFiles(context.flags.dir);
  const saved = readSavedAnswers(project);
  const flags = withSavedAnswers(context.flags, saved);
  const choice = await chooseCandidate({ candidates: await detectCandidates(project, flags.lang), interactive: context.interactive, prompter: context.prompter });
  const detection = detectionOf(project, choice.chosen, choice.warnings);
  context.onDetected?.(detection.facts, project);
  detection.warnings.forEach(context.warn);
  if (saved)
    context.note(
      `answers from ${CONFIG_FILE}: ${Object.entries(saved)
        .map(([key, value]) => `${key} ${value}`)
        .join(', ')} (flags win over it)`,
    );
  return { project, flags, saved, detection };
}

/** detected facts -> answers -> plan -> render -> change list; writes nothing, that is the sinks' part. */
export async function generateFrom(context: GenerateContext, { project, flags, saved, detection }: Prepared): Promise<Generation> {
  // --entry names one thing to run; only a workspace root takes several (one per member).
  if (flags.entries.length > 1) throw usageError(`--entry given ${flags.entries.length} times: only a workspace root with several services takes more than one`);
  const { facts } = detection;
  const answers = await resolveAnswers({ facts, flags, interactive: context.interactive, prompter: context.prompter, warn: context.warn }).catch((error: unknown) =>
    Promise.reject(withDetection(error, detection.warnings)),
  );
  const planned = planOrStop(facts, answers, context.generatorVersion, detection.warnings);
  const plan = planNamed(withOtherApps({ ...planned.plan, reproducible: answers.reproducible === true }, detection.otherApps), flags.output);
  const { warnings } = planned;
  warnings.forEach(context.warn);
  const rendered = await render(plan);
  // check compares tags, not digests (they move with every rebuild of a tag), and asks no registry.
  if (answers.pin && flags.mode !== 'check') await pinImages(rendered, dockerfileNameOf(plan), context.warn);
  const changes = assessChanges(project.root, rendered, { force: flags.force });
  const config = flags.save ? savedAnswersChange(project.root, answersToRepeat(answers, facts, flags.lang), saved) : null;
  if (config) changes.push(config);
  return { kind: 'one', project, flags, saved, facts, answers, plan, warnings: [...detection.warnings, ...warnings], changes };
}

/** folder -> detect -> answers -> plan -> render -> change list, for one app; writes nothing. */
export async function generate(context: GenerateContext): Promise<Generation> {
  return generateFrom(context, await prepare(context));
}
