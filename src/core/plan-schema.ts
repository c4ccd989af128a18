import * as z from 'zod';
import { projectError } from '../errors.js';
import { BASES, DEBUG_MODES, PortSchema } from './options.js';

/*
 * The plan is the only thing templates see. Every value that came from the user's project is
 * checked here against a narrow pattern, so nothing copied from a manifest can add a Dockerfile
 * instruction or break quoting.
 */

/** Image and binary names: no spaces, quotes, `$`, `\` or newlines. */
export const SafeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,213}$/, 'must be letters, digits, ".", "_" or "-"');
/**
 * A sentence for a Dockerfile comment: one line, and none of the characters an editor or a terminal
 * would take as the start of another (CR, U+0085, U+2028) or as a control sequence.
 */
export const OneLine = z.string().regex(/^[^\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]+$/u, 'must be one line of printable text');

/** Image references with an explicit tag, never `latest`. */
export const ImageRef = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be an image reference with a tag')
  .refine((ref) => !ref.endsWith(':latest'), 'must pin a tag, not latest');
export const AbsolutePath = z.string().regex(/^\/[A-Za-z0-9._/-]+$/);
export const RelativeFile = z.string().regex(/^[A-Za-z0-9._-][A-Za-z0-9._/-]*$/);
export const OsPackage = z.string().regex(/^[a-z0-9][a-z0-9.+-]*$/);

export const UserSchema = z.object({
  uid: z.number().int().min(1),
  gid: z.number().int().min(1),
  name: SafeName,
  home: AbsolutePath,
});

/** OS packages for one stage, with the package manager that installs them and why they are there. */
export const OsPackagesSchema = z.object({
  manager: z.enum(['apt', 'apk']),
  packages: z.array(OsPackage).min(1),
  why: OneLine,
});
export type OsPackages = z.infer<typeof OsPackagesSchema>;

/** tini in its own stage, whose static binary the final stages copy and run as PID 1 (see TINI in images.ts). */
export const InitSchema = z.object({
  image: ImageRef,
  packages: OsPackagesSchema,
  /** The static binary in the init stage. */
  source: AbsolutePath,
  /** Where the final stages have it: the entrypoint's first word. */
  path: AbsolutePath,
});
export type Init = z.infer<typeof InitSchema>;

/**
 * The final image, the same model for every language (filled by finalImage in images.ts): its base,
 * what the final stage installs and prepares on it, and how debug and production build on it.
 * templates/partials/final/ renders it; a language adds only what it copies and runs.
 */
export const RuntimeSchema = z.object({
  family: z.enum(['debian', 'alpine', 'distroless', 'scratch', 'hardened']),
  /** `scratch` for the empty image. */
  image: z.union([ImageRef, z.literal('scratch')]),
  /** OS packages the final stage installs: only shared libraries the app loads. */
  packages: OsPackagesSchema.nullable(),
  /** The build stage whose CA bundle the final stage copies (slim has none); null where the base has one or the runtime brings its own. */
  caBundle: z.object({ from: SafeName }).nullable(),
  /**
   * The final stage readies its base by family (templates/partials/final/base/): creates the user on
   * slim and alpine, copies scratch's root files, notes what distroless has. False for an image made
   * for the app's runtime, which has all of that already.
   */
  prepareBase: z.boolean(),
  /** A `runtime` stage shared by debug and production, so both get the same setup. */
  sharedStage: z.boolean(),
});

export const DebugStageSchema = z.object({
  /** An image (distroless :debug variant, or the final image itself) or `runtime`, the shared stage. */
  from: z.union([ImageRef, z.literal('runtime')]),
  /** A shell's tools installed on top; null on the distroless :debug variant, whose busybox is the tool. */
  tools: OsPackagesSchema.nullable(),
  /** A Docker Hardened Image's `-dev` variant (bash, apt, the toolchain) rather than distroless' busybox one. */
  devVariant: z.literal(true).optional(),
});

/** A path that names something outside the project folder (absolute, or through a `..` segment): the image has none of it. */
export const leavesProject = (file: string) => file.startsWith('/') || file.split('/').includes('..');

/** A project-relative path copied into the image. */
export const ProjectPath = z
  .string()
  .regex(/^(\.|[A-Za-z0-9._@-][A-Za-z0-9._@/-]*)$/)
  .refine((value) => !leavesProject(value), 'must stay inside the project');

/**
 * A credential one install step reads, as a BuildKit secret mount (src/core/secrets.ts): `target`
 * is where its tool reads the file; without one the step exports `/run/secrets/<id>` as the
 * variable of that name. `source` and `from` say what `docker build --secret` passes.
 */
export const BuildSecretSchema = z.object({
  id: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/),
  source: z.enum(['file', 'home', 'env']),
  from: z.union([ProjectPath, z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/)]),
  target: AbsolutePath.nullable(),
  /** The file and line that say the build needs it, for the comment above the step. */
  why: OneLine,
});
export type PlanSecret = z.infer<typeof BuildSecretSchema>;

/**
 * What the app needs in its working directory (/app) at run time besides its code, for a program that
 * opens files there by relative paths: project folders it reads, folders its non-root user writes, and
 * /app itself when the program creates files in it. The build stage gathers them under /runtime/app
 * (templates/partials/build/runtime-folders.hbs) and the final stage copies that in one step
 * (templates/partials/final/runtime-folders.hbs): copying the folder keeps each owner and mode.
 */
