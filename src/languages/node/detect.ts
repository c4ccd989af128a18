import semver from 'semver';
import { z } from 'zod';
import { projectError } from '../../errors.js';
import { ProjectFiles } from '../../project.js';
import { checkManifestShape, parseJsonManifest } from '../../core/manifest.js';
import { fact, type Evidence, type Fact } from '../../core/facts.js';
import { globMatcher } from '../../core/glob.js';
import { lineOf } from '../../core/text.js';

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
  /** The lockfile the image installs from; null means installs are not reproducible. */
  lockfile: Fact<string | null>;
  /** A major, e.g. "22". */
  runtimeVersion: Fact<string>;
  buildScript: Fact<string> | null;
  /** Where the build writes its output (tsconfig outDir, framework default). */
  outDir: Fact<string> | null;
  framework: Fact<Framework>;
  /** Next.js `output: 'standalone'`. */
  nextStandalone: Fact<boolean>;
  /** The real start command in exec form, without a package manager in front. */
  start: Fact<string[]> | null;
  port: Fact<number>;
  nativeModules: Fact<string[]>;
  hasDevDependencies: boolean;
  /** Production dependencies: without any, there is no node_modules to ship. */
  hasDependencies: boolean;
  /** Next.js serves `public/` as is; it ships beside the build when present. */
  hasPublicDir: boolean;
  /** Yarn Berry in Plug'n'Play mode (no node_modules). */
  yarnPnp: Fact<boolean>;
  /** `.yarn/releases` holds the Yarn binary the project pins (yarnPath). */
  hasYarnReleases: boolean;
  /** Set when the folder is a member of a pnpm workspace: the image is built from the workspace root. */
  workspace: Workspace | null;
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

/** pnpm-workspace.yaml `packages:` globs ("packages/*", "apps/**") as a test for a member path. */
function workspaceIncludes(yaml: string, memberPath: string): boolean {
  const globs = [...yaml.matchAll(/^[ \t]*-\s*["']?([^"'\n#]+?)["']?\s*$/gm)].map((match) => match[1]!);
  return globs.some((glob) => {
    if (glob.startsWith('!')) return false;
    return globMatcher(glob)(memberPath);
  });
}

/** The package.json fields detection reads, with the types npm itself expects. */
const StringMap = z.record(z.string(), z.string());
const PackageJsonSchema = z.looseObject({
  name: z.string().optional(),
  main: z.string().optional(),
  scripts: StringMap.optional(),
  dependencies: StringMap.optional(),
  devDependencies: StringMap.optional(),
  engines: z.looseObject({ node: z.string().optional() }).optional(),
  volta: z.looseObject({ node: z.string().optional() }).optional(),
  packageManager: z.string().optional(),
  workspaces: z.union([z.array(z.string()), z.looseObject({ packages: z.array(z.string()).optional() })]).optional(),
});
type PackageJson = z.infer<typeof PackageJsonSchema>;

const DEFAULT_PORT = 3000;

/** package.json parsed, with its text kept for the line numbers of evidence. */
function readPackageJson(project: ProjectFiles): { pkg: PackageJson; text: string } {
  const text = project.readText('package.json');
  const parsed = parseJsonManifest(text, 'package.json');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw projectError('package.json: not a JSON object');
  return { pkg: checkManifestShape(PackageJsonSchema, parsed, 'package.json'), text };
}

/** The newest maintained major a semver range allows; a bare major is taken as is. */
export function nodeMajorFor(spec: string): string | null {
  const cleaned = spec
    .trim()
    .replace(/^v/, '')
    .replace(/^lts\/.*$|^lts$|^node$/i, '');
  if (cleaned === '') return String(LTS_NODE_MAJOR);
  if (/^\d+(\.\d+){0,2}$/.test(cleaned)) return cleaned.split('.')[0]!;
  if (!semver.validRange(cleaned)) return null;
  const maintained = [...MAINTAINED_NODE_MAJORS].reverse().find((major) => semver.satisfies(`${major}.99.0`, cleaned) || semver.intersects(`^${major}.0.0`, cleaned));
  if (maintained) return String(maintained);
  const minimum = semver.minVersion(cleaned);
  return minimum ? String(minimum.major) : null;
}

