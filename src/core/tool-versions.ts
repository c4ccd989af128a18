import type { ProjectFiles } from '../project.js';
import type { Evidence } from './facts.js';
import { lineIndex } from './text.js';

/** Files of version managers that pin every language's tool: mise (`[tools] go = "1.23"`) and asdf (`.tool-versions`: `golang 1.23.4`). */
const TOOL_FILES = ['mise.toml', '.mise.toml', '.tool-versions'] as const;

/**
 * The version a version manager's file pins for a tool, as written ("3.12.1", "temurin-21"), with its
 * file and line; the first file that names one of `names` wins. The language checks the value.
 */
export function toolVersion(project: ProjectFiles, names: readonly string[]): { raw: string; evidence: Evidence } | null {
  const tool = names.map((name) => name.replace(/[.+-]/g, '\\$&')).join('|');
  for (const file of TOOL_FILES) {
    if (!project.hasFile(file)) continue;
    const text = project.readText(file);
    const match =
      file === '.tool-versions' ? new RegExp(`^(?:${tool})[ \\t]+(\\S+)`, 'm').exec(text) : new RegExp(`^[ \\t]*(?:${tool})[ \\t]*=[ \\t]*["']([^"']+)["']`, 'm').exec(text);
    if (match) return { raw: match[1]!, evidence: { file, line: lineIndex(text)(match.index) } };
  }
  return null;
}
