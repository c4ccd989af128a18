import * as z from 'zod';
import {
  ImageRef,
  AbsolutePath,
  leavesProject,
  OsPackagesSchema,
  ProjectPath,
  Command,
  CommonPlanFields,
  OneLine,
  EnvironmentSchema,
  RuntimeFoldersSchema,
} from '../../core/plan-schema.js';

const NodeCopySchema = z.object({
  /** A stage name, or null for the build context. */
  stage: z.enum(['deps', 'build', 'prod-deps', 'sources', 'prune']).nullable(),
  source: z.union([AbsolutePath, ProjectPath]),
  target: ProjectPath,
  /** The comment above the COPY: why it ships. */
  why: OneLine,
});

/** A command and the comment above it (an edit of the copied package.json, pnpm deploy). */
const ExplainedCommandSchema = z.object({ run: Command, why: OneLine });

/** A word of the exec-form command: plain characters only, nothing a shell or Dockerfile would read otherwise. */
const ExecWord = z.string().regex(/^[A-Za-z0-9._@/=:-]+$/, 'is not a plain word (letters, digits, . _ @ / = : -) that an exec-form command can carry');

export const NodePlanSchema = z.object({
  ...CommonPlanFields,
  language: z.literal('node'),
  nodeVersion: z.string().regex(/^\d+$/),
  packageManager: z.object({
    /** Installs the package manager itself, when the Node image lacks it. */
    setup: Command.nullable(),
    install: Command,
    installProduction: Command,
    build: Command,
    cacheTarget: AbsolutePath,
    /** The installer's record of node_modules (npm's hidden lockfile): no program reads it at run time, so each install removes it. */
    installRecord: ProjectPath.nullable(),
    /** package.json, the lockfile and the manager's own config, copied before anything else. */
    manifests: z.array(ProjectPath).min(1),
    /** A workspace root's member manifests, each copied into its own folder before the install. */
    memberManifests: z.array(z.object({ source: ProjectPath, target: ProjectPath })),
    /** Yarn Berry's pinned binary (yarnPath), a folder copied on its own line. */
    yarnReleases: z.boolean(),
    /** Settings only the install reads (.yarnrc.yml can hold npmAuthToken): never in a final image. */
    installOnly: z.array(ProjectPath),
    /** A package.json edit every install starts from (in base): a postinstall that builds needs the sources, which come later. */
    baseEdit: ExplainedCommandSchema.nullable(),
    /** A package.json edit before the production install alone: Yarn 2 and 3 install without devDependencies only this way. */
    prodEdit: ExplainedCommandSchema.nullable(),
  }),
  /** The final stage copies prod-deps' /app whole (a workspace root): installOnly is removed there first. */
  scrubProdDeps: z.boolean(),
  /** Files the prod-deps stage removes because a later copy of the final stage brings them too. */
  prodDepsDuplicates: z.array(ProjectPath),
  /**
   * A workspace member started from a package's own file (`node_modules/next/dist/bin/next`): the
   * package, linked into the member's node_modules when the install hoisted it to the root's.
   */
  hoistedStart: z.object({ memberModules: ProjectPath, name: z.string().regex(/^(@[a-z0-9._-]+\/)?[a-z0-9._-]+$/), linkFolder: ProjectPath }).nullable(),
  /** The final stage copies the whole context from a stage that leaves installOnly out. */
  sourcesStage: z.boolean(),
  /** A pnpm workspace member: installed from the workspace root and shipped with `pnpm deploy` (Next's standalone output ships its own node_modules: no deploy). */
  workspace: z
    .object({
      memberPath: ProjectPath,
      fetch: Command,
      install: Command,
      build: Command.nullable(),
      deploy: ExplainedCommandSchema.nullable(),
    })
    .nullable(),
  /** A member of an npm, Yarn or bun workspace: built from the workspace root with its lockfile, the installs narrowed to it where the manager can. */
  member: z.object({ path: ProjectPath }).nullable(),
  /** The folder below /app the start command runs from, as it does in the workspace (a member's own); null for /app itself. */
  runFrom: ProjectPath.nullable(),
  /** The folders of /app the app creates as it runs, made in a stage of their own for the run-time user; null when it creates none. */
  runtimeFolders: RuntimeFoldersSchema.nullable(),
  /** Under Turborepo, such a member's workspace is cut down to it first by `turbo prune --docker`, in a stage of its own. */
  prune: z
    .object({
      setup: Command,
      prune: Command,
      /** The pruned lockfile's name in turbo prune's out folder. */
      lockfile: ProjectPath,
      /** The manager's settings the install reads besides the manifests (.yarnrc.yml), from the context. */
      settings: z.array(ProjectPath),
    })
    .nullable(),
  /** Build output folders the .dockerignore leaves out (the image builds its own). */
  ignoredOutputs: z.array(ProjectPath),
  depsImage: ImageRef,
  /** What node-gyp needs to compile native modules where the install image lacks it (alpine, the hardened -dev image). */
  depsPackages: OsPackagesSchema.nullable(),
  /** Native modules are installed: node-gyp, if it compiles, uses the image's own Node headers. */
  nativeBuild: z.boolean(),
  /**
   * Native modules on the hardened -dev image, which keeps Node's headers in the folder of its exact
   * release: found beside node's real path when the base stage builds, and given to the installs.
   */
  headersBesideNode: z.boolean(),
  hasBuild: z.boolean(),
  /** A folder the build step keeps as a cache mount (a framework's compiler cache), so it never ships. */
  buildCache: AbsolutePath.nullable(),
  /** node_modules folders below the root (workspace members') stay out of the context too. */
  ignoreNestedNodeModules: z.boolean(),
  /** The base and deps stages: needed for a build or for node_modules to ship. */
  depsStage: z.boolean(),
  /** A separate production-only install (there are devDependencies to leave out). */
  prodDeps: z.boolean(),
  copies: z.array(NodeCopySchema).min(1),
  /** Yarn Plug'n'Play: the dependencies are .yarn's zips and .pnp.cjs; the build context leaves its own out. */
  yarnPnp: z.boolean(),
  env: EnvironmentSchema,
  /** tini, and on distroless node itself (the image's own ENTRYPOINT, which this one replaces). */
  entrypoint: z.array(z.union([AbsolutePath, z.literal('--')])).min(1),
  /** Exec form; on distroless node is in the entrypoint, so this omits it (the hardened image has no entrypoint: node stays here). */
  cmd: z.array(ExecWord).min(1),
  /** Node's own options the start command gives before the file (`-r dotenv/config`), which cmd carries, and where they are written. */
  nodeOptions: z.object({ words: z.array(ExecWord).min(1), from: OneLine }).nullable(),
  /** The file node runs: a project path that cannot read as one of node's options (`--inspect.js`). */
  entryFile: z
    .string()
    .regex(/^[^-]/, 'starts with "-", so node would read it as an option; rename the file')
    .refine((file) => !leavesProject(file), 'leaves the project folder, and the image has only what is inside it; name a file inside the project'),
});

export type NodePlan = z.infer<typeof NodePlanSchema>;
