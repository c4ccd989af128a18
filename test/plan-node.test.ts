import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodePlanSchema, type NodePlan } from '../src/languages/node/schema.js';
import { makeProject } from './helpers.js';
import { answerFolder, planOf } from './matrix.js';

const pkg = (value: object) => JSON.stringify(value, null, 2);

/** The Node plan `--yes --base distroless` makes of a folder. */
async function nodePlan(dir: string): Promise<NodePlan> {
  const { plan } = planOf(await answerFolder(dir, { base: 'distroless', debug: 'none' }));
  if (plan.language !== 'node') throw new Error(`expected a node plan, got ${plan.language}`);
  return plan;
}

const planOfFiles = (files: Record<string, string>) => nodePlan(makeProject(files).root);
const copiesOf = (plan: NodePlan) => plan.copies.map(({ stage, source, target }) => `${stage ?? 'context'}:${source}->${target}`);

describe('frameworks started through a CLI in node_modules ship their build output, not node_modules twice', () => {
  const remix = (start: string) =>
    planOfFiles({
      'package.json': pkg({
        scripts: { build: 'remix vite:build', start },
        dependencies: { '@remix-run/node': '^2', '@remix-run/serve': '^2' },
        devDependencies: { vite: '^6' },
      }),
      'package-lock.json': '{}',
      'public/favicon.ico': 'icon',
    });

  it.each([
    ['remix-serve ./build/server/index.js', 'the Vite build'],
    ['remix-serve build', 'the classic compiler'],
  ])('Remix `%s` (%s): production node_modules once, build/ and public/', async (start) => {
    const plan = await remix(start);
    expect(copiesOf(plan)).toEqual(['prod-deps:/app/node_modules->./node_modules', 'build:/app/build->./build', 'build:/app/public->./public', 'context:package.json->./']);
  });

  it('React Router `react-router-serve ./build/server/index.js` ships build/', async () => {
    const plan = await planOfFiles({
      'package.json': pkg({
        scripts: { build: 'react-router build', start: 'react-router-serve ./build/server/index.js' },
        dependencies: { '@react-router/node': '^7', '@react-router/serve': '^7' },
        devDependencies: { '@react-router/dev': '^7' },
      }),
      'package-lock.json': '{}',
    });
    expect(copiesOf(plan)).toEqual(['prod-deps:/app/node_modules->./node_modules', 'build:/app/build->./build', 'context:package.json->./']);
  });

  it('Next.js without standalone: .next (or distDir), public/, next.config and production node_modules; its compiler cache stays in a cache mount', async () => {
    const files = {
      'package.json': pkg({ scripts: { build: 'next build', start: 'next start' }, dependencies: { next: '^16', react: '^19' }, devDependencies: { typescript: '^5' } }),
      'package-lock.json': '{}',
      'public/robots.txt': 'hi',
    };
    const plain = await planOfFiles({ ...files, 'next.config.ts': 'export default {};\n' });
    expect(copiesOf(plain)).toEqual([
      'prod-deps:/app/node_modules->./node_modules',
      'build:/app/.next->./.next',
      'build:/app/public->./public',
      'context:next.config.ts->./',
      'context:package.json->./',
    ]);
    expect(plain.buildCache).toBe('/app/.next/cache');
    expect(plain.cmd).toEqual(['node_modules/next/dist/bin/next', 'start']);

    const distDir = await planOfFiles({ ...files, 'next.config.mjs': "export default {\n  distDir: 'out/next',\n};\n" });
    expect(distDir.copies[1]).toEqual({ stage: 'build', source: '/app/out/next', target: './out/next', why: 'The build output (next.config.mjs:2), not the sources.' });
    expect(distDir.buildCache).toBe('/app/out/next/cache');
    expect(distDir.ignoredOutputs).toEqual(['out/next', '.next']);
  });
});

