import { describeEvidence, type Evidence } from './facts.js';
import type { PlanSecret } from './plan-schema.js';
import { lineAt } from './text.js';
import type { ProjectFiles } from '../project.js';

/*
 * Credentials an install step needs (a registry token, a private index, a .netrc): given to that
 * one RUN as a BuildKit secret mount, never as ARG or ENV, so no layer, no history entry and no
 * image config keeps them. Each language finds its own in its own files; this file only knows
 * the three places a secret can come from and how a config line names one.
 */

/**
 * One secret of the build. `file`: a file of the project (kept out of the context by the
 * .dockerignore), `home`: a file in the home folder of whoever builds, `env`: an environment
 * variable of the shell that runs docker build.
 */
export interface BuildSecret {
  /** The secret's id, as `--mount=type=secret,id=` and `docker build --secret id=` name it. */
  id: string;
  source: 'file' | 'home' | 'env';
  /** The project-relative file, the file under the home folder, or the variable's name. */
  from: string;
  /** Where the install step's tool reads the file; null for a variable, which the step exports instead. */
  target: string | null;
  /** What says the build needs it; a file and line, never the secret's value. */
  evidence: Evidence;
}

/** A file of the project, mounted where its tool reads it. */
export const fileSecret = (id: string, from: string, target: string, evidence: Evidence): BuildSecret => ({ id, source: 'file', from, target, evidence });

/** An environment variable of the build's shell, exported to the install step only. */
export const envSecret = (variable: string, evidence: Evidence): BuildSecret => ({ id: variable, source: 'env', from: variable, target: null, evidence });

/** A variable name a tool expands in its config (`${NPM_TOKEN}`): letters, digits and `_`, as a shell reads it. */
const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The first line of a file that matches, with its text; null when none does. */
export function firstLine(text: string, pattern: RegExp): { line: number; text: string } | null {
  const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(text);
  if (!match) return null;
  const start = text.lastIndexOf('\n', match.index) + 1;
  const end = text.indexOf('\n', match.index);
  return { line: lineAt(text, match.index), text: text.slice(start, end === -1 ? undefined : end) };
}

/**
 * Every line that matches, with the variables it names (`${NPM_TOKEN}`): the config is kept, and
 * the variables go to the build as secrets of their own, each with the first line naming it.
 */
export function envReferences(file: string, text: string, pattern: RegExp): BuildSecret[] {
  const found = new Map<string, BuildSecret>();
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (!pattern.test(line)) return;
    for (const [, variable] of line.matchAll(ENV_REFERENCE)) {
      if (!found.has(variable!)) found.set(variable!, envSecret(variable!, { file, line: index + 1 }));
    }
  });
  return [...found.values()];
}

/** The line of a dotenv-style file (`.envrc`, `go.env`) that sets a variable (`export NAME=...`), with its value; null when none does. */
export function settingIn(text: string, name: string): { line: number; value: string } | null {
  const setting = firstLine(text, new RegExp(`^[ \\t]*(?:export[ \\t]+)?${name}[ \\t]*=[ \\t]*(\\S*)`, 'm'));
  return setting
    ? {
        line: setting.line,
        value: setting.text
          .replace(/^[^=]*=\s*/, '')
          .trim()
          .replace(/^(["'])(.*)\1$/, '$2'),
      }
    : null;
}

/**
 * Variables a tool reads from the environment that a dotenv-style file sets (`PIP_INDEX_URL=...`):
 * each an env secret, named by the first line that sets it. Their values stay unread past the match.
 */
export function variablesSetIn(project: ProjectFiles, files: readonly string[], names: readonly string[]): BuildSecret[] {
  const found = new Map<string, BuildSecret>();
  for (const file of files) {
    if (!project.hasFile(file)) continue;
    const text = project.readText(file);
    for (const name of names) {
      const setting = found.has(name) ? null : settingIn(text, name);
      if (setting) found.set(name, envSecret(name, { file, line: setting.line }));
    }
  }
  return [...found.values()];
}

/** The plan's part: each secret with the line that asks for it, and the files among them, which the .dockerignore keeps out of the context. */
export function planSecrets(secrets: readonly BuildSecret[]): { secrets: PlanSecret[]; secretFiles: string[] } {
  return {
    secrets: secrets.map(({ id, source, from, target, evidence }) => ({ id, source, from, target, why: describeEvidence(evidence) })),
    secretFiles: [...new Set(secrets.filter((secret) => secret.source === 'file').map((secret) => secret.from))],
  };
}
