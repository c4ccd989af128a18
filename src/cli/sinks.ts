import { clack } from './clack.js';
import type { Prompter } from '../core/prompter.js';
import { DHI_LOGIN, attestedCommand, buildArguments, dockerCommand, pullsFromDhi } from '../build/index.js';
import { ExitCode, StagecraftError } from '../errors.js';
import { escapeControls, shellWord } from '../core/text.js';
import { explain } from '../explain/index.js';
import { RECORD_FOLDER, assessChanges, prepareRecordFolder, recordWrites, removeRecordFolder, unifiedDiff, writeFilesAtomically, type AssessedChange } from '../output/changes.js';
import { CONFLICT_END, CONFLICT_START } from '../output/merge.js';
import { dockerfileNameOf, render } from '../render/index.js';
import { VERSION } from '../version.js';
import { equivalentCommand } from './answers.js';
import { colourDiff } from './colour.js';
import { checkApp, reportFindings } from './check.js';
import { CONFIG_FILE } from './config.js';
import { offerBuild, offerToSave } from './finish.js';
import { planNamed, type Generation } from './generate.js';
import type { OutputMode, SavedAnswers } from './options.js';

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
  /** Diffs are coloured: stdout is a terminal with colours and NO_COLOR does not ask for none. */
  colour: boolean;
  /** How a printed command starts, in the form of the package manager that ran stagecraft: `npx create-stagecraft`. */
  runner: string;
}

export interface Sink {
  /** stdout carries the result itself, so messages go to stderr. */
  printsData: boolean;
  run(generation: Generation, session: Session): Promise<void> | void;
}

const dockerfileOf = ({ changes, plan }: Pick<Generation, 'changes' | 'plan'>) => changes.find((change) => change.path === dockerfileNameOf(plan))!;

/** The name --output offers for stagecraft's Dockerfile beside a hand-written one. */
const BESIDE = 'Dockerfile.stagecraft';

const conflictCount = (conflicts: number) => `${conflicts} conflict${conflicts === 1 ? '' : 's'}`;

