#!/usr/bin/env node
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

/*
 * The bin (dist/cli.cjs). It runs the bundle (dist/stagecraft.cjs) with V8's code cache: a run
 * without one compiles the bundle and, as it exits, keeps the code V8 compiled (every function the
 * run called) in the user's cache folder; later runs load that instead of parsing and compiling
 * again, which was most of the start-up time above Node's own. Node 22.1 has a compile cache of its
 * own; Node 20 has not, and this works on both. Without a cache folder, or with a cache that cannot
 * be read, written or used, a run compiles as it would without one.
 */

/** A hash of the bundle's text (scripts/build.mjs): a cache is used only for the bundle it was made from. */
declare const BUNDLE_ID: string;

const BUNDLE = path.join(__dirname, 'stagecraft.cjs');
const SUFFIX = '.v8cache';
/** Where the bundle lists the parts it initialised on demand (src/loaded-parts.ts). */
const LOADED_PARTS = Symbol.for('stagecraft.loadedParts');

/** The user's cache folder for stagecraft, never the project's: $XDG_CACHE_HOME, else the platform's; null when there is none. */
function cacheFolder(env: NodeJS.ProcessEnv): string | null {
  // The XDG specification ignores a relative XDG_CACHE_HOME, as it would depend on the current folder (the project).
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'stagecraft');
  if (process.platform === 'win32') return env.LOCALAPPDATA && path.isAbsolute(env.LOCALAPPDATA) ? path.join(env.LOCALAPPDATA, 'stagecraft', 'Cache') : null;
  if (!env.HOME || !path.isAbsolute(env.HOME)) return null;
  return process.platform === 'darwin' ? path.join(env.HOME, 'Library', 'Caches', 'stagecraft') : path.join(env.HOME, '.cache', 'stagecraft');
}

/**
 * A cache is named by the bundle, by the Node that compiled it (two Node versions on one machine
 * keep one each) and by the parts whose code it holds: `<bundle>-v20.20.2-x64.go.node.v8cache`.
 */
const PREFIX = `${BUNDLE_ID}-${process.version}-${process.arch}`;
const cacheName = (parts: Set<string>) =>
  `${PREFIX}${[...parts]
    .sort()
    .map((part) => `.${part}`)
    .join('')}${SUFFIX}`;

interface Cache {
  name: string;
  parts: Set<string>;
  data: Buffer;
}

function readCache(folder: string): Cache | null {
  try {
    const name = readdirSync(folder).find((entry) => entry.startsWith(PREFIX) && entry.endsWith(SUFFIX));
    if (name === undefined) return null;
    const parts = new Set(name.slice(PREFIX.length, -SUFFIX.length).split('.').filter(Boolean));
    return { name, parts, data: readFileSync(path.join(folder, name)) };
  } catch {
    return null;
  }
}

/**
 * Makes the cache folder and its parent (~/.cache may not exist yet), one level at a time: Node 20's
 * recursive mkdirSync never returns when a parent exists but cannot hold folders (/proc/x/y).
 */
function makeFolder(folder: string): void {
  for (const level of [path.dirname(folder), folder]) {
    try {
      mkdirSync(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Keeps the code this run compiled, written whole or not at all (a rename), and removes every other cache of stagecraft's. */
function writeCache(folder: string, name: string, script: Script): void {
  const file = path.join(folder, name);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    makeFolder(folder);
    writeFileSync(temporary, script.createCachedData(), { flag: 'wx' });
    renameSync(temporary, file);
    // Other versions of stagecraft, and this one's older cache for this Node; another Node's stays.
    const stale = (entry: string) => entry.endsWith(SUFFIX) && entry !== name && (entry.startsWith(PREFIX) || !entry.startsWith(`${BUNDLE_ID}-`));
    for (const entry of readdirSync(folder)) if (stale(entry)) rmSync(path.join(folder, entry), { force: true });
  } catch {
    // An unwritable or full cache folder costs the next run its compile, nothing else; a folder this
    // user cannot even look into (another user's home) fails the clean-up too, and that is no error either.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written there.
    }
  }
}

const folder = cacheFolder(process.env);
const cache = folder === null ? null : readCache(folder);
// V8 checks a cache's header (its version, flags, the source's length, the payload's length), and with
// this flag a checksum of the whole payload, so a cache damaged on disk is rejected, never run.
setFlagsFromString('--verify-snapshot-checksum');
// Wrapped as Node wraps a CommonJS module, on the bundle's first line, so its line numbers stay the same.
// esbuild writes ASCII only (non-ASCII characters escaped), so latin1 reads it without decoding UTF-8.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(BUNDLE, 'latin1')}\n})`, { filename: BUNDLE, cachedData: cache?.data });
const loaded = new Set<string>();
(globalThis as { [LOADED_PARTS]?: Set<string> })[LOADED_PARTS] = loaded;
process.once('exit', () => {
  if (folder === null) return;
  const usable = cache !== null && script.cachedDataRejected !== true;
  // A cache V8 accepted already holds its parts' code, and this run's compiled functions include them.
  const parts = usable ? new Set([...cache.parts, ...loaded]) : loaded;
  if (!usable || parts.size > cache.parts.size) writeCache(folder, cacheName(parts), script);
});
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(BUNDLE), bundle, BUNDLE, __dirname);
