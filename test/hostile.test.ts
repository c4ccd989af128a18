import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ProjectFiles } from '../src/project.js';
import { CLI, ROOT, copyFolder } from './helpers.js';

/*
 * Broken and hostile projects, run through the real CLI. Every case ends with its documented exit
 * code and one line naming the file and the problem (or a warning and a sensible choice), no stack
 * trace, and the folder exactly as it was. Text cases live in test/corpus/; cases git cannot hold
 * (huge files, links, permissions, deep trees) are made here.
 */

const CORPUS = path.join(ROOT, 'test', 'corpus');
const isRoot = process.getuid?.() === 0;

/** Every entry below a folder with its type, mode and content hash: "nothing written or changed" compares these. */
function stateOf(dir: string): Record<string, string> {
  if (!existsSync(dir)) return { [dir]: 'absent' };
  const state: Record<string, string> = {};
  const visit = (rel: string) => {
    const full = path.join(dir, rel);
    const stats = lstatSync(full);
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isSymbolicLink()) state[rel] = `link ${readlinkSync(full)}`;
    else if (stats.isDirectory()) {
      state[rel] = `dir ${mode}`;
      for (const name of readdirSync(full)) visit(path.join(rel, name));
    } else state[rel] = `file ${mode} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
  };
  visit('.');
  return state;
}

interface Outcome {
  exitCode: number;
  /** The one line on stderr (error), or a pattern the warnings must match on success. */
  message: RegExp;
}

interface HostileCase {
  name: string;
  /** Builds the project; returns the folder argument given to the CLI. */
  make: () => string;
  expected: Outcome;
  /** Run as an unprivileged user (permissions mean nothing to root). */
  unprivileged?: boolean;
  extraArgs?: string[];
}

const scratch = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stagecraft-hostile-'));
  // Readable by the unprivileged user some cases run as.
  chmodSync(dir, 0o755);
  return dir;
};
const corpus = (name: string) => () => {
  const dir = copyFolder(path.join(CORPUS, name));
  chmodSync(dir, 0o755);
  return dir;
};
const withFiles = (files: Record<string, string | Buffer>) => () => {
  const dir = scratch();
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
};

const NODE_APP = { 'package.json': '{ "name": "app", "scripts": { "start": "node server.js" } }\n', 'server.js': 'require("http").createServer().listen(3000);\n' };
const GO_APP = { 'go.mod': 'module example.com/app\n\ngo 1.23\n', 'main.go': 'package main\n\nfunc main() {}\n' };
const RUST_APP = { 'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n', 'src/main.rs': 'fn main() {}\n' };
const HUGE = 2 * 1024 * 1024;
/** Past the 16 MiB a source scan reads. */
const OVER_SCAN_LIMIT = 17 * 1024 * 1024;

const CASES: HostileCase[] = [
  // Malformed, truncated, mistyped and garbage manifests.
  {
    name: 'malformed package.json',
    make: corpus('package-json-malformed'),
    expected: { exitCode: 2, message: /^stagecraft: package\.json:5:3: not valid JSON \(Expected double-quoted property name\)$/ },
  },
  {
    name: 'truncated package.json',
    make: corpus('package-json-truncated'),
    expected: { exitCode: 2, message: /^stagecraft: package\.json:4:\d+: not valid JSON \(Unterminated string\)$/ },
  },
  {
    name: 'package.json with a field of the wrong type',
    make: corpus('package-json-wrong-types'),
    expected: { exitCode: 2, message: /^stagecraft: package\.json: "scripts\.start": expected string, received array$/ },
  },
  { name: 'package.json that is not an object', make: corpus('package-json-not-object'), expected: { exitCode: 2, message: /^stagecraft: package\.json: not a JSON object$/ } },
  { name: 'binary garbage named package.json', make: corpus('package-json-binary'), expected: { exitCode: 2, message: /^stagecraft: package\.json: not a text file$/ } },
  {
    name: 'non-JSON text named package.json',
    make: corpus('package-json-garbage-text'),
    expected: { exitCode: 2, message: /^stagecraft: package\.json(:\d+:\d+)?: not valid JSON \(Unexpected token '[ -~]'\)$/ },
  },
  {
    name: 'huge package.json',
    make: withFiles({ 'package.json': `{"name":"x","description":"${'x'.repeat(HUGE)}"}` }),
    expected: { exitCode: 2, message: /^stagecraft: package\.json: too large to be a manifest \(\d+ bytes\)$/ },
  },
  { name: 'package.json with a byte order mark works', make: corpus('package-json-bom'), expected: { exitCode: 0, message: /^$/ } },
  { name: 'malformed go.mod', make: corpus('go-mod-malformed'), expected: { exitCode: 2, message: /^stagecraft: go\.mod:5: "require \(" is never closed$/ } },
  {
    name: 'truncated go.mod',
    make: corpus('go-mod-truncated'),
    expected: { exitCode: 2, message: /^stagecraft: go\.mod:5: invalid version "v1\." for github\.com\/a\/b \(expected e\.g\. v1\.2\.3\)$/ },
  },
  { name: 'go.mod without a module directive', make: corpus('go-mod-no-module'), expected: { exitCode: 2, message: /^stagecraft: go\.mod: no module directive$/ } },
  { name: 'binary garbage named go.mod', make: corpus('go-mod-binary'), expected: { exitCode: 2, message: /^stagecraft: go\.mod: not a text file$/ } },
  {
    name: 'huge go.mod',
    make: withFiles({ 'go.mod': `module example.com/x\n${'// padding\n'.repeat(HUGE / 10)}` }),
    expected: { exitCode: 2, message: /^stagecraft: go\.mod: too large to be a manifest \(\d+ bytes\)$/ },
  },

  {
    name: 'malformed pyproject.toml',
    make: corpus('pyproject-malformed'),
    expected: { exitCode: 2, message: /^stagecraft: pyproject\.toml:5:1: not valid TOML \(expected comma or end of structure\)$/ },
  },
  {
    name: 'truncated pyproject.toml',
    make: corpus('pyproject-truncated'),
    expected: { exitCode: 2, message: /^stagecraft: pyproject\.toml:3:\d+: not valid TOML \(unfinished string\)$/ },
  },
  {
    name: 'pyproject.toml with a field of the wrong type',
    make: corpus('pyproject-wrong-types'),
    expected: { exitCode: 2, message: /^stagecraft: pyproject\.toml: "project\.requires-python": expected string, received number$/ },
  },
  {
    name: 'huge pyproject.toml',
    make: withFiles({ 'pyproject.toml': `[project]\nname = "x"\n${'# padding\n'.repeat(HUGE / 10)}` }),
    expected: { exitCode: 2, message: /^stagecraft: pyproject\.toml: too large to be a manifest \(\d+ bytes\)$/ },
  },
  {
    name: 'malformed Cargo.toml',
    make: corpus('cargo-toml-malformed'),
    expected: { exitCode: 2, message: /^stagecraft: Cargo\.toml:4:\d+: not valid TOML \(illegal character in numeric literal\)$/ },
  },
  {
    name: 'truncated Cargo.toml',
    make: corpus('cargo-toml-truncated'),
    expected: { exitCode: 2, message: /^stagecraft: Cargo\.toml:5:\d+: not valid TOML \(unfinished string\)$/ },
  },
  {
    name: 'Cargo.toml with a field of the wrong type',
    make: corpus('cargo-toml-wrong-types'),
    expected: { exitCode: 2, message: /^stagecraft: Cargo\.toml: package\.name must be a string$/ },
  },
  {
    name: 'binary garbage named Cargo.toml',
    make: withFiles({ 'Cargo.toml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff]) }),
    expected: { exitCode: 2, message: /^stagecraft: Cargo\.toml: not a text file$/ },
  },
  {
    name: 'malformed pom.xml',
    make: corpus('pom-xml-malformed'),
    expected: { exitCode: 2, message: /^stagecraft: pom\.xml:8: not well-formed XML \(Expected closing tag 'project' .* instead of closing tag 'projet'\.\)$/ },
  },
  { name: 'truncated pom.xml', make: corpus('pom-xml-truncated'), expected: { exitCode: 2, message: /^stagecraft: pom\.xml:5: not well-formed XML/ } },
  { name: 'binary garbage named pom.xml', make: corpus('pom-xml-binary'), expected: { exitCode: 2, message: /^stagecraft: pom\.xml: not a text file$/ } },
  {
    name: 'huge pom.xml',
    make: withFiles({ 'pom.xml': `<project>${'<!-- padding -->\n'.repeat(HUGE / 16)}</project>` }),
    expected: { exitCode: 2, message: /^stagecraft: pom\.xml: too large to be a manifest \(\d+ bytes\)$/ },
  },

  // Folders that are not projects.
  {
    name: 'empty folder',
    make: scratch,
    expected: { exitCode: 2, message: /^stagecraft: \S+: no project found \(looked for go\.mod, go\.work, main\.go, Cargo\.toml, package\.json/ },
  },
  { name: 'folder that does not exist', make: () => path.join(scratch(), 'missing'), expected: { exitCode: 2, message: /^stagecraft: \S+\/missing: no such folder$/ } },
  { name: 'a file instead of a folder', make: () => withFiles(GO_APP)() + '/go.mod', expected: { exitCode: 2, message: /^stagecraft: \S+\/go\.mod: not a folder$/ } },
  { name: 'a language stagecraft does not know', make: corpus('unsupported-language'), expected: { exitCode: 2, message: /^stagecraft: \S+: no project found/ } },
  {
    name: 'a folder named package.json',
    make: () => {
      const dir = scratch();
      mkdirSync(path.join(dir, 'package.json'));
      return dir;
    },
    expected: { exitCode: 2, message: /^stagecraft: package\.json: not a regular file$/ },
  },

  // Permissions and links.
  {
    name: 'unreadable package.json',
    make: () => {
      const dir = withFiles(NODE_APP)();
      chmodSync(path.join(dir, 'package.json'), 0o000);
      return dir;
    },
    unprivileged: true,
    expected: { exitCode: 2, message: /^stagecraft: package\.json: cannot be read \(EACCES\)$/ },
  },
  {
    name: 'a read-only project folder: nothing can be written, and nothing is',
    make: () => {
      const dir = withFiles(NODE_APP)();
      chmodSync(dir, 0o555);
      return dir;
    },
    unprivileged: true,
    expected: { exitCode: 73, message: /^stagecraft: cannot write Dockerfile \(EACCES\); nothing written$/ },
  },
  {
    name: 'an unreadable sub-folder is skipped, the app still generates (no write: --stdout)',
    make: () => {
      const dir = withFiles({ ...GO_APP, 'private/notes.go': 'package private\n' })();
      chmodSync(path.join(dir, 'private'), 0o000);
      return dir;
    },
    unprivileged: true,
    extraArgs: ['--stdout'],
    expected: { exitCode: 0, message: /^$/ },
  },
  {
    name: 'package.json that is a link out of the project',
    make: () => {
      const dir = scratch();
      writeFileSync(path.join(dir, 'server.js'), '');
      symlinkSync('/etc/hostname', path.join(dir, 'package.json'));
      return dir;
    },
    expected: { exitCode: 2, message: /^stagecraft: package\.json: a symbolic link; stagecraft reads only regular files inside the project$/ },
  },
  {
    name: 'symlink loops and links out of the folder are not followed',
    make: () => {
      const dir = withFiles(GO_APP)();
      symlinkSync('.', path.join(dir, 'self'));
      symlinkSync('loop-b', path.join(dir, 'loop-a'));
      symlinkSync('loop-a', path.join(dir, 'loop-b'));
      symlinkSync('/', path.join(dir, 'root'));
      symlinkSync('/etc/passwd', path.join(dir, 'stolen.go'));
      symlinkSync('nowhere', path.join(dir, 'dangling'));
      return dir;
    },
    extraArgs: ['--stdout'],
    expected: { exitCode: 0, message: /^$/ },
  },

  // Several languages in one folder.
  {
    name: 'Go and Node apps side by side: ask for --lang',
    make: corpus('go-and-node-apps'),
    expected: { exitCode: 1, message: /^stagecraft: several projects in one folder: go \(go\.mod\), node \(package\.json\); pass --lang to choose one$/ },
  },
  {
    name: 'a Go service with a package.json for its assets: Go, with a warning',
    make: corpus('go-with-asset-package-json'),
    expected: {
      exitCode: 0,
      message: /^warning: package\.json is also here, but node finds no app in it; generating for go \(go\.mod\), the only app here: pass --lang node to build the other$/,
    },
  },
  {
    name: 'a Python app with a package.json for its assets: Python, with a warning',
    make: corpus('python-with-asset-package-json'),
    extraArgs: ['--base', 'slim'],
    expected: {
      exitCode: 0,
      message:
        /^warning: package\.json is also here, but node finds no app in it; generating for python \(pyproject\.toml\), the only app here: pass --lang node to build the other$/,
    },
  },
  { name: 'a Node app with a Go tool in a sub-folder: Node, the tool is not the app', make: corpus('node-with-vendored-go-tool'), expected: { exitCode: 0, message: /^$/ } },

  // Versions past 2^53: semver cannot hold them, and read as floats they become another release.
  {
    name: 'go.mod: go 1.9999999999999999',
    make: withFiles({ ...GO_APP, 'go.mod': 'module example.com/app\n\ngo 1.9999999999999999\n' }),
    expected: { exitCode: 2, message: /^stagecraft: go\.mod:3: invalid go version "1\.9999999999999999"/ },
  },
  {
    name: 'go.mod: go 1.99999999999999999999 is not read as Go 1.0',
    make: withFiles({ ...GO_APP, 'go.mod': 'module example.com/app\n\ngo 1.99999999999999999999\n' }),
    expected: { exitCode: 2, message: /^stagecraft: go\.mod:3: invalid go version "1\.99999999999999999999"/ },
  },
  {
    name: 'go.mod: toolchain go1.9999999999999999',
    make: withFiles({ ...GO_APP, 'go.mod': 'module example.com/app\n\ngo 1.22\ntoolchain go1.9999999999999999\n' }),
    expected: { exitCode: 2, message: /^stagecraft: go\.mod:4: invalid toolchain "go1\.9999999999999999"/ },
  },
  {
    name: 'Cargo.toml: rust-version 1.9999999999999999',
    make: withFiles({ ...RUST_APP, 'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\nrust-version = "1.9999999999999999"\n' }),
    expected: { exitCode: 2, message: /^stagecraft: Cargo\.toml: rust-version must be a version such as "1\.80", got "1\.9999999999999999"$/ },
  },
  {
    name: 'rust-toolchain.toml: channel 1.9999999999999999 is a channel rustup fetches, not a crash',
    make: withFiles({ ...RUST_APP, 'rust-toolchain.toml': '[toolchain]\nchannel = "1.9999999999999999"\n' }),
    extraArgs: ['--stdout'],
    expected: { exitCode: 0, message: /^warning: rust-toolchain\.toml:2 pins "1\.9999999999999999", which the rust image is not/ },
  },
  {
    name: 'package.json: packageManager yarn@9999999999999999.0.0',
    make: withFiles({
      ...NODE_APP,
      'package.json': '{ "name": "app", "packageManager": "yarn@9999999999999999.0.0", "scripts": { "start": "node server.js" } }\n',
      'yarn.lock': '',
    }),
    expected: { exitCode: 2, message: /^stagecraft: package\.json: packageManager "yarn@9999999999999999\.0\.0" is not name@version$/ },
  },
  {
    name: '.nvmrc: 99999999999999999999 does not become an image tag',
    make: withFiles({ ...NODE_APP, '.nvmrc': '99999999999999999999\n' }),
    expected: { exitCode: 2, message: /^stagecraft: \.nvmrc: version "99999999999999999999" is no release \(a number of seven digits or more\)$/ },
  },
  {
    name: '--runtime-version 1.9999999999999999',
    make: withFiles(GO_APP),
    extraArgs: ['--runtime-version', '1.9999999999999999'],
    expected: { exitCode: 1, message: /^stagecraft: --runtime-version 1\.9999999999999999: expected a Go release such as 1\.23$/ },
  },
  {
    name: 'stagecraft.json: runtimeVersion 1.9999999999999999',
    make: withFiles({ ...GO_APP, 'stagecraft.json': '{ "runtimeVersion": "1.9999999999999999" }\n' }),
    expected: { exitCode: 1, message: /--runtime-version 1\.9999999999999999: expected a Go release such as 1\.23$/ },
  },

  // Build files the XML parser or the include chain cannot take.
  {
    name: 'pom.xml nested deeper than 100 levels',
    make: withFiles({ 'pom.xml': `<project><description>${'<x>'.repeat(150)}${'</x>'.repeat(150)}</description></project>` }),
    expected: { exitCode: 2, message: /^stagecraft: pom\.xml: cannot be read as a POM \(Maximum nested tags exceeded\)$/ },
  },
  {
    name: 'pom.xml with a <__proto__> element',
    make: withFiles({ 'pom.xml': '<project><properties><__proto__>1</__proto__></properties></project>' }),
    expected: { exitCode: 2, message: /^stagecraft: pom\.xml: cannot be read as a POM \(.*__proto__.*\)$/ },
  },
  ...['pom.xml', 'build.gradle'].map((name) => ({
    name: `${name} that is a link inside the project`,
    make: () => {
      const dir = withFiles({ 'real-build-file': '<project/>\n' })();
      symlinkSync('real-build-file', path.join(dir, name));
      return dir;
    },
    expected: { exitCode: 2, message: new RegExp(`^stagecraft: ${name.replace('.', '\\.')}: a symbolic link; stagecraft reads only regular files inside the project$`) },
  })),
  {
    name: '5,000 chained -r requirement includes',
    make: () => {
      const files: Record<string, string> = { 'app.py': 'print("hi")\n', 'requirements.txt': '-r r0.txt\n', 'r5000.txt': 'flask==3.1.0\n' };
      for (let index = 0; index < 5000; index++) files[`r${index}.txt`] = `-r r${index + 1}.txt\n`;
      return withFiles(files)();
    },
    extraArgs: ['--stdout', '--base', 'slim'],
    expected: { exitCode: 0, message: /^warning: flask runs as `python app\.py`/ },
  },

  // What lies above the project is not the project's: the search for a workspace passes over what it cannot read.
  ...(
    [
      ['a link', (file: string) => symlinkSync('/etc/hostname', file)],
      ['a named pipe', (file: string) => execFileSync('mkfifo', [file])],
      ['a folder', (file: string) => mkdirSync(file)],
      ['a 2 MB file', (file: string) => writeFileSync(file, `{"workspaces":["x"],"d":"${'x'.repeat(HUGE)}"}`)],
    ] as const
  ).map(([kind, make]) => ({
    name: `a package.json above the project that is ${kind}`,
    make: () => {
      const parent = scratch();
      make(path.join(parent, 'package.json'));
      const dir = path.join(parent, 'app');
      mkdirSync(dir);
      for (const [name, content] of Object.entries(NODE_APP)) writeFileSync(path.join(dir, name), content);
      return dir;
    },
    extraArgs: ['--stdout'],
    expected: { exitCode: 0, message: /^$/ },
  })),
  {
    name: 'a project that is a repository root does not look above it for a workspace',
    make: () => {
      // A pnpm workspace above that would take the folder as its member, were the folder not a repository of its own.
      const parent = withFiles({ 'pnpm-workspace.yaml': 'packages:\n  - app\n', 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" })();
      const dir = path.join(parent, 'app');
      mkdirSync(path.join(dir, '.git'), { recursive: true });
      for (const [name, content] of Object.entries(NODE_APP)) writeFileSync(path.join(dir, name), content);
      return dir;
    },
    extraArgs: ['--stdout'],
    expected: { exitCode: 0, message: /^$/ },
  },

  ...(
    [
      ['whose "files" list names it', { name: 'root', workspaces: ['apps/*'], files: ['tools/*'] }, 'tools/cli'],
      ['whose "workspaces" exclude it with a ! glob', { name: 'root', workspaces: ['apps/*', '!apps/legacy'] }, 'apps/legacy'],
      ['whose "workspaces": { packages } does not list it', { name: 'root', workspaces: { packages: ['apps/*'], nohoist: ['tools/*'] } }, 'tools/cli'],
    ] as const
  ).map(([kind, rootManifest, member]) => ({
    name: `a folder below a package.json ${kind} is not a workspace member`,
    make: () => {
      const parent = withFiles({ 'package.json': JSON.stringify(rootManifest, null, 2) })();
      const dir = path.join(parent, member);
      mkdirSync(dir, { recursive: true });
      for (const [name, content] of Object.entries(NODE_APP)) writeFileSync(path.join(dir, name), content);
      return dir;
    },
    extraArgs: ['--stdout'],
    expected: { exitCode: 0, message: /^$/ },
  })),

  // Values that would become more than one word of a command, or an option of the program run.
  {
    name: 'a groupId that carries mvn options is not copied into the go-offline line',
    make: withFiles({
      'pom.xml':
        '<project><modelVersion>4.0.0</modelVersion><groupId>com.example -Dmaven.repo.local=/tmp/evil -f /tmp/evil/pom.xml</groupId><artifactId>root</artifactId><version>1</version><packaging>pom</packaging><modules><module>api</module></modules></project>\n',
      'api/pom.xml':
        '<project><modelVersion>4.0.0</modelVersion><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.3.0</version></parent><artifactId>api</artifactId><version>1</version><build><plugins><plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></project>\n',
      'api/src/main/java/a/Main.java': 'package a;\npublic class Main { public static void main(String[] args) {} }\n',
    }),
    extraArgs: ['--entry', 'api'],
    expected: {
      exitCode: 2,
      message:
        /^stagecraft: cannot use "com\.example -Dmaven\.repo\.local=.*" \(build\.commandValues\.groupId\) in a Dockerfile safely: must be a Maven groupId such as com\.example$/,
    },
  },
  {
    name: 'package.json "main": "--inspect.js" is not handed to node as an option',
    make: withFiles({ 'package.json': '{ "name": "app", "main": "--inspect.js" }\n', '--inspect.js': '' }),
    expected: {
      exitCode: 2,
      message: /^stagecraft: cannot use "--inspect\.js" \(entryFile\) in a Dockerfile safely: starts with "-", so node would read it as an option; rename the file$/,
    },
  },
  ...(
    [
      ['with a server.js it would fall back to', { ...NODE_APP, 'package.json': '{ "name": "app", "main": "../outside.js" }\n' }, []],
      ['naming a file that exists there', { 'package.json': '{ "name": "app", "main": "../outside.js" }\n' }, []],
      ['in the start script', { 'package.json': '{ "name": "app", "scripts": { "start": "node ../outside.js" } }\n' }, []],
    ] as const
  ).map(([kind, files, extraArgs]) => ({
    name: `an entry that leaves the project (../outside.js, ${kind}) is refused with the reason`,
    make: () => {
      const parent = withFiles({ 'outside.js': 'console.log("not the app");\n' })();
      const dir = path.join(parent, 'app');
      mkdirSync(dir);
      for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
      return dir;
    },
    extraArgs: [...extraArgs],
    expected: {
      exitCode: 2,
      message:
        /^stagecraft: cannot use "\.\.\/outside\.js" \(entryFile\) in a Dockerfile safely: leaves the project folder, and the image has only what is inside it; name a file inside the project$/,
    },
  })),
  {
    name: 'a Procfile web: python ../x.py that leaves the project is refused with the reason',
    make: () => {
      const parent = withFiles({ 'x.py': 'print("not the app")\n' })();
      const dir = path.join(parent, 'app');
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'requirements.txt'), 'flask==3.1.0\n');
      writeFileSync(path.join(dir, 'Procfile'), 'web: python ../x.py\n');
      return dir;
    },
    extraArgs: ['--base', 'slim'],
    expected: {
      exitCode: 2,
      message: /\(entrypoint\) in a Dockerfile safely: the script leaves the project folder, and the image has only what is inside it; name a file inside the project$/,
    },
  },
  {
    name: '--entry=-c.py is not handed to python as an option',
    make: withFiles({ 'requirements.txt': 'flask==3.1.0\n', 'app.py': 'print("hi")\n', '-c.py': 'print("hi")\n' }),
    extraArgs: ['--entry=-c.py', '--base', 'slim'],
    expected: {
      exitCode: 2,
      message: /^stagecraft: cannot use \["\/usr\/bin\/tini","--","\/opt\/venv\/bin\/python","-c\.py"\] \(entrypoint\) in a Dockerfile safely: the script starts with "-"/,
    },
  },

  // Valid projects with large or unusual parts.
  {
    name: 'a Go source of 2 MB (a generated table) is scanned, not refused as a manifest',
    make: withFiles({ ...GO_APP, 'table.go': `package main\n\nvar table = []string{\n${'\t"abcdefghij",\n'.repeat(HUGE / 15)}}\n` }),
    extraArgs: ['--stdout'],
    expected: { exitCode: 0, message: /^$/ },
  },
  {
    name: 'a Python source of 2 MB is scanned, not refused as a manifest',
    make: withFiles({ 'requirements.txt': 'flask==3.1.0\n', 'app.py': 'print("hi")\n', 'table.py': `TABLE = [\n${'    "abcdefghij",\n'.repeat(HUGE / 19)}]\n` }),
    extraArgs: ['--stdout', '--base', 'slim'],
    expected: { exitCode: 0, message: /^warning: flask runs as `python app\.py`/ },
  },
  ...(
    [
      ['Go', { ...GO_APP, 'table.go': `package main\n\nvar table = []string{\n${'\t"abcdefghij",\n'.repeat(OVER_SCAN_LIMIT / 15)}}\n` }, 'table.go', []],
      [
        'Python',
        { 'requirements.txt': '', 'main.py': 'print("hi")\n', 'table.py': `TABLE = [\n${'    "abcdefghij",\n'.repeat(OVER_SCAN_LIMIT / 19)}]\n` },
        'table.py',
        ['--base', 'slim'],
      ],
      ['Rust', { ...RUST_APP, 'src/table.rs': `pub const TABLE: &[&str] = &[\n${'    "abcdefghij",\n'.repeat(OVER_SCAN_LIMIT / 19)}];\n` }, 'src/table.rs', []],
    ] as const
  ).map(([language, files, skipped, extraArgs]) => ({
    name: `a ${language} source over 16 MiB is skipped with a note, not refused`,
    make: withFiles(files),
    extraArgs: ['--stdout', ...extraArgs],
    expected: {
      exitCode: 0,
      message: new RegExp(
        `^warning: ${skipped.replace('.', '\\.')}: larger than 16 MiB, so not scanned \\(generated data\\?\\); a port, import or entry point written only there is not seen$`,
      ),
    },
  })),
  {
    name: 'a 200-character npm name is a valid image title',
    make: withFiles({ ...NODE_APP, 'package.json': `{ "name": "${'a'.repeat(200)}", "scripts": { "start": "node server.js" } }\n` }),
    extraArgs: ['--stdout'],
    expected: { exitCode: 0, message: /^$/ },
  },
  {
    name: 'a Procfile web: command with $(nproc) is not dropped silently',
    make: withFiles({
      Procfile: 'web: gunicorn app:app --workers $(nproc) --bind 0.0.0.0:$PORT\n',
      'requirements.txt': 'flask==3.1.0\ngunicorn==23.0.0\n',
      'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
    }),
    extraArgs: ['--stdout', '--base', 'slim'],
    expected: {
      exitCode: 0,
      message: /^warning: Procfile:1: the web: command needs a shell .* so it is not used; the image runs `gunicorn --bind 0\.0\.0\.0:\$PORT app:app` instead/,
    },
  },

  // Impossible combinations of flags.
  { name: 'unknown flag', make: withFiles(GO_APP), extraArgs: ['--bsae', 'slim'], expected: { exitCode: 1, message: /^stagecraft: .*--bsae/ } },
  {
    name: 'bad --port',
    make: withFiles(GO_APP),
    extraArgs: ['--port', '70000'],
    expected: { exitCode: 1, message: /^stagecraft: --port 70000: expected a port from 1 to 65535, or none$/ },
  },
  {
    name: '--stdout with --json',
    make: withFiles(GO_APP),
    extraArgs: ['--stdout', '--json'],
    expected: { exitCode: 1, message: /^stagecraft: .*--stdout.*--json|^stagecraft: .*--json.*--stdout/ },
  },
];

async function runAs(dir: string, testCase: HostileCase) {
  const unprivileged = testCase.unprivileged && isRoot ? { uid: 65534, gid: 65534 } : {};
  return execa('node', [CLI, dir, '--yes', ...(testCase.extraArgs ?? [])], { reject: false, stdin: 'ignore', env: { CI: 'true' }, ...unprivileged });
}

describe('broken and hostile projects: a clear line, the documented exit code, nothing changed', () => {
  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const dir = testCase.make();
    const before = stateOf(dir);
    const { exitCode, stderr } = await runAs(dir, testCase);
    // Restore permissions so the comparison (and the temp cleaner) can read everything again.
    if (existsSync(dir))
      for (const rel of ['.', 'package.json', 'private'])
        if (existsSync(path.join(dir, rel))) chmodSync(path.join(dir, rel), lstatSync(path.join(dir, rel)).isDirectory() ? 0o755 : 0o644);
    const lines = stderr.split('\n').filter(Boolean);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(exitCode, stderr).toBe(testCase.expected.exitCode);
    if (testCase.expected.exitCode !== 0 || testCase.expected.message.source !== '^$') {
      expect(lines, stderr).toHaveLength(1);
      expect(lines[0]).toMatch(testCase.expected.message);
    } else {
      expect(lines, stderr).toEqual([]);
    }
    const after = stateOf(dir);
    if (exitCode !== 0 || testCase.extraArgs?.includes('--stdout')) {
      // Failures and --stdout write nothing at all.
      expect(permissionsRestored(after), 'files written or changed').toEqual(permissionsRestored(before));
    } else {
      // A successful run adds exactly the two generated files and their records, and touches nothing else.
      const added = Object.keys(after).filter((rel) => !(rel in before));
      expect(added.sort()).toEqual(['.dockerignore', '.stagecraft', '.stagecraft/.dockerignore', '.stagecraft/Dockerfile', 'Dockerfile']);
      for (const rel of Object.keys(before)) if (rel !== '.') expect(after[rel], rel).toBe(before[rel]);
    }
  });
});

/** The permission bits the test itself restored are not a change made by stagecraft. */
const permissionsRestored = (state: Record<string, string>) => Object.fromEntries(Object.entries(state).map(([rel, value]) => [rel, value.replace(/^(dir|file) \d+/, '$1')]));

describe('large trees', () => {
  it('100,000 files in dependency, build and VCS folders are never walked: detection stays fast', async () => {
    const dir = withFiles({ ...GO_APP, 'internal/util/util.go': 'package util\n' })();
    for (const heavy of ['node_modules', '.git/objects', 'vendor/github.com/x', 'target/debug', 'dist']) {
      for (let folder = 0; folder < 100; folder++) {
        const sub = path.join(dir, heavy, `d${folder}`);
        mkdirSync(sub, { recursive: true });
        for (let file = 0; file < 200; file++) writeFileSync(path.join(sub, `f${file}.go`), 'package main\n');
      }
    }
    const started = performance.now();
    const { exitCode, stderr, stdout } = await execa('node', [CLI, dir, '--yes', '--stdout'], { reject: false, env: { CI: 'true' } });
    const seconds = (performance.now() - started) / 1000;
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toContain('go build');
    // Only the project's own files are listed: none of the 100,000 in the skipped folders.
    expect(new ProjectFiles(dir).files()).toEqual(['go.mod', 'internal/util/util.go', 'main.go']);
    expect(seconds).toBeLessThan(3);
  }, 120_000);

  it('a folder nested 1,000 levels deep is walked without running out of stack', async () => {
    const dir = withFiles(GO_APP)();
    let deep = dir;
    for (let level = 0; level < 1000; level++) deep = path.join(deep, 'd');
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(deep, 'leaf.go'), 'package leaf\n');
    const { exitCode, stderr } = await execa('node', [CLI, dir, '--yes', '--stdout'], { reject: false, env: { CI: 'true' } });
    expect(exitCode, stderr).toBe(0);
  }, 60_000);
});

/** Characters a terminal acts on: ESC (window title, cursor), BEL, CR, NEL (U+0085), the line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const TERMINAL_CONTROLS = /[\u001b\u0007\r\u0085\u2028\u2029]/;

describe('terminal control characters from the project are shown escaped', () => {
  it('an error quoting a manifest value', async () => {
    const dir = withFiles({ ...NODE_APP, 'package.json': JSON.stringify({ name: 'app', engines: { node: '\u001b]0;pwned\u0007>=99 \r\u0085\u2028' } }) })();
    const { exitCode, stderr } = await execa('node', [CLI, dir, '--yes', '--stdout'], { reject: false, env: { CI: 'true' } });
    expect(exitCode).toBe(2);
    expect(stderr).not.toMatch(TERMINAL_CONTROLS);
    expect(stderr).toBe('stagecraft: package.json: engines.node "\\u001b]0;pwned\\u0007>=99 \\r\\u0085\\u2028" is not a semver range');
  });

  it('the diff of an existing Dockerfile (--dry-run)', async () => {
    const dir = withFiles({ ...GO_APP, Dockerfile: 'FROM x\n# \u001b]0;pwned\u0007 \u009b31m\rRUN forged\u2028line\n' })();
    const { exitCode, stdout } = await execa('node', [CLI, dir, '--yes', '--dry-run'], { reject: false, env: { CI: 'true' } });
    expect(exitCode).toBe(0);
    expect(stdout).toContain('# \\u001b]0;pwned\\u0007 \\u009b31m\\rRUN forged\\u2028line');
    expect(stdout).not.toMatch(TERMINAL_CONTROLS);
    expect(stdout).not.toContain('\u009b');
  });

  it('a Cargo.lock name with CR and U+2028 never reaches a Dockerfile comment', async () => {
    const lock = 'version = 3\n[[package]]\nname = "app"\nversion = "0.1.0"\n[[package]]\nname = "x\\rRUN touch /pwned \\u2028-sys"\nversion = "0.1.0"\n';
    const dir = withFiles({ ...RUST_APP, 'Cargo.lock': lock })();
    const { exitCode, stdout, stderr } = await execa('node', [CLI, dir, '--yes', '--stdout'], { reject: false, env: { CI: 'true' } });
    expect(stdout).not.toMatch(TERMINAL_CONTROLS);
    expect(stderr).toMatch(/^stagecraft: cannot use ".*" \(build\.compilesC\) in a Dockerfile safely: must be one line of printable text$/);
    expect(exitCode).toBe(2);
  });
});

describe('the printed next: command', () => {
  it('quotes the folder, so pasting it runs no command the folder name holds', async () => {
    const parent = scratch();
    const dir = path.join(parent, 'my app $(touch pwned)');
    mkdirSync(dir);
    for (const [name, content] of Object.entries(NODE_APP)) writeFileSync(path.join(dir, name), content);
    const { exitCode, stdout } = await execa('node', [CLI, dir, '--yes'], { reject: false, env: { CI: 'true' } });
    expect(exitCode).toBe(0);
    const command = /^next: docker (.*)$/m.exec(stdout)![1]!;
    // The shell reads the printed words back: the folder is one word, and nothing ran.
    const words = await execa('sh', ['-c', `set -- ${command}; printf '%s\\n' "$@"`], { cwd: parent });
    expect(words.stdout.split('\n')).toEqual(['build', '-t', 'app', dir]);
    expect(existsSync(path.join(parent, 'pwned'))).toBe(false);
  });
});

describe('stdout that cannot take the output', () => {
  it.each(['--stdout', '--json', '--explain', '--dry-run'])('%s on /dev/full: one line, exit 73', async (mode) => {
    const { exitCode, stderr } = await execa('sh', ['-c', `node "${CLI}" "${withFiles(GO_APP)()}" --yes ${mode} > /dev/full`], { reject: false, env: { CI: 'true' } });
    expect(stderr).toBe('stagecraft: cannot write to stdout (ENOSPC)');
    expect(exitCode).toBe(73);
  });

  it.each([
    ['--stdout', 'head -c 0'],
    ['--explain', 'true'],
  ])('%s into a reader that closes at once (| %s): quiet, exit 0', async (mode, reader) => {
    const dir = withFiles(GO_APP)();
    // A large enough write that the closed pipe is seen; the exit status is stagecraft's, not the reader's.
    const { stdout, stderr } = await execa('bash', ['-c', `node "${CLI}" "${dir}" --yes ${mode} | (sleep 0.5; ${reader}); echo "exit \${PIPESTATUS[0]}"`], {
      reject: false,
      env: { CI: 'true' },
    });
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('exit 0');
  });
});
