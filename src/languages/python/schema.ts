import * as z from 'zod';
import { ImageRef, AbsolutePath, ProjectPath, Command, OsPackagesSchema, CommonPlanFields, OneLine, leavesProject } from '../../core/plan-schema.js';

/** A pip requirement stagecraft names itself (tools it installs): `name~=1.2`, no shell characters. */
const PipRequirement = z.string().regex(/^[a-z0-9][a-z0-9._-]*(~=\d+(\.\d+)*)?$/);
/** An upper bound pip adds to the install (`setuptools<82`), quoted in the Dockerfile for the shell's `<`. */
const UpperBound = z.string().regex(/^[a-z0-9][a-z0-9._-]*<\d+(\.\d+)*$/);

/** How the dependency layer is installed, before the sources are copied. */
const PythonDepsSchema = z.discriminatedUnion('kind', [
  /** uv syncs the venv from uv.lock with the binary from Astral's image. */
  z.object({
    kind: z.literal('uv'),
    image: ImageRef,
    manifests: z.array(ProjectPath).min(1),
    /** A uv workspace member's build: every member's pyproject.toml, each copied to its folder, and the member `--package` installs. */
    workspace: z
      .object({
        memberManifests: z.array(z.object({ file: ProjectPath, folder: ProjectPath })).min(1),
        package: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
      })
      .nullable(),
  }),
  /** Poetry, PDM or Pipenv export their lockfile as pinned requirements, which pip installs. */
  z.object({
    kind: z.literal('export'),
    tool: z.enum(['poetry', 'pdm', 'pipenv']),
    toolVenv: AbsolutePath,
    toolPackages: z.array(PipRequirement).min(1),
    export: Command,
    /** Run before the export, on the build's copy of the lockfile: PDM's relock that adds the markers an old pdm.lock lacks, keeping its versions; with why. */
    relock: z.object({ command: Command, why: OneLine }).nullable(),
    manifests: z.array(ProjectPath).min(1),
  }),
  /** pip with requirements files; local wheels and folders they name are copied with them. */
  z.object({
    kind: z.literal('requirements'),
    file: ProjectPath,
    copies: z.array(z.object({ sources: z.array(ProjectPath).min(1), target: ProjectPath })).min(1),
    /** Installed with the requirements to keep a known breakage out (setuptools<82 beside gunicorn 20, which imports pkg_resources); with why. */
    bounds: z.array(z.object({ requirement: UpperBound, why: OneLine })),
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
  /** What the final stage copies from the build stage's /app (compiled there): the app's own files by name, or /app whole. */
  appCopies: z.array(z.object({ source: AbsolutePath, target: AbsolutePath, why: OneLine })),
  /** Set PORT in the image because the program reads it. */
  portEnv: z.boolean(),
  /** gunicorn runs with no --bind (none given, or its bind to $PORT left out): with PORT set it binds 0.0.0.0:$PORT itself, so -e PORT moves it. */
  gunicornBindsPort: z.boolean(),
  /** uvicorn's command names no --host: UVICORN_HOST=0.0.0.0, or it would listen on 127.0.0.1 alone. */
  uvicornHost: z.boolean(),
  /** Project paths the dependency install reads that the .dockerignore must keep (local wheels). */
  keptPaths: z.array(ProjectPath),
  /** Django's `manage.py collectstatic` in the build stage, when STATIC_ROOT is set. */
  collectStatic: z
    .string()
    .regex(/^[A-Za-z0-9._@/ -]+$/)
    .nullable(),
  // An application factory call (`pkg:create_app()`) is the one place parentheses appear; exec form passes them as is.
  entrypoint: z
    .array(z.string().regex(/^(?:[A-Za-z0-9._@/=:,+-]+|[A-Za-z_][\w.]*:[A-Za-z_]\w*\(\))$/))
    .min(1)
    .refine(
      // python may follow an init (tini --): the word after python is what it would read as an option.
      (command) => {
        const first = command[command.findIndex((word) => /\/python[\d.]*$/.test(word)) + 1];
        return !(command.some((word) => /\/python[\d.]*$/.test(word)) && first !== undefined && first !== '-m' && first.startsWith('-'));
      },
      'the script starts with "-", so python would read it as an option; rename the file',
    )
    .refine(
      (command) => !command.some((word) => word.endsWith('.py') && leavesProject(word)),
      'the script leaves the project folder, and the image has only what is inside it; name a file inside the project',
    ),
});

export type PythonPlan = z.infer<typeof PythonPlanSchema>;
