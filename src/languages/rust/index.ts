import type { RustFacts } from './detect.js';
import { RUST_RELEASE } from './release.js';
import type { RustPlan } from './schema.js';
import { defineLanguage } from '../../core/language.js';

export const rust = defineLanguage<RustFacts, RustPlan>({
  language: 'rust',
  markers: ['Cargo.toml'],
  runtimeVersion: {
    example: 'a Rust release such as 1.85 or 1.85.1',
    source: 'rust-toolchain.toml, rust-toolchain, mise.toml, .tool-versions or rust-version',
    normalize: (raw) => (RUST_RELEASE.test(raw) ? raw : null),
  },
  entry: { help: "the binary target's name (api)" },
  // Its binary runs on the shared images (scratch, distroless static or cc, slim, alpine).
  imageProfiles: [],
  downloadCommands: ['cargo (build|fetch|install)'],
  load: async () => (await import('./support.js')).support,
});
