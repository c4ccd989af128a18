import { clack, loadClack } from './cli/clack.js';
import { parseArguments } from './cli/args.js';
import { generateProject } from './cli/workspace.js';
import { WORKSPACE_SINKS } from './cli/workspace-sinks.js';
import { helpText } from './cli/help.js';
import { colourFor, type Stream } from './cli/colour.js';
import { runnerOf } from './cli/launcher.js';
import { clackPrompter } from './cli/prompter.js';
import { SINKS } from './cli/sinks.js';
import type { Prompter } from './core/prompter.js';
import { escapeControls, escapeToOneLine } from './core/text.js';
import { ExitCode, StagecraftError } from './errors.js';
import { VERSION } from './version.js';

export interface Io {
  stdout: Stream;
  stderr: NodeJS.WritableStream;
  stdinIsTTY: boolean;
  prompter: Prompter;
  env: NodeJS.ProcessEnv;
}

const defaultIo = (): Io => ({
  stdout: process.stdout,
  stderr: process.stderr,
  // Read only when asked (a run whose stdout is a terminal, without --yes): process.stdin opens a
  // stream on first use, and on a file or /dev/null that loads Node's file streams, start-up time spent for nothing.
  get stdinIsTTY() {
    return Boolean(process.stdin.isTTY);
  },
  prompter: clackPrompter,
  env: process.env,
});

/** Runs one stagecraft invocation; returns the exit code. Errors a user can cause end as one line. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  // Every line reaching a terminal may quote the project (a manifest value, an existing file's diff):
  // its control characters are shown escaped, so none can move the cursor, retitle the window or forge a line.
  const say = (line: string) => io.stdout.write(`${escapeControls(line)}\n`);
  const tell = (line: string) => io.stderr.write(`${escapeControls(line)}\n`);
  let verbose = argv.includes('--verbose') || Boolean(process.env.DEBUG);
  let printsJson = false;
  try {
    const parsed = parseArguments(argv, io.env);
    if (parsed.kind === 'help') return (say(helpText().trimEnd()), ExitCode.ok);
    if (parsed.kind === 'version') return (say(VERSION), ExitCode.ok);
    const { flags } = parsed;
    if (parsed.notice) tell(parsed.notice);
    verbose ||= flags.verbose;
    printsJson = flags.mode === 'json';
    const sink = SINKS[flags.mode];
    const interactive = !flags.yes && Boolean(io.stdout.isTTY) && io.stdinIsTTY;
    if (interactive) await loadClack();
    // Prompts draw their own frame, so messages join it in a terminal.
    const note = interactive ? (line: string) => clack().log.info(escapeControls(line)) : sink.printsData ? tell : say;
    const generation = await generateProject({
      flags,
      interactive,
      prompter: io.prompter,
      generatorVersion: VERSION,
      onDetected: interactive ? (facts, project) => clack().intro(`stagecraft ${VERSION}: a ${facts.language} project in ${project.root}`) : undefined,
      warn: (message) => (interactive ? clack().log.warn(escapeToOneLine(message)) : tell(`warning: ${escapeToOneLine(message)}`)),
      note,
    });
    const session = { stdout: io.stdout, interactive, prompter: io.prompter, say, tell, note, colour: colourFor(io.stdout, io.env), runner: runnerOf(io.env) };
    await (generation.kind === 'workspace' ? WORKSPACE_SINKS[flags.mode](generation, session) : sink.run(generation, session));
    return ExitCode.ok;
  } catch (error) {
    // --json shows what was detected even when the run stops: the facts, the answers so far, what is missing.
    if (printsJson && error instanceof StagecraftError && error.stoppedWith) {
      const { facts, answers, missing, warnings } = error.stoppedWith;
      say(JSON.stringify({ facts, answers, missing, plan: null, files: [], warnings, error: { message: error.message, exitCode: error.exitCode } }, null, 2));
    }
    return reportError(error, verbose, tell);
  }
}

/** A user's mistake is its one line and exit code; anything else is a bug in stagecraft, exit 70. */
function reportError(error: unknown, verbose: boolean, tell: (line: string) => void): number {
  if (error instanceof StagecraftError) {
    tell(`stagecraft: ${error.message}`);
    return error.exitCode;
  }
  tell(`stagecraft: unexpected error: ${(error as Error).message ?? String(error)}`);
  if (verbose) tell((error as Error).stack ?? '');
  else tell('run again with --verbose for details');
  return ExitCode.internal;
}
