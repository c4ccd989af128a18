/*
 * Colour for the diffs a run shows, only where a person reads them: a terminal that has colours,
 * and not when NO_COLOR asks for none. FORCE_COLOR wins over both, as it does for node itself.
 */

export type Stream = NodeJS.WritableStream & { isTTY?: boolean; hasColors?(env?: NodeJS.ProcessEnv): boolean };

export function colourFor(stream: Stream, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  // hasColors reads NO_COLOR and TERM=dumb from the environment it is given.
  return Boolean(stream.isTTY) && typeof stream.hasColors === 'function' && stream.hasColors(env);
}

const paint = (code: string, line: string) => `\u001b[${code}m${line}\u001b[0m`;

/** A unified diff with its additions green, removals red, headers bold and hunks cyan. */
export function colourDiff(diff: string): string {
  return diff
    .split('\n')
    .map((line) => {
      if (/^(\+\+\+|---|===|Index:)/.test(line)) return paint('1', line);
      if (line.startsWith('+')) return paint('32', line);
      if (line.startsWith('-')) return paint('31', line);
      if (line.startsWith('@@')) return paint('36', line);
      return line;
    })
    .join('\n');
}
