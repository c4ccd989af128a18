import { z } from 'zod';
import { BASES, BUILD_TOOLS, DEBUG_MODES, JAVA_RUNTIMES, PortSchema } from './core/options.js';
import { LANGUAGE_NAMES } from './languages/registry.js';

/** Command-line flags, validated once; everything downstream trusts these types. */
export const FlagsSchema = z.object({
  dir: z.string().min(1),
  lang: z.enum(LANGUAGE_NAMES).optional(),
  base: z.enum(BASES).optional(),
  debug: z.enum(DEBUG_MODES).optional(),
  port: z
    .string()
    .refine((value) => value === 'none' || (/^\d+$/.test(value) && PortSchema.safeParse(Number(value)).success), 'expected a port from 1 to 65535, or none')
    .transform((value) => (value === 'none' ? ('none' as const) : Number(value)))
    .optional(),
  runtimeVersion: z.string().regex(/^\d+(\.\d+){0,2}$/, 'expected a version such as 1.23').optional(),
  entry: z.string().min(1).optional(),
  buildTool: z.enum(BUILD_TOOLS).optional(),
  javaRuntime: z.enum(JAVA_RUNTIMES).optional(),
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
