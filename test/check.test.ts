import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinDockerfile, unpinDockerfile } from '../src/output/pin.js';
import { copyFixture, runCli } from './helpers.js';

/*
 * `stagecraft check` (issue 20), through the built CLI on copies of the fixtures: generate, change
 * what the project says (a version file, the lockfile, the entry, a new workspace member), then
 * check. The user's own edits are never findings; what stagecraft would generate differently is,
 * one line each, with exit 7. A check never writes.
 */

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');
const write = (dir: string, file: string, content: string) => {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
};
const edit = (dir: string, file: string, change: (text: string) => string) => write(dir, file, change(read(dir, file)));

/** Every file of the folder with its content: what a check must leave exactly as it was. */
const contents = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return [path.relative(dir, file), readFileSync(file, 'utf8')];
      }),
  );

/** A fixture generated once with --yes (and these flags), as a first run leaves it: files and .stagecraft/. */
async function generated(name: string, flags: string[] = []): Promise<string> {
  const dir = copyFixture(name);
  const first = await runCli([dir, '--yes', ...flags]);
  expect(first.exitCode, first.stderr).toBe(0);
  return dir;
}

/** Runs check and asserts it changed nothing in the folder. */
async function check(dir: string, flags: string[] = []) {
  const before = contents(dir);
  const result = await runCli(['check', dir, ...flags]);
  expect(contents(dir)).toEqual(before);
  return result;
}

/** The hand edit Django's warning asks for, and another further down: lines the user owns. */
const handEdited = (text: string) =>
  text.replace('\nWORKDIR /app\n', '\nWORKDIR /app\nLABEL org.example.team="payments"\n').replace(/\nEXPOSE 3000\n/g, '\nEXPOSE 3000\nSTOPSIGNAL SIGTERM\n');

describe('stagecraft check: nothing to report', () => {
  it('right after a run: exit 0, no finding on stdout, one line on stderr', async () => {
    const dir = await generated('node-express');
    const { exitCode, stdout, stderr } = await check(dir);
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('check: the files match what stagecraft generates now');
  });

  it('hand edits alone are the user’s, not drift: exit 0', async () => {
    const dir = await generated('node-express');
    edit(dir, 'Dockerfile', handEdited);
    expect(read(dir, 'Dockerfile')).toContain('STOPSIGNAL SIGTERM');
    const { exitCode, stdout, stderr } = await check(dir);
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toBe('');
  });

  it('uses the saved answers: a slim image saved in stagecraft.json is not drift from the default distroless', async () => {
    const dir = await generated('node-express', ['--base', 'slim', '--save']);
    const { exitCode, stdout, stderr } = await check(dir);
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('answers from stagecraft.json: base slim');
  });

  it('`--check` is the same as `check`', async () => {
    const dir = await generated('node-express');
    const { exitCode, stderr } = await runCli([dir, '--check']);
    expect(exitCode, stderr).toBe(0);
  });
});

