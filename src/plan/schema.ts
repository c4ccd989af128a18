import { z } from 'zod';
import { projectError } from '../errors.js';
import { BASES, DEBUG_MODES, PortSchema } from './options.js';

/*
 * The plan is the only thing templates see. Every value that came from the user's project is
 * checked here against a narrow pattern, so nothing copied from a manifest can add a Dockerfile
 * instruction or break quoting.
 */

/** Image and binary names: no spaces, quotes, `$`, `\` or newlines. */
const SafeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be letters, digits, ".", "_" or "-"');
/** Image references with an explicit tag, never `latest`. */
const ImageRef = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be an image reference with a tag')
  .refine((ref) => !ref.endsWith(':latest'), 'must pin a tag, not latest');
const AbsolutePath = z.string().regex(/^\/[A-Za-z0-9._/-]+$/);
const RelativeFile = z.string().regex(/^[A-Za-z0-9._-][A-Za-z0-9._/-]*$/);
const OsPackage = z.string().regex(/^[a-z0-9][a-z0-9.+-]*$/);
const GoPackagePath = z.string().regex(/^\.(\/[A-Za-z0-9._-]+)*$/, 'must be a package folder such as ./cmd/api');
const GoModulePath = z.string().regex(/^[A-Za-z0-9._~/-]+$/, 'must be a Go module path');
const GoMinor = z.string().regex(/^1\.\d+$/);

const UserSchema = z.object({
  uid: z.number().int().min(1),
  gid: z.number().int().min(1),
  name: SafeName,
  home: AbsolutePath,
});

/** How the final image is set up: which family of base, and which OS packages it installs. */
const RuntimeSchema = z.object({
  family: z.enum(['debian', 'alpine', 'distroless', 'scratch']),
  /** `scratch` for the empty image. */
  image: z.union([ImageRef, z.literal('scratch')]),
  /** OS packages the app needs at run time (CA roots, time zones). */
  packages: z.array(OsPackage),
  /** Whether the base lacks a non-root user that we must create. */
  createUser: z.boolean(),
  /** A `runtime` stage shared by debug and production, so both get the same setup. */
  sharedStage: z.boolean(),
});

const DebugStageSchema = z.object({
  /** An image (distroless :debug variant) or `runtime`, the shared stage. */
  from: z.union([ImageRef, z.literal('runtime')]),
  family: z.enum(['debian', 'alpine', 'distroless']),
  packages: z.array(OsPackage),
});

const GoBuildSchema = z.object({
  image: ImageRef,
  crossCompile: z.boolean(),
  /** apk packages for a cgo build on alpine. */
  packages: z.array(OsPackage),
  moduleFiles: z.array(RelativeFile).min(1),
  downloadModules: z.boolean(),
  vendored: z.boolean(),
  cgo: z.boolean(),
  tags: z.array(z.string().regex(/^[A-Za-z0-9_.]+$/)),
  scratchRootfs: z.boolean(),
  package: GoPackagePath,
  output: AbsolutePath,
});

/** A project-relative path copied into the image. */
const ProjectPath = z.string().regex(/^(\.|[A-Za-z0-9._@-][A-Za-z0-9._@/-]*)$/).refine((value) => !value.split('/').includes('..'), 'must stay inside the project');

/** What every language's plan has: the choices, the image's name, port and user, and how it starts and debugs. */
const CommonPlanFields = {
  generator: z.object({ version: z.string().regex(/^[0-9A-Za-z.+-]+$/) }),
  base: z.enum(BASES),
  debug: z.enum(DEBUG_MODES),
  title: SafeName,
  port: PortSchema.nullable(),
  user: UserSchema,
  runtime: RuntimeSchema,
  debugStage: DebugStageSchema.nullable(),
  /** Debug tools installed in production itself (`--debug shell`). */
  shellTools: z.array(OsPackage),
  /** The build context, relative to the project folder: "." or a workspace root such as "../..". */
  contextPath: z.string().regex(/^\.(\.)?(\/\.\.)*$/),
  /** The Dockerfile's path from the build context when it is not the context's own Dockerfile. */
  dockerfileFlag: ProjectPath.nullable(),
  /** `.dockerignore` beside a context's Dockerfile; `Dockerfile.dockerignore` when the context is elsewhere. */
  dockerignoreName: z.enum(['.dockerignore', 'Dockerfile.dockerignore']),
};

