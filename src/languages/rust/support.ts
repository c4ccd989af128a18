import { detectRust, type RustFacts } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { checkRustEntry, planRust } from './plan.js';
import { binaryByRule, binaryRuleWarning } from './bins.js';
import type { RustPlan } from './schema.js';
import { defineBehaviour } from '../../core/language.js';
import { rustWorkspace } from './workspace.js';

/** Several binaries and no default-run: the image could run any of them. */
const ambiguous = (facts: RustFacts) => facts.binaries.length > 1 && facts.defaultRun === null;

/** What Rust does with a project, loaded once a Cargo.toml is found (see index.ts for the record). */
export const support = defineBehaviour<RustFacts, RustPlan>({
  detect: detectRust,
  // A workspace of libraries only builds nothing to run, but it is still this language's project.
  isApp: (facts) => facts.binaries.length > 0,
  entry: {
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
    explainDefault: (facts, entry) => (entry === null ? null : binaryRuleWarning(facts, entry)),
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
});
