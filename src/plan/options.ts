import { z } from 'zod';
import { LANGUAGES } from '../detect/types.js';

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

/** Ports are numbers in 1..65535; `none` means the program does not listen (a CLI or a worker). */
export const PortSchema = z.number().int().min(1).max(65535);

/** The answers every step resolves; the plan is built from these plus the detected facts. */
export interface Answers {
  base: Base;
  debug: DebugMode;
  port: number | null;
  runtimeVersion: string;
  entry: string | null;
}

/** Command-line flags, validated once; everything downstream trusts these types. */
export const FlagsSchema = z.object({
  dir: z.string().min(1),
  lang: z.enum(LANGUAGES).optional(),
  base: z.enum(BASES).optional(),
  debug: z.enum(DEBUG_MODES).optional(),
  port: z
    .string()
    .refine((value) => value === 'none' || (/^\d+$/.test(value) && PortSchema.safeParse(Number(value)).success), 'expected a port from 1 to 65535, or none')
    .transform((value) => (value === 'none' ? ('none' as const) : Number(value)))
    .optional(),
  runtimeVersion: z.string().regex(/^\d+(\.\d+){0,2}$/, 'expected a version such as 1.23').optional(),
  entry: z.string().min(1).optional(),
  yes: z.boolean(),
  force: z.boolean(),
  dryRun: z.boolean(),
  stdout: z.boolean(),
  json: z.boolean(),
  explain: z.boolean(),
  save: z.boolean(),
  build: z.boolean(),
  /** An image reference: lower-case repository path, optional tag; nothing a shell would read. */
  tag: z.string().regex(/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?$/, 'expected an image name such as myapp or registry/team/app:1.2').optional(),
  verbose: z.boolean(),
});
export type Flags = z.infer<typeof FlagsSchema>;
