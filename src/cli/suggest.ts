/** The edit distance between two words: insertions, deletions and substitutions, one each. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate a typo most likely meant, or null when none is close: at most a third of the word
 * may differ (at least one letter), so `bse` finds `base` and `xyz` finds nothing.
 */
export function closest(word: string, candidates: readonly string[]): string | null {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | null = null;
  for (const candidate of candidates) {
    const apart = distance(word.toLowerCase(), candidate.toLowerCase());
    if (apart <= limit && (best === null || apart < best.distance)) best = { candidate, distance: apart };
  }
  return best?.candidate ?? null;
}

/** ` (did you mean X?)` when a candidate is close, else nothing: the tail of a usage error. */
export const didYouMean = (word: string, candidates: readonly string[]) => {
  const match = closest(word, candidates);
  return match ? ` (did you mean ${match}?)` : '';
};
