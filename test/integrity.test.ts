import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, copyFixture, fixture, runCli } from './helpers.js';

/*
 * The user's files survive whatever the disk and the process do: links are not read through,
 * pipes and devices are not opened, a full disk changes nothing, a signal mid-write leaves no
 * temporaries. Each case runs the real CLI on a real file system.
 */

const isRoot = process.getuid?.() === 0;
const temporaries = (dir: string) => readdirSync(dir).filter((name) => name.includes('.stagecraft-'));

describe('existing outputs that are not plain files', () => {
  it('a Dockerfile linked to a file outside the project is never read, and only --force replaces the link', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'stagecraft-outside-'));
    writeFileSync(path.join(outside, 'id_rsa'), 'PRIVATE KEY MATERIAL\n');
    const dir = copyFixture('go-root-main');
    symlinkSync(path.join(outside, 'id_rsa'), path.join(dir, 'Dockerfile'));

    const dryRun = await runCli([dir, '--yes', '--dry-run']);
    expect(dryRun.exitCode).toBe(0);
    expect(dryRun.stdout).not.toContain('PRIVATE KEY');
    expect(dryRun.stdout).toContain('Dockerfile is a symbolic link; stagecraft does not follow it');

    const refused = await runCli([dir, '--yes']);
    expect(refused.exitCode).toBe(4);
    expect(lstatSync(path.join(dir, 'Dockerfile')).isSymbolicLink()).toBe(true);

    const forced = await runCli([dir, '--yes', '--force']);
    expect(forced.exitCode).toBe(0);
    expect(lstatSync(path.join(dir, 'Dockerfile')).isFile()).toBe(true);
    expect(readFileSync(path.join(outside, 'id_rsa'), 'utf8')).toBe('PRIVATE KEY MATERIAL\n');
  });

  it.each(['/dev/zero', '/dev/urandom', '/proc/self/environ'])(
    'a Dockerfile linked to %s is reported as a link, not read',
    async (device) => {
      const dir = copyFixture('go-root-main');
      symlinkSync(device, path.join(dir, 'Dockerfile'));
      const { exitCode, stdout } = await runCli([dir, '--yes', '--dry-run'], { env: { SECRET_MARKER: 'do-not-print-me' } });
      expect(exitCode).toBe(0);
      expect(stdout).toContain('Dockerfile is a symbolic link');
      expect(stdout).not.toContain('do-not-print-me');
    },
    10_000,
  );

  it.each(['Dockerfile', '.dockerignore'])(
    'a named pipe as %s is refused at once, not opened',
    async (name) => {
      const dir = copyFixture('go-root-main');
      execFileSync('mkfifo', [path.join(dir, name)]);
      const { exitCode, stderr } = await runCli([dir, '--yes', '--dry-run']);
      expect(stderr).toBe(`stagecraft: ${name} exists and is a named pipe; nothing written`);
      expect(exitCode).toBe(4);
    },
    10_000,
  );

  it('a Dockerfile of 10 MB is not diffed line by line: --dry-run answers at once', async () => {
    const dir = copyFixture('go-root-main');
    writeFileSync(path.join(dir, 'Dockerfile'), 'RUN echo x\n'.repeat(1_000_000));
    const started = Date.now();
    const { exitCode, stdout } = await runCli([dir, '--yes', '--dry-run']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Dockerfile: the existing file is 11000000 bytes, too large to diff');
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 20_000);
});

