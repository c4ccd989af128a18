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
const HUGE = 2 * 1024 * 1024;

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
      // A successful run adds exactly the two generated files and touches nothing else.
      const added = Object.keys(after).filter((rel) => !(rel in before));
      expect(added.sort()).toEqual(['.dockerignore', 'Dockerfile']);
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
