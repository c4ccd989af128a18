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
export const CLI = path.join(ROOT, 'dist', 'cli.cjs');

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
/** Two main packages that both serve and are named after neither the module nor the folder: no rule picks one. */
export const AMBIGUOUS_GO = () =>
  makeProject({
    'go.mod': 'module example.com/portal\n\ngo 1.23\n',
    'cmd/admin/main.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":9000", nil) }\n',
    'cmd/public/main.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
  });

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
