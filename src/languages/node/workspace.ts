import path from 'node:path';
import type { Evidence } from '../../core/facts.js';
import type { Workspace, WorkspaceMember } from '../../core/workspace.js';
import { StagecraftError } from '../../errors.js';
import { ProjectFiles } from '../../project.js';
import { detectNode, readManifest, type NodeFacts } from './detect.js';

/** The member's evidence, named from the workspace root. */
const fromRoot = (folder: string, evidence: Evidence | null): Evidence =>
  evidence ? { ...evidence, file: path.posix.join(folder, evidence.file) } : { file: `${folder}/package.json` };

/** One member, detected as a run in its folder sees it (it finds the workspace above). */
function memberOf(root: ProjectFiles, manifest: string): WorkspaceMember {
  const folder = path.posix.dirname(manifest);
  const files = new ProjectFiles(path.join(root.root, folder));
  let facts: NodeFacts;
  let startScript: boolean;
  let uses: string[];
  try {
    facts = detectNode(files);
    const manifest = readManifest(files);
    startScript = manifest.pkg.scripts?.start !== undefined;
    uses = [...manifest.all];
  } catch (error) {
    // The member's own message names its file from its folder: said from the root, where the run is.
    if (error instanceof StagecraftError) throw new StagecraftError(`${folder}/${error.message}`, error.exitCode);
    throw error;
  }
  const name = facts.name.value || folder;
  const run = { dir: folder, entry: null, output: null };
  const member = { name, folder, run, uses };
  // The install reads every member's manifest, not its sources.
  const keep = [`${folder}/${facts.manifestFile}`];
  if (facts.staticSite) return { ...member, deployable: false, evidence: fromRoot(folder, facts.staticSite.evidence), why: `static site: ${facts.staticSite.value.reason}`, keep };
  // A library's "main" (or index.js) is a start command to a run in its folder; here it runs only when it serves.
  if (facts.start && (startScript || facts.servesNetwork.value))
    return {
      ...member,
      deployable: true,
      evidence: fromRoot(folder, facts.start.evidence),
      why: `starts with ${[facts.start.value[0], ...(facts.nodeOptions?.value ?? []), ...facts.start.value.slice(1)].join(' ')}`,
      keep,
    };
  if (facts.framework.value) return { ...member, deployable: true, evidence: fromRoot(folder, facts.framework.evidence), why: `${facts.framework.value} server`, keep };
  return { ...member, deployable: false, evidence: fromRoot(folder, facts.name.evidence), why: 'library: no start script, main or server file', keep };
}

/** What the root's manager is called in the workspace's kind ("npm workspace"). */
const MANAGER_NAMES: Record<NodeFacts['packageManager']['value'], string> = { npm: 'npm', 'yarn-classic': 'Yarn', 'yarn-berry': 'Yarn', pnpm: 'pnpm', bun: 'bun' };

/**
 * A workspace root's members, each built from the root by the member run's own Dockerfile: a pnpm
 * workspace's with pnpm deploy, an npm, Yarn or bun workspace's (package.json "workspaces") with the
 * root's lockfile, narrowed to the member, and with turbo prune when turbo.json says it is a Turborepo.
 */
export function nodeWorkspace(facts: NodeFacts, project: ProjectFiles): Workspace | null {
  if (facts.workspace !== null || facts.workspaceManifests.length === 0) return null;
  const members = facts.workspaceManifests.map((manifest) => memberOf(project, manifest));
  if (facts.hasPnpmWorkspaceFile) return { kind: 'pnpm workspace', evidence: { file: 'pnpm-workspace.yaml' }, members };
  const kind = `${MANAGER_NAMES[facts.packageManager.value]} workspace`;
  // Turborepo changes only how each member is cut out of the workspace (turbo prune), which its run reads from turbo.json.
  if (project.hasFile('turbo.json')) return { kind: `Turborepo (${kind})`, evidence: { file: 'turbo.json' }, members };
  return { kind, evidence: { file: facts.manifestFile }, members };
}
