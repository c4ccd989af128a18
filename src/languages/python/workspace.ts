import path from 'node:path';
import { fact, type Fact } from '../../core/facts.js';
import { globMatcher } from '../../core/glob.js';
import { isTable, readToml, type TomlFile } from '../../core/manifest.js';
import { lineOf } from '../../core/text.js';
import type { Workspace, WorkspaceMember } from '../../core/workspace.js';
import { ProjectFiles } from '../../project.js';
import { StagecraftError } from '../../errors.js';
import type { PythonFacts } from './detect.js';
import { normalizeName } from './requirements.js';
import { lockedCompiled, type LockedCompiled } from './wheels.js';

/** A member of a uv workspace above the folder: built from the workspace root, where uv.lock and every member are. */
export interface UvMember {
  /** The member's [project] name, which `uv sync --package` installs with its workspace dependencies. */
  package: string;
  /** Its folder from the workspace root ("packages/api"), where its Dockerfile is. */
  memberPath: string;
  /** The build context from the member's folder: the workspace root ("../.."). */
  contextPath: string;
  /** Every member's pyproject.toml, from the root: uv checks the lockfile against all of them. */
  memberManifests: string[];
  /** The workspace's pyproject.toml, read by `uv sync --locked` (from the member: "../../pyproject.toml"). */
  workspaceFile: Fact<string>;
}

const stringsOf = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** `[tool.uv.workspace] members` (minus `exclude`): the folders under the root with a pyproject.toml they match. */
function workspaceMembers(folder: ProjectFiles, manifest: TomlFile): string[] | null {
  const tool = isTable(manifest.data.tool) ? manifest.data.tool : null;
  const uv = isTable(tool?.uv) ? tool.uv : null;
  const workspace = isTable(uv?.workspace) ? uv.workspace : null;
  if (!workspace) return null;
  const included = stringsOf(workspace.members).map(globMatcher);
  const excluded = stringsOf(workspace.exclude).map(globMatcher);
  return folder
    .files()
    .filter((file) => file.endsWith('/pyproject.toml'))
    .map((file) => path.posix.dirname(file))
    .filter((dir) => included.some((matches) => matches(dir)) && !excluded.some((matches) => matches(dir)))
    .sort();
}

/** The uv workspace whose root this folder is (its pyproject.toml lists members, its uv.lock is here): the member folders. */
export function uvWorkspaceRoot(project: ProjectFiles, pyproject: TomlFile | null): Fact<string[]> | null {
  if (!pyproject || !project.hasFile('uv.lock')) return null;
  const members = workspaceMembers(project, pyproject);
  return members ? fact(members, { file: 'pyproject.toml', line: lineOf(pyproject.text, /^\[tool\.uv\.workspace\]/m) }) : null;
}

/**
 * The nearest uv workspace above the folder that has it as a member, with a uv.lock; the search stops
 * at a repository root. With the compiled packages its lockfile lists, as a project's own would, and
 * the root's .python-version.
 */
export function enclosingUvWorkspace(
  project: ProjectFiles,
  name: string,
): { member: UvMember; compiled: LockedCompiled[]; versionFile: { file: string; text: string } | null } | null {
  return project.findUp((folder) => {
    if (folder.readTextIfUsable('pyproject.toml') === null || !folder.hasFile('uv.lock')) return null;
    const manifest = readToml(folder, 'pyproject.toml');
    const members = workspaceMembers(folder, manifest);
    const memberPath = project.pathFrom(folder);
    if (!members?.includes(memberPath)) return null;
    const up = folder.pathFrom(project);
    const member: UvMember = {
      package: name,
      memberPath,
      contextPath: up,
      memberManifests: members.map((dir) => `${dir}/pyproject.toml`),
      workspaceFile: fact(`${up}/pyproject.toml`, { file: `${up}/pyproject.toml`, line: lineOf(manifest.text, /^\[tool\.uv\.workspace\]/m) }),
    };
    // uv looks for .python-version from the member up to the workspace root: the root's pins a member without its own.
    const version = folder.readTextIfUsable('.python-version');
    return {
      member,
      compiled: lockedCompiled(`${up}/uv.lock`, folder.readSource('uv.lock')),
      versionFile: version === null ? null : { file: `${up}/.python-version`, text: version },
    };
  });
}

/**
 * One member, detected as a run in its folder sees it (it finds the workspace above), with its
 * dependencies' names as PEP 503 compares them, for pythonWorkspace to find the members among them.
 */
function memberOf(root: ProjectFiles, folder: string, detect: (project: ProjectFiles) => PythonFacts): { member: WorkspaceMember; dependencies: string[] } {
  let facts: PythonFacts;
  try {
    facts = detect(new ProjectFiles(path.join(root.root, folder)));
  } catch (error) {
    // The member's own message names its file from its folder: said from the root, where the run is.
    if (error instanceof StagecraftError) throw new StagecraftError(`${folder}/${error.message}`, error.exitCode);
    throw error;
  }
  const run = { dir: folder, entry: null, output: null };
  const dependencies = facts.dependencies.value.map(normalizeName);
  // `uv sync --locked` reads every member's pyproject.toml, not its sources.
  const keep = [`${folder}/pyproject.toml`];
  const fromRoot = (file: string | undefined, line?: number) => ({ file: path.posix.join(folder, file ?? 'pyproject.toml'), ...(line ? { line } : {}) });
  if (facts.start) {
    const evidence = fromRoot(facts.start.evidence?.file, facts.start.evidence?.line);
    return { member: { name: facts.name.value, folder, deployable: true, evidence, why: `runs ${facts.start.value.join(' ')}`, run, keep }, dependencies };
  }
  return {
    member: { name: facts.name.value, folder, deployable: false, evidence: fromRoot('pyproject.toml'), why: 'library: no server, script or main module', run, keep },
    dependencies,
  };
}

/**
 * A uv workspace root's members (`[tool.uv.workspace] members`, one uv.lock): a member with
 * something to run (a server, a console script, a main module) is built by a run in its folder,
 * which builds it from the root with `uv sync --package <member>`; any other member is a library.
 */
export function pythonWorkspace(facts: PythonFacts, project: ProjectFiles, detect: (project: ProjectFiles) => PythonFacts): Workspace | null {
  const members = facts.uvWorkspaceMembers;
  if (!members || members.value.length === 0) return null;
  const all = members.value.map((folder) => memberOf(project, folder, detect));
  // A member another depends on (`dependencies = ["api"]`, `api = { workspace = true }`) is named by its own spelling.
  const withUses = all.map(({ member, dependencies }) => ({
    ...member,
    uses: all.filter(({ member: other }) => other !== member && dependencies.includes(normalizeName(other.name))).map(({ member: other }) => other.name),
  }));
  return { kind: 'uv workspace', evidence: members.evidence!, members: withUses };
}
