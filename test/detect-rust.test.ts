import { cpSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectProject } from '../src/pipeline/detect.js';
import { DEFAULT_RUST_VERSION, detectRust } from '../src/languages/rust/detect.js';
import { binaryByRule } from '../src/languages/rust/bins.js';
import { ProjectFiles } from '../src/project.js';
import { fixture, makeProject, runCli } from './helpers.js';
import { answerFolder, planOf, renderFolder } from './matrix.js';
import { lintDockerfile } from './lint.js';
import type { Base } from '../src/core/options.js';

const detect = (name: string) => detectRust(new ProjectFiles(fixture(name)));
const names = (facts: ReturnType<typeof detectRust>) => facts.binaries.map((binary) => binary.value.name);
const MAIN = 'fn main() {}\n';

describe('detectRust on fixtures', () => {
  it('rust-single-bin: one binary from src/main.rs, a lockfile, nothing to download, PORT read from the environment', () => {
    const facts = detect('rust-single-bin');
    expect(facts.packageName).toEqual({ value: 'hello', evidence: { file: 'Cargo.toml', line: 2 } });
    expect(facts.binaries).toEqual([{ value: { name: 'hello', package: 'hello' }, evidence: { file: 'src/main.rs' } }]);
    expect(facts.runtimeVersion).toEqual({ value: DEFAULT_RUST_VERSION, evidence: null });
    expect(facts.lockfile.value).toBe(true);
    expect(facts.registryDependencies.value).toBe(false);
    expect(facts.compilesC.value).toBe(false);
    expect(facts.nativeDependencies).toEqual([]);
    expect(facts.readsPortEnv).toEqual({ value: true, evidence: { file: 'src/main.rs', line: 8 } });
    expect(facts.servesNetwork).toEqual({ value: true, evidence: { file: 'src/main.rs', line: 4 } });
    expect(facts.ports).toEqual([]);
  });

  it('rust-multi-bin: [[bin]] targets with their lines, then src/bin/ as cargo finds it; the port in the source', () => {
    const facts = detect('rust-multi-bin');
    expect(facts.binaries).toEqual([
      { value: { name: 'api', package: 'toolbox' }, evidence: { file: 'Cargo.toml', line: 7 } },
      { value: { name: 'migrate', package: 'toolbox' }, evidence: { file: 'Cargo.toml', line: 11 } },
      { value: { name: 'worker', package: 'toolbox' }, evidence: { file: 'src/bin/worker.rs' } },
    ]);
    expect(facts.defaultRun).toBeNull();
    expect(facts.ports).toEqual([{ value: 7878, evidence: { file: 'src/api.rs', line: 5 } }]);
    expect(facts.loopbackBind).toBeNull();
  });

  it('rust-workspace: the binary member is found, the library member builds none; path dependencies download nothing', () => {
    const facts = detect('rust-workspace');
    expect(facts.packageName).toBeNull();
    expect(facts.workspaceMembers).toEqual(['crates/calc', 'crates/mathlib']);
    expect(facts.binaries).toEqual([{ value: { name: 'calc', package: 'calc' }, evidence: { file: 'crates/calc/src/main.rs' } }]);
    expect(facts.registryDependencies.value).toBe(false);
    expect(facts.servesNetwork.value).toBe(false);
  });

  it('rust-msrv: rust-version is a floor; the builder is the current stable, which is newer', () => {
    const facts = detect('rust-msrv');
    expect(facts.minimumVersion).toEqual({ value: '1.80', evidence: { file: 'Cargo.toml', line: 6 } });
    expect(facts.runtimeVersion).toEqual({ value: DEFAULT_RUST_VERSION, evidence: { file: 'Cargo.toml', line: 6 } });
  });

  it('rust-openssl: openssl means openssl-sys, from the system; without Cargo.lock C code cannot be ruled out', () => {
    const facts = detect('rust-openssl');
    expect(facts.nativeDependencies).toEqual([{ value: { crate: 'openssl-sys', bundled: false }, evidence: { file: 'Cargo.toml', line: 8 } }]);
    expect(facts.lockfile.value).toBe(false);
    expect(facts.registryDependencies).toEqual({ value: true, evidence: { file: 'Cargo.toml', line: 8 } });
    expect(facts.compilesC.value).toBe(true);
    expect(facts.compilesCReason).toBe('without Cargo.lock, any dependency may compile C code');
  });

  it('rust-sqlite: rusqlite without "bundled" links the system SQLite', () => {
    expect(detect('rust-sqlite').nativeDependencies).toEqual([{ value: { crate: 'libsqlite3-sys', bundled: false }, evidence: { file: 'Cargo.toml', line: 8 } }]);
  });

  it('rust-malformed: a one-line error naming the file and line', () => {
    expect(() => detect('rust-malformed')).toThrow(/^Cargo\.toml:3:\d+: not valid TOML \(.+\)$/);
  });
});

