import { usageError } from '../../errors.js';
import { detectNode, MAINTAINED_NODE_MAJORS, NODE_MANIFESTS, type NodeFacts } from './detect.js';
import { planNode } from './plan.js';
import type { NodePlan } from './schema.js';
import { defineLanguage } from '../../core/language.js';
import { nodeWorkspace } from './workspace.js';
import { shippedFolders } from '../../core/run-files.js';

/** Node runs a file: `--entry dist/server.js`; it must be a plain relative path. */
const NODE_ENTRY = /^(?!\/)(?!.*\.\.)[A-Za-z0-9._@/-]+\.(c|m)?js$/;
const asEntry = (value: string) => value.trim().replace(/^\.\//, '');

export const node = defineLanguage<NodeFacts, NodePlan>({
  language: 'node',
  markers: NODE_MANIFESTS,
  detect: detectNode,
  // A package.json that starts nothing (front-end assets, tooling) does not make a Node app.
  isApp: (facts) => facts.start !== null || facts.framework.value !== null,
  ownFolders: ['node_modules'],
  // Without a build, the final stage copies the folders the app reads by name from the context.
  foldersBuildReads: (facts) => (facts.buildScript === null ? shippedFolders(facts.shippedSources) : []),
  runtimeVersion: {
    example: 'a Node major such as 24',
    source: '.nvmrc, .node-version, mise.toml, .tool-versions, engines or volta',
    normalize: (raw) => {
      const major = raw.split('.')[0]!;
      return /^\d{2}$/.test(major) ? major : null;
    },
  },
  entry: {
    help: 'the file (dist/server.js)',
    // A static site is answered by its refusal, not with a question.
    asks: (facts) => facts.start === null && facts.staticSite === null,
    fromFlag: (_facts, raw) => {
      if (!NODE_ENTRY.test(asEntry(raw))) throw usageError(`--entry ${raw}: expected the project-relative .js file that starts the app, e.g. dist/server.js`);
      return asEntry(raw);
    },
    // null: run the start command detection found.
    fallback: (facts) => (facts.start || facts.staticSite ? { value: null } : undefined),
    prompt: (_facts, prompter) =>
      prompter
        .text('No start script, main or server.js says how the app starts. Which file does node run?', {
          initial: 'dist/server.js',
          validate: (value) => (NODE_ENTRY.test(asEntry(value)) ? undefined : 'a relative .js file, e.g. dist/server.js'),
        })
        .then(asEntry),
    candidates: () => null,
    inCommand: () => true,
  },
  port: {
    // A port the project states is used, a server without one is asked (3000 offered), a program that serves nothing gets none.
    asks: (facts) => facts.servesNetwork.value && facts.port.evidence === null,
    fallback: (facts) => (facts.servesNetwork.value ? facts.port.value : null),
  },
  workspace: nodeWorkspace,
  plan: planNode,
  endOfLife: (image) => {
    // node:18-bookworm-slim, node:18-alpine, gcr.io/distroless/nodejs18-debian12, dhi.io/node:18-debian13: the same end of life as the node-end-of-life rule.
    const major = Number(/^(?:node:|dhi\.io\/node:|gcr\.io\/distroless\/nodejs)(\d+)(?![\d.])/.exec(image)?.[1]);
    return major < MAINTAINED_NODE_MAJORS[0] ? `Node ${major} is past its end of life: no more security fixes (maintained: ${MAINTAINED_NODE_MAJORS.join(', ')})` : null;
  },
  imageProfiles: [
    // dhi.io sizes are the offline stand-ins', built from the Debian 13 packages the catalog lists.
    { image: /^dhi\.io\/node:/, profile: { sizeMB: 144, libc: 'glibc', shell: 'none (the -dev variant adds bash)' } },
    { image: /^gcr\.io\/distroless\/nodejs\d+-/, profile: { sizeMB: 130, libc: 'glibc', shell: 'none (the :debug variant adds busybox)' } },
    { image: /^node:.*alpine/, profile: { sizeMB: 160, libc: 'musl', shell: 'busybox sh' } },
    { image: /^node:.*-slim$/, profile: { sizeMB: 220, libc: 'glibc', shell: 'bash' } },
  ],
  downloadCommands: ['npm (ci|install)', 'pnpm (fetch|install|add)', 'yarn( install| workspaces focus|$)', 'bun install'],
});
