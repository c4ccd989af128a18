import { z } from 'zod';
import { parseJsonManifest } from './core/manifest.js';
import { projectError } from './errors.js';
import { BASES, BUILD_TOOLS, DEBUG_MODES, JAVA_RUNTIMES, PortSchema } from './core/options.js';
import type { Flags } from './flags.js';
import { LANGUAGE_NAMES } from './languages/registry.js';
import type { ProjectFiles } from './project.js';

/*
 * Saved answers: `stagecraft.json` in the project folder holds the answers a run needed, under the
 * names of their flags, so a later run (CI, a teammate, a template change) regenerates the same
 * files without questions. A file of its own works for every language (a Go or Python project has
 * no package.json), and flags given on the command line still win over it.
 */

export const CONFIG_FILE = 'stagecraft.json';

export const SavedAnswersSchema = z
  .object({
    lang: z.enum(LANGUAGE_NAMES),
    base: z.enum(BASES),
    debug: z.enum(DEBUG_MODES),
    port: z.union([PortSchema, z.literal('none')]),
    runtimeVersion: z.string().regex(/^\d+(\.\d+){0,2}$/, 'expected a version such as 1.23'),
    entry: z.string().min(1).max(256),
    buildTool: z.enum(BUILD_TOOLS),
    javaRuntime: z.enum(JAVA_RUNTIMES),
  })
  .partial()
  .strict();
export type SavedAnswers = z.infer<typeof SavedAnswersSchema>;

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
    if (merged[key] === undefined) (merged as Record<string, unknown>)[key] = saved[key];
  }
  return merged;
}

export const renderSavedAnswers = (saved: SavedAnswers) => `${JSON.stringify(saved, null, 2)}\n`;