describe('stagecraft check: drift, one line per finding, exit 7', () => {
  it('the version file changed: "Node 22 → 24 (.nvmrc)"', async () => {
    const dir = await generated('node-express');
    write(dir, '.nvmrc', '24\n');
    const { exitCode, stdout, stderr } = await check(dir);
    expect(exitCode).toBe(7);
    expect(stdout).toBe('Dockerfile line 7: Node 22 → 24 (.nvmrc)');
    expect(stderr).toMatch(/^stagecraft: check: 1 finding: the files no longer match what stagecraft generates now/m);
  });

  it('the version changed under the user’s edits: only the version is a finding, at its line in the edited file', async () => {
    const dir = await generated('node-express');
    edit(dir, 'Dockerfile', (text) => `${text.replace('\nFROM node:22-trixie-slim AS base\n', '\n# our base\nFROM node:22-trixie-slim AS base\n')}`);
    edit(dir, 'Dockerfile', handEdited);
    write(dir, '.nvmrc', '24\n');
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(7);
    expect(stdout).toBe('Dockerfile line 8: Node 22 → 24 (.nvmrc)');
  });

  it('the lockfile changed: package-lock.json → yarn.lock', async () => {
    const dir = await generated('node-express');
    rmSync(path.join(dir, 'package-lock.json'));
    write(dir, 'yarn.lock', '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n');
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(7);
    expect(stdout).toMatch(/^Dockerfile line 10: lockfile package-lock\.json → yarn\.lock \(yarn\.lock\)$/m);
    // What the lockfile does not explain is still said, each as the line that differs.
    expect(stdout).toMatch(/^Dockerfile line \d+ differs from what stagecraft generates now: "RUN --mount=type=cache,target=\/usr\/local\/share\/\.cache\/yarn/m);
  });

  it('the entry moved: the start script runs src/server.js', async () => {
    const dir = await generated('node-express');
    write(dir, 'src/server.js', read(dir, 'server.js'));
    rmSync(path.join(dir, 'server.js'));
    edit(dir, 'package.json', (text) => text.replaceAll('server.js', 'src/server.js'));
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(7);
    expect(stdout).toMatch(/^Dockerfile line \d+: start server\.js → src\/server\.js \(package\.json:7\)$/m);
  });

  it('another language’s version file: "Go 1.22 → 1.24 (go.mod:3)"', async () => {
    const dir = await generated('go-root-main');
    edit(dir, 'go.mod', (text) => text.replace('go 1.22', 'go 1.24'));
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(7);
    expect(stdout).toBe('Dockerfile line 8: Go 1.22 → 1.24 (go.mod:3)');
  });

  it('a base image past its end of life is a finding even when nothing else changed', async () => {
    const dir = copyFixture('node-express');
    write(dir, '.nvmrc', '18\n');
    expect((await runCli([dir, '--yes', '--base', 'slim', '--save'])).exitCode).toBe(0);
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(7);
    expect(stdout).toBe('Dockerfile line 7: node:18-bookworm-slim: Node 18 is past its end of life: no more security fixes (maintained: 22, 24, 26)');
  });

  it('--json: the findings as data', async () => {
    const dir = await generated('node-express');
    write(dir, '.nvmrc', '24\n');
    const { exitCode, stdout } = await check(dir, ['--json']);
    expect(exitCode).toBe(7);
    expect(JSON.parse(stdout)).toEqual({
      drift: true,
      findings: [{ file: 'Dockerfile', line: 7, cause: 'version', message: 'Dockerfile line 7: Node 22 → 24 (.nvmrc)' }],
      notes: [expect.stringContaining('no stagecraft.json')],
    });
  });

  it('--json with nothing to report: drift false, exit 0', async () => {
    const dir = await generated('node-express');
    const { exitCode, stdout } = await check(dir, ['--json']);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ drift: false, findings: [] });
  });
});

describe('stagecraft check at a workspace root', () => {
  /** A third service beside apps/api and apps/worker. */
  const addWebService = (dir: string) => {
    write(dir, 'apps/web/server.js', read(dir, 'apps/worker/server.js'));
    write(dir, 'apps/web/package.json', read(dir, 'apps/worker/package.json').replace('@mono/worker', '@mono/web'));
  };

  it('a new deployable member without a Dockerfile is one finding; after a re-run (which now updates docker-bake.hcl and the ignore files) nothing is', async () => {
    const dir = await generated('node-pnpm-monorepo');
    expect((await check(dir)).exitCode).toBe(0);
    addWebService(dir);
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(7);
    expect(stdout).toBe('apps/web: a new service (@mono/web: starts with node server.js) with no Dockerfile; stagecraft writes apps/web/Dockerfile and its docker-bake.hcl target');
    const rerun = await runCli([dir, '--yes']);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('updated docker-bake.hcl\n');
    expect((await check(dir)).exitCode).toBe(0);
  });

  it('the root’s version file changed: one finding per service', async () => {
    const dir = await generated('node-pnpm-monorepo');
    write(dir, '.nvmrc', '22\n');
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(7);
    expect(stdout.trim().split('\n')).toEqual(['apps/api/Dockerfile line 8: Node 24 → 22 (../../.nvmrc)', 'apps/worker/Dockerfile line 8: Node 24 → 22 (../../.nvmrc)']);
  });
});

