import { refusal } from '../errors.js';
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

/**
 * `--debug shell` keeps a shell and tools in production, which only bases with a shell can do.
 * Returns the warning every accepted use gets; throws the refusal otherwise.
 */
export function checkShellDebug(base: Base, debug: DebugMode): string | null {
  if (debug !== 'shell') return null;
  if (base === 'distroless' || base === 'scratch') {
    throw refusal(`--debug shell: ${base} has no shell to keep; use --debug stage for a separate debug image, or --base slim/alpine`);
  }
  return '--debug shell puts a shell and debug tools into the production image: bigger, and more for an attacker to use; --debug stage keeps them out';
}

export const distroless = (flavour: 'static' | 'base' | 'cc' | 'python3' | `nodejs${number}`, debian: DebianRelease, tag: 'nonroot' | 'debug-nonroot') =>
  `gcr.io/distroless/${flavour}-debian${debian.version}:${tag}`;

/**
 * The plan fields of an image that ships one binary (Go, Rust): the final base, the OS setup slim and
 * alpine need, the debug target, the non-root user and the exec-form entrypoint.
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
  const family = base === 'slim' ? 'debian' : base;
  const needsOsSetup = family === 'debian' || family === 'alpine';
  const image =
    family === 'debian' ? `debian:${debian.codename}-slim`
    : family === 'alpine' ? `alpine:${ALPINE_VERSION}`
    : family === 'distroless' ? distroless(distrolessFlavour, debian, 'nonroot')
    : 'scratch';
  const debugStage =
    debug !== 'stage' ? null
    : family === 'debian' || family === 'alpine' ? { from: 'runtime', family, packages: DEBUG_TOOLS[family] }
    // scratch has no debug variant; distroless static's is the same minimal files plus busybox, and runs a static binary.
    : { from: distroless(family === 'scratch' ? 'static' : distrolessFlavour, debian, 'debug-nonroot'), family: 'distroless' as const, packages: [] };
  return {
    user: NONROOT_USER,
    runtime: {
      family,
      image,
      packages: needsOsSetup ? [...RUNTIME_PACKAGES[family], ...options.extraPackages] : [],
      createUser: needsOsSetup,
      sharedStage: needsOsSetup && debug === 'stage',
    },
    debugStage,
    shellTools: debug === 'shell' && needsOsSetup ? DEBUG_TOOLS[family] : [],
    binaryPath,
    entrypoint: [binaryPath],
    contextPath: '.',
    dockerfileFlag: null,
    dockerignoreName: '.dockerignore' as const,
  };
}
