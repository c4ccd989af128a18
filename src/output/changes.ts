import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { ExitCode, StagecraftError } from '../errors.js';
import type { Change } from '../render/index.js';

export type ChangeStatus = 'create' | 'unchanged' | 'update';

export interface AssessedChange extends Change {
  status: ChangeStatus;
  /** The file's current content, when it exists. */
  existing: string | null;
  target: string;
  /** Written even when it differs, without asking: the flag that put it in the list (--save) is the consent. */
  consented?: boolean;
  /** Said after its name once written: "created stagecraft.json (the next run reuses these answers; flags still win)". */
  note?: string;
}

/** Compares each change with what is on disk now, so every output mode reads the same list. */
export function assessChanges(root: string, changes: Change[]): AssessedChange[] {
  return changes.map((change) => {
    const target = path.join(root, change.path);
    let existing: string | null = null;
    try {
      existing = readFileSync(target, 'utf8');
    } catch (error) {
      // Only "not there" means create; anything else (a folder, no permission) must not be overwritten blindly.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') {
        throw new StagecraftError(`${change.path} exists but cannot be read (${code}); nothing written`, ExitCode.conflict);
      }
    }
    const status: ChangeStatus = existing === null ? 'create' : existing === change.content ? 'unchanged' : 'update';
    return { ...change, status, existing, target };
  });
}

export const unifiedDiff = (change: AssessedChange) =>
  createTwoFilesPatch(`a/${change.path}`, `b/${change.path}`, change.existing ?? '', change.content, '', '', { context: 3 });

interface FileWrite {
  /** The name the user sees (relative to the project). */
  path: string;
  target: string;
  content: string;
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/** Writes the content to a temporary file beside the target, flushed to disk, with the target's mode. */
function stageBeside(target: string, content: string): string {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.stagecraft-${process.pid}.tmp`);
  let mode = 0o644;
  try {
    mode = statSync(target).mode & 0o777;
  } catch {
    // A new file: the default mode is right.
  }
  const fd = openSync(temporary, 'wx', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  return temporary;
}

/**
 * Replaces the files in two phases: every new content goes to a temporary file beside its target
 * first, and only when all of them are on disk do renames swap them in. A failure while staging
 * (a full disk, a read-only folder) changes nothing; a crash at any point leaves each file either
 * old or new, never half of either.
 */
export function writeFilesAtomically(writes: FileWrite[]): void {
  const staged: { write: FileWrite; temporary: string }[] = [];
  const discard = () => staged.forEach(({ temporary }) => rmSync(temporary, { force: true }));
  for (const write of writes) {
    try {
      staged.push({ write, temporary: stageBeside(write.target, write.content) });
    } catch (error) {
      discard();
      throw new StagecraftError(`cannot write ${write.path} (${errorCode(error)}); nothing written`, ExitCode.cannotWrite);
    }
  }
  const replaced: string[] = [];
  for (const [index, { write, temporary }] of staged.entries()) {
    try {
      renameSync(temporary, write.target);
      replaced.push(write.path);
    } catch (error) {
      staged.slice(index).forEach((rest) => rmSync(rest.temporary, { force: true }));
      const done = replaced.length > 0 ? `${replaced.join(' and ')} written, the rest unchanged` : 'nothing written';
      throw new StagecraftError(`cannot replace ${write.path} (${errorCode(error)}); ${done}`, ExitCode.cannotWrite);
    }
  }
}
