import { clack } from './clack.js';
import { answersToRepeat } from './answers.js';
import type { Prompter } from '../core/prompter.js';
import { buildImage, dockerAnswers, loginNeededFor, type BuildProgress, type BuildTarget } from '../build/index.js';
import { CONFIG_FILE, savedAnswersChange } from './config.js';
import { ExitCode, StagecraftError } from '../errors.js';
import type { Facts } from '../languages/registry.js';
import { writeFilesAtomically } from '../output/changes.js';
import type { Answers } from '../core/options.js';
import type { Flags, SavedAnswers } from './options.js';

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

/**
 * Offers to write stagecraft.json in a terminal, after the files are written. With --save it is
 * already in the change list, written with the files (and shown by --dry-run). True when it wrote it.
 */
export async function offerToSave(root: string, answers: Answers, facts: Facts, saved: SavedAnswers | null, finish: Finish): Promise<boolean> {
  if (finish.flags.save || !finish.interactive) return false;
  const change = savedAnswersChange(root, answersToRepeat(answers, facts, finish.flags.lang), saved);
  if (!change) return false;
  const question = change.status === 'create' ? `Save these answers to ${CONFIG_FILE}, so the next run asks nothing?` : `Update ${CONFIG_FILE} with these answers?`;
  if (!(await finish.prompter.confirm(question, true))) return false;
  writeFilesAtomically([change]);
  finish.note(`${change.status === 'create' ? 'created' : 'updated'} ${CONFIG_FILE} (${change.note})`);
  return true;
}

export const spinnerProgress = (): BuildProgress => {
  const spinner = clack().spinner();
  return {
    start: (message) => spinner.start(message),
    // BuildKit's step lines (`#7 [build 4/6] RUN make ...`) say where the build is.
    step: (line) => {
      const step = /^#\d+ \[([^\]]+)\] (.*)$/.exec(line);
      if (step) spinner.message(`[${step[1]}] ${step[2]!.slice(0, 60)}`);
    },
    stop: (message) => spinner.stop(message),
    fail: (tail) => {
      spinner.error('docker build failed');
      if (tail.length > 0) clack().log.message(tail.join('\n'));
    },
  };
};

/** Without a terminal every line of BuildKit's output is passed on, so a failure needs nothing more. */
export const lineProgress = (tell: (line: string) => void): BuildProgress => ({ start: tell, step: tell, stop: tell, fail: () => {} });

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
  const login = loginNeededFor(target.plan);
  if (login) finish.note(login);
  const report = await buildImage(target, finish.interactive ? spinnerProgress() : lineProgress(tell));
  if (finish.interactive) clack().note(report.join('\n'), 'Image');
  else report.forEach(finish.note);
}
