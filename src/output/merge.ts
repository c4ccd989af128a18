import { diffArrays } from 'diff';
import { readStamp } from '../render/stamp.js';

/*
 * A re-run over files stagecraft generated before: what would be generated now, what was generated
 * then (the record in .stagecraft/) and what is on disk give one of the outcomes below, as git
 * does for a merge. `stagecraft check` reads the same outcome to say whether a file has drifted.
 */

export const CONFLICT_START = '<<<<<<< yours';
export const CONFLICT_SEPARATOR = '=======';
export const CONFLICT_END = '>>>>>>> stagecraft';

export type Reconciliation =
  /** Nothing on disk yet. */
  | { kind: 'create' }
  /** The file on disk is already the new text. */
  | { kind: 'unchanged' }
  /** The file is what a run generated, unedited since: the new text replaces it. */
  | { kind: 'regenerate' }
  /** The user edited it, and stagecraft would write what it wrote then: the user's file stays. */
  | { kind: 'keep' }
  /** The user edited it and stagecraft's text changed: the user's edits over the new text, conflicts marked. */
  | { kind: 'merge'; content: string; conflicts: number }
  /** It still holds the conflict markers of an earlier merge. */
  | { kind: 'unresolved' }
  /** No stamp: a file of the user's own (hand-written, or its stamp line edited away). */
  | { kind: 'own' }
  /** Stagecraft's, edited, but no record of the text it was generated as to merge with: treated as the user's own. */
  | { kind: 'unrecorded' };

const hasConflictMarkers = (text: string) => text.split('\n').some((line) => line === CONFLICT_START || line === CONFLICT_END);

/**
 * Compares what would be generated now with what was generated then and what is on disk. `then`
 * is trusted only when it is itself unedited and carries the stamp of the file on disk: the text
 * that file was generated as. A file checked out with CRLF line ends (git's autocrlf on Windows)
 * is compared by its lines, and a merge keeps its line ends.
 */
export function reconcileGenerated(now: string, then: string | null, onDisk: string | null): Reconciliation {
  if (onDisk === null) return { kind: 'create' };
  const crlf = onDisk.includes('\r\n');
  const disk = crlf ? onDisk.replace(/\r\n/g, '\n') : onDisk;
  if (disk === now) return { kind: 'unchanged' };
  const stamp = readStamp(disk);
  if (!stamp) return { kind: 'own' };
  if (stamp.unedited) return { kind: 'regenerate' };
  if (hasConflictMarkers(disk)) return { kind: 'unresolved' };
  const base = then === null ? null : readStamp(then);
  if (!base?.unedited || base.hash !== stamp.hash) return { kind: 'unrecorded' };
  if (then === now) return { kind: 'keep' };
  const merged = mergeThreeWay(disk, then!, now);
  return { kind: 'merge', content: crlf ? merged.content.replace(/\n/g, '\r\n') : merged.content, conflicts: merged.conflicts };
}

/** Adds the lines one by one: spreading a list of a hundred thousand lines into push() overflows the stack. */
function append(target: string[], ...lists: string[][]): void {
  for (const list of lists) for (const line of list) target.push(line);
}

/** Replaces base lines [start, end) with `lines`; an insertion has start === end. */
export interface Hunk {
  start: number;
  end: number;
  lines: string[];
  side: 'yours' | 'theirs';
}

/** The changes that turn the base into one side, as hunks over the base's lines (`stagecraft check` reads them too). */
export function hunksOf(base: string[], edited: string[], side: Hunk['side']): Hunk[] {
  const hunks: Hunk[] = [];
  let at = 0;
  let open: Hunk | null = null;
  for (const part of diffArrays(base, edited)) {
    if (!part.added && !part.removed) {
      if (open) hunks.push(open);
      open = null;
      at += part.value.length;
      continue;
    }
    open ??= { start: at, end: at, lines: [], side };
    if (part.removed) {
      at += part.value.length;
      open.end = at;
    } else append(open.lines, part.value);
  }
  if (open) hunks.push(open);
  return hunks;
}

/** The base's lines [start, end) with these hunks (all inside that range, in order) applied. */
function applyHunks(base: string[], start: number, end: number, hunks: Hunk[]): string[] {
  const result: string[] = [];
  let at = start;
  for (const hunk of hunks) {
    append(result, base.slice(at, hunk.start), hunk.lines);
    at = hunk.end;
  }
  append(result, base.slice(at, end));
  return result;
}

const sameLines = (a: string[], b: string[]) => a.length === b.length && a.every((line, index) => line === b[index]);

/**
 * A line-based three-way merge, as diff3 and git do it: a change made on one side only is taken; the
 * same change on both sides is taken once; changes that overlap or touch are a conflict, written
 * with both sides between markers, so nothing of either is lost.
 */
export function mergeThreeWay(yours: string, base: string, theirs: string): { content: string; conflicts: number } {
  const baseLines = base.split('\n');
  const hunks = [...hunksOf(baseLines, yours.split('\n'), 'yours'), ...hunksOf(baseLines, theirs.split('\n'), 'theirs')].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: string[] = [];
  let conflicts = 0;
  let at = 0;
  for (let first = 0; first < hunks.length;) {
    const start = hunks[first]!.start;
    let end = hunks[first]!.end;
    let next = first + 1;
    while (next < hunks.length && hunks[next]!.start <= end) end = Math.max(end, hunks[next++]!.end);
    const group = hunks.slice(first, next);
    const mine = applyHunks(
      baseLines,
      start,
      end,
      group.filter((hunk) => hunk.side === 'yours'),
    );
    const stagecrafts = applyHunks(
      baseLines,
      start,
      end,
      group.filter((hunk) => hunk.side === 'theirs'),
    );
    append(merged, baseLines.slice(at, start));
    if (group.every((hunk) => hunk.side === 'yours') || sameLines(mine, stagecrafts)) append(merged, mine);
    else if (group.every((hunk) => hunk.side === 'theirs')) append(merged, stagecrafts);
    else {
      conflicts += 1;
      append(merged, [CONFLICT_START], mine, [CONFLICT_SEPARATOR], stagecrafts, [CONFLICT_END]);
    }
    at = end;
    first = next;
  }
  append(merged, baseLines.slice(at));
  return { content: merged.join('\n'), conflicts };
}
