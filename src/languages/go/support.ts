import { detectGo, type GoFacts } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { checkGoEntry, planGo } from './plan.js';
import { mainByRule, mainRuleWarning } from './mains.js';
import type { GoPlan } from './schema.js';
import { defineBehaviour } from '../../core/language.js';
import { goWorkspace } from './workspace.js';

/** Ports found outside the other main packages: another program's listen address is not this one's. */
const entryPorts = (facts: GoFacts, entry: string | null | undefined) => {
  const others = facts.mainPackages.map((main) => main.value).filter((main) => main !== entry && main !== '.');
  return facts.ports.filter((port) => !others.some((main) => port.evidence?.file.startsWith(`${main.slice(2)}/`)));
};

/** What Go does with a project, loaded once a Go manifest is found (see index.ts for the record). */
export const support = defineBehaviour<GoFacts, GoPlan>({
  detect: detectGo,
  isApp: (facts) => facts.layout.value !== 'none' || facts.mainPackages.length > 0,
  entry: {
    asks: (facts) => facts.mainPackages.length > 1,
    fromFlag: checkGoEntry,
    // Several: a rule may decide (--yes takes it, saying so; a prompt offers it first), else nothing does.
    fallback: (facts) => {
      if (facts.mainPackages.length < 2) return { value: facts.mainPackages[0]?.value ?? null };
      const chosen = mainByRule(facts);
      return chosen ? { value: chosen.main } : undefined;
    },
    prompt: (facts, prompter, _answers, initial) =>
      prompter.select(
        'Several main packages: which one goes in the image?',
        facts.mainPackages.map((main) => ({ value: main.value, label: main.value, hint: describeEvidence(main.evidence) })),
        initial,
      ),
    candidates: (facts) => `main packages: ${facts.mainPackages.map((main) => main.value).join(', ')}`,
    inCommand: (facts) => facts.mainPackages.length > 1,
    explainDefault: (facts, entry) => (entry === null ? null : mainRuleWarning(facts, entry)),
  },
  port: {
    // A port written in the source is used, a server without one is asked, a CLI gets none.
    asks: (facts) => facts.servesNetwork.value && facts.ports.length === 0 && !facts.readsPortEnv.value,
    fallback: (facts, answers) => entryPorts(facts, answers.entry)[0]?.value ?? (facts.servesNetwork.value ? 8080 : null),
  },
  // Embedded folders are read by the build, runtime folders are copied by it: both stay in the context.
  foldersBuildReads: (facts) => [...new Set([...facts.embeddedFolders, ...facts.runtimeFolders.map((folder) => folder.value.split('/')[0]!)])],
  workspace: goWorkspace,
  plan: planGo,
});
