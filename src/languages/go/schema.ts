import * as z from 'zod';
import { ImageRef, AbsolutePath, RelativeFile, OsPackage, CommonPlanFields } from '../../core/plan-schema.js';

const GoPackagePath = z.string().regex(/^\.(\/[A-Za-z0-9._-]+)*$/, 'must be a package folder such as ./cmd/api');

const GoBuildSchema = z.object({
  image: ImageRef,
  crossCompile: z.boolean(),
  /** apk packages for a cgo build on alpine. */
  packages: z.array(OsPackage),
  moduleFiles: z.array(RelativeFile).min(1),
  downloadModules: z.boolean(),
  vendored: z.boolean(),
  tags: z.array(z.string().regex(/^[A-Za-z0-9_.]+$/)),
  scratchRootfs: z.boolean(),
  package: GoPackagePath,
  output: AbsolutePath,
});

export const GoPlanSchema = z.object({
  ...CommonPlanFields,
  language: z.literal('go'),
  /** Set PORT in the image because the program reads it. */
  portEnv: z.boolean(),
  build: GoBuildSchema,
  binaryPath: AbsolutePath,
  entrypoint: z.array(AbsolutePath).min(1),
});

export type GoPlan = z.infer<typeof GoPlanSchema>;
