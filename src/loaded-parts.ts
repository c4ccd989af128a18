/*
 * The parts of the bundle a run initialises only when it needs them (a language's code, the prompt
 * library), told to the launcher (src/start.cts), which sets this global before the bundle runs. Its
 * code cache holds the code compiled by the runs it was made from, so it is made again, with this
 * run's code added, when a run used a part the cache has not seen. Under tests nothing listens.
 */
const KEY = Symbol.for('stagecraft.loadedParts');

export function noteLoaded(part: string): void {
  (globalThis as { [KEY]?: Set<string> })[KEY]?.add(part);
}
