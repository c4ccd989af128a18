import { z } from 'zod';

/** Final base images, each with the one-line trade-off shown where the user chooses. */
export const BASES = ['slim', 'alpine', 'distroless', 'scratch'] as const;
export type Base = (typeof BASES)[number];

export const BASE_TRADEOFFS: Record<Base, string> = {
  slim: 'Debian glibc with a shell and apt: easiest to debug and patch, largest',
  alpine: 'musl and a busybox shell, small, apk to patch; musl can behave unlike glibc',
  distroless: 'no shell or package manager, patched by rebuilding; debug via its :debug variant',
  scratch: 'nothing but your binary: smallest, no shell, no debug variant, certs and user added by hand',
};

export const DEBUG_MODES = ['none', 'stage', 'shell'] as const;
export type DebugMode = (typeof DEBUG_MODES)[number];

export const DEBUG_TRADEOFFS: Record<DebugMode, string> = {
  none: 'production image only',
  stage: 'a separate `debug` target (docker build --target debug); production stays as lean',
  shell: 'debug tools in the production image itself (slim/alpine only): bigger, more to attack',
};

/** Java: how the final image gets its Java runtime on slim and alpine (distroless brings its own). */
export const JAVA_RUNTIMES = ['jlink', 'jre'] as const;
export type JavaRuntime = (typeof JAVA_RUNTIMES)[number];

export const JAVA_RUNTIME_TRADEOFFS: Record<JavaRuntime, string> = {
  jlink: 'a runtime of only the JDK modules jdeps finds in the app: much smaller; a module loaded only by reflection must be added by hand',
  jre: 'the full Temurin JRE: every module there, tens of MB larger',
};

/** Build tools a language may offer when a project has files for more than one (Java: Maven and Gradle). */
export const BUILD_TOOLS = ['maven', 'gradle'] as const;
export type BuildTool = (typeof BUILD_TOOLS)[number];

/** Ports are numbers in 1..65535; `none` means the program does not listen (a CLI or a worker). */
export const PortSchema = z.number().int().min(1).max(65535);

/** The answers every step resolves; the plan is built from these plus the detected facts. */
export interface Answers {
  base: Base;
  debug: DebugMode;
  port: number | null;
  runtimeVersion: string;
  entry: string | null;
  /** Only for languages with several build tools (Java); undefined elsewhere. */
  buildTool?: BuildTool;
  /** Only for Java on slim and alpine; undefined elsewhere. */
  javaRuntime?: JavaRuntime;
}
