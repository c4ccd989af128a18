import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessChanges, writeAtomically } from '../src/output/changes.js';

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
    expect(statuses).toEqual([['new', 'create', null], ['same', 'unchanged', 'a\n'], ['different', 'update', 'mine\n']]);
  });

  it('a folder where the Dockerfile should be is a conflict, not a crash', () => {
    const dir = scratchDir();
    mkdirSync(path.join(dir, 'Dockerfile'));
    expect(() => assessChanges(dir, [{ path: 'Dockerfile', content: 'x' }])).toThrow('Dockerfile exists but cannot be read (EISDIR); nothing written');
  });
});

describe('atomic writes', () => {
  it('replaces the content and keeps the file mode', () => {
    const dir = scratchDir();
    const target = path.join(dir, 'Dockerfile');
    writeFileSync(target, 'old\n');
    chmodSync(target, 0o600);
    writeAtomically(target, 'new\n');
    expect(readFileSync(target, 'utf8')).toBe('new\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['Dockerfile']);
  });

  it('when the rename fails, the old content is intact and no temporary file is left', () => {
    const dir = scratchDir();
    // A non-empty folder at the target makes rename(2) fail after the temporary file is written.
    const target = path.join(dir, 'Dockerfile');
    mkdirSync(target);
    writeFileSync(path.join(target, 'keep'), 'precious\n');
    expect(() => writeAtomically(target, 'new\n')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readFileSync(path.join(target, 'keep'), 'utf8')).toBe('precious\n');
    expect(readdirSync(dir)).toEqual(['Dockerfile']);
  });
});
