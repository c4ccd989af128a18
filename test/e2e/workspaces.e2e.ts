import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bakeInvocation, type BakeService } from '../../src/build/bake.js';
import { copyFixture, runCli } from '../helpers.js';
import { docker, ensureStandIns, findEngine, imagesFor, RUN_ID, waitForHttp, type Engine } from './docker.js';

/*
 * Workspace roots end to end: stagecraft --yes at the root, then every service built by one
 * `docker buildx bake` from the docker-bake.hcl it wrote (with the networks --build gives it), each
 * image run, then one service's source edited and baked again. Cells are named `workspace/<fixture>`
 * for STAGECRAFT_E2E_ONLY.
 */

type Behaviour = { http: string; port: number } | { cli: string };

/*
 * Not verifiable here, so not listed: a Gradle multi-project root (no Gradle distribution can be
 * downloaded): its output is checked by snapshots and `docker buildx bake --print` (test/workspace.test.ts).
 * A bun root is built: its Dockerfiles install bun from the npm registry into Node's image.
 */

/** `isolated`: the other services' folders are out of each service's context, so the edit rebuilds only its own service. */
const WORKSPACES: {
  fixture: string;
  services: Record<string, { dockerfile: string; behaviour: Behaviour }>;
  edit: { service: string; file: string };
  isolated: boolean;
}[] = [
  {
    fixture: 'node-pnpm-monorepo',
    services: {
      'mono-api': { dockerfile: 'apps/api/Dockerfile', behaviour: { http: 'hello from node-pnpm-monorepo api (1m)', port: 3000 } },
      'mono-worker': { dockerfile: 'apps/worker/Dockerfile', behaviour: { http: 'hello from node-pnpm-monorepo worker', port: 4000 } },
    },
    edit: { service: 'mono-worker', file: 'apps/worker/server.js' },
    isolated: true,
  },
  {
    fixture: 'node-npm-monorepo',
    services: {
      'npmmono-api': { dockerfile: 'apps/api/Dockerfile', behaviour: { http: 'hello from node-npm-monorepo api (1m)', port: 3000 } },
      'npmmono-worker': { dockerfile: 'apps/worker/Dockerfile', behaviour: { http: 'hello from node-npm-monorepo worker', port: 4000 } },
    },
    edit: { service: 'npmmono-worker', file: 'apps/worker/server.js' },
    isolated: true,
  },
  {
    // Yarn 1, which the node stand-ins carry: the whole workspace's production install in each image.
    fixture: 'node-yarn1-monorepo',
    services: {
      'yarn1mono-admin': { dockerfile: 'services/admin/Dockerfile', behaviour: { http: 'hello from node-yarn1-monorepo admin', port: 4000 } },
      'yarn1mono-api': { dockerfile: 'services/api/Dockerfile', behaviour: { http: 'hello from node-yarn1-monorepo api (1m)', port: 3000 } },
    },
    edit: { service: 'yarn1mono-admin', file: 'services/admin/server.js' },
    isolated: true,
  },
  {
    fixture: 'node-turbo-monorepo',
    services: {
      'turbomono-api': { dockerfile: 'apps/api/Dockerfile', behaviour: { http: 'hello from node-turbo-monorepo api (1m)', port: 3000 } },
      'turbomono-web': { dockerfile: 'apps/web/Dockerfile', behaviour: { http: 'hello from node-turbo-monorepo web', port: 4000 } },
    },
    edit: { service: 'turbomono-web', file: 'apps/web/server.js' },
    isolated: true,
  },
  {
    fixture: 'node-bun-monorepo',
    services: {
      'bunmono-api': { dockerfile: 'apps/api/Dockerfile', behaviour: { http: 'hello from node-bun-monorepo api (1m)', port: 3000 } },
      'bunmono-worker': { dockerfile: 'apps/worker/Dockerfile', behaviour: { http: 'hello from node-bun-monorepo worker', port: 4000 } },
    },
    edit: { service: 'bunmono-worker', file: 'apps/worker/server.js' },
    isolated: true,
  },
  {
    fixture: 'node-yarn-monorepo',
    services: {
      'yarnmono-admin': { dockerfile: 'services/admin/Dockerfile', behaviour: { http: 'hello from node-yarn-monorepo admin', port: 4000 } },
      'yarnmono-api': { dockerfile: 'services/api/Dockerfile', behaviour: { http: 'hello from node-yarn-monorepo api (1m)', port: 3000 } },
    },
    edit: { service: 'yarnmono-admin', file: 'services/admin/server.js' },
    isolated: true,
  },
  {
    fixture: 'rust-cargo-monorepo',
    services: {
      api: { dockerfile: 'crates/api/Dockerfile', behaviour: { http: 'hello from rust-cargo-monorepo api', port: 8080 } },
      report: { dockerfile: 'crates/report/Dockerfile', behaviour: { cli: 'hello from rust-cargo-monorepo report' } },
    },
    edit: { service: 'report', file: 'crates/report/src/main.rs' },
    isolated: true,
  },
  {
    fixture: 'rust-cargo-root-package',
    services: {
      gateway: { dockerfile: 'Dockerfile', behaviour: { http: 'hello from rust-cargo-root-package gateway', port: 8080 } },
      report: { dockerfile: 'crates/report/Dockerfile', behaviour: { cli: 'hello from rust-cargo-root-package report' } },
    },
    edit: { service: 'report', file: 'crates/report/src/main.rs' },
    isolated: true,
  },
  {
    fixture: 'go-work-monorepo',
    services: {
      admin: { dockerfile: 'Dockerfile.admin', behaviour: { http: 'hello from go-work-monorepo admin', port: 9090 } },
      api: { dockerfile: 'Dockerfile.api', behaviour: { http: 'hello from go-work-monorepo api', port: 8080 } },
    },
    edit: { service: 'admin', file: 'admin/main.go' },
    isolated: true,
  },
  {
    fixture: 'java-maven-monorepo',
    services: {
      'depot-api': { dockerfile: 'Dockerfile.api', behaviour: { http: 'hello from java-maven-monorepo api', port: 8080 } },
      'depot-admin': { dockerfile: 'Dockerfile.admin', behaviour: { http: 'hello from java-maven-monorepo admin', port: 9090 } },
    },
    edit: { service: 'depot-admin', file: 'admin/src/main/java/com/example/depot/admin/AdminServer.java' },
    isolated: true,
  },
  {
    fixture: 'python-uv-workspace',
    services: {
      api: { dockerfile: 'packages/api/Dockerfile', behaviour: { http: 'hello from python-uv-workspace api', port: 8000 } },
      worker: { dockerfile: 'packages/worker/Dockerfile', behaviour: { cli: 'hello from python-uv-workspace worker' } },
    },
    edit: { service: 'worker', file: 'packages/worker/src/worker/cli.py' },
    isolated: true,
  },
];

