import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { Plan } from '../../src/languages/registry.js';
import { fixture } from '../helpers.js';
import { renderFolder, type Cell } from '../matrix.js';
import { docker, imageSize } from './docker.js';
import { RESULTS_DIR, type CellResult } from './report.js';

/*
 * What an image adds above its final base, and how much of that is the artifact the image exists to
 * run. Shared by the size benchmark (scripts/bench-size.ts, which writes docs/performance.md) and the
 * end-to-end suite (test/e2e/cells.e2e.ts, which fails a cell whose ratio rises above its limit).
 */

/** At most this much added per byte of artifact, beyond the support files below. */
export const RATIO_LIMIT = 1.05;

/**
 * Files an image needs beside the artifact that its base may lack, each with why it ships. Their bytes
 * are allowed on top of RATIO_LIMIT × artifact: for a small binary they are most of what is added.
 */
export const SUPPORT_FILES: { name: string; paths: (plan: Plan) => string[]; why: string }[] = [
  {
    name: 'tini',
    paths: (plan) => (plan.init ? [plan.init.path] : []),
    why: 'PID 1 for a program that sets no SIGTERM handler: without it docker stop waits 10 s, then kills',
  },
  {
    name: 'CA bundle',
    paths: () => ['/etc/ssl/certs/ca-certificates.crt'],
    why: 'the roots a TLS client verifies its peers with; the slim base has none',
  },
  {
    name: 'libraries',
    // Filled from dpkg's file lists (see measureSize); the paths here are dpkg's records of them.
    paths: (plan) => (plan.runtime.packages?.manager === 'apt' ? ['/var/lib/dpkg/status', '/etc/ld.so.cache'] : []),
    why: "the OS packages of the shared libraries the program loads, and dpkg's records of them",
  },
  {
    name: 'user',
    paths: () => ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow'],
    why: 'the non-root user, whose entry rewrites each of these files whole',
  },
];

/**
 * Cells where more is unavoidable, with their recorded ratio and why: the limit for that cell instead of
 * RATIO_LIMIT. Keyed by `fixture/base` (the production image is the same for every debug mode but shell).
 * None at present: rust-openssl/slim was one (7.94) while its final stage installed libssl3t64, which the
 * slim base has already, and the install rewrote the base's copy whenever the archive had a newer build.
 */
export const RECORDED_RATIOS: Record<string, { ratio: number; why: string }> = {};

/** The most a cell may add: its ratio (RATIO_LIMIT, or the one recorded for it) times the artifact, plus its support files. */
export function limitOf(cell: string, artifact: number, supportBytes: number): { limit: number; recorded: string | null } {
  const recorded = RECORDED_RATIOS[cell] ?? null;
  return { limit: (recorded?.ratio ?? RATIO_LIMIT) * artifact + supportBytes, recorded: recorded?.why ?? null };
}

/** Where the artifact lives in the final image: what the image exists to run. */
export function artifactPaths(plan: Plan): string[] {
  switch (plan.language) {
    case 'go':
    case 'rust':
      return [plan.binaryPath];
    case 'node':
      // The production node_modules and the app (whatever its build wrote) are all under /app.
      return ['/app'];
    case 'python':
      return [plan.venv, '/app'];
    case 'java':
      // The jar (or its layers) and the runtime the Dockerfile copies in (jlink's, or the JRE's on a plain base).
      return plan.runtimeCopy ? ['/app', '/opt/java/openjdk'] : ['/app'];
  }
}

/** Runs `tar <tarArgs>` on `docker export` of a created (never started) container of the image. */
async function exported(image: string, tarArgs: string): Promise<string> {
  const created = await docker(['create', image, 'true']);
  if (created.exitCode !== 0) throw new Error(`docker create ${image}: ${created.all}`);
  const container = created.stdout.trim();
  try {
    return (await execa('sh', ['-c', `docker export ${container} | tar ${tarArgs}`], { maxBuffer: 256 * 1024 * 1024 })).stdout;
  } finally {
    await docker(['rm', '-f', container]);
  }
}

/** Every regular file of an image with its size. */
export async function imageFiles(image: string): Promise<Map<string, number>> {
  if (image === 'scratch') return new Map();
  const files = new Map<string, number>();
  // GNU tar: "-rw-r--r-- root/root 1234 2026-01-01 00:00 usr/bin/x"; only regular files ("-") have bytes of their own.
  for (const match of (await exported(image, '-tvf -')).matchAll(/^-\S*\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.+)$/gm)) files.set(`/${match[2]!}`, Number(match[1]));
  return files;
}

/** The files dpkg says its packages own in an image (/var/lib/dpkg/info/*.list). */
async function dpkgFiles(image: string): Promise<Set<string>> {
  return new Set((await exported(image, "-xOf - --wildcards 'var/lib/dpkg/info/*.list'")).split('\n'));
}

const baseFiles = new Map<string, Promise<Map<string, number>>>();

export interface SizeResult {
  image: number;
  base: number;
  /** What the Dockerfile adds above its final base (the image's size minus the base's). */
  added: number;
  artifact: number;
  /** Bytes of each support file the image added, by name. */
  support: Record<string, number>;
  /** The largest added files that are neither artifact nor support: where to look for waste. */
  other: { path: string; bytes: number }[];
  otherBytes: number;
  /**
   * Added bytes no new file accounts for: files rewritten at the size the base has them (a package
   * reinstalled over the base's copy), or written and deleted in later layers.
   */
  rewritten: number;
  /** added / artifact */
  ratio: number;
  /** The most `added` may be: RATIO_LIMIT × artifact (or the recorded ratio) plus the support files. */
  limit: number;
  /** Why the limit is what it is when a ratio is recorded for the cell. */
  recorded: string | null;
}

