import path from 'node:path';
import type { Workspace, WorkspaceMember } from '../../core/workspace.js';
import { targetNameOf } from '../../core/workspace.js';
import type { Fact } from '../../core/facts.js';
import type { RustFacts } from './detect.js';

/**
 * The root package of a workspace whose Cargo.toml is both ([package] and [workspace]): each of its
 * binaries is built by the run at the root with that --entry (`Dockerfile`, or `Dockerfile.<bin>` for
 * several); without one it is a library.
 */
function rootPackage(facts: RustFacts, packageName: Fact<string>): WorkspaceMember[] {
  const own = facts.binaries.filter((binary) => binary.value.package === packageName.value);
  if (own.length === 0)
    return [
      {
        name: packageName.value,
        folder: '.',
        deployable: false,
        evidence: packageName.evidence!,
        why: 'library: no binary target',
        run: { dir: '.', entry: null, output: null },
        keep: null,
      },
    ];
  return own.map((binary) => ({
    name: binary.value.name,
    folder: '.',
    deployable: true,
    evidence: binary.evidence!,
    why: `binary target ${binary.value.name} of the root package`,
    run: { dir: '.', entry: binary.value.name, output: own.length > 1 ? `Dockerfile.${targetNameOf(binary.value.name)}` : null },
    keep: null,
  }));
}

/**
 * A workspace's members (a root Cargo.toml with [workspace]): a member with a binary target is built
 * by a run in its folder, which builds it from the workspace root with `cargo build --package`; a
 * root that is a package itself adds its own binaries, built at the root.
 */
export function rustWorkspace(facts: RustFacts): Workspace | null {
  if (facts.enclosingWorkspace !== null || facts.workspaceMembers.length === 0) return null;
  const members = facts.workspaceMembers.map((folder): WorkspaceMember => {
    const binaries = facts.binaries.filter((binary) => binary.evidence?.file.startsWith(`${folder}/`));
    const run = { dir: folder, entry: null, output: null };
    // Each member's own run leaves out the members its package does not depend on (their Cargo.toml kept), so the root adds nothing.
    const keep = null;
    if (binaries.length === 0)
      return { name: path.posix.basename(folder), folder, deployable: false, evidence: { file: `${folder}/Cargo.toml` }, why: 'library: no binary target', run, keep };
    const names = binaries.map((binary) => binary.value.name).join(', ');
    return {
      name: binaries[0]!.value.package,
      folder,
      deployable: true,
      evidence: binaries[0]!.evidence!,
      why: `binary target${binaries.length > 1 ? 's' : ''} ${names}`,
      run,
      keep,
    };
  });
  const root = facts.packageName === null ? [] : rootPackage(facts, facts.packageName);
  return { kind: 'Cargo workspace', evidence: { file: 'Cargo.toml' }, members: [...root, ...members] };
}