export function describeStatus(change: AssessedChange): string {
  if (change.reconciled === 'keep') return `kept ${change.path} (your edits; stagecraft's text is the same as when it wrote it)`;
  if (change.reconciled === 'merge' && change.status === 'update') {
    return change.conflicts
      ? `merged ${change.path} with ${conflictCount(change.conflicts)} (between ${CONFLICT_START} and ${CONFLICT_END})`
      : `merged ${change.path} (your edits kept over stagecraft's new text)`;
  }
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
export async function decideWrites(changes: AssessedChange[], options: { force: boolean; interactive: boolean; prompter: Prompter }): Promise<AssessedChange[]> {
  const pending = changes.filter((change) => change.status !== 'unchanged' && !change.declined);
  const conflicts = pending.filter((change) => change.status === 'update' && !change.consented);
  if (options.force || conflicts.length === 0) return pending;
  if (!options.interactive) {
    const names = conflicts.map((change) => change.path).join(' and ');
    const unrecorded = conflicts.filter((change) => change.reconciled === 'unrecorded').map((change) => change.path);
    // Said, since the user may expect a merge: without the record, edits cannot be told from the text generated.
    const why = unrecorded.length > 0 ? `; stagecraft generated ${unrecorded.join(' and ')}, but ${RECORD_FOLDER}/ has no record of that text to merge your edits with` : '';
    throw new StagecraftError(
      `${names} already exist${conflicts.length === 1 ? 's' : ''} and differ${conflicts.length === 1 ? 's' : ''}; nothing written (--force overwrites, --output ${BESIDE} writes beside it, --dry-run shows the diff)${why}`,
      ExitCode.conflict,
    );
  }
  const accepted: AssessedChange[] = [];
  for (const change of pending) {
    if (conflicts.includes(change)) {
      clack().note(unifiedDiff(change), `${change.path} differs`);
      if (!(await options.prompter.confirm(`Overwrite ${change.path}?`, false))) continue;
    }
    accepted.push(change);
  }
  return accepted;
}

/** A Ctrl-C at a question after the files are written: it says what is on disk, not "nothing was written". */
function cancelledAfter(error: unknown, written: string[]): unknown {
  if (!(error instanceof StagecraftError) || error.exitCode !== ExitCode.cancelled || written.length === 0) return error;
  return new StagecraftError(`cancelled; already written: ${written.join(', ')}`, ExitCode.cancelled);
}

/**
 * A Dockerfile of the user's own that differs, in a terminal: replace it, write stagecraft's beside
 * it under another name (the same as --output), or keep it. The generation to write from then on.
 */
async function besideOrOver(generation: Generation, session: Session): Promise<Generation> {
  const dockerfile = dockerfileOf(generation);
  // Stagecraft's own earlier file (unedited, or merged with the user's edits) is not a hand-written one.
  if (!session.interactive || generation.flags.force || dockerfile.status !== 'update' || dockerfile.consented) return generation;
  clack().note(unifiedDiff(dockerfile), `${dockerfile.path} differs`);
  const choice = await session.prompter.select(
    `${dockerfile.path} is not what stagecraft would write. What now?`,
    [
      { value: 'beside', label: `write stagecraft's as ${BESIDE}`, hint: `yours stays; build it with -f ${BESIDE}` },
      { value: 'overwrite', label: `overwrite ${dockerfile.path}` },
      { value: 'keep', label: `keep ${dockerfile.path}, write no Dockerfile` },
    ],
    'beside',
  );
  if (choice === 'keep') return { ...generation, changes: generation.changes.map((change) => (change === dockerfile ? { ...change, declined: true } : change)) };
  if (choice === 'overwrite') return { ...generation, changes: generation.changes.map((change) => (change === dockerfile ? { ...change, consented: true } : change)) };
  const plan = planNamed(generation.plan, BESIDE);
  const config = generation.changes.filter((change) => change.path === CONFIG_FILE);
  return { ...generation, plan, flags: { ...generation.flags, output: BESIDE }, changes: [...assessChanges(generation.project.root, await render(plan)), ...config] };
}

/** How to build the user's own Dockerfile, and how to get stagecraft's beside it: said when the user kept theirs. */
function keptAdvice(generation: Generation, session: Session): string {
  const { flags, plan } = generation;
  const theirs = dockerCommand(buildArguments({ ...plan, dockerfileFlag: null }, flags.dir, plan.title));
  const beside = planNamed(plan, BESIDE);
  const again = `${equivalentCommand(flags.dir, generation.answers, generation.facts, flags.lang, session.runner)} --output ${BESIDE}`;
  return [
    `yours is kept; build it with:`,
    `  ${theirs}`,
    `stagecraft's, written beside it and built by name:`,
    `  ${again}`,
    `  ${dockerCommand(buildArguments(beside, flags.dir, plan.title))}`,
  ].join('\n');
}

/**
 * Writes the accepted files and, in the same all-or-nothing step, the records of what was generated
 * (.stagecraft/), so the next run can merge. A folder made for them goes again when the writes fail.
 */
function writeWithRecords(root: string, changes: AssessedChange[], toWrite: AssessedChange[], tell: (line: string) => void) {
  const records = recordWrites(root, changes, toWrite);
  const folder = records.length > 0 ? prepareRecordFolder(root) : 'exists';
  try {
    writeFilesAtomically([...toWrite, ...(typeof folder === 'object' ? [] : records)]);
  } catch (error) {
    if (folder === 'created') removeRecordFolder(root);
    throw error;
  }
  // Said once the files are written: a folder that cannot be written at all has its own message.
  if (typeof folder === 'object') tell(`warning: ${folder.refused}: what stagecraft generated is not recorded, so a re-run cannot merge your edits`);
  return folder;
}

/** Writes what may be written, then offers what a run offers after writing: saving, building, the next step. */
async function writeChanges(original: Generation, session: Session): Promise<void> {
  const generation = await besideOrOver(original, session);
  const { flags, plan, project, changes } = generation;
  const { interactive, prompter, note } = session;
  const toWrite = await decideWrites(changes, { force: flags.force, interactive, prompter });
  const recordFolder = writeWithRecords(project.root, changes, toWrite, session.tell);
  for (const change of changes) {
    const written = toWrite.includes(change);
    const said = `${describeStatus(change)}${change.note ? ` (${change.note})` : ''}`;
    note(written || change.status === 'unchanged' ? said : `kept ${change.path} (yours differs; not overwritten)`);
  }
  if (recordFolder === 'created') note(`created ${RECORD_FOLDER}/ (the text stagecraft generated, so a re-run merges your edits; commit it)`);
  const conflicted = toWrite.filter((change) => change.conflicts);
  if (conflicted.length > 0) {
    const where = conflicted.map((change) => `${change.path} (${conflictCount(change.conflicts!)})`).join(' and ');
    throw new StagecraftError(
      `your edits and stagecraft's new text overlap in ${where}: both are written between ${CONFLICT_START} and ${CONFLICT_END}; resolve them, then build (--force takes stagecraft's text)`,
      ExitCode.mergeConflict,
    );
  }
  const finish = { flags, interactive, prompter, note };
  const written = toWrite.map((change) => change.path);
  const dockerfile = dockerfileOf(generation);
  const dockerfileIsOurs = dockerfile.status === 'unchanged' || toWrite.includes(dockerfile);
  try {
    if (await offerToSave(project.root, generation.answers, generation.facts, generation.saved, finish)) written.push(CONFIG_FILE);
    await offerBuild({ root: project.root, dir: flags.dir, plan, dockerfile: dockerfile.content, tag: flags.tag ?? plan.title }, dockerfileIsOurs, finish, session.tell);
  } catch (error) {
    throw cancelledAfter(error, written);
  }
  // A base whose images need a login says so in the next step itself.
  const login = pullsFromDhi(plan) ? `${DHI_LOGIN}, then ` : '';
  const buildCommand = `${login}${dockerCommand(buildArguments(plan, flags.dir, plan.title))}`;
  // The classic docker builder refuses --sbom, so the plain command comes first and this one beside it.
  const attested = `with an SBOM and provenance (a docker-container builder or the containerd image store): ${login}${attestedCommand(buildArguments(plan, flags.dir, plan.title))}`;
  if (interactive && !dockerfileIsOurs) {
    clack().note(keptAdvice(generation, session), 'Your Dockerfile');
    // The command that repeats this run stops on the kept Dockerfile: said, so it surprises no one in CI.
    clack().outro(`${equivalentCommand(flags.dir, generation.answers, generation.facts, flags.lang, session.runner)}   (exits 4 while your Dockerfile differs)`);
  } else if (interactive) {
    const named = flags.output !== undefined && flags.output !== 'Dockerfile' ? ` --output ${shellWord(flags.output)}` : '';
    clack().note(`${equivalentCommand(flags.dir, generation.answers, generation.facts, flags.lang, session.runner)}${named}`, 'Same answers, no questions');
    clack().note(attested, 'Attestations');
    clack().outro(`${buildCommand}${plan.debugStage ? '   (debug: --target debug)' : ''}`);
  } else if (toWrite.some((change) => change.path !== CONFIG_FILE) && !flags.build) {
    // The next step builds the files just written; saved answers alone need no build.
    note(`next: ${buildCommand}`);
    note(`      ${attested}`);
  }
}

/** Every change with its status, and each new or changed file's diff; nothing written. */
export function showDryRun({ changes }: { changes: AssessedChange[] }, { say, stdout, colour }: Session): void {
  for (const change of changes) {
    say(`${describeStatus(change)} (dry run, nothing written)`);
    if (change.status === 'unchanged') continue;
    // The project's text is escaped first, then coloured: say() would escape the colours' own ESC too.
    const diff = escapeControls(unifiedDiff(change));
    if (colour) stdout.write(`${colourDiff(diff)}\n`);
    else say(diff);
  }
}

/** What a check says before its findings: which answers it compared with. */
export function checkNotes(saved: SavedAnswers | null, pin: boolean | undefined): string[] {
  return [
    ...(saved ? [] : [`check: no ${CONFIG_FILE}, so compared with what --yes and the flags given choose (--save keeps the answers a check should use)`]),
    ...(pin ? ['check: --pin: tags compared, not digests (Renovate or Dependabot moves those)'] : []),
  ];
}

export const SINKS: Record<OutputMode, Sink> = {
  write: { printsData: false, run: writeChanges },
  'dry-run': { printsData: false, run: showDryRun },
  stdout: { printsData: true, run: (generation, { stdout }) => void stdout.write(dockerfileOf(generation).generated) },
  json: {
    printsData: true,
    run: ({ facts, answers, plan, changes, warnings }, { say }) => {
      const files = changes.map(({ path, status, reconciled, conflicts }) => ({ path, status, ...(reconciled ? { reconciled } : {}), ...(conflicts ? { conflicts } : {}) }));
      say(JSON.stringify({ facts, answers, plan, files, warnings }, null, 2));
    },
  },
  check: {
    printsData: true,
    run: async (generation, { say, note }) =>
      reportFindings(await checkApp(generation, VERSION), checkNotes(generation.saved, generation.answers.pin), { asJson: generation.flags.asJson === true, say, note }),
  },
  explain: {
    printsData: true,
    run: (generation, { stdout }) => {
      const { facts, answers, plan, flags } = generation;
      stdout.write(escapeControls(explain(facts, answers, plan, dockerfileOf(generation).generated, { dir: flags.dir, generatorVersion: VERSION })));
    },
  },
};