describe('toolchain', () => {
  const pkg = (extra = '') => `[package]\nname = "x"\nversion = "0.1.0"\n${extra}`;

  it('rust-toolchain.toml pins the builder release over rust-version, and can be left out of the context', () => {
    const facts = detectRust(
      makeProject({ 'Cargo.toml': pkg('rust-version = "1.70"\n'), 'rust-toolchain.toml': '[toolchain]\nchannel = "1.82.0"\ncomponents = ["clippy"]\n', 'src/main.rs': MAIN }),
    );
    expect(facts.runtimeVersion).toEqual({ value: '1.82.0', evidence: { file: 'rust-toolchain.toml', line: 2 } });
    expect(facts.toolchainFile).toBe('rust-toolchain.toml');
    expect(facts.otherChannel).toBeNull();
  });

  it('a release in mise.toml or .tool-versions pins the builder (the context keeps the file); a channel there changes nothing', () => {
    const pinned = detectRust(makeProject({ 'Cargo.toml': pkg(), 'mise.toml': '[tools]\nrust = "1.85"\n', 'src/main.rs': MAIN }));
    expect(pinned.runtimeVersion).toEqual({ value: '1.85', evidence: { file: 'mise.toml', line: 2 } });
    expect(pinned.toolchainFile).toBeNull();
    expect(detectRust(makeProject({ 'Cargo.toml': pkg(), '.tool-versions': 'rust 1.86.0\n', 'src/main.rs': MAIN })).runtimeVersion.value).toBe('1.86.0');
    const channel = detectRust(makeProject({ 'Cargo.toml': pkg(), '.tool-versions': 'rust nightly\n', 'src/main.rs': MAIN }));
    expect(channel.runtimeVersion).toEqual({ value: DEFAULT_RUST_VERSION, evidence: null });
    expect(channel.otherChannel).toBeNull();
  });

  it('the legacy one-line rust-toolchain file works the same', () => {
    const facts = detectRust(makeProject({ 'Cargo.toml': pkg(), 'rust-toolchain': '1.79\n', 'src/main.rs': MAIN }));
    expect(facts.runtimeVersion).toEqual({ value: '1.79', evidence: { file: 'rust-toolchain', line: 1 } });
    expect(facts.toolchainFile).toBe('rust-toolchain');
  });

  it('a nightly channel is not an image: it stays in the context and is reported', () => {
    const facts = detectRust(
      makeProject({ 'Cargo.toml': pkg('rust-version = "1.85"\n'), 'rust-toolchain.toml': '[toolchain]\nchannel = "nightly-2026-01-01"\n', 'src/main.rs': MAIN }),
    );
    expect(facts.otherChannel).toEqual({ value: 'nightly-2026-01-01', evidence: { file: 'rust-toolchain.toml', line: 2 } });
    expect(facts.toolchainFile).toBeNull();
    expect(facts.runtimeVersion.value).toBe(DEFAULT_RUST_VERSION);
  });

  it('an MSRV newer than the stable stagecraft knows becomes the builder', () => {
    const facts = detectRust(makeProject({ 'Cargo.toml': pkg('rust-version = "1.99"\n'), 'src/main.rs': MAIN }));
    expect(facts.runtimeVersion).toEqual({ value: '1.99', evidence: { file: 'Cargo.toml', line: 4 } });
  });

  it('the newest rust-version of a workspace wins, inherited ones included', () => {
    const facts = detectRust(
      makeProject({
        'Cargo.toml': '[workspace]\nmembers = ["a", "b"]\n\n[workspace.package]\nrust-version = "1.78"\n',
        'a/Cargo.toml': '[package]\nname = "a"\nrust-version.workspace = true\n',
        'a/src/main.rs': MAIN,
        'b/Cargo.toml': '[package]\nname = "b"\nrust-version = "1.81"\n',
        'b/src/lib.rs': '',
      }),
    );
    expect(facts.minimumVersion).toEqual({ value: '1.81', evidence: { file: 'b/Cargo.toml', line: 3 } });
  });

  it.each([
    ['rust-version = 1.8\n', 'Cargo.toml: rust-version must be a version such as "1.80", got 1.8'],
    ['rust-version = "latest"\n', 'Cargo.toml: rust-version must be a version such as "1.80", got "latest"'],
  ])('rejects %j', (extra, message) => {
    expect(() => detectRust(makeProject({ 'Cargo.toml': pkg(extra), 'src/main.rs': MAIN }))).toThrow(message);
  });
});

describe('binaries', () => {
  it('default-run settles several binaries; one naming no binary is an error', () => {
    const files = { 'src/main.rs': MAIN, 'src/bin/admin.rs': MAIN };
    const facts = detectRust(makeProject({ ...files, 'Cargo.toml': '[package]\nname = "svc"\ndefault-run = "svc"\n' }));
    expect(names(facts)).toEqual(['svc', 'admin']);
    expect(facts.defaultRun).toEqual({ value: 'svc', evidence: { file: 'Cargo.toml', line: 3 } });
    expect(() => detectRust(makeProject({ ...files, 'Cargo.toml': '[package]\nname = "svc"\ndefault-run = "nope"\n' }))).toThrow(
      'Cargo.toml:3: default-run "nope" names no binary target (binaries: svc, admin)',
    );
  });

  it('autobins = false keeps only [[bin]] targets; src/bin/<dir>/main.rs is a binary named after its folder', () => {
    const files = { 'src/main.rs': MAIN, 'src/bin/tool/main.rs': MAIN, 'src/real.rs': MAIN };
    expect(names(detectRust(makeProject({ ...files, 'Cargo.toml': '[package]\nname = "p"\nautobins = false\n\n[[bin]]\nname = "real"\npath = "src/real.rs"\n' })))).toEqual([
      'real',
    ]);
    expect(names(detectRust(makeProject({ ...files, 'Cargo.toml': '[package]\nname = "p"\n' })))).toEqual(['p', 'tool']);
  });

  it('a [[bin]] that claims src/main.rs replaces the one named after the package', () => {
    const facts = detectRust(makeProject({ 'Cargo.toml': '[package]\nname = "p"\n\n[[bin]]\nname = "server"\npath = "src/main.rs"\n', 'src/main.rs': MAIN }));
    expect(names(facts)).toEqual(['server']);
  });

  it('a library crate has no binary', () => {
    expect(detectRust(makeProject({ 'Cargo.toml': '[package]\nname = "lib"\n', 'src/lib.rs': '' })).binaries).toEqual([]);
  });

  it.each([
    [{ 'Cargo.toml': '[package]\nname = "p"\n[[bin]]\npath = "src/x.rs"\n' }, 'Cargo.toml: [[bin]] number 1 has no name'],
    [{ 'Cargo.toml': '[package]\nversion = "1.0.0"\n' }, 'Cargo.toml: [package] has no name'],
    [{ 'Cargo.toml': '[package]\nname = "p"\n[[bin]]\nname = "x; rm -rf /"\n' }, 'Cargo.toml: [[bin]] name "x; rm -rf /" is not a valid target name'],
    [{ 'Cargo.toml': '[package]\nname = "p q"\n' }, 'Cargo.toml: package name "p q" is not a valid Cargo name'],
    [{ 'Cargo.toml': '[dependencies]\nserde = "1"\n' }, 'Cargo.toml: neither [package] nor [workspace]; cargo needs one of them'],
    [{ 'Cargo.toml': '[workspace]\nmembers = ["missing"]\n' }, 'Cargo.toml: workspace member missing has no Cargo.toml'],
    [{ 'Cargo.toml': '[workspace]\nmembers = "crates/*"\n' }, 'Cargo.toml: workspace.members must be an array of paths'],
    [{ 'Cargo.toml': '[package]\nname = "p"\n', 'rust-toolchain.toml': '[toolchain]\nchannel = 1\n' }, 'rust-toolchain.toml: toolchain.channel must be a string'],
  ])('rejects %j', (files, message) => {
    expect(() => detectRust(makeProject(files))).toThrow(message);
  });

  // loco-rs/chat-rooms: [workspace] with no members list, and the migration crate as a path dependency.
  it('a path dependency inside the workspace folder is a member, as cargo makes it, and so are its own; one outside is not', () => {
    const facts = detectRust(
      makeProject({
        'Cargo.toml': '[workspace]\n\n[package]\nname = "app"\n\n[dependencies]\nmigration = { path = "migration" }\nshared = { path = "../shared" }\n',
        'src/main.rs': MAIN,
        'migration/Cargo.toml': '[package]\nname = "migration"\n\n[dependencies]\nentities = { path = "../entities" }\n',
        'migration/src/lib.rs': '',
        'entities/Cargo.toml': '[package]\nname = "entities"\n',
        'entities/src/lib.rs': '',
      }),
    );
    expect(facts.workspaceMembers).toEqual(['migration', 'entities']);
  });

  it('workspace globs skip excluded members; the root package is a member too', () => {
    const facts = detectRust(
      makeProject({
        'Cargo.toml': '[package]\nname = "root"\n\n[workspace]\nmembers = ["tools/*"]\nexclude = ["tools/old"]\n',
        'src/main.rs': MAIN,
        'tools/gen/Cargo.toml': '[package]\nname = "gen"\n',
        'tools/gen/src/main.rs': MAIN,
        'tools/old/Cargo.toml': '[package]\nname = "old"\n',
        'tools/old/src/main.rs': MAIN,
      }),
    );
    expect(facts.workspaceMembers).toEqual(['tools/gen']);
    expect(facts.binaries.map((binary) => binary.value)).toEqual([
      { name: 'root', package: 'root' },
      { name: 'gen', package: 'gen' },
    ]);
  });

  it('a path dependency outside the folder is reported', () => {
    const facts = detectRust(makeProject({ 'Cargo.toml': '[package]\nname = "p"\n\n[dependencies]\nshared = { path = "../shared" }\n', 'src/main.rs': MAIN }));
    expect(facts.outsidePaths).toEqual([{ value: '../shared', evidence: { file: 'Cargo.toml', line: 5 } }]);
  });
});

