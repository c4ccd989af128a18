import { builtinModules } from 'node:module';
import semver from 'semver';
import JSON5 from 'json5';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { StagecraftError, projectError, refusal } from '../../errors.js';
import { ProjectFiles } from '../../project.js';
import { checkManifestShape, parseJsonManifest } from '../../core/manifest.js';
import { describeEvidence, fact, type Evidence, type Fact } from '../../core/facts.js';
import { globMatcher } from '../../core/glob.js';
import { leavesProject } from '../../core/plan-schema.js';
import { shippable, shippedList, type ShippedSources } from '../../core/run-files.js';
import { lineOf } from '../../core/text.js';
import { procfileProcesses } from '../../core/procfile.js';
import { exampleEnvPort } from '../../core/env-example.js';
import { detectCreatedFolders, type CreatedFolders } from './folders.js';
import { scanListening, sourceOf, type Listening } from './sources.js';
import { detectNodeSecrets, type NodeSecrets } from './secrets.js';
import { NODE_MANIFESTS } from './manifests.js';

/** Node majors with upstream support today, oldest first; the last even one is the current LTS. */
export const MAINTAINED_NODE_MAJORS = [22, 24, 26] as const;
export const LTS_NODE_MAJOR = 26;

export type PackageManager = 'npm' | 'yarn-classic' | 'yarn-berry' | 'pnpm' | 'bun';

/** Lockfiles and the package manager each one belongs to (yarn's flavour is decided separately). */
const LOCKFILES: { file: string; manager: PackageManager }[] = [
  { file: 'package-lock.json', manager: 'npm' },
  { file: 'npm-shrinkwrap.json', manager: 'npm' },
  { file: 'yarn.lock', manager: 'yarn-classic' },
  { file: 'pnpm-lock.yaml', manager: 'pnpm' },
  { file: 'bun.lock', manager: 'bun' },
  { file: 'bun.lockb', manager: 'bun' },
];

/** Dependencies that compile or download native code: build and final stages must share a libc. */
const NATIVE_PACKAGES = new Set([
  'bcrypt',
  'sharp',
  'better-sqlite3',
  'sqlite3',
  'canvas',
  'argon2',
  'node-pty',
  'bufferutil',
  'utf-8-validate',
  're2',
  'cpu-features',
  'ssh2',
  'leveldown',
  'zeromq',
  'kerberos',
  'node-sass',
  'farmhash',
  'microtime',
]);

export type Framework = 'next' | 'nest' | 'nuxt' | 'sveltekit' | 'astro' | 'remix' | 'express' | 'fastify' | 'koa' | 'hono' | null;

export interface NodeFacts {
  language: 'node';
  name: Fact<string>;
  packageManager: Fact<PackageManager>;
  /** The exact version from the `packageManager` field ("pnpm@9.12.0" -> "9.12.0"), if pinned. */
  packageManagerVersion: string | null;
  /** Without that pin, engines.pnpm / engines.yarn / engines.npm / engines.bun: the range the installed manager must satisfy. */
  packageManagerRange: Fact<string> | null;
  /** package.json, or pnpm's package.yaml or package.json5: installs read it, so the image copies it. */
  manifestFile: string;
  /** The lockfile the image installs from; null means installs are not reproducible. */
  lockfile: Fact<string | null>;
  /** A major, e.g. "22". */
  runtimeVersion: Fact<string>;
  /** A version file's moving alias ("node", "latest"), when that is where the major came from. */
  runtimeVersionAlias: Fact<string> | null;
  /** The command that builds the app: scripts.build, else a postinstall script (see buildIsPostinstall). */
  buildScript: Fact<string> | null;
  /**
   * The build is the root's postinstall script, with no build script beside it (the convention of
   * platforms whose install step builds the app, sources included): it runs after the sources are copied.
   */
  buildIsPostinstall: boolean;
  /** Where the build writes its output (tsconfig outDir, framework default). */
  outDir: Fact<string> | null;
  framework: Fact<Framework>;
  /** Next.js `output: 'standalone'`. */
  nextStandalone: Fact<boolean>;
  /**
   * The folder inside .next/standalone that holds server.js ("" or "apps/web"): the app's path from the
   * folder Next traces from; null without standalone output.
   */
  nextServerDir: Fact<string> | null;
  /** next.config.*, which `next start` reads at run time; null without one. */
  nextConfigFile: string | null;
  /** Next.js `distDir` from next.config, where `next build` writes instead of .next. */
  nextDistDir: Fact<string> | null;
  /** pnpm-lock.yaml's lockfileVersion ("6.0", "9.0"): which pnpm majors can install it. */
  pnpmLockfileVersion: Fact<string> | null;
  /** A workspace root's member manifests (packages/api/package.json): the install needs them before the sources. */
  workspaceManifests: string[];
  /** pnpm-workspace.yaml in the folder itself: pnpm reads its settings (allowBuilds, overrides) at install time. */
  hasPnpmWorkspaceFile: boolean;
  /** The real start command in exec form, without a package manager in front: `node`, the file, its arguments (node's own options are in nodeOptions). */
  start: Fact<string[]> | null;
  /** Node's own options the start command gives before the file (`-r dotenv/config`, `--enable-source-maps`): the image's command keeps them. */
  nodeOptions: Fact<string[]> | null;
  /** The modules those options load before the app (-r, --require, --import, --loader), each with where the image finds it. */
  preloads: Preload[];
  /** The files --env-file reads at start: usually secrets the build context leaves out. */
  envFiles: string[];
  /** Files outside the build output that the start command loads (a custom server.js), copied from the build stage. */
  runFiles: string[];
  /** Where the app listens: the start script's port, a framework server's, the sources', else 3000 with no evidence. */
  port: Fact<number>;
  /** False when nothing serves: no server package, no listen call in the sources, or a Procfile with workers only. */
  servesNetwork: Fact<boolean>;
  /**
   * Whether the app listens where PORT says: a framework's own server and the start script's PORT do, and
   * sources that read it; false only when every source the entry reaches was read, none reads PORT, and
   * the port is a listen call's (evidence: that call). Without a listen call to go by it is taken to.
   */
  readsPortEnv: Fact<boolean>;
  /**
   * Why the listen call binds a loopback address only, out of reach of a published port (null when it
   * does not): a host of localhost, 127.0.0.1 or ::1, or Fastify's listen() without one (its default).
   */
  listensOnLoopback: Fact<string | null>;
  /** Folders the app's code creates as it runs (`mkdirSync('uploads')`, or at a computed path). */
  createdFolders: CreatedFolders;
  /** A static site (Astro without a server adapter, a Vite or Angular SPA): the folder its build writes, and why it is one. */
  staticSite: Fact<{ outDir: string; reason: string }> | null;
  nativeModules: Fact<string[]>;
  hasDevDependencies: boolean;
  /** Production dependencies: without any, there is no node_modules to ship. */
  hasDependencies: boolean;
  /** Next.js serves `public/` as is; it ships beside the build when present. */
  hasPublicDir: boolean;
  /** Without a build step: the project's own files the final stage copies by name, or why it copies the whole context. */
  shippedSources: ShippedSources;
  /** Yarn Berry in Plug'n'Play mode (no node_modules): .yarnrc.yml's nodeLinker, Berry's default without one. */
  yarnPnp: Fact<boolean>;
  /** The start file is an ES module ("type": "module", or .mjs): under Plug'n'Play it needs Yarn's ESM loader too. */
  esm: boolean;
  /** `.yarn/releases` holds the Yarn binary the project pins (yarnPath). */
  hasYarnReleases: boolean;
  /** .yarnrc.yml, Yarn Berry's settings, which installs read (a Berry project may have none). */
  hasYarnrc: boolean;
  /** Set when the folder is a member of a workspace: the image is built from the workspace root. */
  workspace: Workspace | null;
  /** Credentials the installs need (a registry token in .npmrc), given as build secrets. */
  secrets: NodeSecrets;
}

/** A module node loads before the app, and where it comes from: a production dependency, only a devDependency, the app's own file, Node itself, or none of these. */
export interface Preload {
  option: string;
  module: string;
  source: 'dependency' | 'devDependency' | 'app' | 'builtin' | 'undeclared';
}

export interface Workspace {
  /** pnpm-workspace.yaml, or a package.json "workspaces" field (npm, Yarn). */
  tool: 'pnpm' | 'npm-or-yarn';
  /** The member's path from the workspace root, e.g. "packages/api". */
  memberPath: string;
  /** The member's package name, which pnpm's --filter selects. */
  packageName: string;
  /** Where pnpm-workspace.yaml says so. */
  evidence: Evidence;
  /** An npm, Yarn or bun workspace's member: what its root adds to the member's build; null in a pnpm workspace. */
  root: WorkspaceRoot | null;
}

