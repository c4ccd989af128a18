import { detectPython, type PythonFacts } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { ENTRY_FORMS } from './entry.js';
import { commandForEntry, planPython } from './plan.js';
import type { PythonPlan } from './schema.js';
import { defineBehaviour } from '../../core/language.js';
import { shippedFolders } from '../../core/run-files.js';

/** What Python does with a project, loaded once one of its manifests or scripts is found (see index.ts for the record). */
export const support = defineBehaviour<PythonFacts, PythonPlan>({
  detect: detectPython,
  // A pyproject.toml that only configures tools (ruff, black) beside another language's app runs nothing.
  // A lone script (no manifest) beside another language's manifest is that project's helper, not the app.
  isApp: (facts) => !facts.scriptOnly && (facts.start !== null || facts.framework.value !== null || facts.scripts.length > 0),
  // The final stage copies the folders the app reads by name from the build stage, which has the context's.
  foldersBuildReads: (facts) => shippedFolders(facts.shippedSources),
  entry: {
    asks: (facts) => facts.start === null,
    fromFlag: (facts, raw) => {
      commandForEntry(facts, raw);
      return raw.trim().replace(/^\.\//, '');
    },
    // null: run the command detection found.
    fallback: (facts) => (facts.start ? { value: null } : undefined),
    prompt: (facts, prompter) =>
      facts.scripts.length > 1
        ? prompter.select(
            'Several console scripts: which one does the image run?',
            facts.scripts.map((script) => ({ value: script.value, label: script.value, hint: describeEvidence(script.evidence) })),
          )
        : prompter.text(`What does the image run? ${ENTRY_FORMS}`, {
            initial: 'main.py',
            validate: (value) => {
              try {
                commandForEntry(facts, value);
                return undefined;
              } catch (error) {
                return (error as Error).message;
              }
            },
          }),
    candidates: (facts) => (facts.scripts.length > 1 ? `console scripts: ${facts.scripts.map((script) => script.value).join(', ')}` : ENTRY_FORMS),
    inCommand: () => true,
  },
  port: {
    // A port in the Procfile or command is used; a server without one is asked; a CLI gets none.
    asks: (facts) => facts.servesNetwork.value && facts.port.evidence === null,
    fallback: (facts) => (facts.servesNetwork.value ? facts.port.value : null),
  },
  plan: planPython,
});
