import type { Base, DebugMode } from './options.js';
import type { Init, OsPackages } from './plan-schema.js';

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

/**
 * The Debian release of every final stage, distroless or slim: distroless publishes images for the
 * current release only (Debian 12's static, base and cc ended in September 2026, its language images
 * earlier). A build stage may be older where its toolchain has no image for this release: a program
 * linked against an older glibc runs on a newer one (glibc keeps its old symbol versions), never
 * surely the reverse, so a build stage is never newer than this.
 */
export const CURRENT_DEBIAN = TRIXIE;

/**
 * tini, the PID 1 for programs that set no SIGTERM handler: the kernel does not apply a default
 * action to PID 1, so such a program ignores `docker stop`'s SIGTERM and is killed 10 s later. Under
 * tini it is an ordinary process that SIGTERM ends, and tini reaps zombies. Debian's tini-static
 * needs no C library, so one stage serves every base: distroless, scratch and hardened have no package
 * manager, and on alpine it spares a second source for the same tini 0.19.0 (Alpine's apk package).
 */
const TINI: Init = {
  image: `debian:${CURRENT_DEBIAN.codename}-slim`,
  packages: { manager: 'apt', packages: ['tini'], why: "Debian's tini package, for its static build (tini-static)." },
  source: '/usr/bin/tini-static',
  path: '/usr/bin/tini',
};

/** The exec-form entrypoint, under tini when the image has it (`--` ends tini's own options). */
export const withInit = (init: Init | null, command: string[]) => (init ? [init.path, '--', ...command] : command);

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

/**
 * tini on hardened: the same Debian package, installed in the hardened Debian -dev image (apt, root)
 * rather than debian:trixie-slim, so a hardened build mixes in no base from outside dhi.io.
 */
const HARDENED_TINI: Init = { ...TINI, image: HARDENED_DEBUG_BASE };

/** The Alpine release final alpine images pin. */
export const ALPINE_VERSION = '3.22';

/** The uid/gid distroless uses for `nonroot`; reused everywhere so volumes behave the same on every base. */
export const NONROOT_USER = { uid: 65532, gid: 65532, name: 'nonroot', home: '/home/nonroot' };

type OsFamily = 'debian' | 'alpine';

/*
 * What a slim or alpine final stage adds for the program, and why each byte ships. Both bases already
 * have the time zone database where a program looks for it (Debian's tzdata is a required package, so
 * slim has it; alpine has none, and the languages that read it embed their own or say so) and alpine
 * has the CA bundle (ca-certificates-bundle is in its base). Slim has no CA bundle: a binary's final
 * stage copies the build stage's (see caBundle), one file, where `apt-get install ca-certificates`
 * would add OpenSSL, the apt lists' leftovers and dpkg's records of both. OS packages are installed
 * only for shared libraries the program loads.
 */
/** Tools for a look inside a running container: an HTTP probe and process listing. */
const DEBUG_TOOLS: Record<OsFamily, OsPackages> = {
  debian: { manager: 'apt', packages: ['curl', 'procps'], why: 'A look inside a running container: curl to probe endpoints, procps for ps and top.' },
  alpine: { manager: 'apk', packages: ['curl'], why: 'A look inside a running container: curl to probe endpoints (busybox already has sh, ps and top).' },
};

/** The shared libraries the program loads (Debian or Alpine package names) on slim and alpine; null when there are none or the base has no package manager. */
export function runtimePackages(base: Base, libraries: string[]): OsPackages | null {
  if ((base !== 'slim' && base !== 'alpine') || libraries.length === 0) return null;
  return {
    manager: base === 'slim' ? 'apt' : 'apk',
    packages: libraries,
    why: "The binary's shared libraries are the only OS packages this image installs.",
  };
}

/** The CA bundle a binary's slim final stage copies from its build stage (see above); null on every other base, which has one. */
const caBundle = (base: Base) => (base === 'slim' ? { from: 'build' } : null);

