import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectNode, nodeMajorFor, startCommandFrom, LTS_NODE_MAJOR } from '../src/languages/node/detect.js';
import { ProjectFiles } from '../src/project.js';
import { fixture, makeProject } from './helpers.js';

const pkg = (value: object) => JSON.stringify(value, null, 2);

describe('Node version', () => {
  it.each([
    ['22', '22'],
    ['v24.3.1', '24'],
    ['>=22', String(LTS_NODE_MAJOR)],
    ['^22.11.0', '22'],
    ['>=18 <23', '22'],
    ['lts/*', String(LTS_NODE_MAJOR)],
    ['18.x', '18'],
  ])('%s -> %s', (spec, major) => {
    expect(nodeMajorFor(spec)).toBe(major);
  });

  it('reads .nvmrc before .node-version, engines and volta', () => {
    const facts = detectNode(makeProject({ '.nvmrc': '22\n', '.node-version': '24', 'package.json': pkg({ engines: { node: '>=26' }, scripts: { start: 'node a.js' } }) }));
    expect(facts.runtimeVersion).toEqual({ value: '22', evidence: { file: '.nvmrc' } });
  });

  it('engines.node and volta.node come with their package.json line', () => {
    expect(detectNode(makeProject({ 'package.json': pkg({ engines: { node: '^24.1.0' } }) })).runtimeVersion).toEqual({ value: '24', evidence: { file: 'package.json', line: 2 } });
    expect(detectNode(makeProject({ 'package.json': pkg({ volta: { node: '22.4.0' } }) })).runtimeVersion).toEqual({ value: '22', evidence: { file: 'package.json', line: 2 } });
  });

  it('without any, the current LTS with no evidence', () => {
    expect(detectNode(makeProject({ 'package.json': '{}' })).runtimeVersion).toEqual({ value: String(LTS_NODE_MAJOR), evidence: null });
  });

  it('a bad engines range is a one-line error', () => {
    expect(() => detectNode(makeProject({ 'package.json': pkg({ engines: { node: 'banana' } }) }))).toThrow('package.json: engines.node "banana" is not a semver range');
  });
});

describe('package manager', () => {
  it.each([
    [{ 'package-lock.json': '{}' }, 'npm', 'package-lock.json'],
    [{ 'npm-shrinkwrap.json': '{}' }, 'npm', 'npm-shrinkwrap.json'],
    [{ 'yarn.lock': '' }, 'yarn-classic', 'yarn.lock'],
    [{ 'yarn.lock': '', '.yarnrc.yml': 'nodeLinker: node-modules\n' }, 'yarn-berry', 'yarn.lock'],
    [{ 'pnpm-lock.yaml': '' }, 'pnpm', 'pnpm-lock.yaml'],
    [{ 'bun.lock': '' }, 'bun', 'bun.lock'],
    [{ 'bun.lockb': '' }, 'bun', 'bun.lockb'],
  ])('%j -> %s', (files, manager, lockfile) => {
    const facts = detectNode(makeProject({ 'package.json': '{}', ...files }));
    expect(facts.packageManager.value).toBe(manager);
    expect(facts.lockfile).toEqual({ value: lockfile, evidence: { file: lockfile } });
  });

  it('the packageManager field wins over several lockfiles and pins the version', () => {
    const facts = detectNode(makeProject({ 'package.json': pkg({ packageManager: 'pnpm@9.12.0+sha512.abc' }), 'pnpm-lock.yaml': '', 'package-lock.json': '{}' }));
    expect(facts.packageManager).toEqual({ value: 'pnpm', evidence: { file: 'package.json' } });
    expect(facts.packageManagerVersion).toBe('9.12.0');
    expect(facts.lockfile.value).toBe('pnpm-lock.yaml');
  });

  it("yarn@4 in packageManager is Berry; Plug'n'Play is detected from .yarnrc.yml", () => {
    const facts = detectNode(makeProject({ 'package.json': pkg({ packageManager: 'yarn@4.5.0' }), 'yarn.lock': '', '.yarnrc.yml': 'enableTelemetry: false\n' }));
    expect(facts.packageManager.value).toBe('yarn-berry');
    expect(facts.yarnPnp.value).toBe(true);
  });

  it('several lockfiles without packageManager are refused, naming them', () => {
    expect(() => detectNode(new ProjectFiles(fixture('node-two-lockfiles')))).toThrow(
      'several lockfiles (package-lock.json, yarn.lock): set "packageManager" in package.json, or delete the stale ones',
    );
  });

  it('a packageManager value that is not name@version is refused (it would reach a RUN line)', () => {
    expect(() => detectNode(makeProject({ 'package.json': pkg({ packageManager: 'pnpm@9; rm -rf /' }) }))).toThrow('is not name@version');
  });
});

