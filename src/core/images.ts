import type { Base, DebugMode } from './options.js';

/*
 * Base image choices shared by every language. One place to bump when Debian or Alpine release.
 */

export interface DebianRelease {
  codename: 'bookworm' | 'trixie';
  /** The number distroless uses in its image names (`-debian12`). */
  version: 12 | 13;
}

export const BOOKWORM: DebianRelease = { codename: 'bookworm', version: 12 };
export const TRIXIE: DebianRelease = { codename: 'trixie', version: 13 };

/** The Alpine release final alpine images pin. */
export const ALPINE_VERSION = '3.22';

/** The uid/gid distroless uses for `nonroot`; reused everywhere so volumes behave the same on every base. */
export const NONROOT_USER = { uid: 65532, gid: 65532, name: 'nonroot', home: '/home/nonroot' };

/** OS packages every final image needs: CA roots for TLS and the time zone database. */
export const RUNTIME_PACKAGES = { debian: ['ca-certificates', 'tzdata'], alpine: ['ca-certificates', 'tzdata'] };

/** Tools for a look inside a running container: an HTTP probe and process listing. */
export const DEBUG_TOOLS = { debian: ['curl', 'procps'], alpine: ['curl'] };

export const distroless = (
  flavour: 'static' | 'base' | 'cc' | 'python3' | `nodejs${number}` | `java${number}`,
  debian: DebianRelease,
  tag: 'nonroot' | 'debug-nonroot',
) => `gcr.io/distroless/${flavour}-debian${debian.version}:${tag}`;

type Family = 'debian' | 'alpine' | 'distroless' | 'scratch';

/**
 * The final image's setup for languages whose production and debug stages share one OS setup
 * (Go, Rust, Java): CA roots, time zones (plus `extraPackages`) and the user on slim/alpine; debug
 * tools in a `debug` stage on top of it, or the distroless `:debug` variant (`distrolessDebug`) on
 * distroless and scratch.
 */
export function sharedRuntime(base: Base, debug: DebugMode, image: string, distrolessDebug: string, extraPackages: string[] = []) {
  const family: Family = base === 'slim' ? 'debian' : base;
  const osFamily = family === 'debian' || family === 'alpine' ? family : null;
  return {
    user: NONROOT_USER,
    runtime: {
      family,
      image,
      packages: osFamily ? [...RUNTIME_PACKAGES[osFamily], ...extraPackages] : [],
      createUser: osFamily !== null,
      sharedStage: osFamily !== null && debug === 'stage',
    },
    debugStage:
      debug !== 'stage' ? null
      : osFamily ? { from: 'runtime', family: osFamily, packages: DEBUG_TOOLS[osFamily] }
      : { from: distrolessDebug, family: 'distroless' as const, packages: [] },
    shellTools: debug === 'shell' && osFamily ? DEBUG_TOOLS[osFamily] : [],
  };
}

/**
 * The plan fields of an image that ships one binary (Go, Rust): the final base, its shared setup,
 * the debug target, the non-root user and the exec-form entrypoint.
 */
export function singleBinaryStages(options: {
  base: Base;
  debug: DebugMode;
  debian: DebianRelease;
  /** The distroless image the binary needs: static for a static binary, base or cc for a glibc one. */
  distrolessFlavour: 'static' | 'base' | 'cc';
  /** OS packages beyond CA roots and time zones (shared libraries the binary loads). */
  extraPackages: string[];
  binaryPath: string;
}) {
  const { base, debug, debian, distrolessFlavour, binaryPath } = options;
  const image =
    base === 'slim' ? `debian:${debian.codename}-slim`
    : base === 'alpine' ? `alpine:${ALPINE_VERSION}`
    : base === 'distroless' ? distroless(distrolessFlavour, debian, 'nonroot')
    : 'scratch';
  // scratch has no debug variant; distroless static's is the same minimal files plus busybox, and runs a static binary.
  const distrolessDebug = distroless(base === 'scratch' ? 'static' : distrolessFlavour, debian, 'debug-nonroot');
  return {
    ...sharedRuntime(base, debug, image, distrolessDebug, options.extraPackages),
    binaryPath,
    entrypoint: [binaryPath],
    contextPath: '.',
    dockerfileFlag: null,
    dockerignoreName: '.dockerignore' as const,
  };
}
