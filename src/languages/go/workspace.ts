import path from 'node:path';
import type { Workspace, WorkspaceMember } from '../../core/workspace.js';
import { targetNameOf } from '../../core/workspace.js';
import { importedFrom, type GoFacts } from './detect.js';

const folderOf = (dir: string) => dir.replace(/^\.\//, '') || '.';

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
    const reached = [...importedFrom(program.folder, facts.workspaceImports)];
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