describe('start command', () => {
  it.each([
    ['node dist/server.js', ['node', 'dist/server.js']],
    ['PORT=4000 node --enable-source-maps dist/main.js', ['node', '--enable-source-maps', 'dist/main.js']],
    ['next start -p 4000', ['node', 'node_modules/next/dist/bin/next', 'start', '-p', '4000']],
    ['remix-serve ./build/server/index.js', ['node', 'node_modules/@remix-run/serve/dist/cli.js', './build/server/index.js']],
    ['react-router-serve ./build/server/index.js', ['node', 'node_modules/@react-router/serve/dist/cli.js', './build/server/index.js']],
    ['npm run build && node x.js', null],
    ['ts-node src/index.ts', null],
    ['node "dist/my server.js"', null],
    ['node dist/a.js; curl evil', null],
  ])('%s', (script, command) => {
    expect(startCommandFrom(script)).toEqual(command);
  });

  it('falls back to main, then server.js or index.js', () => {
    expect(detectNode(makeProject({ 'package.json': pkg({ main: 'app.js' }), 'app.js': '' })).start?.value).toEqual(['node', 'app.js']);
    expect(detectNode(makeProject({ 'package.json': '{}', 'index.js': '' })).start).toEqual({ value: ['node', 'index.js'], evidence: { file: 'index.js' } });
    expect(detectNode(makeProject({ 'package.json': '{}' })).start).toBeNull();
  });

  it("SvelteKit and Astro run their node adapter's server, and only with that adapter", () => {
    const svelte = (deps: object) => detectNode(makeProject({ 'package.json': pkg({ devDependencies: deps, scripts: { build: 'vite build' } }) }));
    expect(svelte({ '@sveltejs/kit': '^2', '@sveltejs/adapter-node': '^5' }).start?.value).toEqual(['node', 'build/index.js']);
    expect(svelte({ '@sveltejs/kit': '^2', '@sveltejs/adapter-auto': '^3' }).start).toBeNull();
    const astro = detectNode(makeProject({ 'package.json': pkg({ dependencies: { astro: '^5', '@astrojs/node': '^9' } }) }));
    expect(astro.start?.value).toEqual(['node', 'dist/server/entry.mjs']);
  });

  it('NestJS runs dist/main.js; Next.js standalone runs server.js', () => {
    const nest = detectNode(makeProject({ 'package.json': pkg({ dependencies: { '@nestjs/core': '^11' }, scripts: { build: 'nest build', start: 'nest start' } }) }));
    expect(nest.framework.value).toBe('nest');
    expect(nest.start?.value).toEqual(['node', 'dist/main.js']);
    const next = detectNode(
      makeProject({
        'package.json': pkg({ dependencies: { next: '^15' }, scripts: { build: 'next build', start: 'next start' } }),
        'next.config.mjs': "export default {\n  output: 'standalone',\n};\n",
      }),
    );
    expect(next.nextStandalone).toEqual({ value: true, evidence: { file: 'next.config.mjs', line: 2 } });
    expect(next.start?.value).toEqual(['node', 'server.js']);
  });
});