export const GoPlanSchema = z.object({
  ...CommonPlanFields,
  language: z.literal('go'),
  /** Set PORT in the image because the program reads it. */
  portEnv: z.boolean(),
  module: GoModulePath,
  goVersion: GoMinor,
  build: GoBuildSchema,
  binaryPath: AbsolutePath,
  entrypoint: z.array(AbsolutePath).min(1),
});

/** A shell command stagecraft wrote itself: one line, no quotes that could end a JSON array. */
const Command = z.string().regex(/^[A-Za-z0-9 ._@/=:,+~-]+$/, 'must be a plain command');

const NodeCopySchema = z.object({
  /** A stage name, or null for the build context. */
  stage: z.enum(['deps', 'build', 'prod-deps']).nullable(),
  source: z.union([AbsolutePath, ProjectPath]),
  target: ProjectPath,
  /** The comment above the COPY: why it ships. */
  why: z.string().regex(/^[^\n]+$/),
});

export const NodePlanSchema = z.object({
  ...CommonPlanFields,
  language: z.literal('node'),
  nodeVersion: z.string().regex(/^\d+$/),
  packageManager: z.object({
    name: z.enum(['npm', 'yarn-classic', 'yarn-berry', 'pnpm', 'bun']),
    /** Installs the package manager itself, when the Node image lacks it. */
    setup: Command.nullable(),
    install: Command,
    installProduction: Command,
    build: Command,
    cacheTarget: AbsolutePath,
    /** package.json, the lockfile and the manager's own config, copied before anything else. */
    manifests: z.array(ProjectPath).min(1),
    /** Yarn Berry's pinned binary (yarnPath), a folder copied on its own line. */
    yarnReleases: z.boolean(),
  }),
  /** A pnpm workspace member: installed from the workspace root and shipped with `pnpm deploy`. */
  workspace: z
    .object({
      memberPath: ProjectPath,
      fetch: Command,
      install: Command,
      build: Command.nullable(),
      deploy: Command,
    })
    .nullable(),
  /** Build output folders the .dockerignore leaves out (the image builds its own). */
  ignoredOutputs: z.array(ProjectPath),
  depsImage: ImageRef,
  /** apk packages node-gyp needs to compile native modules on alpine. */
  depsPackages: z.array(OsPackage),
  /** Native modules are installed: node-gyp, if it compiles, uses the image's own Node headers. */
  nativeBuild: z.boolean(),
  hasBuild: z.boolean(),
  /** The base and deps stages: needed for a build or for node_modules to ship. */
  depsStage: z.boolean(),
  /** A separate production-only install (there are devDependencies to leave out). */
  prodDeps: z.boolean(),
  copies: z.array(NodeCopySchema).min(1),
  env: z.array(z.object({ name: z.string().regex(/^[A-Z_][A-Z0-9_]*$/), value: z.string().regex(/^[A-Za-z0-9._:/-]*$/) })),
  /** Exec form; on distroless the image's entrypoint is already node, so this omits it. */
  cmd: z.array(z.string().regex(/^[A-Za-z0-9._@/=:-]+$/)).min(1),
});

/** OS packages for one stage, with the package manager that installs them and why they are there. */
const OsPackagesSchema = z.object({
  manager: z.enum(['apt', 'apk']),
  packages: z.array(OsPackage).min(1),
  why: z.string().regex(/^[^\n]+$/),
});

/** A pip requirement stagecraft names itself (tools it installs): `name~=1.2`, no shell characters. */
const PipRequirement = z.string().regex(/^[a-z0-9][a-z0-9._-]*(~=\d+(\.\d+)*)?$/);