describe('native code', () => {
  const lock = (...packages: string[]) =>
    `version = 4\n\n${packages.map((name) => `[[package]]\nname = "${name}"\nversion = "1.0.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n`).join('\n')}`;
  const project = (dependencies: string, lockPackages?: string[]) =>
    detectRust(
      makeProject({
        'Cargo.toml': `[package]\nname = "p"\n\n[dependencies]\n${dependencies}`,
        'src/main.rs': MAIN,
        ...(lockPackages ? { 'Cargo.lock': lock('p', ...lockPackages) } : {}),
      }),
    );

  it('Cargo.lock lists the -sys crates, transitive ones included; openssl-src means vendored OpenSSL', () => {
    const facts = project('reqwest = "0.12"\n', ['openssl-sys', 'openssl-src', 'cc', 'linux-raw-sys']);
    expect(facts.nativeDependencies).toEqual([{ value: { crate: 'openssl-sys', bundled: true }, evidence: { file: 'Cargo.lock', line: 8 } }]);
    expect(facts.compilesC).toEqual({ value: true, evidence: { file: 'Cargo.lock', line: 8 } });
    expect(facts.compilesCReason).toBe('openssl-sys in Cargo.lock compiles C code');
  });

  it('pure-Rust -sys crates (kernel and other OS bindings) are not native code', () => {
    const facts = project('rustix = "1"\n', ['rustix', 'linux-raw-sys', 'windows-sys']);
    expect(facts.nativeDependencies).toEqual([]);
    expect(facts.compilesC.value).toBe(false);
    expect(facts.registryDependencies.value).toBe(true);
  });

  it('-sys crates that build the C library they carry are bundled, and dirs-sys, jni-sys and fuchsia-zircon-sys link none (zero2prod, loco, vaultwarden, just)', async () => {
    const facts = project('zstd = "0.13"\n', ['zstd-sys', 'aws-lc-sys', 'tikv-jemalloc-sys', 'libmimalloc-sys', 'dirs-sys', 'jni-sys', 'fuchsia-zircon-sys', 'mysqlclient-sys']);
    expect(facts.nativeDependencies.map(({ value }) => value)).toEqual([
      { crate: 'zstd-sys', bundled: true },
      { crate: 'aws-lc-sys', bundled: true },
      { crate: 'tikv-jemalloc-sys', bundled: true },
      { crate: 'libmimalloc-sys', bundled: true },
      { crate: 'mysqlclient-sys', bundled: false },
    ]);
    // zstd's "pkg-config" feature links the system's libzstd instead.
    expect(project('zstd = { version = "0.13", features = ["pkg-config"] }\n', ['zstd-sys']).nativeDependencies[0]!.value).toEqual({ crate: 'zstd-sys', bundled: false });
    const files = { 'Cargo.toml': '[package]\nname = "p"\n\n[dependencies]\nzstd = "0.13"\n', 'src/main.rs': MAIN, 'Cargo.lock': lock('p', 'zstd-sys', 'mysqlclient-sys') };
    const { stderr } = await runCli([makeProject(files).root, '--yes', '--stdout', '--base', 'slim']);
    expect(stderr).not.toContain('zstd-sys');
    expect(stderr).toContain('warning: mysqlclient-sys (Cargo.lock:');
  });

  it('without Cargo.lock: reqwest defaults to native-tls (OpenSSL), its rustls setup does not; rusqlite "bundled" builds SQLite itself', () => {
    expect(project('reqwest = "0.12"\n').nativeDependencies.map((dependency) => dependency.value.crate)).toEqual(['openssl-sys']);
    expect(project('reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }\n').nativeDependencies).toEqual([]);
    expect(project('rusqlite = { version = "0.31", features = ["bundled"] }\n').nativeDependencies[0]!.value).toEqual({ crate: 'libsqlite3-sys', bundled: true });
    expect(project('openssl = { version = "0.10", features = ["vendored"] }\n').nativeDependencies[0]!.value).toEqual({ crate: 'openssl-sys', bundled: true });
  });

  it('a server crate means a port; a loopback address is reported', () => {
    const facts = detectRust(
      makeProject({
        'Cargo.toml': '[package]\nname = "p"\n\n[dependencies]\naxum = "0.8"\n',
        'src/main.rs': 'fn main() {\n    // "0.0.0.0:9999" in a comment does not count\n    let addr = "127.0.0.1:3000";\n}\n',
      }),
    );
    expect(facts.servesNetwork).toEqual({ value: true, evidence: { file: 'Cargo.toml', line: 5 } });
    expect(facts.ports).toEqual([{ value: 3000, evidence: { file: 'src/main.rs', line: 3 } }]);
    expect(facts.loopbackBind).toEqual({ value: '"127.0.0.1:3000"', evidence: { file: 'src/main.rs', line: 3 } });
  });

  it.each([
    ["actix-web's (host, port) tuple", 'actix-web = "4"', '    HttpServer::new(|| App::new()).bind(("127.0.0.1", 8080))?', '("127.0.0.1", 8080)', [8080]],
    ["a formatted address (tokio's mini-redis)", 'tokio = "1"', '    let listener = TcpListener::bind(&format!("127.0.0.1:{port}")).await?;', '"127.0.0.1:{port}"', []],
  ])('%s on loopback is reported', (_, dependency, line, bind, ports) => {
    const facts = detectRust(makeProject({ 'Cargo.toml': `[package]\nname = "p"\n\n[dependencies]\n${dependency}\n`, 'src/main.rs': `fn main() {\n${line}\n}\n` }));
    expect(facts.loopbackBind).toEqual({ value: bind, evidence: { file: 'src/main.rs', line: 2 } });
    expect(facts.ports.map(({ value }) => value)).toEqual(ports);
  });

  it('actix-web bound to ("0.0.0.0", 8080) gives its port and no loopback', () => {
    const facts = detectRust(
      makeProject({ 'Cargo.toml': '[package]\nname = "p"\n\n[dependencies]\nactix-web = "4"\n', 'src/main.rs': 'fn main() {\n    x.bind(("0.0.0.0", 8080));\n}\n' }),
    );
    expect(facts.loopbackBind).toBeNull();
    expect(facts.ports.map(({ value }) => value)).toEqual([8080]);
  });
});

