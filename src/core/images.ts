import type { Base, DebugMode } from './options.js';
import type { OsPackages } from './plan-schema.js';

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

/*
 * Docker Hardened Images (dhi.io). Their public catalog (github docker-hardened-images/catalog,
 * image/<name>/debian-13/<tag>.yaml) is the source of the tags, users and paths used here.
 */

/** The Debian release the hardened images are built on (their `-debian13` tags). */
export const DHI_DEBIAN: DebianRelease = TRIXIE;

/** dhi.io/static is tagged by the date of its CA bundle; this is the release the catalog publishes. */
const DHI_STATIC_DATE = '20250419';

/** A hardened image on dhi.io: `hardened('static', '20250419-debian13')`. */
export const hardened = (image: string, tag: string) => `dhi.io/${image}:${tag}`;

/**
 * Where a debug target starts on hardened when the language has no `-dev` image of its own (a binary on
 * dhi.io/static): Debian's base `-dev` variant, with bash, apt and the nonroot user.
 */
export const HARDENED_DEBUG_BASE = hardened('debian-base', `${DHI_DEBIAN.codename}-debian${DHI_DEBIAN.version}-dev`);

/** The Alpine release final alpine images pin. */
export const ALPINE_VERSION = '3.22';

/** The uid/gid distroless uses for `nonroot`; reused everywhere so volumes behave the same on every base. */
export const NONROOT_USER = { uid: 65532, gid: 65532, name: 'nonroot', home: '/home/nonroot' };

type OsFamily = 'debian' | 'alpine';

/** OS packages every final image on slim or alpine needs: CA roots for TLS and the time zone database. */
const RUNTIME_PACKAGES: Record<OsFamily, OsPackages> = {
  debian: { manager: 'apt', packages: ['ca-certificates', 'tzdata'], why: 'CA roots to verify TLS peers and the time zone database; slim images do not promise either.' },
  alpine: { manager: 'apk', packages: ['ca-certificates', 'tzdata'], why: 'CA roots to verify TLS peers and the time zone database, kept patchable through apk.' },
};

/** Tools for a look inside a running container: an HTTP probe and process listing. */
const DEBUG_TOOLS: Record<OsFamily, OsPackages> = {
  debian: { manager: 'apt', packages: ['curl', 'procps'], why: 'A look inside a running container: curl to probe endpoints, procps for ps and top.' },
  alpine: { manager: 'apk', packages: ['curl'], why: 'A look inside a running container: curl to probe endpoints (busybox already has sh, ps and top).' },
};

/** CA roots and time zones (plus `extraPackages`) on slim and alpine; nothing on distroless and scratch, which have them or get them from the build stage. */
export function runtimePackages(base: Base, extraPackages: string[] = []): OsPackages | null {
  if (base !== 'slim' && base !== 'alpine') return null;
  const packages = RUNTIME_PACKAGES[base === 'slim' ? 'debian' : 'alpine'];
  return { ...packages, packages: [...packages.packages, ...extraPackages] };
}

export const distroless = (
  /** static, base or cc for a binary; otherwise the runtime the image carries, named as distroless names it. */
  flavour: string,
  debian: DebianRelease,
  tag: 'nonroot' | 'debug-nonroot',
) => `gcr.io/distroless/${flavour}-debian${debian.version}:${tag}`;

/**
 * The final image's plan fields, filled the same way for every language: its base, what the final
 * stage installs and prepares on it, and the debug target and tools. On slim and alpine a base that
 * needs preparing gets a `runtime` stage that debug and production share; a base made for the
 * runtime (`prepareBase` false) is debugged from the image itself; distroless and scratch are
 * debugged on the distroless `:debug` variant (`distrolessDebug`).
 */
export function finalImage(options: {
  base: Base;
  debug: DebugMode;
  image: string;
  /** Where the debug target starts on a base without a shell: distroless' :debug variant, or a hardened image's -dev variant. */
  distrolessDebug: string;
  packages: OsPackages | null;
  prepareBase: boolean;
}) {
  const { base, debug, image, prepareBase } = options;
  const family = base === 'slim' ? 'debian' : base;
  const osFamily = family === 'debian' || family === 'alpine' ? family : null;
  const sharedStage = prepareBase && osFamily !== null && debug === 'stage';
  const variantDebug = base === 'hardened' ? { from: options.distrolessDebug, tools: null, devVariant: true as const } : { from: options.distrolessDebug, tools: null };
  return {
    runtime: { family, image, packages: options.packages, prepareBase, sharedStage },
    debugStage: debug !== 'stage' ? null : osFamily ? { from: sharedStage ? 'runtime' : image, tools: DEBUG_TOOLS[osFamily] } : variantDebug,
    shellTools: debug === 'shell' && osFamily ? DEBUG_TOOLS[osFamily] : null,
  };
}

/**
 * The plan fields of an image that ships one compiled binary: the final base, its shared setup,
 * the debug target, the non-root user and the exec-form entrypoint.
 */
export function singleBinaryStages(options: {
  base: Base;
  debug: DebugMode;
  debian: DebianRelease;
  /** The distroless image the binary needs: static for a static binary, base or cc for a glibc one (dhi.io/static's -glibc variant on hardened). */
  distrolessFlavour: 'static' | 'base' | 'cc';
  /** OS packages beyond CA roots and time zones (shared libraries the binary loads). */
  extraPackages: string[];
  binaryPath: string;
}) {
  const { base, debug, debian, distrolessFlavour, binaryPath } = options;
  const image =
    base === 'slim'
      ? `debian:${debian.codename}-slim`
      : base === 'alpine'
        ? `alpine:${ALPINE_VERSION}`
        : base === 'distroless'
          ? distroless(distrolessFlavour, debian, 'nonroot')
          : base === 'hardened'
            ? hardened('static', `${DHI_STATIC_DATE}${distrolessFlavour === 'static' ? '' : '-glibc'}-debian${DHI_DEBIAN.version}`)
            : 'scratch';
  // scratch has no debug variant; distroless static's is the same minimal files plus busybox, and runs a static binary.
  const distrolessDebug = base === 'hardened' ? HARDENED_DEBUG_BASE : distroless(base === 'scratch' ? 'static' : distrolessFlavour, debian, 'debug-nonroot');
  return {
    user: NONROOT_USER,
    ...finalImage({ base, debug, image, distrolessDebug, packages: runtimePackages(base, options.extraPackages), prepareBase: true }),
    binaryPath,
    entrypoint: [binaryPath],
    contextPath: '.',
    dockerfileFlag: null,
    dockerignoreName: '.dockerignore' as const,
  };
}
