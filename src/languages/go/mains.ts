import type { GoFacts } from './detect.js';
import { chooseByRules, namedLikeServer } from '../../core/choose.js';

/** The last element of a module path, without a /vN suffix: what the program is called. */
const moduleName = (modulePath: string) =>
  modulePath
    .split('/')
    .filter((part) => !/^v\d+$/.test(part))
    .pop() ?? '';

const lastElement = (main: string) => (main === '.' ? '.' : main.split('/').pop()!);

/**
 * Which of several main packages --yes builds, by the first rule that picks exactly one: the one named
 * after the module or the folder, the only one that listens, the only one named like a server
 * (cmd/server over cmd/migrate). Null when no rule decides; the candidates are then asked for.
 */
export function mainByRule(facts: GoFacts): { main: string; why: string } | null {
  const names = [moduleName(facts.module.value), facts.folderName];
  const chosen = chooseByRules(
    facts.mainPackages.map((main) => main.value),
    [
      { keeps: (main) => names.includes(lastElement(main)), why: `the one named after the module or folder (${names[0]})` },
      { keeps: (main) => facts.listeningMains.includes(main), why: 'the only one that serves on the network' },
      { keeps: (main) => namedLikeServer(lastElement(main)), why: (main) => `the one named like a server (${lastElement(main)})` },
    ],
  );
  return chosen && { main: chosen.chosen, why: chosen.why };
}

/** The warning that says which main package --yes chose, and how to choose another. */
export function mainRuleWarning(facts: GoFacts, entry: string): string | null {
  const chosen = mainByRule(facts);
  if (!chosen || chosen.main !== entry) return null;
  const others = facts.mainPackages.map((main) => main.value).filter((main) => main !== entry);
  return `several main packages: building ${entry}, ${chosen.why}; --entry ${others.join(' or --entry ')} builds another`;
}
