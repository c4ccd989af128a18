import * as z from 'zod';

/** Final base images, each with the one-line trade-off shown where the user chooses. */
export const BASES = ['slim', 'alpine', 'distroless', 'scratch', 'hardened'] as const;
export type Base = (typeof BASES)[number];

export const BASE_TRADEOFFS: Record<Base, string> = {
  slim: 'Debian glibc with a shell and apt: easiest to debug and patch, largest',
  alpine: 'musl and a busybox shell, small, apk to patch; musl can behave unlike glibc',
  distroless: 'no shell or package manager, patched by rebuilding; debug via its :debug variant',
  scratch: 'nothing but your binary: smallest, no shell, no debug variant, certs and user added by hand',
  hardened: 'Docker Hardened Images (dhi.io): smallest CVE surface, no shell; needs `docker login dhi.io` first; amd64/arm64 only',
};

export const DEBUG_MODES = ['none', 'stage', 'shell'] as const;
export type DebugMode = (typeof DEBUG_MODES)[number];

export const DEBUG_TRADEOFFS: Record<DebugMode, string> = {
  none: 'production image only',
  stage: 'a separate `debug` target (docker build --target debug); production stays as lean',
  shell: 'debug tools in the production image itself (slim/alpine only): bigger, more to attack',
};

/** Ports are numbers in 1..65535; `none` means the program does not listen (a CLI or a worker). */
export const PortSchema = z.number().int().min(1).max(65535);

/**
 * Answers to the questions only some languages ask (a build tool, a runtime), each under its option's
 * key. Empty here: a language that declares such an option adds its key from its own folder
 * (`declare module`), so this file names no language and the answers stay typed.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging, see above
export interface LanguageAnswers {}

/** The answers every language's questions resolve. */
export interface CommonAnswers {
  base: Base;
  debug: DebugMode;
  port: number | null;
  runtimeVersion: string;
  entry: string | null;
}

/**
 * What a Dockerfile needs after its first day, each an opt-in switch the plan reads (absent: off):
 * a HEALTHCHECK, and a build whose digest depends on the commit alone.
 */
export interface LivingAnswers {
  healthcheck?: boolean;
  reproducible?: boolean;
  pin?: boolean;
}

/** The answers every step resolves; the plan is built from these plus the detected facts. */
export interface Answers extends CommonAnswers, LanguageAnswers, LivingAnswers {}
