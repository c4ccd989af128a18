import { usageError } from '../../errors.js';
import { detectNode, MAINTAINED_NODE_MAJORS, type NodeFacts } from './detect.js';
import { planNode } from './plan.js';
import type { NodePlan } from './schema.js';
import { defineBehaviour } from '../../core/language.js';
import { nodeWorkspace } from './workspace.js';
import { shippedFolders } from '../../core/run-files.js';

/** Node runs a file: `--entry dist/server.js`; it must be a plain relative path. */
const NODE_ENTRY = /^(?!\/)(?!.*\.\.)[A-Za-z0-9._@/-]+\.(c|m)?js$/;
const asEntry = (value: string) => value.trim().replace(/^\.\//, '');

/** What Node does with a project, loaded once a package.json (or its alternatives) is found (see index.ts for the record). */
export const support = defineBehaviour<NodeFacts, NodePlan>({
  detect: detectNode,
  // A package.json that starts nothing (front-end assets, tooling) does not make a Node app.
  isApp: (facts) => facts.start !== null || facts.framework.value !== null,
  // Without a build, the final stage copies the folders the app reads by name from the context.
  foldersBuildReads: (facts) => (facts.buildScript === null ? shippedFolders(facts.shippedSources) : []),
  entry: {
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
});