/** How the dependency layer is installed, before the sources are copied. */
const PythonDepsSchema = z.discriminatedUnion('kind', [
  /** uv syncs the venv from uv.lock with the binary from Astral's image. */
  z.object({ kind: z.literal('uv'), image: ImageRef, manifests: z.array(ProjectPath).min(1) }),
  /** Poetry, PDM or Pipenv export their lockfile as pinned requirements, which pip installs. */
  z.object({
    kind: z.literal('export'),
    tool: z.enum(['poetry', 'pdm', 'pipenv']),
    toolVenv: AbsolutePath,
    toolPackages: z.array(PipRequirement).min(1),
    export: Command,
    manifests: z.array(ProjectPath).min(1),
  }),
  /** pip with requirements files; local wheels and folders they name are copied with them. */
  z.object({
    kind: z.literal('requirements'),
    file: ProjectPath,
    copies: z.array(z.object({ sources: z.array(ProjectPath).min(1), target: ProjectPath })).min(1),
  }),
  /** pip with the PEP 621 dependencies read from pyproject.toml (no lockfile). */
  z.object({
    kind: z.literal('pyproject'),
    /** The TOML reader: the standard library's from 3.11, pip's vendored tomli before. */
    tomlModule: z.enum(['tomllib', 'pip._vendor.tomli']),
  }),
]);

export const PythonPlanSchema = z.object({
  ...CommonPlanFields,
  language: z.literal('python'),
  pythonVersion: z.string().regex(/^3\.\d+$/),
  build: z.object({
    image: ImageRef,
    /** The interpreter the venv links to; the final stage has the same one at the same path. */
    python: AbsolutePath,
    osPackages: OsPackagesSchema.nullable(),
  }),
  venv: AbsolutePath,
  deps: PythonDepsSchema.nullable(),
  /** Where the installer keeps downloads (a cache mount). */
  cacheTarget: AbsolutePath,
  /** Installs the project itself into the venv (console scripts, setup.py projects), after the sources. */
  projectInstall: Command.nullable(),
  /** The sources run from /app; false when the installed project in the venv is all that runs. */
  copyApp: z.boolean(),
  /** Shared libraries compiled dependencies link at run time (libpq for psycopg2). */
  runtimeLibraries: OsPackagesSchema.nullable(),
  /** Set PORT in the image because the program reads it. */
  portEnv: z.boolean(),
  /** Project paths the dependency install reads that the .dockerignore must keep (local wheels). */
  keptPaths: z.array(ProjectPath),
  entrypoint: z.array(z.string().regex(/^[A-Za-z0-9._@/=:,+-]+$/)).min(1),
});


