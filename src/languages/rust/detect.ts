import path from 'node:path';
import semver from 'semver';
import { projectError } from '../../errors.js';
import { ProjectFiles } from '../../project.js';
import {
  declaredDependencies,
  lineOfArrayEntry,
  lineOfKey,
  lockedClosure,
  lockedPackages,
  lookup,
  offsetOfTable,
  optionalString,
  type DeclaredDependency,
  type LockedPackage,
} from './cargo.js';
import { isTable, readToml, type TomlFile } from '../../core/manifest.js';
import { detectCargoRegistries, detectSshGit, type CargoRegistries } from './secrets.js';
import { fact, rebaseEvidence, type Evidence, type Fact } from '../../core/facts.js';
import { toolVersion } from '../../core/tool-versions.js';
import { globMatcher } from '../../core/glob.js';
import { lineIndex, stripComments } from '../../core/text.js';
import { RUST_RELEASE } from './release.js';
import { findRuntimeFolders, outermost, type ScannedSource } from '../../core/runtime-folders.js';

/** The Rust release a project gets when nothing pins one (the current stable minor). */
export const DEFAULT_RUST_VERSION = '1.95';

/** Package and target names cargo accepts (and the only ones that may reach a RUN line). */
const CARGO_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** `-sys` crates that are plain Rust bindings (to the kernel or another OS), compiling and linking no C library here. */
const PURE_RUST_SYS_CRATES = new Set([
  'linux-raw-sys',
  'windows-sys',
  'js-sys',
  'web-sys',
  'core-foundation-sys',
  'security-framework-sys',
  'fsevent-sys',
  'inotify-sys',
  'io-kit-sys',
  'objc-sys',
  'system-configuration-sys',
  'wasi',
  // dirs-sys calls libc from Rust; jni-sys only declares jni.h's types; fuchsia-zircon-sys builds for Fuchsia alone.
  'dirs-sys',
  'jni-sys',
  'fuchsia-zircon-sys',
]);

/**
 * `-sys` crates that compile the C library they carry (with cc, make or cmake) and link it into the
 * binary: nothing comes from the system. zstd-sys asks pkg-config only with its "pkg-config" feature.
 */
const ALWAYS_BUNDLED_SYS_CRATES = new Set(['zstd-sys', 'aws-lc-sys', 'tikv-jemalloc-sys', 'jemalloc-sys', 'libmimalloc-sys', 'lz4-sys']);

/** Crates whose presence in Cargo.lock means C code is compiled for the target. */
const C_BUILD_CRATES = new Set(['cc', 'cmake']);

/** Crates that mean the program serves on a network port (a strong hint, not an exhaustive list). */
/** The port Rocket listens on when nothing configures one. */
const ROCKET_DEFAULT_PORT = 8000;
const SERVER_CRATES = new Set(['axum', 'actix-web', 'loco-rs', 'rocket', 'warp', 'hyper', 'tide', 'poem', 'salvo', 'tonic', 'tiny_http', 'ntex', 'gotham']);

export interface RustBinary {
  /** The binary target's name: what `cargo build --bin` takes and what the image runs. */
  name: string;
  /** The package that builds it (`cargo build --package`). */
  package: string;
}

export interface NativeDependency {
  /** The `-sys` crate, e.g. "openssl-sys". */
  crate: string;
  /** Builds its C library from source (openssl `vendored`, rusqlite `bundled`): nothing comes from the system. */
  bundled: boolean;
}

export interface RustFacts {
  language: 'rust';
  /** The root package's name; null for a virtual workspace (a root Cargo.toml with [workspace] only). */
  packageName: Fact<string> | null;
  /**
   * The release (e.g. "1.82" or "1.82.0") the builder image is: the rust-toolchain pin, else the current
   * stable, or the rust-version when that is newer (evidence: the rust-version that was weighed).
   */
  runtimeVersion: Fact<string>;
  /** The highest `rust-version` (MSRV): the builder must be at least this new. */
  minimumVersion: Fact<string> | null;
  /** rust-toolchain(.toml) when its channel is a release the builder image provides, so the build context can leave it out. */
  toolchainFile: string | null;
  /** A channel the rust image does not provide (nightly, beta, a dated nightly), which rustup downloads during the build. */
  otherChannel: Fact<string> | null;
  binaries: Fact<RustBinary>[];
  /** Binaries whose own source file serves (a listener, a bind, a server crate's serve call): the rule for several. */
  listeningBinaries: string[];
  /** `default-run`: the binary `cargo run` picks among several. */
  defaultRun: Fact<string> | null;
  /** Workspace member folders (empty without [workspace]). */
  workspaceMembers: string[];
  /**
   * The workspace's packages (the root package and the members; empty without [workspace]), so a build
   * can leave out the sources of those its package does not depend on.
   */
  workspacePackages: WorkspacePackage[];
  lockfile: Fact<boolean>;
  /** Crates come from crates.io or git (not only path dependencies): the build downloads them. */
  registryDependencies: Fact<boolean>;
  nativeDependencies: Fact<NativeDependency>[];
  /** Something compiles C for the target, so the build cannot simply cross-compile with rust-lld. */
  compilesC: Fact<boolean>;
  compilesCReason: string | null;
  /** The Cargo.toml of a workspace above the folder that has this package as a member (cargo builds it from there). */
  enclosingWorkspace: Fact<string> | null;
  /** For a workspace member: the build context above it that holds the workspace and its path dependencies. */
  memberBuild: MemberBuild | null;
  /** Path dependencies outside the folder: the build context cannot include them. */
  outsidePaths: Fact<string>[];
  /** Listen addresses written in the source ("0.0.0.0:3000"), in file order. */
  ports: Fact<number>[];
  /** A listen address on loopback only, unreachable from outside a container. */
  loopbackBind: Fact<string> | null;
  readsPortEnv: Fact<boolean>;
  /**
   * The default of a `--port` command-line option (clap): the program takes its settings as arguments,
   * so what it needs to start (a folder to serve, a config file) may be one of them too.
   */
  portOption: Fact<number> | null;
  servesNetwork: Fact<boolean>;
  /** Sources larger than a scan reads (generated tables): skipped, and said so. */
  skippedSources: string[];
  /**
   * Linker tools `.cargo/config.toml` asks for on Linux glibc (`-C linker=clang`, `-fuse-ld=lld`, as
   * zero2prod sets for faster links): the rust images have neither clang, lld nor mold.
   */
  linkerTools: Fact<string[]> | null;
  /** Project folders the program reads from its working directory (`Tera::new` of "templates/" and a glob), which the binary does not hold. */
  runtimeFolders: Fact<string>[];
  /** Project files the program reads from its working directory (Rocket.toml): the image copies them to /app beside the folders. */
  runtimeFiles: Fact<string>[];
  /** A file the program creates in its working directory (a Loco app's SQLite database): /app must let it. */
  createdFile: Fact<string> | null;
  /** How a Rocket app is configured, which decides what the image must set for it to listen beyond loopback; null without Rocket. */
  rocket: RocketSettings | null;
  /** How a Loco app starts and what it reads and writes where it runs; null without loco-rs. */
  loco: LocoSettings | null;
  /** A git dependency over ssh (a manifest's `git = "ssh://..."`, the lock's `git+ssh://`): fetched with the builder's ssh agent. */
  sshGit: Fact<boolean>;
  /**
   * A crate made for WebAssembly runtimes (tokio_wasi, hyper_wasi, wasmedge_wasi_socket): the app is built
   * for wasm32-wasi and run by WasmEdge, not as a Linux binary; null for a native app.
   */
  webAssembly: Fact<string> | null;
  /** Private registries .cargo/config.toml declares, and where their tokens come from; null for a workspace member built from above. */
  registries: CargoRegistries | null;
}

