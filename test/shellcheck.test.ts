import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';
import { CELLS, snapshotPath } from './matrix.js';
import { LIVING_CASES, livingSnapshotPath } from './living-cases.js';

/*
 * Every shell-form RUN in every snapshot, checked by ShellCheck as the POSIX sh that `docker build`
 * runs it with (dash on Debian, busybox ash on Alpine). Identical scripts are checked once.
 */

const shellcheck = await execa('shellcheck', ['--version'], { reject: false });
const missing = shellcheck.failed ? 'ShellCheck is not installed (Debian package shellcheck; .ci/run installs it): RUN lines not checked' : null;
if (missing) console.log(`shellcheck: skipped: ${missing}`);

/** The shell script of a RUN: its text without the instruction keyword and its --mount/--network flags. */
function runScripts(dockerfile: string): string[] {
  return DockerfileParser.parse(dockerfile)
    .getInstructions()
    .filter((instruction) => instruction.getKeyword() === 'RUN' && !(instruction.getArgumentsContent() ?? '').startsWith('['))
    .map((instruction) =>
      instruction
        .getTextContent()
        .replace(/^RUN\s+/, '')
        .replace(/^(--\S+\s*(\\\n\s*)?)+/, ''),
    );
}

describe.skipIf(missing !== null)('ShellCheck on every RUN of every snapshot', () => {
  const scripts = new Map<string, string[]>();
  for (const cell of CELLS) {
    let dockerfile: string;
    try {
      dockerfile = readFileSync(path.join(ROOT, snapshotPath(cell)), 'utf8');
    } catch (error) {
      // Refused cells have no snapshot.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (const script of runScripts(dockerfile)) scripts.set(script, [...(scripts.get(script) ?? []), snapshotPath(cell)]);
  }
  // The living cases (build secrets, healthchecks, reproducible builds) add RUN lines of their own.
  for (const testCase of LIVING_CASES) {
    const file = livingSnapshotPath(testCase, 'Dockerfile');
    for (const script of runScripts(readFileSync(path.join(ROOT, file), 'utf8'))) scripts.set(script, [...(scripts.get(script) ?? []), file]);
  }

  it('finds the RUN lines it checks', () => {
    expect(scripts.size).toBeGreaterThan(10);
  });

  it('reports nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stagecraft-shellcheck-'));
    const files = [...scripts.keys()].map((script, index) => {
      const file = path.join(dir, `run-${index}.sh`);
      writeFileSync(file, `${script}\n`);
      return file;
    });
    // SC1091: a file a RUN sources (`. /rust-target.env`) is written by an earlier RUN, which ShellCheck cannot see.
    const result = await execa('shellcheck', ['--shell=sh', '--format=gcc', '--exclude=SC1091', ...files], { reject: false });
    const problems = result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const index = Number(/run-(\d+)\.sh/.exec(line)![1]);
        const [script, places] = [...scripts.entries()][index]!;
        return `${line.replace(/^[^:]+:/, '')} in "${script.split('\n')[0]}" (${places[0]}${places.length > 1 ? ` and ${places.length - 1} more` : ''})`;
      });
    expect(problems).toEqual([]);
  });

  it('would report a real problem', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stagecraft-shellcheck-'));
    const file = path.join(dir, 'broken.sh');
    writeFileSync(file, `${runScripts('FROM x\nRUN cd $HOME && [[ -n $X ]] && echo $X\n')[0]}\n`);
    const result = await execa('shellcheck', ['--shell=sh', '--format=gcc', file], { reject: false });
    expect(result.stdout).toMatch(/SC2039|SC3010|SC2086/);
  });
});
