#!/usr/bin/env node
// Copies every app of test/realworld/apps.json out of a local git mirror, at its pinned commit,
// into $STAGECRAFT_REALWORLD_DIR/<id> (default node_modules/.cache/stagecraft/realworld), for
// `npm run test:realworld`. The apps' code is theirs: it is copied to this cache, never committed.
//
//   node scripts/realworld-materialize.mjs [id ...]
//
// Mirrors: $STAGECRAFT_REALWORLD_MIRROR/<owner>+<name>/repo (default /work/.mirror), a bare git dir
// (`fetch github:<owner>/<name>` in a session brings one). Only regular files are written: symlinks
// and submodules are skipped, and every path is checked to stay inside the app's folder.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const appsFile = join(root, 'test/realworld/apps.json');
export const realworldDir = () => resolve(process.env.STAGECRAFT_REALWORLD_DIR || join(root, 'node_modules/.cache/stagecraft/realworld'));
const mirrorDir = () => resolve(process.env.STAGECRAFT_REALWORLD_MIRROR || '/work/.mirror');
export const manifestName = 'materialized.json';

const ID = /^[a-z0-9][a-z0-9._-]*$/;

/** The path of `child` below `parent`, or null when it would leave it. */
function inside(parent, child) {
  const rel = relative(parent, child);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? null : rel;
}

function gitDirOf(repo) {
  const base = join(mirrorDir(), repo.replace('/', '+'));
  for (const candidate of [join(base, 'repo'), base]) {
    if (existsSync(join(candidate, 'HEAD')) || existsSync(join(candidate, '.git'))) return candidate;
  }
  return null;
}

function git(gitDir, args, options = {}) {
  const r = spawnSync('git', ['--git-dir', gitDir, ...args], { maxBuffer: 1 << 28, ...options });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${String(r.stderr).trim()}`);
  return r.stdout;
}

/** Regular files below `subtree` at `commit`: [{ mode, sha, path }] (path relative to subtree). */
function listFiles(gitDir, commit, subtree) {
  const out = git(gitDir, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', subtree || '.']);
  const files = [];
  let skipped = 0;
  for (const entry of String(out).split('\0')) {
    if (!entry) continue;
    const [meta, path] = [entry.slice(0, entry.indexOf('\t')), entry.slice(entry.indexOf('\t') + 1)];
    const [mode, type, sha] = meta.split(' ');
    // 120000 is a symlink, 160000 a submodule: neither is copied.
    if (type !== 'blob' || (mode !== '100644' && mode !== '100755')) {
      skipped++;
      continue;
    }
    const rel = subtree ? path.slice(subtree.length + 1) : path;
    if (subtree && !path.startsWith(subtree + '/')) continue;
    files.push({ mode, sha, path: rel });
  }
  return { files, skipped };
}

/** Reads blobs through one `git cat-file --batch` and hands each to `write`. */
function readBlobs(gitDir, files, write) {
  return new Promise((done, fail) => {
    const child = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let buffer = Buffer.alloc(0);
    let index = 0;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const nl = buffer.indexOf(10);
        if (nl < 0) return;
        const header = buffer.subarray(0, nl).toString();
        const size = Number(header.split(' ')[2]);
        if (!Number.isFinite(size)) return fail(new Error(`git cat-file: ${header}`));
        if (buffer.length < nl + 1 + size + 1) return;
        write(files[index++], buffer.subarray(nl + 1, nl + 1 + size));
        buffer = buffer.subarray(nl + 1 + size + 1);
      }
    });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 && index === files.length ? done() : fail(new Error(`git cat-file exited ${code}: ${stderr}`))));
    child.stdin.end(files.map((f) => f.sha).join('\n') + '\n');
  });
}

export async function materialize(app, dir) {
  if (!ID.test(app.id)) throw new Error(`bad id ${JSON.stringify(app.id)}`);
  const gitDir = gitDirOf(app.repo);
  if (!gitDir) return { id: app.id, missing: `no mirror of ${app.repo}: run \`fetch github:${app.repo}\` (or set STAGECRAFT_REALWORLD_MIRROR)` };
  const commit = app.commit;
  if (spawnSync('git', ['--git-dir', gitDir, 'cat-file', '-e', `${commit}^{commit}`]).status !== 0) {
    return { id: app.id, missing: `the mirror of ${app.repo} lacks commit ${commit}: fetch it again` };
  }
  const target = resolve(dir, app.id);
  if (inside(dir, target) === null) throw new Error(`${app.id}: would write outside ${dir}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const subtree = (app.materialize ?? app.path).replace(/^\.\/?|\/$/g, '');
  const { files, skipped } = listFiles(gitDir, commit, subtree);
  let written = 0;
  await readBlobs(gitDir, files, (file, content) => {
    const out = resolve(target, file.path);
    if (inside(target, out) === null || file.path.split('/').includes('..')) return;
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, content, { mode: file.mode === '100755' ? 0o755 : 0o644 });
    written++;
  });
  return { id: app.id, commit, files: written, skipped };
}

async function main() {
  const { apps } = JSON.parse(readFileSync(appsFile, 'utf8'));
  const only = new Set(process.argv.slice(2));
  const dir = realworldDir();
  mkdirSync(dir, { recursive: true });
  const manifestPath = join(dir, manifestName);
  const manifest = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : {};
  const missing = [];
  for (const app of apps) {
    if (only.size && !only.has(app.id)) continue;
    const r = await materialize(app, dir);
    if (r.missing) {
      missing.push(r.missing);
      delete manifest[app.id];
      continue;
    }
    manifest[app.id] = { repo: app.repo, commit: r.commit, path: app.path, materialize: app.materialize ?? null };
    console.log(`${app.id}: ${r.files} files${r.skipped ? `, ${r.skipped} symlinks/submodules skipped` : ''}`);
  }
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  for (const m of [...new Set(missing)]) console.error(`missing: ${m}`);
  console.log(`${Object.keys(manifest).length} apps in ${dir}${sep}`);
  if (missing.length) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`realworld-materialize: ${e.message}`);
    process.exit(1);
  });
}