const under = (file: string, prefixes: string[]) => prefixes.some((prefix) => file === prefix || file.startsWith(`${prefix}/`));

/** Sizes of a built production image: added, artifact, support files, and the files nothing accounts for. */
export async function measureSize(cell: Pick<Cell, 'fixture' | 'base'>, plan: Plan, tag: string): Promise<SizeResult> {
  const image = await imageSize(tag);
  const base = await imageSize(plan.runtime.image);
  if (image === null || base === null) throw new Error(`cannot read the size of ${tag} or ${plan.runtime.image}`);
  if (!baseFiles.has(plan.runtime.image)) baseFiles.set(plan.runtime.image, imageFiles(plan.runtime.image));
  const [files, before] = await Promise.all([imageFiles(tag), baseFiles.get(plan.runtime.image)!]);
  const artifactPrefixes = artifactPaths(plan);
  const supportPaths = new Map(SUPPORT_FILES.flatMap((file) => file.paths(plan).map((path) => [path, file.name] as const)));
  if (plan.runtime.packages?.manager === 'apt') {
    // Only added or changed files are classified, so every file dpkg owns here is the install's (or an upgrade of one the base has).
    for (const file of await dpkgFiles(tag)) if (file) supportPaths.set(file, 'libraries');
    // dpkg's record of each package it installed.
    for (const file of files.keys()) if (file.startsWith('/var/lib/dpkg/info/')) supportPaths.set(file, 'libraries');
  }
  let artifact = 0;
  const support: Record<string, number> = {};
  const other: { path: string; bytes: number }[] = [];
  for (const [file, bytes] of files) {
    // A file the base has at the same size is taken for the base's: one rewritten at the same length shows only in `rewritten`.
    // Empty files (the ones docker create makes, /.dockerenv and /etc/hostname) weigh nothing.
    if (before.get(file) === bytes || bytes === 0) continue;
    const supportName = supportPaths.get(file);
    if (under(file, artifactPrefixes)) artifact += bytes;
    else if (supportName) support[supportName] = (support[supportName] ?? 0) + bytes;
    else other.push({ path: file, bytes });
  }
  other.sort((a, b) => b.bytes - a.bytes);
  const added = image - base;
  const supportBytes = Object.values(support).reduce((sum, bytes) => sum + bytes, 0);
  const otherBytes = other.reduce((sum, file) => sum + file.bytes, 0);
  return {
    image,
    base,
    added,
    artifact,
    support,
    other: other.slice(0, 5),
    otherBytes,
    rewritten: added - artifact - supportBytes - otherBytes,
    ratio: added / artifact,
    ...limitOf(`${cell.fixture}/${cell.base}`, artifact, supportBytes),
  };
}

/** The one line that says a cell adds more than its limit, or null. */
export function sizeProblem(size: SizeResult): string | null {
  if (size.added <= size.limit) return null;
  const kb = (bytes: number) => `${(bytes / 1000).toFixed(0)} kB`;
  const others = size.other.map((file) => `${file.path} ${kb(file.bytes)}`).join(', ');
  return `adds ${kb(size.added)} for ${kb(size.artifact)} of artifact (ratio ${size.ratio.toFixed(2)}), over its limit of ${kb(size.limit)}; largest other files: ${others || 'none'}`;
}

/**
 * Every production image measured, by `fixture/base`, with a hash of the Dockerfile it was built from:
 * the size benchmark (scripts/bench-size.ts) and the end-to-end suite both record here, so one run of the
 * whole matrix measures every cell, and the page shows each cell whose Dockerfile is still today's.
 */
export const SIZE_RESULTS_FILE = path.join(RESULTS_DIR, 'bench-size.json');

export interface SizeMeasurement {
  cell: string;
  dockerfileHash: string;
  measuredAt: string;
  status: CellResult['status'];
  reason: string | null;
  size: SizeResult | null;
}

const dockerfileHash = (content: string) => createHash('sha256').update(content).digest('hex').slice(0, 16);

/**
 * The hash of the Dockerfile `--yes` writes for the cell today (rendered in-process from the fixture, so the
 * same whichever copy of it was built), or the refusal: a measurement counts while the hash is today's.
 */
export async function currentDockerfile(cell: Cell): Promise<{ hash: string } | { refused: string }> {
  try {
    const changes = await renderFolder(path.join(fixture(cell.fixture), cell.member ?? ''), { base: cell.base, debug: cell.debug, ...cell.flags });
    const dockerfile = changes.find((change) => /(^|\/)Dockerfile$/.test(change.path))!;
    return { hash: dockerfileHash(dockerfile.content) };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

export function readSizeMeasurements(): Record<string, SizeMeasurement> {
  return existsSync(SIZE_RESULTS_FILE) ? (JSON.parse(readFileSync(SIZE_RESULTS_FILE, 'utf8')) as Record<string, SizeMeasurement>) : {};
}

/** Adds (or replaces) measurements in the results file; cells run one at a time, so read-modify-write is safe. */
export function recordSizeMeasurements(entries: SizeMeasurement[]): void {
  const all = readSizeMeasurements();
  for (const entry of entries) all[entry.cell] = entry;
  mkdirSync(path.dirname(SIZE_RESULTS_FILE), { recursive: true });
  writeFileSync(SIZE_RESULTS_FILE, `${JSON.stringify(all, null, 2)}\n`);
}
