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
  /** The requested combination cannot work (e.g. cgo on scratch); the message says why. */
  refused: 3,
  /** An existing file differs and was not overwritten (no --force, or declined at the prompt). */
  conflict: 4,
  /** --build: Docker is missing or `docker build` failed; the files were written. */
  build: 5,
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
    super(message);
    this.name = 'StagecraftError';
  }
}

export const usageError = (message: string) => new StagecraftError(message, ExitCode.usage);
export const projectError = (message: string) => new StagecraftError(message, ExitCode.project);
export const refusal = (message: string) => new StagecraftError(message, ExitCode.refused);