describe('fixtures', () => {
  it('node-ts-api: build script, tsconfig outDir, port from the start script', () => {
    const facts = detectNode(new ProjectFiles(fixture('node-ts-api')));
    expect(facts.buildScript?.value).toBe('tsc -p tsconfig.json');
    expect(facts.outDir).toEqual({ value: 'dist', evidence: { file: 'tsconfig.json', line: 7 } });
    expect(facts.port).toEqual({ value: 8081, evidence: { file: 'package.json', line: 11 } });
    expect(facts.hasDevDependencies).toBe(true);
  });

  it('node-native: bcrypt is a native module', () => {
    expect(detectNode(new ProjectFiles(fixture('node-native'))).nativeModules.value).toEqual(['bcrypt']);
  });

  it('node-no-lockfile: npm with no lockfile', () => {
    const facts = detectNode(new ProjectFiles(fixture('node-no-lockfile')));
    expect(facts.packageManager).toEqual({ value: 'npm', evidence: null });
    expect(facts.lockfile.value).toBeNull();
  });

  it('node-next: standalone output, public/ ships, and the version comes from .nvmrc', () => {
    const facts = detectNode(new ProjectFiles(fixture('node-next')));
    expect(facts.framework).toEqual({ value: 'next', evidence: { file: 'package.json', line: 10 } });
    expect(facts.nextStandalone).toEqual({ value: true, evidence: { file: 'next.config.mjs', line: 4 } });
    expect(facts.start?.value).toEqual(['node', 'server.js']);
    expect(facts.hasPublicDir).toBe(true);
    expect(facts.runtimeVersion).toEqual({ value: '24', evidence: { file: '.nvmrc' } });
  });

  it('node-nest: dist/main.js, not `nest start`', () => {
    const facts = detectNode(new ProjectFiles(fixture('node-nest')));
    expect(facts.framework.value).toBe('nest');
    expect(facts.start?.value).toEqual(['node', 'dist/main.js']);
    expect(facts.outDir?.value).toBe('dist');
  });

  it.each([
    ['node-pnpm', 'pnpm', '10.12.1', 'pnpm-lock.yaml'],
    ['node-yarn-berry', 'yarn-berry', '4.9.2', 'yarn.lock'],
    ['node-bun', 'bun', null, 'bun.lock'],
  ])('%s: %s %s from %s', (name, manager, version, lockfile) => {
    const facts = detectNode(new ProjectFiles(fixture(name)));
    expect(facts.packageManager.value).toBe(manager);
    expect(facts.packageManagerVersion).toBe(version);
    expect(facts.lockfile.value).toBe(lockfile);
    expect(facts.yarnPnp.value).toBe(false);
  });

  it('node-pnpm-workspace: a member takes its lockfile, packageManager and .nvmrc from the workspace root', () => {
    const facts = detectNode(new ProjectFiles(path.join(fixture('node-pnpm-workspace'), 'packages', 'api')));
    expect(facts.workspace).toEqual({ tool: 'pnpm', memberPath: 'packages/api', packageName: '@ws/api', evidence: { file: '../../pnpm-workspace.yaml' } });
    expect(facts.packageManager).toEqual({ value: 'pnpm', evidence: { file: '../../package.json' } });
    expect(facts.packageManagerVersion).toBe('10.12.1');
    expect(facts.lockfile).toEqual({ value: 'pnpm-lock.yaml', evidence: { file: '../../pnpm-lock.yaml' } });
    expect(facts.runtimeVersion).toEqual({ value: '24', evidence: { file: '../../.nvmrc' } });
  });

  it('membership follows the workspace globs', () => {
    const facts = detectNode(new ProjectFiles(path.join(fixture('node-pnpm-workspace'), 'packages', 'greeting')));
    expect(facts.workspace?.memberPath).toBe('packages/greeting');
    const outside = makeProject({ 'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n', 'tools/cli/package.json': '{"name":"cli"}' });
    expect(detectNode(new ProjectFiles(path.join(outside.root, 'tools', 'cli'))).workspace).toBeNull();
  });

  it('an npm/yarn workspace member is recognised (and refused by the planner, with the reason)', () => {
    const npm = makeProject({ 'package.json': '{"workspaces": ["apps/*"]}', 'package-lock.json': '{}', 'apps/web/package.json': '{"name":"web"}' });
    const facts = detectNode(new ProjectFiles(path.join(npm.root, 'apps', 'web')));
    expect(facts.workspace).toEqual({ tool: 'npm-or-yarn', memberPath: 'apps/web', packageName: 'web', evidence: { file: '../../package.json' } });
  });

  it("a workspace root lists its members' manifests from the packages globs only (not pnpm-workspace.yaml's other lists), minus negated globs", () => {
    const root = makeProject({
      'package.json': pkg({ name: 'root', scripts: { start: 'node apps/api/index.js' } }),
      'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n  - "!apps/old"\nonlyBuiltDependencies:\n  - tools\n',
      'apps/api/package.json': '{}',
      'apps/old/package.json': '{}',
      'tools/package.json': '{}',
    });
    const facts = detectNode(root);
    expect(facts.workspaceManifests).toEqual(['apps/api/package.json']);
    expect(facts.hasPnpmWorkspaceFile).toBe(true);
    const npm = makeProject({ 'package.json': pkg({ workspaces: { packages: ['packages/*'] } }), 'packages/a/package.json': '{}', 'packages/a/lib/package.json': '{}' });
    expect(detectNode(npm).workspaceManifests).toEqual(['packages/a/package.json']);
  });

  it("pnpm's lockfile format and engines.pnpm, with their lines; Next's distDir and config file", () => {
    const facts = detectNode(
      makeProject({
        'package.json': pkg({ engines: { pnpm: '>=8' }, dependencies: { next: '^16' } }),
        'pnpm-lock.yaml': "lockfileVersion: '6.0'\n",
        'next.config.js': "module.exports = {\n  distDir: './out/next/',\n};\n",
      }),
    );
    expect(facts.pnpmLockfileVersion).toEqual({ value: '6.0', evidence: { file: 'pnpm-lock.yaml', line: 1 } });
    expect(facts.enginesPnpm).toEqual({ value: '>=8', evidence: { file: 'package.json', line: 2 } });
    expect(facts.nextConfigFile).toBe('next.config.js');
    expect(facts.nextDistDir).toEqual({ value: 'out/next', evidence: { file: 'next.config.js', line: 2 } });
  });

  it('malformed package.json names the file', () => {
    expect(() => detectNode(makeProject({ 'package.json': '{"name": ' }))).toThrow(/^package\.json: not valid JSON/);
    expect(() => detectNode(makeProject({ 'package.json': '[]' }))).toThrow('package.json: not a JSON object');
  });
});
