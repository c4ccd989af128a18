import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArguments } from '../src/build/index.js';
import { copyFixture, fixture, runCli } from './helpers.js';

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

describe('the docker build command', () => {
  it('builds a workspace member from the workspace root with -f, and names the debug image apart', async () => {
    const member = path.join(fixture('node-pnpm-workspace'), 'packages/api');
    const { stdout } = await runCli([member, '--yes', '--json']);
    const { plan } = JSON.parse(stdout);
    expect(buildArguments(plan, member, 'api')).toEqual(['build', '-f', path.join(member, 'Dockerfile'), '-t', 'api', fixture('node-pnpm-workspace')]);
    expect(buildArguments(plan, member, 'registry.example/team/api:1.2', { debug: true })).toEqual([
      'build',
      '--target',
      'debug',
      '-f',
      path.join(member, 'Dockerfile'),
      '-t',
      'registry.example/team/api:1.2-debug',
      fixture('node-pnpm-workspace'),
    ]);
    const single = JSON.parse((await runCli([fixture('go-root-main'), '--yes', '--json'])).stdout).plan;
    expect(buildArguments(single, 'svc', 'hello', { debug: true })).toEqual(['build', '--target', 'debug', '-t', 'hello:debug', 'svc']);
  });
});
