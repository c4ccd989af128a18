import type { NodeFacts, PackageManager } from './detect.js';
import { MAINTAINED_NODE_MAJORS } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { refusal, usageError } from '../../errors.js';
import type { Planned } from '../../core/language.js';
import { BOOKWORM, DEBUG_TOOLS, NONROOT_USER, TRIXIE, checkShellDebug, distroless } from '../../core/images.js';
import type { Answers } from '../../core/options.js';
import { validatePlan } from '../../core/plan-schema.js';
import { NodePlanSchema, type NodePlan } from './schema.js';
import { imageNameFor } from '../../core/image-name.js';

/** The `node` user every official Node image has. */
const NODE_USER = { uid: 1000, gid: 1000, name: 'node', home: '/home/node' };

interface ManagerCommands {
  setup: (version: string | null) => string | null;
  install: string;
  installProduction: string;
  /** Without a lockfile the frozen install would fail, so a plain install is used (and warned about). */
  installUnlocked: string;
  installProductionUnlocked: string;
  build: string;
  cacheTarget: string;
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
    build: 'npm run build',
    cacheTarget: '/root/.npm',
  },
  pnpm: {
    setup: (version) => `npm install --global pnpm@${version ?? '10'}`,
    install: 'pnpm install --frozen-lockfile',
    installProduction: 'pnpm install --frozen-lockfile --prod',
    installUnlocked: 'pnpm install',
    installProductionUnlocked: 'pnpm install --prod',
    build: 'pnpm run build',
    cacheTarget: '/root/.local/share/pnpm/store',
  },
  'yarn-classic': {
    setup: (version) => `npm install --global --force yarn@${version ?? '1.22.22'}`,
    install: 'yarn install --frozen-lockfile',
    installProduction: 'yarn install --frozen-lockfile --production',
    installUnlocked: 'yarn install',
    installProductionUnlocked: 'yarn install --production',
    build: 'yarn run build',
    cacheTarget: '/usr/local/share/.cache/yarn',
  },
  'yarn-berry': {
    // Berry's own npm package; it also honours a pinned .yarn/releases binary (yarnPath).
    setup: (version) => `npm install --global --force @yarnpkg/cli-dist@${version ?? '4'}`,
    install: 'yarn install --immutable',
    installProduction: 'yarn workspaces focus --all --production',
    installUnlocked: 'yarn install',
    installProductionUnlocked: 'yarn workspaces focus --all --production',
    build: 'yarn run build',
    cacheTarget: '/root/.yarn/berry/cache',
  },
  bun: {
    setup: (version) => `npm install --global bun@${version ?? '1'}`,
    install: 'bun install --frozen-lockfile',
    installProduction: 'bun install --frozen-lockfile --production',
    installUnlocked: 'bun install',
    installProductionUnlocked: 'bun install --production',
    build: 'bun run build',
    cacheTarget: '/root/.bun/install/cache',
  },
};

