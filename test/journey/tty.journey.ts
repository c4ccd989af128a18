import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, copyFixture, makeProject } from '../helpers.js';
import { Terminal, tmuxMissing } from './terminal.js';

const missing = await tmuxMissing();
if (missing) {
  if (process.env.STAGECRAFT_TTY_REQUIRED) throw new Error(missing);
  console.warn(`skipped: ${missing}`);
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');
let terminal: Terminal;
afterEach(() => terminal?.stop());

/** A copy of the fixture, with stagecraft started on it in a fresh terminal. */
async function startedOn(name: string, args = '.', env = ''): Promise<string> {
  const dir = copyFixture(name);
  terminal = new Terminal();
  await terminal.start(`${env} node ${CLI} ${args}`, dir);
  return dir;
}

/** Says no to saving the answers, and to building when a Docker engine answers and it asks; the screen at exit 0. */
async function noSaveNoBuild(): Promise<string> {
  await terminal.waitFor('Save these answers to stagecraft.json');
  await terminal.press('Right', 'Enter');
  const next = await terminal.waitFor(/Build it now\?|EXIT=/);
  if (next.includes('Build it now?')) await terminal.press('Enter');
  return terminal.waitFor('EXIT=0');
}

describe.skipIf(missing !== null)('the real prompts in a pseudo-terminal', () => {
  it('from the first question to the written files, the saved answers and the outro', async () => {
    const dir = await startedOn('go-cmd-layout');

    const entry = await terminal.waitFor('Several main packages: which one goes in the image?');
    expect(entry).toContain('./cmd/api');
    expect(entry).toContain('./cmd/worker');
    await terminal.press('Enter');

    // Every base with its one-line trade-off and its estimated size; distroless is preselected.
    const base = await terminal.waitFor('Final base image?');
    expect(base).toContain('slim       ≈75 MB   Debian glibc with a shell and apt');
    expect(base).toContain('alpine     ≈8 MB    musl and a busybox shell');
    expect(base).toContain('distroless ≈2 MB    no shell or package manager');
    expect(base).toContain('scratch    ≈0 MB    nothing but your binary');
    await terminal.press('Up', 'Enter'); // distroless -> alpine

    const debug = await terminal.waitFor('Debugging?');
    expect(debug).toContain('shell      debug tools in the production image itself');
    await terminal.press('Enter'); // stage, the default

    await terminal.waitFor('Save these answers to stagecraft.json');
    await terminal.press('Enter'); // yes, the default
    // With a Docker engine the run offers to build; no here (the build has its own test).
    const next = await terminal.waitFor(/Build it now\?|Same answers, no questions/);
    if (next.includes('Build it now?') && !next.includes('Same answers')) await terminal.press('Enter');

    const done = await terminal.waitFor('EXIT=0');
    expect(done).toContain('created Dockerfile');
    expect(done).toContain('created .dockerignore');
    expect(done).toContain('created stagecraft.json');
    expect(done).toMatch(/npx create-stagecraft --yes --base alpine --debug stage --port 8080 --entry \.\/cmd\/api/);
    expect(done).toContain('docker build -t api .');

    const dockerfile = read(dir, 'Dockerfile');
    expect(dockerfile).toContain('FROM alpine:3.22 AS runtime');
    // alpine has no zoneinfo, so the binary embeds it.
    expect(dockerfile).toContain('go build -trimpath -ldflags="-s -w" -tags timetzdata -o /out/api ./cmd/api');
    expect(dockerfile).toContain('FROM runtime AS debug');
    expect(JSON.parse(read(dir, 'stagecraft.json'))).toEqual({ base: 'alpine', debug: 'stage', port: 8080, entry: './cmd/api' });
  });

  it('with saved answers it asks no question', async () => {
    const dir = copyFixture('go-cmd-layout');
    writeFileSync(path.join(dir, 'stagecraft.json'), JSON.stringify({ base: 'slim', debug: 'none', port: 9000, entry: './cmd/worker' }));
    terminal = new Terminal();
    await terminal.start(`node ${CLI} .`, dir);
    const next = await terminal.waitFor(/Build it now\?|EXIT=/);
    if (next.includes('Build it now?')) await terminal.press('Enter');
    const done = await terminal.waitFor('EXIT=0');
    expect(done).toContain('answers from stagecraft.json: base slim, debug none, port 9000, entry ./cmd/worker');
    expect(done).not.toMatch(/Final base image\?|Debugging\?|Several main packages|Save these answers/);
    expect(read(dir, 'Dockerfile')).toContain('-o /out/worker ./cmd/worker');
  });

  it('Ctrl-C at a question cancels and writes nothing', async () => {
    const dir = await startedOn('go-cmd-layout');
    await terminal.waitFor('Several main packages');
    await terminal.press('C-c');
    const cancelled = await terminal.waitFor('EXIT=130');
    expect(cancelled).toContain('cancelled; nothing was written');
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
  });

  it('Ctrl-C after the files are written says what was written', async () => {
    const dir = await startedOn('go-cmd-layout');
    await terminal.waitFor('Several main packages');
    await terminal.press('Enter');
    await terminal.waitFor('Final base image?');
    await terminal.press('Enter');
    await terminal.waitFor('Debugging?');
    await terminal.press('Enter');
    await terminal.waitFor('Save these answers to stagecraft.json');
    await terminal.press('C-c');
    const cancelled = await terminal.waitFor('EXIT=130');
    expect(cancelled).toContain('cancelled; already written: Dockerfile, .dockerignore');
    expect(cancelled).not.toContain('nothing was written');
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(true);
    expect(existsSync(path.join(dir, 'stagecraft.json'))).toBe(false);
  });

  it("started by pnpm, the command that repeats the run is pnpm's", async () => {
    await startedOn('go-root-main', '. --base alpine --debug none', "npm_config_user_agent='pnpm/9.12.0 npm/? node/v20.20.2 linux x64'");
    const done = await noSaveNoBuild();
    expect(done).toContain('pnpm create stagecraft --yes --base alpine --debug none --port 8080');
    expect(done).not.toContain('npx create-stagecraft');
  });

  it('a hand-written Dockerfile kept: advice that builds it, and the command that repeats the run exits 4', async () => {
    const dir = copyFixture('go-root-main');
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM golang:1.22\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n');
    terminal = new Terminal();
    await terminal.start(`node ${CLI} . --base alpine --debug none`, dir);
    const asked = await terminal.waitFor('is not what stagecraft would write. What now?');
    expect(asked).toContain("write stagecraft's as Dockerfile.stagecraft");
    await terminal.press('Down', 'Down', 'Enter'); // keep
    await terminal.waitFor('Save these answers to stagecraft.json');
    await terminal.press('Right', 'Enter'); // no
    const done = await terminal.waitFor('EXIT=0');
    expect(done).toContain('kept Dockerfile (yours differs; not overwritten)');
    expect(done).toMatch(/yours is kept; build it with:\s+│\n│\s+docker build -t hello \./);
    expect(done).toMatch(
      /stagecraft's, written beside it and built by name:\s+│\n│\s+npx create-stagecraft --yes --base alpine --debug none --port 8080 --output Dockerfile\.stagecraft\s+│\n│\s+docker build -f Dockerfile\.stagecraft -t hello \./,
    );
    expect(done).toContain('npx create-stagecraft --yes --base alpine --debug none --port 8080   (exits 4 while your Dockerfile differs)');
    expect(read(dir, 'Dockerfile')).toContain('FROM golang:1.22');
    // The command it printed does exit 4.
    const again = await execa('node', [CLI, '--yes', '--base', 'alpine', '--debug', 'none', '--port', '8080'], { cwd: dir, reject: false, stdin: 'ignore' });
    expect(again.exitCode).toBe(4);
  });

  it("stagecraft's own Dockerfile, edited since: a re-run with other answers merges the edit without asking whose file it is", async () => {
    const dir = copyFixture('go-root-main');
    const first = await execa('node', [CLI, '--yes', '--base', 'alpine', '--debug', 'none'], { cwd: dir, reject: false, stdin: 'ignore' });
    expect(first.exitCode, first.stderr).toBe(0);
    writeFileSync(path.join(dir, 'Dockerfile'), read(dir, 'Dockerfile').replace('\nCOPY . .\n', '\nCOPY . .\nARG VERSION=dev\n'));
    terminal = new Terminal();
    await terminal.start(`node ${CLI} . --base alpine --debug stage`, dir);
    const done = await noSaveNoBuild();
    expect(done).toContain("merged Dockerfile (your edits kept over stagecraft's new text)");
    expect(done).not.toContain('What now?');
    expect(read(dir, 'Dockerfile')).toContain('\nCOPY . .\nARG VERSION=dev\n');
    expect(read(dir, 'Dockerfile')).toContain('FROM runtime AS debug');
  });

  it("a hand-written Dockerfile: Enter writes stagecraft's beside it as Dockerfile.stagecraft", async () => {
    const dir = copyFixture('go-root-main');
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM mine\n');
    terminal = new Terminal();
    await terminal.start(`node ${CLI} . --base alpine --debug none`, dir);
    await terminal.waitFor('What now?');
    await terminal.press('Enter');
    const done = await noSaveNoBuild();
    expect(done).toContain('created Dockerfile.stagecraft');
    expect(done).toContain('created Dockerfile.stagecraft.dockerignore');
    expect(done).toContain('--output Dockerfile.stagecraft');
    expect(done).toContain('docker build -f Dockerfile.stagecraft -t hello .');
    expect(read(dir, 'Dockerfile')).toBe('FROM mine\n');
  });

  it('two apps at the root (a Vite package.json beside a FastAPI app): it asks which, the app preselected, and leaves the other out of the context', async () => {
    const { root: dir } = makeProject({
      'main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      'requirements.txt': 'fastapi==0.115.6\nuvicorn==0.34.0\n',
      'package.json': JSON.stringify({ name: 'frontend', private: true, scripts: { dev: 'vite', build: 'vite build' }, devDependencies: { vite: '^6.0.5' } }),
      'index.html': '<div id="app"></div>\n',
      'node_modules/vite/package.json': '{"name":"vite"}\n',
    });
    terminal = new Terminal();
    await terminal.start(`node ${CLI} . --debug none --port 8000`, dir);
    const asked = await terminal.waitFor('Several projects here. Which one should the image build?');
    // The only app is preselected; the other says why when the cursor is on it.
    expect(asked).toContain('● python  requirements.txt');
    expect(asked).toContain('○ node    package.json');
    expect(asked).not.toMatch(/Final base image\?/);
    await terminal.press('Up');
    expect(await terminal.waitFor(/● node {4}package\.json \(no app found in it\)/)).toContain('○ python  requirements.txt');
    await terminal.press('Down', 'Enter');
    await terminal.waitFor('Final base image?');
    await terminal.press('Enter');
    await terminal.waitFor('Which one builds and runs it?'); // no file names a Python version
    await terminal.press('Enter');
    const done = await noSaveNoBuild();
    expect(done).toContain('a python project in');
    expect(done).toContain('created Dockerfile');
    expect(read(dir, 'Dockerfile')).toContain('uvicorn');
    expect(read(dir, '.dockerignore')).toContain('\n# package.json\nnode_modules\n');
  });

  it('an app of another language in a folder beside the chosen one: the terminal says so before the questions, and the context leaves it out', async () => {
    const dir = await startedOn('python-fastapi-with-frontend', '. --debug none --port 8000');
    const base = await terminal.waitFor('Final base image?');
    expect(base).toMatch(/frontend\/ holds another app \(frontend\/package\.json\); generating for python \(requirements\.txt\) and leaving frontend\/ out of the build context/);
    expect(base).not.toContain('Several projects here');
    await terminal.press('Enter');
    await terminal.waitFor('Which one builds and runs it?');
    await terminal.press('Enter');
    await noSaveNoBuild();
    expect(read(dir, '.dockerignore')).toContain('\n# frontend/package.json\nfrontend\n');
  });

  it.each([
    ['', true],
    ['NO_COLOR=1', false],
  ])('--dry-run in a terminal %s: coloured unless NO_COLOR', async (env, coloured) => {
    await startedOn('go-root-main', '. --yes --dry-run', env);
    await terminal.waitFor('EXIT=0');
    const screen = await terminal.screen(true);
    expect(screen).toContain('+FROM gcr.io/distroless/static-debian13:nonroot AS production');
    // tmux re-emits colour as its own SGR sequences, only where it changes: green (32) appears once before a run of added lines.
    const green = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*32m\\+`);
    expect(green.test(screen)).toBe(coloured);
  });
});