describe('stagecraft check without a record of what it generated', () => {
  it('a hand-written Dockerfile: one line saying it cannot be compared (exit 7), its end-of-life base named', async () => {
    const dir = copyFixture('node-express');
    write(dir, 'Dockerfile', 'FROM node:16\nCOPY . .\nCMD ["node", "server.js"]\n');
    write(dir, '.dockerignore', 'node_modules\n');
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(7);
    expect(stdout.trim().split('\n')).toEqual([
      'Dockerfile was not generated by stagecraft (no stamp line), so it cannot be compared; stagecraft --dry-run shows how it differs from what stagecraft generates',
      'Dockerfile line 1: node:16: Node 16 is past its end of life: no more security fixes (maintained: 22, 24, 26)',
      '.dockerignore was not generated by stagecraft (no stamp line), so it cannot be compared; stagecraft --dry-run shows how it differs from what stagecraft generates',
    ]);
  });

  it('stagecraft’s file, unedited, without .stagecraft/: the file itself is what was generated, so drift is still attributed', async () => {
    const dir = await generated('node-express');
    rmSync(path.join(dir, '.stagecraft'), { recursive: true });
    expect((await check(dir)).exitCode).toBe(0);
    write(dir, '.nvmrc', '24\n');
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(7);
    expect(stdout).toBe('Dockerfile line 7: Node 22 → 24 (.nvmrc)');
  });

  it('stagecraft’s file, edited, without .stagecraft/: edits cannot be told from drift, said in one line', async () => {
    const dir = await generated('node-express');
    rmSync(path.join(dir, '.stagecraft'), { recursive: true });
    edit(dir, 'Dockerfile', handEdited);
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(7);
    expect(stdout).toBe(
      'Dockerfile was edited and .stagecraft/ has no record of the text stagecraft generated, so your edits cannot be told from drift; it differs from what stagecraft generates now in 3 places',
    );
  });

  it('no Dockerfile at all: it is missing', async () => {
    const dir = copyFixture('node-express');
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(7);
    expect(stdout).toContain('Dockerfile is missing: stagecraft generates it');
  });
});

describe('stagecraft check: bad input keeps its usual exit codes', () => {
  it('modes that write or show something else cannot be combined with it (exit 1)', async () => {
    const dir = await generated('node-express');
    for (const flag of ['--dry-run', '--stdout', '--explain']) {
      const { exitCode, stderr } = await check(dir, [flag]);
      expect(exitCode, flag).toBe(1);
      expect(stderr).toMatch(/cannot be combined/);
    }
    for (const flag of ['--save', '--build']) {
      const { exitCode, stderr } = await check(dir, [flag]);
      expect(exitCode, flag).toBe(1);
      expect(stderr).toContain(`${flag} writes, --check does not`);
    }
  });

  it('no project: exit 2; a version the saved base cannot run: the refusal, exit 3', async () => {
    expect((await runCli(['check', path.join(copyFixture('node-express'), 'nowhere')])).exitCode).toBe(2);
    const dir = await generated('node-express', ['--base', 'distroless', '--save']);
    write(dir, '.nvmrc', '23\n');
    const { exitCode, stderr } = await check(dir);
    expect(exitCode).toBe(3);
    expect(stderr).toMatch(/--base distroless: .*this is Node 23/);
  });

  it('--help lists the command and exit code 7', async () => {
    const { stdout } = await runCli(['--help']);
    expect(stdout).toContain('stagecraft check [dir] [options]');
    expect(stdout).toMatch(/7 check: the files no longer match/);
  });
});

describe('with --pin, check compares tags', () => {
  it('unpinning a pinned Dockerfile gives back the text before the pin, so a moved digest is no finding', () => {
    const text = '# syntax=docker/dockerfile:1\nFROM golang:1.24-trixie AS build\nCOPY --from=debian:trixie-slim /usr/bin/tini-static /tini\nFROM scratch AS production\n';
    const digest = `sha256:${'a'.repeat(64)}`;
    const pinned = pinDockerfile(text, { 'golang:1.24-trixie': digest, 'debian:trixie-slim': digest });
    expect(pinned).toContain(`golang:1.24-trixie@${digest}`);
    expect(unpinDockerfile(pinned)).toBe(text);
  });
});