describe('native code listed in Cargo.lock but never built', () => {
  const withSqlx = (features: string) =>
    detectRust(
      makeProject({
        'Cargo.toml': `[package]\nname = "p"\n\n[dependencies]\nsqlx = { version = "0.8", default-features = false, features = [${features}] }\n`,
        'src/main.rs': MAIN,
        'Cargo.lock': ['p', 'sqlx', 'sqlx-sqlite', 'libsqlite3-sys'].map((name) => `[[package]]\nname = "${name}"\nversion = "1.0.0"\n`).join('\n'),
      }),
    ).nativeDependencies.map((dependency) => dependency.value);

  it('sqlx for Postgres: the lock names libsqlite3-sys (an optional dependency), but nothing links SQLite (zero2prod)', () => {
    expect(withSqlx('"postgres", "macros"')).toEqual([]);
  });

  it('sqlx with its "sqlite" feature builds SQLite from source', () => {
    expect(withSqlx('"sqlite"')).toEqual([{ crate: 'libsqlite3-sys', bundled: true }]);
  });
});

describe('several binaries: the rule --yes applies', () => {
  const pick = (files: Record<string, string>, manifest = '') =>
    binaryByRule(detectRust(makeProject({ 'Cargo.toml': `[package]\nname = "kv"\n${manifest}`, ...files })))?.binary ?? null;

  it('the one named after the package, else the only one that serves, else the one named like a server; else none', () => {
    expect(pick({ 'src/main.rs': MAIN, 'src/bin/bench.rs': MAIN })).toBe('kv');
    const serves = 'use tokio::net::TcpListener;\nfn main() {}\n';
    // mini-redis: two [[bin]] with paths, the server's file binds.
    const bins = '\n[[bin]]\nname = "kv-cli"\npath = "src/bin/cli.rs"\n\n[[bin]]\nname = "kv-server"\npath = "src/bin/server.rs"\n';
    expect(pick({ 'src/bin/cli.rs': MAIN, 'src/bin/server.rs': serves }, bins)).toBe('kv-server');
    expect(pick({ 'src/bin/cli.rs': MAIN, 'src/bin/server.rs': MAIN }, bins)).toBe('kv-server');
    expect(pick({ 'src/bin/load.rs': MAIN, 'src/bin/dump.rs': MAIN })).toBeNull();
    expect(pick({ 'src/bin/load.rs': MAIN, 'src/bin/dump.rs': MAIN }, 'default-run = "load"\n')).toBeNull();
  });
});

describe('ports written as defaults', () => {
  const ports = (files: Record<string, string>, dependencies = 'tokio = "1"\n') =>
    detectRust(makeProject({ 'Cargo.toml': `[package]\nname = "p"\n\n[dependencies]\n${dependencies}`, ...files })).ports.map((port) => [
      port.value,
      port.evidence?.file,
      port.evidence?.line,
    ]);

  it('a const DEFAULT_PORT of a program that listens (mini-redis)', () => {
    expect(ports({ 'src/lib.rs': '/// the port\npub const DEFAULT_PORT: u16 = 6379;\n', 'src/main.rs': 'use tokio::net::TcpListener;\nfn main() {}\n' })).toEqual([
      [6379, 'src/lib.rs', 2],
    ]);
  });

  it("Rocket's own default, 8000, when nothing in the source names a port; a port the source names comes first", () => {
    const rocket = 'rocket = "0.5"\n';
    expect(ports({ 'src/main.rs': '#[launch]\nfn rocket() -> _ { rocket::build() }\n' }, rocket)).toEqual([[8000, 'Cargo.toml', 5]]);
    expect(ports({ 'src/main.rs': 'fn main() { let a = "0.0.0.0:9000"; }\n' }, rocket)[0]).toEqual([9000, 'src/main.rs', 1]);
  });

  it("Loco's server.port in config/development.yaml, which its loader reads when LOCO_ENV is not set", () => {
    const config = 'logger:\n  enable: true\nserver:\n  # the port\n  port: 5150\n  host: http://localhost\n';
    expect(ports({ 'src/bin/main.rs': 'fn main() {}\n', 'config/development.yaml': config }, 'loco-rs = "0.13"\naxum = "0.7"\n')).toEqual([[5150, 'config/development.yaml', 5]]);
  });

  it("a client's DEFAULT_PORT alone does not make a server", () => {
    expect(ports({ 'src/main.rs': 'const DEFAULT_PORT: u16 = 6379;\nfn main() {}\n' })).toEqual([]);
  });

  it('clap default_value for a --port argument, builder and derive; not for another argument', () => {
    const builder =
      'fn main() {\n  let _ = Command::new("s")\n    .arg(Arg::new("threads").long("threads").default_value("64"))\n    .arg(Arg::new("port")\n      .long("port")\n      .default_value("8000"));\n}\n';
    expect(ports({ 'src/main.rs': builder }, 'axum = "0.8"\n')).toEqual([[8000, 'src/main.rs', 6]]);
    const derive = 'struct Args {\n  #[arg(long, default_value_t = 64)]\n  workers: u16,\n  #[arg(short, long, default_value_t = 7000)]\n  port: u16,\n}\nfn main() {}\n';
    expect(ports({ 'src/main.rs': derive }, 'axum = "0.8"\n')).toEqual([[7000, 'src/main.rs', 4]]);
  });

  it('the listening section of a config crate file, not the database port (zero2prod base.yaml)', () => {
    const yaml = 'database:\n  port: 5432\napplication:\n  port: 8000\n  host: 0.0.0.0\n';
    expect(
      ports({ 'src/main.rs': 'fn main() {}\n', 'configuration/base.yaml': yaml, 'configuration/local.yaml': 'application:\n  port: 9999\n' }, 'axum = "0.8"\nconfig = "0.14"\n'),
    ).toEqual([[8000, 'configuration/base.yaml', 4]]);
  });

  it('addresses inside #[cfg(test)] modules are test fixtures, not what the program binds', () => {
    const code = 'fn main() {}\n#[cfg(test)]\nmod tests {\n  fn peer() { let _ = ([127, 0, 0, 1], 12345); }\n}\n';
    expect(ports({ 'src/main.rs': code }, 'axum = "0.8"\n')).toEqual([]);
  });

  // miniserve: `--port` defaults to 8080, and with no folder argument and no terminal it refuses to start.
  it("a --port option's default: said that the program takes its settings as arguments, and where they go; not for a port in a listen address", async () => {
    const args =
      'struct Args {\n  #[arg(value_hint = ValueHint::AnyPath, env = "MINISERVE_PATH")]\n  path: Option<PathBuf>,\n  #[arg(short, long, default_value = "8080")]\n  port: u16,\n}\n';
    const warningsOf = async (files: Record<string, string>, flags = {}) =>
      planOf(await answerFolder(makeProject({ 'Cargo.toml': '[package]\nname = "p"\n\n[dependencies]\nactix-web = "4"\n', ...files }).root, { base: 'distroless', ...flags }))
        .warnings;
    expect(await warningsOf({ 'src/main.rs': 'fn main() {}\n', 'src/args.rs': args })).toContain(
      'the port 8080 is the default of a command-line option (src/args.rs:4): the program takes its settings as arguments, and the image passes none; give any it needs to start after the image name (docker run IMAGE <arguments>: the binary is the ENTRYPOINT), and mount (-v) a folder they name',
    );
    const said = (warnings: string[]) => warnings.filter((warning) => warning.includes('command-line option'));
    // Another port answered: the option's default is not what the image runs with.
    expect(said(await warningsOf({ 'src/main.rs': 'fn main() {}\n', 'src/args.rs': args }, { port: '9000' }))).toEqual([]);
    expect(said(await warningsOf({ 'src/main.rs': 'fn main() { let _ = "0.0.0.0:8080"; }\n' }))).toEqual([]);
  });
});