/** A tmpfs of a few pages (root only): a real disk that fills up. */
function tinyDisk(): string | null {
  if (!isRoot) return null;
  const mountPoint = mkdtempSync(path.join(tmpdir(), 'stagecraft-tinyfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { stdio: 'ignore' });
  } catch {
    // No mount permission in this sandbox: the case says so and skips.
    return null;
  }
  mounted.push(mountPoint);
  return mountPoint;
}
const mounted: string[] = [];
afterAll(() => mounted.forEach((mountPoint) => execFileSync('umount', [mountPoint])));

/** Fills the disk, then frees one page: the next write of more than a page is cut short by the kernel. */
function leaveOnePageFree(disk: string) {
  const filler = path.join(disk, 'filler');
  const page = Buffer.alloc(4096, 1);
  let size = 0;
  try {
    for (;;) {
      writeFileSync(filler, page, { flag: 'a' });
      size += page.length;
    }
  } catch {
    // ENOSPC: the disk is full, which is the point.
  }
  writeFileSync(filler, Buffer.alloc(size - 4096, 1));
}

describe('a disk that fills up while writing', () => {
  const disk = tinyDisk();
  it.skipIf(disk === null)('a Dockerfile longer than the space left is not written half: exit 73, nothing changed', async () => {
    const dir = path.join(disk!, 'app');
    execFileSync('cp', ['-r', fixture('rust-single-bin'), dir]);
    writeFileSync(path.join(dir, 'Dockerfile'), "# the user's own\n");
    leaveOnePageFree(disk!);
    // scratch with a debug stage: the longest Dockerfile (about 4.9 KB), more than the one free page.
    const { exitCode, stderr } = await runCli([dir, '--yes', '--base', 'scratch', '--debug', 'stage', '--force']);
    expect(stderr).toMatch(/^stagecraft: cannot write Dockerfile \(ENOSPC\); nothing written$/m);
    expect(exitCode).toBe(73);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe("# the user's own\n");
    expect(existsSync(path.join(dir, '.dockerignore'))).toBe(false);
    expect(temporaries(dir)).toEqual([]);
  });
});

const hasStrace = (() => {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    // Not installed: the signal case skips, saying why.
    return false;
  }
})();

describe('a signal while the files are being written', () => {
  it.skipIf(!hasStrace)(
    'SIGTERM between staging and renaming: the writes finish whole and no temporary is left',
    async () => {
      const dir = copyFixture('go-root-main');
      const expected = await runCli([fixture('go-root-main'), '--yes', '--stdout']);
      // strace holds the first fsync (the Dockerfile's temporary is staged, nothing renamed yet) for two seconds.
      const traced = execa('strace', ['-f', '-o', '/dev/null', '-e', 'trace=fsync', '-e', 'inject=fsync:delay_enter=2000000:when=1', 'node', CLI, dir, '--yes'], {
        reject: false,
        stdin: 'ignore',
        env: { CI: 'true' },
      });
      const stagedName = () => readdirSync(dir).find((name) => name.startsWith('.Dockerfile.stagecraft-'));
      for (let waited = 0; waited < 10_000 && stagedName() === undefined; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      const pid = Number(/-(\d+)\.tmp$/.exec(stagedName()!)![1]);
      process.kill(pid, 'SIGTERM');
      await traced;
      expect(temporaries(dir)).toEqual([]);
      expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(expected.stdout + '\n');
      expect(existsSync(path.join(dir, '.dockerignore'))).toBe(true);
    },
    20_000,
  );
});

describe('a target taken by a folder', () => {
  it('a folder named stagecraft.json stops a --save run before anything is written', async () => {
    const dir = copyFixture('go-root-main');
    mkdirSync(path.join(dir, 'stagecraft.json'));
    const { exitCode, stderr } = await runCli([dir, '--yes', '--save']);
    expect(stderr).toBe('stagecraft: stagecraft.json exists and is a folder; nothing written');
    expect(exitCode).toBe(4);
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
    expect(existsSync(path.join(dir, '.dockerignore'))).toBe(false);
  });

  it('without --save the folder is not a saved-answers file and is left alone', async () => {
    const dir = copyFixture('go-root-main');
    mkdirSync(path.join(dir, 'stagecraft.json'));
    const { exitCode } = await runCli([dir, '--yes']);
    expect(exitCode).toBe(0);
    expect(lstatSync(path.join(dir, 'stagecraft.json')).isDirectory()).toBe(true);
  });
});