function detectRuntimeVersion(project: ProjectFiles, pkg: PackageJson, pkgText: string): Fact<string> {
  for (const file of ['.nvmrc', '.node-version']) {
    if (!project.hasFile(file)) continue;
    const spec = project.readText(file).split('\n')[0]!.trim();
    const major = nodeMajorFor(spec);
    if (!major) throw projectError(`${file}: "${spec}" is not a Node version`);
    return fact(major, { file });
  }
  const engines = pkg.engines?.node ?? null;
  if (engines) {
    const major = nodeMajorFor(engines);
    if (!major) throw projectError(`package.json: engines.node "${engines}" is not a semver range`);
    return fact(major, { file: 'package.json', line: lineOf(pkgText, '"engines"') });
  }
  const volta = pkg.volta?.node ?? null;
  if (volta) {
    const major = nodeMajorFor(volta);
    if (major) return fact(major, { file: 'package.json', line: lineOf(pkgText, '"volta"') });
  }
  return fact(String(LTS_NODE_MAJOR), null);
}

function detectPackageManager(project: ProjectFiles, pkg: PackageJson): Pick<NodeFacts, 'packageManager' | 'packageManagerVersion' | 'lockfile'> {
  const declared = pkg.packageManager ?? null;
  const declaredMatch = declared ? /^(npm|yarn|pnpm|bun)@(\d{1,6}\.\d{1,6}\.\d{1,6}(?:-[0-9A-Za-z.]+)?)(\+[0-9A-Za-z.]+)?$/.exec(declared) : null;
  if (declared && !declaredMatch) throw projectError(`package.json: packageManager "${declared}" is not name@version`);
  const present = LOCKFILES.filter(({ file }) => project.hasFile(file));
  const yarnFlavour = (version: string | null): PackageManager =>
    (version && semver.coerce(version)!.major >= 2) || project.hasFile('.yarnrc.yml') ? 'yarn-berry' : 'yarn-classic';

  if (declaredMatch) {
    const [, name, version] = declaredMatch;
    const manager: PackageManager = name === 'yarn' ? yarnFlavour(version!) : (name as PackageManager);
    const lock = present.find((candidate) => candidate.manager === manager || (name === 'yarn' && candidate.file === 'yarn.lock'));
    return {
      packageManager: fact(manager, { file: 'package.json' }),
      packageManagerVersion: version!,
      lockfile: lock ? fact(lock.file, { file: lock.file }) : fact(null, null),
    };
  }
  const managers = [...new Set(present.map((lock) => lock.manager))];
  if (managers.length > 1) {
    throw projectError(`several lockfiles (${present.map((lock) => lock.file).join(', ')}): set "packageManager" in package.json, or delete the stale ones`);
  }
  if (present.length === 0) return { packageManager: fact('npm', null), packageManagerVersion: null, lockfile: fact(null, null) };
  const lock = present[0]!;
  const manager = lock.manager === 'yarn-classic' ? yarnFlavour(null) : lock.manager;
  return { packageManager: fact(manager, { file: lock.file }), packageManagerVersion: null, lockfile: fact(lock.file, { file: lock.file }) };
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
 * Turns a start script into the command it really runs, so the image runs node directly
 * (no npm in between: it would not forward signals, and it is one more process).
 */
export function startCommandFrom(script: string): string[] | null {
  // Leading VAR=value assignments are dropped here; the port among them is read separately.
  const words = script
    .trim()
    .split(/\s+/)
    .filter((word) => !/^[A-Z_][A-Z0-9_]*=/.test(word));
  // Anything beyond plain words (quotes, $, ;, &&, redirections) is shell, not a command node can be given.
  if (words.some((word) => !/^[A-Za-z0-9._@/=:-]+$/.test(word))) return null;
  if (words[0] === 'node' && words.length >= 2) return words;
  // Framework CLIs run through their JavaScript entry, so node itself is PID 1.
  const serverBins: Record<string, string> = {
    'remix-serve': 'node_modules/@remix-run/serve/dist/cli.js',
    'react-router-serve': 'node_modules/@react-router/serve/dist/cli.js',
  };
  if (words[0] === 'next' && words[1] === 'start') return ['node', 'node_modules/next/dist/bin/next', ...words.slice(1)];
  if (words[0]! in serverBins && words.length >= 2) return ['node', serverBins[words[0]!]!, ...words.slice(1)];
  return null;
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
  const fromRoot = detectRuntimeVersion(root.files, root.pkg, root.text);
  return fromRoot.evidence ? fact(fromRoot.value, { ...fromRoot.evidence, file: `${root.prefix}${fromRoot.evidence.file}` }) : member;
}

/** Evidence found at the workspace root, named from the member folder ("../../pnpm-lock.yaml"). */
function withPrefixedEvidence(found: ReturnType<typeof detectPackageManager>, prefix: string): ReturnType<typeof detectPackageManager> {
  if (!prefix) return found;
  const move = <T>(item: Fact<T>): Fact<T> => (item.evidence ? fact(item.value, { ...item.evidence, file: `${prefix}${item.evidence.file}` }) : item);
  return { ...found, packageManager: move(found.packageManager), lockfile: move(found.lockfile) };
}

/** Yarn 2+ defaults to Plug'n'Play unless .yarnrc.yml sets another nodeLinker. */
function detectYarnPnp(project: ProjectFiles): Fact<boolean> {
  if (!project.hasFile('.yarnrc.yml')) return fact(false, null);
  const text = project.readText('.yarnrc.yml');
  const linker = /^nodeLinker:\s*["']?([\w-]+)/m.exec(text);
  return fact(!linker || linker[1] === 'pnp', { file: '.yarnrc.yml', line: linker ? lineOf(text, linker[0]) : undefined });
}

/** package.json as the detection steps read it: its fields, its dependency names, and evidence pointing at its lines. */
interface Manifest {
  pkg: PackageJson;
  text: string;
  dependencies: string[];
  devDependencies: string[];
  /** Dependencies and devDependencies together. */
  all: Set<string>;
  evidence(needle: string): Evidence;
}

function readManifest(project: ProjectFiles): Manifest {
  const { pkg, text } = readPackageJson(project);
  const dependencies = Object.keys(pkg.dependencies ?? {});
  const devDependencies = Object.keys(pkg.devDependencies ?? {});
  return {
    pkg,
    text,
    dependencies,
    devDependencies,
    all: new Set([...dependencies, ...devDependencies]),
    evidence: (needle) => ({ file: 'package.json', line: lineOf(text, needle) }),
  };
}

/** Where the lockfile and the packageManager field are read: the folder itself, or its workspace root. */
interface ManagerSource {
  files: ProjectFiles;
  pkg: PackageJson;
  /** The way from the folder to `files` ("../../"), empty for the folder itself. */
  prefix: string;
  text: string;
}

/** The workspace the folder is a member of, if any; in one, the lockfile and packageManager live at the root. */
function detectWorkspace(project: ProjectFiles, manifest: Manifest): { workspace: Workspace | null; managerSource: ManagerSource } {
  const { pkg } = manifest;
  const itself: ManagerSource = { files: project, pkg, prefix: '', text: manifest.text };
  const found = project.hasFile('pnpm-workspace.yaml') || pkg.workspaces !== undefined ? null : findWorkspaceRoot(project);
  if (!found) return { workspace: null, managerSource: itself };
  const rootFiles = found.root;
  const memberPath = project.pathFrom(rootFiles);
  const prefix = `${rootFiles.pathFrom(project)}/`;
  const declaration = found.tool === 'pnpm' ? 'pnpm-workspace.yaml' : 'package.json';
  // package.json lists its globs as a JSON array, pnpm-workspace.yaml as a YAML list: both are quoted globs.
  const globs = rootFiles.readText(declaration).replace(/[[\],]/g, '\n - ');
  if (!workspaceIncludes(globs, memberPath)) return { workspace: null, managerSource: itself };
  const packageName = pkg.name ?? null;
  if (!packageName || !PACKAGE_NAME.test(packageName)) {
    throw projectError(`package.json: a pnpm workspace member needs a valid "name" for pnpm --filter (got ${JSON.stringify(pkg.name ?? null)})`);
  }
  return {
    workspace: { tool: found.tool, memberPath, packageName, evidence: { file: `${prefix}${declaration}` } },
    managerSource: { files: rootFiles, prefix, ...readPackageJson(rootFiles) },
  };
}

/** The framework, and what it implies: Next's standalone output, the server file and output folder it builds. */
function detectFramework(project: ProjectFiles, manifest: Manifest) {
  const frameworkEntry = FRAMEWORK_PACKAGES.find(([, dependency]) => manifest.all.has(dependency));
  const framework: Fact<Framework> = frameworkEntry ? fact(frameworkEntry[0], manifest.evidence(`"${frameworkEntry[1]}"`)) : fact(null, null);

  const nextConfig = ['next.config.js', 'next.config.mjs', 'next.config.ts', 'next.config.cjs'].find((file) => project.hasFile(file));
  const nextConfigText = nextConfig ? project.readText(nextConfig) : '';
  const standalone = /output\s*:\s*['"]standalone['"]/.exec(nextConfigText);
  const nextStandalone = nextConfig && standalone ? fact(true, { file: nextConfig, line: lineOf(nextConfigText, standalone[0]) }) : fact(false, null);

  // SvelteKit and Astro only build a node server with their node adapter; otherwise there is no such file.
  const adapters: Partial<Record<Exclude<Framework, null>, string>> = { sveltekit: '@sveltejs/adapter-node', astro: '@astrojs/node' };
  const adapter = framework.value ? adapters[framework.value] : undefined;
  const defaults = framework.value && (!adapter || manifest.all.has(adapter)) ? FRAMEWORK_ENTRIES[framework.value] : undefined;
  return { framework, nextStandalone, defaults };
}

/** What the image runs: the framework's server, then the start script, main, and a server.js or index.js. */
function detectStart(project: ProjectFiles, manifest: Manifest, found: ReturnType<typeof detectFramework>, outDir: Fact<string> | null): Fact<string[]> | null {
  const { framework, nextStandalone, defaults } = found;
  if (framework.value === 'next' && nextStandalone.value) return fact(['node', 'server.js'], nextStandalone.evidence);
  if (defaults) return fact(['node', defaults.start], framework.evidence);
  const startScript = manifest.pkg.scripts?.start;
  const command = startScript ? startCommandFrom(startScript) : null;
  if (command) return fact(command, manifest.evidence('"start"'));
  const main = manifest.pkg.main ?? null;
  if (main && (project.hasFile(main) || outDir)) return fact(['node', main], manifest.evidence('"main"'));
  const file = ['server.js', 'index.js'].find((candidate) => project.hasFile(candidate));
  return file ? fact(['node', file], { file }) : null;
}

/** Dependencies that compile native code, and binding.gyp when the project builds its own. */
function detectNativeModules(project: ProjectFiles, manifest: Manifest): Fact<string[]> {
  const native = manifest.dependencies.filter((dependency) => NATIVE_PACKAGES.has(dependency));
  if (project.hasFile('binding.gyp')) return fact([...native, 'binding.gyp'], { file: 'binding.gyp' });
  return fact(native, native.length > 0 ? manifest.evidence(`"${native[0]}"`) : null);
}

/** Detects a Node project from package.json, lockfiles, version files and framework configs. Never asks. */
export function detectNode(project: ProjectFiles): NodeFacts {
  const manifest = readManifest(project);
  const { pkg } = manifest;
  const { workspace, managerSource } = detectWorkspace(project, manifest);
  const found = detectFramework(project, manifest);
  const outDir = tsconfigOutDir(project) ?? (found.defaults ? fact(found.defaults.outDir, found.framework.evidence) : null);
  const startScript = pkg.scripts?.start ?? null;
  const scriptPort = portFrom(startScript);
  const rawName = pkg.name ?? '';
  return {
    language: 'node',
    name: fact(rawName, rawName ? manifest.evidence('"name"') : null),
    ...withPrefixedEvidence(detectPackageManager(managerSource.files, managerSource.pkg), managerSource.prefix),
    runtimeVersion: memberOrRootVersion(detectRuntimeVersion(project, pkg, manifest.text), managerSource),
    buildScript: pkg.scripts?.build ? fact(pkg.scripts.build, manifest.evidence('"build"')) : null,
    outDir,
    framework: found.framework,
    nextStandalone: found.nextStandalone,
    start: detectStart(project, manifest, found, outDir),
    port: scriptPort ? fact(scriptPort, manifest.evidence('"start"')) : fact(DEFAULT_PORT, null),
    nativeModules: detectNativeModules(project, manifest),
    hasDevDependencies: manifest.devDependencies.length > 0,
    hasDependencies: manifest.dependencies.length > 0,
    hasPublicDir: project.hasDir('public'),
    yarnPnp: detectYarnPnp(project),
    hasYarnReleases: project.hasDir('.yarn/releases'),
    workspace,
  };
}
