import type { NodeFacts } from './detect.js';
import { installsWorkspace, MAINTAINED_NODE_MAJORS } from './detect.js';
import { startPackage, yarnLinker } from './pnp.js';
import { describeEvidence } from '../../core/facts.js';
import { CURRENT_DEBIAN } from '../../core/images.js';
import { healthcheckRules, shellDebugRules, type RuleContext, type RuleTable } from '../../core/rules.js';

/** Node majors distroless publishes images for on the current Debian (nodejs22/24/26-debian13). */
export const DISTROLESS_NODE_MAJORS = [22, 24, 26];

/** The Node majors dhi.io/node publishes on Debian 13 (the catalog's image/node/debian-13). */
export const HARDENED_NODE_MAJORS = [20, 22, 24, 25, 26];

export interface NodeRuleContext extends RuleContext {
  facts: NodeFacts;
  /** The Node major the image runs. */
  major: number;
}

/** The devDependency the start command preloads (`node -r esbuild-register`), unless --entry replaces that command. */
export const preloadedDevDependency = (facts: NodeFacts, answers: RuleContext['answers']) =>
  answers.entry ? undefined : facts.preloads.find((preload) => preload.source === 'devDependency');

/** `npm run build` in the project's own package manager. */
const runBuild = (facts: NodeFacts) => `${facts.packageManager.value.replace(/^yarn-.*/, 'yarn')} run build`;