describe('a workspace member run in its own folder', () => {
  const workspace = () =>
    makeProject({
      'Cargo.toml': '[workspace]\nmembers = ["apps/*", "libs/*"]\n\n[workspace.package]\nrust-version = "1.80"\n',
      'Cargo.lock': [
        '[[package]]\nname = "api"\nversion = "0.1.0"\ndependencies = ["util"]\n',
        '[[package]]\nname = "cli"\nversion = "0.1.0"\ndependencies = ["libsqlite3-sys"]\n',
        '[[package]]\nname = "libsqlite3-sys"\nversion = "0.30.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n',
        '[[package]]\nname = "util"\nversion = "0.1.0"\n',
      ].join('\n'),
      'apps/api/Cargo.toml': '[package]\nname = "api"\nrust-version.workspace = true\n\n[dependencies]\nutil = { path = "../../libs/util" }\n',
      'apps/api/src/main.rs': 'fn main() { let _ = "0.0.0.0:4000"; }\n',
      'apps/cli/Cargo.toml': '[package]\nname = "cli"\n\n[dependencies]\nrusqlite = "0.32"\n',
      'apps/cli/src/main.rs': MAIN,
      'libs/util/Cargo.toml': '[package]\nname = "util"\n',
      'libs/util/src/lib.rs': '',
    });

  it('sees the member as the workspace does: its binary, its part of the lock, the inherited rust-version, evidence named from the member', () => {
    const facts = detectRust(new ProjectFiles(path.join(workspace().root, 'apps/api')));
    expect(facts.binaries.map((binary) => binary.value)).toEqual([{ name: 'api', package: 'api' }]);
    expect(facts.enclosingWorkspace).toEqual({ value: '../../Cargo.toml', evidence: { file: '../../Cargo.toml', line: 2 } });
    expect(facts.memberBuild).toEqual({ contextPath: '../..', memberPath: 'apps/api', workspaceDir: null });
    expect(facts.minimumVersion).toEqual({ value: '1.80', evidence: { file: '../../Cargo.toml', line: 5 } });
    expect(facts.lockfile).toEqual({ value: true, evidence: { file: '../../Cargo.lock' } });
    // libsqlite3-sys belongs to the other member: not this image's concern.
    expect(facts.nativeDependencies).toEqual([]);
    expect(facts.ports).toEqual([{ value: 4000, evidence: { file: 'src/main.rs', line: 1 } }]);
  });

  it('leaves out the sources of the members it does not depend on, their manifests kept and their target files stood in for; the ones it uses stay whole', async () => {
    const root = workspace().root;
    const extra = makeProject({
      'apps/cli/src/bin/tool.rs': MAIN,
      'apps/cli/src/db.rs': '',
      'apps/cli/benches/speed.rs': '',
      'apps/cli/Cargo.toml': '[package]\nname = "cli"\nbuild = "gen.rs"\n\n[dependencies]\nrusqlite = "0.32"\n',
      'apps/cli/gen.rs': '',
      'libs/log/Cargo.toml': '[package]\nname = "log"\n\n[lib]\npath = "lib/log.rs"\n',
      'libs/log/lib/log.rs': '',
    }).root;
    cpSync(extra, root, { recursive: true });
    const changes = await renderFolder(path.join(root, 'apps/api'), { base: 'distroless', debug: 'none' });
    const ignore = changes.find((change) => change.path === 'Dockerfile.dockerignore')!.content;
    expect(ignore).toContain('\napps/cli\n!apps/cli/Cargo.toml\nlibs/log\n!libs/log/Cargo.toml\n');
    expect(ignore).not.toMatch(/^libs\/util$/m);
    const dockerfile = changes.find((change) => change.path === 'Dockerfile')!.content;
    expect(dockerfile).toContain(
      ' && for file in \\\n      apps/cli/benches/speed.rs \\\n      apps/cli/gen.rs \\\n      apps/cli/src/bin/tool.rs \\\n      apps/cli/src/main.rs \\\n      libs/log/lib/log.rs; do \\\n',
    );
    // A module is not a target: cargo loads the manifest without it.
    expect(dockerfile).not.toContain('apps/cli/src/db.rs');
  });

  it('a dependency inherited from [workspace.dependencies] keeps its member in the context', async () => {
    const root = makeProject({
      'Cargo.toml': '[workspace]\nmembers = ["api", "util", "other"]\n\n[workspace.dependencies]\nutil = { path = "util" }\n',
      'api/Cargo.toml': '[package]\nname = "api"\n\n[dependencies]\nutil.workspace = true\n',
      'api/src/main.rs': MAIN,
      'util/Cargo.toml': '[package]\nname = "util"\n',
      'util/src/lib.rs': '',
      'other/Cargo.toml': '[package]\nname = "other"\n',
      'other/src/lib.rs': '',
    }).root;
    const { plan } = planOf(await answerFolder(path.join(root, 'api'), { base: 'distroless' }));
    expect(plan.language === 'rust' && plan.build.leftOut).toEqual([{ folder: 'other', standIns: ['other/src/lib.rs'] }]);
  });

  it('path dependencies outside the workspace root widen the context to hold them (axum examples use ../axum)', () => {
    const repo = makeProject({
      'Cargo.toml': '[workspace]\nmembers = ["core"]\n',
      'core/Cargo.toml': '[package]\nname = "core"\n',
      'core/src/lib.rs': '',
      'examples/Cargo.toml': '[workspace]\nmembers = ["*"]\n',
      'examples/hello/Cargo.toml': '[package]\nname = "hello"\n\n[dependencies]\ncore = { path = "../../core" }\n',
      'examples/hello/src/main.rs': MAIN,
    });
    const facts = detectRust(new ProjectFiles(path.join(repo.root, 'examples/hello')));
    expect(facts.memberBuild).toEqual({ contextPath: '../..', memberPath: 'examples/hello', workspaceDir: 'examples' });
    expect(facts.outsidePaths).toEqual([]);
    expect(facts.minimumVersion).toBeNull();
  });
});