export const distroless = (
  /** static, base or cc for a binary; otherwise the runtime the image carries, named as distroless names it. */
  flavour: string,
  tag: 'nonroot' | 'debug-nonroot',
) => `gcr.io/distroless/${flavour}-debian${CURRENT_DEBIAN.version}:${tag}`;

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
  /** The stage whose CA bundle the final stage copies, when the base has none. */
  caBundle?: { from: string } | null;
  prepareBase: boolean;
  /** Whether the program needs tini to stop on SIGTERM (it sets no handler of its own). */
  init: boolean;
  /** How `docker stop` ends the program, said above the entrypoint. */
  stopWhy: string;
}) {
  const { base, debug, image, prepareBase } = options;
  const family = base === 'slim' ? 'debian' : base;
  const osFamily = family === 'debian' || family === 'alpine' ? family : null;
  const sharedStage = prepareBase && osFamily !== null && debug === 'stage';
  const variantDebug = base === 'hardened' ? { from: options.distrolessDebug, tools: null, devVariant: true as const } : { from: options.distrolessDebug, tools: null };
  return {
    runtime: { family, image, packages: options.packages, caBundle: options.caBundle ?? null, prepareBase, sharedStage },
    debugStage: debug !== 'stage' ? null : osFamily ? { from: sharedStage ? 'runtime' : image, tools: DEBUG_TOOLS[osFamily] } : variantDebug,
    shellTools: debug === 'shell' && osFamily ? DEBUG_TOOLS[osFamily] : null,
    init: options.init ? (base === 'hardened' ? HARDENED_TINI : TINI) : null,
    stopWhy: options.stopWhy,
  };
}

/**
 * The plan fields of an image that ships one compiled binary: the final base, its shared setup,
 * the debug target, the non-root user and the exec-form entrypoint.
 */
export function singleBinaryStages(options: {
  base: Base;
  debug: DebugMode;
  /** The distroless image the binary needs: static for a static binary, base or cc for a glibc one (dhi.io/static's -glibc variant on hardened). */
  distrolessFlavour: 'static' | 'base' | 'cc';
  /** OS packages of the shared libraries the binary loads. */
  extraPackages: string[];
  binaryPath: string;
  /** Arguments the binary always runs with (a framework CLI's serve command), and why; omitted: none. */
  arguments?: { arguments: string[]; why: string } | null;
  /** Whether the binary needs tini to stop on SIGTERM, and why (the comment above the entrypoint). */
  init: boolean;
  stopWhy: string;
}) {
  const { base, debug, distrolessFlavour, binaryPath, init, stopWhy } = options;
  const image =
    base === 'slim'
      ? `debian:${CURRENT_DEBIAN.codename}-slim`
      : base === 'alpine'
        ? `alpine:${ALPINE_VERSION}`
        : base === 'distroless'
          ? distroless(distrolessFlavour, 'nonroot')
          : base === 'hardened'
            ? hardened('static', `${DHI_STATIC_DATE}${distrolessFlavour === 'static' ? '' : '-glibc'}-debian${DHI_DEBIAN.version}`)
            : 'scratch';
  // scratch has no debug variant; distroless static's is the same minimal files plus busybox, and runs a static binary.
  const distrolessDebug = base === 'hardened' ? HARDENED_DEBUG_BASE : distroless(base === 'scratch' ? 'static' : distrolessFlavour, 'debug-nonroot');
  return {
    user: NONROOT_USER,
    ...finalImage({ base, debug, image, distrolessDebug, packages: runtimePackages(base, options.extraPackages), caBundle: caBundle(base), prepareBase: true, init, stopWhy }),
    binaryPath,
    argumentsWhy: options.arguments?.why ?? null,
    entrypoint: withInit(init ? TINI : null, [binaryPath, ...(options.arguments?.arguments ?? [])]),
    contextPath: '.',
    dockerfileFlag: null,
    dockerignoreName: '.dockerignore' as const,
  };
}
