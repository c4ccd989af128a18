import type { GoFacts } from './detect.js';
import type { GoPlan } from './schema.js';
import { defineLanguage } from '../../core/language.js';

export const go = defineLanguage<GoFacts, GoPlan>({
  language: 'go',
  // go.work builds several modules together; a main.go without go.mod builds as a module made in the image.
  markers: ['go.mod', 'go.work', 'main.go'],
  // A main package in a module's sub-folder (server.go, no go.mod of its own) builds from the module's root.
  memberOf: { sources: ['.go'], enclosing: ['go.mod'] },
  runtimeVersion: {
    example: 'a Go release such as 1.23',
    source: 'go.mod, mise.toml or .tool-versions',
    normalize: (raw) => {
      const [major, minor] = raw.split('.');
      return major === '1' && minor !== undefined ? `1.${minor}` : null;
    },
  },
  entry: { help: 'the main package (./cmd/api)' },
  // Its binary runs on the shared images (scratch, distroless static or cc, slim, alpine).
  imageProfiles: [],
  downloadCommands: ['go mod (download|tidy)'],
  load: async () => (await import('./support.js')).support,
});
