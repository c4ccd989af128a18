import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { ExitCode, StagecraftError } from '../errors.js';
import type { Change } from '../render/index.js';
import { readStamp } from '../render/stamp.js';
import { CONFLICT_END, CONFLICT_START, reconcileGenerated, type Reconciliation } from './merge.js';

export type ChangeStatus = 'create' | 'unchanged' | 'update';

export interface AssessedChange extends Change {
  /** What a write puts on disk: the generated text, or the user's edits merged into it. */
  content: string;
  /** The text this run generated: what --stdout prints and .stagecraft/ records. */
  generated: string;
  status: ChangeStatus;
  /** The file's current content, when it exists and is a regular file. */
  existing: string | null;
  /** The path is a symbolic link: it is never read (it may point at a secret or a device), only replaced with --force. */
  isLink: boolean;
  target: string;
  /** Written even when it differs, without asking: the flag that put it in the list (--save) is the consent. */
  consented?: boolean;
  /** The user chose to keep their own file: not written, and not asked about again. */
  declined?: boolean;
  /** Said after its name once written: "created stagecraft.json (the next run reuses these answers; flags still win)". */
  note?: string;
  /** A generated file over one an earlier run generated: how the three texts compare (src/output/merge.ts). */
  reconciled?: Reconciliation['kind'];
  /** Places where the user's edits and the new text overlap, written between conflict markers. */
  conflicts?: number;
  /** A generated (stamped) file: its record in .stagecraft/ as it is now, null when there is none. */
  record?: string | null;
}

/**
 * Where stagecraft keeps the text it generated for each file, for the next run to merge the user's
 * edits with. The exact text is kept, not the answers that produced it: a newer stagecraft cannot
 * render an older one's templates, and plain files read well in a review.
 */
export const RECORD_FOLDER = '.stagecraft';

