/*
 * Workspace member globs: pnpm and npm/Yarn `packages/*`, Cargo `crates/*`. All of them mean the
 * same thing by a star, so one matcher serves every language: `*` and `?` stay inside one path
 * segment, a `**` segment spans any number of segments (none included), every other character is
 * literal. Paths and globs are project-relative with forward slashes.
 */

type Segment = RegExp | '**';

const segmentOf = (segment: string): Segment =>
  segment === '**'
    ? '**'
    : new RegExp(
        `^${segment
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*+/g, '[^/]*')
          .replace(/\?/g, '[^/]')}$`,
      );

function matchesFrom(glob: Segment[], parts: string[]): boolean {
  if (glob.length === 0) return parts.length === 0;
  const [head, ...rest] = glob;
  if (head === '**') return parts.some((_, index) => matchesFrom(rest, parts.slice(index))) || matchesFrom(rest, []);
  return parts.length > 0 && head!.test(parts[0]!) && matchesFrom(rest, parts.slice(1));
}

/** A test for project-relative paths; a leading `./` and trailing slashes of the glob do not matter. */
export function globMatcher(glob: string): (path: string) => boolean {
  const segments = glob.replace(/^\.\//, '').replace(/\/+$/, '').split('/').map(segmentOf);
  return (path) => matchesFrom(segments, path.split('/'));
}