describe('language detection', () => {
  it('Cargo.toml is a Rust project; a library-only package.json beside it steps aside', async () => {
    const detection = await detectProject(makeProject({ 'Cargo.toml': '[package]\nname = "p"\n', 'src/main.rs': MAIN, 'package.json': '{"devDependencies":{"vite":"6"}}' }));
    expect(detection.facts.language).toBe('rust');
    expect(detection.warnings).toEqual([
      'package.json is also here, but node finds no app in it; generating for rust (Cargo.toml), the only app here: pass --lang node to build the other',
    ]);
  });
});

describe('folders the program reads from its working directory', () => {
  const folders = (files: Record<string, string>) =>
    detectRust(makeProject({ 'Cargo.toml': '[package]\nname = "p"\n\n[dependencies]\nactix-web = "4"\n', ...files })).runtimeFolders.map((folder) => [
      folder.value,
      folder.evidence?.file,
      folder.evidence?.line,
    ]);

  // actix/examples basics/todo: Tera templates and actix-files' static folder; zero2prod: the config crate's folder.
  it("a template glob, a served folder, a configuration folder joined to a path; not a module, an included file, a migrations macro or a bare word where no path goes (react-rust-postgres' migrations table)", () => {
    const main =
      'fn main() {\n  let t = Tera::new("templates/**/*");\n  let f = Files::new("/static", "./static");\n  let c = base.join("configuration");\n  let m = sqlx::migrate!("./migrations");\n  let n = Migration::new("migrations".to_string());\n  let s = include_str!("assets/schema.sql");\n  let _ = "handlers";\n}\n';
    expect(
      folders({
        'src/main.rs': main,
        'src/handlers/mod.rs': '',
        'templates/index.html.tera': '',
        'static/errors/404.html': '',
        'configuration/base.yaml': '',
        'migrations/1_init.sql': '',
        'assets/schema.sql': '',
      }),
    ).toEqual([
      ['templates', 'src/main.rs', 2],
      ['static', 'src/main.rs', 3],
      ['configuration', 'src/main.rs', 4],
    ]);
  });

  it('a workspace member copies its own folders from where cargo runs, into /app', async () => {
    const dir = makeProject({
      'Cargo.toml': '[workspace]\nmembers = ["basics/*"]\n',
      'basics/todo/Cargo.toml': '[package]\nname = "todo"\n\n[dependencies]\nactix-web = "4"\n',
      'basics/todo/src/main.rs': 'fn main() {\n  let t = Tera::new("templates/**/*");\n}\n',
      'basics/todo/templates/index.html.tera': '',
    }).root;
    const { plan } = planOf(await answerFolder(path.join(dir, 'basics/todo'), { base: 'distroless' }));
    expect(plan.runtimeFolders).toEqual({
      copies: [{ source: 'basics/todo/templates', parent: '' }],
      writable: [],
      createsFiles: false,
      why: 'The program reads templates/ (src/main.rs:2) in its working directory',
    });
  });
});

