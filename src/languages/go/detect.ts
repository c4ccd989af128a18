import path from 'node:path';
import semver from 'semver';
import type { ProjectFiles } from '../../project.js';
import { parseGoMod } from './gomod.js';
import { fact, type Evidence, type Fact } from '../../core/facts.js';
import { lineAt, stripComments } from '../../core/text.js';

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

/** Imports that mean the program serves on a network port (not an exhaustive list, a strong hint). */
const SERVER_IMPORTS = [
  'net/http',
  'net',
  'github.com/gin-gonic/gin',
  'github.com/labstack/echo/v4',
  'github.com/gofiber/fiber/v2',
  'github.com/gofiber/fiber/v3',
  'github.com/go-chi/chi/v5',
  'google.golang.org/grpc',
];

export interface GoFacts {
  language: 'go';
  module: Fact<string>;
  /** The Go minor (e.g. "1.23") whose toolchain builds the module: the newer of `go` and `toolchain`. */
  runtimeVersion: Fact<string>;
  /** Package paths relative to the module root, e.g. "." or "./cmd/api". */
  mainPackages: Fact<string>[];
  cgo: Fact<boolean>;
  /** Why cgo is needed, in words, when it is. */
  cgoReason: string | null;
  /** Shared libraries a cgo dependency needs at run time besides libc. */
  cgoRuntimeLibraries: string[];
  goSum: Fact<boolean>;
  /** `vendor/modules.txt`: dependencies are in the source tree, nothing to download. */
  vendored: Fact<boolean>;
  requiresModules: boolean;
  /** Listen addresses written in the source (":8080"), in file order. */
  ports: Fact<number>[];
  readsPortEnv: Fact<boolean>;
  servesNetwork: Fact<boolean>;
}

interface GoSourceFile {
  file: string;
  dir: string;
  packageName: string;
  /** Source without comments, keeping line breaks so line numbers stay right. */
  code: string;
}

/** `//go:build ignore` files are generators run by hand, not part of any package. */
const IGNORED_BY_BUILD_TAG = /^\/\/go:build\s+ignore\b|^\/\/ \+build ignore\b/m;

function readGoSources(project: ProjectFiles): GoSourceFile[] {
  const files = project.files();
  // Folders with their own go.mod are other modules; `_` and `.` folders are ignored by the go tool.
  const nestedModules = files.filter((file) => file !== 'go.mod' && path.posix.basename(file) === 'go.mod').map((file) => `${path.posix.dirname(file)}/`);
  const sources: GoSourceFile[] = [];
  for (const file of files) {
    if (!file.endsWith('.go') || file.endsWith('_test.go')) continue;
    if (nestedModules.some((prefix) => file.startsWith(prefix))) continue;
    if (
      file
        .split('/')
        .slice(0, -1)
        .some((part) => part.startsWith('_') || part.startsWith('.'))
    )
      continue;
    const text = project.readSource(file);
    const code = stripComments(text);
    const packageClause = /^[ \t]*package\s+([A-Za-z_]\w*)/m.exec(code);
    if (!packageClause) continue;
    if (IGNORED_BY_BUILD_TAG.test(text.slice(0, text.indexOf(packageClause[0].trim())))) continue;
    sources.push({ file, dir: path.posix.dirname(file), packageName: packageClause[1]!, code });
  }
  return sources;
}

const packagePath = (dir: string) => (dir === '.' ? '.' : `./${dir}`);

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

/** Detects a Go module's build facts from go.mod and its own sources. Pure: reads, never asks. */
export function detectGo(project: ProjectFiles): GoFacts {
  const goMod = parseGoMod(project.readText('go.mod'));
  const sources = readGoSources(project);

  const goVersion = effectiveGoVersion(goMod);

  const mainDirs = new Map<string, string>();
  for (const source of sources) {
    if (source.packageName === 'main' && !mainDirs.has(source.dir)) mainDirs.set(source.dir, source.file);
  }
  const mainPackages = [...mainDirs].map(([dir, file]) => fact(packagePath(dir), { file }));

  const cgoImport = findCgoImport(sources);
  const cgoRequire = goMod.requires.find((requirement) => requirement.path in CGO_MODULES);
  const cgoRuntimeLibraries = goMod.requires.map((requirement) => CGO_MODULES[requirement.path]).filter((library): library is string => typeof library === 'string');
  const cgo = cgoImport ? fact(true, cgoImport) : cgoRequire ? fact(true, { file: 'go.mod', line: cgoRequire.line }) : fact(false, null);
  const cgoReason = cgoImport ? `import "C" in ${cgoImport.file}` : cgoRequire ? `${cgoRequire.path} needs cgo` : null;

  const ports: Fact<number>[] = [];
  let readsPortEnv: Fact<boolean> = fact(false, null);
  let servesNetwork: Fact<boolean> = fact(false, null);
  for (const source of sources) {
    for (const match of source.code.matchAll(/"(?:0\.0\.0\.0)?:(\d{2,5})"/g)) {
      const port = Number(match[1]);
      if (port >= 1 && port <= 65535) ports.push(fact(port, { file: source.file, line: lineAt(source.code, match.index) }));
    }
    const envAt = source.code.search(/\b(Getenv|LookupEnv)\("PORT"\)/);
    if (envAt !== -1 && !readsPortEnv.value) readsPortEnv = fact(true, { file: source.file, line: lineAt(source.code, envAt) });
    const serverImportLine = importsAny(source, SERVER_IMPORTS);
    if (serverImportLine !== null && !servesNetwork.value) servesNetwork = fact(true, { file: source.file, line: serverImportLine });
  }
  if (!servesNetwork.value && ports.length > 0) servesNetwork = fact(true, ports[0]!.evidence);

  return {
    language: 'go',
    module: fact(goMod.module.path, { file: 'go.mod', line: goMod.module.line }),
    runtimeVersion: goVersion,
    mainPackages,
    cgo,
    cgoReason,
    cgoRuntimeLibraries,
    goSum: fact(project.hasFile('go.sum'), project.hasFile('go.sum') ? { file: 'go.sum' } : null),
    vendored: project.hasFile('vendor/modules.txt') ? fact(true, { file: 'vendor/modules.txt' }) : fact(false, null),
    requiresModules: goMod.requires.length > 0,
    ports,
    readsPortEnv,
    servesNetwork,
  };
}

/** `go 1.22.3` + `toolchain go1.23.4` -> "1.23": the toolchain the author builds with, as a minor. */
function effectiveGoVersion(goMod: ReturnType<typeof parseGoMod>): Fact<string> {
  const candidates: Fact<string>[] = [];
  if (goMod.go) candidates.push(fact(goMod.go.version, { file: 'go.mod', line: goMod.go.line }));
  const toolchainVersion = goMod.toolchain && /^go(\d[^+]*)/.exec(goMod.toolchain.version)?.[1];
  if (toolchainVersion) candidates.push(fact(toolchainVersion, { file: 'go.mod', line: goMod.toolchain!.line }));
  if (candidates.length === 0) return fact(DEFAULT_GO_VERSION, null);
  const toSemver = (version: string) => semver.coerce(version)!;
  const newest = candidates.reduce((a, b) => (semver.gt(toSemver(b.value), toSemver(a.value)) ? b : a));
  const { major, minor } = toSemver(newest.value);
  return fact(`${major}.${minor}`, newest.evidence);
}
