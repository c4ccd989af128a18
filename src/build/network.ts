import { parseStages, type Stage } from '../explain/dockerfile.js';
import { LANGUAGES } from '../languages/registry.js';

/** Commands of any image that fetch from an OS archive or the web; a language's package installs are in its record. */
const SHARED_DOWNLOADS = ['apt-get (update|install)', 'apk add', 'curl', 'wget'];

/**
 * Commands that fetch from a registry or an OS archive while the image builds. Any other step
 * works without a network, so the build then gets none at all.
 */
export const downloadPatternOf = (languages: readonly { downloadCommands: readonly string[] }[]) =>
  new RegExp(`\\b(${[...SHARED_DOWNLOADS, ...languages.flatMap((language) => language.downloadCommands)].join('|')})\\b`);

const DOWNLOADERS = downloadPatternOf(LANGUAGES);

/** The stages a target needs: the ones it starts from and the ones it copies from, recursively. */
function stagesFor(stages: Stage[], target: Stage): Stage[] {
  const needed = new Set<Stage>();
  const visit = (stage: Stage | undefined) => {
    if (!stage || needed.has(stage)) return;
    needed.add(stage);
    visit(stages.find((candidate) => candidate.name === stage.from));
    for (const instruction of stage.instructions) {
      const from = /--from=(\S+)/.exec(instruction.text)?.[1];
      if (from) visit(stages.find((candidate) => candidate.name === from));
    }
  };
  visit(target);
  return [...needed];
}

/**
 * `host` when a step the target builds downloads something, else `none`: builds never get a
 * bridge network, and get the host's only when a step needs it.
 */
export function buildNetwork(dockerfile: string, target?: string): 'none' | 'host' {
  const stages = parseStages(dockerfile);
  const last = target ? stages.find((stage) => stage.name === target) : stages.at(-1);
  if (!last) return 'host';
  const downloads = stagesFor(stages, last).some((stage) => stage.instructions.some((instruction) => instruction.keyword === 'RUN' && DOWNLOADERS.test(instruction.text)));
  return downloads ? 'host' : 'none';
}
