import * as clack from '@clack/prompts';
import type { Prompter } from '../core/prompter.js';
import { DHI_LOGIN, buildArguments, pullsFromDhi } from '../build/index.js';
import { ExitCode, StagecraftError } from '../errors.js';
import { explain } from '../explain/index.js';
import { unifiedDiff, writeFilesAtomically, type AssessedChange } from '../output/changes.js';
import { VERSION } from '../version.js';
import { equivalentCommand } from './answers.js';
import { CONFIG_FILE } from './config.js';
import { offerBuild, offerToSave } from './finish.js';
import type { Generation } from './generate.js';
import type { OutputMode } from './options.js';

/*
 * One sink per output mode, each a small function of the one change list: write it, show it as a
 * dry run, or print the Dockerfile, the JSON report or the explanation.
 */

export interface Session {
  stdout: NodeJS.WritableStream;
  interactive: boolean;
  prompter: Prompter;
  /** A line of data or of the dry run, on stdout. */
  say(line: string): void;
  /** A line on stderr. */
  tell(line: string): void;
  /** A message about the run: stderr when stdout carries data, a log line in a terminal. */
  note(line: string): void;
}

interface Sink {
  /** stdout carries the result itself, so messages go to stderr. */
  printsData: boolean;
  run(generation: Generation, session: Session): Promise<void> | void;
}

const dockerfileOf = (changes: AssessedChange[]) => changes.find((change) => change.path === 'Dockerfile')!;

function describeStatus(change: AssessedChange): string {
  switch (change.status) {
    case 'create':
      return `created ${change.path}`;
    case 'update':
      return `updated ${change.path}`;
    case 'unchanged':
      return `unchanged ${change.path}`;
  }
}

/**
 * Which changes may be written. Identical files are left alone; a differing file needs --force,
 * or a yes at a prompt that shows the diff. Non-interactive runs write nothing when one conflicts.
 */
async function decideWrites(changes: AssessedChange[], options: { force: boolean; interactive: boolean; prompter: Prompter }): Promise<AssessedChange[]> {
  const pending = changes.filter((change) => change.status !== 'unchanged');
  const conflicts = pending.filter((change) => change.status === 'update' && !change.consented);
  if (options.force || conflicts.length === 0) return pending;
  if (!options.interactive) {
    const names = conflicts.map((change) => change.path).join(' and ');
    throw new StagecraftError(
      `${names} already exist${conflicts.length === 1 ? 's' : ''} and differ${conflicts.length === 1 ? 's' : ''}; nothing written (--force overwrites, --dry-run shows the diff)`,
      ExitCode.conflict,
    );
  }
  const accepted: AssessedChange[] = [];
  for (const change of pending) {
    if (conflicts.includes(change)) {
      clack.note(unifiedDiff(change), `${change.path} differs`);
      if (!(await options.prompter.confirm(`Overwrite ${change.path}?`, false))) continue;
    }
    accepted.push(change);
  }
  return accepted;
}

/** Writes what may be written, then offers what a run offers after writing: saving, building, the next step. */
async function writeChanges(generation: Generation, session: Session): Promise<void> {
  const { flags, plan, project, changes } = generation;
  const { interactive, prompter, note } = session;
  const toWrite = await decideWrites(changes, { force: flags.force, interactive, prompter });
  writeFilesAtomically(toWrite);
  for (const change of changes) {
    const written = toWrite.includes(change);
    const said = `${describeStatus(change)}${change.note ? ` (${change.note})` : ''}`;
    note(written || change.status === 'unchanged' ? said : `kept ${change.path} (yours differs; not overwritten)`);
  }
  const finish = { flags, interactive, prompter, note };
  await offerToSave(project.root, generation.answers, generation.facts, generation.saved, finish);
  const dockerfile = dockerfileOf(changes);
  const dockerfileIsOurs = dockerfile.status === 'unchanged' || toWrite.includes(dockerfile);
  await offerBuild({ root: project.root, dir: flags.dir, plan, dockerfile: dockerfile.content, tag: flags.tag ?? plan.title }, dockerfileIsOurs, finish, session.tell);
  // A base whose images need a login says so in the next step itself.
  const buildCommand = `${pullsFromDhi(plan) ? `${DHI_LOGIN}, then ` : ''}docker ${buildArguments(plan, flags.dir, plan.title).join(' ')}`;
  if (interactive) {
    clack.note(equivalentCommand(flags.dir, generation.answers, generation.facts, flags.lang), 'Same answers, no questions');
    clack.outro(`${buildCommand}${plan.debugStage ? '   (debug: --target debug)' : ''}`);
  } else if (toWrite.some((change) => change.path !== CONFIG_FILE) && !flags.build) {
    // The next step builds the files just written; saved answers alone need no build.
    note(`next: ${buildCommand}`);
  }
}

export const SINKS: Record<OutputMode, Sink> = {
  write: { printsData: false, run: writeChanges },
  'dry-run': {
    printsData: false,
    run: ({ changes }, { say }) => {
      for (const change of changes) {
        say(`${describeStatus(change)} (dry run, nothing written)`);
        if (change.status === 'update') say(unifiedDiff(change));
      }
    },
  },
  stdout: { printsData: true, run: ({ changes }, { stdout }) => void stdout.write(dockerfileOf(changes).content) },
  json: {
    printsData: true,
    run: ({ facts, answers, plan, changes, warnings }, { say }) => {
      const files = changes.map(({ path, status }) => ({ path, status }));
      say(JSON.stringify({ facts, answers, plan, files, warnings }, null, 2));
    },
  },
  explain: {
    printsData: true,
    run: ({ facts, answers, plan, changes, flags }, { stdout }) =>
      void stdout.write(explain(facts, answers, plan, dockerfileOf(changes).content, { dir: flags.dir, generatorVersion: VERSION })),
  },
};
