import semver from 'semver';

/** Python minors with official images today, oldest first; the last is the current stable one. */
export const SUPPORTED_PYTHON_MINORS = ['3.10', '3.11', '3.12', '3.13', '3.14'] as const;
export const DEFAULT_PYTHON_MINOR = '3.14';
/** Minors past their end of life (3.10 ended in October 2026). */
export const END_OF_LIFE_MINORS = new Set(['3.10']);

const full = (version: string) => {
  const parts = version.split('.');
  while (parts.length < 3) parts.push('0');
  return parts.slice(0, 3).join('.');
};

/**
 * One PEP 440 (or Poetry) specifier clause as the semver ranges it allows (several for `!=X.Y.*`,
 * which splits the versions in two); null when it is not a specifier. Other `!=` clauses only
 * exclude single releases, which never rules out a whole minor, so they add nothing.
 */
function clauseToSemver(clause: string): string[] | null {
  const match = /^(~=|===|==|!=|<=|>=|<|>|\^|~)?\s*v?(\d+(?:\.\d+){0,2})(\.\*)?$/.exec(clause.trim());
  if (!match) return null;
  const [, operator = '', version, wildcard] = match as unknown as [string, string | undefined, string, string | undefined];
  const parts = version.split('.').map(Number);
  switch (operator) {
    case '~=':
      if (parts.length < 2) return null;
      return [parts.length === 2 ? `>=${full(version)} <${parts[0]! + 1}.0.0` : `>=${full(version)} <${parts[0]}.${parts[1]! + 1}.0`];
    case '!=':
      return wildcard && parts.length === 2 ? [`<${full(version)}`, `>=${parts[0]}.${parts[1]! + 1}.0`] : ['*'];
    case '==':
    case '===':
    case '':
      // A bare version is Poetry's exact constraint; "3.12" or "==3.12.*" means any 3.12.
      return [wildcard || parts.length < 3 ? `${parts[0]}.${parts[1] ?? 'x'}.x` : full(version)];
    default:
      return [`${operator}${full(version)}`];
  }
}

/** A requires-python style spec ("\>=3.10,<3.13", "^3.11", "~=3.12", "3.12.*") as a semver range; null when unreadable. */
export function pythonRangeToSemver(spec: string): string | null {
  const alternatives: string[] = [];
  for (const alternative of spec.split('||')) {
    const clauses = alternative
      .split(',')
      .map((clause) => clause.trim())
      .filter(Boolean);
    const options = clauses.map(clauseToSemver);
    if (clauses.length === 0 || options.includes(null)) return null;
    // Every combination of the clauses' options is one semver alternative.
    let combined = [''];
    for (const choices of options as string[][]) combined = combined.flatMap((prefix) => choices.map((choice) => `${prefix} ${choice}`.trim()));
    alternatives.push(...combined);
  }
  const range = alternatives.join(' || ');
  return semver.validRange(range) ? range : null;
}

/** Whether a semver range lets some release of this minor in. */
export const allowsMinor = (range: string, minor: string) => semver.intersects(range, `~${minor}.0`);

/** The newest supported minor a range allows, else the newest older Python 3 it allows. */
export function newestMinorFor(range: string): string | null {
  const supported = [...SUPPORTED_PYTHON_MINORS].reverse().find((minor) => allowsMinor(range, minor));
  if (supported) return supported;
  const oldest = Number(SUPPORTED_PYTHON_MINORS[0].split('.')[1]);
  const older = Array.from({ length: oldest }, (_, index) => `3.${oldest - 1 - index}`);
  return older.find((minor) => allowsMinor(range, minor)) ?? null;
}

/** "3.12.4", "3.12", "python-3.12.1", "cpython@3.12" -> "3.12"; null when it is no Python 3 version. */
export function exactMinor(text: string): string | null {
  const match = /^(?:c?python[-@]?)?(3)\.(\d+)(?:\.\d+)?\S*$/i.exec(text.trim());
  return match ? `${match[1]}.${match[2]}` : null;
}
