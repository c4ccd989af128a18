import { detectRust, RUST_RELEASE, type RustFacts } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { checkRustEntry, planRust } from './plan.js';
import { binaryByRule } from './bins.js';
import type { RustPlan } from './schema.js';
import { defineLanguage } from '../../core/language.js';
import { rustWorkspace } from './workspace.js';

/** Several binaries and no default-run: the image could run any of them. */
const ambiguous = (facts: RustFacts) => facts.binaries.length > 1 && facts.defaultRun === null;

export const rust = defineLanguage<RustFacts, RustPlan>({
  language: 'rust',
  markers: ['Cargo.toml'],
  detect: detectRust,
  // A workspace of libraries only builds nothing to run, but it is still this language's project.
  isApp: (facts) => facts.binaries.length > 0,
  runtimeVersion: {
    example: 'a Rust release such as 1.85 or 1.85.1',
    source: 'rust-toolchain.toml, rust-toolchain, mise.toml, .tool-versions or rust-version',
    normalize: (raw) => (RUST_RELEASE.test(raw) ? raw : null),
  },
  entry: {
    help: "the binary target's name (api)",
    asks: ambiguous,
    fromFlag: checkRustEntry,
    // Several without default-run: a rule may decide (--yes takes it, saying so), else nothing does.
    fallback: (facts) => {
      if (!ambiguous(facts)) return { value: facts.binaries.length > 1 ? facts.defaultRun!.value : (facts.binaries[0]?.value.name ?? null) };
      const chosen = binaryByRule(facts);
      return chosen ? { value: chosen.binary } : undefined;
    },
    prompt: (facts, prompter) =>
      prompter.select(
        'Several binaries: which one goes in the image?',
        facts.binaries.map((binary) => ({ value: binary.value.name, label: binary.value.name, hint: `${binary.value.package}, ${describeEvidence(binary.evidence)}` })),
      ),
    candidates: (facts) => `binaries: ${facts.binaries.map((binary) => binary.value.name).join(', ')}`,
    inCommand: (facts) => facts.binaries.length > 1,
  },
  port: {
    // A port written in the source is used, a server without one is asked (8080 offered), a CLI gets none.
    asks: (facts) => facts.servesNetwork.value && facts.ports.length === 0 && !facts.readsPortEnv.value,
    fallback: (facts) => facts.ports[0]?.value ?? (facts.servesNetwork.value ? 8080 : null),
  },
  // The folders the program reads at run time are copied by the build: they stay in the context.
  foldersBuildReads: (facts) => [...new Set(facts.runtimeFolders.map((folder) => folder.value.split('/')[0]!))],
  workspace: rustWorkspace,
  plan: planRust,
  // Its binary runs on the shared images (scratch, distroless static or cc, slim, alpine).
  imageProfiles: [],
  downloadCommands: ['cargo (build|fetch|install)'],
});
