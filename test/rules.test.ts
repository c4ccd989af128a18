import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { rulesOf, type Rule, type RuleTable } from '../src/core/rules.js';
import { ExitCode, StagecraftError } from '../src/errors.js';
import { GO_RULES } from '../src/languages/go/rules.js';
import { JAVA_RULES } from '../src/languages/java/rules.js';
import { NODE_RULES } from '../src/languages/node/rules.js';
import { PYTHON_RULES } from '../src/languages/python/rules.js';
import { LANGUAGE_NAMES } from '../src/languages/registry.js';
import { RUST_RULES } from '../src/languages/rust/rules.js';
import { copyFixture, fixture } from './helpers.js';
import { CELLS, answerFolder, cellFolder, cellName, planOf, type FolderFlags } from './matrix.js';

/*
 * Every refusal and warning comes from a language's rules table: a rule no case triggers, a
 * refusal made outside a table, or a warning no rule gave fails here. The rules' messages are
 * watched with spies, so the planners run exactly as they do in the CLI.
 */

const TABLES: Record<string, RuleTable<never>> = { go: GO_RULES, node: NODE_RULES, python: PYTHON_RULES, rust: RUST_RULES, java: JAVA_RULES };

/** A project written to a temporary folder, for a rule no fixture of the matrix triggers. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'stagecraft-rules-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

interface Case {
  name: string;
  dir: () => string;
  flags: FolderFlags;
}

const MATRIX_CASES: Case[] = CELLS.map((cell) => ({ name: cellName(cell), dir: () => cellFolder(cell), flags: { base: cell.base, debug: cell.debug, ...cell.flags } }));

const onFixture = (name: string, fixtureName: string, flags: FolderFlags): Case => ({ name, dir: () => fixture(fixtureName), flags });
const onProject = (name: string, files: Record<string, string>, flags: FolderFlags = {}, member = ''): Case => ({ name, dir: () => path.join(project(files), member), flags });

/** A fixture copied, with some of its files replaced or added. */
const onChangedFixture = (name: string, fixtureName: string, files: Record<string, string>, flags: FolderFlags = {}): Case => ({
  name,
  dir: () => {
    const dir = copyFixture(fixtureName);
    for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
    return dir;
  },
  flags,
});

/** A generated table past the 16 MiB a source scan reads, in a language's own syntax. */
const OVER_SCAN_LIMIT = 17 * 1024 * 1024;
const generatedTable = (open: string, close: string) => `${open}\n${'    "abcdefghij",\n'.repeat(OVER_SCAN_LIMIT / 19)}${close}\n`;