const FolderInProject = RelativeFile.refine((value) => !leavesProject(value), 'must stay inside the project');
export const RuntimeFoldersSchema = z.object({
  /** Why, with the evidence: one comment line above the build step. */
  why: OneLine,
  /** Project folders copied as they are, root's like the code; `parent` is their folder under /app ('' at the top). */
  copies: z.array(z.object({ source: FolderInProject, parent: z.string().regex(/^([A-Za-z0-9._-]+\/)*$/) })),
  /** Folders under /app made empty and owned by the run-time user: the places it writes (Flask's instance folder). */
  writable: z.array(FolderInProject),
  /** /app itself belongs to the run-time user's group, sticky (1775): the program creates files there but cannot change or remove root's. */
  createsFiles: z.boolean(),
});
export type RuntimeFolders = z.infer<typeof RuntimeFoldersSchema>;

/** The final stages' environment, each variable with the comment that says why it is set. */
export const EnvironmentSchema = z.array(z.object({ name: z.string().regex(/^[A-Z_][A-Z0-9_]*$/), value: z.string().regex(/^[A-Za-z0-9._:/-]*$/), why: OneLine }));
export type Environment = z.infer<typeof EnvironmentSchema>;

/** What every language's plan has: the choices, the image's name, port and user, and how it starts and debugs. */
export const CommonPlanFields = {
  generator: z.object({ version: z.string().regex(/^[0-9A-Za-z.+-]+$/) }),
  base: z.enum(BASES),
  debug: z.enum(DEBUG_MODES),
  title: SafeName,
  port: PortSchema.nullable(),
  user: UserSchema,
  runtime: RuntimeSchema,
  debugStage: DebugStageSchema.nullable(),
  /** Debug tools installed in production itself (`--debug shell`). */
  shellTools: OsPackagesSchema.nullable(),
  /** tini as PID 1, for a program that sets no SIGTERM handler; null for one that exits on SIGTERM by itself. */
  init: InitSchema.nullable(),
  /** The comment above the entrypoint: how `docker stop`'s SIGTERM ends the program. */
  stopWhy: z.string().regex(/^[^\n]+$/),
  /** The build context, relative to the project folder: "." or a workspace root such as "../..". */
  contextPath: z.string().regex(/^\.(\.)?(\/\.\.)*$/),
  /** The Dockerfile's path from the build context when it is not the context's own Dockerfile. */
  dockerfileFlag: ProjectPath.nullable(),
  /**
   * `.dockerignore` beside a context's Dockerfile; `<Dockerfile's name>.dockerignore` beside a
   * Dockerfile built by name (BuildKit reads that one first): a workspace member's, or --output's.
   */
  dockerignoreName: z.string().regex(/^(\.dockerignore|[A-Za-z0-9][A-Za-z0-9._-]*\.dockerignore)$/),
  /** Other apps' folders beside this one (a frontend/ with its own package.json), left out of the context; the run fills it in. */
  otherApps: z.array(z.object({ folder: ProjectPath, marker: ProjectPath })).default([]),
  /** `--healthcheck`: the exec-form probe, run by a program the final image already has, and why it is that one. */
  healthcheck: z
    .object({
      command: z.array(z.string().regex(/^[^\n"\\]+$/)).min(2),
      why: OneLine,
    })
    .nullable()
    .default(null),
  /** `--reproducible`: the build stages read SOURCE_DATE_EPOCH, and the build is told to pass it and rewrite file times. */
  reproducible: z.boolean().default(false),
  /** The secrets the install steps mount; the files among them stay out of the build context. */
  secrets: z.array(BuildSecretSchema).default([]),
  secretFiles: z.array(ProjectPath).default([]),
  /** Folders the app opens in its working directory at run time; null when it needs none. */
  runtimeFolders: RuntimeFoldersSchema.nullable().default(null),
  /** Git dependencies over ssh: the fetch step mounts the builder's ssh agent (`docker build --ssh default`), said with the line that asks. */
  ssh: z.object({ why: OneLine }).nullable().default(null),
};

/** A shell command stagecraft wrote itself: one line, no quotes that could end a JSON array. */
export const Command = z.string().regex(/^[A-Za-z0-9 ._@/=:,+~-]+$/, 'must be a plain command');

/** Characters a one-line message may show as they are; the rest is escaped, so the message stays one line. */
const shown = (value: unknown) => JSON.stringify(value)?.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`) ?? String(value);

/**
 * Validates a language's plan. A value from the project that does not fit (a folder name with a
 * quote, a start command with a newline) is the project's problem, said in one line, never a crash.
 */
export function validatePlan<S extends z.ZodType>(schema: S, candidate: unknown): z.output<S> {
  const result = schema.safeParse(candidate, { reportInput: true, jitless: true });
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const value = issue!.input === undefined ? '' : ` ${shown(issue!.input)}`.slice(0, 120);
  throw projectError(`cannot use${value} (${issue!.path.join('.') || 'plan'}) in a Dockerfile safely: ${issue!.message}`);
}