/** What an npm, Yarn or bun workspace root adds to a member's build, which installs from the root's lockfile. */
export interface WorkspaceRoot {
  /** Every member's manifest from the root (packages/api/package.json): the root's install reads them all. */
  memberManifests: string[];
  /** The root's own dependencies and devDependencies, which an install narrowed to the member leaves out unless told. */
  dependencies: boolean;
  devDependencies: boolean;
  /** turbo.json at the root (Turborepo): the turbo the root's package.json asks for ("^2.5.4"; null if it names none). */
  turbo: Fact<string | null> | null;
  /**
   * The folders a build writes in the workspace packages the member depends on (through each other)
   * that build and load from there ("packages/logger/dist", from its build script and "main"): the
   * image needs them built.
   */
  builtDependencies: string[];
}

/** A valid npm package name, the only kind that may reach a `pnpm --filter` line. */
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** The nearest ancestor folder that declares a workspace, if any (never the folder itself). */
function findWorkspaceRoot(member: ProjectFiles): { root: ProjectFiles; tool: Workspace['tool'] } | null {
  return member.findUp((root) => {
    if (root.readTextIfUsable('pnpm-workspace.yaml') !== null) return { root, tool: 'pnpm' };
    if (/"workspaces"\s*:/.test(root.readTextIfUsable('package.json') ?? '')) return { root, tool: 'npm-or-yarn' };
    return null;
  });
}

/**
 * The globs of pnpm-workspace.yaml's `packages:` list ("packages/*", "!**\/test/**"), read line by
 * line; its other lists (onlyBuiltDependencies, ...) are settings, not members.
 */
