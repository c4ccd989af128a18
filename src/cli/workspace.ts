import path from 'node:path';
import * as z from 'zod';
import type { Workspace, WorkspaceMember } from '../core/workspace.js';
import { targetNameOf } from '../core/workspace.js';
import { describeEvidence } from '../core/facts.js';
import { ProjectPath } from '../core/plan-schema.js';
import { BAKE_FILE } from '../build/bake.js';
import { debugTagOf, secretEntries } from '../build/index.js';
import { ExitCode, StagecraftError, usageError } from '../errors.js';
import { supportFor, type Facts } from '../languages/registry.js';
import { assessChanges, type AssessedChange } from '../output/changes.js';
import { renderBake } from '../render/index.js';
import { restamp } from '../render/stamp.js';
import { generate, generateFrom, prepare, type GenerateContext, type Generation, type Prepared } from './generate.js';
import type { Flags } from './options.js';

/** One service of the workspace: the member, its bake target's name and the run that made its Dockerfile. */
export interface ServiceGeneration {
  member: WorkspaceMember;
  target: string;
  generation: Generation;
}

/** A run at a workspace root: a Dockerfile per chosen deployable member, and docker-bake.hcl. */
export interface WorkspaceGeneration {
  kind: 'workspace';
  project: Prepared['project'];
  flags: Flags;
  /** The root's facts, whose language read the workspace. */
  facts: Facts;
  workspace: Workspace;
  services: ServiceGeneration[];
  /** Chosen services whose own run stopped (a refusal, an answer --yes cannot give): left out, with the reason. */
  skipped: { member: WorkspaceMember; target: string; reason: string }[];
  warnings: string[];
  /** Every service's Dockerfile and ignore file, named from the root, then docker-bake.hcl. */
  changes: AssessedChange[];
}

/** What docker-bake.hcl is made of; every value is checked, since each is copied into the file. */
const BakeSchema = z.object({
  generatorVersion: z.string().regex(/^[0-9A-Za-z.+-]+$/),
  /** The default group: every service's production target. */
  group: z.array(z.string()),
  targets: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
        /** From the root, where bake runs: "." (or above, for a member whose path dependencies are). */
        context: z.string().regex(/^\.(\.)?(\/\.\.)*$/),
        /** From the context, as bake reads it. */
        dockerfile: ProjectPath,
        /** A sentence for the comment above the target. */
        about: z.string().regex(/^[^\n\r"\\$]*$/),
        debugTag: z.string().nullable(),
        /** Its build secrets as bake's `secret` entries: where each is read (a file from the root, ${HOME}, a variable), never its value. */
        secrets: z.array(z.string().regex(/^id=[A-Za-z_][A-Za-z0-9_-]*,(src=(\$\{HOME\}\/)?[A-Za-z0-9._@/-]+|env=[A-Za-z_][A-Za-z0-9_]*)$/)),
        /** A fetch over ssh: the builder's ssh agent. */
        ssh: z.boolean(),
      }),
    )
    .min(1),
  /** A secret read from the builder's home folder: bake takes HOME from the environment once it is declared. */
  usesHome: z.boolean(),
});

export type Bake = z.infer<typeof BakeSchema>;

