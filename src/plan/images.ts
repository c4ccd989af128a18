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

export const distroless = (flavour: 'static' | 'base' | 'cc', debian: DebianRelease, tag: 'nonroot' | 'debug-nonroot') =>
  `gcr.io/distroless/${flavour}-debian${debian.version}:${tag}`;
