import * as clack from '@clack/prompts';
import { parseArguments, HELP } from './args.js';
import { equivalentCommand, resolveAnswers } from './answers/index.js';
import { clackPrompter, type Prompter } from './answers/prompter.js';
import { detectProject } from './pipeline/detect.js';
import { ExitCode, StagecraftError } from './errors.js';
import { assessChanges, unifiedDiff, writeFilesAtomically, type AssessedChange } from './output/changes.js';
import { buildPlan } from './pipeline/plan.js';
import { CONFIG_FILE, readSavedAnswers, withSavedAnswers } from './config.js';
import { explain } from './explain/index.js';
import { buildArguments } from './build/index.js';
import { offerBuild, saveAnswers } from './finish.js';
import { ProjectFiles } from './project.js';
import { render } from './render/index.js';
import { VERSION } from './version.js';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdinIsTTY: boolean;
  prompter: Prompter;
}

const defaultIo = (): Io => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdinIsTTY: Boolean(process.stdin.isTTY),
  prompter: clackPrompter,
});

/** Runs one stagecraft invocation; returns the exit code. Errors a user can cause end as one line. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const tell = (line: string) => io.stderr.write(`${line}\n`);
  let verbose = argv.includes('--verbose') || Boolean(process.env.DEBUG);
  try {
    const parsed = parseArguments(argv);
    if (parsed.kind === 'help') return say(HELP.trimEnd()), ExitCode.ok;
    if (parsed.kind === 'version') return say(VERSION), ExitCode.ok;
    verbose ||= parsed.flags.verbose;
    const interactive = io.stdinIsTTY && Boolean(io.stdout.isTTY) && !parsed.flags.yes;
    // stdout carries data with --stdout/--json/--explain, so messages go to stderr there; prompts draw their own frame.
    const note = interactive ? (line: string) => clack.log.info(line) : parsed.flags.stdout || parsed.flags.json || parsed.flags.explain ? tell : say;

    const project = new ProjectFiles(parsed.flags.dir);
    const saved = readSavedAnswers(project);
    const flags = withSavedAnswers(parsed.flags, saved);
    const detection = detectProject(project, flags.lang);
    if (interactive) clack.intro(`stagecraft ${VERSION}: a ${detection.facts.language} project in ${project.root}`);
    const warn = (message: string) => (interactive ? clack.log.warn(message) : tell(`warning: ${message}`));
    detection.warnings.forEach(warn);
    if (saved) note(`answers from ${CONFIG_FILE}: ${Object.entries(saved).map(([key, value]) => `${key} ${value}`).join(', ')} (flags win over it)`);

    const answers = await resolveAnswers({ facts: detection.facts, flags, interactive, prompter: io.prompter });
    const { plan, warnings } = buildPlan(detection.facts, answers, VERSION);
    warnings.forEach(warn);
    const changes = assessChanges(project.root, render(plan));

    if (flags.json) {
      const files = changes.map(({ path, status }) => ({ path, status }));
      say(JSON.stringify({ facts: detection.facts, answers, plan, files, warnings: [...detection.warnings, ...warnings] }, null, 2));
      return ExitCode.ok;
    }
    if (flags.explain) {
      io.stdout.write(explain(detection.facts, answers, plan, changes.find((change) => change.path === 'Dockerfile')!.content, { dir: flags.dir, generatorVersion: VERSION }));
      return ExitCode.ok;
    }
    if (flags.stdout) {
      io.stdout.write(changes.find((change) => change.path === 'Dockerfile')!.content);
      return ExitCode.ok;
    }
    if (flags.dryRun) {
      for (const change of changes) {
        say(`${describeStatus(change)} (dry run, nothing written)`);
        if (change.status === 'update') say(unifiedDiff(change));
      }
      return ExitCode.ok;
    }

    const toWrite = await decideWrites(changes, { force: flags.force, interactive, prompter: io.prompter });
    writeFilesAtomically(toWrite);
    for (const change of changes) {
      const written = toWrite.includes(change);
      note(written || change.status === 'unchanged' ? describeStatus(change) : `kept ${change.path} (yours differs; not overwritten)`);
    }
    const buildCommand = `docker ${buildArguments(plan, flags.dir, plan.title).join(' ')}`;
    const finish = { flags, interactive, prompter: io.prompter, note };
    await saveAnswers(project.root, answers, detection.facts, saved, finish);
    const dockerfile = changes.find((change) => change.path === 'Dockerfile')!;
    const dockerfileIsOurs = dockerfile.status === 'unchanged' || toWrite.includes(dockerfile);
    await offerBuild({ root: project.root, dir: flags.dir, plan, dockerfile: dockerfile.content, tag: flags.tag ?? plan.title }, dockerfileIsOurs, finish, tell);
    if (interactive) {
      clack.note(equivalentCommand(flags.dir, answers, detection.facts, flags.lang), 'Same answers, no questions');
      clack.outro(`${buildCommand}${plan.debugStage ? '   (debug: --target debug)' : ''}`);
    } else if (toWrite.length > 0 && !flags.build) {
      note(`next: ${buildCommand}`);
    }
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof StagecraftError) {
      tell(`stagecraft: ${error.message}`);
      return error.exitCode;
    }
    tell(`stagecraft: unexpected error: ${(error as Error).message ?? String(error)}`);
    if (verbose) tell((error as Error).stack ?? '');
    else tell('run again with --verbose for details');
    return ExitCode.internal;
  }
}

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
async function decideWrites(
  changes: AssessedChange[],
  options: { force: boolean; interactive: boolean; prompter: Prompter },
): Promise<AssessedChange[]> {
  const pending = changes.filter((change) => change.status !== 'unchanged');
  const conflicts = pending.filter((change) => change.status === 'update');
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
    if (change.status === 'update') {
      clack.note(unifiedDiff(change), `${change.path} differs`);
      if (!(await options.prompter.confirm(`Overwrite ${change.path}?`, false))) continue;
    }
    accepted.push(change);
  }
  return accepted;
}
