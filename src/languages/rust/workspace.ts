import path from 'node:path';
import type { Workspace, WorkspaceMember } from '../../core/workspace.js';
import type { RustFacts } from './detect.js';

/**
 * A virtual workspace's members (a root Cargo.toml with [workspace] only): a member with a binary
 * target is built by a run in its folder, which builds it from the workspace root with
 * `cargo build --package`. A root that is a package itself stays one app.
 */
export function rustWorkspace(facts: RustFacts): Workspace | null {
  if (facts.packageName !== null || facts.enclosingWorkspace !== null || facts.workspaceMembers.length === 0) return null;
  const members = facts.workspaceMembers.map((folder): WorkspaceMember => {
    const binaries = facts.binaries.filter((binary) => binary.evidence?.file.startsWith(`${folder}/`));
    const run = { dir: folder, entry: null, output: null };
    // The recipe stage makes a stand-in of every member's .rs files: no build can do without them.
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
  return { kind: 'Cargo workspace', evidence: { file: 'Cargo.toml' }, members };
}
