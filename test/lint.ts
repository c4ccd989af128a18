import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

/*
 * The lint gate every generated Dockerfile passes: dockerfile-utils' validator with zero problems,
 * plus stagecraft's own production rules, checked on the parsed instructions.
 */

interface Stage {
  name: string | null;
  image: string;
  instructions: Instruction[];
}

/** Images whose job is to build: none of them may be the base of a shipped stage. */
const TOOLCHAIN_IMAGE = /^(golang|rust|maven|gradle)(:|$)|^(eclipse-temurin|openjdk|amazoncorretto|sapmachine|ibm-semeru-runtimes):[^ ]*jdk/;
/** Paths of toolchains that a final stage must not copy in. */
const TOOLCHAIN_PATH = /\/usr\/local\/go\b|\/usr\/local\/cargo\b|\/usr\/local\/rustup\b/;

function stagesOf(content: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(content).getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const args = instruction
        .getArguments()
        .map((arg) => arg.getValue())
        .filter((arg) => !arg.startsWith('--'));
      const asIndex = args.findIndex((arg) => arg.toUpperCase() === 'AS');
      stages.push({ name: asIndex === -1 ? null : args[asIndex + 1]!, image: args[0]!, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The image a stage ultimately starts from, following `FROM <earlier stage>` links. */
function rootImage(stage: Stage, stages: Stage[]): string {
  const parent = stages.find((candidate) => candidate.name === stage.image);
  return parent && parent !== stage ? rootImage(parent, stages) : stage.image;
}

const argsOf = (instruction: Instruction) => instruction.getArgumentsContent() ?? '';

/** Names that carry credentials: ARG and ENV values stay in the image's history and config for anyone to read. */
const SECRET_NAME = /TOKEN|SECRET|PASSW(OR)?D|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH/i;

export function lintDockerfile(content: string): string[] {
  const problems = validate(content).map((diagnostic) => `line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`);
  const stages = stagesOf(content);
  const names = new Set(stages.map((stage) => stage.name));
  for (const stage of stages) {
    if (stage.image === 'scratch' || names.has(stage.image)) continue;
    const tag = /:([^/]+)$/.exec(stage.image)?.[1];
    if (!tag) problems.push(`FROM ${stage.image}: no tag (pin one)`);
    else if (tag === 'latest') problems.push(`FROM ${stage.image}: latest is not a pinned tag`);
  }
  for (const instruction of stages.flatMap((stage) => stage.instructions)) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'ARG' && keyword !== 'ENV') continue;
    const names = argsOf(instruction)
      .split(/\s+/)
      .map((word) => word.split('=')[0]!);
    for (const name of names.filter((candidate) => SECRET_NAME.test(candidate))) {
      problems.push(`${keyword} ${name}: looks like a secret; ARG and ENV values are readable in the image (use RUN --mount=type=secret)`);
    }
  }
  const final = stages.at(-1);
  if (!final) return [...problems, 'no FROM at all'];
  if (final.name !== 'production') problems.push(`the last stage (the default target) is "${final.name}", not production`);

  for (const stage of stages.filter((candidate) => candidate === final || candidate.name === 'debug')) {
    const label = stage.name ?? 'final stage';
    const users = stage.instructions.filter((instruction) => instruction.getKeyword() === 'USER');
    const user = users.at(-1) ? argsOf(users.at(-1)!) : null;
    if (!user) problems.push(`${label}: no USER (it would run as root)`);
    else if (!/^\d+(:\d+)?$/.test(user)) problems.push(`${label}: USER ${user} is not a numeric uid[:gid]`);
    else if (user.split(':')[0] === '0') problems.push(`${label}: USER ${user} is root`);
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if ((keyword === 'ENTRYPOINT' || keyword === 'CMD') && !argsOf(instruction).startsWith('[')) {
        problems.push(`${label}: ${keyword} ${argsOf(instruction)} is shell form, not exec form`);
      }
    }
    if (!stage.instructions.some((instruction) => instruction.getKeyword() === 'ENTRYPOINT' || instruction.getKeyword() === 'CMD')) {
      problems.push(`${label}: neither ENTRYPOINT nor CMD`);
    }
  }
  if (TOOLCHAIN_IMAGE.test(rootImage(final, stages))) problems.push(`production is based on a toolchain image (${rootImage(final, stages)})`);
  const finalChain = stages.filter((stage) => stage === final || stage.name === final.image);
  for (const instruction of finalChain.flatMap((stage) => stage.instructions)) {
    const copiedFrom = instruction instanceof Copy ? instruction.getFromFlag()?.getValue() : undefined;
    // A whole JDK copied from its image is a toolchain too (a JRE or a jlink runtime is not).
    if (instruction.getKeyword() === 'COPY' && (TOOLCHAIN_PATH.test(argsOf(instruction)) || (copiedFrom && TOOLCHAIN_IMAGE.test(copiedFrom)))) {
      problems.push(`production copies a toolchain: COPY ${argsOf(instruction)}`);
    }
  }
  return problems;
}