/** The bake target of one service: built from its context with its own Dockerfile; its debug target beside it. */
function bakeTargetOf({ member, target, generation }: ServiceGeneration): Bake['targets'][number] {
  const { plan } = generation;
  const context = path.posix.normalize(path.posix.join(member.run.dir, plan.contextPath));
  return {
    name: target,
    context,
    dockerfile: plan.dockerfileFlag ?? 'Dockerfile',
    about: `${member.folder}: ${member.why}`.replace(/[\n\r"\\$]/g, ' '),
    debugTag: plan.debugStage ? debugTagOf(target) : null,
    // ${HOME} stays as written: bake expands the variable the file declares.
    secrets: secretEntries(plan, (from) => path.posix.join(context, from), '${HOME}'),
    ssh: plan.ssh !== null,
  };
}

/** A member's value for a one-line error: its name, folder and evidence. */
const describeMember = (member: WorkspaceMember) => `${member.name} (${member.folder}, ${member.why}: ${describeEvidence(member.evidence)})`;

/** The member an --entry names: by its name, its bake target's name, or its folder. */
function memberNamed(workspace: Workspace, entry: string, deployable: WorkspaceMember[]): WorkspaceMember {
  const wanted = entry.replace(/^\.\//, '').replace(/\/$/, '');
  const found = workspace.members.find((member) => member.name === entry || targetNameOf(member.name) === entry || member.folder === wanted);
  const services = deployable.map((member) => member.name).join(', ');
  if (!found) throw usageError(`--entry ${entry}: no member of the ${workspace.kind} (${describeEvidence(workspace.evidence)}) is named so; its services: ${services}`);
  if (!found.deployable) throw usageError(`--entry ${entry}: ${describeMember(found)} has nothing to run; its services: ${services}`);
  return found;
}

/** Which services to build: --entry's (repeatable), else all of them, asked in a terminal with all preselected. */
async function chooseServices(context: GenerateContext, flags: Flags, workspace: Workspace, deployable: WorkspaceMember[]): Promise<WorkspaceMember[]> {
  if (flags.entries.length > 0) return [...new Set(flags.entries.map((entry) => memberNamed(workspace, entry, deployable)))];
  if (!context.interactive) return deployable;
  const folders = await context.prompter.multiselect(
    `A ${workspace.kind} with ${deployable.length} services. Which ones get a Dockerfile?`,
    deployable.map((member) => ({ value: member.folder, label: member.name, hint: `${member.folder}: ${member.why}` })),
    deployable.map((member) => member.folder),
  );
  return deployable.filter((member) => folders.includes(member.folder));
}

/** Bake target names, one per service: a name two members share is told apart by the folder. */
function targetNames(services: WorkspaceMember[]): string[] {
  const names = services.map((member) => targetNameOf(member.name));
  return services.map((member, index) => (names.indexOf(names[index]!) === names.lastIndexOf(names[index]!) ? names[index]! : targetNameOf(member.folder)));
}

/** A member's error said from the root: which member it is about. */
function inMember(member: WorkspaceMember, error: unknown): unknown {
  if (!(error instanceof StagecraftError)) return error;
  return new StagecraftError(`${member.folder}: ${error.message}`, error.exitCode);
}

/** The run of one service: the member's own run (in its folder, or at the root with its entry), with the root's answers. */
async function generateService(context: GenerateContext, flags: Flags, member: WorkspaceMember, target: string, language: Facts['language']): Promise<ServiceGeneration> {
  const memberFlags: Flags = {
    ...flags,
    // The workspace's language: a member folder that also holds another one's manifest (a requirements.txt for a script) is still this member.
    lang: language,
    dir: path.join(flags.dir, member.run.dir),
    entry: member.run.entry ?? undefined,
    entries: member.run.entry ? [member.run.entry] : [],
    output: member.run.output ?? undefined,
  };
  context.note(`${target}: ${member.folder} (${member.why})`);
  const generation = await generate({
    ...context,
    flags: memberFlags,
    onDetected: undefined,
    warn: (message) => context.warn(`${target}: ${message}`),
  }).catch((error: unknown) => Promise.reject(inMember(member, error)));
  return { member, target, generation };
}

/** Whether one folder holds the other (or is it): such a service cannot be left out of the other's context. */
const nested = (a: string, b: string) => a === '.' || b === '.' || `${a}/`.startsWith(`${b}/`) || `${b}/`.startsWith(`${a}/`);

/** The members `member` depends on, directly or through each other, by their names in its `uses`. */
function usedBy(member: WorkspaceMember, members: WorkspaceMember[]): Set<WorkspaceMember> {
  const used = new Set<WorkspaceMember>();
  const pending = [member];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    for (const other of members) {
      if (other === member || used.has(other) || !current.uses?.includes(other.name)) continue;
      used.add(other);
      pending.push(other);
    }
  }
  return used;
}

/**
 * A service's changes with the other services' folders left out of its build context (their
 * manifests kept, which its install or go.work reads), so an edit in one service rebuilds only its
 * own image. A service it depends on (a tRPC server whose types the web app imports) stays in. Said
 * in a commented block at the end of its ignore file, and assessed again against the disk.
 */
function withOthersLeftOut(service: ServiceGeneration, services: ServiceGeneration[], root: string, members: WorkspaceMember[]): AssessedChange[] {
  const { generation, member } = service;
  const context = path.posix.join(member.run.dir, generation.plan.contextPath);
  const used = usedBy(member, members);
  // Only a context at the root sees the other services' folders where the root names them.
  const others =
    context === '.' ? services.filter((other) => other !== service && other.member.keep !== null && !nested(other.member.folder, member.folder) && !used.has(other.member)) : [];
  if (others.length === 0) return generation.changes;
  const lines = [
    '',
    "# The workspace's other services: this image builds none of them, so editing one does not rebuild it.",
    '# Their manifests stay, which the install reads.',
    ...others.flatMap((other) => [other.member.folder, ...other.member.keep!.map((file) => `!${file}`)]),
  ];
  const rendered = generation.changes.map((change) =>
    // Stamped again: the stamp is of the whole file, so a re-run and a check see the lines added here as stagecraft's, not as an edit.
    change.path === generation.plan.dockerignoreName ? { path: change.path, content: restamp(`${change.content}${lines.join('\n')}\n`) } : change,
  );
  return assessChanges(path.join(root, member.run.dir), rendered);
}

/** The flags a workspace run cannot take: each names a single Dockerfile, answers file or image. */
function refuseSingleFileFlags(flags: Flags, workspace: Workspace): void {
  const at = `at a ${workspace.kind} root (${describeEvidence(workspace.evidence)})`;
  if (flags.output !== undefined) throw usageError(`--output names one Dockerfile; ${at} each service gets its own: run in a member's folder to name it`);
  if (flags.save) throw usageError(`--save ${at}: run it in a member's folder, whose answers it saves`);
  if (flags.tag !== undefined) throw usageError(`--tag names one image; ${at} each service's image is named by its bake target (docker-bake.hcl's tags)`);
}

/**
 * A workspace root with two services or more: each chosen one gets the Dockerfile its own run makes
 * (built from the root), and docker-bake.hcl builds them all. Anything else is one app, as before.
 */
export async function generateProject(context: GenerateContext): Promise<Generation | WorkspaceGeneration> {
  const prepared = await prepare(context);
  const { facts } = prepared.detection;
  const workspace = supportFor(facts).workspace?.(facts, prepared.project) ?? null;
  const deployable = workspace?.members.filter((member) => member.deployable) ?? [];
  if (!workspace || deployable.length < 2) return generateFrom(context, prepared);
  const { flags, project } = prepared;
  refuseSingleFileFlags(flags, workspace);
  context.note(
    `${workspace.kind} (${describeEvidence(workspace.evidence)}): ${workspace.members.map((member) => `${member.name} ${member.deployable ? 'service' : 'library'}`).join(', ')}`,
  );
  const chosen = await chooseServices(context, flags, workspace, deployable);
  const names = targetNames(chosen);
  const services: ServiceGeneration[] = [];
  const skipped: WorkspaceGeneration['skipped'] = [];
  // One at a time: in a terminal each service's questions come in turn.
  for (const [index, member] of chosen.entries()) {
    const target = names[index]!;
    try {
      services.push(await generateService(context, flags, member, target, facts.language));
    } catch (error) {
      // A service named with --entry must be built; among all of them, one that cannot be is left out, saying why, so it does not stop the rest.
      if (flags.entries.length > 0 || !(error instanceof StagecraftError) || error.exitCode === ExitCode.cancelled) throw error;
      skipped.push({ member, target, reason: error.message });
      context.warn(`${target}: left out, no Dockerfile (${error.message})`);
    }
  }
  if (services.length === 0)
    throw new StagecraftError(`no service of the ${workspace.kind} could be generated: ${skipped.map(({ reason }) => reason).join('; ')}`, ExitCode.refused);
  const group = services.map((service) => service.target);
  const targets = services.map(bakeTargetOf);
  const usesHome = services.some(({ generation }) => generation.plan.secrets.some((secret) => secret.source === 'home'));
  const bake = BakeSchema.parse({ generatorVersion: context.generatorVersion, group, targets, usesHome });
  const changes = [
    ...services.flatMap((service) =>
      withOthersLeftOut(service, services, project.root, workspace.members).map((change) => ({ ...change, path: path.posix.join(service.member.run.dir, change.path) })),
    ),
    ...assessChanges(project.root, [{ path: BAKE_FILE, content: await renderBake(bake) }]),
  ];
  const warnings = [
    ...prepared.detection.warnings,
    ...services.flatMap(({ target, generation }) => generation.warnings.map((warning) => `${target}: ${warning}`)),
    ...skipped.map(({ target, reason }) => `${target}: left out, no Dockerfile (${reason})`),
  ];
  return { kind: 'workspace', project, flags, facts, workspace, services, skipped, warnings, changes };
}