/**
 * Rocket reads its settings from Rocket.toml in its working directory (or a parent), then from
 * ROCKET_ variables, which win; for a release build its [default], [release] and [global] tables
 * apply, later ones winning. With none of them it listens on 127.0.0.1:8000.
 */
export interface RocketSettings {
  /** Where the package depends on rocket. */
  dependency: Evidence;
  /** The address Rocket.toml gives a release build, or null when it gives none. */
  configuredAddress: Fact<string> | null;
  /** The source sets the address itself (`Config { address, .. }`, a figment merge of "address"), over what the environment says. */
  addressInSource: Fact<boolean>;
}

/**
 * Loco (loco-rs): the binary is Loco's CLI (`cli::main::<App, Migrator>()`), which serves with
 * `start`, on the address config/<environment>.yaml's server.binding gives, "localhost" by default
 * (loco-rs src/config.rs default_binding). The environment is LOCO_ENV's, development by default;
 * config/, assets/ (views, static files, i18n) and the static middleware's folder are read from the
 * working directory, where a SQLite database URI creates its file.
 */
export interface LocoSettings {
  /** Where the package depends on loco-rs. */
  dependency: Evidence;
  /** The source that runs Loco's CLI, whose `start` serves; null when no binary does (the app runs its own main). */
  cliMain: Evidence | null;
  /** config/production.yaml exists: the image runs the production environment. */
  production: Fact<boolean>;
  /** The loco-rs release Cargo.lock pins; null without a lock. Before 0.14, `start` ignores its --binding and --port (Hooks::serve reads the config's). */
  version: Fact<string> | null;
  /** server.binding in the environment's config file; null when it sets none (localhost). */
  configuredBinding: Fact<string> | null;
}

/** One package of a workspace, its paths from the workspace root. */
export interface WorkspacePackage {
  /** Its folder ("crates/api"; "." for the root package). */
  dir: string;
  name: string;
  /**
   * The workspace packages it depends on by name: normal and build dependencies, per target too, so a
   * `path` dependency, one inherited with `workspace = true` and a `[patch]` of a member alike.
   */
  uses: string[];
  /** The files cargo needs to load its manifest (its target roots and build script), which get empty stand-ins when its sources are left out. */
  targets: string[];
}

/** Where a workspace member is built from: every path is relative, with forward slashes. */
export interface MemberBuild {
  /** The build context from the member's folder: "../..". */
  contextPath: string;
  /** The member's folder inside the context: "examples/hello-world". */
  memberPath: string;
  /** The workspace root inside the context ("examples"), or null when it is the context itself. */
  workspaceDir: string | null;
}

interface Package {
  /** The package folder relative to the project, "." for the root. */
  dir: string;
  manifest: TomlFile;
  name: string;
}

const inDir = (dir: string, rel: string) => (dir === '.' ? rel : `${dir}/${rel}`);

function readPackage(project: ProjectFiles, dir: string, manifest = readToml(project, inDir(dir, 'Cargo.toml'))): Package {
  const name = optionalString(manifest, 'package', 'name');
  if (name === null) throw projectError(`${manifest.file}: [package] has no name`);
  if (!CARGO_NAME.test(name)) throw projectError(`${manifest.file}: package name "${name}" is not a valid Cargo name (letters, digits, - and _)`);
  return { dir, manifest, name };
}

