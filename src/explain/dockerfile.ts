/*
 * A reader for the Dockerfiles stagecraft writes, enough to say what the production image is made
 * of: the stages it builds on, each instruction and the comment written above it. Reading the
 * rendered file (not the plan) keeps explain right for every language and every template change.
 */

export interface Instruction {
  keyword: string;
  /** The instruction on one line, continuations joined. */
  text: string;
  /** The comment lines written above it: why it is there. */
  why: string[];
}

export interface Stage {
  name: string | null;
  /** The image or earlier stage it starts from. */
  from: string;
  instructions: Instruction[];
}

const FROM_LINE = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$/i;

export function parseStages(dockerfile: string): Stage[] {
  const stages: Stage[] = [];
  let comments: string[] = [];
  const lines = dockerfile.split('\n');
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index]!.trim();
    if (line === '') {
      comments = [];
      continue;
    }
    if (line.startsWith('#')) {
      comments.push(line.replace(/^#\s?/, ''));
      continue;
    }
    while (line.endsWith('\\') && index + 1 < lines.length) line = `${line.slice(0, -1).trimEnd()} ${lines[++index]!.trim()}`;
    const keyword = line.split(/\s/, 1)[0]!.toUpperCase();
    const from = FROM_LINE.exec(line);
    if (keyword === 'FROM' && from) {
      stages.push({ name: from[2] ?? null, from: from[1]!, instructions: [{ keyword, text: line, why: comments }] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword, text: line, why: comments });
    }
    comments = [];
  }
  return stages;
}

/**
 * The stages the last one (production) is made of, oldest first: `FROM runtime AS production`
 * ships everything `runtime` set up as well.
 */
export function finalStageChain(stages: Stage[]): Stage[] {
  const chain: Stage[] = [];
  let stage = stages.at(-1);
  while (stage) {
    chain.unshift(stage);
    const parentName: string = stage.from;
    stage = stages.find((candidate) => candidate.name === parentName && !chain.includes(candidate));
  }
  return chain;
}
