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