/** What a non-regular entry is, for the one-line refusal. */
function describeType(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** The entry at a target without following links; null when there is none. */
function entryAt(change: Change, target: string): Stats | null {
  try {
    return lstatSync(target);
  } catch (error) {
    // Only "not there" means create; anything else (no permission, a file as a parent) must not be overwritten blindly.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new StagecraftError(`${change.path} exists but cannot be read (${code}); nothing written`, ExitCode.conflict);
  }
}

/** Past this size an existing file is not diffed: a line diff of megabytes takes seconds and shows nothing a person reads. */
export const MAX_DIFFED_BYTES = 256 * 1024;

/** The recorded text of a generated file; null when there is none, or when the folder or the file is a link or not regular. */
function readRecord(root: string, file: string): string | null {
  try {
    if (!lstatSync(path.join(root, RECORD_FOLDER)).isDirectory()) return null;
    const target = path.join(root, RECORD_FOLDER, file);
    const stats = lstatSync(target);
    return stats.isFile() && stats.size <= MAX_DIFFED_BYTES ? readFileSync(target, 'utf8') : null;
  } catch {
    // No record (or an unreadable one) only means the next step cannot merge: the file counts as the user's own.
    return null;
  }
}

/** A generated file that differs from the one on disk, judged against what was generated then. */
function reconciled(change: AssessedChange, existing: string): AssessedChange {
  const outcome = reconcileGenerated(change.generated, change.record ?? null, existing);
  switch (outcome.kind) {
    case 'regenerate':
      return { ...change, reconciled: outcome.kind, consented: true };
    case 'keep':
    case 'unchanged':
      // The same lines (only the line ends differ for 'unchanged'): the file stays as it is.
      return { ...change, reconciled: outcome.kind, status: 'unchanged', content: existing };
    case 'merge':
      return {
        ...change,
        reconciled: outcome.kind,
        content: outcome.content,
        status: outcome.content === existing ? 'unchanged' : 'update',
        consented: true,
        conflicts: outcome.conflicts,
      };
    case 'unresolved':
      throw new StagecraftError(
        `${change.path} still holds the conflict markers of an earlier merge (${CONFLICT_START} ... ${CONFLICT_END}); resolve them and run again, or --force replaces it; nothing written`,
        ExitCode.mergeConflict,
      );
    default:
      return { ...change, reconciled: outcome.kind };
  }
}

/**
 * Compares each change with what is on disk now, so every output mode reads the same list. The
 * type is checked before anything is read: a link is not followed and a named pipe or a device is
 * not opened (reading either could hang, or show a file from outside the project). A generated
 * file over an earlier generation keeps the user's edits (merged) unless `force` replaces it.
 */
export function assessChanges(root: string, changes: Change[], options: { force?: boolean } = {}): AssessedChange[] {
  return changes.map((change) => {
    const target = path.join(root, change.path);
    const stats = entryAt(change, target);
    const record = readStamp(change.content) ? { record: readRecord(root, change.path) } : {};
    const assessed = { ...change, generated: change.content, target, ...record };
    if (stats === null) return { ...assessed, status: 'create', existing: null, isLink: false };
    if (stats.isSymbolicLink()) return { ...assessed, status: 'update', existing: null, isLink: true };
    if (!stats.isFile()) {
      throw new StagecraftError(`${change.path} exists and is ${describeType(stats)}; nothing written`, ExitCode.conflict);
    }
    let existing: string;
    try {
      existing = readFileSync(target, 'utf8');
    } catch (error) {
      throw new StagecraftError(`${change.path} exists but cannot be read (${errorCode(error)}); nothing written`, ExitCode.conflict);
    }
    const status: ChangeStatus = existing === change.content ? 'unchanged' : 'update';
    const plain: AssessedChange = { ...assessed, status, existing, isLink: false };
    // Past the diff limit a file is not merged line by line either: it counts as the user's own.
    const mergeable = status === 'update' && 'record' in assessed && !options.force && existing.length <= MAX_DIFFED_BYTES;
    return mergeable ? reconciled(plain, existing) : plain;
  });
}

/**
 * The records to write with the files: for each generated file that is stagecraft's after this run
 * (written, or already the same), the text generated, where the record differs from it.
 */
export function recordWrites(root: string, changes: AssessedChange[], written: AssessedChange[]): FileWrite[] {
  return changes
    .filter((change) => change.record !== undefined && (written.includes(change) || change.status === 'unchanged') && change.record !== change.generated)
    .map((change) => ({ path: `${RECORD_FOLDER}/${change.path}`, target: path.join(root, RECORD_FOLDER, change.path), content: change.generated }))
    .filter((record) => replaceable(record.target));
}

/** A record is renamed over what is there: nothing, a file, or a link (replaced, not followed); never a folder or a device. */
function replaceable(target: string): boolean {
  try {
    const stats = lstatSync(target);
    return stats.isFile() || stats.isSymbolicLink();
  } catch {
    return true;
  }
}

/**
 * Makes the record folder when it is missing: 'created' or 'exists'. Anything else there (a link,
 * a file) is not written through: the reason is returned, and the run writes no records.
 */
export function prepareRecordFolder(root: string): 'created' | 'exists' | { refused: string } {
  const folder = path.join(root, RECORD_FOLDER);
  try {
    const stats = lstatSync(folder);
    return stats.isDirectory() ? 'exists' : { refused: `${RECORD_FOLDER} is ${stats.isSymbolicLink() ? 'a symbolic link' : describeType(stats)}` };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return { refused: `${RECORD_FOLDER} cannot be read (${errorCode(error)})` };
  }
  try {
    mkdirSync(folder);
    return 'created';
  } catch (error) {
    return { refused: `${RECORD_FOLDER} cannot be made (${errorCode(error)})` };
  }
}

/** Removes a record folder this run made when its writes failed: "nothing written" stays true. */
export function removeRecordFolder(root: string): void {
  try {
    rmdirSync(path.join(root, RECORD_FOLDER));
  } catch {
    // Not empty or gone: it is left as it is, never removed with anything in it.
  }
}

/** The diff a user sees for a new or changed file; a link's target and an oversized file are never shown. */
export function unifiedDiff(change: AssessedChange): string {
  if (change.isLink) {
    const note = `${change.path} is a symbolic link; stagecraft does not follow it (--force replaces the link with this file)`;
    return `${note}\n${createTwoFilesPatch('/dev/null', `b/${change.path}`, '', change.content, '', '', { context: 3 })}`;
  }
  // A new file is all additions: the dry run shows what would be written, not only that it would be.
  if (change.status === 'create') return createTwoFilesPatch('/dev/null', `b/${change.path}`, '', change.content, '', '', { context: 3 });
  const existing = change.existing ?? '';
  if (Buffer.byteLength(existing) > MAX_DIFFED_BYTES) {
    return `${change.path}: the existing file is ${Buffer.byteLength(existing)} bytes, too large to diff; it would be replaced by ${Buffer.byteLength(change.content)} bytes`;
  }
  return createTwoFilesPatch(`a/${change.path}`, `b/${change.path}`, existing, change.content, '', '', { context: 3 });
}

export interface FileWrite {
  /** The name the user sees (relative to the project). */
  path: string;
  target: string;
  content: string;
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/**
 * write(2) may write less than asked (a disk that fills up midway) and says so only in its count:
 * writes until every byte is down, and a write that makes no progress is the disk refusing.
 */
function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) {
    const written = writeSync(fd, bytes, offset, bytes.length - offset);
    if (written <= 0) throw Object.assign(new Error('no space left'), { code: 'ENOSPC' });
    offset += written;
  }
}

