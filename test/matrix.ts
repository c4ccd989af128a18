import path from 'node:path';
import { generate } from '../src/cli/generate.js';
import { flagOf } from '../src/cli/options.js';
import type { Prompter } from '../src/core/prompter.js';
import { BASES, DEBUG_MODES, type Base, type DebugMode } from '../src/core/options.js';
import { resolveAnswers } from '../src/cli/answers.js';
import { detectProject } from '../src/pipeline/detect.js';
import { buildPlan } from '../src/pipeline/plan.js';
import { ProjectFiles } from '../src/project.js';
import type { Change } from '../src/render/index.js';
import { fixture, flagsFrom } from './helpers.js';

/** The fixtures that render a Dockerfile, with the flags detection cannot supply. */
/** `member`: the folder inside the fixture to run in (a workspace member; the fixture is the build context). */
export const RENDERED_FIXTURES: { language: string; fixture: string; member?: string; flags?: CellFlags }[] = [
  { language: 'go', fixture: 'go-root-main' },
  // Reads ./views and creates ./visits.db at run time: both in its working directory.
  { language: 'go', fixture: 'go-templates' },
  { language: 'go', fixture: 'go-cmd-layout', flags: { entry: './cmd/api' } },
  { language: 'go', fixture: 'go-cgo' },
  { language: 'go', fixture: 'go-missing-gosum' },
  { language: 'go', fixture: 'go-vendored' },
  // Module example.com/MyTool: the binary keeps its name, the image is tagged mytool.
  { language: 'go', fixture: 'go-uppercase-module' },
  // go.work with two modules: the main package of one imports the other, which no go.mod requires.
  { language: 'go', fixture: 'go-workspace' },
  // main.go alone, no go.mod: the build makes a module.
  { language: 'go', fixture: 'go-no-module' },
  { language: 'node', fixture: 'node-express' },
  // `node -r dotenv/config --enable-source-maps server.js`: node's options before the file, carried into the image's command.
  { language: 'node', fixture: 'node-preload' },
  { language: 'node', fixture: 'node-ts-api' },
  // No build script: the postinstall compiles (tsc), as on platforms whose install step builds the app.
  { language: 'node', fixture: 'node-postinstall-build' },
  { language: 'node', fixture: 'node-no-lockfile' },
  { language: 'node', fixture: 'node-native' },
  { language: 'node', fixture: 'node-pnpm' },
  { language: 'node', fixture: 'node-yarn-berry' },
  // Yarn 3 with a devDependency: the production install drops devDependencies from package.json (no workspaces focus before Yarn 4).
  { language: 'node', fixture: 'node-yarn3' },
  { language: 'node', fixture: 'node-yarn-pnp' },
  { language: 'node', fixture: 'node-bun' },
  { language: 'node', fixture: 'node-nest' },
  { language: 'node', fixture: 'node-next' },
  // create-next-app's default (no standalone output): `next start` from node_modules serves .next.
  { language: 'node', fixture: 'node-next-default' },
  // Run from an npm workspace root that lists no dependencies itself: its members' are installed.
  { language: 'node', fixture: 'node-npm-workspace' },
  // A pnpm 8 lockfile without packageManager: pnpm 8 is installed, not the default.
  { language: 'node', fixture: 'node-pnpm-lock6' },
  { language: 'node', fixture: 'node-pnpm-workspace', member: 'packages/api' },
  // Next's standalone output in an npm workspace member: server.js lands in apps/web/ below the workspace root it traces from.
  { language: 'node', fixture: 'node-next-workspace', member: 'apps/web' },
  // A Turborepo member with a TypeScript build: turbo prune cuts the npm workspace down to it, turbo builds it.
  { language: 'node', fixture: 'node-turbo-monorepo', member: 'apps/api' },
  { language: 'python', fixture: 'python-flask-gunicorn' },
  // An application factory that writes its SQLite database into Flask's instance folder at run time.
  { language: 'python', fixture: 'python-flask-instance' },
  { language: 'python', fixture: 'python-fastapi-uv' },
  { language: 'python', fixture: 'python-poetry' },
  { language: 'python', fixture: 'python-django' },
  { language: 'python', fixture: 'python-cli-scripts' },
  { language: 'python', fixture: 'python-stdlib' },
  { language: 'python', fixture: 'python-native' },
  { language: 'python', fixture: 'python-local-wheel' },
  // poetry.lock pins lxml 5.2.2, whose wheels stop at Python 3.12: the image runs 3.12, not 3.14 (and not distroless's 3.13).
  { language: 'python', fixture: 'python-poetry-lxml' },
  // requirements.txt pins cffi 1.15.1 (no wheel for 3.12 or later, known from its releases): the image runs 3.11.
  { language: 'python', fixture: 'python-pinned-cffi' },
  // A Vite frontend in frontend/ beside the FastAPI backend: its folder stays out of the context.
  { language: 'python', fixture: 'python-fastapi-with-frontend' },
  { language: 'rust', fixture: 'rust-single-bin' },
  { language: 'rust', fixture: 'rust-multi-bin', flags: { entry: 'api' } },
  { language: 'rust', fixture: 'rust-workspace' },
  // A member of a second workspace (examples/, as in tokio-rs/axum) with a path dependency outside it and a default-run naming a src/bin target.
  { language: 'rust', fixture: 'rust-workspace-member', member: 'examples/hello' },
  { language: 'rust', fixture: 'rust-msrv' },
  { language: 'rust', fixture: 'rust-openssl' },
  { language: 'rust', fixture: 'rust-sqlite' },
  { language: 'java', fixture: 'java-plain-maven' },
  // The full Temurin JRE instead of jlink, so that choice has snapshots (and alpine builds on the stand-ins).
  { language: 'java', fixture: 'java-multimodule', flags: { entry: 'api', javaRuntime: 'jre' } },
  { language: 'java', fixture: 'java-spring-maven' },
  { language: 'java', fixture: 'java-spring-gradle-kts' },
  { language: 'java', fixture: 'java-quarkus' },
];

