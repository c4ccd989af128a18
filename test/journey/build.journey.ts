import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, ensureStandIns, findEngine, imagesFor, type Engine } from '../e2e/docker.js';
import { CLI, copyFixture, runCli } from '../helpers.js';
import { Terminal, tmuxMissing } from './terminal.js';

/*
 * `--build` against the running Docker engine. Base images come from the offline-docker stand-ins
 * here (the generated files name the real ones); elsewhere Docker pulls the real images.
 */

const engine = await findEngine();
const noEngine = typeof engine === 'string' ? engine : null;
if (noEngine) {
  if (process.env.STAGECRAFT_E2E_REQUIRED) throw new Error(noEngine);
  console.warn(`skipped: --build needs Docker: ${noEngine}`);
}
const created: string[] = [];
const tagFor = (name: string) => {
  const tag = `stagecraft-journey/${name}:${process.pid}`;
  created.push(tag, `${tag}-debug`);
  return tag;
};

/** Makes sure the stand-ins for the images this Dockerfile's production target needs exist. */
async function ensureBaseImages(dockerfile: string): Promise<void> {
  if ((engine as Engine).source !== 'stand-ins') return;
  const ensured = await ensureStandIns(['docker/dockerfile:1', ...imagesFor(dockerfile, 'production')]);
  if (ensured.exitCode !== 0) throw new Error(`ensure-images.sh: ${ensured.all}`);
}

async function prepare(fixtureName: string, flags: string[]): Promise<string> {
  const dir = copyFixture(fixtureName);
  const preview = await runCli([dir, '--yes', '--stdout', ...flags]);
  await ensureBaseImages(preview.stdout);
  return dir;
}

/** A size the table prints ("4.8 MB", "12 kB", "0 B"), in MB. */
function megabytes(text: string): number {
  const [, number, unit] = /([\d.]+) (MB|kB|B)\b/.exec(text) ?? [];
  return Number(number) / (unit === 'MB' ? 1 : unit === 'kB' ? 1e3 : 1e6);
}

afterAll(async () => {
  if (created.length > 0 && !noEngine) await docker(['rmi', '--force', ...created]);
});

describe.skipIf(noEngine !== null)('--build', () => {
  it('builds without a network when no step downloads, then prints the size, each layer and the next commands', async () => {
    const dir = await prepare('go-vendored', ['--base', 'distroless', '--debug', 'stage']);
    const tag = tagFor('go-vendored');
    const { exitCode, stdout, stderr } = await runCli([dir, '--yes', '--base', 'distroless', '--debug', 'stage', '--build', '--tag', tag]);
    expect(exitCode, stderr).toBe(0);
    expect(stderr).toContain(`docker build --progress=plain --network none -t ${tag} ${dir}`);
    expect(stderr).toMatch(/naming to docker\.io\/stagecraft-journey\/go-vendored/);

    const lines = stdout.split('\n');
    const imageLine = lines.find((line) => line.startsWith(`image ${tag}: `))!;
    expect(imageLine).toMatch(/: [\d.]+ MB$/);
    const baseRow = lines.find((line) => line.includes('FROM gcr.io/distroless/static-debian13:nonroot (the base image)'))!;
    const copyRow = lines.find((line) => /COPY \/out\/vendored \/usr\/local\/bin\/vendored$/.test(line))!;
    expect(megabytes(copyRow)).toBeGreaterThan(0.5);
    // The table accounts for the whole image: the base plus what each step added.
    const rows = lines.slice(lines.indexOf(imageLine) + 2).filter((line) => /^\s+[\d.]+ (MB|kB|B) {2}/.test(line));
    const total = rows.reduce((sum, row) => sum + megabytes(row), 0);
    expect(Math.abs(total - megabytes(imageLine))).toBeLessThan(0.3);
    expect(baseRow).toBeDefined();
    expect(stdout).toContain(`run it:      docker run --rm ${tag}\n`);
    expect(stdout).toContain(`debug image: docker build --target debug -t ${tag}-debug ${dir}`);
    expect(stdout).toContain(`docker run --rm -it --entrypoint sh ${tag}-debug`);

    const run = await docker(['run', '--rm', '--network', 'none', tag]);
    expect(run.stdout.trim()).toBe('hello from go-vendored');
  });

  it('gives the build the host network when a step downloads (apt-get on slim: debug tools in production), never a bridge', async () => {
    const dir = await prepare('go-vendored', ['--base', 'slim', '--debug', 'shell']);
    const tag = tagFor('go-vendored-slim');
    const { exitCode, stdout, stderr } = await runCli([dir, '--yes', '--base', 'slim', '--debug', 'shell', '--build', '--tag', tag]);
    expect(exitCode, stderr).toBe(0);
    expect(stderr).toContain(`--network host -t ${tag}`);
    expect(stdout).toMatch(/^\s+[\d.]+ MB {2}RUN apt-get update && apt-get install -y --no-install-recommends curl procps/m);
    expect(stdout).toMatch(/FROM debian:trixie-slim \(the base image\)/);
  });

  it('a failing build exits 5 after its output; the files stay written', async () => {
    const dir = await prepare('go-vendored', ['--base', 'distroless', '--debug', 'none']);
    // A compile error: the build fails in `go build`, whatever the network.
    appendFileSync(path.join(dir, 'main.go'), '\nfunc broken() { return 1 }\n');
    const tag = tagFor('go-vendored-broken');
    const { exitCode, stderr } = await runCli([dir, '--yes', '--base', 'distroless', '--debug', 'none', '--build', '--tag', tag]);
    expect(exitCode).toBe(5);
    expect(stderr).toMatch(/too many return values|no result values expected/);
    expect(stderr).toMatch(/ERROR: failed to solve: process .*go build.* did not complete successfully/);
    expect(stderr).toMatch(/\nstagecraft: docker build failed \(exit 1\); the files are written, and its output above says why$/);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('FROM gcr.io/distroless/static-debian13:nonroot AS production');
  });
});

const tmux = await tmuxMissing();
describe.skipIf(noEngine !== null || tmux !== null)('"Build it now?" in a terminal', () => {
  let terminal: Terminal | undefined;
  afterAll(() => terminal?.stop());

  it('builds with a spinner and shows the image table after a yes', async () => {
    const dir = await prepare('go-vendored', ['--base', 'distroless', '--debug', 'stage']);
    const tag = tagFor('go-vendored-tty');
    terminal = new Terminal();
    await terminal.start(`node ${CLI} . --tag ${tag}`, dir);
    await terminal.waitFor('Final base image?');
    await terminal.press('Enter');
    await terminal.waitFor('Debugging?');
    await terminal.press('Enter');
    await terminal.waitFor('Save these answers');
    await terminal.press('n');
    await terminal.waitFor('Build it now?');
    await terminal.press('y');
    const done = await terminal.waitFor('EXIT=0', 240);
    expect(done).toContain(`built ${tag}`);
    expect(done).toMatch(/Image/);
    expect(done).toMatch(new RegExp(`image ${tag.replace(/[/.]/g, '\\$&')}: [\\d.]+ MB`));
    expect(done).toContain('COPY /out/vendored /usr/local/bin/vendored');
    expect((await docker(['image', 'inspect', tag])).exitCode).toBe(0);
  });
});
