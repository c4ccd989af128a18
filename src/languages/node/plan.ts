import semver from 'semver';
import { installsWorkspace, type NodeFacts, type PackageManager, type Workspace, type WorkspaceRoot } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { createdFolderWhy } from '../../core/runtime-folders.js';
import { usageError } from '../../errors.js';
import type { Planned } from '../../core/language.js';
import { BOOKWORM, DHI_DEBIAN, NONROOT_USER, TRIXIE, distroless, finalImage, hardened, withInit } from '../../core/images.js';
import type { OsPackages } from '../../core/plan-schema.js';
import { applyRules } from '../../core/rules.js';
import type { Answers } from '../../core/options.js';
import { validatePlan } from '../../core/plan-schema.js';
import { NodePlanSchema, type NodePlan } from './schema.js';
import { NODE_RULES, preloadedDevDependency } from './rules.js';
import { imageNameFor } from '../../core/image-name.js';
import { planSecrets } from '../../core/secrets.js';
import { pnpCopies, pnpStart, usesPnp, withPnpInstalls, yarnLinker } from './pnp.js';

/** Where distroless' nodejs images have node: their own ENTRYPOINT, which tini's replaces. */
const DISTROLESS_NODE = '/nodejs/bin/node';

/** The `node` user every official Node image has. */
const NODE_USER = { uid: 1000, gid: 1000, name: 'node', home: '/home/node' };

interface ManagerCommands {
  setup: (version: string | null) => string | null;
  install: string;
  installProduction: string;
  /** Without a lockfile the frozen install would fail, so a plain install is used (and warned about). */
  installUnlocked: string;
  installProductionUnlocked: string;
  /** Runs a package.json script: the build script's name follows. */
  run: string;
  cacheTarget: string;
  /** The installer's own record of node_modules, which only its next install reads: removed after each install. */
  installRecord: string | null;
}

/*
 * Corepack is not in Node's images from 25 on, so yarn, pnpm and bun are installed from the npm
 * registry with npm itself, which works the same on every major.
 */
const MANAGERS: Record<PackageManager, ManagerCommands> = {
  npm: {
    setup: () => null,
    install: 'npm ci',
    installProduction: 'npm ci --omit=dev',
    installUnlocked: 'npm install',
    installProductionUnlocked: 'npm install --omit=dev',
    run: 'npm run',
    cacheTarget: '/root/.npm',
    // npm's hidden lockfile: a later npm command in the folder reads node_modules itself without it.
    installRecord: 'node_modules/.package-lock.json',
  },
  pnpm: {
    setup: (version) => `npm install --global pnpm@${version}`,
    install: 'pnpm install --frozen-lockfile',
    installProduction: 'pnpm install --frozen-lockfile --prod',
    installUnlocked: 'pnpm install',
    installProductionUnlocked: 'pnpm install --prod',
    run: 'pnpm run',
    cacheTarget: '/root/.local/share/pnpm/store',
    installRecord: null,
  },
  'yarn-classic': {
    setup: (version) => `npm install --global --force yarn@${version ?? '1.22.22'}`,
    install: 'yarn install --frozen-lockfile',
    installProduction: 'yarn install --frozen-lockfile --production',
    installUnlocked: 'yarn install',
    installProductionUnlocked: 'yarn install --production',
    run: 'yarn run',
    cacheTarget: '/usr/local/share/.cache/yarn',
    installRecord: null,
  },
  'yarn-berry': {
    // Berry's own npm package; it also honours a pinned .yarn/releases binary (yarnPath).
    setup: (version) => `npm install --global --force @yarnpkg/cli-dist@${version ?? '4'}`,
    install: 'yarn install --immutable',
    installProduction: 'yarn workspaces focus --all --production',
    installUnlocked: 'yarn install',
    installProductionUnlocked: 'yarn workspaces focus --all --production',
    run: 'yarn run',
    cacheTarget: '/root/.yarn/berry/cache',
    installRecord: null,
  },
  bun: {
    setup: (version) => `npm install --global bun@${version ?? '1'}`,
    install: 'bun install --frozen-lockfile',
    installProduction: 'bun install --frozen-lockfile --production',
    installUnlocked: 'bun install',
    installProductionUnlocked: 'bun install --production',
    run: 'bun run',
    cacheTarget: '/root/.bun/install/cache',
    installRecord: null,
  },
};

/**
 * The pnpm majors that install a lockfile format, preferred first: pnpm refuses a lockfile of another
 * major's format (ERR_PNPM_LOCKFILE_BREAKING_CHANGE). 9.0 is written by both 9 and 10; 10 is preferred.
 */
const PNPM_FOR_LOCKFILE: { format: RegExp; majors: number[] }[] = [
  { format: /^5\./, majors: [7] },
  { format: /^6\./, majors: [8] },
  { format: /^9\./, majors: [10, 9] },
];
/** Without a lockfile to go by: 10 first (it reads today's 9.0 format), then the newest engines.pnpm allows. */
const PNPM_MAJORS = [10, 12, 11, 9, 8, 7];

