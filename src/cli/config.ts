import { parseJsonManifest } from '../core/manifest.js';
import { projectError } from '../errors.js';
import { assessChanges, type AssessedChange } from '../output/changes.js';
import { SavedAnswersSchema, type Flags, type SavedAnswers } from './options.js';
import type { ProjectFiles } from '../project.js';

/*
 * Saved answers: `stagecraft.json` in the project folder holds the answers a run needed, under the
 * names of their flags, so a later run (CI, a teammate, a template change) regenerates the same
 * files without questions. A file of its own works for every language (most projects have no
 * package.json), and flags given on the command line still win over it.
 */

export const CONFIG_FILE = 'stagecraft.json';

/** The answers saved in the project folder, or null when there are none. */
export function readSavedAnswers(project: ProjectFiles): SavedAnswers | null {
  if (!project.hasFile(CONFIG_FILE)) return null;
  const json = parseJsonManifest(project.readText(CONFIG_FILE), CONFIG_FILE);
  const result = SavedAnswersSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? `"${issue.path.join('.')}": ` : '';
    throw projectError(`${CONFIG_FILE}: ${where}${issue.message} (delete it to be asked again)`);
  }
  return result.data;
}

/** Flags given on the command line win; saved answers fill in the rest. */
export function withSavedAnswers(flags: Flags, saved: SavedAnswers | null): Flags {
  if (!saved) return flags;
  const merged: Flags = { ...flags };
  for (const key of Object.keys(saved) as (keyof SavedAnswers)[]) {
    // A switch the command line did not give is false, not undefined: a saved true turns it on.
    if (merged[key] === undefined || merged[key] === false) (merged as Record<string, unknown>)[key] = saved[key];
  }
  return merged;
}

const sameAnswers = (a: SavedAnswers, b: SavedAnswers) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([key, value]) => b[key as keyof SavedAnswers] === value);

/**
 * The change that saves these answers to stagecraft.json; null when the file already holds them,
 * however it is formatted. Saving is consent to replace it, so it never waits for --force.
 */
export function savedAnswersChange(root: string, answers: SavedAnswers, saved: SavedAnswers | null): AssessedChange | null {
  if (saved && sameAnswers(saved, answers)) return null;
  const [change] = assessChanges(root, [{ path: CONFIG_FILE, content: `${JSON.stringify(answers, null, 2)}\n` }]);
  if (change!.status === 'unchanged') return null;
  return { ...change!, consented: true, note: 'the next run reuses these answers; flags still win' };
}
