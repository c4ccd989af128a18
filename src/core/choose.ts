/** Names of the program that is the service itself, preferred over tools (migrate, seed, cli, ...) when several could run. */
const SERVER_NAMES = new Set(['server', 'api', 'web', 'app', 'http', 'httpd', 'service', 'backend', 'daemon', 'gateway']);

/** A name such as `server`, `api` or `mini-redis-server` (any `-`/`_` part counts). */
export const namedLikeServer = (name: string) => name.split(/[-_]/).some((part) => SERVER_NAMES.has(part.toLowerCase()));

/** One rule for choosing among candidates: the ones it keeps, and why in words. */
export interface ChoiceRule<T> {
  keeps(candidate: T): boolean;
  why: string | ((chosen: T) => string);
}

/** The candidate the first rule that keeps exactly one of them picks, with why; null when no rule decides. */
export function chooseByRules<T>(candidates: readonly T[], rules: readonly ChoiceRule<T>[]): { chosen: T; why: string } | null {
  if (candidates.length < 2) return null;
  for (const rule of rules) {
    const kept = candidates.filter((candidate) => rule.keeps(candidate));
    if (kept.length === 1) return { chosen: kept[0]!, why: typeof rule.why === 'string' ? rule.why : rule.why(kept[0]!) };
  }
  return null;
}
