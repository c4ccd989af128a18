import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT, copyFixture, flagsFrom, makeProject, runCli } from './helpers.js';
import type { Choice, Prompter } from '../src/core/prompter.js';
import { generateProject } from '../src/cli/workspace.js';
import { bakeInvocation } from '../src/build/bake.js';
import { lintDockerfile } from './lint.js';
import { targetNameOf } from '../src/core/workspace.js';

/*
 * A workspace root with two services or more: one Dockerfile per service, built from the root, and
 * docker-bake.hcl. Each written file is a snapshot under snapshots/workspaces/<fixture>/, at the path
 * the run writes it.
 */

/** Each kind of workspace, its services (bake targets) and the files a run at its root writes. */
const WORKSPACES = [
  {
    fixture: 'node-pnpm-monorepo',
    kind: 'pnpm workspace',
    services: [
      { target: 'mono-api', folder: 'apps/api', dockerfile: 'apps/api/Dockerfile' },
      { target: 'mono-worker', folder: 'apps/worker', dockerfile: 'apps/worker/Dockerfile' },
    ],
    library: 'packages/greeting',
    isolated: true,
    files: ['apps/api/Dockerfile', 'apps/api/Dockerfile.dockerignore', 'apps/worker/Dockerfile', 'apps/worker/Dockerfile.dockerignore', 'docker-bake.hcl'],
  },
  {
    fixture: 'node-npm-monorepo',
    kind: 'npm workspace',
    services: [
      { target: 'npmmono-api', folder: 'apps/api', dockerfile: 'apps/api/Dockerfile' },
      { target: 'npmmono-worker', folder: 'apps/worker', dockerfile: 'apps/worker/Dockerfile' },
    ],
    library: 'packages/greeting',
    isolated: true,
    files: ['apps/api/Dockerfile', 'apps/api/Dockerfile.dockerignore', 'apps/worker/Dockerfile', 'apps/worker/Dockerfile.dockerignore', 'docker-bake.hcl'],
  },
  {
    fixture: 'node-bun-monorepo',
    kind: 'bun workspace',
    services: [
      { target: 'bunmono-api', folder: 'apps/api', dockerfile: 'apps/api/Dockerfile' },
      { target: 'bunmono-worker', folder: 'apps/worker', dockerfile: 'apps/worker/Dockerfile' },
    ],
    library: 'packages/greeting',
    isolated: true,
    files: ['apps/api/Dockerfile', 'apps/api/Dockerfile.dockerignore', 'apps/worker/Dockerfile', 'apps/worker/Dockerfile.dockerignore', 'docker-bake.hcl'],
  },
  {
    fixture: 'node-yarn-monorepo',
    kind: 'Yarn workspace',
    services: [
      { target: 'yarnmono-admin', folder: 'services/admin', dockerfile: 'services/admin/Dockerfile' },
      { target: 'yarnmono-api', folder: 'services/api', dockerfile: 'services/api/Dockerfile' },
    ],
    library: 'libs/greeting',
    isolated: true,
    files: ['services/admin/Dockerfile', 'services/admin/Dockerfile.dockerignore', 'services/api/Dockerfile', 'services/api/Dockerfile.dockerignore', 'docker-bake.hcl'],
  },
  {
    // Yarn 1 (classic): no `workspaces focus`, so each image installs the whole workspace's production dependencies.
    fixture: 'node-yarn1-monorepo',
    kind: 'Yarn workspace',
    services: [
      { target: 'yarn1mono-admin', folder: 'services/admin', dockerfile: 'services/admin/Dockerfile' },
      { target: 'yarn1mono-api', folder: 'services/api', dockerfile: 'services/api/Dockerfile' },
    ],
    library: 'libs/greeting',
    isolated: true,
    files: ['services/admin/Dockerfile', 'services/admin/Dockerfile.dockerignore', 'services/api/Dockerfile', 'services/api/Dockerfile.dockerignore', 'docker-bake.hcl'],
  },
  {
    fixture: 'node-turbo-monorepo',
    kind: 'Turborepo (npm workspace)',
    services: [
      { target: 'turbomono-api', folder: 'apps/api', dockerfile: 'apps/api/Dockerfile' },
      { target: 'turbomono-web', folder: 'apps/web', dockerfile: 'apps/web/Dockerfile' },
    ],
    library: 'packages/greeting',
    isolated: true,
    files: ['apps/api/Dockerfile', 'apps/api/Dockerfile.dockerignore', 'apps/web/Dockerfile', 'apps/web/Dockerfile.dockerignore', 'docker-bake.hcl'],
  },
  {
    fixture: 'rust-cargo-monorepo',
    kind: 'Cargo workspace',
    services: [
      { target: 'api', folder: 'crates/api', dockerfile: 'crates/api/Dockerfile' },
      { target: 'report', folder: 'crates/report', dockerfile: 'crates/report/Dockerfile' },
    ],
    library: 'crates/shared',
    isolated: true,
    files: ['crates/api/Dockerfile', 'crates/api/Dockerfile.dockerignore', 'crates/report/Dockerfile', 'crates/report/Dockerfile.dockerignore', 'docker-bake.hcl'],
  },
  {
    // The root Cargo.toml is a package too: its binary is built by the run at the root, into the root's Dockerfile.
    fixture: 'rust-cargo-root-package',
    kind: 'Cargo workspace',
    services: [
      { target: 'gateway', folder: '.', dockerfile: 'Dockerfile' },
      { target: 'report', folder: 'crates/report', dockerfile: 'crates/report/Dockerfile' },
    ],
    library: 'crates/shared',
    isolated: true,
    files: ['Dockerfile', '.dockerignore', 'crates/report/Dockerfile', 'crates/report/Dockerfile.dockerignore', 'docker-bake.hcl'],
  },
  {
    fixture: 'go-work-monorepo',
    kind: 'go.work',
    services: [
      { target: 'admin', folder: 'admin', dockerfile: 'Dockerfile.admin' },
      { target: 'api', folder: 'api', dockerfile: 'Dockerfile.api' },
    ],
    library: 'shared',
    isolated: true,
    files: ['Dockerfile.admin', 'Dockerfile.admin.dockerignore', 'Dockerfile.api', 'Dockerfile.api.dockerignore', 'docker-bake.hcl'],
  },
  {
    fixture: 'java-maven-monorepo',
    kind: 'Maven multi-module build',
    services: [
      { target: 'depot-api', folder: 'api', dockerfile: 'Dockerfile.api' },
      { target: 'depot-admin', folder: 'admin', dockerfile: 'Dockerfile.admin' },
    ],
    library: 'common',
    isolated: true,
    files: ['Dockerfile.api', 'Dockerfile.api.dockerignore', 'Dockerfile.admin', 'Dockerfile.admin.dockerignore', 'docker-bake.hcl'],
  },
  {
    fixture: 'python-uv-workspace',
    kind: 'uv workspace',
    services: [
      { target: 'api', folder: 'packages/api', dockerfile: 'packages/api/Dockerfile' },
      { target: 'worker', folder: 'packages/worker', dockerfile: 'packages/worker/Dockerfile' },
    ],
    library: 'packages/greeting',
    isolated: true,
    files: ['packages/api/Dockerfile', 'packages/api/Dockerfile.dockerignore', 'packages/worker/Dockerfile', 'packages/worker/Dockerfile.dockerignore', 'docker-bake.hcl'],
  },
  {
    // Gradle's distribution cannot be downloaded here: proven by these snapshots and bake --print, not built.
    fixture: 'java-gradle-monorepo',
    kind: 'Gradle multi-project build',
    services: [
      { target: 'api', folder: 'api', dockerfile: 'Dockerfile.api' },
      { target: 'worker', folder: 'worker', dockerfile: 'Dockerfile.worker' },
    ],
    library: 'core',
    isolated: true,
    files: ['Dockerfile.api', 'Dockerfile.api.dockerignore', 'Dockerfile.worker', 'Dockerfile.worker.dockerignore', 'docker-bake.hcl'],
  },
] as const;

