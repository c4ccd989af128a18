import path from 'node:path';
import { detectGoPrivate, type GoPrivate } from './secrets.js';
import semver from 'semver';
import type { ProjectFiles } from '../../project.js';
import { parseGoMod, parseGoWork, type GoMod, type GoWork } from './gomod.js';
import { describeEvidence, fact, rebaseEvidence, type Evidence, type Fact } from '../../core/facts.js';
import { toolVersion } from '../../core/tool-versions.js';
import { projectError } from '../../errors.js';
import { lineAt, lineIndex, stripComments } from '../../core/text.js';
import { findRuntimeFolders } from '../../core/runtime-folders.js';

/** The Go release a module gets when go.mod names none (the current stable minor). */
export const DEFAULT_GO_VERSION = '1.26';

/**
 * Modules that only build with cgo, and what they need from the system at run time besides libc.
 * Their presence in go.mod means CGO_ENABLED=0 would fail or silently drop features.
 */
const CGO_MODULES: Record<string, string | null> = {
  'github.com/mattn/go-sqlite3': null,
  'github.com/confluentinc/confluent-kafka-go': null,
  'github.com/confluentinc/confluent-kafka-go/v2': null,
  'github.com/h2non/bimg': 'libvips',
  'github.com/davidbyttow/govips/v2': 'libvips',
  'github.com/google/gopacket': 'libpcap',
  'gopkg.in/gographics/imagick.v3': 'ImageMagick',
};

const GIN = 'github.com/gin-gonic/gin';

/** Imports that mean the program serves on a network port (not an exhaustive list, a strong hint). */
const SERVER_IMPORTS = [
  'net/http',
  'net',
  GIN,
  'github.com/labstack/echo/v4',
  'github.com/gofiber/fiber/v2',
  'github.com/gofiber/fiber/v3',
  'github.com/go-chi/chi/v5',
  'google.golang.org/grpc',
];

export interface GoFacts {
  language: 'go';
  /** The module path; for a go.work workspace or a folder without go.mod, the folder's name (a valid module path). */
  module: Fact<string>;
  /** `module`: a go.mod at the root; `workspace`: a go.work whose modules build together; `none`: main.go alone (the build creates a module). */
  layout: Fact<'module' | 'workspace' | 'none'>;
  /** go.work's modules (folders), in its order; empty otherwise. */
  workspaceModules: string[];
  /** go.work(.sum), go.mod and go.sum files copied before the download, in their folders. */
  moduleFiles: string[];
  /** Without go.mod: imports outside the standard library, which the build must resolve itself. */
  thirdPartyImports: Fact<boolean>;
  /** The Go minor (e.g. "1.23") whose toolchain builds the module: the newer of `go` and `toolchain`. */
  runtimeVersion: Fact<string>;
  /** Package paths relative to the module root, e.g. "." or "./cmd/api". */
  mainPackages: Fact<string>[];
  /** In a go.work workspace, the folders of the workspace's own packages each package folder imports ("admin" -> ["api/client"]). */
  workspaceImports: Record<string, string[]>;
  cgo: Fact<boolean>;
  /** Why cgo is needed, in words, when it is. */
  cgoReason: string | null;
  /** Shared libraries a cgo dependency needs at run time besides libc. */
  cgoRuntimeLibraries: string[];
  goSum: Fact<boolean>;
  /** `vendor/modules.txt`: dependencies are in the source tree, nothing to download. */
  vendored: Fact<boolean>;
  requiresModules: boolean;
  /** Listen addresses written in the source (":8080"), in file order, then the fallbacks of a PORT read ("3000" when it is empty). */
  ports: Fact<number>[];
  /** Main packages whose own files serve on the network (a server import or a listen address). */
  listeningMains: string[];
  /** The project folder's name, which a main package may be named after. */
  folderName: string;
  readsPortEnv: Fact<boolean>;
  servesNetwork: Fact<boolean>;
  /** The top folders `//go:embed` reads files from at build time (web for web/dist): they must stay in the build context. */
  embeddedFolders: string[];
  /** Project folders the program opens by a relative path at run time (`html.New("./views", ".html")`): they ship beside it. */
  runtimeFolders: Fact<string>[];
  /** A database file named by a relative path (`"./fiber.db"`): the program creates it in its working directory. */
  createsFile: Fact<string | null>;
  /** Sources larger than a scan reads (generated tables): skipped, and said so. */
  skippedSources: string[];
  /** GOPRIVATE: modules fetched from their repositories, with a .netrc given as a build secret. */
  private: GoPrivate | null;
  /**
   * A main package in a sub-folder of a module (no go.mod of its own): built from the module's root
   * (`contextPath`, "../.."), where `memberPath` is its folder; null for a module's, workspace's or main.go's own folder.
   */
  memberBuild: { contextPath: string; memberPath: string } | null;
  /** The Gin import of a program that sets no mode itself (no gin.SetMode): Gin runs in debug mode unless GIN_MODE says otherwise; null otherwise. */
  ginModeFromEnv: Fact<boolean> | null;
}