describe('the pnpm the image installs', () => {
  const pnpmProject = (lockfileVersion: string | null, extra: object = {}) =>
    planOfFiles({
      'package.json': pkg({ scripts: { start: 'node server.js' }, dependencies: { ms: '^2' }, ...extra }),
      ...(lockfileVersion ? { 'pnpm-lock.yaml': `lockfileVersion: '${lockfileVersion}'\n` } : {}),
      'pnpm-workspace.yaml': 'onlyBuiltDependencies:\n  - esbuild\n',
    });

  it.each([
    ['5.4', {}, 'pnpm@7'],
    ['6.0', {}, 'pnpm@8'],
    ['9.0', {}, 'pnpm@10'],
    ['9.0', { engines: { pnpm: '^9.1.0' } }, 'pnpm@9'],
    // engines asks for a pnpm that cannot read this lockfile: the lockfile decides, or nothing installs.
    ['6.0', { engines: { pnpm: '>=9' } }, 'pnpm@8'],
    ['9.0', { packageManager: 'pnpm@9.15.9' }, 'pnpm@9.15.9'],
  ])('lockfileVersion %s with %j: %s', async (lockfileVersion, extra, expected) => {
    const plan = await pnpmProject(lockfileVersion, extra);
    expect(plan.packageManager.setup).toBe(`npm install --global ${expected}`);
  });

  it.each([
    [{}, 'pnpm@10'],
    [{ engines: { pnpm: '>=11' } }, 'pnpm@12'],
    [{ engines: { pnpm: '~11.2.0' } }, 'pnpm@11'],
  ])('a lockfile format it does not know, with %j: 10 unless engines.pnpm rules it out, then the newest it allows (%s)', async (extra, expected) => {
    const plan = await pnpmProject('10.0', extra);
    expect(plan.packageManager.setup).toBe(`npm install --global ${expected}`);
  });

  it('pnpm-workspace.yaml is copied with the manifests: pnpm reads its install settings there', async () => {
    const plan = await pnpmProject('9.0');
    expect(plan.packageManager.manifests).toEqual(['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml']);
  });

  it.each([
    ['9.15.9', 'pnpm --filter @ws/api deploy --prod /prod'],
    ['10.12.1', 'pnpm --filter @ws/api deploy --legacy --prod /prod'],
  ])('a workspace member deployed with pnpm %s: %s', async (version, deploy) => {
    const project = makeProject({
      'package.json': pkg({ name: 'root', private: true, packageManager: `pnpm@${version}` }),
      'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'packages/api/package.json': pkg({ name: '@ws/api', scripts: { start: 'node server.js' } }),
    });
    expect((await nodePlan(path.join(project.root, 'packages', 'api'))).workspace?.deploy?.run).toBe(deploy);
  });
});

describe('a workspace root installs its members', () => {
  it('pnpm: pnpm-workspace.yaml and every member manifest before the install; the whole install ships', async () => {
    const plan = await planOfFiles({
      'package.json': pkg({ name: 'root', private: true, scripts: { start: 'node apps/api/server.js' } }),
      'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n  - "!apps/legacy"\nallowBuilds:\n  esbuild: true\n',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'apps/api/package.json': pkg({ name: 'api', dependencies: { ms: '^2' } }),
      'apps/legacy/package.json': pkg({ name: 'legacy' }),
      'tools/package.json': pkg({ name: 'tools' }),
    });
    expect(plan.packageManager.manifests).toEqual(['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml']);
    expect(plan.packageManager.memberManifests).toEqual([{ source: 'apps/api/package.json', target: './apps/api/' }]);
    expect(copiesOf(plan)).toEqual(['prod-deps:/app->./', 'context:.->./']);
    expect(plan.prodDeps).toBe(true);
    expect(plan.ignoreNestedNodeModules).toBe(true);
  });
});

