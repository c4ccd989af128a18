import { parseStages, type Stage } from '../explain/dockerfile.js';

/**
 * Commands that fetch from a registry or an OS archive while the image builds. Any other step
 * works without a network, so the build then gets none at all.
 */
const DOWNLOADERS = /\b(apt-get (update|install)|apk add|npm (ci|install)|pnpm (fetch|install|add)|yarn( install| workspaces focus|$)|bun install|go mod download|pip3? install|uv (sync|pip)|poetry install|cargo (build|fetch|install)|mvn|gradle|curl|wget)\b/;

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
  const downloads = stagesFor(stages, last).some((stage) =>
    stage.instructions.some((instruction) => instruction.keyword === 'RUN' && DOWNLOADERS.test(instruction.text)),
  );
  return downloads ? 'host' : 'none';
}
