import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/*
 * Every test's throwaway projects (makeProject, copies of fixtures, the hostile cases' big files) go
 * into one folder made for the run and removed at its end: otherwise each run leaves hundreds of
 * folders in /tmp, some of hundreds of MB, and a few runs fill the disk. The workers and the CLIs
 * they spawn inherit TMPDIR, which os.tmpdir() reads.
 */
export default function setup(): () => void {
  const folder = mkdtempSync(path.join(tmpdir(), 'stagecraft-tests-'));
  // Searchable by the unprivileged user some hostile cases run as (mkdtemp makes it 0700).
  chmodSync(folder, 0o755);
  process.env.TMPDIR = folder;
  return () => rmSync(folder, { recursive: true, force: true });
}
