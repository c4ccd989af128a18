import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AMBIGUOUS_GO, copyFixture, copyFolder, fixture, makeProject, ROOT, runCli } from './helpers.js';
import { lintDockerfile } from './lint.js';

const listing = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
const packageVersion = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

const expectOneLine = (stderr: string, message: string | RegExp) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(message);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('help and version', () => {
  it('--help names every flag and the exit codes', async () => {
    const { exitCode, stdout } = await runCli(['--help']);
    expect(exitCode).toBe(0);
    for (const flag of [
      '--lang',
      '--base',
      '--debug',
      '--port',
      '--runtime-version',
      '--entry',
      '--build-tool',
      '--java-runtime',
      '--yes',
      '--force',
      '--dry-run',
      '--stdout',
      '--json',
      '--explain',
      '--save',
      '--build',
      '--tag',
    ]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toMatch(/Exit codes: 0 done, 1 bad or missing flag/);
  });

  it("--help gives each language its own line for --runtime-version and --entry, in the registry's order", async () => {
    const { stdout } = await runCli(['--help']);
    const linesAfter = (flag: string) =>
      stdout
        .split('\n')
        .slice(stdout.split('\n').findIndex((line) => line.startsWith(`  ${flag} `)) + 1)
        .slice(0, 5);
    expect(linesAfter('--runtime-version').map((line) => line.trim().split(/\s+/)[0])).toEqual(['go', 'rust', 'node', 'python', 'java']);
    expect(linesAfter('--runtime-version')[1]).toBe(`${' '.repeat(6)}rust        a Rust release such as 1.85 or 1.85.1`);
    expect(linesAfter('--entry')[0]).toBe(`${' '.repeat(6)}go          the main package (./cmd/api)`);
    expect(linesAfter('--entry').slice(3)).toEqual([
      `${' '.repeat(6)}python      a .py file (app.py), a module for python -m (mypkg),`,
      `${' '.repeat(18)}module:app for gunicorn, uvicorn or hypercorn, or a`,
    ]);
  });

  it('--version prints the package version', async () => {
    const { exitCode, stdout } = await runCli(['--version']);
    expect(exitCode).toBe(0);
    expect(stdout).toBe(packageVersion);
  });
});

describe('generating', () => {
  it('--yes writes Dockerfile and .dockerignore, then reports them unchanged on a second run', async () => {
    const dir = copyFixture('go-root-main');
    const first = await runCli([dir, '--yes']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain('created Dockerfile');
    expect(first.stdout).toContain('created .dockerignore');
    const dockerfile = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    // Go 1.22 builds on bookworm (no trixie image); the final stages are Debian 13's, the only distroless published.
    expect(dockerfile).toContain('golang:1.22-bookworm AS build');
    expect(dockerfile).toContain('FROM gcr.io/distroless/static-debian13:nonroot AS production');
    expect(dockerfile).toContain('FROM gcr.io/distroless/static-debian13:debug-nonroot AS debug');
    expect(readFileSync(path.join(dir, '.dockerignore'), 'utf8')).toContain('.env.*');

    const second = await runCli([dir, '--yes']);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('unchanged Dockerfile');
    expect(second.stdout).toContain('unchanged .dockerignore');
  });

  it('runs in the current folder when no dir is given', async () => {
    const dir = copyFixture('go-root-main');
    const { exitCode } = await runCli(['--yes', '--base', 'slim'], { cwd: dir });
    expect(exitCode).toBe(0);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('FROM debian:trixie-slim');
  });

  it('without a TTY, flags alone are enough when detection knows the rest', async () => {
    const dir = copyFixture('go-root-main');
    const { exitCode } = await runCli([dir, '--base', 'scratch', '--debug', 'none']);
    expect(exitCode).toBe(0);
    const dockerfile = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('FROM scratch AS production');
    expect(dockerfile).not.toContain('AS debug');
  });

  it('--stdout prints the Dockerfile and writes nothing', async () => {
    const dir = copyFixture('go-root-main');
    const before = listing(dir);
    const { exitCode, stdout, stderr } = await runCli([dir, '--yes', '--stdout', '--base', 'alpine', '--debug', 'none']);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^# syntax=docker\/dockerfile:1\n/);
    expect(stdout).toContain('FROM alpine:3.22 AS production');
    expect(stderr).toBe('');
    expect(listing(dir)).toEqual(before);
  });

  it('--json prints facts, answers and plan with evidence, and writes nothing', async () => {
    const dir = copyFixture('go-cmd-layout');
    const before = listing(dir);
    const { exitCode, stdout } = await runCli([dir, '--yes', '--json', '--entry', 'cmd/api']);
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.facts.runtimeVersion).toEqual({ value: '1.23', evidence: { file: 'go.mod', line: 5 } });
    expect(report.answers).toEqual({ entry: './cmd/api', runtimeVersion: '1.23', base: 'distroless', debug: 'stage', port: 8080 });
    expect(report.plan.build.package).toBe('./cmd/api');
    expect(report.plan.portEnv).toBe(true);
    expect(report.files).toEqual([
      { path: 'Dockerfile', status: 'create' },
      { path: '.dockerignore', status: 'create' },
    ]);
    expect(listing(dir)).toEqual(before);
  });

  it('--port sets EXPOSE and warns when the source listens elsewhere; --port none drops EXPOSE', async () => {
    const other = await runCli([fixture('go-root-main'), '--yes', '--stdout', '--port', '9000']);
    expect(other.exitCode).toBe(0);
    expect(other.stdout).toContain('EXPOSE 9000');
    expect(other.stderr).toContain('warning: the source listens on :8080 (main.go:19) but the port is 9000');
    const none = await runCli([fixture('go-root-main'), '--yes', '--stdout', '--port', 'none']);
    expect(none.stdout).not.toContain('EXPOSE');
  });

  it('--runtime-version overrides go.mod', async () => {
    const { stdout } = await runCli([fixture('go-root-main'), '--yes', '--stdout', '--runtime-version', '1.24']);
    expect(stdout).toContain('golang:1.24-trixie AS build');
    expect(stdout).toContain('gcr.io/distroless/static-debian13:nonroot');
  });

  it('a CLI program gets no EXPOSE, and a missing go.sum with requirements is a warning', async () => {
    const cgo = await runCli([fixture('go-cgo'), '--yes', '--stdout']);
    expect(cgo.stdout).not.toContain('EXPOSE');
    expect(cgo.stdout).toContain('FROM gcr.io/distroless/base-debian13:nonroot AS production');
    const ids = await runCli([fixture('go-missing-gosum'), '--yes', '--stdout']);
    expect(ids.exitCode).toBe(0);
    expect(ids.stderr).toContain('warning: go.mod requires modules but there is no go.sum: the build runs go mod tidy to record their checksums');
    // After the sources (tidy reads the imports), before the build, which refuses modules go.sum does not list.
    expect(ids.stdout).toMatch(/COPY \. \.\n(#.*\n)+RUN --mount=type=cache,target=\/go\/pkg\/mod \\\n {4}go mod tidy\n/);
    const pinned = await runCli([fixture('go-root-main'), '--yes', '--stdout']);
    expect(pinned.stdout).not.toContain('go mod tidy');
    // A go.work's modules are not tidied in the build: the warning says the build fails until go.sum is there.
    const work = makeProject({
      'go.work': 'go 1.23\n\nuse ./api\n',
      'api/go.mod': 'module example.com/api\n\ngo 1.23\n\nrequire github.com/google/uuid v1.6.0\n',
      'api/main.go': 'package main\n\nimport "github.com/google/uuid"\n\nfunc main() { println(uuid.NewString()) }\n',
    }).root;
    const untidied = await runCli([work, '--yes', '--stdout']);
    expect(untidied.stderr).toContain('warning: go.mod requires modules but there is no go.sum: the image build will fail until you run `go mod tidy`');
    expect(untidied.stdout).not.toContain('go mod tidy');
  });
});

describe('docker stop: tini where the program sets no SIGTERM handler, the program itself where it does', () => {
  it.each([
    ['go-root-main', 'distroless', null],
    ['rust-single-bin', 'scratch', '["/usr/bin/tini", "--", "/usr/local/bin/hello"]'],
    ['node-express', 'distroless', '["/usr/bin/tini", "--", "/nodejs/bin/node"]'],
    ['node-express', 'alpine', '["/usr/bin/tini", "--"]'],
    // On hardened, tini's stage is the hardened Debian -dev image: no base from outside dhi.io.
    ['node-express', 'hardened', '["/usr/bin/tini", "--"]'],
    ['python-stdlib', 'distroless', '["/usr/bin/tini", "--", "/opt/venv/bin/python", "app.py"]'],
    ['python-flask-gunicorn', 'slim', null],
    ['python-fastapi-uv', 'slim', null],
    ['java-plain-maven', 'slim', null],
  ])('%s on %s: entrypoint %s', async (name, base, entrypoint) => {
    const { exitCode, stdout } = await runCli([fixture(name), '--yes', '--base', base, '--debug', 'none', '--stdout']);
    expect(exitCode).toBe(0);
    if (entrypoint === null) {
      expect(stdout).not.toContain('tini');
      expect(stdout).toMatch(/# Exec form: .+ is PID 1,? and .*(handles SIGTERM itself|exits on SIGTERM).*, so it needs no init\./);
    } else {
      expect(stdout).toContain(`FROM ${base === 'hardened' ? 'dhi.io/debian-base:trixie-debian13-dev' : 'debian:trixie-slim'} AS init`);
      expect(stdout).not.toMatch(base === 'hardened' ? /^FROM debian:/m : /^FROM dhi\.io/m);
      expect(stdout).toContain('COPY --from=init /usr/bin/tini-static /usr/bin/tini');
      expect(stdout).toContain(`ENTRYPOINT ${entrypoint}`);
      expect(stdout).toMatch(/# tini runs as PID 1 and passes SIGTERM on/);
    }
    expect(lintDockerfile(stdout)).toEqual([]);
  });
});

describe('--dry-run', () => {
  it('shows what would be created, and a diff for a file that differs, writing nothing', async () => {
    const dir = copyFixture('go-root-main');
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM golang:1.22\nCMD go run .\n');
    const before = listing(dir);
    const { exitCode, stdout } = await runCli([dir, '--yes', '--dry-run']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('updated Dockerfile (dry run, nothing written)');
    expect(stdout).toContain('created .dockerignore (dry run, nothing written)');
    expect(stdout).toContain('-CMD go run .');
    expect(stdout).toContain('+ENTRYPOINT ["/usr/local/bin/hello"]');
    expect(listing(dir)).toEqual(before);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe('FROM golang:1.22\nCMD go run .\n');
  });

  it('with --save, lists the stagecraft.json it would save, and a diff when it would change one', async () => {
    const dir = copyFixture('go-root-main');
    const before = listing(dir);
    const created = await runCli([dir, '--yes', '--dry-run', '--save']);
    expect(created.exitCode).toBe(0);
    expect(created.stdout.split('\n').filter((line) => line.includes('dry run'))).toEqual([
      'created Dockerfile (dry run, nothing written)',
      'created .dockerignore (dry run, nothing written)',
      'created stagecraft.json (dry run, nothing written)',
    ]);
    expect(listing(dir)).toEqual(before);
    writeFileSync(path.join(dir, 'stagecraft.json'), '{"base": "slim"}\n');
    const updated = await runCli([dir, '--yes', '--dry-run', '--save', '--base', 'alpine']);
    expect(updated.stdout).toContain('updated stagecraft.json (dry run, nothing written)');
    expect(updated.stdout).toContain('-{"base": "slim"}');
    expect(updated.stdout).toContain('+  "base": "alpine",');
    expect(readFileSync(path.join(dir, 'stagecraft.json'), 'utf8')).toBe('{"base": "slim"}\n');
  });
});

describe('existing files are never lost', () => {
  it('a differing Dockerfile stops a non-interactive run with nothing written', async () => {
    const dir = copyFixture('go-root-main');
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM mine\n');
    const { exitCode, stderr, stdout } = await runCli([dir, '--yes']);
    expect(exitCode).toBe(4);
    expect(stderr.trim()).toBe(
      'stagecraft: Dockerfile already exists and differs; nothing written (--force overwrites, --output Dockerfile.stagecraft writes beside it, --dry-run shows the diff)',
    );
    expect(stdout).toBe('');
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe('FROM mine\n');
    expect(existsSync(path.join(dir, '.dockerignore'))).toBe(false);
  });

  it('--force overwrites only the two generated files', async () => {
    const dir = copyFixture('go-root-main');
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM mine\n');
    writeFileSync(path.join(dir, '.dockerignore'), 'secrets\n');
    const mainBefore = readFileSync(path.join(dir, 'main.go'), 'utf8');
    const { exitCode, stdout } = await runCli([dir, '--yes', '--force']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('updated Dockerfile');
    expect(stdout).toContain('updated .dockerignore');
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('AS production');
    expect(readFileSync(path.join(dir, 'main.go'), 'utf8')).toBe(mainBefore);
    expect(listing(dir).filter((file) => file.includes('.tmp'))).toEqual([]);
  });
});

describe('bad input: one line, a documented exit code, nothing written', () => {
  it.each([
    [['--base', 'ubuntu'], /--base ubuntu: expected one of slim, alpine, distroless, scratch/],
    [['--debug', 'loud'], /--debug loud: expected one of none, stage, shell/],
    [['--port', '70000'], /--port 70000: expected a port from 1 to 65535, or none/],
    [[fixture('go-root-main'), '--runtime-version', 'latest'], /--runtime-version latest: expected a Go release such as 1.23/],
    [['--frobnicate'], /unknown option --frobnicate \(see --help\)/],
    [['--stdout', '--dry-run'], /--dry-run and --stdout cannot be combined/],
    [['a', 'b'], /one folder at a time, got 2: a b/],
  ])('%j exits 1', async (args, message) => {
    const { exitCode, stderr } = await runCli([...args]);
    expect(exitCode).toBe(1);
    expectOneLine(stderr, message);
  });

  it('without a TTY and without --yes, a missing answer names its flag', async () => {
    const dir = copyFixture('go-root-main');
    const before = listing(dir);
    const { exitCode, stderr } = await runCli([dir]);
    expect(exitCode).toBe(1);
    expectOneLine(stderr, 'stagecraft: missing --base: not interactive (no TTY); pass it, or --yes to accept defaults');
    expect(listing(dir)).toEqual(before);
  });

  it('several main packages: --yes takes the one a rule picks and says so; where none decides it stops naming them; --entry can', async () => {
    const byRule = await runCli([fixture('go-cmd-layout'), '--yes', '--stdout']);
    expect(byRule.exitCode).toBe(0);
    expect(byRule.stdout).toContain('-o /out/api ./cmd/api');
    expectOneLine(byRule.stderr, 'warning: several main packages: building ./cmd/api, the only one that serves on the network; --entry ./cmd/worker builds another');
    const ambiguous = await runCli([AMBIGUOUS_GO().root, '--yes', '--stdout']);
    expect(ambiguous.exitCode).toBe(1);
    expectOneLine(ambiguous.stderr, 'stagecraft: missing --entry: detection cannot decide it (main packages: ./cmd/admin, ./cmd/public)');
    const chosen = await runCli([fixture('go-cmd-layout'), '--yes', '--stdout', '--entry', 'cmd/worker']);
    expect(chosen.exitCode).toBe(0);
    expect(chosen.stdout).toContain('-o /out/worker ./cmd/worker');
    const wrong = await runCli([fixture('go-cmd-layout'), '--yes', '--stdout', '--entry', './internal/greeting']);
    expect(wrong.exitCode).toBe(1);
    expectOneLine(wrong.stderr, '--entry ./internal/greeting: no package main there (main packages here: ./cmd/api, ./cmd/worker)');
  });

  it('a malformed go.mod exits 2 naming file and line', async () => {
    const { exitCode, stderr } = await runCli([fixture('go-malformed'), '--yes']);
    expect(exitCode).toBe(2);
    expectOneLine(stderr, 'stagecraft: go.mod:3: invalid go version "one.twenty" (expected e.g. 1.23 or 1.23.4)');
  });

  it('a folder that does not exist, or a file, exits 2', async () => {
    const missing = await runCli(['/nonexistent/stagecraft', '--yes']);
    expect(missing.exitCode).toBe(2);
    expectOneLine(missing.stderr, 'stagecraft: /nonexistent/stagecraft: no such folder');
    const file = await runCli([path.join(fixture('go-root-main'), 'main.go'), '--yes']);
    expect(file.exitCode).toBe(2);
    expectOneLine(file.stderr, /main\.go: not a folder/);
  });

  it('an empty folder, or --lang naming a language whose manifest is not there, exits 2', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'stagecraft-empty-'));
    const none = await runCli([empty, '--yes']);
    expect(none.exitCode).toBe(2);
    expectOneLine(none.stderr, /no project found \(looked for go\.mod, go\.work, main\.go, Cargo\.toml/);
    const rust = await runCli([fixture('go-root-main'), '--yes', '--lang', 'rust']);
    expect(rust.exitCode).toBe(2);
    expectOneLine(rust.stderr, /^stagecraft: --lang rust: no Cargo\.toml in \S+go-root-main$/);
  });

  it('combinations that cannot work exit 3 with the reason', async () => {
    const cgoScratch = await runCli([fixture('go-cgo'), '--yes', '--base', 'scratch']);
    expect(cgoScratch.exitCode).toBe(3);
    expectOneLine(cgoScratch.stderr, /--base scratch cannot run this program: it needs cgo \(import "C" in main\.go\)/);
    const distrolessShell = await runCli([fixture('go-root-main'), '--yes', '--base', 'distroless', '--debug', 'shell']);
    expect(distrolessShell.exitCode).toBe(3);
    expectOneLine(distrolessShell.stderr, /--debug shell: distroless has no shell to keep; use --debug stage/);
  });
});

describe('the README example', () => {
  it('examples/go-api generates like `npm run example` does', async () => {
    const dir = copyFolder(path.join(ROOT, 'examples', 'go-api'));
    // The quick start runs `npm run example` before `npm test`: start from the folder as committed.
    for (const generated of ['Dockerfile', '.dockerignore']) rmSync(path.join(dir, generated), { force: true });
    const { exitCode, stdout } = await runCli([dir, '--yes']);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(
      /^created Dockerfile\ncreated \.dockerignore\ncreated \.stagecraft\/ \(the text stagecraft generated, so a re-run merges your edits; commit it\)\nnext: docker build -t go-api /,
    );
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('ENV PORT=8080');
  });

  it('a module named example.com/MyTool is tagged mytool, which Docker accepts; the binary keeps its name', async () => {
    const dir = copyFixture('go-uppercase-module');
    const { exitCode, stdout } = await runCli([dir, '--yes']);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(
      /^created Dockerfile\ncreated \.dockerignore\ncreated \.stagecraft\/ \(the text stagecraft generated, so a re-run merges your edits; commit it\)\nnext: docker build -t mytool /,
    );
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('ENTRYPOINT ["/usr/local/bin/MyTool"]');
  });
});

describe('Node', () => {
  it('--yes on an npm TypeScript API: deps and build, no node_modules to ship, a distroless final stage', async () => {
    const { exitCode, stdout } = await runCli([fixture('node-ts-api'), '--yes', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('FROM deps AS build');
    // typescript is its only dependency, a dev one: production gets no node_modules at all.
    expect(stdout).not.toContain('prod-deps');
    expect(stdout).not.toMatch(/^COPY .*node_modules/m);
    expect(stdout).toContain('COPY --from=build /app/dist ./dist');
    expect(stdout).toContain('FROM gcr.io/distroless/nodejs24-debian13:nonroot AS production');
    expect(stdout).toContain('CMD ["dist/server.js"]');
    expect(stdout).toContain('EXPOSE 8081');
  });

  it('--entry replaces the detected start file', async () => {
    const { stdout } = await runCli([fixture('node-express'), '--yes', '--stdout', '--base', 'slim', '--entry', './server.js']);
    expect(stdout).toContain('CMD ["node", "server.js"]');
    const bad = await runCli([fixture('node-express'), '--yes', '--stdout', '--entry', '../etc/passwd']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/--entry \.\.\/etc\/passwd: expected the project-relative \.js file/);
  });

  it('refuses scratch, an odd major on distroless, and several lockfiles, each with its reason', async () => {
    const scratch = await runCli([fixture('node-express'), '--yes', '--base', 'scratch']);
    expect(scratch.exitCode).toBe(3);
    expect(scratch.stderr).toMatch(/--base scratch cannot run a Node app: node itself needs a C library/);
    const odd = await runCli([fixture('node-express'), '--yes', '--base', 'distroless', '--runtime-version', '25']);
    expect(odd.exitCode).toBe(3);
    expect(odd.stderr.trim()).toBe(
      'stagecraft: --base distroless: distroless publishes Node images for maintained LTS (even) majors only (22, 24, 26 on Debian 13), and this is Node 25; use --runtime-version 26 or --base slim',
    );
    // Node 20's distroless image was Debian 12's, no longer published: the nearest is 22.
    const old = await runCli([fixture('node-express'), '--yes', '--base', 'distroless', '--runtime-version', '20']);
    expect(old.exitCode).toBe(3);
    expect(old.stderr).toMatch(/\(22, 24, 26 on Debian 13\), and this is Node 20; use --runtime-version 22 or --base slim$/m);
    const locks = await runCli([fixture('node-two-lockfiles'), '--yes']);
    expect(locks.exitCode).toBe(2);
    expect(locks.stderr.trim()).toBe('stagecraft: several lockfiles (package-lock.json, yarn.lock): set "packageManager" in package.json, or delete the stale ones');
  });

  it('warns about a missing lockfile and about native modules on alpine', async () => {
    const unlocked = await runCli([fixture('node-no-lockfile'), '--yes', '--stdout']);
    expect(unlocked.stderr).toContain('warning: no lockfile: installs are not reproducible');
    expect(unlocked.stdout).toContain('npm install \\\n && rm -f node_modules/.package-lock.json\n');
    // Nothing to install, nothing to lock: no warning, and no install stages at all.
    const dir = copyFixture('node-no-lockfile');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bare', scripts: { start: 'node index.js' } }));
    const nothing = await runCli([dir, '--yes', '--stdout']);
    expect(nothing.stderr).toBe('');
    expect(nothing.stdout).not.toContain('AS deps');
    const native = await runCli([fixture('node-native'), '--yes', '--stdout', '--base', 'alpine']);
    expect(native.stderr).toContain('warning: native modules (bcrypt) on alpine');
    expect(native.stdout).toContain('RUN apk add --no-cache python3 make g++');
  });

  it("native modules on hardened: node-gyp gets the -dev image's own headers, found beside node's real path, on both installs", async () => {
    const { exitCode, stdout } = await runCli([fixture('node-native'), '--yes', '--stdout', '--base', 'hardened', '--debug', 'none']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('RUN nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")" \\\n');
    expect(stdout).toContain(' && if [ -f "$nodedir/include/node/node.h" ]; then echo "export npm_config_nodedir=$nodedir"; fi > /node-gyp.env\n');
    expect(stdout).toContain('    . /node-gyp.env && npm ci \\\n');
    expect(lintDockerfile(stdout)).toEqual([]);
  });
});

describe('Node apps as they are found in the wild', () => {
  it('an Astro site without an adapter is answered as a static site: exit 3, one line, the facts still in --json, nothing written', async () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'site', dependencies: { astro: '^5' }, scripts: { build: 'astro build' } }),
      'pnpm-lock.yaml': '',
      'astro.config.mjs': 'export default defineConfig({});\n',
    }).root;
    const { exitCode, stderr } = await runCli([dir, '--yes']);
    expect(exitCode).toBe(3);
    expect(stderr.trim()).toBe(
      'stagecraft: this is a static site (no server adapter in astro.config.mjs): `pnpm run build` writes dist/; serve it with any static web server (nginx, Caddy, a CDN), or pass --entry with the server file if the app has one',
    );
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
    const json = await runCli([dir, '--yes', '--json']);
    expect(json.exitCode).toBe(3);
    expect(JSON.parse(json.stdout).facts.staticSite.value).toEqual({ outDir: 'dist', reason: 'no server adapter in astro.config.mjs' });
  });

  it('a queue worker (no server package, no listen call) gets no EXPOSE; app.listen(5000) gets EXPOSE 5000', async () => {
    const worker = makeProject({
      'package.json': JSON.stringify({ name: 'worker', dependencies: { bullmq: '^5' }, scripts: { start: 'node worker.js' } }),
      'worker.js': "require('bullmq');\n",
    }).root;
    const quiet = await runCli([worker, '--yes', '--stdout']);
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stdout).not.toContain('EXPOSE');
    const server = makeProject({
      'package.json': JSON.stringify({ name: 'web', dependencies: { express: '^4' }, scripts: { start: 'node server.js' } }),
      'server.js': "const app = require('express')();\napp.listen(5000);\n",
    }).root;
    const listening = await runCli([server, '--yes', '--stdout']);
    expect(listening.stdout).toContain('EXPOSE 5000');
  });

  it("pnpm's package.yaml is a Node project: pnpm installs from it, and listen({ port: 8080 }) is the port", async () => {
    const dir = makeProject({
      'package.yaml': 'name: api\nscripts:\n  start: node server.js\ndependencies:\n  fastify: ^5\n',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'server.js': "require('fastify')().listen({ port: 8080, host: '0.0.0.0' });\n",
    }).root;
    const { exitCode, stdout } = await runCli([dir, '--yes', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('COPY package.yaml pnpm-lock.yaml ./');
    expect(stdout).toContain('pnpm install --frozen-lockfile');
    expect(stdout).toContain('EXPOSE 8080');
  });

  it("Yarn Plug'n'Play ships .yarn and .pnp.cjs and starts node with -r ./.pnp.cjs; remix-serve under it installs node_modules instead", async () => {
    const dir = copyFixture('node-yarn-berry');
    writeFileSync(path.join(dir, '.yarnrc.yml'), 'enableTelemetry: false\n');
    const { exitCode, stdout, stderr } = await runCli([dir, '--yes']);
    expect(exitCode, stderr).toBe(0);
    const dockerfile = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('YARN_ENABLE_GLOBAL_CACHE=false yarn install --immutable');
    expect(dockerfile).toContain('COPY --from=deps /app/.yarn ./.yarn');
    expect(dockerfile).toContain('COPY --from=deps /app/.pnp.cjs ./');
    expect(dockerfile).toContain('CMD ["-r", "./.pnp.cjs", "server.js"]');
    expect(readFileSync(path.join(dir, '.dockerignore'), 'utf8')).toContain('.pnp.*\n.yarn/cache\n');
    expect(stdout).toContain('created Dockerfile');
    const remix = makeProject({
      'package.json': JSON.stringify({
        packageManager: 'yarn@3.2.1',
        dependencies: { '@remix-run/serve': '^2', '@remix-run/node': '^2' },
        scripts: { build: 'remix build', start: 'remix-serve build' },
      }),
    }).root;
    const remixRun = await runCli([remix, '--yes', '--stdout']);
    expect(remixRun.exitCode).toBe(0);
    expect(remixRun.stderr).toContain(
      "warning: Yarn Plug'n'Play (package.json) keeps @remix-run/serve zipped, with no file the image could start: the image installs with node_modules instead (YARN_NODE_LINKER=node-modules; the lockfile is the same)",
    );
    expect(remixRun.stdout).toContain('YARN_NODE_LINKER=node-modules yarn install');
    // yarn run checks the install with the same linker, or it finds the project not installed.
    expect(remixRun.stdout).toContain('RUN YARN_NODE_LINKER=node-modules yarn run build');
    // Berry without .yarnrc.yml: there is none to copy.
    expect(remixRun.stdout).toContain('COPY package.json ./\n');
    expect(remixRun.stdout).toContain('COPY --from=deps /app/node_modules ./node_modules');
  });

  it("a custom server.js beside Remix's Vite build ships with build/, instead of stopping", async () => {
    const dir = makeProject({
      'package.json': JSON.stringify({
        name: 'remix-socket',
        type: 'module',
        dependencies: { '@remix-run/node': '^2', express: '^4' },
        devDependencies: { '@remix-run/dev': '^2' },
        scripts: { build: 'remix vite:build', start: 'node ./server.js' },
      }),
      'server.js': 'await import("./build/server/index.js");\nhttpServer.listen(process.env.PORT || 3000);\n',
    }).root;
    const { exitCode, stdout } = await runCli([dir, '--yes', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('COPY --from=build /app/build ./build');
    expect(stdout).toContain('COPY --from=build /app/server.js ./server.js');
    expect(stdout).toContain('CMD ["./server.js"]');
  });
});

describe('a workspace member', () => {
  it('writes Dockerfile and Dockerfile.dockerignore in the member, built from the workspace root', async () => {
    const root = copyFixture('node-pnpm-workspace');
    const member = path.join(root, 'packages', 'api');
    const { exitCode, stdout } = await runCli([member, '--yes']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('created Dockerfile.dockerignore');
    expect(stdout).toContain(`next: docker build -f ${path.join(member, 'Dockerfile')} -t api ${root}`);
    const dockerfile = readFileSync(path.join(member, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('RUN pnpm --filter @ws/api deploy --legacy --prod /prod');
    expect(dockerfile).toContain('docker build -f packages/api/Dockerfile -t api .');
    expect(existsSync(path.join(root, '.dockerignore'))).toBe(false);
  });

  it("an npm workspace member is written in its folder, built from the root with the root's lockfile and an install narrowed to it", async () => {
    const root = copyFixture('node-npm-monorepo');
    const member = path.join(root, 'apps', 'worker');
    const { exitCode, stdout, stderr } = await runCli([member, '--yes']);
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toContain(`next: docker build -f ${path.join(member, 'Dockerfile')} -t worker ${root}`);
    const dockerfile = readFileSync(path.join(member, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('COPY package.json package-lock.json ./');
    expect(dockerfile).toContain('npm ci --workspace=@npmmono/worker --omit=dev');
    expect(dockerfile).toContain('WORKDIR /app/apps/worker');
    expect(existsSync(path.join(root, '.dockerignore'))).toBe(false);
  });

  it("a Go main package in a module's sub-folder: its Dockerfile there, built from the module root with the module's go.mod and go.sum", async () => {
    const root = makeProject({
      'go.mod': 'module example.com/shop\n\ngo 1.24\n',
      'go.sum': '',
      'cmd/api/server.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":7070", nil) }\n',
      'cmd/tool/main.go': 'package main\n\nfunc main() {}\n',
    }).root;
    const member = path.join(root, 'cmd', 'api');
    const { exitCode, stdout, stderr } = await runCli([member, '--yes']);
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toContain('created Dockerfile.dockerignore');
    expect(stdout).toContain(`next: docker build -f ${path.join(member, 'Dockerfile')} -t api ${root}`);
    const dockerfile = readFileSync(path.join(member, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('docker build -f cmd/api/Dockerfile -t api .');
    expect(dockerfile).toContain('COPY go.mod go.sum ./');
    expect(dockerfile).toContain('go build -trimpath -ldflags="-s -w" -o /out/api ./cmd/api');
    expect(dockerfile).toContain('EXPOSE 7070');
    expect(readFileSync(path.join(member, 'Dockerfile.dockerignore'), 'utf8')).toMatch(/^cmd\/api\/Dockerfile$/m);
    expect(existsSync(path.join(root, 'Dockerfile'))).toBe(false);
    expect(existsSync(path.join(root, '.dockerignore'))).toBe(false);
  });

  it("a member of a Yarn workspace that installs with Plug'n'Play is refused with the reason, nothing written", async () => {
    const root = makeProject({
      'package.json': '{"workspaces": ["apps/*"], "packageManager": "yarn@4.9.2"}',
      'yarn.lock': '__metadata:\n  version: 8\n',
      'apps/web/package.json': '{"name":"web","scripts":{"start":"node a.js"}}',
    }).root;
    const { exitCode, stderr } = await runCli([path.join(root, 'apps', 'web'), '--yes']);
    expect(exitCode).toBe(3);
    expect(stderr.trim()).toBe(
      "stagecraft: this package is a member of the Yarn workspace in ../../package.json, which installs with Plug'n'Play: a member is built with node_modules only so far (nodeLinker: node-modules in .yarnrc.yml)",
    );
    expect(existsSync(path.join(root, 'apps', 'web', 'Dockerfile'))).toBe(false);
  });
});

describe('Python', () => {
  it('--yes on a stdlib server: distroless moves to the Python it ships, within requires-python, and says so', async () => {
    const { exitCode, stdout, stderr } = await runCli([fixture('python-stdlib'), '--yes', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stderr.trim()).toBe('warning: distroless python3 ships Python 3.13 (debian13): using 3.13 (allowed by pyproject.toml:4) instead of 3.14');
    expect(stdout).toContain('FROM debian:trixie-slim AS build');
    expect(stdout).toContain('RUN /usr/bin/python3.13 -m venv --without-pip /opt/venv');
    expect(stdout).toContain('FROM gcr.io/distroless/python3-debian13:nonroot AS production');
    expect(stdout).toContain('ENV PORT=8000');
    expect(stdout).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "/opt/venv/bin/python", "app.py"]');
  });

  it('a malformed pyproject.toml exits 2 naming file, line and problem, with nothing written', async () => {
    const dir = copyFixture('python-malformed');
    const before = listing(dir);
    const { exitCode, stderr } = await runCli([dir, '--yes']);
    expect(exitCode).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toBe('stagecraft: pyproject.toml:4:1: not valid TOML (invalid value)');
    expect(listing(dir)).toEqual(before);
  });

  it('refuses scratch, a pinned Python distroless does not ship, a C library distroless lacks, and Poetry without its lock', async () => {
    const scratch = await runCli([fixture('python-stdlib'), '--yes', '--base', 'scratch']);
    expect(scratch.exitCode).toBe(3);
    expect(scratch.stderr).toMatch(/--base scratch cannot run a Python app: the interpreter needs a C library/);
    const pinned = await runCli([fixture('python-flask-gunicorn'), '--yes', '--base', 'distroless']);
    expect(pinned.exitCode).toBe(3);
    expect(pinned.stderr.trim()).toBe(
      'stagecraft: --base distroless: gcr.io/distroless/python3 ships Python 3.13 (debian13) only, and this project needs 3.12 (.python-version); use --base slim or alpine, or a Python it ships',
    );
    // 3.11 was python3-debian12's, which is no longer published.
    const eleven = await runCli([fixture('python-stdlib'), '--yes', '--base', 'distroless', '--runtime-version', '3.11']);
    expect(eleven.exitCode).toBe(3);
    expect(eleven.stderr).toMatch(/ships Python 3\.13 \(debian13\) only, and this project needs 3\.11 \(--runtime-version\); use --base slim/);
    const flagged = await runCli([fixture('python-stdlib'), '--yes', '--base', 'distroless', '--runtime-version', '3.12']);
    expect(flagged.exitCode).toBe(3);
    expect(flagged.stderr).toMatch(/this project needs 3\.12 \(--runtime-version\)/);
    const native = await runCli([fixture('python-native'), '--yes', '--base', 'distroless']);
    expect(native.exitCode).toBe(3);
    expect(native.stderr).toMatch(/psycopg2 links libpq at run time, which distroless python3 lacks and cannot install; use psycopg2-binary or psycopg\[binary\], or --base slim/);
    const unlocked = makeProject({ 'pyproject.toml': '[tool.poetry]\nname = "w"\n', 'main.py': '' }).root;
    const poetry = await runCli([unlocked, '--yes', '--base', 'slim']);
    expect(poetry.exitCode).toBe(3);
    expect(poetry.stderr.trim()).toBe(
      'stagecraft: poetry without its lockfile (pyproject.toml:1): the image installs exactly what the lockfile pins; run `poetry lock` and commit it',
    );
  });

  it('psycopg2 on slim: compiled in the build stage, libpq5 in the final one; alpine warns about musllinux wheels', async () => {
    const slim = await runCli([fixture('python-native'), '--yes', '--stdout', '--base', 'slim', '--debug', 'none']);
    expect(slim.stdout).toContain('apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev');
    expect(slim.stdout).toContain('apt-get install -y --no-install-recommends libpq5');
    const alpine = await runCli([fixture('python-native'), '--yes', '--stdout', '--base', 'alpine']);
    expect(alpine.stderr).toContain('warning: native dependencies (psycopg2, numpy) on alpine: musllinux wheels may be missing');
    expect(alpine.stdout).toContain('RUN apk add --no-cache libpq');
  });

  it('--entry takes a file, a module, module:app or a console script; anything else is a usage error', async () => {
    const module = await runCli([fixture('python-stdlib'), '--yes', '--stdout', '--base', 'slim', '--entry', 'app']);
    expect(module.stdout).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "/opt/venv/bin/python", "-m", "app"]');
    const app = await runCli([fixture('python-flask-gunicorn'), '--yes', '--stdout', '--base', 'slim', '--port', '9000', '--entry', 'wsgi:application']);
    expect(app.stdout).toContain('ENTRYPOINT ["/opt/venv/bin/gunicorn", "--bind", "0.0.0.0:9000", "wsgi:application"]');
    const noServer = await runCli([fixture('python-stdlib'), '--yes', '--stdout', '--entry', 'app:app']);
    expect(noServer.exitCode).toBe(1);
    expect(noServer.stderr.trim()).toBe('stagecraft: --entry app:app: serving module:app needs gunicorn, uvicorn or hypercorn among the dependencies');
    const bad = await runCli([fixture('python-stdlib'), '--yes', '--stdout', '--entry', '../x.py']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/--entry \.\.\/x\.py: expected a \.py file/);
  });

  it('PEP 621 dependencies without requirements or lockfile: listed from pyproject.toml alone, so they cache; warns about unpinned ones', async () => {
    const dir = makeProject({ 'pyproject.toml': '[project]\nname = "svc"\ndependencies = ["flask>=3", "gunicorn==23.0.0"]\n', 'main.py': '' }).root;
    const { exitCode, stdout, stderr } = await runCli([dir, '--yes', '--stdout', '--base', 'slim']);
    expect(exitCode).toBe(0);
    expect(stderr).toContain('warning: no lockfile and requirements not pinned with == (flask)');
    expect(stdout).toContain('COPY pyproject.toml ./\n');
    expect(stdout).toContain(`-c 'from tomllib import load; print("\\n".join(load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > /tmp/requirements.txt`);
    expect(stdout.indexOf('install -r /tmp/requirements.txt')).toBeLessThan(stdout.indexOf('COPY . .'));
    expect(lintDockerfile(stdout)).toEqual([]);
  });

  it.each([
    ['Pipenv', { Pipfile: '[packages]\nflask = "==3.1.0"\n', 'Pipfile.lock': '{}', 'app.py': '' }, 'pipenv requirements > /tmp/requirements.txt', 'COPY Pipfile Pipfile.lock ./'],
    [
      'PDM',
      { 'pyproject.toml': '[project]\nname = "p"\ndependencies = ["flask"]\n', 'pdm.lock': '', 'app.py': '' },
      'pdm export --prod > /tmp/requirements.txt',
      'COPY pyproject.toml pdm.lock ./',
    ],
  ])('%s: the lockfile is exported by the tool in its own venv and installed by pip', async (_tool, files, exportLine, copyLine) => {
    const { exitCode, stdout } = await runCli([makeProject(files).root, '--yes', '--stdout', '--base', 'alpine']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain(copyLine);
    expect(stdout).toContain(exportLine);
    expect(stdout).toContain('pip --python /opt/venv/bin/python install --no-deps -r /tmp/requirements.txt');
    expect(lintDockerfile(stdout)).toEqual([]);
  });

  // pallets/quart examples/chat: [tool.poetry] with poetry-core as its build backend, and no poetry.lock.
  it('Poetry without its lockfile but with poetry-core: pip installs the project after the sources, with a warning; without a build backend it is refused', async () => {
    const pyproject = '[tool.poetry]\nname = "chat"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.10"\nquart = "*"\n\n[tool.poetry.scripts]\nstart = "chat:run"\n';
    const backend = '\n[build-system]\nrequires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n';
    const files = { 'src/chat/__init__.py': 'from quart import Quart\napp = Quart(__name__)\ndef run():\n    app.run()\n' };
    const built = await runCli([makeProject({ ...files, 'pyproject.toml': pyproject + backend }).root, '--yes', '--stdout', '--base', 'slim']);
    expect(built.exitCode).toBe(0);
    expect(built.stderr).toContain('warning: poetry without its lockfile (pyproject.toml:1): pip installs the project through poetry-core');
    expect(built.stdout).not.toContain('poetry export');
    expect(built.stdout.indexOf('COPY . .')).toBeLessThan(built.stdout.indexOf('pip --python /opt/venv/bin/python install .'));
    const refused = await runCli([makeProject({ ...files, 'pyproject.toml': pyproject }).root, '--yes', '--stdout', '--base', 'slim']);
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toContain('poetry without its lockfile (pyproject.toml:1): the image installs exactly what the lockfile pins');
  });

  // litestar-org/litestar-hello-world: a lock_version 4.4 pdm.lock with strategy = ["cross_platform"].
  it('a pdm.lock without environment markers is relocked in the build with its versions, before pdm export, and says why; a marked one is not', async () => {
    const lock = (strategy: string) => `# This file is @generated by PDM.\n\n[metadata]\ngroups = ["default"]\nstrategy = [${strategy}]\nlock_version = "4.4"\n`;
    const files = { 'pyproject.toml': '[project]\nname = "p"\ndependencies = ["flask"]\n', 'app.py': '' };
    const old = await runCli([makeProject({ ...files, 'pdm.lock': lock('"cross_platform"') }).root, '--yes', '--stdout', '--base', 'slim']);
    expect(old.exitCode).toBe(0);
    expect(old.stdout).toContain(
      '# pdm.lock:5 (strategy = ["cross_platform"]) has no environment markers, which pdm export requires: relocked here with the same versions (--update-reuse); your pdm.lock is untouched.\n',
    );
    expect(old.stdout).toContain('    /opt/pdm/bin/pdm lock --update-reuse --strategy inherit_metadata \\\n && /opt/pdm/bin/pdm export --prod > /tmp/requirements.txt \\\n');
    expect(lintDockerfile(old.stdout)).toEqual([]);
    const marked = await runCli([makeProject({ ...files, 'pdm.lock': lock('"inherit_metadata"') }).root, '--yes', '--stdout', '--base', 'slim']);
    expect(marked.stdout).not.toContain('pdm lock');
  });

  it('a requirements file that installs the project itself copies the sources first, and says what that costs', async () => {
    const dir = makeProject({ 'requirements.txt': 'flask==3.1.0\n-e .\n', 'setup.py': '', Procfile: 'web: gunicorn wsgi:app\n' }).root;
    const { exitCode, stdout, stderr } = await runCli([dir, '--yes', '--stdout', '--base', 'slim']);
    expect(exitCode).toBe(0);
    expect(stderr).toContain('warning: requirements.txt installs the project itself (-e . or .)');
    expect(stdout).not.toContain('COPY requirements.txt');
    expect(stdout.indexOf('COPY . .')).toBeLessThan(stdout.indexOf('install -r requirements.txt'));
    expect(stdout).toContain('ENV PORT=8000');
    expect(stdout).toContain('ENTRYPOINT ["/opt/venv/bin/gunicorn", "wsgi:app"]');
    expect(lintDockerfile(stdout)).toEqual([]);
  });

  it("a Procfile's uvicorn without --host gets UVICORN_HOST=0.0.0.0, since uvicorn alone listens on 127.0.0.1; with --host it gets none", async () => {
    const asgi = (procfile: string) =>
      makeProject({ 'requirements.txt': 'uvicorn==0.34.0\n', 'app.py': 'async def app(scope, receive, send):\n    pass\n', Procfile: procfile }).root;
    const bare = await runCli([asgi('web: uvicorn app:app --port 8011\n'), '--yes', '--stdout', '--base', 'slim']);
    expect(bare.exitCode).toBe(0);
    expect(bare.stdout).toContain(
      '# uvicorn listens on 127.0.0.1 alone unless --host or UVICORN_HOST says otherwise: out of reach from outside the container.\nENV UVICORN_HOST=0.0.0.0\n',
    );
    expect(lintDockerfile(bare.stdout)).toEqual([]);
    const hosted = await runCli([asgi('web: uvicorn app:app --host 0.0.0.0 --port 8011\n'), '--yes', '--stdout', '--base', 'slim']);
    expect(hosted.stdout).not.toContain('UVICORN_HOST');
  });

  it('ENV PORT only for a program that reads it: gunicorn bound to $PORT in an app that reads PORT is left to bind PORT itself, so `docker run -e PORT` moves it (GoogleCloudPlatform buildpack-samples)', async () => {
    const flask = 'import os\nfrom flask import Flask\napp = Flask(__name__)\n';
    const readsPort = `${flask}port = int(os.environ.get("PORT", 8080))\n`;
    const project = (main: string, procfile?: string) =>
      makeProject({ 'requirements.txt': 'flask==3.1.0\ngunicorn==23.0.0\nuvicorn==0.34.0\n', 'main.py': main, ...(procfile ? { Procfile: procfile } : {}) }).root;
    const run = async (dir: string) => (await runCli([dir, '--yes', '--stdout', '--base', 'slim'])).stdout;
    const sayGunicornBindsPort = '# gunicorn, given no --bind, listens on 0.0.0.0:$PORT: `docker run -e PORT=...` moves it (Cloud Run, Heroku set PORT).\nENV PORT=8000\n';
    // The Procfile promises the platform its PORT, whether or not the app's code reads it.
    const fromProcfile = await run(project(flask, 'web: gunicorn --bind :$PORT --workers 1 main:app\n'));
    expect(fromProcfile).toContain(sayGunicornBindsPort);
    expect(fromProcfile).toContain('ENTRYPOINT ["/opt/venv/bin/gunicorn", "--workers", "1", "main:app"]');
    expect(lintDockerfile(fromProcfile)).toEqual([]);
    expect(await run(project(readsPort))).toContain('ENTRYPOINT ["/opt/venv/bin/gunicorn", "main:app"]');
    // gunicorn given no --bind at all reads PORT (else it listens on 127.0.0.1:8000 alone), so it gets ENV PORT.
    const unbound = await run(project(flask, 'web: gunicorn main:app\n'));
    expect(unbound).toContain(sayGunicornBindsPort);
    // Neither the app nor the server reads PORT: the port is written into the command, and ENV PORT would change nothing.
    for (const procfile of [undefined, 'web: uvicorn main:app --host 0.0.0.0 --port $PORT\n']) {
      const stdout = await run(project(flask, procfile));
      expect(stdout).not.toContain('ENV PORT');
      expect(stdout).toMatch(/ENTRYPOINT \[.*"(0\.0\.0\.0)?:?8000"/);
    }
    // The Procfile's uvicorn promised the platform its PORT, which the image cannot keep: a warning says so; gunicorn's is kept.
    const uvicorn = await runCli([project(flask, 'web: uvicorn main:app --host 0.0.0.0 --port $PORT\n'), '--yes', '--stdout', '--base', 'slim']);
    expect(uvicorn.stderr).toContain(
      "warning: Procfile:1: the web: command takes its port as $PORT, which the exec-form ENTRYPOINT cannot expand: the image runs uvicorn on 8000, and a platform's PORT (Cloud Run, Heroku) does not move it",
    );
    const gunicorn = await runCli([project(flask, 'web: gunicorn --bind :$PORT main:app\n'), '--yes', '--stdout', '--base', 'slim']);
    expect(gunicorn.stderr).not.toContain('takes its port as $PORT');
  });

  it('a requirements pin of gunicorn 20, which imports pkg_resources, installs with setuptools<82 (82 removed pkg_resources), unless the requirements name setuptools', async () => {
    const project = (requirements: string) => makeProject({ 'requirements.txt': requirements, 'main.py': 'from flask import Flask\napp = Flask(__name__)\n' }).root;
    const old = await runCli([project('flask==3.1.0\ngunicorn==20.1.0\n'), '--yes', '--stdout', '--base', 'slim']);
    expect(old.exitCode).toBe(0);
    expect(old.stderr).toContain('warning: requirements.txt:2: gunicorn==20.1.0 imports pkg_resources, which setuptools 82 removed: the image installs setuptools<82 beside it');
    expect(old.stdout).toContain('# setuptools<82: gunicorn==20.1.0 (requirements.txt:2) imports pkg_resources and leaves setuptools unbounded;');
    expect(old.stdout).toContain('pip --python /opt/venv/bin/python install -r requirements.txt "setuptools<82"\n');
    expect(lintDockerfile(old.stdout)).toEqual([]);
    for (const requirements of ['flask==3.1.0\ngunicorn==21.2.0\n', 'flask==3.1.0\ngunicorn==20.1.0\nsetuptools==80.9.0\n']) {
      const run = await runCli([project(requirements), '--yes', '--stdout', '--base', 'slim']);
      expect(run.stdout).not.toContain('setuptools<82');
      expect(run.stderr).not.toContain('pkg_resources');
    }
  });

  it('a Flask app without gunicorn runs its file, with a warning that names the server to add', async () => {
    const dir = makeProject({ 'requirements.txt': 'flask==3.1.0\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' }).root;
    const { stdout, stderr } = await runCli([dir, '--yes', '--stdout', '--base', 'slim']);
    expect(stderr).toContain('warning: flask runs as `python app.py`, not under a production server: add gunicorn to the dependencies');
    expect(stdout).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "/opt/venv/bin/python", "app.py"]');
  });

  it('several console scripts: --yes cannot choose and names them', async () => {
    const dir = makeProject({ 'pyproject.toml': '[project]\nname = "a"\ndependencies = []\n[project.scripts]\none = "a:one"\ntwo = "a:two"\n' }).root;
    const { exitCode, stderr } = await runCli([dir, '--yes', '--stdout']);
    expect(exitCode).toBe(1);
    expect(stderr.trim()).toBe('stagecraft: missing --entry: detection cannot decide it (console scripts: one, two)');
  });
});

describe('Rust', () => {
  it('--yes on a single binary: glibc build, distroless cc, a debug target, PORT set', async () => {
    const dir = copyFixture('rust-single-bin');
    const { exitCode, stdout } = await runCli([dir, '--yes']);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(
      /^created Dockerfile\ncreated \.dockerignore\ncreated \.stagecraft\/ \(the text stagecraft generated, so a re-run merges your edits; commit it\)\nnext: docker build -t hello /,
    );
    const dockerfile = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('FROM rust:1.95-slim-trixie AS build');
    expect(dockerfile).toContain('cargo build --release --locked --package hello --bin hello');
    expect(dockerfile).toContain('FROM gcr.io/distroless/cc-debian13:nonroot AS production');
    expect(dockerfile).toContain('FROM gcr.io/distroless/cc-debian13:debug-nonroot AS debug');
    expect(dockerfile).toContain('ENV PORT=8080');
    expect(readFileSync(path.join(dir, '.dockerignore'), 'utf8')).toMatch(/^target$/m);
  });

  it('several binaries: --yes takes the one a rule picks and says so, else stops naming them; --entry can; an unknown one is named', async () => {
    const byRule = await runCli([fixture('rust-multi-bin'), '--yes', '--stdout']);
    expect(byRule.exitCode).toBe(0);
    expect(byRule.stdout).toContain('--package toolbox --bin api');
    expectOneLine(byRule.stderr, 'warning: several binaries: building api, the only one that serves on the network; --entry migrate or --entry worker builds another');
    const tools = makeProject({ 'Cargo.toml': '[package]\nname = "tools"\n', 'src/bin/import.rs': 'fn main() {}\n', 'src/bin/export.rs': 'fn main() {}\n' });
    const ambiguous = await runCli([tools.root, '--yes', '--stdout']);
    expect(ambiguous.exitCode).toBe(1);
    expectOneLine(ambiguous.stderr, 'stagecraft: missing --entry: detection cannot decide it (binaries: export, import)');
    const chosen = await runCli([fixture('rust-multi-bin'), '--yes', '--stdout', '--entry', 'worker']);
    expect(chosen.exitCode).toBe(0);
    expect(chosen.stdout).toContain('--package toolbox --bin worker');
    expect(chosen.stdout).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/worker"]');
    const wrong = await runCli([fixture('rust-multi-bin'), '--yes', '--stdout', '--entry', 'toolbox']);
    expect(wrong.exitCode).toBe(1);
    expectOneLine(wrong.stderr, 'stagecraft: --entry toolbox: no such binary target (binaries here: api, migrate, worker)');
  });

  it('alpine and scratch build a static musl binary, cross-compiled when nothing compiles C', async () => {
    const { stdout } = await runCli([fixture('rust-workspace'), '--yes', '--stdout', '--base', 'scratch']);
    expect(stdout).toContain('FROM --platform=$BUILDPLATFORM rust:1.95-alpine AS build');
    expect(stdout).toContain('rustup target add "$arch-unknown-linux-musl"');
    expect(stdout).toContain('cp "target/$CARGO_BUILD_TARGET/release/calc" /out/calc');
    expect(stdout).toContain('FROM gcr.io/distroless/static-debian13:debug-nonroot AS debug');
    expect(stdout).toContain('COPY --from=build /rootfs/ /');
  });

  it('--runtime-version picks the builder (never older than rust-version); a Rust before 1.90 builds on bookworm and runs on trixie', async () => {
    const { stdout } = await runCli([fixture('rust-single-bin'), '--yes', '--stdout', '--runtime-version', '1.85.1']);
    expect(stdout).toContain('FROM rust:1.85.1-slim-bookworm AS build');
    expect(stdout).toContain('FROM gcr.io/distroless/cc-debian13:nonroot AS production');
    // The bookworm-built binary links libssl.so.3, which trixie's libssl3t64 provides (slim has it: apt depends on it).
    const slim = await runCli([fixture('rust-openssl'), '--yes', '--stdout', '--base', 'slim', '--runtime-version', '1.85']);
    expect(slim.stdout).toContain('FROM rust:1.85-bookworm AS build');
    expect(slim.stdout).toContain('FROM debian:trixie-slim AS runtime');
    expect(slim.stdout).toContain('# libssl3t64 (openssl-sys): a shared library the binary loads, which the base has already (apt depends on it)');
    const old = await runCli([fixture('rust-msrv'), '--yes', '--stdout', '--runtime-version', '1.75']);
    expect(old.exitCode).toBe(3);
    expectOneLine(old.stderr, 'stagecraft: Rust 1.75 is older than the rust-version 1.80 (Cargo.toml:6) this project needs; use 1.80 or newer');
    const bad = await runCli([fixture('rust-single-bin'), '--yes', '--stdout', '--runtime-version', '2']);
    expect(bad.exitCode).toBe(1);
    expectOneLine(bad.stderr, 'stagecraft: --runtime-version 2: expected a Rust release such as 1.85 or 1.85.1');
  });

  it("openssl-sys: slim's own libssl, a static link with its warning on alpine; no Cargo.lock is a warning", async () => {
    const slim = await runCli([fixture('rust-openssl'), '--yes', '--stdout', '--base', 'slim']);
    expect(slim.stdout).toContain('FROM rust:1.95-trixie AS build');
    // debian:trixie-slim has libssl3t64 (apt depends on it): installing it again would only rewrite the base's files.
    // The CA roots are the build stage's bundle, which OpenSSL finds through SSL_CERT_FILE.
    expect(slim.stdout).toContain('# libssl3t64 (openssl-sys): a shared library the binary loads, which the base has already (apt depends on it): nothing to install.\n');
    expect(slim.stdout).not.toContain('--no-install-recommends libssl3t64');
    const sqlite = await runCli([fixture('rust-sqlite'), '--yes', '--stdout', '--base', 'slim']);
    expect(sqlite.stdout).toContain('# libsqlite3-0 (libsqlite3-sys): a shared library the binary loads, installed below.\n');
    expect(sqlite.stdout).toContain('apt-get install -y --no-install-recommends libsqlite3-0 \\\n');
    expect(slim.stdout).toContain(
      'COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\nENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt\n',
    );
    expect(slim.stderr).toContain('warning: no Cargo.lock: every build resolves dependency versions anew');
    const alpine = await runCli([fixture('rust-openssl'), '--yes', '--stdout', '--base', 'alpine']);
    expect(alpine.stdout).toContain('FROM rust:1.95-alpine AS build');
    expect(alpine.stdout).toContain('RUN apk add --no-cache musl-dev pkgconf openssl-dev openssl-libs-static');
    expect(alpine.stdout).toContain('OPENSSL_STATIC=1');
    expect(alpine.stderr).toContain("warning: openssl-sys (Cargo.toml:8) on alpine: OpenSSL is linked statically from Alpine's packages");
  });

  it('a pinned rust-toolchain.toml becomes the builder image and stays out of the context', async () => {
    const dir = copyFixture('rust-single-bin');
    writeFileSync(path.join(dir, 'rust-toolchain.toml'), '[toolchain]\nchannel = "1.82.0"\n');
    expect((await runCli([dir, '--yes', '--base', 'slim'])).exitCode).toBe(0);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('FROM rust:1.82.0-slim-bookworm AS build');
    expect(readFileSync(path.join(dir, '.dockerignore'), 'utf8')).toMatch(/^rust-toolchain\.toml$/m);
  });

  it('refusals exit 3 with the reason: system SQLite on distroless, a shell on scratch, a path outside the context; a workspace member builds from its root', async () => {
    const sqlite = await runCli([fixture('rust-sqlite'), '--yes', '--base', 'distroless']);
    expect(sqlite.exitCode).toBe(3);
    expectOneLine(
      sqlite.stderr,
      /libsqlite3-sys \(Cargo\.toml:8\) links the system SQLite library, which distroless cc does not have; use rusqlite's "bundled" feature, or --base slim/,
    );
    const shell = await runCli([fixture('rust-single-bin'), '--yes', '--base', 'scratch', '--debug', 'shell']);
    expect(shell.exitCode).toBe(3);
    expectOneLine(shell.stderr, /--debug shell: scratch has no shell to keep/);
    const workspace = makeProject({
      'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
      'crates/api/Cargo.toml': '[package]\nname = "api"\n',
      'crates/api/src/main.rs': 'fn main() {}\n',
    });
    // A member run in its own folder: its Dockerfile and ignore file there, built from the workspace root.
    const member = await runCli([path.join(workspace.root, 'crates', 'api'), '--yes']);
    expect(member.exitCode).toBe(0);
    expect(member.stdout).toContain(`next: docker build -f ${path.join(workspace.root, 'crates', 'api', 'Dockerfile')} -t api ${workspace.root}`);
    expect(readdirSync(path.join(workspace.root, 'crates', 'api')).sort()).toEqual(['.stagecraft', 'Cargo.toml', 'Dockerfile', 'Dockerfile.dockerignore', 'src']);
    const memberDockerfile = readFileSync(path.join(workspace.root, 'crates', 'api', 'Dockerfile'), 'utf8');
    expect(memberDockerfile).toContain('docker build -f crates/api/Dockerfile -t api .');
    expect(memberDockerfile).toContain('cargo build --release --package api --bin api');
    const outside = makeProject({ 'Cargo.toml': '[package]\nname = "p"\n\n[dependencies]\nshared = { path = "../shared" }\n', 'src/main.rs': 'fn main() {}\n' });
    const refused = await runCli([outside.root, '--yes']);
    expect(refused.exitCode).toBe(3);
    expectOneLine(
      refused.stderr,
      'stagecraft: the path dependency ../shared (Cargo.toml:5) is outside the folder, which is the build context; run stagecraft in a folder that holds it',
    );
  });

  it('a malformed Cargo.toml, or a library with nothing to run, exits 2 naming the file', async () => {
    const malformed = await runCli([fixture('rust-malformed'), '--yes']);
    expect(malformed.exitCode).toBe(2);
    expectOneLine(malformed.stderr, /^stagecraft: Cargo\.toml:3:\d+: not valid TOML \(.+\)$/);
    const library = makeProject({ 'Cargo.toml': '[package]\nname = "lib"\n', 'src/lib.rs': '' });
    const none = await runCli([library.root, '--yes']);
    expect(none.exitCode).toBe(2);
    expectOneLine(none.stderr, 'stagecraft: no binary target: Cargo.toml builds only a library (no src/main.rs, src/bin/ or [[bin]]), so there is nothing to run');
    expect(existsSync(path.join(library.root, 'Dockerfile'))).toBe(false);
  });
});

describe('Java', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    return stderr.trim();
  };

  it('a malformed pom.xml exits 2 with one line naming the file, line and problem, and writes nothing', async () => {
    const dir = copyFixture('java-malformed');
    const { exitCode, stderr } = await runCli([dir, '--yes']);
    expect(exitCode).toBe(2);
    expect(oneLine(stderr)).toBe("stagecraft: pom.xml:9: not well-formed XML (Expected closing tag 'properties' (opened in line 7, col 3) instead of closing tag 'propertes'.)");
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
  });

  it('refuses scratch, distroless without a distroless Java image, and jlink on Java 8, with the reason (exit 3)', async () => {
    const scratch = await runCli([fixture('java-plain-maven'), '--yes', '--base', 'scratch']);
    expect(scratch.exitCode).toBe(3);
    expect(oneLine(scratch.stderr)).toMatch(/--base scratch cannot run a Java app: the JVM needs a C library and its runtime files; use --base distroless/);
    const java11 = await runCli([fixture('java-plain-maven'), '--yes', '--base', 'distroless', '--runtime-version', '11']);
    expect(java11.exitCode).toBe(3);
    expect(oneLine(java11.stderr)).toBe(
      'stagecraft: --base distroless: distroless publishes Java images for 17, 21, 25 only, and this is Java 11; use --runtime-version 17 or --base slim',
    );
    // The Java 25 distroless image is the newest: nothing newer to move to.
    const java26 = await runCli([fixture('java-plain-maven'), '--yes', '--base', 'distroless', '--runtime-version', '26']);
    expect(oneLine(java26.stderr)).toMatch(/this is Java 26; use --runtime-version 25 or --base slim$/);
    const jlink8 = await runCli([fixture('java-plain-maven'), '--yes', '--base', 'slim', '--runtime-version', '1.8', '--java-runtime', 'jlink']);
    expect(jlink8.exitCode).toBe(3);
    expect(oneLine(jlink8.stderr)).toMatch(/--java-runtime jlink: Java 8 has no jlink/);
  });

  it('Java 17 runs on Debian 13 like every other major: distroless java17-debian13, slim trixie', async () => {
    const distroless = await runCli([fixture('java-plain-maven'), '--yes', '--base', 'distroless', '--stdout']);
    expect(distroless.stdout).toContain('FROM gcr.io/distroless/java17-debian13:nonroot AS production');
    expect(distroless.stdout).toContain('FROM gcr.io/distroless/java17-debian13:debug-nonroot AS debug');
    const slim = await runCli([fixture('java-plain-maven'), '--yes', '--base', 'slim', '--stdout']);
    expect(slim.stdout).toContain('FROM debian:trixie-slim AS runtime');
  });

  it('a multi-module build: --yes at the root builds every runnable module (a workspace), --entry one of them', async () => {
    const all = await runCli([fixture('java-multimodule'), '--yes', '--dry-run']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout).toContain('Maven multi-module build (pom.xml): shop-api service, shop-worker service');
    expect(all.stdout).toContain('created Dockerfile.api (dry run');
    expect(all.stdout).toContain('created Dockerfile.worker (dry run');
    const wrong = await runCli([fixture('java-multimodule'), '--yes', '--entry', 'web']);
    expect(oneLine(wrong.stderr)).toBe('stagecraft: --entry web: no member of the Maven multi-module build (pom.xml) is named so; its services: shop-api, shop-worker');
    const chosen = await runCli([fixture('java-multimodule'), '--yes', '--entry', './worker/', '--base', 'slim', '--port', 'none', '--stdout']);
    expect(chosen.exitCode).toBe(0);
    expect(chosen.stdout).toContain('mvn -B package -DskipTests -pl worker -am');
    expect(chosen.stdout).toContain('-DexcludeGroupIds=com.example.shop');
    expect(chosen.stdout).toContain('cp worker/target/shop-worker-2.1.0.jar /out/app.jar');
    expect(chosen.stdout).not.toContain('EXPOSE');
    // api depends on Gson without bundling it: Maven copies it beside the jar and java gets a classpath.
    const api = await runCli([fixture('java-multimodule'), '--yes', '--entry', 'api', '--base', 'distroless', '--stdout']);
    expect(api.stdout).toContain('mvn -B package -DskipTests dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib -pl api -am');
    expect(api.stdout).toContain('COPY --from=build /out/lib/ ./lib/');
    expect(api.stdout).toContain('ENTRYPOINT ["/usr/bin/java", "-cp", "/app/app.jar:/app/lib/*", "com.example.shop.api.ApiServer"]');
  });

  it('Maven and Gradle in one folder: the build with the only wrapper, else --build-tool', async () => {
    const dir = copyFixture('java-plain-maven');
    writeFileSync(path.join(dir, 'build.gradle'), "plugins { id 'java' }\njar { manifest { attributes 'Main-Class': 'com.example.hello.Main' } }\n");
    const undecided = await runCli([dir, '--yes']);
    expect(undecided.exitCode).toBe(1);
    expect(oneLine(undecided.stderr)).toBe('stagecraft: missing --build-tool: detection cannot decide it (build tools: maven, gradle)');
    const gradle = await runCli([dir, '--yes', '--build-tool', 'gradle', '--stdout']);
    expect(gradle.exitCode).toBe(0);
    expect(gradle.stdout).toContain('gradle jar --no-daemon');
    const wrapped = copyFixture('java-spring-maven');
    writeFileSync(path.join(wrapped, 'build.gradle'), "plugins { id 'java' }\n");
    const maven = await runCli([wrapped, '--yes', '--json']);
    expect(maven.exitCode).toBe(0);
    expect(JSON.parse(maven.stdout).answers.buildTool).toBe('maven');
  });

  it('--java-runtime is a Java option; distroless brings its own JRE, so it is moot there', async () => {
    const go = await runCli([fixture('go-root-main'), '--yes', '--java-runtime', 'jre']);
    expect(go.exitCode).toBe(1);
    expect(oneLine(go.stderr)).toBe('stagecraft: --java-runtime: not a go option');
    const distroless = await runCli([fixture('java-plain-maven'), '--yes', '--base', 'distroless', '--java-runtime', 'jre', '--json']);
    expect(distroless.exitCode).toBe(0);
    expect(JSON.parse(distroless.stdout).answers.javaRuntime).toBeUndefined();
  });

  it('--yes on a Spring Boot Maven project: the wrapper, layers, jlink on slim, and the detected port', async () => {
    const { exitCode, stdout } = await runCli([fixture('java-spring-maven'), '--yes', '--base', 'slim', '--json']);
    expect(exitCode).toBe(0);
    const { answers, plan } = JSON.parse(stdout);
    expect(answers).toEqual({ entry: '.', runtimeVersion: '21', base: 'slim', javaRuntime: 'jlink', debug: 'stage', port: 8081 });
    expect(plan).toMatchObject({
      launch: 'spring-layers',
      build: { image: 'eclipse-temurin:21-jdk', resolve: './mvnw -B dependency:go-offline' },
      jlink: { image: 'eclipse-temurin:21-jdk' },
    });
  });
});

describe('the hardened base (Docker Hardened Images)', () => {
  it("builds on the family's -dev image and ships on its runtime image, as the catalog's user", async () => {
    const stdout = async (name: string) => (await runCli([fixture(name), '--yes', '--base', 'hardened', '--stdout'])).stdout;
    const go = await stdout('go-root-main');
    expect(go).toMatch(/^FROM --platform=\$BUILDPLATFORM dhi\.io\/golang:1\.24-debian13-dev AS build$/m);
    expect(go).toMatch(/^FROM dhi\.io\/debian-base:trixie-debian13-dev AS debug$/m);
    expect(go).toMatch(/^FROM dhi\.io\/static:\d{8}-debian13 AS production$/m);
    const node = await stdout('node-ts-api');
    expect(node).toMatch(/^FROM dhi\.io\/node:24-debian13-dev AS base$/m);
    expect(node).toMatch(/^FROM dhi\.io\/node:24-debian13 AS production\n(.*\n)*USER 1000:1000\n(.*\n)*CMD \["node", "dist\/server\.js"\]$/m);
    const python = await stdout('python-stdlib');
    expect(python).toContain('RUN /usr/bin/python3.14 -m venv --without-pip /opt/venv');
    expect(python).toMatch(/^FROM dhi\.io\/python:3\.14-debian13 AS production\n(.*\n)*USER 65532:65532$/m);
    const java = await stdout('java-spring-maven');
    expect(java).toMatch(/^FROM dhi\.io\/eclipse-temurin:21-jdk-debian13-dev AS build$/m);
    expect(java).toMatch(/^FROM dhi\.io\/eclipse-temurin:21-debian13 AS production$/m);
    expect(java).toContain('ENTRYPOINT ["/usr/local/bin/java"');
    for (const dockerfile of [go, node, python, java]) expect(lintDockerfile(dockerfile)).toEqual([]);
  });

  it('refuses what dhi.io does not publish or cannot carry, naming the nearest base that works', async () => {
    const cases: [string[], RegExp][] = [
      [
        [fixture('node-express'), '--runtime-version', '23'],
        /^stagecraft: --base hardened: dhi\.io\/node is published for Node 20, 22, 24, 25, 26 only, and this is Node 23; use --runtime-version 24 or --base slim$/,
      ],
      [[fixture('python-native')], /^stagecraft: --base hardened: psycopg2 links libpq at run time, which dhi\.io\/python lacks .*, or --base slim$/],
      [
        [fixture('java-plain-maven'), '--runtime-version', '23'],
        /dhi\.io\/eclipse-temurin is published for Java 8, 11, 17, 21, 25, 26 only, and this is Java 23; use --runtime-version 25 or --base slim$/,
      ],
      [[fixture('rust-openssl')], /links the system OpenSSL library, which dhi\.io\/static \(glibc only\) does not have; .* or --base distroless$/],
      [[fixture('go-root-main'), '--debug', 'shell'], /^stagecraft: --debug shell: hardened has no shell to keep/],
    ];
    for (const [args, message] of cases) {
      const { exitCode, stderr } = await runCli([...args, '--yes', '--base', 'hardened']);
      expect(exitCode).toBe(3);
      expectOneLine(stderr, message);
    }
  });

  it('is never the --yes default: it needs a login first', async () => {
    const { stdout } = await runCli([fixture('go-root-main'), '--yes', '--json']);
    expect(JSON.parse(stdout).answers.base).toBe('distroless');
  });
});
