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
