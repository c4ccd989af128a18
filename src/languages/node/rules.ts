import type { NodeFacts } from './detect.js';
import { MAINTAINED_NODE_MAJORS } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { shellDebugRules, type RuleContext, type RuleTable } from '../../core/rules.js';

/** The Node majors dhi.io/node publishes on Debian 13 (the catalog's image/node/debian-13). */
export const HARDENED_NODE_MAJORS = [20, 22, 24, 25, 26];

export interface NodeRuleContext extends RuleContext {
  facts: NodeFacts;
  /** The Node major the image runs. */
  major: number;
}

export const NODE_RULES: RuleTable<NodeRuleContext> = [
  {
    id: 'scratch',
    kind: 'refuse',
    when: ({ answers }) => answers.base === 'scratch',
    message: () => '--base scratch cannot run a Node app: node itself needs a C library and its runtime files; use --base distroless for the smallest image',
  },
  {
    id: 'distroless-odd-major',
    kind: 'refuse',
    when: ({ answers, major }) => answers.base === 'distroless' && major % 2 === 1,
    message: ({ major }) =>
      `--base distroless: distroless publishes Node images for LTS (even) majors only, and this is Node ${major}; use --runtime-version ${major + 1} or --base slim`,
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
    id: 'npm-or-yarn-workspace',
    kind: 'refuse',
    when: ({ facts }) => facts.workspace?.tool === 'npm-or-yarn',
    message: ({ facts }) => `this package is a member of the workspace in ${describeEvidence(facts.workspace!.evidence)}: only pnpm workspaces are supported so far`,
  },
  {
    id: 'pnpm-workspace-other-lockfile',
    kind: 'refuse',
    when: ({ facts }) => facts.workspace !== null && facts.packageManager.value !== 'pnpm',
    message: ({ facts }) =>
      `a pnpm workspace (${describeEvidence(facts.workspace!.evidence)}) whose lockfile is not pnpm's (${facts.packageManager.value}): run pnpm install at the workspace root first`,
  },
  {
    id: 'yarn-plug-n-play',
    kind: 'refuse',
    when: ({ facts }) => facts.packageManager.value === 'yarn-berry' && facts.yarnPnp.value,
    message: ({ facts }) => `Yarn Plug'n'Play (${describeEvidence(facts.yarnPnp.evidence)}) has no node_modules to ship; set "nodeLinker: node-modules" in .yarnrc.yml`,
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