/** Characters a one-line message may show as they are; the rest is escaped, so the message stays one line. */
const shown = (value: unknown) => JSON.stringify(value)?.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`) ?? String(value);

/**
 * Validates a language's plan. A value from the project that does not fit (a folder name with a
 * quote, a start command with a newline) is the project's problem, said in one line, never a crash.
 */
export function validatePlan<S extends z.ZodType>(schema: S, candidate: unknown): z.output<S> {
  const result = schema.safeParse(candidate, { reportInput: true });
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const value = issue!.input === undefined ? '' : ` ${shown(issue!.input)}`.slice(0, 120);
  throw projectError(`cannot use${value} (${issue!.path.join('.') || 'plan'}) in a Dockerfile safely: ${issue!.message}`);
}
/** Cargo package and target names: letters, digits, "-" and "_". */
const CrateName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a Cargo package or target name');

const RustBuildSchema = z.object({
  image: ImageRef,
  /** Runs on the build platform and cross-compiles for TARGETARCH (musl, nothing compiles C). */
  crossCompile: z.boolean(),
  /** Why C code is compiled (said in a comment), or null when nothing is. */
  compilesC: z.string().regex(/^[^\n]+$/).nullable(),
  /** apk packages of a musl build: musl headers, static C libraries of -sys crates. */
  packages: z.array(OsPackage),
  /** Build environment, e.g. OPENSSL_STATIC=1 so a -sys crate links its library statically. */
  env: z.array(z.object({ name: z.string().regex(/^[A-Z_][A-Z0-9_]*$/), value: z.string().regex(/^[A-Za-z0-9._:/-]*$/) })),
  /** Cargo.lock exists: --locked makes the build fail instead of silently resolving other versions. */
  locked: z.boolean(),
  scratchRootfs: z.boolean(),
  package: CrateName,
  binary: CrateName,
  /** The id of the target/ cache mount: one per project, so unrelated builds do not share it. */
  targetCacheId: SafeName,
  output: AbsolutePath,
});

export const RustPlanSchema = z.object({
  ...CommonPlanFields,
  language: z.literal('rust'),
  /** Set PORT in the image because the program reads it. */
  portEnv: z.boolean(),
  rustVersion: z.string().regex(/^1\.\d+(\.\d+)?$/),
  libc: z.enum(['gnu', 'musl']),
  build: RustBuildSchema,
  /** Shared libraries a slim final stage installs because -sys crates link them, with the crates that need them. */
  runtimeLibraries: z.array(z.object({ package: OsPackage, crate: CrateName })),
  /** rust-toolchain(.toml) whose release the builder image already is; the build context leaves it out. */
  toolchainFile: z.enum(['rust-toolchain.toml', 'rust-toolchain']).nullable(),
  binaryPath: AbsolutePath,
  entrypoint: z.array(AbsolutePath).min(1),
});

/** A Java class name, e.g. com.example.Main. */
const JavaClass = z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$/, 'must be a Java class name');
const JavaModule = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'must be a JDK module name');

export const JavaPlanSchema = z.object({
  ...CommonPlanFields,
  language: z.literal('java'),
  javaVersion: z.string().regex(/^\d+$/),
  build: z.object({
    tool: z.enum(['maven', 'gradle']),
    image: ImageRef,
    /** mvnw + .mvn, or gradlew + gradle/wrapper: the pinned build tool, copied first. */
    wrapper: z.object({ script: z.enum(['mvnw', 'gradlew']), dir: z.enum(['.mvn', 'gradle/wrapper']) }).nullable(),
    /** Build files grouped by the folder they go to, copied before the sources. */
    manifestCopies: z.array(z.object({ sources: z.array(ProjectPath).min(1), target: ProjectPath })).min(1),
    cacheTarget: AbsolutePath,
    resolve: Command,
    package: Command,
    /** What the build writes, from the project root: target/demo-1.0.jar, api/target/..., build/quarkus-app. */
    artifact: ProjectPath,
    /** Where Maven copied the dependencies a plain jar does not bundle (launch classpath). */
    libDir: ProjectPath.nullable(),
  }),
  /** How the artifact is laid out in /out and started: a plain jar (alone, or with its dependencies in lib/), Spring Boot layers (tools or layertools mode), Quarkus fast-jar. */
  launch: z.enum(['jar', 'classpath', 'spring-layers', 'spring-layertools', 'quarkus']),
  /** jdeps + jlink: a runtime of only the modules the app uses, built in its own stage. */
  jlink: z
    .object({
      image: ImageRef,
      /** Folders of classes (not jars) jdeps must read too. */
      classDirs: z.array(AbsolutePath),
      /** Modules jdeps cannot see because they are loaded as services (EC crypto before Java 22). */
      extraModules: z.array(JavaModule),
      compress: z.enum(['2', 'zip-6']),
    })
    .nullable(),
  /** Where slim and alpine get their Java runtime: the jlink stage or a JRE image; null when the base has one. */
  runtimeCopy: z.object({ from: z.union([z.literal('jre'), ImageRef]), source: AbsolutePath, why: z.string().regex(/^[^\n]+$/) }).nullable(),
  copies: z.array(z.object({ source: AbsolutePath, target: ProjectPath, why: z.string().regex(/^[^\n]+$/) })).min(1),
  /** Exec form, the whole command: distroless' own ENTRYPOINT ["java", "-jar"] is replaced. */
  entrypoint: z
    .array(z.union([AbsolutePath, JavaClass, z.enum(['-jar', '-cp', '/app/app.jar:/app/lib/*']), z.string().regex(/^-D[A-Za-z0-9._]+=[A-Za-z0-9._]+$/)]))
    .min(2),
});

export const PlanSchema = z.discriminatedUnion('language', [GoPlanSchema, NodePlanSchema, PythonPlanSchema, RustPlanSchema, JavaPlanSchema]);
export type Plan = z.infer<typeof PlanSchema>;
export type GoPlan = z.infer<typeof GoPlanSchema>;
export type NodePlan = z.infer<typeof NodePlanSchema>;
export type PythonPlan = z.infer<typeof PythonPlanSchema>;
export type RustPlan = z.infer<typeof RustPlanSchema>;
export type JavaPlan = z.infer<typeof JavaPlanSchema>;
