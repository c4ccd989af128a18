import * as z from 'zod';
import { SafeName, ImageRef, AbsolutePath, OsPackage, CommonPlanFields, ProjectPath, OneLine, EnvironmentSchema } from '../../core/plan-schema.js';

/** Cargo package and target names: letters, digits, "-" and "_". */
const CrateName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a Cargo package or target name');

const RustBuildSchema = z.object({
  image: ImageRef,
  /** Runs on the build platform and cross-compiles for TARGETARCH (musl, nothing compiles C). */
  crossCompile: z.boolean(),
  /** Why C code is compiled (said in a comment), or null when nothing is. */
  compilesC: OneLine.nullable(),
  /** The full rust image, not slim: a glibc build that compiles C needs its -dev packages and tools. */
  fullImage: z.boolean(),
  /** apk packages of a musl build: musl headers, static C libraries of -sys crates. */
  packages: z.array(OsPackage),
  /** Debian packages of the linker tools .cargo/config asks for (clang, lld, mold), with why; null when it asks for none. */
  linker: z.object({ packages: z.array(OsPackage).min(1), why: OneLine }).nullable(),
  /** Build environment, e.g. OPENSSL_STATIC=1 so a -sys crate links its library statically. */
  env: z.array(z.object({ name: z.string().regex(/^[A-Z_][A-Z0-9_]*$/), value: z.string().regex(/^[A-Za-z0-9._:/-]*$/) })),
  /** Where cargo keeps downloaded crates (CARGO_HOME): /usr/local/cargo in the rust images, root's home in the hardened one. */
  cargoHome: AbsolutePath,
  /** The cargo config that declares private registries, copied into the recipe so `cargo fetch` reads it; null without one. */
  cargoConfig: ProjectPath.nullable(),
  /**
   * The config names credential providers of the builder's machine (a keyring): the fetch uses
   * cargo:token, which reads the mounted credentials.toml and CARGO_REGISTRIES_<NAME>_TOKEN.
   */
  tokenProvider: z.boolean(),
  /** Cargo.lock exists: --locked makes the build fail instead of silently resolving other versions. */
  locked: z.boolean(),
  scratchRootfs: z.boolean(),
  package: CrateName,
  /** The workspace root inside the build context when the context reaches above it (for its path dependencies); cargo runs there. */
  workspaceDir: ProjectPath.nullable(),
  binary: CrateName,
  /**
   * The workspace members `package` does not depend on (path dependencies followed), from the context:
   * the ignore file leaves their folders out but their Cargo.toml, and the recipe gives their target
   * files empty stand-ins, so cargo still loads the whole workspace and an edit there does not rebuild this image.
   */
  leftOut: z.array(z.object({ folder: ProjectPath, standIns: z.array(ProjectPath) })),
  /** The id of the target/ cache mount: one per project, so unrelated builds do not share it. */
  targetCacheId: SafeName,
  output: AbsolutePath,
});

export const RustPlanSchema = z.object({
  ...CommonPlanFields,
  language: z.literal('rust'),
  /** Set PORT in the image because the program reads it. */
  portEnv: z.boolean(),
  /** What the framework needs set to serve from a container (Rocket's address), each with why. */
  env: EnvironmentSchema,
  build: RustBuildSchema,
  /**
   * Shared libraries -sys crates link, with the crates that need them, on a slim final stage: installed
   * there, unless the base has the package already (`inBase` says why it has).
   */
  runtimeLibraries: z.array(z.object({ package: OsPackage, crate: CrateName, inBase: OneLine.nullable() })),
  /** rust-toolchain(.toml) whose release the builder image already is; the build context leaves it out. */
  toolchainFile: z
    .string()
    .regex(/^([A-Za-z0-9._-]+\/)*rust-toolchain(\.toml)?$/)
    .nullable(),
  binaryPath: AbsolutePath,
  /** Why the binary runs with the arguments after it in the entrypoint (a Loco app's `start`); null when it runs with none. */
  argumentsWhy: OneLine.nullable(),
  /** The binary, under tini (`/usr/bin/tini -- <binary>`), and its arguments (Loco's `start --binding 0.0.0.0 --port 5150`). */
  entrypoint: z.array(z.union([AbsolutePath, z.literal('--'), z.string().regex(/^[\w.:=-]+$/)])).min(1),
});

export type RustPlan = z.infer<typeof RustPlanSchema>;