/** Writes the content to a temporary file beside the target, flushed to disk, with the target's mode. */
function stageBeside(target: string, content: string): string {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.stagecraft-${process.pid}.tmp`);
  let mode = 0o644;
  try {
    // lstat: a link's target (a device, a file elsewhere) says nothing about the file written here.
    const stats = lstatSync(target);
    if (stats.isFile()) mode = stats.mode & 0o777;
  } catch {
    // A new file: the default mode is right.
  }
  const fd = openSync(temporary, 'wx', mode);
  try {
    writeAll(fd, Buffer.from(content, 'utf8'));
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  return temporary;
}

/** Every file this process has written, for the line a later interruption prints. */
const filesWritten: string[] = [];
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
let signalsReported = false;

/**
 * From the first write on, SIGINT, SIGTERM and SIGHUP get a listener. The runtime calls a listener only
 * between synchronous steps, so a signal can no longer land between staging and renaming (which
 * would leave temporaries beside the user's files, or half the files renamed): the writes finish,
 * then the run stops, saying what it had written.
 */
function reportSignalsAfterWriting(): void {
  if (signalsReported) return;
  signalsReported = true;
  for (const [signal, exitCode] of Object.entries(SIGNAL_EXIT_CODES)) {
    process.once(signal, () => {
      const written = filesWritten.length > 0 ? `${[...new Set(filesWritten)].join(', ')} written` : 'nothing written';
      process.stderr.write(`stagecraft: stopped by ${signal}; ${written}\n`);
      process.exit(exitCode);
    });
  }
}

/**
 * Replaces the files in two phases: every new content goes to a temporary file beside its target
 * first, and only when all of them are on disk do renames swap them in. A failure while staging
 * (a full disk, a read-only folder) changes nothing; a crash at any point leaves each file either
 * old or new, never half of either.
 */
export function writeFilesAtomically(writes: FileWrite[]): void {
  reportSignalsAfterWriting();
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
      filesWritten.push(write.path);
    } catch (error) {
      staged.slice(index).forEach((rest) => rmSync(rest.temporary, { force: true }));
      const done = replaced.length > 0 ? `${replaced.join(' and ')} written, the rest unchanged` : 'nothing written';
      throw new StagecraftError(`cannot replace ${write.path} (${errorCode(error)}); ${done}`, ExitCode.cannotWrite);
    }
  }
}
