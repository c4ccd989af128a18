import { escapeToOneLine } from './core/text.js';

/**
 * Every failure a user can cause ends as a StagecraftError: one line, one documented exit code.
 * Anything else is a bug and is reported with its stack trace.
 */
export const ExitCode = {
  ok: 0,
  /** Bad or missing flags, including an answer that a non-interactive run cannot ask for. */
  usage: 1,
  /** The folder cannot be read or its project cannot be detected (missing, malformed, unsupported). */
  project: 2,
  /** The requested combination cannot work (e.g. cgo on scratch), or there is nothing to run (a static site); the message says why. */
  refused: 3,
  /** An existing file differs and was not overwritten (no --force, or declined at the prompt). */
  conflict: 4,
  /** --build: Docker is missing or `docker build` failed; the files were written. */
  build: 5,
  /** A re-run merged the user's edits with stagecraft's new text and they overlap: written with conflict markers to resolve. */
  mergeConflict: 6,
  /** `stagecraft check`: the files on disk no longer match what stagecraft generates now; one line per finding says why. */
  drift: 7,
  /** The generated files could not be written (a read-only folder, a full disk); the message says what was. */
  cannotWrite: 73,
  /** The user cancelled an interactive prompt. */
  cancelled: 130,
  /** A bug in stagecraft, not in the input: the message asks for --verbose. */
  internal: 70,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class StagecraftError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(escapeToOneLine(message));
    this.name = 'StagecraftError';
  }

  /** What the run knew when it stopped after detection: --json prints it, so a stop still shows the facts. */
  stoppedWith?: StoppedRun;
}

export interface StoppedRun {
  facts: unknown;
  /** The answers resolved before the stop. */
  answers: Record<string, unknown>;
  /** The flags of the answers the run could not settle. */
  missing: string[];
  warnings: string[];
}

export const usageError = (message: string) => new StagecraftError(message, ExitCode.usage);
export const projectError = (message: string) => new StagecraftError(message, ExitCode.project);
export const refusal = (message: string) => new StagecraftError(message, ExitCode.refused);
