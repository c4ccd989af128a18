/** What stagecraft knows about the C libraries common `-sys` crates link when not built from source. */
export interface NativeLibrary {
  library: string;
  /** The Debian package holding the shared library in the final stage's release (trixie renamed some for 64-bit time_t). */
  debianRuntime: string;
  /** distroless cc ships it (it is built on distroless base, which has OpenSSL). */
  inDistrolessCc: boolean;
  /**
   * Why the slim final stage's base (debian:<CURRENT_DEBIAN>-slim) has the package already, or null when
   * it lacks it. Installing a package the base has only rewrites its files when the archive has a newer
   * build (2.4 MB for libssl3t64), so the final stage installs it only where the base lacks it.
   */
  inDebianSlim: string | null;
  /** apk packages to link it statically into a musl binary. */
  alpineStatic: string[];
  /** The variable that makes the crate's build script link the static library. */
  staticEnv: string;
  /** The crate's from-source feature, named in advice. */
  bundledFeature: string;
  /** apk packages a from-source build needs besides a C compiler. */
  bundledAlpine: string[];
}

export const NATIVE_LIBRARIES: Record<string, NativeLibrary> = {
  'openssl-sys': {
    library: 'OpenSSL',
    debianRuntime: 'libssl3t64',
    inDistrolessCc: true,
    // trixie's apt fetches over HTTPS with OpenSSL, and every slim image keeps apt.
    inDebianSlim: 'apt depends on it',
    alpineStatic: ['openssl-dev', 'openssl-libs-static'],
    staticEnv: 'OPENSSL_STATIC',
    bundledFeature: 'the openssl "vendored" feature, or rustls instead of native-tls',
    bundledAlpine: ['perl', 'make'],
  },
  'libsqlite3-sys': {
    library: 'SQLite',
    debianRuntime: 'libsqlite3-0',
    inDistrolessCc: false,
    inDebianSlim: null,
    alpineStatic: ['sqlite-dev', 'sqlite-static'],
    staticEnv: 'SQLITE3_STATIC',
    bundledFeature: 'rusqlite\'s "bundled" feature',
    bundledAlpine: [],
  },
};