describe('listening address', () => {
  it("Astro's node adapter gets HOST=0.0.0.0, as Nuxt does; an Express app does not need it", async () => {
    const astro = await planOfFiles({
      'package.json': pkg({ scripts: { build: 'astro build' }, dependencies: { astro: '^5', '@astrojs/node': '^9' } }),
      'package-lock.json': '{}',
    });
    expect(astro.env).toContainEqual(expect.objectContaining({ name: 'HOST', value: '0.0.0.0' }));
    const express = await planOfFiles({ 'package.json': pkg({ scripts: { start: 'node server.js' }, dependencies: { express: '^5' } }), 'package-lock.json': '{}' });
    expect(express.env.map(({ name }) => name)).toEqual(['NODE_ENV', 'PORT']);
  });
});

describe('PORT in the image: only for an app that listens where it says', () => {
  const express = (server: string) =>
    planOfFiles({ 'package.json': pkg({ scripts: { start: 'node server.js' }, dependencies: { express: '^5' } }), 'package-lock.json': '{}', 'server.js': server });

  it('an app that reads PORT gets it, and the comment says where it reads it', async () => {
    const plan = await express("const app = require('express')();\napp.listen(process.env.PORT || 8080);\n");
    expect(plan.env).toContainEqual({ name: 'PORT', value: '8080', why: 'The app listens where PORT says (server.js:2): the port the image exposes.' });
  });

  it("PORT asked for by name (Nest's ConfigService) counts as read", async () => {
    const plan = await express("const app = require('express')();\nconst config = { get: (name) => process.env[name] };\napp.listen(config.get('PORT') ?? 3000);\n");
    expect(plan.env.map(({ name }) => name)).toEqual(['NODE_ENV', 'PORT']);
  });

  it('an app whose code fixes its port gets no PORT, which would promise that -e PORT moves it', async () => {
    const plan = await express("const app = require('express')();\napp.listen(3000);\n");
    expect(plan.env.map(({ name }) => name)).toEqual(['NODE_ENV']);
    expect(plan.port).toBe(3000);
  });

  it('an entry stagecraft cannot read keeps PORT, as does a framework server, which reads it itself', async () => {
    const unread = await planOfFiles({ 'package.json': pkg({ scripts: { start: 'node server.js' }, dependencies: { express: '^5' } }), 'package-lock.json': '{}' });
    expect(unread.env.find(({ name }) => name === 'PORT')?.why).toBe(
      'PORT: the port the image exposes, for an app that listens where PORT says (no listen call was found to tell).',
    );
    const next = await planOfFiles({ 'package.json': pkg({ scripts: { build: 'next build', start: 'next start' }, dependencies: { next: '^15' } }), 'package-lock.json': '{}' });
    expect(next.env.find(({ name }) => name === 'PORT')?.value).toBe('3000');
  });
});

describe('the Debian of a Node image: the newest one that major was published on', () => {
  it.each([
    // Node 12 and 14 ended before bookworm: their last images are bullseye (node:12-bullseye-slim), never bookworm.
    ['12.11.0', 'node:12-bullseye-slim'],
    ['14', 'node:14-bullseye-slim'],
    ['16', 'node:16-bookworm-slim'],
    ['20', 'node:20-bookworm-slim'],
    ['24', 'node:24-trixie-slim'],
  ])('engines.node %s: %s', async (engines, image) => {
    const dir = makeProject({ 'package.json': pkg({ engines: { node: engines }, scripts: { start: 'node web.js' }, dependencies: { express: '^4' } }), 'yarn.lock': '' }).root;
    const { plan } = planOf(await answerFolder(dir, { base: 'slim', debug: 'none' }));
    if (plan.language !== 'node') throw new Error(`expected a node plan, got ${plan.language}`);
    expect(plan.depsImage).toBe(image);
    expect(plan.runtime.image).toBe(image);
  });
});

