/** Where a fact came from, so the user can check it: a project file and, where useful, a line. */
export interface Evidence {
  file: string;
  line?: number;
}

export interface Fact<T> {
  value: T;
  /** Null when the value is a default, not something the project said. */
  evidence: Evidence | null;
}

export const fact = <T>(value: T, evidence: Evidence | null): Fact<T> => ({ value, evidence });

export const describeEvidence = (evidence: Evidence | null): string => (evidence === null ? 'default' : evidence.line ? `${evidence.file}:${evidence.line}` : evidence.file);

/**
 * Whether a version has a number of seven digits or more: no release of any language does, no image
 * tag names one, and past 2^53 it is not even the number it reads as (semver cannot compare it).
 */
export const namesNoRelease = (version: string) => /\d{7}/.test(version);

/**
 * Every evidence file in a value (facts, nested in objects and arrays) renamed by `rel`: facts a
 * detector read in a folder above the project (a workspace or module root), named from the project's own folder.
 */
export function rebaseEvidence<T>(value: T, rel: (file: string) => string): T {
  if (Array.isArray(value)) return value.map((item: unknown) => rebaseEvidence(item, rel)) as T;
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  const entries = Object.entries(value).map(([key, item]) => {
    if (key === 'evidence' && typeof item === 'object' && item !== null && typeof (item as Evidence).file === 'string')
      return [key, { ...item, file: rel((item as Evidence).file) }];
    return [key, rebaseEvidence(item, rel)];
  });
  return Object.fromEntries(entries) as T;
}