describe("Rocket's address and Rocket.toml", () => {
  const cargo = '[package]\nname = "hello"\n\n[dependencies]\nrocket = "0.5"\n';
  const main = '#[launch]\nfn rocket() -> _ { rocket::build() }\n';
  const project = (files: Record<string, string>) => makeProject({ 'Cargo.toml': cargo, 'src/main.rs': main, ...files });
  const production = async (files: Record<string, string>) => {
    const dockerfile = (await renderFolder(project(files).root, { base: 'distroless', debug: 'none' })).find((change) => change.path === 'Dockerfile')!.content;
    return dockerfile.slice(dockerfile.indexOf('AS production'));
  };

  it("Rocket's default address is loopback: the image sets ROCKET_ADDRESS=0.0.0.0 and says why", async () => {
    expect(detectRust(project({})).rocket).toEqual({ dependency: { file: 'Cargo.toml', line: 5 }, configuredAddress: null, addressInSource: { value: false, evidence: null } });
    expect(await production({})).toContain(
      '# Rocket (Cargo.toml:5) listens on 127.0.0.1 unless ROCKET_ADDRESS or Rocket.toml says otherwise: out of reach from outside the container.\nENV ROCKET_ADDRESS=0.0.0.0\n',
    );
  });

  it('Rocket.toml: a release build reads [default], then [release], then [global]; its port is the port, its loopback address is overridden, and it ships to /app', async () => {
    const files = { 'Rocket.toml': '[default]\nport = 8090\naddress = "0.0.0.0"\n\n[debug]\nport = 9999\n\n[release]\naddress = "127.0.0.1"\n' };
    const facts = detectRust(project(files));
    expect(facts.rocket?.configuredAddress).toEqual({ value: '127.0.0.1', evidence: { file: 'Rocket.toml', line: 9 } });
    expect(facts.ports.map((port) => [port.value, port.evidence?.file, port.evidence?.line])).toEqual([
      [8090, 'Rocket.toml', 2],
      [8000, 'Cargo.toml', 5],
    ]);
    expect(facts.runtimeFiles).toEqual([{ value: 'Rocket.toml', evidence: { file: 'Cargo.toml', line: 5 } }]);
    const dockerfile = await production(files);
    expect(dockerfile).toContain(
      '# Rocket.toml:9 has Rocket listen on 127.0.0.1, out of reach from outside the container; ROCKET_ADDRESS wins over Rocket.toml.\nENV ROCKET_ADDRESS=0.0.0.0\n',
    );
    expect(dockerfile).toContain('COPY --from=build /runtime/ /\nWORKDIR /app\n');
    expect(dockerfile).toContain('EXPOSE 8090\n');
    const global = detectRust(project({ 'Rocket.toml': '[release]\nport = 8090\n[global]\nport = 7000\naddress = "::"\n' }));
    expect([global.ports[0]?.value, global.rocket?.configuredAddress?.value]).toEqual([7000, '::']);
  });

  it('no ROCKET_ADDRESS when Rocket.toml listens beyond loopback or the source sets the address (the variable would change nothing)', async () => {
    expect(await production({ 'Rocket.toml': '[default]\naddress = "0.0.0.0"\n' })).not.toContain('ROCKET_ADDRESS');
    const figment = 'fn rocket() -> _ {\n  let figment = rocket::Config::figment().merge(("address", "0.0.0.0"));\n  rocket::custom(figment)\n}\n';
    expect(detectRust(project({ 'src/main.rs': figment })).rocket?.addressInSource).toEqual({ value: true, evidence: { file: 'src/main.rs', line: 2 } });
    expect(await production({ 'src/main.rs': figment })).not.toContain('ROCKET_ADDRESS');
    const literal = 'fn rocket() -> _ {\n  let config = Config {\n    port: 8080,\n    address: Ipv4Addr::new(0, 0, 0, 0).into(),\n    ..Config::release_default()\n  };\n}\n';
    expect(detectRust(project({ 'src/main.rs': literal })).rocket?.addressInSource.value).toBe(true);
    // Another struct's address field is not Rocket's.
    expect(detectRust(project({ 'src/main.rs': `${main}struct User {\n  address: String,\n}\n` })).rocket?.addressInSource.value).toBe(false);
  });

  it('without Rocket: no settings, no Rocket.toml copied', () => {
    const facts = detectRust(makeProject({ 'Cargo.toml': '[package]\nname = "p"\n\n[dependencies]\naxum = "0.8"\n', 'src/main.rs': MAIN, 'Rocket.toml': '[default]\nport = 1\n' }));
    expect([facts.rocket, facts.runtimeFiles]).toEqual([null, []]);
  });
});

describe('a Loco app (loco-rs/chat-rooms)', () => {
  const cargo =
    '[package]\nname = "chat-rooms"\ndefault-run = "chat_rooms-cli"\n\n[dependencies]\nloco-rs = "0.13"\n\n[[bin]]\nname = "chat_rooms-cli"\npath = "src/bin/main.rs"\n';
  const main = 'use loco_rs::cli;\n\n#[tokio::main]\nasync fn main() -> loco_rs::Result<()> {\n    cli::main::<App, Migrator>().await\n}\n';
  const development =
    'server:\n  port: 5150\n  host: http://localhost\n  middlewares:\n    static:\n      folder:\n        uri: "/"\n        path: "frontend/dist"\ndatabase:\n  uri: {{ get_env(name="DATABASE_URL", default="sqlite://loco_app.sqlite?mode=rwc") }}\n';
  const files = {
    'Cargo.toml': cargo,
    'src/lib.rs': '',
    'src/bin/main.rs': main,
    'config/development.yaml': development,
    'assets/i18n/shared.ftl': '',
    'assets/views/home.html': '',
    'frontend/dist/index.html': '',
  };
  const production = async (changed: Record<string, string> = {}) => {
    const dockerfile = (await renderFolder(makeProject({ ...files, ...changed }).root, { base: 'slim', debug: 'none' })).find((change) => change.path === 'Dockerfile')!.content;
    return dockerfile;
  };

  it("runs Loco's CLI with start on 0.0.0.0 and the port of config/<environment>.yaml, with config/, assets/ and the static folder in /app, writable for the SQLite file", async () => {
    const facts = detectRust(makeProject(files));
    expect(facts.loco).toEqual({
      dependency: { file: 'Cargo.toml', line: 6 },
      cliMain: { file: 'src/bin/main.rs', line: 5 },
      production: { value: false, evidence: null },
      version: null,
      configuredBinding: null,
    });
    expect(facts.ports[0]).toEqual({ value: 5150, evidence: { file: 'config/development.yaml', line: 2 } });
    expect(facts.runtimeFolders.map((folder) => folder.value)).toEqual(['config', 'assets', 'frontend/dist']);
    expect(facts.createdFile).toEqual({ value: 'loco_app.sqlite', evidence: { file: 'config/development.yaml', line: 10 } });
    const dockerfile = await production();
    expect(dockerfile).toContain(
      ' && cp -R config /runtime/app/ \\\n && cp -R assets /runtime/app/ \\\n && cp -R frontend/dist /runtime/app/frontend/ \\\n && chgrp 65532 /runtime/app && chmod 1775 /runtime/app\n',
    );
    expect(dockerfile).toContain(
      "# src/bin/main.rs:5 runs Loco's CLI, which serves with start; --binding 0.0.0.0, since Loco listens on localhost unless its config sets server.binding, out of reach from outside the container.\n",
    );
    expect(dockerfile).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/chat_rooms-cli", "start", "--binding", "0.0.0.0", "--port", "5150"]\n');
    expect(dockerfile).not.toContain('LOCO_ENV');
    expect(lintDockerfile(dockerfile)).toEqual([]);
  });

  it('with config/production.yaml the image sets LOCO_ENV=production and takes that port; without it a warning says the development environment runs', async () => {
    const facts = detectRust(makeProject({ ...files, 'config/production.yaml': 'server:\n  port: 8080\n' }));
    expect(facts.loco?.production).toEqual({ value: true, evidence: { file: 'config/production.yaml' } });
    expect(facts.ports[0]?.value).toBe(8080);
    const dockerfile = await production({ 'config/production.yaml': 'server:\n  port: 8080\n' });
    expect(dockerfile).toContain('# Loco reads config/<LOCO_ENV>.yaml, development unless set: config/production.yaml is the one for this image.\nENV LOCO_ENV=production\n');
    expect(dockerfile).toContain('"start", "--binding", "0.0.0.0", "--port", "8080"]');
    const run = await runCli([makeProject(files).root, '--yes', '--stdout', '--base', 'slim']);
    expect(run.stderr).toContain('warning: Loco (Cargo.toml:6): no config/production.yaml, so the image runs the development environment');
  });

  it("loco-rs before 0.14 ignores start's --binding and --port (its serve binds the config's): the image runs start alone and a warning says to set server.binding", async () => {
    const lock = (version: string) =>
      `version = 4\n\n[[package]]\nname = "chat-rooms"\nversion = "0.1.0"\n\n[[package]]\nname = "loco-rs"\nversion = "${version}"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n`;
    const old = detectRust(makeProject({ ...files, 'Cargo.lock': lock('0.13.1') }));
    expect(old.loco?.version).toEqual({ value: '0.13.1', evidence: { file: 'Cargo.lock', line: 7 } });
    expect(old.loco?.configuredBinding).toBeNull();
    const run = await runCli([makeProject({ ...files, 'Cargo.lock': lock('0.13.1') }).root, '--yes', '--stdout', '--base', 'slim']);
    expect(run.stdout).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/chat_rooms-cli", "start"]\n');
    expect(run.stdout).toContain(
      "# src/bin/main.rs:5 runs Loco's CLI, which serves with start; loco-rs 0.13.1 ignores its --binding and --port, so it listens where its config says.\n",
    );
    expect(run.stderr).toContain(
      "warning: loco-rs 0.13.1 (Cargo.lock:7) ignores start's --binding and --port and listens on its config's server.binding, localhost when unset, which nothing outside the container can reach",
    );
    // A config that binds 0.0.0.0 needs no warning; loco-rs 0.14 takes the flags.
    const bound = development.replace('  port: 5150\n', '  port: 5150\n  binding: 0.0.0.0\n');
    const configured = await runCli([makeProject({ ...files, 'Cargo.lock': lock('0.13.1'), 'config/development.yaml': bound }).root, '--yes', '--stdout', '--base', 'slim']);
    expect(configured.stderr).not.toContain('ignores start');
    const newer = await runCli([makeProject({ ...files, 'Cargo.lock': lock('0.14.0') }).root, '--yes', '--stdout', '--base', 'slim']);
    expect(newer.stdout).toContain('"/usr/local/bin/chat_rooms-cli", "start", "--binding", "0.0.0.0", "--port", "5150"]');
    expect(newer.stderr).not.toContain('ignores start');
  });

  it('without loco-rs, a config/ folder and a binary named -cli change nothing', () => {
    const facts = detectRust(makeProject({ ...files, 'Cargo.toml': cargo.replace('loco-rs = "0.13"', 'axum = "0.8"'), 'src/bin/main.rs': MAIN }));
    expect([facts.loco, facts.createdFile, facts.runtimeFolders]).toEqual([null, null, []]);
  });
});