describe("Yarn's production-only install, by the Yarn the project pins", () => {
  const yarnProject = (version: string) =>
    planOfFiles({
      'package.json': pkg({ packageManager: `yarn@${version}`, scripts: { start: 'node server.js' }, dependencies: { ms: '^2' }, devDependencies: { typescript: '^5' } }),
      'yarn.lock': '__metadata:\n  version: 6\n',
      '.yarnrc.yml': 'nodeLinker: node-modules\n',
    });

  it('Yarn 4 bundles workspaces focus: the production install is `yarn workspaces focus --all --production`', async () => {
    const { packageManager } = await yarnProject('4.5.0');
    expect(packageManager.installProduction).toBe('yarn workspaces focus --all --production');
    expect(packageManager.prodEdit).toBeNull();
  });

  it.each(['3.2.1', '2.4.3'])('Yarn %s has focus only as a plugin: package.json loses its devDependencies, then a plain install', async (version) => {
    const { packageManager } = await yarnProject(version);
    expect(packageManager.prodEdit?.run).toBe('npm pkg delete devDependencies');
    expect(packageManager.installProduction).toBe('YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install');
    expect(packageManager.install).toBe('yarn install --immutable');
  });
});

describe('a postinstall script that builds the app (no build script; the start file is not in the project)', () => {
  const files = {
    'package.json': pkg({ scripts: { postinstall: 'tsc --build', start: 'node dist/web.js' }, dependencies: { express: '^4' }, devDependencies: { typescript: '^5' } }),
    'package-lock.json': '{}',
    'tsconfig.json': '{ "compilerOptions": { "outDir": "dist" } }\n',
    'web.ts': 'export {};\n',
  };

  it('runs in the build stage, after the sources; the installs run without it; dist/ ships', async () => {
    const plan = await planOfFiles(files);
    expect(plan.hasBuild).toBe(true);
    expect(plan.packageManager.build).toBe('npm run postinstall');
    expect(plan.packageManager.baseEdit?.run).toBe('npm pkg delete scripts.postinstall');
    expect(copiesOf(plan)).toEqual(['prod-deps:/app/node_modules->./node_modules', 'build:/app/dist->./dist', 'context:package.json->./']);
  });

  it('a postinstall beside a start file the project has (patch-package, server.js) is no build: the installs keep it', async () => {
    const plan = await planOfFiles({
      'package.json': pkg({ scripts: { postinstall: 'patch-package', start: 'node server.js' }, dependencies: { express: '^4' }, devDependencies: { 'patch-package': '^8' } }),
      'package-lock.json': '{}',
      'server.js': 'require("express")().listen(3000);\n',
    });
    expect(plan.hasBuild).toBe(false);
    expect(plan.packageManager.baseEdit).toBeNull();
  });
});

