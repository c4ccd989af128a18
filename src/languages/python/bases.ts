import type { PythonFacts } from './detect.js';
import { allowsMinor } from './pyversion.js';
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
  // The detected version may move within what the project allows; a pinned one or an explicit flag may not.
  const flexible = wanted === facts.runtimeVersion.value && (facts.runtimeVersion.evidence === null || facts.versionRange !== null);
  return flexible ? DISTROLESS_PYTHONS.find(({ minor }) => facts.versionRange === null || allowsMinor(facts.versionRange, minor)) : undefined;
}
