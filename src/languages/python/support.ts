import { detectPython, type PythonFacts } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { ENTRY_FORMS } from './entry.js';
import { commandForEntry, planPython } from './plan.js';
import type { PythonPlan } from './schema.js';
import { defineBehaviour } from '../../core/language.js';
import { shippedFolders } from '../../core/run-files.js';
import { pythonWorkspace } from './workspace.js';
import { END_OF_LIFE_MINORS, SUPPORTED_PYTHON_MINORS } from './pyversion.js';

/** What Python does with a project, loaded once one of its manifests or scripts is found (see index.ts for the record). */
export const support = defineBehaviour<PythonFacts, PythonPlan>({
  detect: detectPython,
  // A pyproject.toml that only configures tools (ruff, black) beside another language's app runs nothing.
  // A lone script (no manifest) beside another language's manifest is that project's helper, not the app.
  // A uv workspace root is this language's project even when it runs nothing itself: its members do.
  isApp: (facts) => !facts.scriptOnly && (facts.start !== null || facts.framework.value !== null || facts.scripts.length > 0 || (facts.uvWorkspaceMembers?.value.length ?? 0) > 0),
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
  workspace: (facts, project) => pythonWorkspace(facts, project, detectPython),
  plan: planPython,
  endOfLife: (image) => {
    // python:3.9-slim-bookworm, python:3.9-alpine3.22, dhi.io/python:3.9-debian13 (distroless names no minor).
    const minor = /^(?:python:|dhi\.io\/python:)(3\.\d+)(?![\d.])/.exec(image)?.[1];
    if (minor === undefined) return null;
    const oldest = Number(SUPPORTED_PYTHON_MINORS[0].split('.')[1]);
    const ended = END_OF_LIFE_MINORS.has(minor) || Number(minor.split('.')[1]) < oldest;
    return ended
      ? `Python ${minor} is past its end of life: no more security fixes (maintained: ${SUPPORTED_PYTHON_MINORS.filter((supported) => !END_OF_LIFE_MINORS.has(supported)).join(', ')})`
      : null;
  },
});