const engine = await findEngine();
const only = process.env.STAGECRAFT_E2E_ONLY ? new RegExp(process.env.STAGECRAFT_E2E_ONLY) : null;
const selected = WORKSPACES.filter(({ fixture }) => !only || only.test(`workspace/${fixture}`));

/** Each service's image gets a name of the suite's own, so no image of anyone else's is replaced. */
const tagOf = (fixture: string, target: string) => `stagecraft-e2e/${fixture}-${target}:bake-${RUN_ID}`;

/** One bake of these services from the workspace root, as `--build` runs it, with the suite's tags. */
async function bake(engine: Engine, dir: string, fixture: string, services: BakeService[]): Promise<string> {
  if (engine.source === 'stand-ins') {
    const images = [...new Set(services.flatMap((service) => imagesFor(service.dockerfile, 'production')))];
    const ensured = await ensureStandIns(['docker/dockerfile:1', ...images]);
    if (ensured.exitCode !== 0) throw new Error(`ensure-images.sh: ${ensured.all}`);
  }
  const { args, networks } = bakeInvocation(services);
  const tags = services.flatMap((service) => ['--set', `${service.target}.tags=${tagOf(fixture, service.target)}`]);
  const baked = await execa('docker', [...args.slice(0, -services.length), ...tags, ...services.map((service) => service.target)], {
    cwd: dir,
    input: networks,
    reject: false,
    all: true,
  });
  if (baked.exitCode !== 0) throw new Error(`docker buildx bake failed: ${(baked.all ?? '').split('\n').slice(-15).join('\n')}`);
  return baked.all ?? '';
}