describe("the linker .cargo/config.toml asks for (zero2prod's clang with lld)", () => {
  const config =
    '[target.x86_64-unknown-linux-gnu]\nrustflags = ["-C", "linker=clang", "-C", "link-arg=-fuse-ld=lld"]\n\n[target.aarch64-apple-darwin]\nrustflags = ["-C", "link-arg=-fuse-ld=/opt/homebrew/opt/llvm/bin/ld64.lld"]\n';
  const project = (files: Record<string, string>) => makeProject({ 'Cargo.toml': '[package]\nname = "p"\n', 'src/main.rs': 'fn main() {}\n', ...files });

  it('clang and lld for the Linux glibc target, with the section that names them; nothing for other targets or without a config', () => {
    expect(detectRust(project({ '.cargo/config.toml': config })).linkerTools).toEqual({ value: ['clang', 'lld'], evidence: { file: '.cargo/config.toml', line: 1 } });
    expect(detectRust(project({ '.cargo/config': '[build]\nrustflags = ["-C", "link-arg=-fuse-ld=mold"]\n' })).linkerTools?.value).toEqual(['mold']);
    expect(detectRust(project({ '.cargo/config.toml': '[target.x86_64-apple-darwin]\nlinker = "clang"\n' })).linkerTools).toBeNull();
    expect(detectRust(project({})).linkerTools).toBeNull();
  });

  it('the glibc build stage installs them before cargo links; a musl build, which does not read that section, does not', async () => {
    const dockerfileOf = async (base: Base) =>
      (await renderFolder(project({ '.cargo/config.toml': config }).root, { base, debug: 'none' })).find((change) => change.path === 'Dockerfile')!.content;
    const slim = await dockerfileOf('slim');
    expect(slim).toContain(
      '# .cargo/config.toml:1 links with clang and lld, which the rust image does not have: installed for the link step.\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends clang lld \\\n',
    );
    expect(slim.indexOf('apt-get install -y --no-install-recommends clang lld')).toBeLessThan(slim.indexOf('cargo build'));
    expect(await dockerfileOf('alpine')).not.toContain('clang');
  });
});

describe('a WebAssembly app (WasmEdge: tokio_wasi, hyper_wasi, mysql_async_wasi)', () => {
  const project = (dependencies: string) =>
    makeProject({ 'Cargo.toml': `[package]\nname = "w"\nversion = "0.1.0"\n\n[dependencies]\n${dependencies}`, 'src/main.rs': 'fn main() {}\n' });

  it('a _wasi or wasmedge crate is the evidence; a native app has none', () => {
    expect(detectRust(project('anyhow = "1"\nhyper_wasi = { version = "0.15", features = ["full"] }\n')).webAssembly).toEqual({
      value: 'hyper_wasi',
      evidence: { file: 'Cargo.toml', line: 7 },
    });
    expect(detectRust(project('wasmedge_wasi_socket = "0.5"\n')).webAssembly?.value).toBe('wasmedge_wasi_socket');
    expect(detectRust(project('tokio = "1"\nwasi = "0.11"\n')).webAssembly).toBeNull();
  });

  it('is refused with the reason (exit 3): a native build of its _wasi crates does not compile, and WasmEdge runs it', async () => {
    await expect(renderFolder(project('tokio_wasi = "1"\n').root, { base: 'distroless', debug: 'none' })).rejects.toThrow(
      'tokio_wasi (Cargo.toml:6) is a crate for WebAssembly runtimes: this is a wasm32-wasi app that WasmEdge runs, not a Linux binary, and stagecraft builds native images only',
    );
  });
});
