import type { Evidence } from '../../core/facts.js';
import { normalizeName } from './requirements.js';

/** The C library a final base runs on: manylinux wheels are built for glibc, musllinux ones for musl. */
export type Libc = 'glibc' | 'musl';

/** The Python minors one package's wheels serve on one libc: exact CPython ABIs, and every minor from an abi3 (or py3X) tag on. */
export interface WheelMinors {
  minors: number[];
  /** The first 3.X an abi3 or version-independent wheel serves (it serves every later one too); null when there is none. */
  from: number | null;
}

/**
 * A package that ships compiled wheels only (no py3-none-any), as a lockfile lists them or as known
 * for a requirements pin: on a Python without its wheel, pip compiles it.
 */
export interface LockedCompiled {
  name: string;
  version: string;
  evidence: Evidence;
  /** Per libc; absent when the lockfile lists no wheel for it (then no Python choice avoids a compile). */
  wheels: Partial<Record<Libc, WheelMinors>>;
}

/**
 * The architecture whose wheels decide: builds default to the machine's, and x86_64 is what CI and
 * servers mostly run. Packages publish aarch64 wheels for the same Pythons in all but rare cases.
 */
const ARCH = 'x86_64';

/** The libc a wheel's platform tags (`manylinux_2_17_x86_64.manylinux2014_x86_64`) serve, or null (another OS or architecture). */
function libcOf(platforms: string[]): Libc | null {
  if (platforms.some((platform) => platform.startsWith('musllinux') && platform.endsWith(`_${ARCH}`))) return 'musl';
  if (platforms.some((platform) => /^(manylinux|linux)/.test(platform) && platform.endsWith(`_${ARCH}`))) return 'glibc';
  return null;
}

/**
 * Adds what one wheel file name (PEP 427: name-version[-build]-python-abi-platform.whl) serves.
 * Returns true for a pure wheel (platform `any`): the package then never needs a compiler.
 */
function addWheel(file: string, wheels: Partial<Record<Libc, WheelMinors>>): boolean {
  const parts = file.replace(/\.whl$/, '').split('-');
  if (parts.length < 5) return false;
  const [pythons, abis, platforms] = parts.slice(-3).map((tag) => tag.split('.')) as [string[], string[], string[]];
  if (platforms.includes('any')) return true;
  const libc = libcOf(platforms);
  if (!libc) return false;
  const served = (wheels[libc] ??= { minors: [], from: null });
  const startFrom = (minor: number) => (served.from = served.from === null ? minor : Math.min(served.from, minor));
  for (const python of pythons) {
    const match = /^(cp|py)3(\d*)$/.exec(python);
    if (!match) continue;
    const minor = match[2] === '' ? 0 : Number(match[2]);
    // abi3 and `none` (a binary that loads no CPython ABI) serve later minors too; a free-threaded ABI (cp313t) serves none of ours.
    if (abis.includes('abi3') || abis.includes('none')) startFrom(minor);
    else if (abis.some((abi) => abi === `cp3${match[2]}` || abi === `cp3${match[2]}m`)) served.minors.push(minor);
  }
  return false;
}

const FILE_NAME_CHAR = /[A-Za-z0-9_.+!-]/;

/**
 * The `*.whl` file names on a line (`{file = "x.whl"}`, a URL's last segment). Each `.whl` is found
 * with indexOf and its name read backwards no further than the previous one: linear in the line,
 * where a pattern that backtracks over `a-a-a-...` would be quadratic in a hostile lockfile.
 */
function wheelNames(line: string): string[] {
  const names: string[] = [];
  let previousEnd = 0;
  for (let at = line.indexOf('.whl'); at !== -1; at = line.indexOf('.whl', at + 4)) {
    let start = at;
    while (start > previousEnd && FILE_NAME_CHAR.test(line[start - 1]!)) start--;
    previousEnd = at + 4;
    if (start < at) names.push(line.slice(start, previousEnd));
  }
  return names;
}

