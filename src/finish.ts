import * as clack from '@clack/prompts';
import { answersToRepeat } from './answers/index.js';
import type { Prompter } from './answers/prompter.js';
import { buildImage, dockerAnswers, type BuildProgress, type BuildTarget } from './build/index.js';
import { CONFIG_FILE, renderSavedAnswers, type SavedAnswers } from './config.js';
import { ExitCode, StagecraftError } from './errors.js';
import type { Facts } from './languages/registry.js';
import { assessChanges, writeFilesAtomically } from './output/changes.js';
import type { Answers } from './core/options.js';
import type { Flags } from './flags.js';

/*
 * What a run offers after the files are written: saving its answers, and building the image.
 * Both are asked in a terminal and requested by flag (--save, --build) elsewhere.
 */

export interface Finish {
  flags: Flags;
  interactive: boolean;
  prompter: Prompter;
  note: (line: string) => void;
}

const sameAnswers = (a: SavedAnswers, b: SavedAnswers) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([key, value]) => b[key as keyof SavedAnswers] === value);

/**
 * Writes stagecraft.json when --save asks or the user says yes; --save is consent to replace it.
 * A file that already holds these answers, however it is formatted, is left alone.
 */
export async function saveAnswers(root: string, answers: Answers, facts: Facts, saved: SavedAnswers | null, finish: Finish): Promise<void> {
  const repeated = answersToRepeat(answers, facts, finish.flags.lang);
  if (saved && sameAnswers(saved, repeated)) return;
  const [change] = assessChanges(root, [{ path: CONFIG_FILE, content: renderSavedAnswers(repeated) }]);
  if (change!.status === 'unchanged') return;
  if (!finish.flags.save) {
    if (!finish.interactive) return;
    const question = change!.status === 'create' ? `Save these answers to ${CONFIG_FILE}, so the next run asks nothing?` : `Update ${CONFIG_FILE} with these answers?`;
    if (!(await finish.prompter.confirm(question, true))) return;
  }
  writeFilesAtomically([change!]);
  finish.note(`${change!.status === 'create' ? 'created' : 'updated'} ${CONFIG_FILE} (the next run reuses these answers; flags still win)`);
}

const spinnerProgress = (): BuildProgress => {
  const spinner = clack.spinner();
  return {
    start: (message) => spinner.start(message),
    // BuildKit's step lines (`#7 [build 4/6] RUN go build ...`) say where the build is.
    step: (line) => {
      const step = /^#\d+ \[([^\]]+)\] (.*)$/.exec(line);
      if (step) spinner.message(`[${step[1]}] ${step[2]!.slice(0, 60)}`);
    },
    stop: (message) => spinner.stop(message),
    fail: (tail) => {
      spinner.error('docker build failed');
      clack.log.message(tail.join('\n'));
    },
  };
};

/** Without a terminal every line of BuildKit's output is passed on, so a failure needs nothing more. */
const lineProgress = (tell: (line: string) => void): BuildProgress => ({ start: tell, step: tell, stop: tell, fail: () => {} });

/**
 * Builds the image when --build asks, or when the user says yes in a terminal where Docker answers.
 * Only a Dockerfile stagecraft wrote (or found identical) is built: a kept one is the user's.
 */
export async function offerBuild(target: BuildTarget, dockerfileIsOurs: boolean, finish: Finish, tell: (line: string) => void): Promise<void> {
  if (!finish.flags.build) {
    if (!finish.interactive || !dockerfileIsOurs || !(await dockerAnswers())) return;
    if (!(await finish.prompter.confirm('Build it now? (docker build, then the size of each layer)', false))) return;
  } else if (!dockerfileIsOurs) {
    throw new StagecraftError('--build: the Dockerfile was kept as it is (yours differs), so it is not built; --force replaces it', ExitCode.build);
  } else if (!(await dockerAnswers())) {
    throw new StagecraftError('--build: no Docker engine answers (docker version failed); the files are written, build them later', ExitCode.build);
  }
  const report = await buildImage(target, finish.interactive ? spinnerProgress() : lineProgress(tell));
  if (finish.interactive) clack.note(report.join('\n'), 'Image');
  else report.forEach(finish.note);
}
