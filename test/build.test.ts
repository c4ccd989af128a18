import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, runCli } from './helpers.js';

describe('--build without a Docker engine', () => {
  it('writes the files, then fails with exit 5 and says why', async () => {
    const dir = copyFixture('go-root-main');
    const { exitCode, stdout, stderr } = await runCli([dir, '--yes', '--build'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(exitCode).toBe(5);
    expect(stdout).toContain('created Dockerfile');
    expect(stderr.trim()).toBe('stagecraft: --build: no Docker engine answers (docker version failed); the files are written, build them later');
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(true);
  });

  it('--tag must be an image name', async () => {
    const { exitCode, stderr } = await runCli(['test/fixtures/go-root-main', '--yes', '--build', '--tag', 'My App']);
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/^stagecraft: --tag My App: expected an image name/);
  });
});