/** Flags a fixture needs beyond base and debug. */
export interface CellFlags {
  entry?: string;
  javaRuntime?: 'jlink' | 'jre';
}

export interface Cell {
  language: string;
  fixture: string;
  base: Base;
  debug: DebugMode;
  member: string | null;
  flags: CellFlags;
}

export const CELLS: Cell[] = RENDERED_FIXTURES.flatMap(({ language, fixture: name, member = null, flags = {} }) =>
  BASES.flatMap((base) => DEBUG_MODES.map((debug) => ({ language, fixture: name, base, debug, member, flags }))),
);

const noPrompts: Prompter = {
  select: () => Promise.reject(new Error('no prompts in the matrix')),
  text: () => Promise.reject(new Error('no prompts in the matrix')),
  confirm: () => Promise.reject(new Error('no prompts in the matrix')),
  multiselect: () => Promise.reject(new Error('no prompts in the matrix')),
};

/** Flags as the command line gives them, by their option names (`runtimeVersion`, `port`...). */
export type FolderFlags = Partial<
  Record<'base' | 'debug' | 'entry' | 'port' | 'runtimeVersion' | 'javaRuntime' | 'buildTool', string> & Record<'healthcheck' | 'reproducible', true>
>;

/** A switch (`--healthcheck`) is given as true and passed alone. */
const argvFor = (dir: string, options: Record<string, string | true | undefined>) => [
  dir,
  '--yes',
  ...Object.entries(options).flatMap(([key, value]) => (value === true ? [flagOf(key)] : value === undefined ? [] : [flagOf(key), value])),
];

/** Detects a folder and resolves its answers in-process, exactly as `--yes` with these flags does; throws its errors. */
export async function answerFolder(dir: string, options: FolderFlags) {
  const flags = flagsFrom(argvFor(dir, options));
  const { facts } = await detectProject(new ProjectFiles(flags.dir));
  return { facts, answers: await resolveAnswers({ facts, flags, interactive: false, prompter: noPrompts }) };
}

/** The plan `--yes` with these flags makes of a folder (the planner's own warnings only); throws its errors. */
export const planOf = ({ facts, answers }: Awaited<ReturnType<typeof answerFolder>>) => buildPlan(facts, answers, '0.0.0-snapshot');

/** Runs the pipeline in-process on a folder, exactly as `--yes` with these flags does; throws its errors. */
export async function renderFolder(dir: string, options: { base: Base; debug: DebugMode } & CellFlags & Record<string, string | true | undefined>): Promise<Change[]> {
  const ignore = () => {};
  const { changes } = await generate({
    flags: flagsFrom(argvFor(dir, options)),
    interactive: false,
    prompter: noPrompts,
    generatorVersion: '0.0.0-snapshot',
    warn: ignore,
    note: ignore,
  });
  return changes;
}

/** The folder a cell runs in. */
export const cellFolder = (cell: Cell) => path.join(fixture(cell.fixture), cell.member ?? '');

/** Renders one cell in-process, exactly as `--yes --base B --debug D` does; throws its refusal. */
export const renderCell = (cell: Cell): Promise<Change[]> => renderFolder(cellFolder(cell), { base: cell.base, debug: cell.debug, ...cell.flags });

/** `fixture/base.debug`: how tests and the e2e table name a cell. */
export const cellName = (cell: Cell) => `${cell.fixture}/${cell.base}.${cell.debug}`;

export const snapshotPath = (cell: Cell) => `snapshots/${cell.language}/${cellName(cell)}.Dockerfile`;
