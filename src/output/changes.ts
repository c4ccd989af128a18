import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
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

/**
 * Replaces the file in one step: the content goes to a temporary file beside it, then a rename
 * swaps it in, so a crash leaves either the old file or the new one, never half of either.
 */
export function writeAtomically(target: string, content: string): void {
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
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, target);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
}