function pnpmPackageGlobs(yaml: string): string[] {
  const globs: string[] = [];
  let inPackages = false;
  for (const raw of yaml.split('\n')) {
    const line = raw.trimEnd();
    // A key at the start of a line opens a list of its own.
    if (/^[^\s#-]/.test(line)) inPackages = /^packages:$/.test(line);
    const item = inPackages ? /^[ \t]*-[ \t]*["']?([^"'#]+?)["']?$/.exec(line) : null;
    if (item) globs.push(item[1]!);
  }
  return globs;
}

/** package.json "workspaces": an array of globs (npm, Yarn) or Yarn's `{ packages: [...] }`. */
const packageJsonGlobs = (pkg: PackageJson): string[] => (Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces?.packages ?? []));

/**
 * The member globs a workspace root above the project declares. Its package.json is parsed as JSON
 * (only the "workspaces" field counts); one that does not parse declares no member, as the folder
 * above is not the project's to refuse.
 */
function declaredGlobs(root: ProjectFiles, tool: Workspace['tool']): string[] {
  if (tool === 'pnpm') return pnpmPackageGlobs(root.readText('pnpm-workspace.yaml'));
  try {
    return packageJsonGlobs(readPackageJson(root).pkg);
  } catch (error) {
    if (error instanceof StagecraftError) return [];
    throw error;
  }
}

/** A test for member folders by workspace globs: one glob includes it and no `!` glob excludes it; null without any glob that includes. */
function memberMatcher(globs: string[]): ((folder: string) => boolean) | null {
  const included = globs.filter((glob) => !glob.startsWith('!')).map(globMatcher);
  if (included.length === 0) return null;
  const excluded = globs.filter((glob) => glob.startsWith('!')).map((glob) => globMatcher(glob.slice(1)));
  return (folder) => included.some((matches) => matches(folder)) && !excluded.some((matches) => matches(folder));
}

/** The package.json fields detection reads, with the types npm itself expects. */
const StringMap = z.record(z.string(), z.string());
const PackageJsonSchema = z.looseObject({
  name: z.string().optional(),
  main: z.string().optional(),
  type: z.string().optional(),
  scripts: StringMap.optional(),
  dependencies: StringMap.optional(),
  devDependencies: StringMap.optional(),
  engines: z
    .looseObject({ node: z.string().optional(), pnpm: z.string().optional(), yarn: z.string().optional(), npm: z.string().optional(), bun: z.string().optional() })
    .optional(),
  volta: z.looseObject({ node: z.string().optional() }).optional(),
  packageManager: z.string().optional(),
  workspaces: z.union([z.array(z.string()), z.looseObject({ packages: z.array(z.string()).optional() })]).optional(),
  imports: z.unknown().optional(),
});
type PackageJson = z.infer<typeof PackageJsonSchema>;

const DEFAULT_PORT = 3000;

/** The manifest's text parsed as its format says; a syntax error names the file and, where the parser knows it, the line. */
function parseManifest(text: string, file: string): unknown {
  if (file === 'package.json') return parseJsonManifest(text, file);
  try {
    return file === 'package.yaml' ? parseYaml(text) : JSON5.parse(text);
  } catch (error) {
    const line = (error as { linePos?: { line: number }[]; lineNumber?: number }).linePos?.[0]?.line ?? (error as { lineNumber?: number }).lineNumber;
    throw projectError(
      `${file}${line ? `:${line}` : ''}: not valid ${file === 'package.yaml' ? 'YAML' : 'JSON5'} (${(error as Error).message.split('\n')[0]!.replace(/ at line \d+.*$/, '')})`,
    );
  }
}

/** The manifest parsed, with its name and text kept for the line numbers of evidence. */
function readPackageJson(project: ProjectFiles): { pkg: PackageJson; text: string; file: string } {
  const file = NODE_MANIFESTS.find((candidate) => project.hasFile(candidate)) ?? 'package.json';
  const text = project.readText(file);
  const parsed = parseManifest(text, file);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw projectError(`${file}: not ${file === 'package.json' ? 'a JSON object' : 'an object of fields'}`);
  return { pkg: checkManifestShape(PackageJsonSchema, parsed, file), text, file };
}

/** Where a field's key is in the manifest: `"start"` in JSON, `start:` (quoted or not) in YAML and JSON5. */
function keyLine(text: string, file: string, needle: string): number | undefined {
  if (file === 'package.json') return lineOf(text, needle);
  const key = needle.replace(/^"|"$/g, '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return lineOf(text, new RegExp(`(?<![\\w$-])["']?${key}["']?\\s*:`));
}

/** nvm's names for the LTS lines (`lts/iron`), each its major. */
const LTS_CODENAMES: Record<string, number> = {
  argon: 4,
  boron: 6,
  carbon: 8,
  dubnium: 10,
  erbium: 12,
  fermium: 14,
  gallium: 16,
  hydrogen: 18,
  iron: 20,
  jod: 22,
  krypton: 24,
};

/** Aliases for whatever Node is newest when the file is read: they move under a rebuild. */
const MOVING_ALIASES = /^(node|latest|current|stable)$/i;

/** The newest maintained major a semver range allows; a bare major is taken as is; nvm's aliases (lts/*, lts/iron, node) are resolved. */
export function nodeMajorFor(spec: string): string | null {
  const cleaned = spec.trim().replace(/^v/, '');
  if (/^lts(\/\*)?$/i.test(cleaned)) return String(LTS_NODE_MAJOR);
  const codename = /^lts\/([a-z]+)$/i.exec(cleaned)?.[1]?.toLowerCase();
  if (codename) return codename in LTS_CODENAMES ? String(LTS_CODENAMES[codename]) : null;
  if (MOVING_ALIASES.test(cleaned)) return String(MAINTAINED_NODE_MAJORS.at(-1));
  if (/^\d+(\.\d+){0,2}$/.test(cleaned)) return cleaned.split('.')[0]!;
  if (!semver.validRange(cleaned)) return null;
  const maintained = [...MAINTAINED_NODE_MAJORS].reverse().find((major) => semver.satisfies(`${major}.99.0`, cleaned) || semver.intersects(`^${major}.0.0`, cleaned));
  if (maintained) return String(maintained);
  const minimum = semver.minVersion(cleaned);
  return minimum ? String(minimum.major) : null;
}

/** The Node a version file names: .nvmrc, .node-version (first line that is not a comment), mise.toml's [tools], .tool-versions. */
function versionFileSpec(project: ProjectFiles): { spec: string; evidence: Evidence } | null {
  for (const file of ['.nvmrc', '.node-version', 'mise.toml', '.mise.toml', '.tool-versions']) {
    if (!project.hasFile(file)) continue;
    let section = '';
    const lines = project.readText(file).split('\n');
    for (const [index, line] of lines.entries()) {
      const text = line.replace(/#.*$/, '').trim();
      if (!text) continue;
      if (file === '.nvmrc' || file === '.node-version') return { spec: text, evidence: { file } };
      if (file === '.tool-versions') {
        const entry = /^(?:nodejs|node)\s+(\S+)/.exec(text);
        if (entry) return { spec: entry[1]!, evidence: { file, line: index + 1 } };
        continue;
      }
      section = /^\[(.+)\]$/.exec(text)?.[1]?.trim() ?? section;
      // mise.toml: `node = "22"`, `node = ["22", "20"]` (the first is the default) or `node = { version = "22" }`.
      const entry = section === 'tools' ? /^["']?(?:nodejs|node)["']?\s*=\s*(?:\[\s*|\{\s*version\s*=\s*)?["']([^"']+)["']/.exec(text) : null;
      if (entry) return { spec: entry[1]!, evidence: { file, line: index + 1 } };
    }
  }
  return null;
}

/** "node", "latest", "current" in a version file: the Node it names moves with every release. */
export function movingVersionAlias(project: ProjectFiles): Fact<string> | null {
  const found = versionFileSpec(project);
  return found && MOVING_ALIASES.test(found.spec) ? fact(found.spec, found.evidence) : null;
}

function detectRuntimeVersion(project: ProjectFiles, pkg: PackageJson, pkgText: string, pkgFile: string): Fact<string> {
  const versionFile = versionFileSpec(project);
  if (versionFile) {
    const major = nodeMajorFor(versionFile.spec);
    if (!major) throw projectError(`${describeEvidence(versionFile.evidence)}: "${versionFile.spec}" is not a Node version`);
    return fact(major, versionFile.evidence);
  }
  const engines = pkg.engines?.node ?? null;
  if (engines) {
    const major = nodeMajorFor(engines);
    if (!major) throw projectError(`${pkgFile}: engines.node "${engines}" is not a semver range`);
    return fact(major, { file: pkgFile, line: keyLine(pkgText, pkgFile, '"engines"') });
  }
  const volta = pkg.volta?.node ?? null;
  if (volta) {
    const major = nodeMajorFor(volta);
    if (major) return fact(major, { file: pkgFile, line: keyLine(pkgText, pkgFile, '"volta"') });
  }
  return fact(String(LTS_NODE_MAJOR), null);
}

type ManagerFacts = Pick<NodeFacts, 'packageManager' | 'packageManagerVersion' | 'packageManagerRange' | 'lockfile'>;

/** engines.pnpm / engines.yarn / engines.npm / engines.bun: the range the manager must satisfy, when packageManager does not pin it. */
function enginesRange(source: ManagerSource, manager: PackageManager): Fact<string> | null {
  const name = manager.replace(/^yarn-.*/, 'yarn');
  const range = source.pkg.engines?.[name];
  return typeof range === 'string' && semver.validRange(range) ? fact(range, { file: source.file, line: keyLine(source.text, source.file, '"engines"') }) : null;
}

function detectPackageManager(source: ManagerSource): ManagerFacts {
  const { files: project, pkg, file } = source;
  const declared = pkg.packageManager ?? null;
  const declaredMatch = declared ? /^(npm|yarn|pnpm|bun)@(\d{1,6}\.\d{1,6}\.\d{1,6}(?:-[0-9A-Za-z.]+)?)(\+[0-9A-Za-z.]+)?$/.exec(declared) : null;
  if (declared && !declaredMatch) throw projectError(`${file}: packageManager "${declared}" is not name@version`);
  const present = LOCKFILES.filter(({ file: lockfile }) => project.hasFile(lockfile));
  // Yarn 2+ (Berry) by the version packageManager pins, the lowest engines.yarn allows, or its .yarnrc.yml.
  const yarnEngines = typeof pkg.engines?.yarn === 'string' && semver.validRange(pkg.engines.yarn) ? semver.minVersion(pkg.engines.yarn) : null;
  const yarnFlavour = (version: string | null): PackageManager =>
    (version ? semver.coerce(version)!.major >= 2 : (yarnEngines?.major ?? 0) >= 2) || project.hasFile('.yarnrc.yml') ? 'yarn-berry' : 'yarn-classic';

  if (declaredMatch) {
    const [, name, version] = declaredMatch;
    const manager: PackageManager = name === 'yarn' ? yarnFlavour(version!) : (name as PackageManager);
    const lock = present.find((candidate) => candidate.manager === manager || (name === 'yarn' && candidate.file === 'yarn.lock'));
    return {
      packageManager: fact(manager, { file }),
      packageManagerVersion: version!,
      packageManagerRange: null,
      lockfile: lock ? fact(lock.file, { file: lock.file }) : fact(null, null),
    };
  }
  const managers = [...new Set(present.map((lock) => lock.manager))];
  if (managers.length > 1) {
    throw projectError(`several lockfiles (${present.map((lock) => lock.file).join(', ')}): set "packageManager" in ${file}, or delete the stale ones`);
  }
  if (present.length === 0) {
    // package.yaml and package.json5 are pnpm's own: no other manager reads them.
    const manager: PackageManager = file === 'package.json' ? 'npm' : 'pnpm';
    return {
      packageManager: fact(manager, file === 'package.json' ? null : { file }),
      packageManagerVersion: null,
      packageManagerRange: enginesRange(source, manager),
      lockfile: fact(null, null),
    };
  }
  const lock = present[0]!;
  const manager = lock.manager === 'yarn-classic' ? yarnFlavour(null) : lock.manager;
  return {
    packageManager: fact(manager, { file: lock.file }),
    packageManagerVersion: null,
    packageManagerRange: enginesRange(source, manager),
    lockfile: fact(lock.file, { file: lock.file }),
  };
}

const FRAMEWORK_PACKAGES: [Exclude<Framework, null>, string][] = [
  ['next', 'next'],
  ['nest', '@nestjs/core'],
  ['nuxt', 'nuxt'],
  ['sveltekit', '@sveltejs/kit'],
  ['astro', 'astro'],
  ['remix', '@remix-run/node'],
  ['express', 'express'],
  ['fastify', 'fastify'],
  ['koa', 'koa'],
  ['hono', 'hono'],
];

/** Where each framework's production server starts, when it is a plain file node can run. */
const FRAMEWORK_ENTRIES: Partial<Record<Exclude<Framework, null>, { start: string; outDir: string }>> = {
  nest: { start: 'dist/main.js', outDir: 'dist' },
  nuxt: { start: '.output/server/index.mjs', outDir: '.output' },
  sveltekit: { start: 'build/index.js', outDir: 'build' },
  astro: { start: 'dist/server/entry.mjs', outDir: 'dist' },
};

/** Reads `compilerOptions.outDir` from tsconfig.json (JSON with comments and trailing commas). */
function tsconfigOutDir(project: ProjectFiles): Fact<string> | null {
  if (!project.hasFile('tsconfig.json')) return null;
  const text = project.readText('tsconfig.json');
  const match = /"outDir"\s*:\s*"([^"]+)"/.exec(text.replace(/\/\*[\s\S]*?\*\/|^[ \t]*\/\/.*$/gm, ''));
  if (!match) return null;
  return fact(match[1]!.replace(/^\.\//, '').replace(/\/+$/, ''), { file: 'tsconfig.json', line: lineOf(text, '"outDir"') });
}

/**
 * `npm run build && node dist/server.js`: a start script that builds first, then starts. The image's
 * build stage runs the build script already, so the start is what follows; only the build script
 * itself counts as that step (by name through a package manager, or its own text, `tsc`).
 */
function withoutBuildFirst(script: string, buildScript: string | undefined): string {
  const steps = script.split('&&').map((step) => step.trim());
  if (buildScript === undefined || steps.length < 2) return script;
  const runsBuild = (step: string) => /^(?:(?:npm|pnpm|yarn|bun) run build|(?:pnpm|yarn|bun) build)$/.test(step) || step === buildScript.trim();
  return steps.slice(0, -1).every(runsBuild) ? steps.at(-1)! : script;
}

/**
 * Turns a start script into the command it really runs, so the image runs node directly
 * (no npm in between: it would not forward signals, and it is one more process).
 */
export function startCommandFrom(script: string, buildScript?: string): string[] | null {
  // Leading VAR=value assignments are dropped here; the port among them is read separately.
  const words = withoutBuildFirst(script, buildScript)
    .trim()
    .split(/\s+/)
    .filter((word) => !/^[A-Z_][A-Z0-9_]*=/.test(word));
  // Anything beyond plain words (quotes, $, ;, &&, redirections) is shell, not a command node can be given.
  if (words.some((word) => !/^[A-Za-z0-9._@/=:-]+$/.test(word))) return null;
  if (words[0] === 'node' && words.length >= 2) return words;
  // Framework CLIs run through their JavaScript entry, so node itself gets the stop signal (from tini).
  const serverBins: Record<string, string> = {
    'remix-serve': 'node_modules/@remix-run/serve/dist/cli.js',
    'react-router-serve': 'node_modules/@react-router/serve/dist/cli.js',
  };
  if (words[0] === 'next' && words[1] === 'start') return ['node', 'node_modules/next/dist/bin/next', ...words.slice(1)];
  if (words[0]! in serverBins && words.length >= 2) return ['node', serverBins[words[0]!]!, ...words.slice(1)];
  return null;
}

/**
 * Node's options that take their value as the next word when written without "=" (node --help's
 * `--option=...`); V8's own options (--max-old-space-size) take theirs only after "=".
 */
const NODE_OPTIONS_WITH_VALUE = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '--env-file',
  '--env-file-if-exists',
  '-C',
  '--conditions',
  '--allow-fs-read',
  '--allow-fs-write',
  '--cpu-prof-dir',
  '--cpu-prof-interval',
  '--cpu-prof-name',
  '--diagnostic-dir',
  '--disable-proto',
  '--disable-warning',
  '--dns-result-order',
  '--experimental-default-type',
  '--experimental-policy',
  '--heap-prof-dir',
  '--heap-prof-interval',
  '--heap-prof-name',
  '--heapsnapshot-near-heap-limit',
  '--heapsnapshot-signal',
  '--icu-data-dir',
  '--input-type',
  '--inspect-port',
  '--debug-port',
  '--inspect-publish-uid',
  '--localstorage-file',
  '--max-http-header-size',
  '--openssl-config',
  '--policy-integrity',
  '--redirect-warnings',
  '--report-dir',
  '--report-directory',
  '--report-filename',
  '--report-signal',
  '--secure-heap',
  '--secure-heap-min',
  '--snapshot-blob',
  '--title',
  '--tls-cipher-list',
  '--tls-keylog',
  '--trace-event-categories',
  '--trace-event-file-pattern',
  '--unhandled-rejections',
  '--use-largepages',
  '--watch-path',
]);

/** Options whose value is a module node loads before the app. */
const PRELOAD_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader']);

/** Options with which node runs no file of the app: code given on the command line, the REPL, the test runner, a syntax check. */
const NODE_OPTIONS_WITHOUT_FILE = new Set([
  '-e',
  '--eval',
  '-p',
  '--print',
  '-c',
  '--check',
  '-i',
  '--interactive',
  '-v',
  '--version',
  '-h',
  '--help',
  '--test',
  '--run',
  '--v8-options',
]);

/** One of node's options: its name, its value (after "=" or as the next word) if it takes one, and its words as written. */
interface NodeOption {
  name: string;
  value: string | null;
  words: string[];
}

/**
 * `node -r dotenv/config dist/index.js` split into node's options and the rest (the file and its
 * arguments), an option's value never taken for the file; null when node would run no file (`node -e`,
 * `node --test`) or none follows the options.
 */
export function splitNodeOptions(command: string[]): { options: NodeOption[]; rest: string[] } | null {
  const options: NodeOption[] = [];
  let index = 1;
  while (index < command.length && command[index]!.startsWith('-')) {
    const word = command[index]!;
    const equals = word.indexOf('=');
    const name = equals === -1 ? word : word.slice(0, equals);
    if (NODE_OPTIONS_WITHOUT_FILE.has(name)) return null;
    if (equals !== -1) options.push({ name, value: word.slice(equals + 1), words: [word] });
    else if (NODE_OPTIONS_WITH_VALUE.has(name) && index + 1 < command.length) options.push({ name, value: command[index + 1]!, words: [word, command[++index]!] });
    else options.push({ name, value: null, words: [word] });
    index++;
  }
  if (index >= command.length) return null;
  return { options, rest: command.slice(index) };
}

/** The package a module specifier names (`dotenv/config` -> dotenv, `@scope/pkg/register` -> @scope/pkg). */
const packageOf = (specifier: string) => /^(@[^/]+\/[^/]+|[^/]+)/.exec(specifier)![1]!;

/** Where a preloaded module comes from at run time. */
function preloadSource(specifier: string, manifest: Manifest): Preload['source'] {
  if (/^\.{0,2}\//.test(specifier)) return 'app';
  if (specifier.startsWith('node:') || builtinModules.includes(packageOf(specifier))) return 'builtin';
  const name = packageOf(specifier);
  if (manifest.dependencies.includes(name)) return 'dependency';
  return manifest.devDependencies.includes(name) ? 'devDependency' : 'undeclared';
}

function portFrom(script: string | null): number | null {
  if (!script) return null;
  const match = /(?:^|\s)PORT=(\d{2,5})\b|(?:^|\s)(?:-p|--port)[ =](\d{2,5})\b/.exec(script);
  const port = match ? Number(match[1] ?? match[2]) : null;
  return port !== null && port >= 1 && port <= 65535 ? port : null;
}

/** A workspace member without its own version file inherits the root's (.nvmrc usually lives there). */
function memberOrRootVersion(member: Fact<string>, root: ManagerSource): Fact<string> {
  if (member.evidence || !root.prefix) return member;
  const fromRoot = detectRuntimeVersion(root.files, root.pkg, root.text, root.file);
  return fromRoot.evidence ? fact(fromRoot.value, { ...fromRoot.evidence, file: `${root.prefix}${fromRoot.evidence.file}` }) : member;
}

/** Evidence found at the workspace root, named from the member folder ("../../pnpm-lock.yaml"). */
function withPrefixedEvidence(found: ManagerFacts, prefix: string): ManagerFacts {
  if (!prefix) return found;
  const move = <T>(item: Fact<T>): Fact<T> => (item.evidence ? fact(item.value, { ...item.evidence, file: `${prefix}${item.evidence.file}` }) : item);
  return {
    ...found,
    packageManager: move(found.packageManager),
    packageManagerRange: found.packageManagerRange && move(found.packageManagerRange),
    lockfile: move(found.lockfile),
  };
}

/** Yarn 2+ defaults to Plug'n'Play unless .yarnrc.yml sets another nodeLinker. */
function detectYarnPnp(project: ProjectFiles, manager: Fact<PackageManager>): Fact<boolean> {
  if (manager.value !== 'yarn-berry') return fact(false, null);
  // Without .yarnrc.yml, Berry's default linker is Plug'n'Play.
  if (!project.hasFile('.yarnrc.yml')) return fact(true, manager.evidence);
  const text = project.readText('.yarnrc.yml');
  const linker = /^nodeLinker:\s*["']?([\w-]+)/m.exec(text);
  return fact(!linker || linker[1] === 'pnp', { file: '.yarnrc.yml', line: linker ? lineOf(text, linker[0]) : undefined });
}

/**
 * Whether the install runs over a whole workspace: at its root, or for a member built from its npm, Yarn
 * or bun workspace root. It links the members and installs their dependencies, whatever this manifest
 * lists, and copies the workspace's install files (.yarnrc.yml too) with it.
 */
export const installsWorkspace = (facts: Pick<NodeFacts, 'workspaceManifests' | 'workspace'>) => facts.workspaceManifests.length > 0 || facts.workspace?.root != null;

/** package.json as the detection steps read it: its fields, its dependency names, and evidence pointing at its lines. */
interface Manifest {
  pkg: PackageJson;
  text: string;
  /** package.json, or pnpm's package.yaml or package.json5. */
  file: string;
  dependencies: string[];
  devDependencies: string[];
  /** Dependencies and devDependencies together. */
  all: Set<string>;
  evidence(needle: string): Evidence;
}

export function readManifest(project: ProjectFiles): Manifest {
  const { pkg, text, file } = readPackageJson(project);
  const dependencies = Object.keys(pkg.dependencies ?? {});
  const devDependencies = Object.keys(pkg.devDependencies ?? {});
  return {
    pkg,
    text,
    dependencies,
    devDependencies,
    all: new Set([...dependencies, ...devDependencies]),
    file,
    evidence: (needle) => ({ file, line: keyLine(text, file, needle) }),
  };
}

/** Where the lockfile and the packageManager field are read: the folder itself, or its workspace root. */
interface ManagerSource {
  files: ProjectFiles;
  pkg: PackageJson;
  /** The way from the folder to `files` ("../../"), empty for the folder itself. */
  prefix: string;
  text: string;
  /** The manifest's name: package.json, package.yaml or package.json5. */
  file: string;
}

/** The workspace the folder is a member of, if any; in one, the lockfile and packageManager live at the root. */
function detectWorkspace(project: ProjectFiles, manifest: Manifest): { workspace: Workspace | null; managerSource: ManagerSource } {
  const { pkg } = manifest;
  const itself: ManagerSource = { files: project, pkg, prefix: '', text: manifest.text, file: manifest.file };
  const found = project.hasFile('pnpm-workspace.yaml') || pkg.workspaces !== undefined ? null : findWorkspaceRoot(project);
  if (!found) return { workspace: null, managerSource: itself };
  const rootFiles = found.root;
  const memberPath = project.pathFrom(rootFiles);
  const prefix = `${rootFiles.pathFrom(project)}/`;
  const declaration = found.tool === 'pnpm' ? 'pnpm-workspace.yaml' : 'package.json';
  if (!memberMatcher(declaredGlobs(rootFiles, found.tool))?.(memberPath)) return { workspace: null, managerSource: itself };
  const packageName = pkg.name ?? null;
  if (!packageName || !PACKAGE_NAME.test(packageName)) {
    const selector = found.tool === 'pnpm' ? 'pnpm --filter' : 'the install narrowed to it';
    throw projectError(`package.json: a ${found.tool === 'pnpm' ? 'pnpm ' : ''}workspace member needs a valid "name" for ${selector} (got ${JSON.stringify(pkg.name ?? null)})`);
  }
  const rootManifest = readPackageJson(rootFiles);
  return {
    workspace: {
      tool: found.tool,
      memberPath,
      packageName,
      evidence: { file: `${prefix}${declaration}` },
      root: found.tool === 'pnpm' ? null : workspaceRootOf(rootFiles, rootManifest.pkg, prefix, pkg),
    },
    managerSource: { files: rootFiles, prefix, ...rootManifest },
  };
}

/**
 * The build output folders of the workspace packages a member needs at run time (its dependencies,
 * and theirs): each one with a build script whose "main" lies in a folder. A member whose manifest
 * does not parse is passed over here; its own run says why.
 */
function builtDependencies(root: ProjectFiles, manifests: string[], member: PackageJson): string[] {
  const packages = new Map<string, { folder: string; pkg: PackageJson }>();
  for (const manifest of manifests) {
    const folder = manifest.slice(0, -'/package.json'.length);
    try {
      const { pkg } = readPackageJson(new ProjectFiles(`${root.root}/${folder}`));
      if (pkg.name) packages.set(pkg.name, { folder, pkg });
    } catch (error) {
      if (!(error instanceof StagecraftError)) throw error;
    }
  }
  const outputs: string[] = [];
  const seen = new Set<string>();
  const queue = Object.keys(member.dependencies ?? {});
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const found = packages.get(name);
    if (!found || seen.has(name)) continue;
    seen.add(name);
    queue.push(...Object.keys(found.pkg.dependencies ?? {}));
    const mainFolder = /^(?:\.\/)?([^/]+)\/./.exec(found.pkg.main ?? '')?.[1];
    if (found.pkg.scripts?.build && mainFolder && mainFolder !== '..') outputs.push(`${found.folder}/${mainFolder}`);
  }
  return outputs.sort();
}

/** What an npm, Yarn or bun workspace root adds to a member's build: its members, its own dependencies, Turborepo. */
function workspaceRootOf(root: ProjectFiles, pkg: PackageJson, prefix: string, member: PackageJson): WorkspaceRoot {
  const turboRange = pkg.devDependencies?.turbo ?? pkg.dependencies?.turbo ?? null;
  const memberManifests = detectWorkspaceManifests(root, pkg);
  return {
    memberManifests,
    builtDependencies: builtDependencies(root, memberManifests, member),
    dependencies: Object.keys(pkg.dependencies ?? {}).length > 0,
    devDependencies: Object.keys(pkg.devDependencies ?? {}).length > 0,
    turbo: root.hasFile('turbo.json') ? fact(turboRange, { file: `${prefix}turbo.json` }) : null,
  };
}

/** `outputFileTracingRoot: path.join(__dirname, '../..')` and its spellings: the path from next.config's folder, or null for another expression. */
const TRACING_ROOT = /outputFileTracingRoot\s*:\s*(?:(?:path\.)?(?:join|resolve)\(\s*__dirname\s*((?:,\s*['"][./]*['"]\s*)*)\)|(__dirname|process\.cwd\(\)))/;

/**
 * Where `next build` puts server.js inside .next/standalone: below the app's path from the folder it
 * traces from. That folder is outputFileTracingRoot where next.config sets it; else, from Next 13.2, the
 * folder of the outermost lockfile (a workspace's root, so apps/web/server.js), and the app's own before.
 */
function standaloneServerDir(manifest: Manifest, workspace: Workspace | null, configFile: string, configText: string): Fact<string> {
  const explicit = TRACING_ROOT.exec(configText);
  if (explicit) {
    const evidence = { file: configFile, line: lineOf(configText, explicit[0]) };
    if (explicit[2]) return fact('', evidence);
    // Each ".." climbs one folder of the app's path in the build stage (/app/<member>): what is left below that root is its path from there.
    const climbs = (explicit[1] ?? '')
      .split(',')
      .map((part) => part.trim().replace(/^['"]|['"]$/g, ''))
      .flatMap((part) => part.split('/'))
      .filter((step) => step === '..').length;
    const folders = ['app', ...(workspace ? workspace.memberPath.split('/') : [])];
    return fact(folders.slice(Math.max(folders.length - climbs, 0)).join('/'), evidence);
  }
  const range = semver.validRange(manifest.pkg.dependencies?.next ?? manifest.pkg.devDependencies?.next ?? '');
  const tracesFromLockfile = range === null || semver.gte(semver.minVersion(range) ?? '13.2.0', '13.2.0');
  return fact(workspace && tracesFromLockfile ? workspace.memberPath : '', manifest.evidence('"next"'));
}

/** The framework, and what it implies: Next's standalone output, the server file and output folder it builds. */
function detectFramework(project: ProjectFiles, manifest: Manifest, workspace: Workspace | null) {
  const frameworkEntry = FRAMEWORK_PACKAGES.find(([, dependency]) => manifest.all.has(dependency));
  const framework: Fact<Framework> = frameworkEntry ? fact(frameworkEntry[0], manifest.evidence(`"${frameworkEntry[1]}"`)) : fact(null, null);

  const nextConfig = ['next.config.js', 'next.config.mjs', 'next.config.ts', 'next.config.cjs'].find((file) => project.hasFile(file));
  const nextConfigText = nextConfig ? project.readText(nextConfig) : '';
  const standalone = /output\s*:\s*['"]standalone['"]/.exec(nextConfigText);
  const nextStandalone = nextConfig && standalone ? fact(true, { file: nextConfig, line: lineOf(nextConfigText, standalone[0]) }) : fact(false, null);
  const nextServerDir = nextConfig && standalone ? standaloneServerDir(manifest, workspace, nextConfig, nextConfigText) : null;
  const distDir = /distDir\s*:\s*['"]\.?\/?([A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*)\/?['"]/.exec(nextConfigText);
  const nextDistDir = nextConfig && distDir ? fact(distDir[1]!, { file: nextConfig, line: lineOf(nextConfigText, distDir[0]) }) : null;

  // SvelteKit and Astro only build a node server with their node adapter; otherwise there is no such file.
  const adapters: Partial<Record<Exclude<Framework, null>, string>> = { sveltekit: '@sveltejs/adapter-node', astro: '@astrojs/node' };
  const adapter = framework.value ? adapters[framework.value] : undefined;
  const defaults = framework.value && (!adapter || manifest.all.has(adapter)) ? FRAMEWORK_ENTRIES[framework.value] : undefined;
  return { framework, nextStandalone, nextServerDir, nextConfigFile: nextConfig ?? null, nextDistDir, defaults };
}

/** Scripts that start the app, the one named for production first (`start:prod`, Nest's and many TypeScript starters' compiled start). */
const START_SCRIPTS = ['start:prod', 'start:production', 'start'];

/** The command that starts the app and where it is written: a Procfile `web:` process (what a platform runs), else the start script. */
function startScriptOf(project: ProjectFiles, manifest: Manifest): { script: string; evidence: Evidence } | null {
  const web = procfileProcesses(project).find((process) => process.name === 'web');
  // `web: npm start` defers to the start script.
  if (web && !/^(npm|yarn|pnpm|bun)( run)? start$/.test(web.command.trim())) return { script: web.command, evidence: web.evidence };
  const name = START_SCRIPTS.find((script) => manifest.pkg.scripts?.[script] !== undefined);
  return name ? { script: manifest.pkg.scripts![name]!, evidence: manifest.evidence(`"${name}"`) } : null;
}

/** What the image runs: the framework's server, then the start command, main, and a server.js or index.js (or the .js tsc writes beside server.ts). */
function detectStart(
  project: ProjectFiles,
  manifest: Manifest,
  found: ReturnType<typeof detectFramework>,
  outDir: Fact<string> | null,
  startScript: ReturnType<typeof startScriptOf>,
): { start: Fact<string[]> | null; options: NodeOption[] } {
  const { framework, nextStandalone, nextServerDir, defaults } = found;
  const none: NodeOption[] = [];
  if (framework.value === 'next' && nextServerDir) {
    return { start: fact(['node', nextServerDir.value ? `${nextServerDir.value}/server.js` : 'server.js'], nextStandalone.evidence), options: none };
  }
  const command = startScript ? startCommandFrom(startScript.script, manifest.pkg.scripts?.build) : null;
  // A start script that runs a file of its own (an Express server in front of SvelteKit's handler) starts that, not the framework's server.
  const ownServer = command !== null && command[0] === 'node' && command.some((word) => /\.[cm]?js$/.test(word) && word !== defaults?.start);
  if (defaults && !ownServer) return { start: fact(['node', defaults.start], framework.evidence), options: none };
  if (command) {
    // Node's options go to nodeOptions; a command with no file after them stays whole, for the rule that refuses it.
    const split = command[0] === 'node' ? splitNodeOptions(command) : null;
    return { start: fact(split ? ['node', ...split.rest] : command, startScript!.evidence), options: split?.options ?? none };
  }
  const main = manifest.pkg.main ?? null;
  // A main outside the project is kept for the plan to refuse with its reason, not passed over for a server.js.
  if (main && (leavesProject(main) || project.hasFile(main) || outDir)) return { start: fact(['node', main], manifest.evidence('"main"')), options: none };
  const file = ['server.js', 'index.js'].find((candidate) => project.hasFile(candidate));
  if (file) return { start: fact(['node', file], { file }), options: none };
  // tsc without outDir writes each .js beside its .ts.
  const compiled = !outDir && /\btsc\b/.test(manifest.pkg.scripts?.build ?? '') ? ['server.ts', 'index.ts'].find((candidate) => project.hasFile(candidate)) : undefined;
  return { start: compiled ? fact(['node', compiled.replace(/\.ts$/, '.js')], { file: compiled }) : null, options: none };
}

/** Packages that serve a network protocol themselves: an app that depends on one listens. */
const SERVER_PACKAGES = new Set([
  'express',
  'fastify',
  'koa',
  'hono',
  '@hono/node-server',
  '@nestjs/core',
  'next',
  'nuxt',
  '@sveltejs/adapter-node',
  '@astrojs/node',
  '@remix-run/serve',
  '@remix-run/express',
  '@react-router/serve',
  '@react-router/express',
  'socket.io',
  'ws',
  'restify',
  '@hapi/hapi',
  'polka',
  'micro',
  'h3',
  '@apollo/server',
  'apollo-server',
  'apollo-server-express',
  'graphql-yoga',
  'connect',
  'json-server',
  '@grpc/grpc-js',
  'elysia',
]);

/** The port each framework's own production server listens on when PORT is not set (each one's server reads PORT). */
const FRAMEWORK_PORTS: Partial<Record<Exclude<Framework, null>, number>> = { next: 3000, nuxt: 3000, sveltekit: 3000, remix: 3000, astro: 4321 };

/** astro.config.* and its text, if there is one. */
function astroConfig(project: ProjectFiles): { file: string; text: string } | null {
  const file = ['astro.config.mjs', 'astro.config.ts', 'astro.config.js', 'astro.config.mts', 'astro.config.cjs'].find((candidate) => project.hasFile(candidate));
  return file ? { file, text: project.readText(file) } : null;
}

/** The port a framework's own server listens on: Astro's server.port in astro.config, else the framework's default. */
function frameworkPort(project: ProjectFiles, framework: Fact<Framework>): Fact<number> | null {
  const port = framework.value ? FRAMEWORK_PORTS[framework.value] : undefined;
  if (port === undefined) return null;
  const config = framework.value === 'astro' ? astroConfig(project) : null;
  const configured = config ? /\bserver\s*:\s*\{[^}]*?\bport\s*:\s*(\d{2,5})\b/.exec(config.text) : null;
  if (config && configured && Number(configured[1]) <= 65535) return fact(Number(configured[1]), { file: config.file, line: lineOf(config.text, configured[0]) });
  return fact(port, framework.evidence);
}

/**
 * Where the app listens, and whether it does: a port in the start command, a framework's own server,
 * the sources (listen calls and PORT fallbacks), else the usual 3000. Nothing listens with a Procfile
 * of workers only, or without a server package and without a listen call in the sources read.
 */
function detectNetwork(
  project: ProjectFiles,
  manifest: Manifest,
  found: ReturnType<typeof detectFramework>,
  start: Fact<string[]> | null,
  startScript: ReturnType<typeof startScriptOf>,
  listening: Listening & { entry: string | null },
): Pick<NodeFacts, 'port' | 'servesNetwork' | 'readsPortEnv' | 'listensOnLoopback'> {
  const { framework } = found;
  const processes = procfileProcesses(project);
  const worker = processes.find((process) => process.name === 'worker');
  if (worker && !processes.some((process) => process.name === 'web'))
    return { port: fact(DEFAULT_PORT, null), servesNetwork: fact(false, worker.evidence), readsPortEnv: fact(false, worker.evidence), listensOnLoopback: fact(null, null) };
  const server = manifest.dependencies.find((dependency) => SERVER_PACKAGES.has(dependency));
  const serverEvidence = server ? manifest.evidence(`"${server}"`) : (listening.listenCall ?? (framework.value ? framework.evidence : null));
  const scriptPort = startScript ? portFrom(startScript.script) : null;
  // A framework's own server: its node adapter's file, Next's standalone server.js, or its CLI (next start, remix-serve).
  const runsFrameworkServer = start !== null && (found.defaults !== undefined || found.nextStandalone.value || start.value[1]!.startsWith('node_modules/'));
  const port =
    (scriptPort ? fact(scriptPort, startScript!.evidence) : null) ??
    (runsFrameworkServer ? (frameworkPort(project, framework) ?? (start.value[1]!.startsWith('node_modules/') ? fact(DEFAULT_PORT, start.evidence) : null)) : null) ??
    listening.port ??
    frameworkPort(project, framework) ??
    // Sources that name no port (envalid's port() with no default): the one the example env file gives PORT.
    exampleEnvPort(project) ??
    fact(DEFAULT_PORT, null);
  // The servers of FRAMEWORK_PORTS' frameworks read PORT themselves (Nest, by contrast, listens where the app's code says).
  const frameworkReadsPort = runsFrameworkServer && framework.value !== null && FRAMEWORK_PORTS[framework.value] !== undefined;
  const readsPortEnv = portFromEnvironment(listening, scriptPort ? startScript!.evidence : frameworkReadsPort ? (framework.evidence ?? start!.evidence) : null, port);
  const listensOnLoopback = loopbackListen(manifest, listening);
  if (serverEvidence || port.evidence) return { port, servesNetwork: fact(true, serverEvidence ?? port.evidence), readsPortEnv, listensOnLoopback };
  // Nothing serves in what was read: the entry and every file it imports.
  return { port, servesNetwork: listening.scanned ? fact(false, { file: listening.entry! }) : fact(true, null), readsPortEnv, listensOnLoopback };
}

/** `listen(3000, 'localhost')`, `listen({ port, host: '127.0.0.1' })`, or Fastify's `listen({ port })`, whose host defaults to localhost. */
function loopbackListen(manifest: Manifest, listening: Listening): Fact<string | null> {
  const line = listening.listenLine;
  if (line === null) return fact(null, null);
  const named = /\blisten\(.*(['"`])(localhost|127\.0\.0\.1|::1)\1/.exec(line);
  if (named) return fact(`listen() is given ${named[2]}`, listening.listenCall);
  const fastify = manifest.dependencies.includes('fastify') || manifest.dependencies.includes('@nestjs/platform-fastify');
  return fastify && !/\bhost\b/.test(line) ? fact("Fastify's listen() gets no host, and Fastify's default is localhost", listening.listenCall) : fact(null, null);
}

/**
 * Whether PORT moves the app: yes for a framework's own server or a start script that sets it
 * (`setsPort`, where), and for sources that read it; no when the sources, read whole, only listen on
 * a number (`app.listen(3000)`). Anything else, as an entry stagecraft cannot read, is taken to.
 */
function portFromEnvironment(listening: Listening, setsPort: Evidence | null, port: Fact<number>): Fact<boolean> {
  if (setsPort) return fact(true, setsPort);
  if (listening.readsPortEnv) return fact(true, listening.readsPortEnv);
  const listenedNumber = listening.port !== null && port === listening.port;
  return listening.complete && listening.scanned && listenedNumber ? fact(false, port.evidence) : fact(true, null);
}

/** Adapters that make Astro build a server; without one, `astro build` writes a static site. */
const ASTRO_ADAPTERS = ['@astrojs/node', '@astrojs/vercel', '@astrojs/netlify', '@astrojs/cloudflare', '@deno/astro-adapter'];

/** A site whose build is only files for a web server: Astro without an adapter, a Vite or Angular single-page app with no server. */
function detectStaticSite(project: ProjectFiles, manifest: Manifest, framework: Fact<Framework>, start: Fact<string[]> | null): NodeFacts['staticSite'] {
  if (start) return null;
  const build = manifest.pkg.scripts?.build ?? '';
  if (framework.value === 'astro') {
    const config = astroConfig(project);
    if (ASTRO_ADAPTERS.some((adapter) => manifest.all.has(adapter)) || (config && /\badapter\s*:/.test(config.text))) return null;
    const outDir = config ? /\boutDir\s*:\s*['"](?:\.\/)?([\w.-]+)\/?['"]/.exec(config.text) : null;
    const where = config ? `no server adapter in ${config.file}` : 'Astro without a server adapter';
    return fact({ outDir: outDir?.[1] ?? 'dist', reason: where }, config ? { file: config.file, line: outDir ? lineOf(config.text, outDir[0]) : undefined } : framework.evidence);
  }
  if (framework.value !== null) return null;
  if (manifest.all.has('vite') && /\bvite build\b/.test(build)) return fact({ outDir: 'dist', reason: 'a Vite app with no server' }, manifest.evidence('"build"'));
  const angularServer = manifest.all.has('@angular/ssr') || manifest.all.has('@nguniversal/express-engine');
  if (manifest.all.has('@angular/core') && /\bng build\b/.test(build) && !angularServer)
    return fact({ outDir: 'dist', reason: 'an Angular app with no server' }, manifest.evidence('"build"'));
  return null;
}

/** Where Remix's and React Router's Vite builds write (the server and client builds both go there). */
function viteServerBuildDir(project: ProjectFiles, manifest: Manifest): Fact<string> | null {
  const build = manifest.pkg.scripts?.build ?? '';
  if (!/\bremix vite:build\b|\breact-router build\b/.test(build)) return null;
  const config = ['vite.config.ts', 'vite.config.js', 'vite.config.mjs', 'vite.config.mts'].find((candidate) => project.hasFile(candidate));
  const text = config ? project.readText(config) : '';
  const configured = /\bbuildDirectory\s*:\s*['"](?:\.\/)?([\w.-]+)\/?['"]/.exec(text);
  return configured ? fact(configured[1]!, { file: config!, line: lineOf(text, configured[0]) }) : fact('build', manifest.evidence('"build"'));
}

/** The .js a build leaves for a source: tsc writes web.js beside web.ts. */
const builtName = (file: string) =>
  file
    .replace(/\.tsx?$/, '.js')
    .replace(/\.mts$/, '.mjs')
    .replace(/\.cts$/, '.cjs');

/**
 * scripts.build, else a postinstall when the file the start command runs is not in the project: the
 * root's postinstall runs on every install, so that is where such an app builds it (tsc --build).
 */
function detectBuildScript(project: ProjectFiles, manifest: Manifest, start: Fact<string[]> | null): NodeFacts['buildScript'] {
  const { build, postinstall } = manifest.pkg.scripts ?? {};
  if (build) return fact(build, manifest.evidence('"build"'));
  const file = start?.value[0] === 'node' ? start.value[1]! : null;
  const builtOnInstall = postinstall && file && !file.startsWith('node_modules/') && !project.hasFile(file.replace(/^\.\//, ''));
  return builtOnInstall ? fact(postinstall, manifest.evidence('"postinstall"')) : null;
}

/** The files a built app's start command loads outside the build output: a custom server.js and what it imports. */
function detectRunFiles(buildScript: string | null, start: Fact<string[]> | null, outDir: Fact<string> | null, files: string[], preloaded: string[]): string[] {
  const file = start?.value[0] === 'node' ? start.value[1]!.replace(/^\.\//, '') : null;
  if (!buildScript || !file || file.startsWith('node_modules/')) return [];
  const inOutput = (candidate: string) => outDir !== null && candidate.startsWith(`${outDir.value}/`);
  const outside = (list: string[]) => list.filter((candidate) => !inOutput(candidate)).map(builtName);
  // A file node preloads from outside the output (-r ./instrument.js) ships with what it imports, wherever the entry is.
  return [...new Set([...(inOutput(file) ? [] : outside(files)), ...outside(preloaded)])];
}

/** What the .dockerignore leaves out at the top (templates/node/dockerignore.hbs), besides hidden and secret names: never copied by name. */
const IGNORED_AT_TOP = new Set(['node_modules', 'coverage', 'Dockerfile', 'stagecraft.json']);

/** Folders apps read at run time without naming them, each with who reads it. */
const CONVENTIONAL_RUN_FOLDERS: Record<string, string> = {
  views: 'Express renders templates from views/ unless told otherwise.',
  public: 'Static files, which servers serve from public/ by convention.',
  static: 'Static files, which servers serve from static/ by convention.',
  templates: 'Templates, which template engines look for in templates/ by convention.',
  config: 'node-config and apps like it read config/ at start.',
  locales: 'Translations, which i18n libraries read from locales/ by convention.',
};

/** The project's top-level names a final stage may copy by name (not ignored by the .dockerignore, not links). */
const shippableEntries = (project: ProjectFiles) => new Set(project.topEntries().filter((name) => shippable(name) && !IGNORED_AT_TOP.has(name) && !name.endsWith('.log')));

const WHOLE_CONTEXT = 'the whole context ships (.dockerignore keeps the rest out)';

/**
 * What an app without a build step runs from: the manifest, the top-level files and folders of the
 * code its entry imports, what that code names in strings (views, data files) and the folders apps
 * read by convention. Where the imports cannot tell the whole story, the whole context, and why.
 */
function detectShippedSources(
  project: ProjectFiles,
  manifest: Manifest,
  start: Fact<string[]> | null,
  startFile: string | null,
  listening: Listening,
  workspaceRoot: boolean,
): ShippedSources {
  const whole = (why: string): ShippedSources => ({ kind: 'whole', why: `${why}: ${WHOLE_CONTEXT}` });
  if (workspaceRoot) return whole("a workspace root's members are loaded by package name, through node_modules links the relative imports do not show");
  if (!startFile || !listening.files.includes(startFile)) return whole(`the start command (${describeEvidence(start?.evidence ?? null)}) runs no source file stagecraft can read`);
  if (manifest.pkg.imports !== undefined) return whole(`${manifest.file} "imports" maps #names to files, which the relative imports do not show`);
  if (listening.computedLoad) return whole(`${describeEvidence(listening.computedLoad)} loads a module by a name the code computes`);
  if (!listening.complete) return whole('the imports reach more files than stagecraft reads, or one it cannot read');
  const allowed = shippableEntries(project);
  const entries = new Map<string, string>();
  const add = (entry: string, why: string) => {
    if (allowed.has(entry) && !entries.has(entry)) entries.set(entry, why);
  };
  const [entryTop] = startFile.split('/');
  add(entryTop!, startFile.includes('/') ? `The entry's folder (${startFile}).` : 'The entry file.');
  for (const file of listening.files) add(file.split('/')[0]!, `Code the entry imports (${file}).`);
  for (const [entry, evidence] of listening.named) add(entry, `Named in the code (${describeEvidence(evidence)}): read at run time.`);
  for (const [folder, why] of Object.entries(CONVENTIONAL_RUN_FOLDERS)) if (project.hasDir(folder)) add(folder, why);
  add(manifest.file, 'Node reads "type" and the package name from it at run time.');
  return shippedList(project, entries, whole);
}

/** Whether node loads the start file as an ES module: an .mjs file, or a .js file in a "type": "module" package. */
function detectEsm(manifest: Manifest, start: Fact<string[]> | null): boolean {
  const file = start?.value.find((word, index) => index > 0 && !word.startsWith('-')) ?? '';
  return file.endsWith('.mjs') || (manifest.pkg.type === 'module' && !file.endsWith('.cjs'));
}

/** Dependencies that compile native code, and binding.gyp when the project builds its own. */
function detectNativeModules(project: ProjectFiles, manifest: Manifest): Fact<string[]> {
  const native = manifest.dependencies.filter((dependency) => NATIVE_PACKAGES.has(dependency));
  if (project.hasFile('binding.gyp')) return fact([...native, 'binding.gyp'], { file: 'binding.gyp' });
  return fact(native, native.length > 0 ? manifest.evidence(`"${native[0]}"`) : null);
}

/** What decides the pnpm to install when packageManager does not pin it: the lockfile's format and engines.pnpm. */
function pnpmLockfileVersion(source: ManagerSource): NodeFacts['pnpmLockfileVersion'] {
  const lockText = source.files.hasFile('pnpm-lock.yaml') ? source.files.readText('pnpm-lock.yaml') : '';
  const lockVersion = /^lockfileVersion:\s*['"]?(\d+(?:\.\d+)?)['"]?\s*$/m.exec(lockText);
  return lockVersion ? fact(lockVersion[1]!, { file: `${source.prefix}pnpm-lock.yaml`, line: lineOf(lockText, lockVersion[0]) }) : null;
}

/** A workspace root's members, by the globs of pnpm-workspace.yaml or package.json "workspaces": their package.json paths. */
function detectWorkspaceManifests(project: ProjectFiles, pkg: PackageJson): string[] {
  const yaml = project.hasFile('pnpm-workspace.yaml') ? project.readText('pnpm-workspace.yaml') : '';
  const isMember = memberMatcher([...packageJsonGlobs(pkg), ...pnpmPackageGlobs(yaml)]);
  // Listing the folder is the slow part: only a workspace root needs it.
  if (!isMember) return [];
  return project
    .files()
    .filter((file) => file.endsWith('/package.json'))
    .filter((file) => isMember(file.slice(0, -'/package.json'.length)));
}

/** A project.json's shape, as far as telling an application from a library goes. */
const NxProjectSchema = z.object({ name: z.string().optional(), projectType: z.string().optional(), targets: z.record(z.string(), z.unknown()).optional() });

/** A project.json's content as its schema reads it; null for one Nx itself could not read, which names no application. */
function nxProjectOf(text: string | null): z.infer<typeof NxProjectSchema> | null {
  if (text === null) return null;
  try {
    return NxProjectSchema.parse(JSON.parse(text));
  } catch {
    return null;
  }
}

/**
 * An integrated Nx repository (nx.json at the root, each project in a project.json, one root
 * package.json without package workspaces) whose root runs nothing: its applications are built with
 * `nx build <app>` by Nx's executors, which no plan here runs, so the run stops with the one line that
 * names them rather than asking for an entry that does not exist yet.
 */
function refuseIntegratedNx(project: ProjectFiles, pkg: PackageJson, start: Fact<string[]> | null): void {
  if (start !== null || !project.hasFile('nx.json') || pkg.workspaces !== undefined || project.hasFile('pnpm-workspace.yaml')) return;
  const applications = project
    .files()
    .filter((file) => file.endsWith('/project.json'))
    .flatMap((file) => {
      const parsed = nxProjectOf(project.readTextIfUsable(file));
      const application = parsed?.projectType === 'application' || (parsed?.projectType === undefined && parsed?.targets?.serve !== undefined);
      return parsed && application ? [`${parsed.name ?? file.slice(0, -'/project.json'.length).split('/').pop()} (${file})`] : [];
    });
  if (applications.length === 0) return;
  throw refusal(
    `nx.json: an integrated Nx repository (projects in project.json, no package workspaces): its applications ${applications.join(', ')} are built by \`nx build <app>\` with Nx's executors, which stagecraft does not run; give each application a package.json in npm, Yarn or pnpm workspaces (a package-based Nx repository), or write its Dockerfile by hand`,
  );
}

/** Detects a Node project from package.json, lockfiles, version files and framework configs. Never asks. */
export function detectNode(project: ProjectFiles): NodeFacts {
  const manifest = readManifest(project);
  const { pkg } = manifest;
  const { workspace, managerSource } = detectWorkspace(project, manifest);
  const found = detectFramework(project, manifest, workspace);
  const outDir = tsconfigOutDir(project) ?? (found.defaults ? fact(found.defaults.outDir, found.framework.evidence) : null) ?? viteServerBuildDir(project, manifest);
  const startScript = startScriptOf(project, manifest);
  const { start, options } = detectStart(project, manifest, found, outDir, startScript);
  refuseIntegratedNx(project, pkg, start);
  const startFile = start?.value[0] === 'node' && !start.value[1]!.startsWith('node_modules/') ? sourceOf(project, start.value[1]!, outDir?.value ?? null) : null;
  const mainFile = pkg.main ? sourceOf(project, pkg.main, outDir?.value ?? null) : null;
  const preloads = options.flatMap(({ name, value }) => (PRELOAD_OPTIONS.has(name) && value ? [{ option: name, module: value, source: preloadSource(value, manifest) }] : []));
  // The app's own preloaded files ship like the entry, with what they import.
  const appPreloads = preloads.filter((preload) => preload.source === 'app').map((preload) => preload.module.replace(/^\.\//, ''));
  const sourceOfPreload = (file: string) => sourceOf(project, file, outDir?.value ?? null);
  const entries = [startFile, mainFile, ...appPreloads.map(sourceOfPreload)].filter((file): file is string => file !== null);
  // Those the build output has come with it; the others are run files with what they import.
  const preloadedOutside = appPreloads
    .filter((file) => !outDir || !file.startsWith(`${outDir.value}/`))
    .map(sourceOfPreload)
    .filter((file): file is string => file !== null);
  const listening = { ...scanListening(project, entries, shippableEntries(project)), entry: entries[0] ?? null };
  const rawName = pkg.name ?? '';
  const buildScript = detectBuildScript(project, manifest, start);
  const managerFacts = withPrefixedEvidence(detectPackageManager(managerSource), managerSource.prefix);
  const workspaceManifests = workspace ? [] : detectWorkspaceManifests(project, pkg);
  // A member of an npm, Yarn or bun workspace is built from the root: the install's settings and credentials are the root's.
  const settings = workspace?.root ? managerSource.files : project;
  const runtimeVersion = memberOrRootVersion(detectRuntimeVersion(project, pkg, manifest.text, manifest.file), managerSource);
  return {
    language: 'node',
    name: fact(rawName, rawName ? manifest.evidence('"name"') : null),
    manifestFile: manifest.file,
    ...managerFacts,
    runtimeVersion,
    runtimeVersionAlias: movingVersionAlias(project) ?? (runtimeVersion.evidence?.file.startsWith('../') ? movingVersionAlias(managerSource.files) : null),
    buildScript,
    buildIsPostinstall: buildScript !== null && !pkg.scripts?.build,
    outDir,
    framework: found.framework,
    nextStandalone: found.nextStandalone,
    nextServerDir: found.nextServerDir,
    nextConfigFile: found.nextConfigFile,
    nextDistDir: found.nextDistDir,
    pnpmLockfileVersion: pnpmLockfileVersion(managerSource),
    workspaceManifests,
    hasPnpmWorkspaceFile: project.hasFile('pnpm-workspace.yaml'),
    start,
    nodeOptions:
      options.length > 0
        ? fact(
            options.flatMap((option) => option.words),
            start!.evidence,
          )
        : null,
    preloads,
    envFiles: options.flatMap(({ name, value }) => (/^--env-file(-if-exists)?$/.test(name) && value ? [value] : [])),
    runFiles: detectRunFiles(
      buildScript?.value ?? null,
      start,
      outDir,
      startFile ? listening.files : [],
      preloadedOutside.length > 0 ? scanListening(project, preloadedOutside, shippableEntries(project)).files : [],
    ),
    ...detectNetwork(project, manifest, found, start, startScript, listening),
    staticSite: detectStaticSite(project, manifest, found.framework, start),
    nativeModules: detectNativeModules(project, manifest),
    createdFolders: detectCreatedFolders(project),
    hasDevDependencies: manifest.devDependencies.length > 0,
    hasDependencies: manifest.dependencies.length > 0,
    hasPublicDir: project.hasDir('public'),
    shippedSources: detectShippedSources(project, manifest, start, startFile, listening, !workspace && workspaceManifests.length > 0),
    yarnPnp: detectYarnPnp(settings, managerFacts.packageManager),
    esm: detectEsm(manifest, start),
    hasYarnReleases: settings.hasDir('.yarn/releases'),
    hasYarnrc: settings.hasFile('.yarnrc.yml'),
    workspace,
    secrets: detectNodeSecrets(settings, managerFacts.packageManager.value),
  };
}
