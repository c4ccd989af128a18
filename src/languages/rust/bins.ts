import type { RustFacts } from './detect.js';
import { chooseByRules, namedLikeServer } from '../../core/choose.js';

/**
 * Which of several binaries --yes builds when no default-run names one, by the first rule that picks
 * exactly one: the one named after the package (cargo's own main binary), the only one whose source
 * serves, the only one named like a server (mini-redis-server over mini-redis-cli). Null otherwise.
 */
export function binaryByRule(facts: RustFacts): { binary: string; why: string } | null {
  if (facts.defaultRun !== null) return null;
  const packageName = facts.packageName?.value;
  const chosen = chooseByRules(
    facts.binaries.map((binary) => binary.value.name),
    [
      { keeps: (name) => name === packageName, why: `the one named after the package (${packageName})` },
      { keeps: (name) => facts.listeningBinaries.includes(name), why: 'the only one that serves on the network' },
      { keeps: (name) => namedLikeServer(name), why: (name) => `the one named like a server (${name})` },
    ],
  );
  return chosen && { binary: chosen.chosen, why: chosen.why };
}

/** The warning that says which binary --yes chose, and how to choose another. */
export function binaryRuleWarning(facts: RustFacts, entry: string): string | null {
  const chosen = binaryByRule(facts);
  if (!chosen || chosen.binary !== entry) return null;
  const others = facts.binaries.map((binary) => binary.value.name).filter((name) => name !== entry);
  return `several binaries: building ${entry}, ${chosen.why}; --entry ${others.join(' or --entry ')} builds another`;
}
