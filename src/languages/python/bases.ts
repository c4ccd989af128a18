import type { PythonFacts } from './detect.js';
import { allowsMinor, SUPPORTED_PYTHON_MINORS } from './pyversion.js';
import { hasWheelFor, withoutWheel, type Libc } from './wheels.js';
import { CURRENT_DEBIAN } from '../../core/images.js';

/**
 * The Pythons distroless python3 ships on the current Debian: Debian's own, which decides the minor
 * (python3-debian12 with 3.11 ended in April 2026).
 */
export const DISTROLESS_PYTHONS: { minor: string }[] = [{ minor: '3.13' }];

/** Dependencies without usable wheels: compiled in the build stage against a C library the final stage needs too. */
export const SOURCE_BUILDS: Record<string, { debian: { build: string[]; runtime: string[] }; alpine: { build: string[]; runtime: string[] }; library: string; binary: string }> = {
  psycopg2: {
    debian: { build: ['gcc', 'libc6-dev', 'libpq-dev'], runtime: ['libpq5'] },
    alpine: { build: ['build-base', 'libpq-dev'], runtime: ['libpq'] },
    library: 'libpq',
    binary: 'psycopg2-binary or psycopg[binary]',
  },
  mysqlclient: {
    debian: { build: ['gcc', 'libc6-dev', 'pkg-config', 'default-libmysqlclient-dev'], runtime: ['libmariadb3'] },
    alpine: { build: ['build-base', 'pkgconf', 'mariadb-dev'], runtime: ['mariadb-connector-c'] },
    library: 'the MariaDB client library',
    binary: 'PyMySQL',
  },
};

/**
 * Packages whose older releases import pkg_resources but require setuptools with no upper bound
 * (gunicorn 20: `setuptools>=3.0`), by the first release that no longer imports it: pip installs
 * today's setuptools beside a pin of an older one, and setuptools 82 removed pkg_resources, so the app
 * stops at its first import.
 */
export const PKG_RESOURCES_USERS: Record<string, string> = { gunicorn: '21.0.0' };
/** The setuptools such a pin needs: 81 is the last release that ships pkg_resources. */
export const SETUPTOOLS_WITH_PKG_RESOURCES = 'setuptools<82';

/**
 * Compiled packages with the headers pip compiles them against when no wheel fits, the library a
 * final stage then needs that the Python images lack (`runtime`: psycopg2-binary built from source
 * links libpq; cffi's libffi every image has, as CPython's ctypes needs it), and the first release
 * with an x86_64 manylinux wheel for each newer Python: facts from PyPI's file lists (its JSON API's
 * file names), since offline a requirements pin says no more than its version. cffi 1.15.1, for one,
 * has wheels up to 3.11 only, and its C source no longer compiles on 3.13; microblog pins greenlet
 * 3.0.1 and psycopg2-binary 2.9.9, whose first cp313 wheels are 3.1.0 and 2.9.10.
 */
export const KNOWN_COMPILED: Record<string, { debian: string[]; alpine: string[]; runtime?: { debian: string[]; alpine: string[] }; firstWheel: Record<string, string> }> = {
  cffi: { debian: ['libffi-dev'], alpine: ['libffi-dev'], firstWheel: { '3.12': '1.16.0', '3.13': '1.17.0', '3.14': '2.0.0' } },
  // C++: the compiler's g++ half.
  greenlet: { debian: ['g++'], alpine: [], firstWheel: { '3.11': '1.1.3', '3.12': '3.0.0', '3.13': '3.1.0', '3.14': '3.2.3' } },
  'psycopg2-binary': {
    debian: ['libpq-dev'],
    alpine: ['libpq-dev'],
    runtime: { debian: ['libpq5'], alpine: ['libpq'] },
    firstWheel: { '3.11': '2.9.5', '3.12': '2.9.9', '3.13': '2.9.10', '3.14': '2.9.11' },
  },
};

export type DistrolessPython = (typeof DISTROLESS_PYTHONS)[number];

/** `3.13 (debian13)`: the Pythons distroless ships, as messages name them. */
export const distrolessShipped = () => DISTROLESS_PYTHONS.map(({ minor }) => `${minor} (debian${CURRENT_DEBIAN.version})`).join(' and ');

/**
 * The Python distroless ships that the image uses: its Debian release fixes the minor, so the
 * project must allow it. Undefined when none fits.
 */
export function distrolessPythonFor(facts: PythonFacts, wanted: string): DistrolessPython | undefined {
  const exact = DISTROLESS_PYTHONS.find((candidate) => candidate.minor === wanted);
  if (exact) return exact;
  return versionMayMove(facts, wanted) ? DISTROLESS_PYTHONS.find(({ minor }) => facts.versionRange === null || allowsMinor(facts.versionRange, minor)) : undefined;
}

/** The detected version may move within what the project allows; a pinned one or an explicit flag may not. */
const versionMayMove = (facts: PythonFacts, wanted: string) => wanted === facts.runtimeVersion.value && (facts.runtimeVersion.evidence === null || facts.versionRange !== null);

const minorNumber = (minor: string) => Number(minor.split('.')[1]);

/**
 * On a base whose Python is chosen by its tag: the newest minor, no newer than the wanted one, that
 * the project allows and every locked compiled package has a wheel for on this libc, so pip
 * compiles nothing. The wanted minor when it needs no other, may not move, or none fits.
 */
export function wheelMinorFor(facts: PythonFacts, wanted: string, libc: Libc): string {
  if (!versionMayMove(facts, wanted) || withoutWheel(facts.compiledPackages, libc, wanted).length === 0) return wanted;
  const older = [...SUPPORTED_PYTHON_MINORS]
    .reverse()
    .filter((minor) => minorNumber(minor) < minorNumber(wanted) && (facts.versionRange === null || allowsMinor(facts.versionRange, minor)));
  return older.find((minor) => withoutWheel(facts.compiledPackages, libc, minor).length === 0) ?? wanted;
}

/** The minors from `chosen` (excluded) up to `wanted` (included) that a base passed over, newest first. */
export const passedOver = (chosen: string, wanted: string) =>
  [...SUPPORTED_PYTHON_MINORS].reverse().filter((minor) => minorNumber(minor) > minorNumber(chosen) && minorNumber(minor) <= minorNumber(wanted));

/** Native dependencies that may lack a musllinux wheel for this Python: all but those the lockfile lists one for. */
export const mayLackMuslWheel = (facts: PythonFacts, minor: string) =>
  facts.nativeDependencies.value.filter(
    (name) => !facts.compiledPackages.some((locked) => locked.name === name && locked.wheels.musl !== undefined && hasWheelFor(locked, 'musl', minor)),
  );
