import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArguments, failedForDhiLogin, loginNeededFor } from '../src/build/index.js';
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

describe('the hardened base: dhi.io needs a login', () => {
  it('tells to log in to dhi.io before the build, in the next step of a run that writes', async () => {
    const dir = copyFixture('go-root-main');
    const { exitCode, stdout } = await runCli([dir, '--yes', '--base', 'hardened']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain(`next: docker login dhi.io, then docker build -t hello ${dir}`);
    const { plan } = JSON.parse((await runCli([dir, '--yes', '--base', 'hardened', '--json'])).stdout);
    expect(loginNeededFor(plan)).toMatch(/^docker login dhi\.io first/);
    const distroless = JSON.parse((await runCli([dir, '--yes', '--base', 'distroless', '--json'])).stdout).plan;
    expect(loginNeededFor(distroless)).toBeNull();
  });

  it("recognises BuildKit's answers when dhi.io refuses an anonymous pull, and nothing else", () => {
    // What BuildKit prints when the registry's token endpoint refuses, or the registry denies the pull.
    const refused = [
      'ERROR: failed to solve: dhi.io/static:20250419-debian13: failed to resolve source metadata for dhi.io/static:20250419-debian13: failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://dhi.io/token?scope=repository%3Astatic%3Apull&service=dhi.io: 401 Unauthorized',
      'ERROR: failed to solve: dhi.io/node:24-debian13-dev: failed to resolve source metadata for dhi.io/node:24-debian13-dev: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
      'ERROR: failed to solve: failed to fetch anonymous token: dhi.io: unauthorized: authentication required',
    ];
    for (const line of refused) expect(failedForDhiLogin(['#1 [internal] load build definition from Dockerfile', line])).toBe(true);
    // An unreachable registry, another registry's refusal and a failing compile are not a login problem.
    expect(
      failedForDhiLogin([
        'ERROR: failed to solve: dhi.io/static:20250419-debian13: failed to do request: Head "https://dhi.io/v2/static/manifests/20250419-debian13": dial tcp: lookup dhi.io: no such host',
      ]),
    ).toBe(false);
    expect(failedForDhiLogin(['ERROR: failed to solve: ghcr.io/astral-sh/uv:0.9: 401 Unauthorized'])).toBe(false);
    expect(failedForDhiLogin(['#12 12.3 main.go:5:2: undefined: foo', 'ERROR: failed to solve: process "/bin/sh -c go build" did not complete successfully: exit code: 1'])).toBe(
      false,
    );
  });
});