/** `crates/*` style member globs matched against the folders that hold a Cargo.toml. */
function workspaceMembers(project: ProjectFiles, root: TomlFile): string[] {
  const list = (key: string): string[] => {
    const value = lookup(root.data, 'workspace', key);
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw projectError(`${root.file}: workspace.${key} must be an array of paths`);
    return (value as string[]).map((item) => item.replace(/^\.\//, '').replace(/\/+$/, ''));
  };
  const manifestDirs = project
    .files()
    .filter((file) => file.endsWith('/Cargo.toml'))
    .map((file) => path.posix.dirname(file));
  const excluded = list('exclude').map(globMatcher);
  const members: string[] = [];
  for (const glob of list('members')) {
    if (!/[*?[]/.test(glob)) {
      if (!project.hasFile(inDir(glob, 'Cargo.toml'))) throw projectError(`${root.file}: workspace member ${glob} has no Cargo.toml`);
      members.push(glob);
      continue;
    }
    members.push(...manifestDirs.filter(globMatcher(glob)));
  }
  // Cargo makes every path dependency inside the workspace's folder a member too, and theirs (loco's migration crate).
  const manifestIn = (dir: string) => ({ dir, manifest: readToml(project, inDir(dir, 'Cargo.toml')) });
  const pending = [{ dir: '.', manifest: root }, ...members.map(manifestIn)];
  while (pending.length > 0 && members.length < 500) {
    for (const { dir } of pathDependencies([pending.pop()!])) {
      if (dir === '.' || dir.startsWith('..') || members.includes(dir) || !project.hasFile(inDir(dir, 'Cargo.toml'))) continue;
      members.push(dir);
      pending.push(manifestIn(dir));
    }
  }
  return [...new Set(members)].filter((dir) => dir !== '.' && !excluded.some((matches) => matches(dir)));
}

/** The nearest workspace above the folder whose members include it; the search stops at a repository root. */
function findEnclosingWorkspace(project: ProjectFiles): { folder: ProjectFiles; manifest: TomlFile } | null {
  return project.findUp((folder) => {
    if (folder.readTextIfUsable('Cargo.toml') === null) return null;
    const manifest = readToml(folder, 'Cargo.toml');
    if (manifest.data.workspace === undefined || !workspaceMembers(folder, manifest).includes(project.pathFrom(folder))) return null;
    return { folder, manifest };
  });
}

/** A source that serves: a listener or bind, or a web framework's server started. */
const SERVES = /\b(TcpListener|HttpServer::new|axum::serve|warp::serve|Server::bind|rocket::build)\b|#\[(?:rocket::)?launch\]|\.bind\(/;

/** Binary targets of one package: `[[bin]]` entries, then src/main.rs and src/bin/ as cargo discovers them; with each one's source file. */
function binariesOf(project: ProjectFiles, pkg: Package): { binary: Fact<RustBinary>; source: string }[] {
  const { manifest } = pkg;
  const declared = manifest.data.bin;
  if (declared !== undefined && !Array.isArray(declared)) throw projectError(`${manifest.file}: bin must be an array of [[bin]] tables`);
  const found: { binary: Fact<RustBinary>; source: string }[] = [];
  const paths = new Set<string>();
  (declared ?? []).forEach((entry: unknown, index: number) => {
    if (!isTable(entry) || typeof entry.name !== 'string') throw projectError(`${manifest.file}: [[bin]] number ${index + 1} has no name`);
    if (!CARGO_NAME.test(entry.name)) throw projectError(`${manifest.file}: [[bin]] name "${entry.name}" is not a valid target name (letters, digits, - and _)`);
    // Without a path, cargo looks in src/bin/ (src/main.rs for the package's own name).
    const rel = typeof entry.path === 'string' ? entry.path.replace(/^\.\//, '') : entry.name === pkg.name ? 'src/main.rs' : `src/bin/${entry.name}.rs`;
    if (typeof entry.path === 'string') paths.add(rel);
    found.push({ binary: fact({ name: entry.name, package: pkg.name }, { file: manifest.file, line: lineOfArrayEntry(manifest, 'bin', index) }), source: inDir(pkg.dir, rel) });
  });
  if (lookup(manifest.data, 'package', 'autobins') === false) return found;
  const add = (name: string, rel: string) => {
    if (paths.has(rel) || found.some(({ binary }) => binary.value.name === name)) return;
    found.push({ binary: fact({ name, package: pkg.name }, { file: inDir(pkg.dir, rel) }), source: inDir(pkg.dir, rel) });
  };
  if (project.hasFile(inDir(pkg.dir, 'src/main.rs'))) add(pkg.name, 'src/main.rs');
  const binDir = inDir(pkg.dir, 'src/bin/');
  for (const file of project.files().filter((candidate) => candidate.startsWith(binDir))) {
    const rel = file.slice(binDir.length);
    const name = /^([^/]+)\.rs$/.exec(rel)?.[1] ?? /^([^/]+)\/main\.rs$/.exec(rel)?.[1];
    // cargo itself rejects a target named otherwise, so such a file is not a binary this image could run.
    if (name && CARGO_NAME.test(name)) add(name, `src/bin/${rel}`);
  }
  return found;
}

/**
 * The toolchain file's channel: `[toolchain] channel = "..."` in TOML, or the legacy one-line rust-toolchain;
 * else the release mise or asdf pins (`rust = "1.85"`, `rust 1.85.0`), which rustup in the image ignores.
 */
function toolchainChannel(project: ProjectFiles): Fact<string> | null {
  const channel = toolchainFileChannel(project);
  if (channel) return channel;
  // Only a release counts: rustup in the image reads rust-toolchain files, never mise's or asdf's, so their channels change nothing.
  const managed = toolVersion(project, ['rust']);
  return managed && RUST_RELEASE.test(managed.raw) ? fact(managed.raw, managed.evidence) : null;
}

function toolchainFileChannel(project: ProjectFiles): Fact<string> | null {
  for (const file of ['rust-toolchain.toml', 'rust-toolchain']) {
    if (!project.hasFile(file)) continue;
    const text = project.readText(file);
    if (file === 'rust-toolchain' && !/^[ \t]*\[/m.test(text)) {
      const channel = text.trim();
      if (channel === '' || /\s/.test(channel)) throw projectError(`${file}: expected one toolchain channel such as 1.82.0 or stable`);
      return fact(channel, { file, line: 1 });
    }
    const toml = readToml(project, file);
    const channel = optionalString(toml, 'toolchain', 'channel');
    if (channel === null) {
      if (lookup(toml.data, 'toolchain', 'path') !== undefined) throw projectError(`${file}: toolchain.path names a local toolchain, which no image has`);
      return null;
    }
    return fact(channel, { file, line: lineOfKey(toml, 'channel') });
  }
  return null;
}

const releaseOf = (version: string) => semver.coerce(version)!;

/**
 * The highest `rust-version` among the root, the workspace defaults and the members; for one member
 * built alone, its own (or the workspace's, when it inherits it with `rust-version.workspace = true`).
 */
function minimumRustVersion(packages: Package[], root: TomlFile, member: Package | null): Fact<string> | null {
  const candidates: { version: string; file: TomlFile; line: number | undefined }[] = [];
  const consider = (file: TomlFile, value: unknown, table: string) => {
    if (value === undefined || isTable(value)) return; // `rust-version.workspace = true` inherits the workspace's.
    if (typeof value !== 'string' || !RUST_RELEASE.test(value)) throw projectError(`${file.file}: rust-version must be a version such as "1.80", got ${JSON.stringify(value)}`);
    candidates.push({ version: value, file, line: lineOfKey(file, 'rust-version', offsetOfTable(file, table)) });
  };
  const own = member && lookup(member.manifest.data, 'package', 'rust-version');
  if (!member || (isTable(own) && own.workspace === true)) consider(root, lookup(root.data, 'workspace', 'package', 'rust-version'), 'workspace.package');
  for (const pkg of member ? [member] : packages) consider(pkg.manifest, lookup(pkg.manifest.data, 'package', 'rust-version'), 'package');
  if (candidates.length === 0) return null;
  const newest = candidates.reduce((a, b) => (semver.gt(releaseOf(b.version), releaseOf(a.version)) ? b : a));
  return fact(newest.version, { file: newest.file.file, line: newest.line });
}

/** The rust-toolchain file a channel came from (the context leaves it out); null for mise's or asdf's file. */
const toolchainFileOf = (channel: Fact<string>) => (/^rust-toolchain(\.toml)?$/.test(channel.evidence!.file) ? channel.evidence!.file : null);

function detectRuntimeVersion(channel: Fact<string> | null, minimum: Fact<string> | null): Pick<RustFacts, 'runtimeVersion' | 'toolchainFile' | 'otherChannel'> {
  if (channel && RUST_RELEASE.test(channel.value)) return { runtimeVersion: channel, toolchainFile: toolchainFileOf(channel), otherChannel: null };
  // An MSRV is a floor, not the compiler to ship with: current stable, unless the floor is newer.
  const stable = minimum && semver.gt(releaseOf(minimum.value), releaseOf(DEFAULT_RUST_VERSION)) ? minimum.value : DEFAULT_RUST_VERSION;
  // "stable" is what the rust image is; any other channel (nightly, beta) is downloaded by rustup in the build.
  const onStable = !channel || channel.value === 'stable';
  return {
    runtimeVersion: fact(stable, minimum?.evidence ?? (channel?.value === 'stable' ? channel.evidence : null)),
    toolchainFile: channel?.value === 'stable' ? toolchainFileOf(channel) : null,
    otherChannel: onStable ? null : channel,
  };
}

/** Declared dependencies that imply a `-sys` crate (when there is no Cargo.lock to list it). */
function impliedSysCrate(dependency: DeclaredDependency): string | null {
  if (dependency.crate.endsWith('-sys')) return dependency.crate;
  if (['openssl', 'native-tls'].includes(dependency.crate)) return 'openssl-sys';
  // reqwest's default TLS is native-tls, which is OpenSSL on Linux.
  if (dependency.crate === 'reqwest' && (dependency.defaultFeatures || dependency.features.some((feature) => feature.startsWith('native-tls') || feature === 'default-tls')))
    return 'openssl-sys';
  if (dependency.crate === 'rusqlite') return 'libsqlite3-sys';
  return null;
}

/** Whether the C library is built from source by a feature of a declared dependency (or openssl-src in the lock). */
function isBundled(crate: string, declared: DeclaredDependency[], locked: LockedPackage[]): boolean {
  const hasFeature = (crates: string[], test: (feature: string) => boolean) => declared.some((dependency) => crates.includes(dependency.crate) && dependency.features.some(test));
  if (crate === 'openssl-sys') {
    return (
      locked.some((pkg) => pkg.name === 'openssl-src') ||
      hasFeature(['openssl', 'openssl-sys', 'native-tls'], (feature) => feature === 'vendored') ||
      hasFeature(['reqwest'], (feature) => feature === 'native-tls-vendored')
    );
  }
  // sqlx's "sqlite" feature builds SQLite from source ("sqlite-unbundled" links the system's).
  if (crate === 'libsqlite3-sys')
    return hasFeature(['rusqlite', 'libsqlite3-sys'], (feature) => feature.startsWith('bundled')) || hasFeature(['sqlx'], (feature) => feature === 'sqlite');
  if (crate === 'zstd-sys') return !hasFeature(['zstd', 'zstd-safe', 'zstd-sys'], (feature) => feature === 'pkg-config');
  return ALWAYS_BUNDLED_SYS_CRATES.has(crate);
}

/**
 * Cargo.lock also lists optional dependencies no enabled feature builds (sqlx's lock names sqlx-sqlite and
 * libsqlite3-sys for a Postgres-only app): SQLite is linked only when something declared asks for it.
 */
function lockedButUnused(crate: string, declared: DeclaredDependency[]): boolean {
  if (crate !== 'libsqlite3-sys') return false;
  return !declared.some((dependency) => dependency.crate.includes('sqlite') || dependency.features.some((feature) => feature.includes('sqlite')));
}

interface DeclaredIn {
  dependency: DeclaredDependency;
  file: string;
}

function detectNative(
  declared: DeclaredIn[],
  lock: TomlFile | null,
  locked: LockedPackage[],
): Pick<RustFacts, 'nativeDependencies' | 'compilesC' | 'compilesCReason' | 'registryDependencies'> {
  const dependencies = declared.map((entry) => entry.dependency);
  const sys = new Map<string, Evidence>();
  if (lock) {
    for (const pkg of locked) {
      if (pkg.name.endsWith('-sys') && !PURE_RUST_SYS_CRATES.has(pkg.name) && !sys.has(pkg.name) && !lockedButUnused(pkg.name, dependencies))
        sys.set(pkg.name, { file: lock.file, line: pkg.line });
    }
  } else {
    for (const { dependency, file } of declared) {
      const crate = impliedSysCrate(dependency);
      if (crate && !PURE_RUST_SYS_CRATES.has(crate) && !sys.has(crate)) sys.set(crate, { file, line: dependency.line });
    }
  }
  const nativeDependencies = [...sys].map(([crate, evidence]) => fact({ crate, bundled: isBundled(crate, dependencies, locked) }, evidence));

  const fromRegistry = declared.find(({ dependency }) => dependency.path === null);
  let compilesC: Fact<boolean> = fact(false, null);
  let compilesCReason: string | null = null;
  if (lock) {
    const compiler = locked.find((pkg) => C_BUILD_CRATES.has(pkg.name) || sys.has(pkg.name));
    if (compiler) {
      compilesC = fact(true, { file: lock.file, line: compiler.line });
      compilesCReason = `${compiler.name} in Cargo.lock compiles C code`;
    }
  } else if (fromRegistry) {
    compilesC = fact(true, { file: fromRegistry.file, line: fromRegistry.dependency.line });
    compilesCReason = 'without Cargo.lock, any dependency may compile C code';
  }
  const registryPackage = locked.find((pkg) => pkg.fromRegistry);
  const registryDependencies = lock
    ? fact(registryPackage !== undefined, registryPackage ? { file: lock.file, line: registryPackage.line } : null)
    : fact(fromRegistry !== undefined, fromRegistry ? { file: fromRegistry.file, line: fromRegistry.dependency.line } : null);
  return { nativeDependencies, compilesC, compilesCReason, registryDependencies };
}

/** Blanks out `#[cfg(test)]` items (a `mod tests { ... }`), keeping newlines: their addresses are test fixtures, not what the program binds. */
function blankTestItems(code: string): string {
  let out = code;
  for (let at = out.indexOf('#[cfg(test)]'); at !== -1; at = out.indexOf('#[cfg(test)]', at + 1)) {
    const open = out.indexOf('{', at);
    const semicolon = out.indexOf(';', at);
    if (open === -1 || (semicolon !== -1 && semicolon < open)) continue;
    let depth = 0;
    let end = open;
    for (; end < out.length; end++) {
      if (out[end] === '{') depth++;
      else if (out[end] === '}' && --depth === 0) break;
    }
    out = out.slice(0, at) + out.slice(at, end + 1).replace(/[^\n]/g, ' ') + out.slice(end + 1);
  }
  return out;
}

/** Linkers and -fuse-ld values a .cargo/config names that the rust images lack, by tool. */
const LINKER_TOOLS = ['clang', 'lld', 'mold'] as const;

/**
 * The linker tools cargo's config asks for when it builds for Linux with glibc: `linker` and `rustflags`
 * of `[build]` and of `[target.<arch>-unknown-linux-gnu]`. Only the config beside the manifest counts:
 * the build runs cargo there, and cargo reads its config from where it runs.
 */
function linkerTools(project: ProjectFiles): Fact<string[]> | null {
  const file = ['.cargo/config.toml', '.cargo/config'].find((candidate) => project.hasFile(candidate));
  if (!file) return null;
  const config = readToml(project, file);
  const targets = isTable(config.data.target) ? config.data.target : {};
  const sections = [
    ['build', config.data.build] as const,
    ...Object.entries(targets)
      .filter(([triple]) => /-unknown-linux-gnu$/.test(triple))
      .map(([triple, table]) => [`target.${triple}`, table] as const),
  ];
  const tools = new Set<string>();
  let header: string | null = null;
  for (const [name, table] of sections) {
    if (!isTable(table)) continue;
    const flags = [table.rustflags]
      .flat()
      .filter((flag): flag is string => typeof flag === 'string')
      .join(' ');
    const linker = typeof table.linker === 'string' ? table.linker : /\blinker=(\S+)/.exec(flags)?.[1];
    const fuseLd = /-fuse-ld=(\w+)/.exec(flags)?.[1];
    const found = LINKER_TOOLS.filter((tool) => (linker !== undefined && path.posix.basename(linker).replace(/-\d+$/, '') === tool) || fuseLd === tool);
    found.forEach((tool) => tools.add(tool));
    if (found.length > 0) header ??= name;
  }
  if (tools.size === 0) return null;
  const line = config.text.split('\n').findIndex((text) => text.trim().replace(/['"]/g, '') === `[${header}]`) + 1;
  return fact([...tools], line > 0 ? { file, line } : { file });
}

/** Folders cargo reads or writes, never the program at run time. */
const RUST_BUILD_FOLDERS = new Set(['target', 'tests', 'benches', 'examples', '.cargo']);
/** A literal the build consumes: an include macro's path (include_str!, sqlx::migrate!, include_dir!) or a derive's folder (rust-embed, askama). */
/** A call that takes a path: `base.join("configuration")`, `Path::new(`, `fs::read_dir(`, `ServeDir::new(`, config's `File::with_name(`. */
const PATH_ARGUMENT = /(?:\.join|Path::new|PathBuf::from|read_dir|read_to_string|File::open|ServeDir::new|Files::new|with_name|nest_service|from_path)\s*\(\s*(?:"[^"]*"\s*,\s*)?$/;
const COMPILED_IN_LITERAL = /(?:\b(?:include_str|include_bytes|include_dir|migrate|embed_dir)!\s*\(\s*|#\[\s*(?:folder|template\s*\(\s*path)\s*=\s*)$/;

/** The clap argument a `default_value` belongs to is a port: `Arg::new("port")` before it, or a `port` field after the attribute. */
function isPortArgument(code: string, at: number): boolean {
  const start = Math.max(code.lastIndexOf('Arg::new(', at), code.lastIndexOf('.arg(', at), code.lastIndexOf('#[', at));
  if (start !== -1 && at - start < 400 && /"[\w-]*port[\w-]*"/i.test(code.slice(start, at))) return true;
  const field = /^[^\]]*\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?(\w+)\s*:/.exec(code.slice(at, at + 300));
  return field !== null && /port/i.test(field[1]!);
}

/** `port` in the listening section of a config crate's file (configuration/base.yaml `application: port: 8000`), not a database's. */
function configFilePort(project: ProjectFiles, pkg: Package): Fact<number> | null {
  const candidates = project
    .files()
    .filter((file) =>
      /^(?:(?:config|configuration|settings)\/[^/]+|(?:config|settings|Config|Settings))\.(?:ya?ml|toml)$/.test(pkg.dir === '.' ? file : file.slice(pkg.dir.length + 1)),
    )
    .filter((file) => pkg.dir === '.' || file.startsWith(`${pkg.dir}/`))
    // The base or default file holds what every environment shares.
    .sort((a, b) => Number(!/\/(base|default)\.\w+$/.test(a)) - Number(!/\/(base|default)\.\w+$/.test(b)));
  for (const file of candidates) {
    const port = portInConfigFile(project, file);
    if (port) return port;
  }
  return null;
}

/** `port` at the top of a configuration file, or in its listening section (`[server]`, `application:`). */
function portInConfigFile(project: ProjectFiles, file: string): Fact<number> | null {
  const serving = /^(application|app|server|http|web|api|service)$/i;
  let section: string | null = null;
  for (const [index, line] of project.readText(file).split('\n').entries()) {
    const header = /^\[([\w.-]+)\]/.exec(line) ?? /^([\w-]+):\s*$/.exec(line);
    if (header) {
      section = header[1]!.split('.')[0]!;
      continue;
    }
    const port = /^\s*port\s*[:=]\s*"?(\d{2,5})"?\s*$/.exec(line);
    if (port && (section === null || serving.test(section))) return fact(Number(port[1]), { file, line: index + 1 });
  }
  return null;
}

function detectNetwork(
  project: ProjectFiles,
  packages: Package[],
  declared: DeclaredIn[],
  /** The member folder a member's program runs in, which its relative paths start from ('' for the project's root). */
  runsIn: string,
  /** The loco-rs release Cargo.lock pins. */
  lockedLoco: Fact<string> | null,
): Pick<
  RustFacts,
  'ports' | 'loopbackBind' | 'readsPortEnv' | 'portOption' | 'servesNetwork' | 'skippedSources' | 'runtimeFolders' | 'runtimeFiles' | 'createdFile' | 'rocket' | 'loco'
> {
  const ports: Fact<number>[] = [];
  // Ports written as defaults rather than in a listen address: used only when no address names one.
  const defaults: Fact<number>[] = [];
  let loopbackBind: Fact<string> | null = null;
  let readsPortEnv: Fact<boolean> = fact(false, null);
  let portOption: Fact<number> | null = null;
  let listener: Evidence | null = null;
  const sources = project.files().filter((file) => file.endsWith('.rs') && packages.some((pkg) => pkg.dir === '.' || file.startsWith(`${pkg.dir}/`)));
  const skippedSources: string[] = [];
  const scanned: ScannedSource[] = [];
  for (const file of sources) {
    if (/(^|\/)(tests|benches|examples)\//.test(file)) continue;
    if (project.tooLargeToScan(file)) {
      skippedSources.push(file);
      continue;
    }
    const code = blankTestItems(stripComments(project.readSource(file)));
    scanned.push({ file, code });
    const lineOf = lineIndex(code);
    const evidence = (index: number): Evidence => ({ file, line: lineOf(index) });
    // "0.0.0.0:3000", ([0, 0, 0, 0], 3000), and actix's ("127.0.0.1", 8080).
    const addresses =
      /"(0\.0\.0\.0|\[::\]|127\.0\.0\.1|localhost)?:(\d{2,5})"|\(\[\s*(0|127)\s*,\s*0\s*,\s*0\s*,\s*[01]\s*\]\s*,\s*(\d{2,5})\s*\)|\(\s*"(0\.0\.0\.0|::|127\.0\.0\.1|localhost)"\s*,\s*(\d{2,5})\s*\)/g;
    for (const match of code.matchAll(addresses)) {
      const port = Number(match[2] ?? match[4] ?? match[6]);
      if (port < 1 || port > 65535) continue;
      ports.push(fact(port, evidence(match.index)));
      const loopback = ['127.0.0.1', 'localhost'].includes(match[1] ?? match[5] ?? '') || match[3] === '127';
      if (loopback && !loopbackBind) loopbackBind = fact(match[0], evidence(match.index));
    }
    // format!("127.0.0.1:{port}"): a loopback address around a port the program computes.
    const formatted = /"(?:127\.0\.0\.1|localhost):\{[\w:]*\}"/.exec(code);
    if (formatted && !loopbackBind) loopbackBind = fact(formatted[0], evidence(formatted.index));
    for (const match of code.matchAll(/\bconst\s+[A-Z_]*PORT[A-Z_]*\s*:\s*u16\s*=\s*(\d{2,5})\b/g)) defaults.push(fact(Number(match[1]), evidence(match.index)));
    for (const match of code.matchAll(/\bdefault_value(?:_t)?\s*(?:=\s*|\(\s*)"?(\d{2,5})"?\s*[),\]]/g)) {
      if (!isPortArgument(code, match.index)) continue;
      defaults.push(fact(Number(match[1]), evidence(match.index)));
      portOption ??= fact(Number(match[1]), evidence(match.index));
    }
    const envAt = code.search(/\bvar(_os)?\(\s*"PORT"\s*\)/);
    if (envAt !== -1 && !readsPortEnv.value) readsPortEnv = fact(true, evidence(envAt));
    const listenerAt = code.search(/\bTcpListener\b/);
    if (listenerAt !== -1 && !listener) listener = evidence(listenerAt);
  }
  // The config crate reads the port from the package's configuration files (Loco's loader is read below).
  if (declared.some(({ dependency }) => dependency.crate === 'config')) {
    for (const pkg of packages) {
      const port = configFilePort(project, pkg);
      if (port) defaults.push(port);
    }
  }
  const server = declared.find(({ dependency }) => SERVER_CRATES.has(dependency.crate));
  // Rocket serves on Rocket.toml's port, or on 8000: its default, last among the defaults.
  const rocketDependency = declared.find(({ dependency }) => dependency.crate === 'rocket');
  const rocketEvidence = rocketDependency ? { file: rocketDependency.file, line: rocketDependency.dependency.line } : null;
  const rocket = rocketEvidence ? detectRocket(project, runsIn, scanned, rocketEvidence) : null;
  const locoDependency = declared.find(({ dependency }) => dependency.crate === 'loco-rs');
  const loco = locoDependency ? detectLoco(project, runsIn, scanned, { file: locoDependency.file, line: locoDependency.dependency.line }, lockedLoco) : null;
  // The environment's configured port comes before every other file's.
  if (loco?.port) defaults.unshift(loco.port);
  if (rocket?.port) defaults.push(rocket.port);
  if (rocketEvidence) defaults.push(fact(ROCKET_DEFAULT_PORT, rocketEvidence));
  const servesNetwork = server
    ? fact(true, { file: server.file, line: server.dependency.line })
    : listener
      ? fact(true, listener)
      : ports[0]
        ? fact(true, ports[0].evidence)
        : fact(false, null);
  // A default port alone (a client's DEFAULT_PORT) does not make a program a server.
  const found = servesNetwork.value ? [...ports, ...defaults.filter((port) => port.value >= 1 && port.value <= 65535)] : ports;
  // Folders with Rust sources are modules, and what an include macro names is compiled into the binary.
  const sourceFolders = new Set(sources.map((file) => path.posix.dirname(file)));
  const runtimeFolders = findRuntimeFolders(
    project,
    scanned,
    {
      folder: (folder) => RUST_BUILD_FOLDERS.has(folder.split('/')[0]!) || [...sourceFolders].some((dir) => dir === folder || dir.startsWith(`${folder}/`)),
      literal: (code, at) => {
        const before = code.slice(Math.max(0, at - 80), at);
        // A bare word ("migrations") is a folder only where a path goes: a table name or a label is not one.
        const bare = /^"[\w.-]+"/.test(code.slice(at, at + 200));
        return COMPILED_IN_LITERAL.test(before) || (bare && !PATH_ARGUMENT.test(before));
      },
    },
    runsIn,
  );
  return {
    ports: found,
    loopbackBind,
    readsPortEnv,
    portOption: servesNetwork.value ? portOption : null,
    servesNetwork,
    skippedSources,
    runtimeFolders: outermost([...runtimeFolders, ...(loco?.folders ?? [])]),
    runtimeFiles: rocket?.configFile ? [rocket.configFile] : [],
    createdFile: loco?.database ?? null,
    rocket: rocket?.settings ?? null,
    loco: loco?.settings ?? null,
  };
}

/** Loco's CLI run from a binary's main: `cli::main::<App, Migrator>()`. */
const LOCO_CLI_MAIN = /\bcli::main\s*::\s*</;

/** What a Loco app's configuration says: its environment, port, the folders it reads and the SQLite file it creates where it runs. */
function detectLoco(
  project: ProjectFiles,
  runsIn: string,
  scanned: ScannedSource[],
  /** The loco-rs dependency: what makes the program read config/. */
  dependency: Evidence,
  version: Fact<string> | null,
): { settings: LocoSettings; folders: Fact<string>[]; port: Fact<number> | null; database: Fact<string> | null } {
  const inBase = (name: string) => (runsIn ? `${runsIn}/${name}` : name);
  const production = project.hasFile(inBase('config/production.yaml'));
  const file = inBase(`config/${production ? 'production' : 'development'}.yaml`);
  const folders: Fact<string>[] = [];
  let database: Fact<string> | null = null;
  let configuredBinding: Fact<string> | null = null;
  if (project.hasDir(inBase('config'))) folders.push(fact(inBase('config'), dependency));
  if (project.hasDir(inBase('assets'))) folders.push(fact(inBase('assets'), dependency));
  if (project.hasFile(file) && !project.tooLargeToScan(file)) {
    let section: string | null = null;
    for (const [index, line] of project.readText(file).split('\n').entries()) {
      const evidence = { file, line: index + 1 };
      const top = /^([\w-]+):/.exec(line);
      if (top) section = top[1]!;
      // The static middleware's folder (`path: "frontend/dist"`), which it must find.
      const served = /^\s+path:\s*["']?([\w.-]+(?:\/[\w.-]+)*)\/?["']?\s*$/.exec(line);
      if (section === 'server' && served && project.hasDir(inBase(served[1]!))) folders.push(fact(inBase(served[1]!), evidence));
      const binding = /^\s+binding:\s*["']?([\w.:[\]-]+)["']?\s*$/.exec(line);
      if (section === 'server' && binding && !configuredBinding) configuredBinding = fact(binding[1]!, evidence);
      // sqlite://loco_app.sqlite?mode=rwc: a file by a relative path (sqlite:/// is an absolute one).
      const sqlite = /sqlite:\/\/([\w.-]+)/.exec(line);
      if (section === 'database' && sqlite && !database) database = fact(sqlite[1]!, evidence);
    }
  }
  const port = project.hasFile(file) && !project.tooLargeToScan(file) ? portInConfigFile(project, file) : null;
  const caller = scanned.map((source) => ({ source, at: source.code.search(LOCO_CLI_MAIN) })).find(({ at }) => at !== -1);
  const cliMain = caller ? { file: caller.source.file, line: lineIndex(caller.source.code)(caller.at) } : null;
  return { settings: { dependency, cliMain, production: fact(production, production ? { file } : null), version, configuredBinding }, folders, port, database };
}

/** Rocket.toml's tables a release build reads, in the order they apply: a later one wins. */
const ROCKET_PROFILES = ['default', 'release', 'global'];
/** The source setting Rocket's address: a `Config { address: .. }` literal, an assignment to it, a figment merge of ("address", ..). */
const ROCKET_ADDRESS_IN_SOURCE = /\bConfig\s*\{[^}]*?\baddress\s*:|\.address\s*=(?!=)|\(\s*"address"\s*,/;

/** Rocket.toml where the program runs (Rocket reads it from its working directory), the address and port it gives a release build, and whether the source sets the address. */
function detectRocket(
  project: ProjectFiles,
  runsIn: string,
  scanned: ScannedSource[],
  /** The rocket dependency: what makes the program read Rocket.toml. */
  dependency: Evidence,
): { settings: RocketSettings; port: Fact<number> | null; configFile: Fact<string> | null } {
  const file = runsIn ? `${runsIn}/Rocket.toml` : 'Rocket.toml';
  let configuredAddress: Fact<string> | null = null;
  let port: Fact<number> | null = null;
  const found = project.hasFile(file);
  if (found) {
    const toml = readToml(project, file);
    for (const profile of ROCKET_PROFILES) {
      const table = toml.data[profile];
      if (!isTable(table)) continue;
      const evidence = (key: string): Evidence => ({ file, line: lineOfKey(toml, key, offsetOfTable(toml, profile)) });
      if (typeof table.address === 'string') configuredAddress = fact(table.address, evidence('address'));
      if (typeof table.port === 'number' && table.port >= 1 && table.port <= 65535) port = fact(table.port, evidence('port'));
    }
  }
  const setter = scanned.map((source) => ({ source, at: source.code.search(ROCKET_ADDRESS_IN_SOURCE) })).find(({ at }) => at !== -1);
  const addressInSource = setter ? fact(true, { file: setter.source.file, line: lineIndex(setter.source.code)(setter.at) }) : fact(false, null);
  return { settings: { dependency, configuredAddress, addressInSource }, port, configFile: found ? fact(file, dependency) : null };
}

/** A target root cargo discovers, or a build script: what it reads to load a manifest, not the modules they include. */
const TARGET_ROOT = /^(?:src\/(?:lib|main)\.rs|src\/bin\/[^/]+\.rs|(?:src\/bin|examples|tests|benches)\/[^/]+\/main\.rs|(?:examples|tests|benches)\/[^/]+\.rs|build\.rs)$/;

/** The paths a manifest declares for its targets and build script ([lib] path, [[bin]] path, package.build). */
function declaredTargetPaths(manifest: TomlFile): string[] {
  const tables = ['lib', 'bin', 'example', 'test', 'bench'].flatMap((key) => [manifest.data[key]].flat());
  const build = lookup(manifest.data, 'package', 'build');
  return [...tables.filter(isTable).map((table) => table.path), build].filter((value): value is string => typeof value === 'string').map((value) => value.replace(/^\.\//, ''));
}

/** Each package of a workspace with the workspace packages it depends on and the files a stand-in of it needs. */
function workspacePackagesOf(project: ProjectFiles, packages: Package[]): WorkspacePackage[] {
  const names = new Set(packages.map((pkg) => pkg.name));
  // A file belongs to the deepest package folder holding it: a member nested in another is not the outer one's.
  const depth = (pkg: Package) => (pkg.dir === '.' ? 0 : pkg.dir.length);
  const ownerOf = (file: string) => packages.filter((pkg) => pkg.dir === '.' || file.startsWith(`${pkg.dir}/`)).sort((a, b) => depth(b) - depth(a))[0];
  const files = project.files().filter((file) => file.endsWith('.rs'));
  return packages.map((pkg) => {
    const declared = new Set(declaredTargetPaths(pkg.manifest));
    const own = files.filter((file) => ownerOf(file) === pkg).map((file) => (pkg.dir === '.' ? file : file.slice(pkg.dir.length + 1)));
    return {
      dir: pkg.dir,
      name: pkg.name,
      uses: [...new Set(declaredDependencies(pkg.manifest).map((dependency) => dependency.crate))].filter((name) => names.has(name) && name !== pkg.name),
      targets: own.filter((file) => TARGET_ROOT.test(file) || declared.has(file)).map((file) => inDir(pkg.dir, file)),
    };
  });
}

/** Path dependencies of these packages, resolved from the project folder ("crates/util", "../shared"), with where they are declared. */
function pathDependencies(packages: Pick<Package, 'dir' | 'manifest'>[]): { dir: string; written: Fact<string> }[] {
  return packages.flatMap((pkg) =>
    declaredDependencies(pkg.manifest)
      .filter((dependency) => dependency.path !== null)
      .map((dependency) => ({
        dir: path.posix.normalize(path.posix.join(pkg.dir, dependency.path!)).replace(/\/+$/, ''),
        written: fact(dependency.path!, { file: pkg.manifest.file, line: dependency.line }),
      })),
  );
}

/**
 * Detects one folder's Cargo project. `memberDir` names the one workspace member built alone: its
 * binaries, sources, rust-version and the part of the workspace's Cargo.lock it needs are what count.
 */
function detectIn(project: ProjectFiles, root: TomlFile, memberDir: string | null): Omit<RustFacts, 'enclosingWorkspace' | 'memberBuild' | 'registries'> {
  const hasPackage = root.data.package !== undefined;
  if (!hasPackage && root.data.workspace === undefined) throw projectError('Cargo.toml: neither [package] nor [workspace]; cargo needs one of them');
  const members = root.data.workspace === undefined ? [] : workspaceMembers(project, root);
  const packages = [...(hasPackage ? [readPackage(project, '.', root)] : []), ...members.map((dir) => readPackage(project, dir))];
  const member = memberDir === null ? null : packages.find((pkg) => pkg.dir === memberDir)!;
  const built = member ? [member] : packages;

  const declared: DeclaredIn[] = built.flatMap((pkg) => declaredDependencies(pkg.manifest).map((dependency) => ({ dependency, file: pkg.manifest.file })));
  const outsidePaths = pathDependencies(packages)
    .filter(({ dir }) => dir.startsWith('..'))
    .map(({ written }) => written);

  const minimum = minimumRustVersion(packages, root, member);
  const lock = project.hasFile('Cargo.lock') ? readToml(project, 'Cargo.lock') : null;
  const wholeLock = lock ? lockedPackages(lock) : [];
  const locked = member ? lockedClosure(wholeLock, member.name) : wholeLock;
  const runner = member ?? (hasPackage ? packages[0]! : null);
  const defaultRun = runner ? optionalString(runner.manifest, 'package', 'default-run') : null;
  const targets = built.flatMap((pkg) => binariesOf(project, pkg));
  const binaries = targets.map(({ binary }) => binary);
  const listeningBinaries = targets.filter(({ source }) => project.hasFile(source) && SERVES.test(stripComments(project.readText(source)))).map(({ binary }) => binary.value.name);
  if (defaultRun !== null && !binaries.some((binary) => binary.value.name === defaultRun)) {
    throw projectError(
      `${runner!.manifest.file}:${lineOfKey(runner!.manifest, 'default-run')}: default-run "${defaultRun}" names no binary target (binaries: ${binaries.map((binary) => binary.value.name).join(', ') || 'none'})`,
    );
  }

  // cargo fetch fetches the whole workspace's dependencies: every manifest counts, and the lock.
  const ssh = detectSshGit([root, ...packages.map((pkg) => pkg.manifest), ...(lock ? [lock] : [])]);
  return {
    language: 'rust',
    packageName: runner ? fact(runner.name, { file: runner.manifest.file, line: lineOfKey(runner.manifest, 'name', offsetOfTable(runner.manifest, 'package')) }) : null,
    ...detectRuntimeVersion(toolchainChannel(project), minimum),
    minimumVersion: minimum,
    binaries,
    listeningBinaries,
    defaultRun: defaultRun === null ? null : fact(defaultRun, { file: runner!.manifest.file, line: lineOfKey(runner!.manifest, 'default-run') }),
    workspaceMembers: members,
    workspacePackages: members.length === 0 ? [] : workspacePackagesOf(project, packages),
    lockfile: lock ? fact(true, { file: 'Cargo.lock' }) : fact(false, null),
    ...detectNative(declared, lock, locked),
    outsidePaths,
    ...detectNetwork(project, built, declared, memberDir ?? '', lockedVersion(lock, locked, 'loco-rs')),
    linkerTools: linkerTools(project),
    sshGit: fact(ssh !== null, ssh),
    webAssembly: webAssemblyCrate(declared),
  };
}

/** The version Cargo.lock pins for a crate, with its line; null without a lock or an entry. */
function lockedVersion(lock: TomlFile | null, locked: LockedPackage[], crate: string): Fact<string> | null {
  const entry = locked.find((pkg) => pkg.name === crate && pkg.version !== null);
  return lock && entry ? fact(entry.version!, { file: lock.file, line: entry.line }) : null;
}

/** WasmEdge's ports of native crates end in `_wasi`; its own crates start with `wasmedge`. */
const WEBASSEMBLY_CRATE = /(_wasi$|^wasmedge)/;

function webAssemblyCrate(declared: DeclaredIn[]): Fact<string> | null {
  const found = declared.find(({ dependency }) => WEBASSEMBLY_CRATE.test(dependency.crate));
  return found ? fact(found.dependency.crate, { file: found.file, line: found.dependency.line }) : null;
}

/**
 * A member of a workspace above the folder: detected as the workspace sees it, built from a context
 * that holds the workspace root and the path dependencies outside it (axum's examples use ../axum),
 * as long as they stay inside the repository.
 */
function detectMember(project: ProjectFiles, workspace: { folder: ProjectFiles; manifest: TomlFile }): RustFacts {
  const memberDir = project.pathFrom(workspace.folder);
  const facts = detectIn(workspace.folder, workspace.manifest, memberDir);
  // Path dependencies outside the workspace root, and theirs, decide how far up the context reaches.
  let up = 0;
  const seen = new Set<string>();
  const pending = facts.outsidePaths.length > 0 ? pathDependencies(workspaceMembers(workspace.folder, workspace.manifest).map((dir) => readPackage(workspace.folder, dir))) : [];
  while (pending.length > 0 && seen.size < 200) {
    const { dir } = pending.pop()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    up = Math.max(up, dir.split('/').filter((segment) => segment === '..').length);
    if (dir.startsWith('..') && workspace.folder.hasFile(`${dir}/Cargo.toml`)) pending.push(...pathDependencies([readPackage(workspace.folder, dir)]));
  }
  // A folder with .git between the workspace and the context would put another repository in it.
  const leaves = Array.from({ length: up }, (_, index) => index).some((index) => workspace.folder.exists(`${'../'.repeat(index)}.git`));
  const absolute = workspace.folder.root.split(/[\\/]/);
  const workspaceDir = up === 0 ? null : absolute.slice(absolute.length - up).join('/');
  const memberPath = workspaceDir ? `${workspaceDir}/${memberDir}` : memberDir;
  const rebased = rebaseEvidence(facts, (file) => path.posix.relative(memberDir, file));
  // The member's folders, from its own folder, where the program runs.
  rebased.runtimeFolders = rebased.runtimeFolders.map((folder) => ({ ...folder, value: path.posix.relative(memberDir, folder.value) }));
  rebased.runtimeFiles = rebased.runtimeFiles.map((file) => ({ ...file, value: path.posix.relative(memberDir, file.value) }));
  const workspaceFile = `${workspace.folder.pathFrom(project)}/Cargo.toml`;
  return {
    ...rebased,
    // The secrets of a workspace's root above the folder are not handled yet (README): only the member's own build.
    registries: null,
    outsidePaths: leaves ? rebased.outsidePaths : [],
    enclosingWorkspace: fact(workspaceFile, { file: workspaceFile, line: lineOfKey(workspace.manifest, 'members') }),
    memberBuild: {
      contextPath: memberPath
        .split('/')
        .map(() => '..')
        .join('/'),
      memberPath,
      workspaceDir,
    },
  };
}

/** Detects a Cargo project's build facts from Cargo.toml, Cargo.lock, toolchain files and sources. Pure: reads, never asks. */
export function detectRust(project: ProjectFiles): RustFacts {
  const root = readToml(project, 'Cargo.toml');
  const workspace = root.data.package !== undefined && root.data.workspace === undefined ? findEnclosingWorkspace(project) : null;
  if (workspace) return detectMember(project, workspace);
  return { ...detectIn(project, root, null), registries: detectCargoRegistries(project), enclosingWorkspace: null, memberBuild: null };
}