/** Rules the matrix does not reach. */
const UNIT_CASES: Case[] = [
  onProject('go: a source too large to scan', {
    'go.mod': 'module example.com/t\n\ngo 1.23\n',
    'main.go': 'package main\n\nfunc main() {}\n',
    'table.go': generatedTable('package main\n\nvar table = []string{', '}'),
  }),
  onProject('python: a source too large to scan', { 'requirements.txt': '', 'main.py': 'print(1)\n', 'table.py': generatedTable('TABLE = [', ']') }, { base: 'slim' }),
  onProject('rust: a source too large to scan', {
    'Cargo.toml': '[package]\nname = "t"\nversion = "0.1.0"\n',
    'src/main.rs': 'fn main() {}\n',
    'src/table.rs': generatedTable('pub const TABLE: &[&str] = &[', '];'),
  }),
  onFixture('node: --healthcheck for a program that does not listen', 'node-express', { healthcheck: true, port: 'none' }),
  onFixture('python: --healthcheck for a CLI', 'python-cli-scripts', { healthcheck: true }),
  onFixture('go: --healthcheck with nothing in the image to probe with', 'go-root-main', { healthcheck: true }),
  onFixture('go: --healthcheck for a program that does not listen', 'go-vendored', { healthcheck: true }),
  onFixture('rust: --healthcheck with nothing in the image to probe with', 'rust-single-bin', { healthcheck: true }),
  onFixture('rust: --healthcheck for a program that does not listen', 'rust-msrv', { healthcheck: true }),
  onFixture('java: --healthcheck with nothing in the image to probe with', 'java-plain-maven', { healthcheck: true }),
  onFixture('java: --healthcheck for a program that does not listen', 'java-plain-maven', { healthcheck: true, port: 'none' }),
  onFixture('java: --reproducible with build times in the jar', 'java-plain-maven', { reproducible: true }),
  onChangedFixture('node: a token written into .yarnrc.yml', 'node-yarn-berry', { '.yarnrc.yml': 'nodeLinker: node-modules\nnpmAuthToken: abc\n' }),
  onChangedFixture('python: a password in an index URL', 'python-flask-gunicorn', { 'requirements.txt': 'flask==3.1.0\n-i https://u:p@pypi.acme.example/simple\n' }),
  onChangedFixture('python: pip.conf beside uv', 'python-fastapi-uv', { 'pip.conf': '[global]\nindex-url = https://pypi.acme.example/simple\n' }),
  onChangedFixture('go: GOPRIVATE with cgo on alpine', 'go-cgo', { '.envrc': 'export GOPRIVATE=github.com/acme\n' }, { base: 'alpine' }),
  onChangedFixture("go: GOPRIVATE with the builder's own .netrc", 'go-root-main', { 'go.env': 'GOPRIVATE=github.com/acme/*\n' }),
  onProject('rust: a token written into .cargo/config.toml', {
    'Cargo.toml': '[package]\nname = "t"\nversion = "0.1.0"\n',
    'src/main.rs': 'fn main() {}\n',
    '.cargo/config.toml': '[registries.acme]\nindex = "sparse+https://cargo.acme.example/index/"\ntoken = "abc"\n',
  }),
  onProject("rust: a private registry with the builder's own credentials, and git over ssh", {
    'Cargo.toml': '[package]\nname = "t"\nversion = "0.1.0"\n\n[dependencies]\nauth = { git = "ssh://git@github.com/acme/auth.git" }\n',
    'src/main.rs': 'fn main() {}\n',
    '.cargo/config.toml': '[registries.acme]\nindex = "sparse+https://cargo.acme.example/index/"\n',
  }),
  onProject('rust: a Loco app on loco-rs 0.13, without config/production.yaml', {
    'Cargo.toml': '[package]\nname = "l"\nversion = "0.1.0"\n\n[dependencies]\nloco-rs = "0.13"\n',
    'Cargo.lock': 'version = 4\n\n[[package]]\nname = "loco-rs"\nversion = "0.13.1"\n',
    'src/main.rs': 'use loco_rs::cli;\nasync fn main() {\n    cli::main::<App, Migrator>().await\n}\n',
    'config/development.yaml': 'server:\n  port: 5150\n',
  }),
  onProject('rust: a WasmEdge app (a _wasi crate)', {
    'Cargo.toml': '[package]\nname = "w"\nversion = "0.1.0"\n\n[dependencies]\ntokio_wasi = { version = "1", features = ["rt"] }\n',
    'src/main.rs': 'fn main() {}\n',
  }),
  onChangedFixture('java: Maven servers beside a Gradle build', 'java-spring-gradle-kts', { 'settings.xml': '<settings><servers></servers></settings>\n' }),
  onFixture('go: an old go directive on a port the source does not use', 'go-root-main', { runtimeVersion: '1.20', port: '9999' }),
  onProject('go: a cgo library needed at run time', {
    'go.mod': 'module example.com/c\n\ngo 1.23\n\nrequire github.com/h2non/bimg v1.1.9\n',
    'go.sum': '',
    'main.go': 'package main\n\nimport _ "github.com/h2non/bimg"\n\nfunc main() {}\n',
  }),
  onFixture('node: an odd major on distroless', 'node-express', { base: 'distroless', runtimeVersion: '25' }),
  onFixture('node: a major past its end of life', 'node-express', { runtimeVersion: '18' }),
  onProject('node: Fastify listening on its default, localhost', {
    'package.json': JSON.stringify({ name: 'f', scripts: { start: 'node server.js' }, dependencies: { fastify: '^5' } }),
    'package-lock.json': '{}',
    'server.js': "const app = require('fastify')();\napp.listen({ port: 3000 });\n",
  }),
  onProject(
    "node: a member of a Yarn workspace under Plug'n'Play",
    { 'package.json': '{"workspaces": ["apps/*"], "packageManager": "yarn@4.9.2"}', 'yarn.lock': '', 'apps/web/package.json': '{"name":"web","scripts":{"start":"node a.js"}}' },
    {},
    'apps/web',
  ),
  onProject(
    'node: an npm workspace member loading a workspace package from its build output, without Turborepo',
    {
      'package.json': '{"workspaces": ["apps/*", "libs/*"]}',
      'package-lock.json': '{}',
      'apps/web/package.json': '{"name":"web","scripts":{"start":"node a.js"},"dependencies":{"lib":"1.0.0"}}',
      'libs/lib/package.json': '{"name":"lib","main":"dist/index.js","scripts":{"build":"tsc"}}',
    },
    {},
    'apps/web',
  ),
  onProject(
    "node: a pnpm workspace member whose root has npm's lockfile",
    {
      'package.json': '{}',
      'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n',
      'package-lock.json': '{}',
      'apps/web/package.json': '{"name":"web","scripts":{"start":"node a.js"}}',
    },
    {},
    'apps/web',
  ),
  onProject('node: a moving alias in .nvmrc', { '.nvmrc': 'latest\n', 'package.json': '{"scripts":{"start":"node a.js"}}' }),
  onProject("node: remix-serve under Yarn Plug'n'Play", {
    'package.json': '{"packageManager":"yarn@4.9.2","dependencies":{"@remix-run/serve":"^2"},"scripts":{"start":"remix-serve build"}}',
    'yarn.lock': '',
  }),
  onProject('node: a static Astro site', { 'package.json': '{"dependencies":{"astro":"^5"},"scripts":{"build":"astro build"}}' }),
  onProject(
    'python: a Procfile web: command that needs a shell',
    {
      Procfile: 'web: gunicorn app:app --workers $(nproc)\n',
      'requirements.txt': 'flask==3.1.0\ngunicorn==23.0.0\n',
      'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
    },
    { base: 'slim' },
  ),
  onProject(
    'python: a Procfile web: line that migrates before its server',
    {
      Procfile: 'web: flask db upgrade; gunicorn app:app\n',
      'requirements.txt': 'flask==3.1.0\ngunicorn==23.0.0\n',
      'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
    },
    { base: 'slim' },
  ),
  onProject('python: poetry without its lockfile', { 'pyproject.toml': '[tool.poetry]\nname = "w"\n', 'main.py': '' }, { base: 'slim' }),
  onProject(
    'python: poetry without its lockfile, built by poetry-core',
    {
      'pyproject.toml':
        '[tool.poetry]\nname = "w"\n\n[tool.poetry.dependencies]\nquart = "*"\n\n[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n',
      'main.py': '',
    },
    { base: 'slim' },
  ),
  onProject(
    'python: unpinned PEP 621 dependencies',
    { 'pyproject.toml': '[project]\nname = "svc"\ndependencies = ["flask>=3", "gunicorn==23.0.0"]\n', 'main.py': '' },
    { base: 'slim' },
  ),
  onProject(
    'python: requirements that install the project',
    { 'requirements.txt': 'flask==3.1.0\n-e .\n', 'setup.py': '', Procfile: 'web: gunicorn wsgi:app\n' },
    { base: 'slim' },
  ),
  onFixture('python: an unmaintained Python', 'python-stdlib', { base: 'slim', runtimeVersion: '3.8' }),
  onFixture('python: a locked package without a wheel for the Python asked', 'python-poetry-lxml', { base: 'slim', runtimeVersion: '3.13' }),
  onProject(
    'python: a Procfile whose uvicorn takes $PORT',
    { 'requirements.txt': 'uvicorn==0.34.0\n', 'main.py': 'async def app(scope, receive, send):\n    pass\n', Procfile: 'web: uvicorn main:app --host 0.0.0.0 --port $PORT\n' },
    { base: 'slim' },
  ),
  onProject('python: a pin of gunicorn 20, which imports pkg_resources', { 'requirements.txt': 'gunicorn==20.1.0\n', 'main.py': 'print(1)\n' }, { base: 'slim' }),
  onProject('python: a range in .python-version', { '.python-version': '>= 3.10\n', 'requirements.txt': '', 'main.py': 'print(1)\n' }, { base: 'slim' }),
  onProject(
    'rust: a workspace member',
    { 'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n', 'crates/api/Cargo.toml': '[package]\nname = "api"\n', 'crates/api/src/main.rs': 'fn main() {}\n' },
    {},
    'crates/api',
  ),
  onProject('rust: a path dependency outside the folder', {
    'Cargo.toml': '[package]\nname = "p"\n\n[dependencies]\nshared = { path = "../shared" }\n',
    'src/main.rs': 'fn main() {}\n',
  }),
  onFixture('rust: older than the rust-version', 'rust-msrv', { runtimeVersion: '1.75' }),
  onFixture('java: no distroless image for Java 11', 'java-plain-maven', { base: 'distroless', runtimeVersion: '11' }),
  onFixture('node: a major dhi.io/node does not publish', 'node-express', { base: 'hardened', runtimeVersion: '23' }),
  onFixture('python: a Python dhi.io/python does not publish', 'python-stdlib', { base: 'hardened', runtimeVersion: '3.9' }),
  onFixture('java: no hardened Temurin for Java 23', 'java-plain-maven', { base: 'hardened', runtimeVersion: '23' }),
  onFixture('java: no hardened Maven image for JDK 11 (and no wrapper)', 'java-plain-maven', { base: 'hardened', runtimeVersion: '11' }),
  onFixture('java: jlink on Java 8', 'java-plain-maven', { base: 'slim', runtimeVersion: '8', javaRuntime: 'jlink' }),
  onChangedFixture('node: Next.js without standalone output', 'node-next', { 'next.config.mjs': 'export default {};\n' }),
  // branislavbrincko/next-express-trpc-turborepo's apps/api: a devDependency preloaded before the file.
  onProject('node: a devDependency preloaded', {
    'package.json':
      '{"name":"api","scripts":{"start":"node -r esbuild-register ./src/index.ts"},"dependencies":{"express":"4.21.2"},"devDependencies":{"esbuild-register":"3.6.0"}}',
    'package-lock.json': '{"name":"api","lockfileVersion":3,"requires":true,"packages":{}}',
    'src/index.ts': 'require("express")().listen(3001);\n',
  }),
  // The same in a Yarn workspace with .yarnrc.yml: the full install is copied whole, the settings file with it.
  onProject(
    'node: a devDependency preloaded in a Yarn workspace with .yarnrc.yml',
    {
      'package.json': '{"name":"root","private":true,"workspaces":["apps/*"],"packageManager":"yarn@4.9.2"}',
      'yarn.lock': '__metadata:\n  version: 8\n',
      '.yarnrc.yml': 'nodeLinker: node-modules\n',
      'apps/api/package.json':
        '{"name":"api","scripts":{"start":"node -r esbuild-register ./src/index.ts"},"dependencies":{"express":"4.21.2"},"devDependencies":{"esbuild-register":"3.6.0"}}',
      'apps/api/src/index.ts': 'require("express")().listen(3001);\n',
    },
    {},
    'apps/api',
  ),
  onProject('node: an option that runs no file', {
    'package.json': '{"name":"api","scripts":{"start":"node --test test/"}}',
    'test/app.test.js': '',
  }),
  onProject('node: a preloaded package no dependency lists', {
    'package.json': '{"name":"api","scripts":{"start":"node -r dotenv/config server.js"}}',
    'server.js': 'require("http").createServer().listen(3000);\n',
  }),
  onProject('node: --env-file read at start', {
    'package.json': '{"name":"api","scripts":{"start":"node --env-file=.env server.js"}}',
    'server.js': 'require("http").createServer().listen(3000);\n',
  }),
  onProject('python: setup.py alone', { 'setup.py': '', 'app.py': '' }, { base: 'slim', entry: 'app.py' }),
  onChangedFixture(
    'python: console scripts without a build system',
    'python-cli-scripts',
    {
      'pyproject.toml': readFileSync(path.join(fixture('python-cli-scripts'), 'pyproject.toml'), 'utf8').replace(/\[build-system\][^[]*/, ''),
    },
    { base: 'slim' },
  ),
  onChangedFixture(
    'rust: a loopback bind on a port the answer changes, a nightly toolchain',
    'rust-single-bin',
    {
      'src/main.rs': 'fn main() { let _ = std::net::TcpListener::bind("127.0.0.1:3000"); }\n',
      'rust-toolchain.toml': '[toolchain]\nchannel = "nightly"\n',
    },
    { port: '9999' },
  ),
  onProject("rust: a server whose port is a command-line option's default", {
    'Cargo.toml': '[package]\nname = "s"\nversion = "0.1.0"\n\n[dependencies]\nactix-web = "4"\n',
    'src/main.rs': 'struct Args {\n  #[arg(short, long, default_value = "8080")]\n  port: u16,\n}\nfn main() {}\n',
  }),
  onProject('rust: a -sys crate stagecraft does not know', {
    'Cargo.toml': '[package]\nname = "z"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nmysqlclient-sys = "0.4"\n',
    'src/main.rs': 'fn main() {}\n',
  }),
  onProject(
    'java: a Gradle jar that does not bundle its dependencies',
    {
      'settings.gradle.kts': 'rootProject.name = "tool"\n',
      'build.gradle.kts':
        'plugins { java }\n\ndependencies {\n  implementation("com.google.guava:guava:33.0.0-jre")\n}\n\ntasks.jar { manifest { attributes("Main-Class" to "example.Main") } }\n',
      'src/main/java/example/Main.java': 'package example;\npublic class Main { public static void main(String[] args) {} }\n',
    },
    { base: 'slim' },
  ),
  onChangedFixture(
    'java: Spring Boot before layered jars',
    'java-spring-maven',
    {
      'pom.xml': readFileSync(path.join(fixture('java-spring-maven'), 'pom.xml'), 'utf8').replace('<version>3.4.1</version>', '<version>2.2.0.RELEASE</version>'),
    },
    { base: 'slim' },
  ),
  onFixture('java: a release that is not LTS', 'java-plain-maven', { base: 'slim', runtimeVersion: '23' }),
  onProject(
    'java: a multi-project root whose module is chosen by rule',
    {
      'settings.gradle': "rootProject.name = 'shop'\ninclude 'shop', 'worker'\n",
      'shop/build.gradle': "plugins { id 'java' }\njar { manifest { attributes 'Main-Class': 'a.Shop' } }\n",
      'worker/build.gradle': "plugins { id 'java' }\njar { manifest { attributes 'Main-Class': 'a.Worker' } }\n",
    },
    { base: 'slim' },
  ),
];

interface Outcome {
  language: string;
  /** What the watched rules said, in the order they said it. */
  said: { rule: Rule<never>; language: string; message: string }[];
  warnings: string[] | null;
  error: unknown;
}

const watched = Object.entries(TABLES).flatMap(([language, table]) => rulesOf(table).map((rule) => ({ language, rule, spy: vi.spyOn(rule, 'message') })));

async function run(testCase: Case): Promise<Outcome> {
  for (const { spy } of watched) spy.mockClear();
  let warnings: string[] | null = null;
  let language = '';
  let error: unknown = null;
  try {
    const answered = await answerFolder(testCase.dir(), testCase.flags);
    // Choosing the default base plans on the bases it tries; only the plan of the answers counts here.
    for (const { spy } of watched) spy.mockClear();
    const planned = planOf(answered);
    warnings = planned.warnings;
    language = planned.plan.language;
  } catch (caught) {
    error = caught;
  }
  const said = watched.flatMap(({ rule, language: ruleLanguage, spy }) => spy.mock.results.map((result) => ({ rule, language: ruleLanguage, message: String(result.value) })));
  return { language: language || (said[0]?.language ?? ''), said, warnings, error };
}

const outcomes = new Map<string, Outcome>();
beforeAll(async () => {
  for (const testCase of [...MATRIX_CASES, ...UNIT_CASES]) outcomes.set(testCase.name, await run(testCase));
}, 120_000);

it('every language in the registry has a rules table', () => {
  expect(Object.keys(TABLES).sort()).toEqual([...LANGUAGE_NAMES].sort());
});

it('rule ids are unique within each language', () => {
  for (const table of Object.values(TABLES)) {
    const ids = rulesOf(table).map((rule) => rule.id);
    expect(ids).toEqual([...new Set(ids)]);
  }
});

describe('each case says only what its rules say', () => {
  for (const testCase of [...MATRIX_CASES, ...UNIT_CASES]) {
    it(testCase.name, () => {
      const { said, warnings, error } = outcomes.get(testCase.name)!;
      const refusals = said.filter(({ rule }) => rule.kind === 'refuse').map(({ message }) => message);
      if (error instanceof StagecraftError && error.exitCode === ExitCode.refused) {
        expect(error.message).toBe(refusals[0]);
        return;
      }
      expect(error).toBeNull();
      expect(refusals).toEqual([]);
      expect(warnings).toEqual(said.filter(({ rule }) => rule.kind === 'warn').map(({ message }) => message));
    });
  }
});

it('every rule of every language is triggered by a matrix cell or a unit case', () => {
  const triggered = new Set([...outcomes.values()].flatMap(({ said }) => said.map(({ rule }) => rule)));
  const untriggered = watched.filter(({ rule }) => !triggered.has(rule)).map(({ language, rule }) => `${language}: ${rule.id}`);
  expect(untriggered).toEqual([]);
});
