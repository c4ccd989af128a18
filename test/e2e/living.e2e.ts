import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { docker, findEngine, OFFLINE_DOCKER } from './docker.js';
import { livingFolder, LIVING_CASES } from '../living-cases.js';

/*
 * Real builds for the features a Dockerfile needs after its first day: a build secret reaches the
 * install and no layer keeps it. STAGECRAFT_E2E_ONLY filters them by `living/<feature>/<case>`, as
 * it filters the cells.
 */

const engine = await findEngine();
const only = process.env.STAGECRAFT_E2E_ONLY ? new RegExp(process.env.STAGECRAFT_E2E_ONLY) : null;
const selected = (name: string) => !only || only.test(name);

/** The stand-ins of every image a Dockerfile names (nothing to do where the real images are pulled). */
async function ensureImages(dir: string): Promise<void> {
  if (typeof engine === 'string' || engine.source !== 'stand-ins') return;
  const ensured = await execa(path.join(OFFLINE_DOCKER, 'ensure-images.sh'), ['--dockerfile', path.join(dir, 'Dockerfile')], { reject: false, all: true });
  if (ensured.exitCode !== 0) throw new Error(`ensure-images failed: ${ensured.all}`);
}

/** Polls a container's health until it is `want` or the seconds run out; the last status seen. */
async function healthOf(container: string, want: string, seconds: number): Promise<string> {
  let status = '';
  for (let waited = 0; waited < seconds; waited += 1) {
    status = (await docker(['inspect', '-f', '{{.State.Health.Status}}', container])).stdout.trim();
    if (status === want) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return status;
}

describe.skipIf(typeof engine === 'string')('living Dockerfiles, built for real', () => {
  const secretsCase = LIVING_CASES.find((testCase) => testCase.name === 'secrets-node-npmrc')!;
  it.runIf(selected('living/secrets/node-private-registry'))(
    'living/secrets/node-private-registry: --build passes the .npmrc and its token as secrets; no layer keeps them, and a build without them stops',
    async () => {
      const dir = livingFolder(secretsCase);
      const tag = 'stagecraft-e2e/living-secrets:slim';
      const token = 'npm_e2eSecretThatMustNotShip0123456789';
      const args = [dir, '--yes', '--base', 'slim', '--debug', 'none', '--tag', tag];
      expect((await runCli(args)).exitCode).toBe(0);
      await ensureImages(dir);
      const built = await runCli([...args, '--build'], { env: { NPM_TOKEN: token } });
      expect(built.exitCode, built.all ?? built.stderr).toBe(0);
      expect(built.stderr).toContain(`--secret id=npmrc,src=${dir}/.npmrc --secret id=NPM_TOKEN,env=NPM_TOKEN`);
      expect(`${built.stdout}${built.stderr}`).not.toContain(token);

      const history = await docker(['history', '--no-trunc', tag]);
      expect(history.exitCode).toBe(0);
      expect(history.stdout).not.toContain(token);
      const saved = await execa('sh', ['-c', `docker save ${tag} | grep -a -c '${token}' || true`]);
      expect(saved.stdout.trim()).toBe('0');
      const listed = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'ls', tag, '-a', '/app']);
      expect(listed.stdout.split('\n')).not.toContain('.npmrc');

      // Without the secrets the install step stops at once (required=true), rather than installing without the registry.
      const cold = await docker(['build', '--progress=plain', '--no-cache', '--network', 'host', '--target', 'deps', '-t', `${tag}-nosecret`, dir], 10 * 60_000);
      expect(cold.exitCode).not.toBe(0);
      expect(cold.all).toContain('secret npmrc: not found');
      await docker(['rmi', '-f', tag]);
    },
  );

  // With no network at all: the probe runs inside the container, on its own loopback. The interval is shortened
  // for the test (--health-interval); the command is the image's own.
  for (const [fixtureName, base, stop] of [
    ['node-express', 'slim', ['--entrypoint', 'node', '-e', 'setTimeout(() => {}, 600000)']],
    ['node-express', 'distroless', ['--entrypoint', '/nodejs/bin/node', '-e', 'setTimeout(() => {}, 600000)']],
    ['python-stdlib', 'slim', ['--entrypoint', '/opt/venv/bin/python', '-c', 'import time; time.sleep(600)']],
  ] as const) {
    it.runIf(selected(`living/healthcheck/${fixtureName}.${base}`))(
      `living/healthcheck/${fixtureName}.${base}: the image's HEALTHCHECK says healthy while the app answers, unhealthy when nothing listens`,
      async () => {
        const dir = livingFolder({ name: fixtureName, fixture: fixtureName, base, debug: 'none' });
        const tag = `stagecraft-e2e/living-healthcheck-${fixtureName}:${base}`;
        const args = [dir, '--yes', '--base', base, '--debug', 'none', '--healthcheck', '--tag', tag];
        expect((await runCli(args)).exitCode).toBe(0);
        await ensureImages(dir);
        const built = await runCli([...args, '--build']);
        expect(built.exitCode, built.stderr).toBe(0);
        // --build asked the builder whether it keeps attestations, and built either way (the classic docker driver refuses --sbom).
        expect(built.stdout).toMatch(/^attestations: (an SBOM and provenance \(mode=max\) are attached to the image|none, the builder .*)$/m);
        const configured = await docker(['image', 'inspect', '-f', '{{json .Config.Healthcheck.Test}}', tag]);
        expect(JSON.parse(configured.stdout)[0]).toBe('CMD');

        const healthy = `stagecraft-living-healthy-${fixtureName}-${base}`;
        const idle = `stagecraft-living-idle-${fixtureName}-${base}`;
        try {
          expect((await docker(['run', '-d', '--rm', '--network', 'none', '--health-interval', '2s', '--name', healthy, tag])).exitCode).toBe(0);
          expect(await healthOf(healthy, 'healthy', 60)).toBe('healthy');
          // The same image with its app replaced by a program that never listens: the probe must fail.
          expect(
            (
              await docker([
                'run',
                '-d',
                '--rm',
                '--network',
                'none',
                '--health-interval',
                '2s',
                '--health-start-period',
                '0s',
                '--name',
                idle,
                ...stop.slice(0, 2),
                tag,
                ...stop.slice(2),
              ])
            ).exitCode,
          ).toBe(0);
          expect(await healthOf(idle, 'unhealthy', 60)).toBe('unhealthy');
        } finally {
          await docker(['rm', '-f', healthy, idle]);
          await docker(['rmi', '-f', tag]);
        }
      },
    );
  }
});
