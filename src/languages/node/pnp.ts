import type { NodeFacts } from './detect.js';
import type { NodePlan } from './schema.js';

/*
 * Yarn Plug'n'Play: no node_modules; the dependencies stay zipped in .yarn/cache (native ones
 * unpacked in .yarn/unplugged), and .pnp.cjs teaches node to resolve and read them. The image ships
 * those and starts node with `-r ./.pnp.cjs` (and Yarn's ESM loader for an ES module app).
 */

/** A package's own file under node_modules (next start, remix-serve): a path Plug'n'Play does not have. */
const startsFromPackageFile = (facts: NodeFacts) => facts.start?.value[1]?.startsWith('node_modules/') ?? false;

/**
 * How the image links a Plug'n'Play project's dependencies: Plug'n'Play itself, or node_modules when
 * the start command names a file inside a package (the lockfile is the same for both linkers).
 */
export function yarnLinker(facts: NodeFacts): 'pnp' | 'node-modules' | null {
  if (facts.packageManager.value !== 'yarn-berry' || !facts.yarnPnp.value) return null;
  return startsFromPackageFile(facts) ? 'node-modules' : 'pnp';
}

export const usesPnp = (facts: NodeFacts) => yarnLinker(facts) === 'pnp';

/** The package whose file the start command runs ("@remix-run/serve"), for the warning. */
export const startPackage = (facts: NodeFacts) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(facts.start?.value[1] ?? '')?.[1] ?? null;

interface InstallCommands {
  install: string;
  installProduction: string;
  installUnlocked: string;
  installProductionUnlocked: string;
  build: string;
}

/**
 * Installs that leave the zips in the project: Yarn 4 keeps them in its global cache by default,
 * which is the build's cache mount and never reaches the image. An ES module app also needs the loader file.
 * The build runs with the same settings, or Yarn would find the project not installed.
 */
export function withPnpInstalls<C extends InstallCommands>(facts: NodeFacts, commands: C): C {
  const linker = yarnLinker(facts);
  if (linker === null) return commands;
  const env = linker === 'node-modules' ? 'YARN_NODE_LINKER=node-modules' : `YARN_ENABLE_GLOBAL_CACHE=false${facts.esm ? ' YARN_PNP_ENABLE_ESM_LOADER=true' : ''}`;
  return {
    ...commands,
    install: `${env} ${commands.install}`,
    installProduction: `${env} ${commands.installProduction}`,
    installUnlocked: `${env} ${commands.installUnlocked}`,
    installProductionUnlocked: `${env} ${commands.installProductionUnlocked}`,
    build: `${env} ${commands.build}`,
  };
}

/** What replaces node_modules in the final stage. */
export function pnpCopies(facts: NodeFacts, stage: 'deps' | 'prod-deps'): NodePlan['copies'] {
  const production = stage === 'prod-deps' ? 'Production dependencies only, ' : 'The dependencies, ';
  return [
    { stage, source: '/app/.yarn', target: './.yarn', why: `${production}as Yarn Plug'n'Play keeps them: zips in .yarn/cache, native ones in .yarn/unplugged.` },
    { stage, source: '/app/.pnp.cjs', target: './', why: "Plug'n'Play's resolver, which node loads first (-r ./.pnp.cjs)." },
    ...(facts.esm ? [{ stage, source: '/app/.pnp.loader.mjs', target: './', why: "Plug'n'Play's loader for ES modules (--loader)." }] : []),
  ];
}

/** The start command with Plug'n'Play's resolver (and ESM loader) loaded before the app. */
export function pnpStart(facts: NodeFacts, shipsNodeModules: boolean, start: string[]): string[] {
  if (!usesPnp(facts) || !shipsNodeModules) return start;
  const [node, ...rest] = start;
  return [node!, '-r', './.pnp.cjs', ...(facts.esm ? ['--loader', './.pnp.loader.mjs'] : []), ...rest];
}