/** The pnpm to install: the packageManager pin, else the major the lockfile's format and engines.pnpm both allow. */
function pnpmVersion(facts: NodeFacts): string {
  if (facts.packageManagerVersion) return facts.packageManagerVersion;
  const lockfileVersion = facts.pnpmLockfileVersion?.value;
  const forLockfile = lockfileVersion ? PNPM_FOR_LOCKFILE.find(({ format }) => format.test(lockfileVersion))?.majors : undefined;
  const candidates = forLockfile ?? PNPM_MAJORS;
  // Without a packageManager pin, the range is engines.pnpm (this runs for pnpm projects only).
  const engines = facts.packageManagerRange?.value;
  const allowed = engines && semver.validRange(engines) ? candidates.filter((major) => semver.intersects(`^${major}.0.0`, engines)) : candidates;
  // The lockfile decides when engines asks for a pnpm that cannot install it: the install must work.
  return String(allowed[0] ?? candidates[0]);
}

/** `@acme/web-app` -> `web-app`: an image name without the npm scope. */
const titleFor = (name: string) => imageNameFor(name.replace(/^@[^/]+\//, ''));

/** An explicit --entry wins over the detected start command. */
function startCommand(facts: NodeFacts, answers: Answers): string[] {
  const start = answers.entry ? ['node', answers.entry] : facts.start?.value;
  if (!start) throw usageError('no start command found: pass --entry with the file node runs, e.g. dist/server.js');
  return start;
}

/**
 * Where the start command finds the build: the folder of the file node runs, or, for a framework CLI
 * run from node_modules (remix-serve build, react-router-serve ./build/server/index.js), the folder
 * it is given. Never node_modules itself: that is the CLI, not the app.
 */
function outDirOfStart(start: string[]): string | null {
  const [, script, ...args] = start;
  const viaCli = script!.startsWith('node_modules/');
  const target = viaCli ? args.find((arg) => !arg.startsWith('-')) : script;
  if (!target) return null;
  const parts = target.replace(/^\.\//, '').split('/');
  // A CLI's argument without a slash is a folder (remix-serve build) unless it names a script.
  if (parts.length === 1 && (!viaCli || /\.[cm]?js$/.test(target))) return null;
  return parts[0] === 'node_modules' ? null : parts[0]!;
}

/** What the project's shape decides: a build, a framework that bundles its own server, node_modules to ship. */
function appShape(facts: NodeFacts, start: string[], answers: Answers) {
  const framework = facts.framework.value;
  const standalone = framework === 'next' && facts.nextStandalone.value;
  const selfContained = standalone || framework === 'nuxt';
  const workspaceRoot = installsWorkspace(facts);
  // npm and friends create no node_modules when there is nothing to install, so copy only what exists.
  const shipsNodeModules = !selfContained && (facts.hasDependencies || workspaceRoot);
  // The start command preloads a devDependency (`node -r esbuild-register`): a production install would leave it out.
  const devAtRuntime = preloadedDevDependency(facts, answers) !== undefined;
  // Where the build runs the app's own scripts: its folder under the workspace root for a member, else /app.
  const appDir = facts.workspace ? `/app/${facts.workspace.memberPath}` : '/app';
  return {
    framework,
    standalone,
    workspaceRoot,
    // Under Turborepo, turbo also builds the workspace packages the member loads from their build output.
    hasBuild: facts.buildScript !== null || turboBuiltDependencies(facts).length > 0,
    shipsNodeModules,
    devAtRuntime,
    prodDeps: shipsNodeModules && (facts.hasDevDependencies || workspaceRoot) && !devAtRuntime,
    outDir: outputOf(facts, start, standalone),
    appDir,
    // Where next build writes in the build stage: .next, or the distDir next.config names.
    nextDir: `${appDir}/${facts.nextDistDir?.value ?? '.next'}`,
    // --entry names a file other than the one whose imports detection followed.
    otherEntry: !!answers.entry && answers.entry.replace(/^\.\//, '') !== facts.start?.value[1]?.replace(/^\.\//, ''),
  };
}

/** The build's output folder and what says so, for the comment above its COPY. */
function outputOf(facts: NodeFacts, start: string[], standalone: boolean): { dir: string; from: string } | null {
  // The standalone server's folder (apps/web/server.js) is inside .next/standalone, not an output folder of its own.
  if (standalone) return null;
  // `next start` serves what `next build` wrote: .next, or the distDir next.config names.
  if (facts.framework.value === 'next') {
    return facts.nextDistDir ? { dir: facts.nextDistDir.value, from: describeEvidence(facts.nextDistDir.evidence) } : { dir: '.next', from: "Next.js's default" };
  }
  if (facts.outDir) return { dir: facts.outDir.value, from: describeEvidence(facts.outDir.evidence) };
  const dir = outDirOfStart(start);
  return dir ? { dir, from: start[1]!.startsWith('node_modules/') ? 'the folder the start command serves' : 'the folder of the entry file' } : null;
}

type AppShape = ReturnType<typeof appShape>;

const PUBLIC_DIR_COPY = { stage: 'build', source: '/app/public', target: './public', why: 'Files the framework serves as they are.' } as const;

/** Frameworks whose server also serves public/ at run time (Remix's classic compiler writes its assets there too). */
const SERVES_PUBLIC_DIR = new Set(['next', 'remix']);

/**
 * Without a build, the app's own files by name; else (what the imports cannot tell) the whole
 * context, from the sources stage when some of it only the install may read.
 */
function sourceCopies(facts: NodeFacts, shape: AppShape): NodePlan['copies'] {
  const shipped = shape.otherEntry
    ? { kind: 'whole' as const, why: `--entry names another file than the one detection read: the whole context ships (.dockerignore keeps the rest out)` }
    : facts.shippedSources;
  if (shipped.kind === 'list') {
    return shipped.entries.map((entry) => ({ stage: null, source: entry.path, target: entry.folder ? `./${entry.path}` : './', why: entry.why }));
  }
  const scrubbed = installOnlyFiles(facts).length > 0;
  return [{ stage: scrubbed ? 'sources' : null, source: scrubbed ? '/app' : '.', target: './', why: `The app has no build step, and ${shipped.why}.` }];
}

/** Settings only the install reads, which can hold a registry token (Yarn Berry's npmAuthToken): no final image ships them. */
const installOnlyFiles = (facts: NodeFacts) => (facts.packageManager.value === 'yarn-berry' && facts.hasYarnrc ? ['.yarnrc.yml'] : []);

/** Why the image ships every dependency, devDependencies included. */
const dependenciesWhy = (shape: AppShape) =>
  shape.devAtRuntime
    ? 'Every dependency, devDependencies too: the start command preloads one, which a production install leaves out.'
    : 'The dependencies (the project has no devDependencies to leave out).';

/** A plain app ships its dependencies and either its build output or, without a build, its sources. */
function plainAppCopies(facts: NodeFacts, shape: AppShape): NodePlan['copies'] {
  const { shipsNodeModules, prodDeps, hasBuild, outDir } = shape;
  const copies: NodePlan['copies'] = [];
  if (shipsNodeModules && usesPnp(facts)) {
    copies.push(...pnpCopies(facts, prodDeps ? 'prod-deps' : 'deps'));
  } else if (shipsNodeModules && shape.workspaceRoot) {
    copies.push({
      stage: prodDeps ? 'prod-deps' : 'deps',
      source: '/app',
      target: './',
      why: `The workspace's ${prodDeps ? 'production install' : 'install, devDependencies too (the start command preloads one)'}: node_modules of the root and of every member (the manifests come with the sources).`,
    });
  } else if (shipsNodeModules) {
    copies.push({
      stage: prodDeps ? 'prod-deps' : 'deps',
      source: '/app/node_modules',
      target: './node_modules',
      why: prodDeps ? 'Production dependencies only: no compilers, test tools or type packages.' : dependenciesWhy(shape),
    });
  }
  if (!hasBuild) {
    copies.push(...sourceCopies(facts, shape));
    return copies;
  }
  if (!outDir && facts.runFiles.length === 0) {
    throw usageError(
      `cannot tell where the build (${describeEvidence(facts.buildScript!.evidence)}) writes: set compilerOptions.outDir in tsconfig.json, or pass --entry <folder>/<file>.js`,
    );
  }
  if (outDir) copies.push({ stage: 'build', source: `/app/${outDir.dir}`, target: `./${outDir.dir}`, why: `The build output (${outDir.from}), not the sources.` });
  for (const file of facts.runFiles) copies.push({ stage: 'build', source: `/app/${file}`, target: `./${file}`, why: 'Loaded by the start command, outside the build output.' });
  if (shape.framework && SERVES_PUBLIC_DIR.has(shape.framework) && facts.hasPublicDir) copies.push(PUBLIC_DIR_COPY);
  if (shape.framework === 'next' && facts.nextConfigFile) {
    copies.push({ stage: null, source: facts.nextConfigFile, target: './', why: '`next start` reads its configuration at run time too.' });
  }
  copies.push({ stage: null, source: facts.manifestFile, target: './', why: 'Node reads "type" and the package name from it at run time.' });
  return copies;
}

/**
 * The package a workspace member's start command runs a file of (`next start` runs
 * node_modules/next/dist/bin/next from the member's folder): npm, Yarn and bun usually hoist it to the
 * root's node_modules, where node, started in the member's folder, does not look for a path.
 */
function hoistedStart(facts: NodeFacts, entryFile: string | undefined): NodePlan['hoistedStart'] {
  const member = memberOfRoot(facts);
  const name = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(entryFile ?? '')?.[1];
  if (!member || !name) return null;
  const memberModules = `${member.memberPath}/node_modules`;
  // A scoped package's link sits in its scope's folder.
  return { memberModules, name, linkFolder: name.includes('/') ? `${memberModules}/${name.split('/')[0]}` : memberModules };
}

/**
 * The manifests a workspace root's prod-deps folder holds that a later copy of the final stage brings
 * again (the whole context, or package.json beside a build's output): each would ship twice, once in
 * each layer, so the prod-deps stage removes its copies.
 */
function prodDepsDuplicates(facts: NodeFacts, copies: NodePlan['copies']): string[] {
  // A member's install sits at the workspace root, where its own file names do not point: left as it is.
  if (memberOfRoot(facts) || !copies.some((copy) => copy.stage === 'prod-deps' && copy.source === '/app')) return [];
  const wholeContext = copies.some((copy) => (copy.stage === null && copy.source === '.') || (copy.stage === 'sources' && copy.source === '/app'));
  if (wholeContext) return [facts.manifestFile, ...(facts.lockfile.value ? [facts.lockfile.value] : []), ...facts.workspaceManifests];
  return copies.some((copy) => copy.stage === null && copy.source === facts.manifestFile) ? [facts.manifestFile] : [];
}

/** The workspace packages' build outputs a member loads that turbo builds (`dependsOn: ["^build"]`); none without Turborepo. */
const turboBuiltDependencies = (facts: NodeFacts): string[] => (facts.workspace?.root?.turbo ? facts.workspace.root.builtDependencies : []);

/** A member of an npm, Yarn or bun workspace (its workspace has a root part); null otherwise. */
const memberOfRoot = (facts: NodeFacts): (Workspace & { root: WorkspaceRoot }) | null => (facts.workspace?.root ? (facts.workspace as Workspace & { root: WorkspaceRoot }) : null);

/**
 * A member of an npm, Yarn or bun workspace: the install narrowed to it (node_modules at the root and
 * in the members it uses), the workspace's sources it loads by name through those node_modules links
 * (turbo prune's, or the context less the other services), and its own build output.
 */
function memberCopies(facts: NodeFacts, shape: AppShape, member: Workspace & { root: WorkspaceRoot }): NodePlan['copies'] {
  const { memberPath, packageName } = member;
  const scrubbed = installOnlyFiles(facts).length > 0;
  const copies: NodePlan['copies'] = [
    shape.prodDeps
      ? { stage: 'prod-deps', source: '/app', target: './', why: `The production install for ${packageName}: node_modules of the root and of its members, beside the manifests.` }
      : {
          stage: 'deps',
          source: '/app',
          target: './',
          why: `The install for ${packageName}, devDependencies too (its start command preloads one): node_modules of the root and of its members, beside the manifests.`,
        },
    member.root.turbo
      ? { stage: 'prune', source: '/app/out/full/', target: './', why: `turbo prune's sources: ${packageName} and the workspace packages it depends on, nothing else.` }
      : {
          stage: scrubbed ? 'sources' : null,
          source: scrubbed ? '/app' : '.',
          target: './',
          why: `The workspace's sources: ${packageName} and the packages it loads by name (the ignore file leaves the other services out).`,
        },
  ];
  for (const dir of turboBuiltDependencies(facts))
    copies.push({ stage: 'build', source: `/app/${dir}`, target: `./${dir}`, why: `A workspace package ${packageName} loads, as turbo built it (its "main" is there).` });
  if (!facts.buildScript) return copies;
  if (!shape.outDir && facts.runFiles.length === 0) {
    throw usageError(
      `cannot tell where the build (${describeEvidence(facts.buildScript!.evidence)}) writes: set compilerOptions.outDir in tsconfig.json, or pass --entry <folder>/<file>.js`,
    );
  }
  const built = [...(shape.outDir ? [shape.outDir.dir] : []), ...facts.runFiles];
  for (const file of built)
    copies.push({ stage: 'build', source: `/app/${memberPath}/${file}`, target: `./${memberPath}/${file}`, why: `${packageName}'s build output, not its sources.` });
  return copies;
}

/**
 * Next's standalone output: server.js in the folder Next traced from (a workspace member's path
 * below the workspace root), the node_modules it traced, and beside server.js the static assets and
 * public/, which standalone output leaves for the host to serve.
 */
function standaloneCopies(facts: NodeFacts, shape: AppShape): NodePlan['copies'] {
  const traced = facts.nextServerDir?.value ?? '';
  const serverDir = traced ? `./${traced}/` : './';
  const evidence = facts.nextServerDir?.evidence ?? null;
  const root =
    evidence?.file === facts.nextConfigFile
      ? `outputFileTracingRoot, ${describeEvidence(evidence)}`
      : `the workspace root, where the lockfile is, as Next does from 13.2 (${describeEvidence(evidence)})`;
  const server = traced ? `The standalone server (${traced}/server.js, below the folder Next traces from: ${root})` : 'The standalone server';
  return [
    { stage: 'build', source: `${shape.nextDir}/standalone`, target: './', why: `${server} and the node_modules it traced: nothing else is needed.` },
    {
      stage: 'build',
      source: `${shape.nextDir}/static`,
      target: `${serverDir}${facts.nextDistDir?.value ?? '.next'}/static`,
      why: 'Static assets, which standalone output leaves for the host to serve.',
    },
    ...(facts.hasPublicDir ? [{ ...PUBLIC_DIR_COPY, source: `${shape.appDir}/public`, target: `${serverDir}public` }] : []),
  ];
}

/** What the final image copies: pnpm deploy's output, a workspace member's install and sources, a framework's self-contained server, or the plain app. */
function appCopies(facts: NodeFacts, shape: AppShape): NodePlan['copies'] {
  if (shape.standalone) return standaloneCopies(facts, shape);
  const member = memberOfRoot(facts);
  if (member) return memberCopies(facts, shape, member);
  if (facts.workspace) {
    return [
      {
        stage: 'build',
        source: '/prod',
        target: './',
        why: `pnpm deploy's output: ${facts.workspace.packageName}, its ${shape.devAtRuntime ? 'dependencies (devDependencies too)' : 'production dependencies'} and the workspace packages it uses.`,
      },
    ];
  }
  if (shape.framework === 'nuxt') {
    return [{ stage: 'build', source: '/app/.output', target: './.output', why: 'Nitro bundles the server and its dependencies into .output.' }];
  }
  return plainAppCopies(facts, shape);
}

/**
 * Yarn 2 and 3 have no production-only install: `workspaces focus --production` comes with a plugin
 * until Yarn 4, which bundles it. There the production install is a plain install of a package.json
 * without devDependencies (the lockfile keeps every other resolution).
 */
function yarnWithoutFocus(facts: NodeFacts): boolean {
  return facts.packageManager.value === 'yarn-berry' && semver.coerce(facts.packageManagerVersion ?? '4')!.major < 4;
}

/** What package.json loses before an install, in npm's own words (npm is in every Node image), and why. */
function manifestEdits(facts: NodeFacts, workspaceRoot: boolean): Pick<NodePlan['packageManager'], 'baseEdit' | 'prodEdit'> {
  return {
    baseEdit: facts.buildIsPostinstall
      ? {
          run: 'npm pkg delete scripts.postinstall',
          why: `The postinstall script builds the app (${describeEvidence(facts.buildScript!.evidence)}) and needs the sources, which come later: the installs run without it, the build stage runs it.`,
        }
      : null,
    prodEdit: yarnWithoutFocus(facts)
      ? {
          run: `npm pkg delete devDependencies${workspaceRoot ? ' --workspaces --include-workspace-root' : ''}`,
          why: `Yarn ${facts.packageManagerVersion} has no production-only install (workspaces focus is a plugin before Yarn 4): the install below sees no devDependencies.`,
        }
      : null,
  };
}

/** The manager's commands: frozen installs from the lockfile, plain ones (warned about) without it. */
function packageManagerSetup(facts: NodeFacts, workspaceRoot: boolean): NodePlan['packageManager'] {
  const manager = facts.packageManager.value;
  const { run, ...installs } = MANAGERS[manager];
  // The lockfile still pins every version; only the packages it lists for devDependencies go unused.
  const production = yarnWithoutFocus(facts) ? { installProduction: 'YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install', installProductionUnlocked: 'yarn install' } : {};
  const commands = withPnpInstalls(facts, { ...installs, ...production, build: `${run} ${facts.buildIsPostinstall ? 'postinstall' : 'build'}` });
  const locked = facts.lockfile.value !== null;
  const manifests = [facts.manifestFile];
  if (facts.lockfile.value) manifests.push(facts.lockfile.value);
  if (manager === 'yarn-berry' && facts.hasYarnrc) manifests.push('.yarnrc.yml');
  // pnpm reads the workspace's members and its install settings (allowBuilds, overrides) from this file.
  if (manager === 'pnpm' && facts.hasPnpmWorkspaceFile) manifests.push('pnpm-workspace.yaml');
  const member = memberOfRoot(facts);
  const chosen = {
    install: locked ? commands.install : commands.installUnlocked,
    installProduction: locked ? commands.installProduction : commands.installProductionUnlocked,
    build: commands.build,
  };
  return {
    setup: commands.setup(manager === 'pnpm' ? pnpmVersion(facts) : facts.packageManagerVersion),
    ...(member ? memberInstalls(facts, member, chosen) : chosen),
    cacheTarget: commands.cacheTarget,
    installRecord: MANAGERS[manager].installRecord,
    manifests,
    // Each in its own folder: the install must see every member to link them and install their dependencies
    // (under Turborepo, turbo prune's out/json has the ones the member needs).
    memberManifests: (member ? (member.root.turbo ? [] : member.root.memberManifests) : facts.workspaceManifests).map((file) => ({
      source: file,
      target: `./${file.slice(0, -'/package.json'.length)}/`,
    })),
    yarnReleases: manager === 'yarn-berry' && facts.hasYarnReleases,
    installOnly: installOnlyFiles(facts),
    ...manifestEdits(facts, workspaceRoot),
  };
}

/**
 * A workspace member's installs and build, from the workspace root: narrowed to the member where the
 * manager can (npm's --workspace, Yarn 4's workspaces focus, bun's --filter from 1.2), else the whole
 * workspace's (Yarn 1, 2 and 3 cannot narrow). Under Turborepo, turbo prune has already cut the
 * workspace down to the member, so the plain installs are narrow, and turbo builds what it depends on first.
 */
function memberInstalls(
  facts: NodeFacts,
  { packageName, root }: Workspace & { root: WorkspaceRoot },
  whole: { install: string; installProduction: string; build: string },
): { install: string; installProduction: string; build: string } {
  const script = facts.buildIsPostinstall ? 'postinstall' : 'build';
  const manager = facts.packageManager.value;
  const build = {
    npm: `npm run ${script} --workspace=${packageName}`,
    'yarn-classic': `yarn workspace ${packageName} run ${script}`,
    'yarn-berry': `yarn workspace ${packageName} run ${script}`,
    bun: `bun run --filter ${packageName} ${script}`,
    pnpm: whole.build,
  }[manager];
  if (root.turbo) return { ...whole, build: root.turbo.value ? `node_modules/.bin/turbo run ${script} --filter=${packageName}` : build };
  if (manager === 'npm') {
    const install = facts.lockfile.value !== null ? 'npm ci' : 'npm install';
    // The root's own dependencies (a shared typescript) come only when asked for; the production install needs only its dependencies.
    const rootFor = (included: boolean) => (included ? ' --include-workspace-root' : '');
    return {
      install: `${install} --workspace=${packageName}${rootFor(root.dependencies || root.devDependencies)}`,
      installProduction: `${install} --workspace=${packageName}${rootFor(root.dependencies)} --omit=dev`,
      build,
    };
  }
  if (manager === 'yarn-berry' && !yarnWithoutFocus(facts))
    return { install: `yarn workspaces focus ${packageName}`, installProduction: `yarn workspaces focus ${packageName} --production`, build };
  if (manager === 'bun' && semver.gte(semver.coerce(facts.packageManagerVersion ?? '1.2')!, '1.2.0'))
    return { install: `${whole.install} --filter ${packageName}`, installProduction: `${whole.installProduction} --filter ${packageName}`, build };
  return { ...whole, build };
}

function runtimeEnv(port: number | null, readsPortEnv: NodeFacts['readsPortEnv'], shape: AppShape): NodePlan['env'] {
  const env = [{ name: 'NODE_ENV', value: 'production', why: 'NODE_ENV=production turns off development behaviour in Node libraries; only the final stages set it.' }];
  // An app that listens on a number its code fixes gets no PORT: setting it would promise that -e PORT moves it.
  if (port !== null && readsPortEnv.value) {
    const why = readsPortEnv.evidence
      ? `The app listens where PORT says (${describeEvidence(readsPortEnv.evidence)}): the port the image exposes.`
      : 'PORT: the port the image exposes, for an app that listens where PORT says (no listen call was found to tell).';
    env.push({ name: 'PORT', value: String(port), why });
  }
  if (shape.standalone) {
    const why = "Next.js's standalone server binds to $HOSTNAME, which Docker sets to the container's name: 0.0.0.0 listens on every address.";
    env.push({ name: 'HOSTNAME', value: '0.0.0.0', why });
  }
  if (shape.framework === 'nuxt' || shape.framework === 'astro') {
    const why = `${shape.framework === 'nuxt' ? 'Nitro (Nuxt)' : "Astro's node adapter"} listens on localhost alone unless HOST says otherwise, out of reach from outside the container.`;
    env.push({ name: 'HOST', value: '0.0.0.0', why });
  }
  return env;
}

/** turbo prune --docker, run in a stage of its own: the turbo the root asks for (its lowest version), else turbo 2. */
function turboPrune(facts: NodeFacts, { packageName, root }: Workspace & { root: WorkspaceRoot }): NodePlan['prune'] {
  if (!root.turbo) return null;
  const range = root.turbo.value === null ? null : semver.validRange(root.turbo.value);
  return {
    setup: `npm install --global turbo@${(range && semver.minVersion(range)?.version) ?? '2'}`,
    prune: `turbo prune ${packageName} --docker`,
    lockfile: facts.lockfile.value ?? 'package-lock.json',
    settings: facts.packageManager.value === 'yarn-berry' && facts.hasYarnrc ? ['.yarnrc.yml'] : [],
  };
}

/**
 * A workspace member builds from the workspace root, with its own Dockerfile and ignore file: a pnpm
 * one with pnpm deploy, an npm, Yarn or bun one with the root's lockfile (turbo prune's under Turborepo).
 */
function workspaceBuild(facts: NodeFacts, shape: AppShape): Pick<NodePlan, 'workspace' | 'member' | 'runFrom' | 'prune' | 'contextPath' | 'dockerfileFlag' | 'dockerignoreName'> {
  const workspace = facts.workspace;
  if (!workspace) return { workspace: null, member: null, runFrom: null, prune: null, contextPath: '.', dockerfileFlag: null, dockerignoreName: '.dockerignore' };
  const fromRoot = {
    contextPath: workspace.memberPath
      .split('/')
      .map(() => '..')
      .join('/'),
    dockerfileFlag: `${workspace.memberPath}/Dockerfile`,
    dockerignoreName: 'Dockerfile.dockerignore',
  };
  const member = memberOfRoot(facts);
  if (member) {
    // Next's standalone server.js finds its files from its own folder, wherever it is started.
    const runFrom = shape.standalone ? null : member.memberPath;
    return { workspace: null, member: { path: member.memberPath }, runFrom, prune: turboPrune(facts, member), ...fromRoot };
  }
  return {
    member: null,
    runFrom: null,
    prune: null,
    ...fromRoot,
    workspace: {
      memberPath: workspace.memberPath,
      // Downloads every package the lockfile names: cached until the lockfile changes, whatever the sources do.
      fetch: 'pnpm fetch',
      install: 'pnpm install --offline --frozen-lockfile',
      build: shape.hasBuild ? `pnpm --filter ${workspace.packageName}... run build` : null,
      // pnpm 10 deploys a workspace member only with --legacy (or inject-workspace-packages); pnpm 9 rejects the flag.
      deploy: shape.standalone
        ? null
        : {
            // --prod leaves devDependencies out, unless the start command preloads one.
            run: `pnpm --filter ${workspace.packageName} deploy${semver.coerce(pnpmVersion(facts))!.major >= 10 ? ' --legacy' : ''}${shape.devAtRuntime ? '' : ' --prod'} /prod`,
            why: shape.devAtRuntime
              ? 'A self-contained copy of the package with every dependency, devDependencies too (the start command preloads one), workspace ones included.'
              : 'A self-contained copy of the package with production dependencies only, workspace ones included.',
          },
    },
  };
}

/** Folders the build writes, kept out of the build context. */
function ignoredOutputs({ hasBuild, outDir, framework }: AppShape): string[] {
  if (!hasBuild) return [];
  return [...new Set([outDir?.dir ?? null, framework === 'next' ? '.next' : null, framework === 'nuxt' ? '.output' : null].filter((dir): dir is string => dir !== null))];
}

/** What node-gyp needs where the install image lacks it: alpine, and the hardened -dev image (no compiler, no python3). */
function nodeGypPackages(base: Answers['base'], native: string[]): OsPackages | null {
  if (native.length === 0) return null;
  if (base === 'alpine') {
    return { manager: 'apk', packages: ['python3', 'make', 'g++'], why: 'node-gyp compiles native modules here, against musl like the final image: it needs these.' };
  }
  if (base === 'hardened') {
    return { manager: 'apt', packages: ['python3', 'make', 'g++'], why: 'node-gyp compiles a native module without a prebuilt binary: the -dev image has no compiler or python3.' };
  }
  return null;
}

/**
 * The newest Debian each old Node major's official images were published on (docker-library's tags:
 * node:12-bullseye-slim, node:16-bookworm-slim): a major that reached its end of life before a Debian
 * release never got images for it, so naming that release would name an image that does not exist.
 */
const LAST_DEBIAN_OF_NODE: Record<number, string> = { 10: 'buster', 11: 'stretch', 12: 'bullseye', 13: 'buster', 14: 'bullseye', 15: 'buster', 17: 'bullseye', 19: 'bullseye' };

/** Node's images have trixie variants from 22 on; 16, 18, 20 and 21 stop at bookworm, older majors earlier. */
function nodeDebian(major: number): string {
  if (major >= 22) return TRIXIE.codename;
  return LAST_DEBIAN_OF_NODE[major] ?? BOOKWORM.codename;
}

/**
 * `--healthcheck`: node's own fetch (Node 18 and later) asks the app on the loopback address; any
 * answer below 500 is healthy (a 404 on / still means the server answers), no answer is not.
 */
function nodeHealthcheck(node: string, port: number) {
  const probe = `fetch('http://127.0.0.1:${port}/').then((r) => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))`;
  return { command: [node, '-e', probe], why: 'node itself probes the app (every Node image has it; no curl or shell needed): an answer below 500 is healthy.' };
}

/**
 * /app is root's: the folders the app creates there as it runs are made for its user, a named one
 * owned by it, and for one at a computed path /app itself takes new entries (group-writable and
 * sticky: not root's files). Not for a workspace member, whose folder below /app this does not reach.
 */
function foldersTheAppCreates(facts: NodeFacts, member: boolean): NodePlan['runtimeFolders'] {
  const { named, computed } = facts.createdFolders;
  if (member || (named.length === 0 && computed === null)) return null;
  const reasons = [
    ...named.map(createdFolderWhy),
    ...(computed ? [`a folder the app creates at a path it computes (${describeEvidence(computed.evidence)}), which may be in /app`] : []),
  ];
  return { why: reasons.join('; '), copies: [], writable: named.map((folder) => folder.value), createsFiles: computed !== null };
}

export function planNode(facts: NodeFacts, answers: Answers, generatorVersion: string): Planned<NodePlan> {
  const { base, debug, port } = answers;
  const major = Number(answers.runtimeVersion);
  const warnings = applyRules(NODE_RULES, { facts, answers, major });
  const start = startCommand(facts, answers);
  // --entry replaces the start command, node's options with it.
  const options = answers.entry ? [] : (facts.nodeOptions?.value ?? []);
  const command = [start[0]!, ...options, ...start.slice(1)];
  const shape = appShape(facts, start, answers);
  const copies = appCopies(facts, shape);
  const { hasBuild, shipsNodeModules, prodDeps } = shape;
  // A pnpm member ships pnpm deploy's output from its build stage; an npm, Yarn or bun member the stages a root has.
  const workspace = facts.workspace?.tool === 'pnpm' ? facts.workspace : null;
  const native = facts.nativeModules.value;

  const debian = nodeDebian(major);
  const slimImage = `node:${major}-${debian}-slim`;
  const alpineImage = `node:${major}-alpine`;
  // distroless is always the current Debian: the rules refuse a major it has no image for there.
  const runtimeImage =
    base === 'slim'
      ? slimImage
      : base === 'alpine'
        ? alpineImage
        : base === 'hardened'
          ? hardened('node', `${major}-debian${DHI_DEBIAN.version}`)
          : distroless(`nodejs${major}`, 'nonroot');
  // The hardened -dev image has npm, yarn and corepack, and the same Node as the runtime image.
  const hardenedDev = hardened('node', `${major}-debian${DHI_DEBIAN.version}-dev`);
  // node-gyp needs python3, make and g++: the full Debian image has them, on the same glibc as slim.
  const depsImage = base === 'alpine' ? alpineImage : base === 'hardened' ? hardenedDev : native.length > 0 ? `node:${major}-${debian}` : slimImage;

  const image = finalImage({
    base,
    debug,
    image: runtimeImage,
    distrolessDebug: base === 'hardened' ? hardenedDev : distroless(`nodejs${major}`, 'debug-nonroot'),
    // Node's images have the node user, CA roots and time zones: no setup, so debug starts from the same image.
    packages: null,
    prepareBase: false,
    // Node sets no SIGTERM handler unless the app does: as PID 1 it would ignore docker stop.
    init: true,
    stopWhy: 'tini runs as PID 1 and passes SIGTERM on to node (run directly, not through npm): as PID 1 node would ignore it, and docker stop would kill it 10 s later.',
  });

  const plan = validatePlan(NodePlanSchema, {
    language: 'node',
    generator: { version: generatorVersion },
    base,
    debug,
    title: titleFor(facts.name.value),
    port,
    user: base === 'distroless' ? NONROOT_USER : NODE_USER,
    nodeVersion: String(major),
    packageManager: packageManagerSetup(facts, shape.workspaceRoot),
    ignoredOutputs: ignoredOutputs(shape),
    depsImage,
    depsPackages: nodeGypPackages(base, native),
    nativeBuild: native.length > 0 && base !== 'hardened',
    // The hardened -dev image keeps Node's headers in a folder named after the exact release
    // (/opt/nodejs/node-v<version>), which a plan cannot know: the build finds it from node's path.
    headersBesideNode: native.length > 0 && base === 'hardened',
    hasBuild: hasBuild && !workspace,
    // Next.js keeps its compiler cache beside the output: a cache mount speeds the next build and keeps it out of the image.
    // A workspace member's next build writes in its own folder under the root.
    buildCache: hasBuild && !workspace && shape.framework === 'next' ? `${shape.nextDir}/cache` : null,
    ignoreNestedNodeModules: workspace !== null || shape.workspaceRoot,
    depsStage: (hasBuild || shipsNodeModules) && !workspace,
    prodDeps: prodDeps && !workspace,
    ...workspaceBuild(facts, shape),
    copies,
    // The final stage copies these stages' /app whole: the files only the install reads go first.
    scrubProdDeps: installOnlyFiles(facts).length > 0 && copies.some((copy) => copy.stage === 'prod-deps' && copy.source === '/app'),
    prodDepsDuplicates: prodDepsDuplicates(facts, copies),
    hoistedStart: hoistedStart(facts, start[1]),
    sourcesStage: copies.some((copy) => copy.stage === 'sources'),
    env: runtimeEnv(port, facts.readsPortEnv, shape),
    runtimeFolders: foldersTheAppCreates(facts, workspace !== null),
    ...image,
    yarnPnp: yarnLinker(facts) !== null,
    entrypoint: withInit(image.init, base === 'distroless' ? [DISTROLESS_NODE] : []),
    cmd: base === 'distroless' ? pnpStart(facts, shipsNodeModules, command).slice(1) : pnpStart(facts, shipsNodeModules, command),
    nodeOptions: options.length > 0 ? { words: options, from: describeEvidence(facts.nodeOptions!.evidence) } : null,
    entryFile: start[1],
    healthcheck: answers.healthcheck ? nodeHealthcheck(base === 'distroless' ? DISTROLESS_NODE : 'node', port!) : null,
    // Only an install reads them: an app with no dependencies builds without.
    ...planSecrets(hasBuild || shipsNodeModules || workspace ? facts.secrets.secrets : []),
  });
  return { plan, warnings };
}
