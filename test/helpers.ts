import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parseArguments } from '../src/cli/args.js';
import type { Flags } from '../src/cli/options.js';
import { ProjectFiles } from '../src/project.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export const fixture = (name: string) => path.join(FIXTURES, name);

/** A private copy of a project folder, so a test can write into it. */
export function copyFolder(source: string): string {
  const target = mkdtempSync(path.join(tmpdir(), `stagecraft-${path.basename(source)}-`));
  cpSync(source, target, { recursive: true });
  return target;
}

export const copyFixture = (name: string) => copyFolder(fixture(name));

/** Spawns the built CLI the way a user does: no TTY, CI-like environment, never throws on exit codes. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  return execa('node', [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    reject: false,
    stdin: 'ignore',
    env: { CI: 'true', ...options.env },
  });
}

/** A throwaway project from a map of relative paths to contents. */
export function makeProject(files: Record<string, string>): ProjectFiles {
  const dir = mkdtempSync(path.join(tmpdir(), 'stagecraft-project-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return new ProjectFiles(dir);
}

/** The flags these arguments give, parsed as the CLI parses them. */
export function flagsFrom(argv: string[]): Flags {
  const parsed = parseArguments(argv);
  if (parsed.kind !== 'run') throw new Error(`${argv.join(' ')} does not run stagecraft`);
  return parsed.flags;
}