describe("node's options from the start command", () => {
  const files = (start: string) => ({
    'package.json': pkg({ scripts: { start }, dependencies: { dotenv: '^16', express: '^5' }, devDependencies: { 'esbuild-register': '^3' } }),
    'package-lock.json': '{}',
    'server.js': "require('express')().listen(3000);\n",
  });
  const planWith = async (start: string, flags: Parameters<typeof answerFolder>[1]) => {
    const { plan } = planOf(await answerFolder(makeProject(files(start)).root, { debug: 'none', ...flags }));
    if (plan.language !== 'node') throw new Error(`expected a node plan, got ${plan.language}`);
    return plan;
  };

  it('the exec-form command carries them before the file, with where they are written', async () => {
    const slim = await planWith('node -r dotenv/config --enable-source-maps server.js', { base: 'slim' });
    expect(slim.cmd).toEqual(['node', '-r', 'dotenv/config', '--enable-source-maps', 'server.js']);
    expect(slim.nodeOptions).toEqual({ words: ['-r', 'dotenv/config', '--enable-source-maps'], from: 'package.json:3' });
    expect(slim.entryFile).toBe('server.js');
    // distroless has node in its entrypoint: the options follow it there.
    const distroless = await planWith('node --max-old-space-size=4096 server.js', { base: 'distroless' });
    expect(distroless.cmd).toEqual(['--max-old-space-size=4096', 'server.js']);
  });

  it('--entry replaces the start command, its options with it', async () => {
    const plan = await planWith('node -r dotenv/config server.js', { base: 'slim', entry: 'server.js' });
    expect(plan.cmd).toEqual(['node', 'server.js']);
    expect(plan.nodeOptions).toBeNull();
  });

  it('a devDependency preloaded ships every devDependency, with a warning (a production install leaves it out); --env-file and a package no dependency lists are warned about', async () => {
    const preloaded = planOf(await answerFolder(makeProject(files('node -r esbuild-register server.js')).root, { base: 'slim', debug: 'none' }));
    expect(preloaded.warnings.join('\n')).toContain('package.json:3: `-r esbuild-register` preloads a devDependency, so the image ships every devDependency');
    expect(preloaded.plan).toMatchObject({ prodDeps: false, copies: expect.arrayContaining([expect.objectContaining({ stage: 'deps', source: '/app/node_modules' })]) });
    // Without the preload, the same project ships production dependencies only.
    const plain = planOf(await answerFolder(makeProject(files('node server.js')).root, { base: 'slim', debug: 'none' }));
    expect(plain.plan).toMatchObject({ prodDeps: true, copies: expect.arrayContaining([expect.objectContaining({ stage: 'prod-deps', source: '/app/node_modules' })]) });
    const { warnings } = planOf(await answerFolder(makeProject(files('node --env-file=.env server.js')).root, { base: 'slim', debug: 'none' }));
    expect(warnings.join('\n')).toContain('--env-file .env is read when node starts');
    const undeclared = planOf(await answerFolder(makeProject(files('node --import pino/file server.js')).root, { base: 'slim', debug: 'none' }));
    expect(undeclared.warnings.join('\n')).toContain('`--import pino/file` preloads a package package.json does not list in dependencies');
  });

  it('the schema refuses an option word exec form cannot carry as it is', () => {
    expect(NodePlanSchema.shape.nodeOptions.safeParse({ words: ['-r', 'dotenv/config'], from: 'package.json:3' }).success).toBe(true);
    expect(NodePlanSchema.shape.nodeOptions.safeParse({ words: ['-r', 'x;rm'], from: 'package.json:3' }).success).toBe(false);
    expect(NodePlanSchema.shape.nodeOptions.safeParse({ words: ['--title=$HOME'], from: 'package.json:3' }).success).toBe(false);
  });
});

describe('a server bound to localhost: reachable inside the container only, so a warning names the line', () => {
  const warningsFor = async (dependencies: Record<string, string>, server: string) =>
    planOf(
      await answerFolder(makeProject({ 'package.json': pkg({ scripts: { start: 'node server.js' }, dependencies }), 'package-lock.json': '{}', 'server.js': server }).root, {
        base: 'slim',
        debug: 'none',
      }),
    ).warnings.join('\n');

  it("Fastify's listen() without a host (its default is localhost), and any listen() given localhost", async () => {
    expect(await warningsFor({ fastify: '^5' }, "const app = require('fastify')();\napp.listen({ port: process.env.PORT ?? 3000 });\n")).toContain(
      "server.js:2: the server listens on localhost only (Fastify's listen() gets no host, and Fastify's default is localhost), which a port published with docker run -p cannot reach; give listen() host: '0.0.0.0' (or '::')",
    );
    expect(await warningsFor({ express: '^5' }, "const app = require('express')();\napp.listen(3000, '127.0.0.1');\n")).toContain(
      'server.js:2: the server listens on localhost only (listen() is given 127.0.0.1)',
    );
  });

  it("Fastify given a host, and Express's listen(port), which binds every address, are not warned about", async () => {
    expect(await warningsFor({ fastify: '^5' }, "const app = require('fastify')();\napp.listen({ port: 3000, host: '0.0.0.0' });\n")).not.toContain('localhost only');
    expect(await warningsFor({ express: '^5' }, "const app = require('express')();\napp.listen(3000);\n")).not.toContain('localhost only');
  });
});