/** Bake's steps whose command matches, with the target each belongs to (`#17 [api build 9/9] RUN ...`) and whether it came from cache. */
function bakeSteps(log: string, command: RegExp): { target: string; cached: boolean }[] {
  // One line each: a target's own line ("#32 [api] exporting to image") has no stage, and must not reach into the next.
  return [...log.matchAll(/^#(\d+) \[([^\s\]]+) [^\]\n]+\] (.*)$/gm)]
    .filter((match) => command.test(match[3]!))
    .map((match) => ({ target: match[2]!, cached: new RegExp(`^#${match[1]} CACHED$`, 'm').test(log) }));
}

/** Runs one service's image and checks what it does, on 127.0.0.1 only. */
async function checkService(tag: string, behaviour: Behaviour): Promise<void> {
  if ('cli' in behaviour) {
    const run = await docker(['run', '--rm', '--network', 'none', tag]);
    expect(run.stdout, run.all).toContain(behaviour.cli);
    return;
  }
  const name = `stagecraft-e2e-${process.pid}-${behaviour.port}`;
  const started = await docker(['run', '-d', '--rm', '--network', 'host', '--name', name, tag]);
  expect(started.exitCode, started.all).toBe(0);
  try {
    const answer = await waitForHttp(behaviour.port, 20);
    expect(answer).toBe(`200 ${behaviour.http}`);
  } finally {
    await docker(['rm', '-f', name]);
  }
}

// A selection that names no workspace skips the suite (vitest fails a suite with no test in it).
describe.skipIf(typeof engine === 'string' || selected.length === 0)('workspace roots: every service built by docker buildx bake, and run', () => {
  for (const { fixture, services, edit, isolated } of selected) {
    it(`workspace/${fixture}`, async () => {
      const dir = copyFixture(fixture);
      const generated = await runCli([dir, '--yes']);
      expect(generated.exitCode, generated.stderr).toBe(0);
      const bakeServices = Object.entries(services).map(([target, service]) => ({ target, dockerfile: readFileSync(path.join(dir, service.dockerfile), 'utf8') }));
      try {
        await bake(engine as Engine, dir, fixture, bakeServices);
        for (const [target, service] of Object.entries(services)) await checkService(tagOf(fixture, target), service.behaviour);
        // One service's source changes: bake again, and that service's build runs again from its sources.
        const comment = edit.file.endsWith('.py') ? '#' : '//';
        appendFileSync(path.join(dir, edit.file), `\n${comment} edited by the workspace e2e at ${new Date().toISOString()}\n`);
        const again = await bake(engine as Engine, dir, fixture, bakeServices);
        // An npm, Yarn or bun member has no build of its own here: its sources' copy is the step the edit reruns (turbo prune's under Turborepo).
        const builds = bakeSteps(again, /cargo build|go build|pnpm --filter .* deploy|mvn -B package|uv sync .*--no-editable|turbo prune|^COPY \. \.\/?$/);
        const ofEdited = builds.filter((step) => step.target === edit.service);
        expect(ofEdited.length, again.slice(-3000)).toBeGreaterThan(0);
        expect(ofEdited.filter((step) => step.cached)).toEqual([]);
        // Every other service's build comes from cache: its context does not hold the edited folder.
        if (isolated) expect(builds.filter((step) => step.target !== edit.service && !step.cached)).toEqual([]);
        await checkService(tagOf(fixture, edit.service), services[edit.service]!.behaviour);
      } finally {
        for (const target of Object.keys(services)) await docker(['rmi', '-f', tagOf(fixture, target)]);
      }
    });
  }
});
