import type * as Clack from '@clack/prompts';
import { noteLoaded } from '../loaded-parts.js';

/*
 * @clack/prompts draws a terminal run's questions, notes and spinners. It is imported only for such
 * a run (main awaits loadClack when the run is interactive), so a run in CI or a pipe never parses
 * it nor the terminal modules it loads.
 */
let loaded: typeof Clack | undefined;

export async function loadClack(): Promise<typeof Clack> {
  loaded ??= await import('@clack/prompts');
  noteLoaded('prompts');
  return loaded;
}

/** The library, for code that only an interactive run reaches, after main loaded it. */
export function clack(): typeof Clack {
  if (!loaded) throw new Error('@clack/prompts used before loadClack: only an interactive run draws prompts');
  return loaded;
}
