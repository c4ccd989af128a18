import * as z from 'zod';
import { ImageRef, AbsolutePath, RelativeFile, OsPackage, CommonPlanFields, EnvironmentSchema, ProjectPath, OneLine } from '../../core/plan-schema.js';

const GoPackagePath = z.string().regex(/^\.(\/[A-Za-z0-9._-]+)*$/, 'must be a package folder such as ./cmd/api');

const GoBuildSchema = z.object({
  image: ImageRef,
  crossCompile: z.boolean(),
  /** apk packages for a cgo build on alpine. */
  packages: z.array(OsPackage),
  /** go.work(.sum), go.mod and go.sum copied before the download, one COPY per folder. */
  moduleCopies: z.array(z.object({ files: z.array(RelativeFile).min(1), target: z.string().regex(/^\.\/([A-Za-z0-9._-]+\/)*$/) })),
  downloadModules: z.boolean(),
  /** No go.mod: the module path `go mod init` creates in the build; null when the project has one. */
  initModule: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/)
    .nullable(),
  /** Without go.mod, imports outside the standard library: `go mod tidy` resolves them in the build. */
  tidy: z.boolean(),
  /** go.mod requires modules but no go.sum is committed: `go mod tidy` records their checksums after the sources, or the build refuses them. */
  recordSums: z.boolean(),
  vendored: z.boolean(),
  tags: z.array(z.string().regex(/^[A-Za-z0-9_.]+$/)),
  scratchRootfs: z.boolean(),
  package: GoPackagePath,
  /** A main package in a module's sub-folder: its folder, whose Dockerfile and ignore file the context leaves out; null otherwise. */
  member: ProjectPath.nullable(),
  output: AbsolutePath,
  /** GOPRIVATE: module patterns go fetches from their repositories (with the .netrc secret), not through the proxy. */
  privateModules: z
    .string()
    .regex(/^[A-Za-z0-9.*_/-]+(,[A-Za-z0-9.*_/-]+)*$/)
    .nullable(),
});

export const GoPlanSchema = z.object({
  ...CommonPlanFields,
  language: z.literal('go'),
  /** Set PORT in the image because the program reads it. */
  portEnv: z.boolean(),
  /** What the framework needs set to run as in production (Gin's release mode), each with why. */
  env: EnvironmentSchema,
  build: GoBuildSchema,
  binaryPath: AbsolutePath,
  /** Why the binary runs with arguments after it in the entrypoint; a Go binary runs with none (null). */
  argumentsWhy: OneLine.nullable(),
  entrypoint: z.array(AbsolutePath).min(1),
});

export type GoPlan = z.infer<typeof GoPlanSchema>;