/**
 * Reads which wheels a lockfile lists for each package (poetry.lock and pdm.lock `files`, uv.lock
 * `wheels` URLs), line by line: lockfiles can be megabytes, and only names, versions and `.whl`
 * file names matter. Returns the packages with compiled wheels and no pure one.
 */
export function lockedCompiled(file: string, text: string): LockedCompiled[] {
  const found: (LockedCompiled & { pure: boolean })[] = [];
  let current: (LockedCompiled & { pure: boolean }) | null = null;
  // Poetry before 1.2 listed the files in one [metadata.files] table, a `name = [` array per package.
  let metadataFiles = false;
  text.split('\n').forEach((line, index) => {
    if (/^\[\[package\]\]\s*$/.test(line)) {
      current = { name: '', version: '', evidence: { file, line: index + 1 }, wheels: {}, pure: false };
      found.push(current);
      metadataFiles = false;
      return;
    }
    if (/^\[/.test(line)) metadataFiles = /^\[metadata\.files\]\s*$/.test(line);
    const key = /^(name|version) = "([^"]*)"/.exec(line);
    if (current && key && !metadataFiles) {
      if (key[1] === 'name' && current.name === '') Object.assign(current, { name: normalizeName(key[2]!), evidence: { file, line: index + 1 } });
      if (key[1] === 'version' && current.version === '') current.version = key[2]!;
      return;
    }
    const listed = metadataFiles ? /^"?([A-Za-z0-9._-]+)"? = \[/.exec(line) : null;
    if (listed) current = found.find((locked) => locked.name === normalizeName(listed[1]!)) ?? null;
    if (!current) return;
    for (const wheel of wheelNames(line)) if (addWheel(wheel, current.wheels)) current.pure = true;
  });
  return found.filter((locked) => !locked.pure && Object.keys(locked.wheels).length > 0).map(({ name, version, evidence, wheels }) => ({ name, version, evidence, wheels }));
}

/** 1.15.1 < 1.16.0, part by part (pins of the packages in KNOWN_COMPILED are plain release numbers). */
export function atLeast(version: string, first: string): boolean {
  const [a, b] = [version, first].map((text) => text.split('.').map((part) => parseInt(part, 10) || 0));
  for (let index = 0; index < Math.max(a!.length, b!.length); index++) {
    if ((a![index] ?? 0) !== (b![index] ?? 0)) return (a![index] ?? 0) > (b![index] ?? 0);
  }
  return true;
}

/**
 * A requirements pin (`cffi==1.15.1`) as the wheels it has, from the first release with a wheel for
 * each newer Python (`firstWheel`); the Pythons older than those are served. Both libcs alike: the
 * packages listed publish musllinux wheels for the same Pythons.
 */
export function pinnedCompiled(name: string, version: string, evidence: Evidence, firstWheel: Record<string, string>): LockedCompiled {
  const minors = Array.from({ length: 15 }, (_, minor) => minor).filter((minor) => {
    const first = firstWheel[`3.${minor}`];
    return first === undefined ? minor < Math.min(...Object.keys(firstWheel).map((key) => Number(key.split('.')[1]))) : atLeast(version, first);
  });
  return { name, version, evidence, wheels: { glibc: { minors, from: null }, musl: { minors, from: null } } };
}

/** Whether pip finds a wheel of the package for Python `minor` ("3.12") on this libc; true when it lists none for the libc at all. */
export function hasWheelFor(locked: LockedCompiled, libc: Libc, minor: string): boolean {
  const served = locked.wheels[libc];
  if (!served) return true;
  const wanted = Number(minor.split('.')[1]);
  return served.minors.includes(wanted) || (served.from !== null && served.from <= wanted);
}

/** The locked compiled packages pip would compile for Python `minor` on this libc. */
export const withoutWheel = (packages: LockedCompiled[], libc: Libc, minor: string) => packages.filter((locked) => !hasWheelFor(locked, libc, minor));

/** `lxml 5.2.2 (poetry.lock:714)`, as messages name a locked package. */
export const describeLocked = (locked: LockedCompiled) => `${locked.name} ${locked.version} (${locked.evidence.file}:${locked.evidence.line})`;