const createIgnore: typeof import('@balena/dockerignore').default = createRequire(import.meta.url)('@balena/dockerignore');

/** Every file under a folder, by its path from there. */
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();

const dockerAnswers = (await execa('docker', ['buildx', 'version'], { reject: false })).exitCode === 0;

describe.each(WORKSPACES)('at the root of $fixture ($kind)', ({ fixture, kind, services, library, isolated, files }) => {
  it('--yes writes a Dockerfile and ignore file per service and docker-bake.hcl: the snapshots, each Dockerfile linted', async () => {
    const dir = copyFixture(fixture);
    const before = new Set(filesUnder(dir));
    const { exitCode, stdout, stderr } = await runCli([dir, '--yes']);
    expect(exitCode, stderr).toBe(0);
    expect(filesUnder(dir).filter((file) => !before.has(file))).toEqual([...files].sort());
    expect(stdout).toContain(`${kind} (`);
    expect(stdout).toMatch(/next: cd .* && docker buildx bake/);
    for (const file of files) {
      const content = readFileSync(path.join(dir, file), 'utf8');
      await expect(content).toMatchFileSnapshot(path.join(ROOT, 'snapshots', 'workspaces', fixture, file));
      if (!file.endsWith('.dockerignore') && file !== 'docker-bake.hcl') expect(lintDockerfile(content), file).toEqual([]);
    }
    const again = await runCli([dir, '--yes']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout.split('\n').filter((line) => /^(created|updated|unchanged) /.test(line))).toEqual(files.map((file) => `unchanged ${file}`));
  });

  it(`each service's build context ${isolated ? 'leaves out the other service (its manifests kept)' : 'keeps every member'}, and the library and its own files`, () => {
    const dir = path.join(ROOT, 'test/fixtures', fixture);
    for (const service of services) {
      // A Dockerfile at the root reads the root's .dockerignore; any other, the ignore file named after it.
      const ignoreFile = service.dockerfile === 'Dockerfile' ? '.dockerignore' : `${service.dockerfile}.dockerignore`;
      const ignore = createIgnore().add(readFileSync(path.join(ROOT, 'snapshots/workspaces', fixture, ignoreFile), 'utf8'));
      const under = (folder: string) => filesUnder(path.join(dir, folder)).map((file) => path.posix.join(folder, file));
      const inContext = (folder: string) => under(folder).filter((file) => !ignore.ignores(file));
      // A service at the root holds the others' folders, which the loop below checks.
      const elsewhere = (file: string) => services.some((other) => other !== service && other.folder !== '.' && file.startsWith(`${other.folder}/`));
      expect(inContext(service.folder).filter((file) => !elsewhere(file))).toEqual(under(service.folder).filter((file) => !elsewhere(file)));
      expect(inContext(library)).toEqual(under(library));
      for (const other of services.filter((candidate) => candidate !== service)) {
        const kept = inContext(other.folder);
        // A root package's sources are the context's own folders: every member's build keeps them.
        if (isolated && other.folder !== '.')
          expect(
            kept.every((file) => /\/(package\.json|go\.mod|go\.sum|pom\.xml|build\.gradle\.kts|pyproject\.toml|Cargo\.toml)$/.test(file)) && kept.length > 0,
            kept.join(' '),
          ).toBe(true);
        else expect(kept).toEqual(under(other.folder));
      }
    }
  });

  it('--json lists every member with its evidence, the services with their bake targets and plans', async () => {
    const { exitCode, stdout } = await runCli([copyFixture(fixture), '--yes', '--json']);
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as {
      workspace: { kind: string; members: { folder: string; deployable: boolean; evidence: { file: string }; target: string | null }[] };
      services: { target: string; plan: { dockerfileFlag: string } }[];
      files: { path: string; status: string }[];
    };
    expect(report.workspace.kind).toBe(kind);
    const members = Object.fromEntries(report.workspace.members.map((member) => [member.folder, member]));
    for (const { target, folder } of services) {
      expect(members[folder]).toMatchObject({ deployable: true, target });
      expect(folder === '.' || members[folder]!.evidence.file.startsWith(`${folder}/`)).toBe(true);
    }
    expect(members[library]).toMatchObject({ deployable: false, target: null });
    expect(report.services.map((service) => service.target)).toEqual(services.map((service) => service.target));
    expect(report.files.map((file) => file.path)).toEqual(files);
  });

  it('--entry narrows to one service (by name or folder): its files and a bake file with its target only', async () => {
    const { target, folder, dockerfile } = services[1]!;
    const dir = copyFixture(fixture);
    const { exitCode, stderr } = await runCli([dir, '--yes', '--entry', folder]);
    expect(exitCode, stderr).toBe(0);
    const bake = readFileSync(path.join(dir, 'docker-bake.hcl'), 'utf8');
    expect(bake).toContain(`targets = ["${target}"]`);
    expect(bake).not.toContain(`target "${services[0]!.target}"`);
    const stdout = await runCli([dir, '--yes', '--entry', target, '--stdout']);
    expect(stdout.exitCode).toBe(0);
    // execa drops the output's last newline.
    expect(`${stdout.stdout}\n`).toBe(readFileSync(path.join(dir, dockerfile), 'utf8'));
  });

  it('a library or an unknown name at --entry is a usage error naming the services; --stdout without --entry too', async () => {
    const dir = copyFixture(fixture);
    const libraryRun = await runCli([dir, '--yes', '--entry', library]);
    expect(libraryRun.exitCode).toBe(1);
    expect(libraryRun.stderr).toMatch(new RegExp(`--entry ${library}: .* has nothing to run; its services: `));
    const unknown = await runCli([dir, '--yes', '--entry', 'nosuch']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain(`--entry nosuch: no member of the ${kind}`);
    const printed = await runCli([dir, '--yes', '--stdout']);
    expect(printed.exitCode).toBe(1);
    expect(printed.stderr).toContain('--stdout prints one Dockerfile');
    expect(filesUnder(dir).filter((file) => /Dockerfile|bake/.test(file))).toEqual([]);
  });

  it.runIf(dockerAnswers)('docker buildx bake --print accepts the bake file, every service built from its context with its Dockerfile', async () => {
    const dir = copyFixture(fixture);
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    const printed = await execa('docker', ['buildx', 'bake', '--print'], { cwd: dir, reject: false });
    expect(printed.exitCode, printed.stderr).toBe(0);
    const definition = JSON.parse(printed.stdout) as { group: { default: { targets: string[] } }; target: Record<string, { context: string; dockerfile: string }> };
    expect(definition.group.default.targets).toEqual(services.map((service) => service.target));
    for (const service of services) {
      const { context, dockerfile } = definition.target[service.target]!;
      expect(path.join(context, dockerfile)).toBe(service.dockerfile);
      expect(existsSync(path.join(dir, context, dockerfile))).toBe(true);
    }
    const debug = await execa('docker', ['buildx', 'bake', '--print', `${services[0]!.target}-debug`], { cwd: dir, reject: false });
    expect(debug.exitCode, debug.stderr).toBe(0);
    expect(debug.stdout).toContain('"target": "debug"');
  });
});

/** The folders a service's ignore file leaves out as the workspace's other services (the lines below that block's comment). */
function leftOutOf(dir: string, ignoreFile: string): string[] {
  const lines = readFileSync(path.join(dir, ignoreFile), 'utf8').split('\n');
  const block = lines.indexOf('# Their manifests stay, which the install reads.');
  return block === -1 ? [] : lines.slice(block + 1).filter(Boolean);
}

describe('a workspace root, generally', () => {
  it("each bake target carries its service's build secrets (bake's secret entries), read from the root where the context is", async () => {
    const dir = copyFixture('node-npm-monorepo');
    writeFileSync(path.join(dir, '.npmrc'), '@acme:registry=https://npm.acme.example/\n//npm.acme.example/:_authToken=${NPM_TOKEN}\n');
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    const bake = readFileSync(path.join(dir, 'docker-bake.hcl'), 'utf8');
    expect(bake.match(/^ {2}secret {5}= \["id=npmrc,src=\.npmrc", "id=NPM_TOKEN,env=NPM_TOKEN"\]$/gm)).toHaveLength(2);
    expect(bake).not.toContain('NPM_TOKEN}');
    // A member's own run builds from the root too: its next step names the root's .npmrc, not one in the member's folder.
    const member = await runCli([path.join(dir, 'apps/api'), '--yes', '--force']);
    expect(member.stdout).toContain(`--secret id=npmrc,src=${path.join(dir, '.npmrc')} `);
    if (!dockerAnswers) return;
    const printed = await execa('docker', ['buildx', 'bake', '--print'], { cwd: dir, reject: false });
    expect(printed.exitCode, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('"id=npmrc,src=.npmrc"');
  });

  it("a member started from a package's own file (next start) links the package into its node_modules when the install hoisted it; next's cache is the member's", async () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*'] }),
      'package-lock.json': JSON.stringify({ name: 'mono', lockfileVersion: 3, packages: {} }),
      'apps/web/package.json': JSON.stringify({ name: 'web', scripts: { build: 'next build', start: 'next start' }, dependencies: { next: '15.1.6' } }),
      'apps/web/app/page.js': 'export default function Page() { return "hi"; }\n',
      'apps/api/package.json': JSON.stringify({ name: 'api', scripts: { start: 'node server.js' } }),
      'apps/api/server.js': 'require("node:http").createServer((_, res) => res.end("ok")).listen(3000);\n',
    }).root;
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    const web = readFileSync(path.join(dir, 'apps/web/Dockerfile'), 'utf8');
    expect(web).toContain('RUN [ -e apps/web/node_modules/next ] || { mkdir -p apps/web/node_modules && ln -s /app/node_modules/next apps/web/node_modules/next; }\n');
    expect(web).toContain('CMD ["node_modules/next/dist/bin/next", "start"]');
    expect(web).toContain('--mount=type=cache,target=/app/apps/web/.next/cache');
    expect(lintDockerfile(web)).toEqual([]);
    expect(readFileSync(path.join(dir, 'apps/api/Dockerfile'), 'utf8')).not.toContain('ln -s');
  });

  it("a service another service depends on (a tRPC server whose types the web app imports) stays in that one's build context; the other way round it is left out", async () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*'] }),
      'package-lock.json': JSON.stringify({ name: 'mono', lockfileVersion: 3, packages: {} }),
      'apps/web/package.json': JSON.stringify({ name: 'web', scripts: { build: 'next build', start: 'next start' }, dependencies: { next: '15.1.6', api: '*' } }),
      'apps/web/app/page.js': 'export default function Page() { return "hi"; }\n',
      'apps/api/package.json': JSON.stringify({ name: 'api', scripts: { start: 'node server.js' } }),
      'apps/api/server.js': 'require("node:http").createServer((_, res) => res.end("ok")).listen(3000);\n',
    }).root;
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    // The lines below the ignore file's block on the other services.
    expect(leftOutOf(dir, 'apps/web/Dockerfile.dockerignore')).toEqual([]);
    expect(leftOutOf(dir, 'apps/api/Dockerfile.dockerignore')).toEqual(['apps/web', '!apps/web/package.json']);
  });

  it("a uv service another service depends on (by its project name, in any spelling) stays in that one's build context", async () => {
    const member = (name: string, dependencies: string[], sources: string[]) =>
      [
        '[project]',
        `name = "${name}"`,
        'version = "0.1.0"',
        'requires-python = ">=3.11"',
        `dependencies = [${dependencies.map((dependency) => `"${dependency}"`).join(', ')}]`,
        '',
        '[project.scripts]',
        `${name} = "${name.replace(/-/g, '_')}.cli:main"`,
        '',
        '[tool.uv.sources]',
        ...sources.map((source) => `${source} = { workspace = true }`),
        '',
        '[build-system]',
        'requires = ["uv_build>=0.8,<0.10"]',
        'build-backend = "uv_build"',
        '',
      ].join('\n');
    const dir = makeProject({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["services/*"]\n',
      'uv.lock': 'version = 1\nrequires-python = ">=3.11"\n',
      'services/billing-api/pyproject.toml': member('billing-api', [], []),
      'services/billing-api/src/billing_api/__init__.py': '',
      'services/billing-api/src/billing_api/cli.py': 'def main():\n    print("billing")\n',
      'services/worker/pyproject.toml': member('worker', ['Billing_API>=0.1'], ['billing-api']),
      'services/worker/src/worker/__init__.py': '',
      'services/worker/src/worker/cli.py': 'from billing_api import cli\n\ndef main():\n    cli.main()\n',
    }).root;
    const result = await runCli([dir, '--yes']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(leftOutOf(dir, 'services/worker/Dockerfile.dockerignore')).toEqual([]);
    expect(leftOutOf(dir, 'services/billing-api/Dockerfile.dockerignore')).toEqual(['services/worker', '!services/worker/pyproject.toml']);
  });

  it("a go.work program whose code imports a package inside another program's folder (api/client) keeps that folder in its build context", async () => {
    const dir = makeProject({
      'go.work': 'go 1.24\n\nuse (\n\t./admin\n\t./api\n)\n',
      'api/go.mod': 'module example.com/mono/api\n\ngo 1.24\n',
      'api/main.go': 'package main\n\nimport (\n\t"net/http"\n\n\t"example.com/mono/api/client"\n)\n\nfunc main() { http.ListenAndServe(":8080", client.Handler()) }\n',
      'api/client/client.go': 'package client\n\nimport "net/http"\n\nfunc Handler() http.Handler { return http.NotFoundHandler() }\n',
      'admin/go.mod': 'module example.com/mono/admin\n\ngo 1.24\n',
      'admin/main.go': 'package main\n\nimport (\n\t"net/http"\n\n\tapi "example.com/mono/api/client"\n)\n\nfunc main() { http.ListenAndServe(":9090", api.Handler()) }\n',
    }).root;
    const result = await runCli([dir, '--yes']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(leftOutOf(dir, 'Dockerfile.admin.dockerignore')).toEqual([]);
    expect(leftOutOf(dir, 'Dockerfile.api.dockerignore')).toEqual(['admin', '!admin/go.mod']);
  });

  it("a secret in the builder's home folder (a .netrc for GOPRIVATE) reads HOME from the environment, which bake declares", async () => {
    const dir = copyFixture('go-work-monorepo');
    writeFileSync(path.join(dir, 'go.env'), 'GOPRIVATE=example.com/private\n');
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    const bake = readFileSync(path.join(dir, 'docker-bake.hcl'), 'utf8');
    expect(bake).toContain('variable "HOME" {');
    expect(bake).toContain('"id=netrc,src=${HOME}/.netrc"');
    if (!dockerAnswers) return;
    // bake checks that a secret's file exists: a home folder of the test's own, with an empty .netrc.
    const home = makeProject({ '.netrc': '' }).root;
    const printed = await execa('docker', ['buildx', 'bake', '--print'], { cwd: dir, reject: false, env: { HOME: home } });
    expect(printed.exitCode, printed.stderr).toBe(0);
    expect(printed.stdout).toContain(`"id=netrc,src=${home}/.netrc"`);
  });

  it("names each service's entry itself, so no run warns that a rule chose among several (go.work, a Cargo root that is a package)", async () => {
    for (const fixture of ['go-work-monorepo', 'rust-cargo-root-package']) {
      const { exitCode, stderr } = await runCli([copyFixture(fixture), '--yes']);
      expect(exitCode, stderr).toBe(0);
      expect(stderr).not.toMatch(/several (main packages|binaries)/);
    }
    // An --entry given by hand is not explained either; --yes without one still says which a rule took.
    const given = await runCli([copyFixture('go-cmd-layout'), '--yes', '--stdout', '--entry', './cmd/api']);
    expect(given.stderr).not.toContain('several main packages');
    const taken = await runCli([copyFixture('go-cmd-layout'), '--yes', '--stdout']);
    expect(taken.stderr).toContain('several main packages: building ./cmd/api');
  });

  it.each([
    ['node-pnpm-monorepo', 'apps/api'],
    ['node-npm-monorepo', 'apps/api'],
    ['node-yarn-monorepo', 'services/admin'],
    ['node-turbo-monorepo', 'apps/api'],
  ])("%s: a member's folder (%s) works too, and names its root: the same Dockerfile as the root's run writes for it", async (fixture, member) => {
    const dir = copyFixture(fixture);
    const { exitCode, stdout, stderr } = await runCli([path.join(dir, member), '--yes']);
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toContain(`-f ${path.join(dir, member, 'Dockerfile')} -t `);
    expect(stdout).toMatch(new RegExp(` ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(existsSync(path.join(dir, 'docker-bake.hcl'))).toBe(false);
    expect(readFileSync(path.join(dir, member, 'Dockerfile'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'snapshots/workspaces', fixture, member, 'Dockerfile'), 'utf8'));
  });

  it('a service file of your own that differs stops the run with exit 4 and writes nothing; --force replaces it', async () => {
    const dir = copyFixture('rust-cargo-monorepo');
    writeFileSync(path.join(dir, 'crates/report/Dockerfile'), 'FROM scratch\n');
    const stopped = await runCli([dir, '--yes']);
    expect(stopped.exitCode).toBe(4);
    expect(stopped.stderr).toContain('crates/report/Dockerfile already exists and differs; nothing written');
    expect(existsSync(path.join(dir, 'docker-bake.hcl'))).toBe(false);
    expect(existsSync(path.join(dir, 'crates/api/Dockerfile'))).toBe(false);
    expect((await runCli([dir, '--yes', '--force'])).exitCode).toBe(0);
    expect(readFileSync(path.join(dir, 'crates/report/Dockerfile'), 'utf8')).not.toBe('FROM scratch\n');
  });

  it('--output and --save name one file, so a workspace root refuses them', async () => {
    const dir = copyFixture('go-work-monorepo');
    const output = await runCli([dir, '--yes', '--output', 'Dockerfile.mine']);
    expect(output.exitCode).toBe(1);
    expect(output.stderr).toContain('--output names one Dockerfile; at a go.work root (go.work:4) each service gets its own');
    const save = await runCli([dir, '--yes', '--save']);
    expect(save.exitCode).toBe(1);
    expect(save.stderr).toContain("--save at a go.work root (go.work:4): run it in a member's folder");
  });

  it('--entry twice outside a workspace root is a usage error, not the last one silently', async () => {
    const { exitCode, stderr } = await runCli([copyFixture('go-cmd-layout'), '--yes', '--entry', './cmd/api', '--entry', './cmd/worker']);
    expect(exitCode).toBe(1);
    expect(stderr).toContain('--entry given 2 times: only a workspace root with several services takes more than one');
  });

  it('a root with one service stays one app: the root Dockerfile, no bake file', async () => {
    const dir = copyFixture('go-workspace');
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(true);
    expect(existsSync(path.join(dir, 'docker-bake.hcl'))).toBe(false);
  });

  it('an integrated Nx repository (project.json per app, one root package.json) is refused with exit 3, naming its applications, not its library; nothing is written', async () => {
    const dir = copyFixture('node-nx-integrated');
    const before = readdirSync(dir).sort();
    const { exitCode, stderr } = await runCli([dir, '--yes']);
    expect(exitCode).toBe(3);
    expect(stderr.trim().split('\n')).toEqual([
      "stagecraft: nx.json: an integrated Nx repository (projects in project.json, no package workspaces): its applications admin (apps/admin/project.json), api (apps/api/project.json) are built by `nx build <app>` with Nx's executors, which stagecraft does not run; give each application a package.json in npm, Yarn or pnpm workspaces (a package-based Nx repository), or write its Dockerfile by hand",
    ]);
    expect(readdirSync(dir).sort()).toEqual(before);
    // A root that runs something of its own is not refused: its start script is the app.
    const started = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...started, scripts: { start: 'node server.js' } }));
    writeFileSync(path.join(dir, 'server.js'), "require('node:http').createServer().listen(3000);\n");
    expect((await runCli([dir, '--yes', '--dry-run'])).exitCode).toBe(0);
  });

  it('--dry-run and --explain cover every service, writing nothing', async () => {
    const dir = copyFixture('go-work-monorepo');
    const dry = await runCli([dir, '--yes', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('created docker-bake.hcl (dry run, nothing written)');
    expect(dry.stdout).toContain('+target "admin" {');
    const explained = await runCli([dir, '--yes', '--explain']);
    expect(explained.exitCode).toBe(0);
    expect(explained.stdout).toContain('==== admin (admin) ====');
    expect(explained.stdout).toContain('==== api (api) ====');
    expect(filesUnder(dir).filter((file) => /Dockerfile|bake/.test(file))).toEqual([]);
  });
});

describe('bake target names', () => {
  it.each([
    ['@acme/api', 'acme-api'],
    ['docker_sample', 'docker_sample'],
    ['a_.b', 'a-b'],
    ['a___b', 'a__b'],
    ['--API--', 'api'],
    ['@@@', 'app'],
  ])('%s -> %s, a valid image name', (name, target) => {
    expect(targetNameOf(name)).toBe(target);
    expect(target).toMatch(/^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/);
  });
});

describe('choosing services', () => {
  it('in a terminal, a multiselect offers every service, all preselected, and only the chosen ones are generated', async () => {
    const asked: { message: string; values: string[]; initial: string[] }[] = [];
    const prompter: Prompter = {
      select: async <T extends string>(_message: string, choices: Choice<T>[], initial?: T) => initial ?? choices.find((choice) => !choice.disabled)!.value,
      text: async (_message, { initial }) => initial,
      confirm: async (_message, initial) => initial,
      multiselect: async <T extends string>(message: string, choices: Choice<T>[], initial: T[]) => {
        asked.push({ message, values: choices.map((choice) => choice.value), initial });
        return [choices[1]!.value];
      },
    };
    const ignore = () => {};
    const generation = await generateProject({
      flags: flagsFrom([copyFixture('node-pnpm-monorepo')]),
      interactive: true,
      prompter,
      generatorVersion: '0.0.0-test',
      warn: ignore,
      note: ignore,
    });
    expect(asked).toEqual([
      { message: 'A pnpm workspace with 2 services. Which ones get a Dockerfile?', values: ['apps/api', 'apps/worker'], initial: ['apps/api', 'apps/worker'] },
    ]);
    expect(generation.kind).toBe('workspace');
    expect(generation.changes.map((change) => change.path)).toEqual(['apps/worker/Dockerfile', 'apps/worker/Dockerfile.dockerignore', 'docker-bake.hcl']);
  });

  it('a service whose own run stops (an answer --yes cannot give) is left out with a warning and the rest are written; named with --entry, it stops the run', async () => {
    const project = makeProject({
      'Cargo.toml': '[workspace]\nmembers = ["web", "tools"]\nresolver = "2"\n',
      'Cargo.lock': 'version = 4\n\n[[package]]\nname = "tools"\nversion = "0.1.0"\n\n[[package]]\nname = "web"\nversion = "0.1.0"\n',
      'web/Cargo.toml': '[package]\nname = "web"\nversion = "0.1.0"\nedition = "2021"\n',
      'web/src/main.rs': 'fn main() {\n    std::net::TcpListener::bind("0.0.0.0:8080").unwrap();\n}\n',
      // Two binaries, neither named after the package, serving or named like a server: no rule picks one.
      'tools/Cargo.toml': '[package]\nname = "tools"\nversion = "0.1.0"\nedition = "2021"\n',
      'tools/src/bin/alpha.rs': 'fn main() {}\n',
      'tools/src/bin/beta.rs': 'fn main() {}\n',
    });
    const run = await runCli([project.root, '--yes']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('warning: tools: left out, no Dockerfile (tools: missing --entry: detection cannot decide it (binaries: alpha, beta))');
    expect(existsSync(path.join(project.root, 'web/Dockerfile'))).toBe(true);
    expect(existsSync(path.join(project.root, 'tools/Dockerfile'))).toBe(false);
    expect(readFileSync(path.join(project.root, 'docker-bake.hcl'), 'utf8')).toContain('targets = ["web"]');
    const named = await runCli([project.root, '--yes', '--entry', 'tools']);
    expect(named.exitCode).toBe(1);
    expect(named.stderr).toContain('stagecraft: tools: missing --entry: detection cannot decide it (binaries: alpha, beta)');
  });
});

describe('--build at a workspace root', () => {
  it('without a Docker engine: the files are written, then exit 5 saying why', async () => {
    const dir = copyFixture('go-work-monorepo');
    const { exitCode, stdout, stderr } = await runCli([dir, '--yes', '--build'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(exitCode).toBe(5);
    expect(stdout).toContain('created docker-bake.hcl');
    expect(stderr.trim().split('\n').at(-1)).toBe('stagecraft: --build: no Docker engine answers (docker version failed); the files are written, build them later');
    expect(existsSync(path.join(dir, 'Dockerfile.api'))).toBe(true);
  });

  it('runs one bake of the written file, each target on the network its own steps need, passed as a compose overlay on stdin', () => {
    const offline = 'FROM golang:1.24-trixie AS build\nRUN go build -o /out/app .\nFROM scratch AS production\nCOPY --from=build /out/app /app\n';
    const online = 'FROM debian:trixie-slim AS production\nRUN apt-get update && apt-get install -y tini\n';
    const { args, networks } = bakeInvocation([
      { target: 'api', dockerfile: offline },
      { target: 'worker', dockerfile: online },
    ]);
    expect(args).toEqual(['buildx', 'bake', '--progress=plain', '-f', '-', '-f', 'docker-bake.hcl', 'api', 'worker']);
    expect(networks).toBe('services:\n  api:\n    build:\n      network: none\n  worker:\n    build:\n      network: host\n');
  });

  it('--tag names one image, so a workspace root refuses it', async () => {
    const { exitCode, stderr } = await runCli([copyFixture('go-work-monorepo'), '--yes', '--tag', 'mine']);
    expect(exitCode).toBe(1);
    expect(stderr).toContain("--tag names one image; at a go.work root (go.work:4) each service's image is named by its bake target");
  });
});
