import { clack } from './clack.js';
import { BAKE_FILE, bakeServices } from '../build/bake.js';
import { dockerAnswers, debugTagOf } from '../build/index.js';
import { escapeControls, shellWord } from '../core/text.js';
import { ExitCode, StagecraftError, usageError } from '../errors.js';
import { explain } from '../explain/index.js';
import { writeFilesAtomically } from '../output/changes.js';
import { dockerfileNameOf } from '../render/index.js';
import { VERSION } from '../version.js';
import { lineProgress, spinnerProgress } from './finish.js';
import type { OutputMode } from './options.js';
import { checkWorkspace, reportFindings } from './check.js';
import { checkNotes, decideWrites, describeStatus, showDryRun, type Session } from './sinks.js';
import { type ServiceGeneration, type WorkspaceGeneration } from './workspace.js';

/*
 * The output modes of a workspace root's run: the same change list, written or shown, with
 * docker-bake.hcl beside the services' Dockerfiles.
 */

/** A service's Dockerfile as its own run rendered it. */
const dockerfileOf = ({ generation }: ServiceGeneration) => generation.changes.find((change) => change.path === dockerfileNameOf(generation.plan))!;

/**
 * `docker buildx bake -f docker-bake.hcl`, from the folder the user named: bake reads its contexts from
 * where it runs, and without -f it would merge a compose.yaml it finds there.
 */
const bakeCommand = (dir: string, rest = '') => `${dir === '.' ? '' : `cd ${shellWord(dir)} && `}docker buildx bake -f ${BAKE_FILE}${rest}`;

/** Builds every written service with one bake, when --build asks or a terminal says yes. */
async function offerBake(generation: WorkspaceGeneration, session: Session): Promise<boolean> {
  const { flags, services, project } = generation;
  if (!flags.build) {
    if (!session.interactive || !(await dockerAnswers())) return false;
    if (!(await session.prompter.confirm(`Build the ${services.length} services now? (docker buildx bake)`, false))) return false;
  } else if (!(await dockerAnswers())) {
    throw new StagecraftError('--build: no Docker engine answers (docker version failed); the files are written, build them later', ExitCode.build);
  }
  const bake = services.map((service) => ({ target: service.target, dockerfile: dockerfileOf(service).content }));
  await bakeServices(project.root, bake, session.interactive ? spinnerProgress() : lineProgress(session.tell));
  return true;
}

async function writeWorkspace(generation: WorkspaceGeneration, session: Session): Promise<void> {
  const { flags, changes, services } = generation;
  const toWrite = await decideWrites(changes, { force: flags.force, interactive: session.interactive, prompter: session.prompter });
  writeFilesAtomically(toWrite);
  for (const change of changes)
    session.note(toWrite.includes(change) || change.status === 'unchanged' ? describeStatus(change) : `kept ${change.path} (yours differs; not overwritten)`);
  const kept = changes.filter((change) => change.status === 'update' && !toWrite.includes(change)).map((change) => change.path);
  if (flags.build && kept.length > 0)
    throw new StagecraftError(`--build: ${kept.join(' and ')} kept as they are (yours differ), so nothing is built; --force replaces them`, ExitCode.build);
  const built = kept.length === 0 && (await offerBake(generation, session));
  const debug = services.some(({ generation: service }) => service.plan.debugStage);
  const next = [
    `${built ? 'again' : 'next'}: ${bakeCommand(flags.dir)}   (every service; one: ${bakeCommand(flags.dir, ` ${services[0]!.target}`)})`,
    ...(debug ? [`debug: ${bakeCommand(flags.dir, ` ${services[0]!.target}-debug`)}, then docker run --rm -it --entrypoint sh ${debugTagOf(services[0]!.target)}`] : []),
  ];
  if (session.interactive) clack().outro(next.join('\n'));
  else if (toWrite.length > 0 || built) next.forEach(session.note);
}

/** --stdout prints one Dockerfile: at a workspace root, the one service --entry names. */
function printOne(generation: WorkspaceGeneration, session: Session): void {
  const { services, workspace } = generation;
  if (services.length !== 1) {
    throw usageError(
      `--stdout prints one Dockerfile, and this ${workspace.kind} has ${services.length} services: pass --entry with one of ${services.map((service) => service.member.name).join(', ')}`,
    );
  }
  session.stdout.write(dockerfileOf(services[0]!).content);
}

function printJson({ workspace, services, skipped, changes, warnings }: WorkspaceGeneration, { say }: Session): void {
  const targetOf = new Map(services.map((service) => [service.member, service.target]));
  // A member's target is null when it is a library or was not chosen.
  const report = {
    workspace: {
      kind: workspace.kind,
      evidence: workspace.evidence,
      members: workspace.members.map((member) => {
        const { name, folder, deployable, evidence, why } = member;
        return { name, folder, deployable, evidence, why, target: targetOf.get(member) ?? null };
      }),
    },
    services: services.map(({ member, target, generation }) => ({ name: member.name, target, facts: generation.facts, answers: generation.answers, plan: generation.plan })),
    skipped: skipped.map(({ member, target, reason }) => ({ name: member.name, folder: member.folder, target, reason })),
    files: changes.map(({ path, status }) => ({ path, status })),
    warnings,
  };
  say(JSON.stringify(report, null, 2));
}

function explainAll({ services, flags }: WorkspaceGeneration, { stdout }: Session): void {
  for (const service of services) {
    const { facts, answers, plan } = service.generation;
    stdout.write(`==== ${service.target} (${service.member.folder}) ====\n`);
    stdout.write(escapeControls(explain(facts, answers, plan, dockerfileOf(service).content, { dir: flags.dir, generatorVersion: VERSION })));
    stdout.write('\n');
  }
}

/** Each output mode for a workspace root; the dry run is the one app's, as it reads only the change list. */
export const WORKSPACE_SINKS: Record<OutputMode, (generation: WorkspaceGeneration, session: Session) => Promise<void> | void> = {
  write: writeWorkspace,
  'dry-run': showDryRun,
  stdout: printOne,
  json: printJson,
  explain: explainAll,
  check: async (generation, { say, note }) => {
    const { services, flags } = generation;
    const saved = services.find((service) => service.generation.saved)?.generation.saved ?? null;
    const pin = services.some((service) => service.generation.answers.pin);
    reportFindings(await checkWorkspace(generation, VERSION), checkNotes(saved, pin), { asJson: flags.asJson === true, say, note });
  },
};
