import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectNode, nodeMajorFor, splitNodeOptions, startCommandFrom, LTS_NODE_MAJOR } from '../src/languages/node/detect.js';
import { ProjectFiles } from '../src/project.js';
import { fixture, makeProject, runCli } from './helpers.js';

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
    ['lts/iron', '20'],
    ['lts/jod', '22'],
    ['lts/Krypton', '24'],
    ['node', '26'],
    ['latest', '26'],
    ['current', '26'],
    ['lts/nosuchname', null],
  ])('%s -> %s', (spec, major) => {
    expect(nodeMajorFor(spec)).toBe(major);
  });

  it('reads .nvmrc before .node-version, engines and volta', () => {
    const facts = detectNode(makeProject({ '.nvmrc': '22\n', '.node-version': '24', 'package.json': pkg({ engines: { node: '>=26' }, scripts: { start: 'node a.js' } }) }));
    expect(facts.runtimeVersion).toEqual({ value: '22', evidence: { file: '.nvmrc' } });
  });

  it('reads mise.toml [tools] and .tool-versions (node or nodejs), with their line', () => {
    const mise = detectNode(makeProject({ 'mise.toml': '[env]\nnode = "ignored"\n\n[tools]\npython = "3.12"\nnode = ["22.11", "20"]\n', 'package.json': '{}' }));
    expect(mise.runtimeVersion).toEqual({ value: '22', evidence: { file: 'mise.toml', line: 6 } });
    const asdf = detectNode(makeProject({ '.tool-versions': '# pinned\npython 3.12.1\nnodejs 24.3.0\n', 'package.json': pkg({ engines: { node: '>=20' } }) }));
    expect(asdf.runtimeVersion).toEqual({ value: '24', evidence: { file: '.tool-versions', line: 3 } });
  });

  it('a moving alias ("node" in .nvmrc) is resolved to the newest supported major and kept, for its warning', () => {
    const facts = detectNode(makeProject({ '.nvmrc': 'node\n', 'package.json': '{}' }));
    expect(facts.runtimeVersion).toEqual({ value: '26', evidence: { file: '.nvmrc' } });
    expect(facts.runtimeVersionAlias).toEqual({ value: 'node', evidence: { file: '.nvmrc' } });
    expect(detectNode(makeProject({ '.nvmrc': 'lts/iron\n', 'package.json': '{}' })).runtimeVersionAlias).toBeNull();
    expect(() => detectNode(makeProject({ '.nvmrc': 'lts/nosuchname\n', 'package.json': '{}' }))).toThrow('.nvmrc: "lts/nosuchname" is not a Node version');
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

  it('engines.pnpm / engines.yarn give the range the manager must satisfy when packageManager does not pin it; engines.yarn >=2 is Berry', () => {
    const pnpmFacts = detectNode(makeProject({ 'package.json': pkg({ engines: { node: '>=18', pnpm: '>=8' } }), 'pnpm-lock.yaml': '' }));
    expect(pnpmFacts.packageManagerRange).toEqual({ value: '>=8', evidence: { file: 'package.json', line: 2 } });
    const berry = detectNode(makeProject({ 'package.json': pkg({ engines: { yarn: '^4.1.0' } }), 'yarn.lock': '' }));
    expect(berry.packageManager.value).toBe('yarn-berry');
    expect(berry.packageManagerRange?.value).toBe('^4.1.0');
    const classic = detectNode(makeProject({ 'package.json': pkg({ engines: { yarn: '1.x' } }), 'yarn.lock': '' }));
    expect(classic.packageManager.value).toBe('yarn-classic');
    const pinned = detectNode(makeProject({ 'package.json': pkg({ packageManager: 'pnpm@9.1.0', engines: { pnpm: '>=8' } }), 'pnpm-lock.yaml': '' }));
    expect(pinned.packageManagerRange).toBeNull();
  });

  it("pnpm's package.yaml and package.json5 are read like package.json, with their lines; without a lockfile they mean pnpm", () => {
    const yaml = detectNode(
      makeProject({ 'package.yaml': 'name: api\nscripts:\n  build: tsc\n  start: node dist/server.js\nengines:\n  node: ">=22"\ndependencies:\n  fastify: ^5\n' }),
    );
    expect(yaml.manifestFile).toBe('package.yaml');
    expect(yaml.packageManager).toEqual({ value: 'pnpm', evidence: { file: 'package.yaml' } });
    expect(yaml.start).toEqual({ value: ['node', 'dist/server.js'], evidence: { file: 'package.yaml', line: 4 } });
    expect(yaml.runtimeVersion).toEqual({ value: '26', evidence: { file: 'package.yaml', line: 5 } });
    expect(yaml.framework.value).toBe('fastify');
    const json5 = detectNode(
      makeProject({ 'package.json5': "{\n  // comments and trailing commas\n  name: 'web',\n  scripts: { start: 'node index.js', },\n}\n", 'pnpm-lock.yaml': '' }),
    );
    expect(json5.start).toEqual({ value: ['node', 'index.js'], evidence: { file: 'package.json5', line: 4 } });
    expect(() => detectNode(makeProject({ 'package.yaml': 'name: [unclosed\n' }))).toThrow(/^package\.yaml(:\d+)?: not valid YAML/);
  });

  it("Yarn Berry without .yarnrc.yml is Plug'n'Play (its default linker); an ES module app is told apart", () => {
    const facts = detectNode(makeProject({ 'package.json': pkg({ type: 'module', packageManager: 'yarn@3.2.1', scripts: { start: 'node server.js' } }) }));
    expect(facts.yarnPnp).toEqual({ value: true, evidence: { file: 'package.json' } });
    expect(facts.esm).toBe(true);
    const classic = detectNode(makeProject({ 'package.json': pkg({ scripts: { start: 'node server.cjs' } }), 'yarn.lock': '' }));
    expect(classic.yarnPnp.value).toBe(false);
    expect(classic.esm).toBe(false);
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

  it.each([
    ['npm run build && node dist/server.js', 'tsc', ['node', 'dist/server.js']],
    ['pnpm build && node dist/server.js', 'tsc', ['node', 'dist/server.js']],
    ['tsc && node dist/index.js', 'tsc', ['node', 'dist/index.js']],
    ['npm run compile && node dist/server.js', 'tsc', null],
    ['npm run build && npm run migrate && node dist/server.js', 'tsc', null],
    ['npm run build && node dist/a.js; curl evil', 'tsc', null],
  ])('%s, with the build script %s the build stage runs', (script, build, command) => {
    expect(startCommandFrom(script, build)).toEqual(command);
  });

  it("a start script that builds first starts what follows, not package.json's main (fastify/demo)", () => {
    const project = makeProject({
      'package.json': pkg({ main: 'app.js', type: 'module', scripts: { start: 'npm run build && node dist/server.js', build: 'tsc' }, dependencies: { fastify: '^5' } }),
      'tsconfig.json': '{ "compilerOptions": { "outDir": "dist" } }',
      'src/server.ts': 'import Fastify from "fastify";\nawait Fastify().listen({ port: 3000, host: "0.0.0.0" });\n',
    });
    expect(detectNode(project).start?.value).toEqual(['node', 'dist/server.js']);
  });

  // edwinhern/express-typescript-2024 has start:prod only; Nest's starter has start (nest start) and start:prod.
  it('the start script named for production wins over start, and stands in for a missing one', () => {
    const start = (scripts: Record<string, string>) => detectNode(makeProject({ 'package.json': pkg({ scripts, dependencies: { express: '^5' } }) })).start;
    expect(start({ 'start:prod': 'node dist/index.js', dev: 'tsx watch src/index.ts' })).toEqual({ value: ['node', 'dist/index.js'], evidence: { file: 'package.json', line: 3 } });
    expect(start({ start: 'tsx src/index.ts', 'start:production': 'node dist/index.js' })?.value).toEqual(['node', 'dist/index.js']);
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

  // rajnandan1/kener: an Express server (build/main.js) in front of SvelteKit's handler.
  it("a start script running a file of its own wins over the framework's server; `node build` or the server's own file does not", () => {
    const svelte = (start: string) =>
      detectNode(makeProject({ 'package.json': pkg({ devDependencies: { '@sveltejs/kit': '^2', '@sveltejs/adapter-node': '^5' }, scripts: { build: 'vite build', start } }) }))
        .start?.value;
    expect(svelte('node build/main.js')).toEqual(['node', 'build/main.js']);
    expect(svelte('node build')).toEqual(['node', 'build/index.js']);
    expect(svelte('node build/index.js')).toEqual(['node', 'build/index.js']);
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
    expect(facts.workspace).toEqual({ tool: 'pnpm', memberPath: 'packages/api', packageName: '@ws/api', evidence: { file: '../../pnpm-workspace.yaml' }, root: null });
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

  it("an npm/yarn workspace member is recognised, with what its root adds: every member's manifest, the root's own dependencies, Turborepo", () => {
    const npm = makeProject({
      'package.json': '{"workspaces": ["apps/*", "libs/*"], "devDependencies": {"turbo": "^2.4.0"}}',
      'package-lock.json': '{}',
      'turbo.json': '{}',
      'apps/web/package.json': '{"name":"web","dependencies":{"util":"1.0.0"}}',
      'libs/util/package.json': '{"name":"util","main":"./dist/index.js","scripts":{"build":"tsc"}}',
    });
    const facts = detectNode(new ProjectFiles(path.join(npm.root, 'apps', 'web')));
    expect(facts.workspace).toEqual({
      tool: 'npm-or-yarn',
      memberPath: 'apps/web',
      packageName: 'web',
      evidence: { file: '../../package.json' },
      root: {
        memberManifests: ['apps/web/package.json', 'libs/util/package.json'],
        dependencies: false,
        devDependencies: true,
        turbo: { value: '^2.4.0', evidence: { file: '../../turbo.json' } },
        builtDependencies: ['libs/util/dist'],
      },
    });
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
    expect(facts.packageManagerRange).toEqual({ value: '>=8', evidence: { file: 'package.json', line: 2 } });
    expect(facts.nextConfigFile).toBe('next.config.js');
    expect(facts.nextDistDir).toEqual({ value: 'out/next', evidence: { file: 'next.config.js', line: 2 } });
  });

  it('malformed package.json names the file', () => {
    expect(() => detectNode(makeProject({ 'package.json': '{"name": ' }))).toThrow(/^package\.json: not valid JSON/);
    expect(() => detectNode(makeProject({ 'package.json': '[]' }))).toThrow('package.json: not a JSON object');
  });
});

describe('port and listening, read from the sources', () => {
  const express = { dependencies: { express: '^4' } };

  it('app.listen(5000) in the start file', () => {
    const facts = detectNode(
      makeProject({
        'package.json': pkg({ ...express, scripts: { start: 'node server.js' } }),
        'server.js': "const app = require('express')();\n\napp.listen(5000, function () {});\n",
      }),
    );
    expect(facts.port).toEqual({ value: 5000, evidence: { file: 'server.js', line: 3 } });
    expect(facts.servesNetwork.value).toBe(true);
  });

  it('listen(process.env.PORT || 8080) in the TypeScript that tsc compiles into dist/web.js', () => {
    const facts = detectNode(
      makeProject({
        'package.json': pkg({ ...express, scripts: { build: 'tsc', start: 'node dist/web.js' } }),
        'tsconfig.json': '{ "compilerOptions": { "outDir": "dist" } }',
        'web.ts': "import express from 'express';\nconst app = express();\napp.listen(process.env.PORT || 8080);\n",
      }),
    );
    expect(facts.port).toEqual({ value: 8080, evidence: { file: 'web.ts', line: 3 } });
  });

  it('port: process.env.PORT || 8080 in a config module the entry imports', () => {
    const facts = detectNode(
      makeProject({
        'package.json': pkg({ ...express, main: 'src/index.js', scripts: { start: 'node src/index.js' } }),
        'src/index.js': 'const app = require("./server");\nconst { port } = require("./config");\napp.listen(port);\n',
        'src/server.js': 'module.exports = require("express")();\n',
        'src/config.js': 'module.exports = {\n  database: { port: process.env.DATABASE_PORT },\n  port: process.env.PORT || 8080\n};\n',
      }),
    );
    expect(facts.port).toEqual({ value: 8080, evidence: { file: 'src/config.js', line: 3 } });
  });

  it('const PORT = 4000 named by the listen call; a listen call in a comment does not count', () => {
    const facts = detectNode(
      makeProject({
        'package.json': pkg({ ...express, scripts: { start: 'node index.mjs' } }),
        'index.mjs': "import { start } from './app.mjs';\nstart();\n",
        'app.mjs': '/*\n app.listen(9999)\n*/\n// app.listen(7777)\nconst PORT = 4000;\nexport const start = () => app.listen(PORT);\n',
      }),
    );
    expect(facts.port).toEqual({ value: 4000, evidence: { file: 'app.mjs', line: 5 } });
  });

  // edwinhern/express-typescript-2024: envalid's port() with no default, PORT="8080" in .env.template.
  it("an app whose sources name no port listens on the example env file's PORT; a port in the sources wins over it", () => {
    const files = { 'package.json': pkg({ ...express, scripts: { start: 'node index.js' } }), '.env.template': '# settings\nPORT="8080"            # The port\n' };
    expect(detectNode(makeProject({ ...files, 'index.js': 'app.listen(env.PORT);\n' })).port).toEqual({ value: 8080, evidence: { file: '.env.template', line: 2 } });
    expect(detectNode(makeProject({ ...files, 'index.js': 'app.listen(process.env.PORT || 5000);\n' })).port.value).toBe(5000);
    expect(detectNode(makeProject({ ...files, '.env.template': 'PORT=${OTHER}\n', 'index.js': 'app.listen(env.PORT);\n' })).port).toEqual({ value: 3000, evidence: null });
  });

  it('a port in the start script wins over the sources', () => {
    const facts = detectNode(makeProject({ 'package.json': pkg({ ...express, scripts: { start: 'PORT=9000 node server.js' } }), 'server.js': 'app.listen(5000);\n' }));
    expect(facts.port.value).toBe(9000);
  });

  it('nothing serves: no server package and no listen call in the entry and what it imports', () => {
    const facts = detectNode(
      makeProject({
        'package.json': pkg({ dependencies: { bullmq: '^5' }, scripts: { start: 'node worker.js' } }),
        'worker.js': "require('./jobs');\n",
        'jobs.js': 'module.exports = 1;\n',
      }),
    );
    expect(facts.servesNetwork).toEqual({ value: false, evidence: { file: 'worker.js' } });
  });

  it('a Procfile with a worker and no web process does not listen, even with express among the dependencies', () => {
    const facts = detectNode(makeProject({ 'package.json': pkg({ ...express, scripts: { start: 'node worker.js' } }), Procfile: 'worker: node worker.js\n', 'worker.js': '' }));
    expect(facts.servesNetwork).toEqual({ value: false, evidence: { file: 'Procfile', line: 1 } });
  });

  it('an entry that cannot be read leaves the question open (serves, port unknown)', () => {
    const facts = detectNode(makeProject({ 'package.json': pkg({ scripts: { start: 'node dist/server.js', build: 'esbuild src/x.ts --outdir=dist' } }) }));
    expect(facts.servesNetwork).toEqual({ value: true, evidence: null });
    expect(facts.port).toEqual({ value: 3000, evidence: null });
  });
});

describe('framework servers and their ports', () => {
  it('Astro standalone listens on 4321, or on server.port from astro.config', () => {
    const astro = (config: string) => detectNode(makeProject({ 'package.json': pkg({ dependencies: { astro: '^5', '@astrojs/node': '^9' } }), 'astro.config.mjs': config })).port;
    expect(astro("export default defineConfig({ adapter: node({ mode: 'standalone' }) });\n")).toEqual({ value: 4321, evidence: { file: 'package.json', line: 3 } });
    expect(astro('export default defineConfig({\n  adapter: node(),\n  server: {\n    port: 8081,\n  },\n});\n')).toEqual({
      value: 8081,
      evidence: { file: 'astro.config.mjs', line: 3 },
    });
  });

  it('Nuxt and remix-serve listen on 3000, said by the project (not asked)', () => {
    const nuxt = detectNode(makeProject({ 'package.json': pkg({ dependencies: { nuxt: '^3' }, scripts: { build: 'nuxt build' } }) }));
    expect(nuxt.port).toEqual({ value: 3000, evidence: { file: 'package.json', line: 3 } });
    const remix = detectNode(
      makeProject({ 'package.json': pkg({ dependencies: { '@remix-run/node': '^2', '@remix-run/serve': '^2' }, scripts: { start: 'remix-serve ./build/server/index.js' } }) }),
    );
    expect(remix.port).toEqual({ value: 3000, evidence: { file: 'package.json', line: 3 } });
    const reactRouter = detectNode(
      makeProject({ 'package.json': pkg({ dependencies: { '@react-router/serve': '^7' }, scripts: { start: 'react-router-serve ./build/server/index.js' } }) }),
    );
    expect(reactRouter.port).toEqual({ value: 3000, evidence: { file: 'package.json', line: 6 } });
  });
});

describe('static sites', () => {
  it('Astro without a server adapter is a static site writing dist/ (or its outDir)', () => {
    const facts = detectNode(
      makeProject({ 'package.json': pkg({ dependencies: { astro: '^5' }, scripts: { build: 'astro build' } }), 'astro.config.mjs': 'export default defineConfig({});\n' }),
    );
    expect(facts.staticSite).toEqual({ value: { outDir: 'dist', reason: 'no server adapter in astro.config.mjs' }, evidence: { file: 'astro.config.mjs' } });
    const out = detectNode(makeProject({ 'package.json': pkg({ dependencies: { astro: '^5' } }), 'astro.config.ts': "export default {\n  outDir: './public-site',\n};\n" }));
    expect(out.staticSite?.value.outDir).toBe('public-site');
    const server = detectNode(makeProject({ 'package.json': pkg({ dependencies: { astro: '^5', '@astrojs/node': '^9' } }) }));
    expect(server.staticSite).toBeNull();
  });

  it('a Vite or Angular app with no server is a static site; one with a server is not', () => {
    const vite = detectNode(makeProject({ 'package.json': pkg({ devDependencies: { vite: '^6' }, scripts: { build: 'tsc && vite build', preview: 'vite preview' } }) }));
    expect(vite.staticSite).toEqual({ value: { outDir: 'dist', reason: 'a Vite app with no server' }, evidence: { file: 'package.json', line: 6 } });
    const angular = detectNode(makeProject({ 'package.json': pkg({ dependencies: { '@angular/core': '^19' }, scripts: { build: 'ng build', start: 'ng serve' } }) }));
    expect(angular.staticSite?.value.reason).toBe('an Angular app with no server');
    const served = detectNode(
      makeProject({ 'package.json': pkg({ dependencies: { express: '^4', vite: '^6' }, scripts: { build: 'vite build', start: 'node server.js' } }), 'server.js': '' }),
    );
    expect(served.staticSite).toBeNull();
  });
});

describe('builds that leave the start file beside the sources', () => {
  it("a custom server.js beside Remix's Vite build: build/ is the output, server.js ships from the build stage", () => {
    const facts = detectNode(
      makeProject({
        'package.json': pkg({
          dependencies: { '@remix-run/node': '^2', express: '^4' },
          scripts: { build: 'remix vite:build', start: 'cross-env NODE_ENV=production node ./server.js' },
        }),
        'server.js': 'const build = await import("./build/server/index.js");\nimport { helper } from "./lib/helper.js";\nhttpServer.listen(process.env.PORT || 3000);\n',
        'lib/helper.js': 'export const helper = 1;\n',
      }),
    );
    expect(facts.outDir).toEqual({ value: 'build', evidence: { file: 'package.json', line: 7 } });
    expect(facts.runFiles).toEqual(['server.js', 'lib/helper.js']);
    expect(facts.port).toEqual({ value: 3000, evidence: { file: 'server.js', line: 3 } });
  });

  it('tsc without outDir writes each .js beside its .ts: they are what runs', () => {
    const files = {
      'package.json': pkg({ dependencies: { express: '^4' }, devDependencies: { typescript: '^5' }, scripts: { build: 'tsc' } }),
      'tsconfig.json': '{ "compilerOptions": { "module": "commonjs" } }',
      'server.ts': "import { routes } from './routes';\nroutes();\n",
      'routes.ts': 'export const routes = () => app.listen(8000);\n',
    };
    const facts = detectNode(makeProject(files));
    expect(facts.start).toEqual({ value: ['node', 'server.js'], evidence: { file: 'server.ts' } });
    expect(facts.runFiles).toEqual(['server.js', 'routes.js']);
    expect(facts.port).toEqual({ value: 8000, evidence: { file: 'routes.ts', line: 1 } });
  });
});

describe('Procfile', () => {
  it('web: is the start command, before scripts.start; `web: npm start` defers to it', () => {
    const web = detectNode(
      makeProject({ 'package.json': pkg({ scripts: { start: 'node dev.js' } }), Procfile: 'release: node migrate.js\nweb: node --max-old-space-size=512 web.js\n' }),
    );
    expect(web.start).toEqual({ value: ['node', 'web.js'], evidence: { file: 'Procfile', line: 2 } });
    expect(web.nodeOptions).toEqual({ value: ['--max-old-space-size=512'], evidence: { file: 'Procfile', line: 2 } });
    const npm = detectNode(makeProject({ 'package.json': pkg({ scripts: { start: 'node dev.js' } }), Procfile: 'web: npm start\n' }));
    expect(npm.start?.evidence).toEqual({ file: 'package.json', line: 3 });
  });
});

describe("node's options before the file", () => {
  it.each([
    ['node -r dotenv/config dist/index.js', ['-r', 'dotenv/config'], ['dist/index.js']],
    ['node --require dotenv/config --enable-source-maps dist/server.js --verbose', ['--require', 'dotenv/config', '--enable-source-maps'], ['dist/server.js', '--verbose']],
    ['node -r=dotenv/config --import=./tracing.mjs server.js', ['-r=dotenv/config', '--import=./tracing.mjs'], ['server.js']],
    ['node --max-old-space-size=4096 server.js', ['--max-old-space-size=4096'], ['server.js']],
    ['node --env-file .env --loader ts-node/esm src/index.ts', ['--env-file', '.env', '--loader', 'ts-node/esm'], ['src/index.ts']],
    ['node --inspect server.js', ['--inspect'], ['server.js']],
  ])('%s', (script, options, rest) => {
    const split = splitNodeOptions(startCommandFrom(script)!)!;
    expect(split.options.flatMap((option) => option.words)).toEqual(options);
    expect(split.rest).toEqual(rest);
  });

  it.each(['node --test test/', 'node -e 1', 'node -p process.version', 'node --check server.js', 'node -r dotenv/config'])('%s runs no file of the app: not split', (script) => {
    expect(splitNodeOptions(startCommandFrom(script)!)).toBeNull();
  });

  const preloading = (start: string, extra: Record<string, string> = {}) =>
    detectNode(
      makeProject({
        'package.json': pkg({ scripts: { start }, dependencies: { dotenv: '^16', express: '^5' }, devDependencies: { 'esbuild-register': '^3' } }),
        'server.js': "require('express')().listen(3000);\n",
        ...extra,
      }),
    );

  it('the start command keeps node and the file; the options are their own fact, with the start script as evidence', () => {
    const facts = preloading('node -r dotenv/config server.js');
    expect(facts.start).toEqual({ value: ['node', 'server.js'], evidence: { file: 'package.json', line: 3 } });
    expect(facts.nodeOptions).toEqual({ value: ['-r', 'dotenv/config'], evidence: { file: 'package.json', line: 3 } });
    expect(preloading('node server.js').nodeOptions).toBeNull();
  });

  it('each preloaded module says where the image gets it: a dependency, a devDependency, the app, Node itself, or nowhere declared', () => {
    const facts = preloading('node -r dotenv/config --require esbuild-register --import ./tracing.js -r node:dns --import pino/file server.js', {
      'tracing.js': "require('./otel/setup');\n",
      'otel/setup.js': '',
    });
    expect(facts.preloads).toEqual([
      { option: '-r', module: 'dotenv/config', source: 'dependency' },
      { option: '--require', module: 'esbuild-register', source: 'devDependency' },
      { option: '--import', module: './tracing.js', source: 'app' },
      { option: '-r', module: 'node:dns', source: 'builtin' },
      { option: '--import', module: 'pino/file', source: 'undeclared' },
    ]);
    // The app's preloaded file ships with what it imports, as the entry does.
    expect(facts.shippedSources.kind === 'list' && facts.shippedSources.entries.map((entry) => entry.path)).toEqual(expect.arrayContaining(['server.js', 'tracing.js', 'otel']));
  });

  it('--env-file names the files node reads at start', () => {
    expect(preloading('node --env-file=.env --env-file-if-exists .env.local server.js').envFiles).toEqual(['.env', '.env.local']);
  });
});

describe('a file of the app node preloads, with a build', () => {
  it('ships from the build stage when outside the output, with what it imports; one in the output comes with it', () => {
    const files = (start: string) => ({
      'package.json': pkg({ scripts: { build: 'tsc', start }, dependencies: { express: '^5' } }),
      'tsconfig.json': '{"compilerOptions":{"outDir":"dist"}}',
      'src/index.ts': "import express from 'express';\nexpress().listen(3000);\n",
      'instrument.js': "require('./otel.js');\n",
      'otel.js': '',
      'src/tracing.ts': '',
    });
    expect(detectNode(makeProject(files('node -r ./instrument.js dist/index.js'))).runFiles).toEqual(['instrument.js', 'otel.js']);
    expect(detectNode(makeProject(files('node --import ./dist/tracing.js dist/index.js'))).runFiles).toEqual([]);
  });
});

describe("Next's standalone server: where server.js lands inside .next/standalone", () => {
  /** An npm workspace with a Next member in apps/web; `config` is its next.config.js. */
  const member = (config: string, next = '^16.0.0') => {
    const root = makeProject({
      'package.json': pkg({ name: 'root', private: true, workspaces: ['apps/*'] }),
      'package-lock.json': '{}',
      'apps/web/package.json': pkg({ name: 'web', scripts: { build: 'next build', start: 'next start' }, dependencies: { next: next, react: '^19' } }),
      'apps/web/next.config.js': config,
    });
    return detectNode(new ProjectFiles(path.join(root.root, 'apps/web')));
  };
  const standalone = "module.exports = { output: 'standalone' };\n";

  it('from Next 13.2, below the workspace root, where the lockfile is (Next traces from there)', () => {
    const facts = member(standalone);
    expect(facts.nextServerDir).toEqual({ value: 'apps/web', evidence: { file: 'package.json', line: 8 } });
    expect(facts.start?.value).toEqual(['node', 'apps/web/server.js']);
  });

  it('before Next 13.2, in the app folder itself', () => {
    expect(member(standalone, '13.1.6').start?.value).toEqual(['node', 'server.js']);
  });

  it('outputFileTracingRoot in next.config: the app path from that folder', () => {
    const twoUp = member(
      "const path = require('path');\nmodule.exports = {\n  output: 'standalone',\n  experimental: { outputFileTracingRoot: path.join(__dirname, '../../') },\n};\n",
    );
    expect(twoUp.nextServerDir).toEqual({ value: 'apps/web', evidence: { file: 'next.config.js', line: 4 } });
    const oneUp = member("module.exports = { output: 'standalone', outputFileTracingRoot: path.resolve(__dirname, '..') };\n");
    expect(oneUp.nextServerDir?.value).toBe('web');
    const own = member("module.exports = { output: 'standalone', outputFileTracingRoot: __dirname };\n");
    expect(own.start?.value).toEqual(['node', 'server.js']);
  });

  it('an app of its own (no workspace) has server.js at the top', () => {
    const facts = detectNode(makeProject({ 'package.json': pkg({ name: 'site', dependencies: { next: '^16' } }), 'next.config.js': standalone }));
    expect(facts.start?.value).toEqual(['node', 'server.js']);
  });
});

describe('folders the app creates as it runs', () => {
  const express = { dependencies: { express: '^5' }, scripts: { start: 'node server.js' } };

  // fastify/demo: mkdirSync(path.join(import.meta.dirname, '../../..', fastify.config.UPLOAD_DIRNAME)) at start.
  it('a literal relative folder is named; a computed path is kept with its line; absolute, temporary, test and script paths are not', () => {
    const facts = detectNode(
      makeProject({
        'package.json': pkg(express),
        'server.js':
          "const fs = require('fs');\nfs.mkdirSync('./uploads', { recursive: true });\nfs.mkdirSync(path.join(__dirname, '..', config.DIR));\nfs.mkdirSync('/var/data');\nfs.mkdirSync(path.join(os.tmpdir(), 'x'));\n",
        'test/setup.js': "fs.mkdirSync('fixtures');\n",
        'scripts/build.js': "fs.mkdirSync('out');\n",
      }),
    );
    expect(facts.createdFolders).toEqual({
      named: [{ value: 'uploads', evidence: { file: 'server.js', line: 2 } }],
      computed: { value: "path.join(__dirname, '..', config.DIR)", evidence: { file: 'server.js', line: 3 } },
    });
  });

  it('the image makes them for the run-time user in a stage of their own, copied before anything else lands in /app', async () => {
    const project = makeProject({ 'package.json': pkg(express), 'package-lock.json': '{}', 'server.js': "fs.mkdirSync('uploads');\napp.listen(3000);\n" });
    const { exitCode, stdout } = await runCli([project.root, '--yes', '--stdout', '--base', 'distroless']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain(
      "# uploads/, which the app creates (server.js:1): gathered under /runtime/app, copied in one step below.\n# /app/uploads: the run-time user's own, so it writes there; the rest of /app stays root's.\nRUN mkdir -p /runtime/app/uploads \\\n && chown 65532:65532 /runtime/app/uploads\n",
    );
    const production = stdout.slice(stdout.indexOf('AS production'));
    expect(production.indexOf('COPY --from=app-folders /runtime/ /')).toBeLessThan(production.indexOf('WORKDIR /app'));
    const plain = await runCli([makeProject({ 'package.json': pkg(express), 'package-lock.json': '{}', 'server.js': 'app.listen(3000);\n' }).root, '--yes', '--stdout']);
    expect(plain.stdout).not.toContain('app-folders');
  });
});
