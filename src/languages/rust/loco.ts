import type { RustFacts } from './detect.js';

/**
 * Before loco-rs 0.14, `start --binding --port` reached only the banner: Hooks::serve bound the
 * config's server.binding and server.port (loco-rs 0.13.1 src/app.rs; 0.14 passes ServeParams).
 */
export function locoIgnoresStartFlags(loco: NonNullable<RustFacts['loco']>): boolean {
  const release = /^0\.(\d+)\./.exec(loco.version?.value ?? '');
  return release !== null && Number(release[1]) < 14;
}