export const NODE_RULES: RuleTable<NodeRuleContext> = [
  {
    id: 'static-site',
    kind: 'refuse',
    // --entry names a server file the project has after all.
    when: ({ facts, answers }) => facts.staticSite !== null && !answers.entry,
    message: ({ facts }) =>
      `this is a static site (${facts.staticSite!.value.reason}): \`${runBuild(facts)}\` writes ${facts.staticSite!.value.outDir}/; serve it with any static web server (nginx, Caddy, a CDN), or pass --entry with the server file if the app has one`,
  },
  {
    // The image cannot change where the app's code binds: only the code can, so this warns, naming the line.
    id: 'listens-on-loopback',
    kind: 'warn',
    when: ({ facts }) => facts.servesNetwork.value && facts.listensOnLoopback.value !== null,
    message: ({ facts }) =>
      `${describeEvidence(facts.listensOnLoopback.evidence)}: the server listens on localhost only (${facts.listensOnLoopback.value}), which a port published with docker run -p cannot reach; give listen() host: '0.0.0.0' (or '::')`,
  },
  {
    // `node --test`, `node -e ...`: node runs no file of the app, so the image has nothing to start (node's other options are carried, see nodeOptions).
    id: 'node-option-runs-no-file',
    kind: 'refuse',
    // A lone word that starts with "-" (a main named --inspect.js) is a file name the plan's schema refuses, saying to rename it.
    when: ({ facts, answers }) =>
      !answers.entry && facts.start?.value[0] === 'node' && facts.start.value[1]!.startsWith('-') && facts.start.value.slice(2).some((word) => !word.startsWith('-')),
    message: ({ facts }) =>
      `${describeEvidence(facts.start!.evidence)}: \`${facts.start!.value.join(' ')}\` runs no file of the app (an option such as -e, --test or --check comes before any file); pass --entry with the file node runs`,
  },
  {
    // `node -r esbuild-register ./src/index.ts`: a production install leaves devDependencies out, so the image ships them all (the plan's devAtRuntime).
    id: 'preload-dev-dependency',
    kind: 'warn',
    when: ({ facts, answers }) => preloadedDevDependency(facts, answers) !== undefined,
    message: ({ facts, answers }) => {
      const preload = preloadedDevDependency(facts, answers)!;
      return `${describeEvidence(facts.start!.evidence)}: \`${preload.option} ${preload.module}\` preloads a devDependency, so the image ships every devDependency (a production install would leave it out and node would stop at start): move it to dependencies, or build to JavaScript and start node with the built file, for a smaller image`;
    },
  },
  {
    // A workspace's install is copied whole, .yarnrc.yml with it; only the production install's stage can drop it (it may hold npmAuthToken).
    id: 'preload-dev-dependency-yarnrc',
    kind: 'refuse',
    when: ({ facts, answers }) =>
      preloadedDevDependency(facts, answers) !== undefined && facts.packageManager.value === 'yarn-berry' && facts.hasYarnrc && installsWorkspace(facts),
    message: ({ facts, answers }) => {
      const preload = preloadedDevDependency(facts, answers)!;
      return `${describeEvidence(facts.start!.evidence)}: \`${preload.option} ${preload.module}\` preloads a devDependency, and this Yarn workspace's full install would ship .yarnrc.yml (which can hold a registry token): move it to dependencies, or build to JavaScript and start node with the built file`;
    },
  },
  {
    // Another dependency may bring it (hoisted into node_modules), which nothing here can promise.
    id: 'preload-undeclared',
    kind: 'warn',
    when: ({ facts, answers }) => !answers.entry && facts.preloads.some((preload) => preload.source === 'undeclared'),
    message: ({ facts }) => {
      const preload = facts.preloads.find((candidate) => candidate.source === 'undeclared')!;
      return `${describeEvidence(facts.start!.evidence)}: \`${preload.option} ${preload.module}\` preloads a package ${facts.manifestFile} does not list in dependencies: the image has it only if another dependency brings it; add it to dependencies`;
    },
  },
  {
    id: 'env-file-at-run-time',
    kind: 'warn',
    when: ({ facts, answers }) => !answers.entry && facts.envFiles.length > 0,
    message: ({ facts }) =>
      `${describeEvidence(facts.start!.evidence)}: --env-file ${facts.envFiles.join(', ')} is read when node starts, and such a file is usually secrets the image leaves out (node stops without it): mount it at run time (docker run -v), or give the variables with docker run -e and --env-file-if-exists (Node 22.9 and later) instead`,
  },
  {
    id: 'scratch',
    kind: 'refuse',
    when: ({ answers }) => answers.base === 'scratch',
    message: () => '--base scratch cannot run a Node app: node itself needs a C library and its runtime files; use --base distroless for the smallest image',
  },
  {
    id: 'no-distroless-image',
    kind: 'refuse',
    when: ({ answers, major }) => answers.base === 'distroless' && !DISTROLESS_NODE_MAJORS.includes(major),
    message: ({ major }) =>
      `--base distroless: distroless publishes Node images for maintained LTS (even) majors only (${DISTROLESS_NODE_MAJORS.join(', ')} on Debian ${CURRENT_DEBIAN.version}), and this is Node ${major}; use --runtime-version ${DISTROLESS_NODE_MAJORS.find((lts) => lts >= major) ?? DISTROLESS_NODE_MAJORS.at(-1)} or --base slim`,
  },
  {
    id: 'hardened-node-major',
    kind: 'refuse',
    when: ({ answers, major }) => answers.base === 'hardened' && !HARDENED_NODE_MAJORS.includes(major),
    message: ({ major }) => {
      const nearest = HARDENED_NODE_MAJORS.find((published) => published >= major) ?? HARDENED_NODE_MAJORS.at(-1);
      return `--base hardened: dhi.io/node is published for Node ${HARDENED_NODE_MAJORS.join(', ')} only, and this is Node ${major}; use --runtime-version ${nearest} or --base slim`;
    },
  },
  {
    id: 'yarnrc-literal-token',
    kind: 'refuse',
    when: ({ facts }) => facts.secrets.literalYarnToken !== null,
    message: ({ facts }) =>
      `${describeEvidence(facts.secrets.literalYarnToken)} writes a registry token into .yarnrc.yml, which the image copies to install: write npmAuthToken: "\${NPM_TOKEN}" there instead, and stagecraft passes NPM_TOKEN to the install as a build secret`,
  },
  {
    id: 'yarn-pnp-workspace-member',
    kind: 'refuse',
    when: ({ facts }) => facts.workspace?.root != null && facts.yarnPnp.value,
    message: ({ facts }) =>
      `this package is a member of the Yarn workspace in ${describeEvidence(facts.workspace!.evidence)}, which installs with Plug'n'Play: a member is built with node_modules only so far (nodeLinker: node-modules in .yarnrc.yml)`,
  },
  {
    id: 'workspace-library-not-built',
    kind: 'warn',
    when: ({ facts }) => facts.workspace?.root != null && !facts.workspace.root.turbo && facts.workspace.root.builtDependencies.length > 0,
    message: ({ facts }) =>
      `${facts.workspace!.root!.builtDependencies.join(', ')}: written by the build of a workspace package this member loads, which only the member's own build runs without Turborepo (turbo.json): the image has them only if they are in the context`,
  },
  {
    id: 'pnpm-workspace-other-lockfile',
    kind: 'refuse',
    when: ({ facts }) => facts.workspace?.tool === 'pnpm' && facts.packageManager.value !== 'pnpm',
    message: ({ facts }) =>
      `a pnpm workspace (${describeEvidence(facts.workspace!.evidence)}) whose lockfile is not pnpm's (${facts.packageManager.value}): run pnpm install at the workspace root first`,
  },
  {
    id: 'yarn-plug-n-play-package-start',
    kind: 'warn',
    when: ({ facts }) => yarnLinker(facts) === 'node-modules',
    message: ({ facts }) =>
      `Yarn Plug'n'Play (${describeEvidence(facts.yarnPnp.evidence)}) keeps ${startPackage(facts)} zipped, with no file the image could start: the image installs with node_modules instead (YARN_NODE_LINKER=node-modules; the lockfile is the same)`,
  },
  {
    id: 'moving-version-alias',
    kind: 'warn',
    when: ({ facts, answers }) => facts.runtimeVersionAlias !== null && answers.runtimeVersion === facts.runtimeVersion.value,
    message: ({ facts, major }) =>
      `${describeEvidence(facts.runtimeVersionAlias!.evidence)} says "${facts.runtimeVersionAlias!.value}", whichever Node is newest: using Node ${major}, the newest supported; write a major there (e.g. ${major}) so a rebuild does not move`,
  },
  {
    id: 'node-end-of-life',
    kind: 'warn',
    when: ({ major }) => major < MAINTAINED_NODE_MAJORS[0],
    message: ({ major }) => `Node ${major} is past its end of life: no more security fixes; consider --runtime-version ${MAINTAINED_NODE_MAJORS.at(-1)}`,
  },
  {
    id: 'no-lockfile',
    kind: 'warn',
    when: ({ facts }) => facts.lockfile.value === null && (facts.hasDependencies || facts.hasDevDependencies),
    message: ({ facts }) =>
      `no lockfile: installs are not reproducible (each build may resolve newer versions); commit the lockfile ${facts.packageManager.value === 'npm' ? '(npm install writes package-lock.json)' : ''}`.trim(),
  },
  ...shellDebugRules(),
  ...healthcheckRules(),
  {
    id: 'native-modules-on-alpine',
    kind: 'warn',
    when: ({ facts, answers }) => facts.nativeModules.value.length > 0 && answers.base === 'alpine',
    message: ({ facts }) =>
      `native modules (${facts.nativeModules.value.join(', ')}) on alpine: they are installed on alpine too, so they link musl like the final image; prebuilt binaries may be missing and are compiled (python3, make, g++)`,
  },
  {
    id: 'next-without-standalone',
    kind: 'warn',
    when: ({ facts }) => facts.framework.value === 'next' && !facts.nextStandalone.value,
    message: () => "Next.js without output: 'standalone' ships all production node_modules; add output: 'standalone' to next.config for a much smaller image",
  },
];
