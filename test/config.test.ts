import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, runCli } from './helpers.js';

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');

describe('saved answers (stagecraft.json)', () => {
  it('--save writes what the run needed; a later run without flags or TTY regenerates the same files', async () => {
    const dir = copyFixture('go-cmd-layout');
    const first = await runCli([dir, '--yes', '--entry', 'cmd/api', '--base', 'alpine', '--debug', 'none', '--save']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain('created stagecraft.json');
    // The version go.mod states is found again, so it is not pinned; the main package is not, so it is.
    expect(JSON.parse(read(dir, 'stagecraft.json'))).toEqual({ base: 'alpine', debug: 'none', port: 8080, entry: './cmd/api' });
    const dockerfile = read(dir, 'Dockerfile');

    rmSync(path.join(dir, 'Dockerfile'));
    const again = await runCli([dir]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('answers from stagecraft.json: base alpine, debug none, port 8080, entry ./cmd/api');
    expect(read(dir, 'Dockerfile')).toBe(dockerfile);
  });

  it('flags win over saved answers, and --save replaces them', async () => {
    const dir = copyFixture('go-root-main');
    await runCli([dir, '--yes', '--base', 'slim', '--save']);
    const override = await runCli([dir, '--stdout']);
    expect(override.stdout).toContain('FROM debian:trixie-slim AS runtime');
    const scratch = await runCli([dir, '--stdout', '--base', 'scratch']);
    expect(scratch.stdout).toContain('FROM scratch AS production');
    const saved = await runCli([dir, '--base', 'scratch', '--force', '--save']);
    expect(saved.exitCode).toBe(0);
    expect(saved.stdout).toContain('updated stagecraft.json');
    expect(JSON.parse(read(dir, 'stagecraft.json')).base).toBe('scratch');
  });

  it('is never written without --save or a yes', async () => {
    const dir = copyFixture('go-root-main');
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    expect(existsSync(path.join(dir, 'stagecraft.json'))).toBe(false);
  });

  it('the .dockerignore keeps it out of the build context', async () => {
    const dir = copyFixture('node-express');
    await runCli([dir, '--yes', '--save']);
    expect(read(dir, '.dockerignore')).toMatch(/^\*\*\/stagecraft\.json$/m);
  });

  it.each([
    ['{"base": "tiny"}', /^stagecraft: stagecraft\.json: "base": Invalid option: expected one of "slim"\|"alpine"\|"distroless"\|"scratch"/],
    ['{"base": ', /^stagecraft: stagecraft\.json: not valid JSON/],
    ['{"bse": "slim"}', /^stagecraft: stagecraft\.json: Unrecognized key: "bse"/],
    ['{"port": 70000}', /^stagecraft: stagecraft\.json: "port": /],
    ['["slim"]', /^stagecraft: stagecraft\.json: Invalid input: expected object/],
  ])('a broken file %s is a one-line project error', async (content, message) => {
    const dir = copyFixture('go-root-main');
    writeFileSync(path.join(dir, 'stagecraft.json'), content);
    const { exitCode, stderr } = await runCli([dir, '--yes']);
    expect(exitCode).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
  });
});