interface GoSourceFile {
  file: string;
  dir: string;
  packageName: string;
  /** Source without comments, keeping line breaks so line numbers stay right. */
  code: string;
  /** The paths its `//go:embed` directives name, from the project folder (web/dist/*). */
  embeds: string[];
}

/** `//go:embed a "b c"` -> the project paths it names, from the source's folder. */
function embedsOf(text: string, dir: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/^\/\/go:embed[ \t]+([^\n]+)/gm)) {
    for (const word of match[1]!.match(/"[^"]*"|`[^`]*`|\S+/g) ?? []) {
      const pattern = word.replace(/^["`]|["`]$/g, '').replace(/^all:/, '');
      found.push(path.posix.normalize(path.posix.join(dir, pattern)));
    }
  }
  return found;
}

/** `//go:build ignore` files are generators run by hand, not part of any package. */
const IGNORED_BY_BUILD_TAG = /^\/\/go:build\s+ignore\b|^\/\/ \+build ignore\b/m;

/** The sources of the given module folders ("." the root), and those skipped for their size; folders with their own go.mod are other modules. */
function readGoSources(project: ProjectFiles, moduleDirs: string[]): { sources: GoSourceFile[]; skipped: string[] } {
  const files = project.files();
  const moduleRoots = ['.', ...files.filter((file) => path.posix.basename(file) === 'go.mod' && file !== 'go.mod').map((file) => path.posix.dirname(file))];
  const owner = (dir: string) => moduleRoots.filter((root) => root === '.' || dir === root || dir.startsWith(`${root}/`)).reduce((a, b) => (b.length > a.length ? b : a));
  const sources: GoSourceFile[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    if (!file.endsWith('.go') || file.endsWith('_test.go')) continue;
    if (!moduleDirs.includes(owner(path.posix.dirname(file)))) continue;
    // `_` and `.` folders are ignored by the go tool.
    if (
      file
        .split('/')
        .slice(0, -1)
        .some((part) => part.startsWith('_') || part.startsWith('.'))
    )
      continue;
    if (project.tooLargeToScan(file)) {
      skipped.push(file);
      continue;
    }
    const text = project.readSource(file);
    const code = stripComments(text);
    const packageClause = /^[ \t]*package\s+([A-Za-z_]\w*)/m.exec(code);
    if (!packageClause) continue;
    if (IGNORED_BY_BUILD_TAG.test(text.slice(0, text.indexOf(packageClause[0].trim())))) continue;
    sources.push({ file, dir: path.posix.dirname(file), packageName: packageClause[1]!, code, embeds: embedsOf(text, path.posix.dirname(file)) });
  }
  return { sources, skipped };
}

/** A module path made from a folder name, for `go mod init` (lowercase letters, digits, ., _ and -). */
const moduleFromFolder = (folder: string) =>
  folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'app';

/** The go.mod files of the build: the root's, go.work's modules', or none; with go.sum and go.work.sum beside them. */
function readModules(project: ProjectFiles): { layout: GoFacts['layout']; work: GoWork | null; modules: { dir: string; mod: GoMod }[] } {
  if (project.hasFile('go.work')) {
    const work = parseGoWork(project.readText('go.work'));
    const modules = work.uses.map(({ path: dir, line }) => {
      const file = dir === '.' ? 'go.mod' : `${dir}/go.mod`;
      if (dir.startsWith('..') || !project.hasFile(file)) throw projectError(`go.work:${line}: use ${dir}: no ${file} in the folder`);
      return { dir, mod: parseGoMod(project.readText(file), file) };
    });
    return { layout: fact('workspace', { file: 'go.work', line: work.uses[0]!.line }), work, modules };
  }
  if (project.hasFile('go.mod')) return { layout: fact('module', { file: 'go.mod' }), work: null, modules: [{ dir: '.', mod: parseGoMod(project.readText('go.mod')) }] };
  return { layout: fact('none', null), work: null, modules: [] };
}

const packagePath = (dir: string) => (dir === '.' ? '.' : `./${dir}`);

/** The paths a Go file imports: `import "x"`, `import alias "x"`, and each line of an `import ( ... )` block. */
function importPathsOf(code: string): string[] {
  const paths: string[] = [];
  for (const [, block, single] of code.matchAll(/^[ \t]*import\s*(?:\(([^)]*)\)|(?:[\w.]+\s+)?"([^"]+)")/gm)) {
    if (single) paths.push(single);
    else for (const [, quoted] of block!.matchAll(/"([^"]+)"/g)) paths.push(quoted!);
  }
  return paths;
}

/**
 * For each package folder of a go.work workspace, the workspace's package folders it imports: an import
 * path under a module's path is that module's folder and the rest (example.com/mono/api/client -> api/client).
 */
function workspaceImportsOf(sources: GoSourceFile[], modules: { dir: string; mod: GoMod }[]): Record<string, string[]> {
  // The longest module path first, so a module nested in another's path is found before it.
  const byPath = [...modules].sort((a, b) => b.mod.module.path.length - a.mod.module.path.length);
  const folderOfImport = (importPath: string) => {
    const owner = byPath.find(({ mod }) => importPath === mod.module.path || importPath.startsWith(`${mod.module.path}/`));
    return owner ? path.posix.join(owner.dir, importPath.slice(owner.mod.module.path.length + 1)) : null;
  };
  const imports: Record<string, Set<string>> = {};
  for (const source of sources)
    for (const folder of importPathsOf(source.code).map(folderOfImport)) if (folder !== null && folder !== source.dir) (imports[source.dir] ??= new Set()).add(folder);
  return Object.fromEntries(Object.entries(imports).map(([dir, folders]) => [dir, [...folders].sort()]));
}

function findCgoImport(sources: GoSourceFile[]): Evidence | null {
  for (const source of sources) {
    const match = /^[ \t]*import\s+"C"|^[ \t]*import\s*\([^)]*?^[ \t]*"C"\s*$/m.exec(source.code);
    if (match) return { file: source.file, line: lineAt(source.code, match.index + match[0].indexOf('"C"')) };
  }
  return null;
}

function importsAny(source: GoSourceFile, importPaths: string[]): number | null {
  for (const importPath of importPaths) {
    const at = source.code.search(new RegExp(`^[ \\t]*(import\\s+)?(\\w+\\s+)?"${importPath.replace(/[.]/g, '\\.')}"\\s*$`, 'm'));
    if (at !== -1) return lineAt(source.code, at + 1);
  }
  return null;
}

/** A SQLite database file named by a relative path: created beside the program at run time. */
const RELATIVE_SQLITE_FILE = /"(?:\.\/)?([\w.-]+\.(?:db|sqlite3?))"/;

function findRelativeDatabase(sources: GoSourceFile[]): Fact<string | null> {
  for (const source of sources) {
    const match = RELATIVE_SQLITE_FILE.exec(source.code);
    if (match) return fact(match[1]!, { file: source.file, line: lineAt(source.code, match.index) });
  }
  return fact(null, null);
}

const within = (dir: string, folder: string) => dir === folder || dir.startsWith(`${folder}/`);

/** The package folders `start` imports within the module (or go.work's modules), directly or through each other. */
export function importedFrom(start: string, imports: Record<string, string[]>): Set<string> {
  const reached = new Set<string>();
  const pending = [start];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop())
    for (const imported of imports[dir] ?? []) {
      if (reached.has(imported)) continue;
      reached.add(imported);
      pending.push(imported);
    }
  return reached;
}

const inModule = (dir: string, file: string) => (dir === '.' ? file : `${dir}/${file}`);

/**
 * The sources that decide a member's facts: its own folder's and those below it that are no other
 * program (its port, runtime folders, embeds), and those its build compiles (import "C" anywhere it imports).
 */
function memberSources(all: GoSourceFile[], modules: { dir: string; mod: GoMod }[], memberDir: string) {
  const main = all.find((source) => source.dir === memberDir && source.packageName === 'main');
  if (!main) {
    const other = all.find((source) => source.dir === memberDir);
    const mains = [...new Set(all.filter((source) => source.packageName === 'main').map((source) => packagePath(source.dir)))];
    const moduleFile = path.posix.relative(memberDir, 'go.mod');
    throw projectError(
      `no package main here${other ? ` (${path.posix.basename(other.file)} is package ${other.packageName})` : ''}, and ${moduleFile} builds the module: run stagecraft in the folder of a main package (${mains.length > 0 ? `main packages of the module: ${mains.join(', ')}` : 'the module has none'})`,
    );
  }
  const otherMains = new Set(all.filter((source) => source.packageName === 'main' && source.dir !== memberDir).map((source) => source.dir));
  const own = all.filter((source) => within(source.dir, memberDir) && ![...otherMains].some((dir) => within(source.dir, dir)));
  const built = importedFrom(memberDir, workspaceImportsOf(all, modules)).add(memberDir);
  return { main, own, built: all.filter((source) => built.has(source.dir)) };
}

/** go.mod requires modules, none of them vendored, and no go.sum lists their checksums: go build refuses them. */
export const missingGoSum = (facts: GoFacts): boolean => facts.requiresModules && !facts.goSum.value && !facts.vendored.value;

/** Detects a Go module's build facts from go.mod and its own sources. Pure: reads, never asks. */
export function detectGo(project: ProjectFiles): GoFacts {
  if (!project.hasFile('go.work') && !project.hasFile('go.mod')) {
    // A folder inside a module belongs to it: its go.mod decides how the folder's main package builds.
    const enclosing = project.findUp((folder) => (folder.hasFile('go.mod') ? folder : null));
    if (enclosing) return detectMember(project, enclosing);
  }
  return { ...detectIn(project, null), memberBuild: null };
}

/**
 * A main package in a module's sub-folder: detected as the module sees it, with only this package as
 * the entry, and its evidence and folders named from its own folder.
 */
function detectMember(project: ProjectFiles, module: ProjectFiles): GoFacts {
  const memberDir = project.pathFrom(module);
  const facts = rebaseEvidence(detectIn(module, memberDir), (file) => path.posix.relative(memberDir, file));
  return {
    ...facts,
    // The program runs in /app with them, as it runs in its own folder.
    runtimeFolders: facts.runtimeFolders.map((folder) => ({ ...folder, value: path.posix.relative(memberDir, folder.value) })),
    memberBuild: {
      contextPath: memberDir
        .split('/')
        .map(() => '..')
        .join('/'),
      memberPath: memberDir,
    },
  };
}

/** The facts of the module (or workspace, or main.go) in `project`; `memberDir`: of the one main package in that folder only. */
function detectIn(project: ProjectFiles, memberDir: string | null): Omit<GoFacts, 'memberBuild'> {
  const { layout, work, modules } = readModules(project);
  const read = readGoSources(project, layout.value === 'workspace' ? modules.map((module) => module.dir) : ['.']);
  const member = memberDir === null ? null : memberSources(read.sources, modules, memberDir);
  // A member's own sources; and what its build compiles, where an import "C" makes it cgo.
  const sources = member ? member.own : read.sources;
  const compiled = member ? member.built : read.sources;
  const skipped = memberDir === null ? read.skipped : read.skipped.filter((file) => within(path.posix.dirname(file), memberDir));
  const fromRunDir = (file: string) => (memberDir === null ? file : path.posix.relative(memberDir, file));
  const requires = modules.flatMap(({ dir, mod }) => mod.requires.map((requirement) => ({ ...requirement, file: inModule(dir, 'go.mod') })));
  const directives = work ? { ...work, file: 'go.work' } : modules[0] ? { ...modules[0].mod, file: 'go.mod' } : { go: null, toolchain: null, file: 'go.mod' };

  const goVersion = effectiveGoVersion(directives, toolVersion(project, ['go', 'golang']));
  const moduleFiles = [...(work ? ['go.work', 'go.work.sum'] : []), ...modules.flatMap(({ dir }) => [inModule(dir, 'go.mod'), inModule(dir, 'go.sum')])].filter((file) =>
    project.hasFile(file),
  );
  const folderName = path.basename(memberDir ?? project.root);
  const thirdParty = layout.value === 'none' ? sources.find((source) => /^\s*(?:import\s+)?(?:\w+\s+)?"[a-z0-9-]+\.[a-z.]+\//m.test(source.code)) : undefined;

  const mainDirs = new Map<string, string>();
  for (const source of member ? [member.main] : sources) {
    if (source.packageName === 'main' && !mainDirs.has(source.dir)) mainDirs.set(source.dir, source.file);
  }
  const mainPackages = [...mainDirs].map(([dir, file]) => fact(packagePath(dir), { file }));

  const cgoImport = findCgoImport(compiled);
  const cgoRequire = requires.find((requirement) => requirement.path in CGO_MODULES);
  const cgoRuntimeLibraries = requires.map((requirement) => CGO_MODULES[requirement.path]).filter((library): library is string => typeof library === 'string');
  const cgo = cgoImport ? fact(true, cgoImport) : cgoRequire ? fact(true, { file: cgoRequire.file, line: cgoRequire.line }) : fact(false, null);
  const cgoReason = cgoImport ? `import "C" in ${cgoImport.file}` : cgoRequire ? `${cgoRequire.path} needs cgo` : null;

  const ports: Fact<number>[] = [];
  const envFallbacks: Fact<number>[] = [];
  const listening = new Set<string>();
  let readsPortEnv: Fact<boolean> = fact(false, null);
  let servesNetwork: Fact<boolean> = fact(false, null);
  for (const source of sources) {
    const lineOf = lineIndex(source.code);
    const before = ports.length;
    for (const match of source.code.matchAll(/"(?:0\.0\.0\.0)?:(\d{2,5})"/g)) {
      const port = Number(match[1]);
      if (port >= 1 && port <= 65535) ports.push(fact(port, { file: source.file, line: lineOf(match.index) }));
    }
    const envAt = source.code.search(/\b(Getenv|LookupEnv)\("PORT"\)/);
    if (envAt !== -1 && !readsPortEnv.value) readsPortEnv = fact(true, { file: source.file, line: lineOf(envAt) });
    // port := os.Getenv("PORT"); if port == "" { port = "3000" }: the port when PORT is not set.
    for (const match of source.code.matchAll(/\b(\w+)\s*:?=\s*os\.Getenv\("PORT"\)\s*\n\s*if\s+(\w+)\s*==\s*""\s*\{\s*(\w+)\s*=\s*":?(\d{2,5})"/g)) {
      const [, name, tested, assigned, port] = match;
      if (name === tested && name === assigned && Number(port) <= 65535)
        envFallbacks.push(fact(Number(port), { file: source.file, line: lineOf(match.index + match[0].lastIndexOf(port!)) }));
    }
    const serverImportLine = importsAny(source, SERVER_IMPORTS);
    if (serverImportLine !== null && !servesNetwork.value) servesNetwork = fact(true, { file: source.file, line: serverImportLine });
    if (source.packageName === 'main' && (serverImportLine !== null || ports.length > before)) listening.add(packagePath(source.dir));
  }
  ports.push(...envFallbacks);
  if (!servesNetwork.value && ports.length > 0) servesNetwork = fact(true, ports[0]!.evidence);
  const ginImport = sources.map((source) => ({ source, line: importsAny(source, [GIN]) })).find(({ line }) => line !== null);
  const setsGinMode = sources.some((source) => /\bgin\.SetMode\(/.test(source.code));
  // From the folder the program runs in: a member's embeds are in its own folder.
  const embeddedFolders = [...new Set(sources.flatMap((source) => source.embeds.map((embedded) => fromRunDir(embedded).split('/')[0]!)))].filter(
    (folder) => folder !== '..' && folder !== '.',
  );

  return {
    language: 'go',
    private: detectGoPrivate(project),
    module: layout.value === 'module' ? fact(modules[0]!.mod.module.path, { file: 'go.mod', line: modules[0]!.mod.module.line }) : fact(moduleFromFolder(folderName), null),
    layout,
    workspaceModules: work ? modules.map((module) => module.dir) : [],
    moduleFiles,
    thirdPartyImports: thirdParty ? fact(true, { file: thirdParty.file }) : fact(false, null),
    runtimeVersion: goVersion,
    mainPackages,
    workspaceImports: work ? workspaceImportsOf(sources, modules) : {},
    cgo,
    cgoReason,
    cgoRuntimeLibraries,
    goSum: fact(
      moduleFiles.some((file) => file.endsWith('go.sum')),
      moduleFiles.some((file) => file.endsWith('go.sum')) ? { file: moduleFiles.find((file) => file.endsWith('go.sum'))! } : null,
    ),
    vendored: project.hasFile('vendor/modules.txt') ? fact(true, { file: 'vendor/modules.txt' }) : fact(false, null),
    requiresModules: requires.length > 0,
    ports,
    listeningMains: mainPackages.map((main) => main.value).filter((main) => listening.has(main)),
    folderName,
    readsPortEnv,
    servesNetwork,
    embeddedFolders,
    // Folders with Go sources are packages, and embedded ones are inside the binary already.
    runtimeFolders: findRuntimeFolders(
      project,
      sources,
      { folder: (folder) => read.sources.some((source) => source.dir === folder) || embeddedFolders.some((top) => within(fromRunDir(folder), top)) },
      memberDir ?? '',
    ),
    createsFile: findRelativeDatabase(sources),
    skippedSources: skipped,
    ginModeFromEnv: ginImport && !setsGinMode ? fact(true, { file: ginImport.source.file, line: ginImport.line! }) : null,
  };
}

/** `go 1.22.3` + `toolchain go1.23.4` (or mise's `go = "1.23"`) -> "1.23": the toolchain the author builds with, as a minor. */
function effectiveGoVersion(goMod: Pick<GoMod, 'go' | 'toolchain'> & { file: string }, managed: ReturnType<typeof toolVersion>): Fact<string> {
  const candidates: Fact<string>[] = [];
  if (managed) {
    if (!/^1\.\d+(\.\d+)?$/.test(managed.raw)) throw projectError(`${describeEvidence(managed.evidence)}: go "${managed.raw}" is not a Go release such as 1.23 or 1.23.4`);
    candidates.push(fact(managed.raw, managed.evidence));
  }
  if (goMod.go) candidates.push(fact(goMod.go.version, { file: goMod.file, line: goMod.go.line }));
  const toolchainVersion = goMod.toolchain && /^go(\d[^+]*)/.exec(goMod.toolchain.version)?.[1];
  if (toolchainVersion) candidates.push(fact(toolchainVersion, { file: goMod.file, line: goMod.toolchain!.line }));
  if (candidates.length === 0) return fact(DEFAULT_GO_VERSION, null);
  const toSemver = (version: string) => semver.coerce(version)!;
  const newest = candidates.reduce((a, b) => (semver.gt(toSemver(b.value), toSemver(a.value)) ? b : a));
  const { major, minor } = toSemver(newest.value);
  return fact(`${major}.${minor}`, newest.evidence);
}