/** `@acme/web-app` -> `web-app`: an image name without the npm scope. */
const titleFor = (name: string) => imageNameFor(name.replace(/^@[^/]+\//, ''));

export function planNode(facts: NodeFacts, answers: Answers, generatorVersion: string): Planned<NodePlan> {
  const { base, debug, port } = answers;
  const warnings: string[] = [];
  const major = Number(answers.runtimeVersion);
  const manager = facts.packageManager.value;

  if (base === 'scratch') {
    throw refusal('--base scratch cannot run a Node app: node itself needs a C library and its runtime files; use --base distroless for the smallest image');
  }
  if (base === 'distroless' && major % 2 === 1) {
    throw refusal(`--base distroless: distroless publishes Node images for LTS (even) majors only, and this is Node ${major}; use --runtime-version ${major + 1} or --base slim`);
  }
  if (facts.workspace?.tool === 'npm-or-yarn') {
    throw refusal(`this package is a member of the workspace in ${describeEvidence(facts.workspace.evidence)}: only pnpm workspaces are supported so far`);
  }
  if (facts.workspace && manager !== 'pnpm') {
    throw refusal(`a pnpm workspace (${describeEvidence(facts.workspace.evidence)}) whose lockfile is not pnpm's (${manager}): run pnpm install at the workspace root first`);
  }
  if (manager === 'yarn-berry' && facts.yarnPnp.value) {
    throw refusal(`Yarn Plug'n'Play (${describeEvidence(facts.yarnPnp.evidence)}) has no node_modules to ship; set "nodeLinker: node-modules" in .yarnrc.yml`);
  }
  if (major < MAINTAINED_NODE_MAJORS[0]) {
    warnings.push(`Node ${major} is past its end of life: no more security fixes; consider --runtime-version ${MAINTAINED_NODE_MAJORS.at(-1)}`);
  }
  if (facts.lockfile.value === null && (facts.hasDependencies || facts.hasDevDependencies)) {
    warnings.push(`no lockfile: installs are not reproducible (each build may resolve newer versions); commit the lockfile ${manager === 'npm' ? '(npm install writes package-lock.json)' : ''}`.trim());
  }
  const shellWarning = checkShellDebug(base, debug);
  if (shellWarning) warnings.push(shellWarning);
  const native = facts.nativeModules.value;
  if (native.length > 0 && base === 'alpine') {
    warnings.push(`native modules (${native.join(', ')}) on alpine: they are installed on alpine too, so they link musl like the final image; prebuilt binaries may be missing and are compiled (python3, make, g++)`);
  }

  // An explicit --entry wins over the detected start command.
  const start = answers.entry ? ['node', answers.entry] : facts.start?.value;
  if (!start) throw usageError('no start command found: pass --entry with the file node runs, e.g. dist/server.js');

  const framework = facts.framework.value;
  const standalone = framework === 'next' && facts.nextStandalone.value;
  if (framework === 'next' && !standalone) {
    warnings.push("Next.js without output: 'standalone' ships all production node_modules; add output: 'standalone' to next.config for a much smaller image");
  }
  const hasBuild = facts.buildScript !== null;
  const selfContained = standalone || framework === 'nuxt';
  // npm and friends create no node_modules when there is nothing to install, so copy only what exists.
  const shipsNodeModules = !selfContained && facts.hasDependencies;
  const prodDeps = shipsNodeModules && facts.hasDevDependencies;
  const entryFile = start[1]!;
  const outDir = facts.outDir?.value ?? (entryFile.includes('/') ? entryFile.split('/')[0]! : null);

  const workspace = facts.workspace;
  const copies: NodePlan['copies'] = [];
  if (workspace) {
    copies.push({
      stage: 'build',
      source: '/prod',
      target: './',
      why: `pnpm deploy's output: ${workspace.packageName}, its production dependencies and the workspace packages it uses.`,
    });
  } else if (standalone) {
    copies.push({ stage: 'build', source: '/app/.next/standalone', target: './', why: 'The standalone server and the node_modules it traced: nothing else is needed.' });
    copies.push({ stage: 'build', source: '/app/.next/static', target: './.next/static', why: 'Static assets, which standalone output leaves for the host to serve.' });
    if (facts.hasPublicDir) copies.push({ stage: 'build', source: '/app/public', target: './public', why: 'Files Next.js serves as they are.' });
  } else if (framework === 'nuxt') {
    copies.push({ stage: 'build', source: '/app/.output', target: './.output', why: 'Nitro bundles the server and its dependencies into .output.' });
  } else {
    if (shipsNodeModules) {
      copies.push({
        stage: prodDeps ? 'prod-deps' : 'deps',
        source: '/app/node_modules',
        target: './node_modules',
        why: prodDeps ? 'Production dependencies only: no compilers, test tools or type packages.' : 'The dependencies (the project has no devDependencies to leave out).',
      });
    }
    if (hasBuild) {
      if (!outDir) {
        throw usageError(`cannot tell where the build (${describeEvidence(facts.buildScript!.evidence)}) writes: set compilerOptions.outDir in tsconfig.json, or pass --entry <folder>/<file>.js`);
      }
      copies.push({ stage: 'build', source: `/app/${outDir}`, target: `./${outDir}`, why: `The build output (${facts.outDir ? describeEvidence(facts.outDir.evidence) : 'the folder of the entry file'}), not the sources.` });
      if (framework === 'next') {
        if (facts.hasPublicDir) copies.push({ stage: 'build', source: '/app/public', target: './public', why: 'Files Next.js serves as they are.' });
      }
      copies.push({ stage: null, source: 'package.json', target: './', why: 'Node reads "type" and the package name from it at run time.' });
    } else {
      copies.push({ stage: null, source: '.', target: './', why: 'The app has no build step: its sources are what runs (.dockerignore keeps the rest out).' });
    }
  }

  const debian = major >= 22 ? TRIXIE : BOOKWORM;
  const family = base === 'slim' ? 'debian' : base;
  const slimImage = `node:${major}-${debian.codename}-slim`;
  const alpineImage = `node:${major}-alpine`;
  const runtimeImage =
    base === 'slim' ? slimImage : base === 'alpine' ? alpineImage : distroless(`nodejs${major}`, debian, 'nonroot');
  // node-gyp needs python3, make and g++: the full Debian image has them, on the same glibc as slim.
  const depsImage = base === 'alpine' ? alpineImage : native.length > 0 ? `node:${major}-${debian.codename}` : slimImage;
  const commands = MANAGERS[manager];
  const locked = facts.lockfile.value !== null;
  const manifests = ['package.json'];
  if (facts.lockfile.value) manifests.push(facts.lockfile.value);
  if (manager === 'yarn-berry') manifests.push('.yarnrc.yml');

  const env = [{ name: 'NODE_ENV', value: 'production' }];
  if (port !== null) env.push({ name: 'PORT', value: String(port) });
  // Next.js standalone and Nitro bind to the container's hostname unless told to listen everywhere.
  if (standalone) env.push({ name: 'HOSTNAME', value: '0.0.0.0' });
  if (framework === 'nuxt') env.push({ name: 'HOST', value: '0.0.0.0' });

  const needsOsSetup = family === 'debian' || family === 'alpine';
  const plan = validatePlan(NodePlanSchema, {
    language: 'node',
    generator: { version: generatorVersion },
    base,
    debug,
    title: titleFor(facts.name.value),
    port,
    user: base === 'distroless' ? NONROOT_USER : NODE_USER,
    nodeVersion: String(major),
    packageManager: {
      name: manager,
      setup: commands.setup(facts.packageManagerVersion),
      install: locked ? commands.install : commands.installUnlocked,
      installProduction: locked ? commands.installProduction : commands.installProductionUnlocked,
      build: commands.build,
      cacheTarget: commands.cacheTarget,
      manifests,
      yarnReleases: manager === 'yarn-berry' && facts.hasYarnReleases,
    },
    ignoredOutputs: hasBuild ? [...new Set([outDir, framework === 'next' ? '.next' : null, framework === 'nuxt' ? '.output' : null].filter((dir): dir is string => dir !== null))] : [],
    depsImage,
    depsPackages: base === 'alpine' && native.length > 0 ? ['python3', 'make', 'g++'] : [],
    nativeBuild: native.length > 0,
    hasBuild: hasBuild && !workspace,
    depsStage: (hasBuild || shipsNodeModules) && !workspace,
    prodDeps: prodDeps && !workspace,
    workspace: workspace && {
      memberPath: workspace.memberPath,
      // Downloads every package the lockfile names: cached until the lockfile changes, whatever the sources do.
      fetch: 'pnpm fetch',
      install: 'pnpm install --offline --frozen-lockfile',
      build: hasBuild ? `pnpm --filter ${workspace.packageName}... run build` : null,
      deploy: `pnpm --filter ${workspace.packageName} deploy --legacy --prod /prod`,
    },
    contextPath: workspace ? workspace.memberPath.split('/').map(() => '..').join('/') : '.',
    dockerfileFlag: workspace ? `${workspace.memberPath}/Dockerfile` : null,
    dockerignoreName: workspace ? 'Dockerfile.dockerignore' : '.dockerignore',
    copies,
    env,
    runtime: {
      family,
      image: runtimeImage,
      packages: [],
      createUser: false,
      // Node images need no OS setup, so debug starts from the same image instead of a shared stage.
      sharedStage: false,
    },
    debugStage:
      debug !== 'stage' ? null
      : family === 'debian' || family === 'alpine' ? { from: runtimeImage, family, packages: DEBUG_TOOLS[family] }
      : { from: distroless(`nodejs${major}`, debian, 'debug-nonroot'), family: 'distroless', packages: [] },
    shellTools: debug === 'shell' && needsOsSetup ? DEBUG_TOOLS[family] : [],
    cmd: base === 'distroless' ? start.slice(1) : start,
  });
  return { plan, warnings };
}

