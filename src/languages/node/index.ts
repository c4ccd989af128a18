import type { NodeFacts } from './detect.js';
import { NODE_MANIFESTS } from './manifests.js';
import type { NodePlan } from './schema.js';
import { defineLanguage } from '../../core/language.js';

export const node = defineLanguage<NodeFacts, NodePlan>({
  language: 'node',
  markers: NODE_MANIFESTS,
  ownFolders: ['node_modules'],
  runtimeVersion: {
    example: 'a Node major such as 24',
    source: '.nvmrc, .node-version, mise.toml, .tool-versions, engines or volta',
    normalize: (raw) => {
      const major = raw.split('.')[0]!;
      return /^\d{2}$/.test(major) ? major : null;
    },
  },
  entry: { help: 'the file (dist/server.js)' },
  imageProfiles: [
    // dhi.io sizes are the offline stand-ins', built from the Debian 13 packages the catalog lists.
    { image: /^dhi\.io\/node:/, profile: { sizeMB: 144, libc: 'glibc', shell: 'none (the -dev variant adds bash)' } },
    { image: /^gcr\.io\/distroless\/nodejs\d+-/, profile: { sizeMB: 130, libc: 'glibc', shell: 'none (the :debug variant adds busybox)' } },
    { image: /^node:.*alpine/, profile: { sizeMB: 160, libc: 'musl', shell: 'busybox sh' } },
    { image: /^node:.*-slim$/, profile: { sizeMB: 220, libc: 'glibc', shell: 'bash' } },
  ],
  downloadCommands: ['npm (ci|install)', 'pnpm (fetch|install|add)', 'yarn( install| workspaces focus|$)', 'bun install'],
  load: async () => (await import('./support.js')).support,
});
