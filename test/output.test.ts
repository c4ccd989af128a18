import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { assessChanges, writeFilesAtomically } from '../src/output/changes.js';

/** The next rename(2) fails with this error: how a test simulates a crash between staging and replacing. */
const renameFailure = vi.hoisted(() => ({ next: null as Error | null }));
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const renameSync: typeof actual.renameSync = (from, to) => {
    const failure = renameFailure.next;
    renameFailure.next = null;
    if (failure) throw failure;
    return actual.renameSync(from, to);
  };
  return { ...actual, renameSync };
});

const scratchDir = () => mkdtempSync(path.join(tmpdir(), 'stagecraft-output-'));

describe('change list', () => {
  it('tells create, unchanged and update apart', () => {
    const dir = scratchDir();
    writeFileSync(path.join(dir, 'same'), 'a\n');
    writeFileSync(path.join(dir, 'different'), 'mine\n');
    const statuses = assessChanges(dir, [
      { path: 'new', content: 'x\n' },
      { path: 'same', content: 'a\n' },
      { path: 'different', content: 'theirs\n' },
    ]).map((change) => [change.path, change.status, change.existing]);
    expect(statuses).toEqual([
      ['new', 'create', null],
      ['same', 'unchanged', 'a\n'],
      ['different', 'update', 'mine\n'],
    ]);
  });

  it('a folder where the Dockerfile should be is a conflict, not a crash', () => {
    const dir = scratchDir();
    mkdirSync(path.join(dir, 'Dockerfile'));
    expect(() => assessChanges(dir, [{ path: 'Dockerfile', content: 'x' }])).toThrow('Dockerfile exists and is a folder; nothing written');
  });
});

describe('atomic writes', () => {
  const write = (dir: string, name: string, content: string) => ({ path: name, target: path.join(dir, name), content });

  it("replaces the contents and keeps each file's mode, leaving no temporary file", () => {
    const dir = scratchDir();
    const target = path.join(dir, 'Dockerfile');
    writeFileSync(target, 'old\n');
    chmodSync(target, 0o600);
    writeFilesAtomically([write(dir, 'Dockerfile', 'new\n'), write(dir, '.dockerignore', 'x\n')]);
    expect(readFileSync(target, 'utf8')).toBe('new\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['.dockerignore', 'Dockerfile']);
  });

  it('when a file cannot be staged, nothing is written at all', () => {
    const dir = scratchDir();
    writeFileSync(path.join(dir, 'Dockerfile'), 'old\n');
    // The second target's folder does not exist, so its temporary file cannot be created.
    const outcome = () => writeFilesAtomically([write(dir, 'Dockerfile', 'new\n'), write(dir, 'missing/.dockerignore', 'x\n')]);
    expect(outcome).toThrow('cannot write missing/.dockerignore (ENOENT); nothing written');
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['Dockerfile']);
  });

  it('when the rename fails, the old file is intact and no temporary file is left', () => {
    const dir = scratchDir();
    writeFileSync(path.join(dir, 'Dockerfile'), 'precious\n');
    renameFailure.next = Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
    expect(() => writeFilesAtomically([write(dir, 'Dockerfile', 'new\n'), write(dir, '.dockerignore', 'x\n')])).toThrow('cannot replace Dockerfile (EIO); nothing written');
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe('precious\n');
    expect(readdirSync(dir)).toEqual(['Dockerfile']);
  });
});
