import path from 'node:path';
import type { Workspace, WorkspaceMember } from '../../core/workspace.js';
import { targetNameOf } from '../../core/workspace.js';
import type { GoFacts } from './detect.js';

const folderOf = (dir: string) => dir.replace(/^\.\//, '') || '.';

/** The package folders `main` imports, directly or through each other, within the workspace. */
function reachedFrom(main: string, facts: GoFacts): Set<string> {
  const reached = new Set<string>();
  const pending = [main];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop())
    for (const imported of facts.workspaceImports[dir] ?? []) {
      if (reached.has(imported)) continue;
      reached.add(imported);
      pending.push(imported);
    }
  return reached;
}

/**
 * A go.work workspace's programs: each main package is built at the root, where go.work and every
 * module it uses are in the context, into a Dockerfile of its own (`Dockerfile.<name>`); a module
 * without a main package is a library.
 */
export function goWorkspace(facts: GoFacts): Workspace | null {
  if (facts.layout.value !== 'workspace') return null;
  const names = facts.mainPackages.map((main) => targetNameOf(main.value.split('/').pop()!));
  // Two programs with the same last folder (svc/a/cmd/server, svc/b/cmd/server) are named by their whole path.
  const programs = facts.mainPackages.map((main, index): WorkspaceMember => {
    const name = names.indexOf(names[index]!) === names.lastIndexOf(names[index]!) ? names[index]! : targetNameOf(folderOf(main.value));
    return {
      name,
      folder: folderOf(main.value),
      deployable: true,
      evidence: main.evidence!,
      why: 'main package',
      run: { dir: '.', entry: main.value, output: `Dockerfile.${name}` },
      // go.work needs every module's go.mod (and go.sum) to load; a program's sources only its own build reads.
      keep: facts.moduleFiles.filter((file) => path.posix.dirname(file) === folderOf(main.value)),
    };
  });
  // A program that imports a package inside another program's folder (api/client, below the api program) needs that folder.
  for (const program of programs) {
    const reached = [...reachedFrom(program.folder, facts)];
    program.uses = programs.filter((other) => other !== program && reached.some((dir) => dir === other.folder || dir.startsWith(`${other.folder}/`))).map((other) => other.name);
  }
  const libraries = facts.workspaceModules
    .filter((dir) => !facts.mainPackages.some((main) => `${folderOf(main.value)}/`.startsWith(`${folderOf(dir)}/`)))
    .map((dir): WorkspaceMember => ({
      name: folderOf(dir),
      folder: folderOf(dir),
      deployable: false,
      evidence: { file: `${folderOf(dir)}/go.mod` },
      why: 'library module: no main package',
      run: { dir: '.', entry: null, output: null },
      keep: null,
    }));
  return { kind: 'go.work', evidence: facts.layout.evidence!, members: [...programs, ...libraries] };
}
