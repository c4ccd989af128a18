import semver from 'semver';
import type { RustFacts } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { projectError, refusal, usageError } from '../../errors.js';
import type { Planned } from '../../core/language.js';
import { BOOKWORM, TRIXIE, checkShellDebug, portMismatchWarning, singleBinaryStages, type DebianRelease } from '../../core/images.js';
import type { Answers } from '../../core/options.js';
import { validatePlan } from '../../core/plan-schema.js';
import { RustPlanSchema, type RustPlan } from './schema.js';
import { imageNameFor } from '../../core/image-name.js';

/** rust images have Debian trixie variants from Rust 1.90 on; older releases only bookworm. */
const debianForRust = (version: string): DebianRelease => (semver.gte(semver.coerce(version)!, '1.90.0') ? TRIXIE : BOOKWORM);

/** What stagecraft knows about the C libraries common `-sys` crates link when not built from source. */
interface NativeLibrary {
  library: string;
  /** The Debian package holding the shared library, per release (trixie renamed some for 64-bit time_t). */
  debianRuntime: Record<DebianRelease['codename'], string>;
  /** distroless cc ships it (it is built on distroless base, which has OpenSSL). */
  inDistrolessCc: boolean;
  /** apk packages to link it statically into a musl binary. */
  alpineStatic: string[];
  /** The variable that makes the crate's build script link the static library. */
  staticEnv: string;
  /** The crate's from-source feature, named in advice. */
  bundledFeature: string;
  /** apk packages a from-source build needs besides a C compiler. */
  bundledAlpine: string[];
}

const NATIVE_LIBRARIES: Record<string, NativeLibrary> = {
  'openssl-sys': {
    library: 'OpenSSL',
    debianRuntime: { bookworm: 'libssl3', trixie: 'libssl3t64' },
    inDistrolessCc: true,
    alpineStatic: ['openssl-dev', 'openssl-libs-static'],
    staticEnv: 'OPENSSL_STATIC',
    bundledFeature: 'the openssl "vendored" feature, or rustls instead of native-tls',
    bundledAlpine: ['perl', 'make'],
  },
  'libsqlite3-sys': {
    library: 'SQLite',
    debianRuntime: { bookworm: 'libsqlite3-0', trixie: 'libsqlite3-0' },
    inDistrolessCc: false,
    alpineStatic: ['sqlite-dev', 'sqlite-static'],
    staticEnv: 'SQLITE3_STATIC',
    bundledFeature: 'rusqlite\'s "bundled" feature',
    bundledAlpine: [],
  },
};

/** The entry must be a binary target detection found; name them otherwise. */
export function checkRustEntry(facts: RustFacts, entry: string): string {
  const name = entry.trim();
  const known = facts.binaries.map((binary) => binary.value.name);
  if (!known.includes(name)) {
    const found = known.length > 0 ? `binaries here: ${known.join(', ')}` : 'no binary target found';
    throw usageError(`--entry ${entry}: no such binary target (${found})`);
  }
  return name;
}

export function planRust(facts: RustFacts, answers: Answers, generatorVersion: string): Planned<RustPlan> {
  const { base, debug, port } = answers;
  const warnings: string[] = [];
  if (answers.entry === null) throw projectError('no binary target: Cargo.toml builds only a library (no src/main.rs, src/bin/ or [[bin]]), so there is nothing to run');
  const binary = facts.binaries.find((candidate) => candidate.value.name === answers.entry)!.value;
  const musl = base === 'alpine' || base === 'scratch';
  const debian = debianForRust(answers.runtimeVersion);

  if (facts.enclosingWorkspace) {
    throw refusal(`this package is a member of the workspace in ${describeEvidence(facts.enclosingWorkspace.evidence)}: run stagecraft in the workspace root, which the image builds from (--entry picks the binary)`);
  }
  const minimum = facts.minimumVersion;
  if (minimum && semver.lt(semver.coerce(answers.runtimeVersion)!, semver.coerce(minimum.value)!)) {
    throw refusal(`Rust ${answers.runtimeVersion} is older than the rust-version ${minimum.value} (${describeEvidence(minimum.evidence)}) this project needs; use ${minimum.value} or newer`);
  }
  const outside = facts.outsidePaths[0];
  if (outside) {
    throw refusal(`the path dependency ${outside.value} (${describeEvidence(outside.evidence)}) is outside the folder, which is the build context; run stagecraft in a folder that holds it`);
  }
  const shellWarning = checkShellDebug(base, debug);
  if (shellWarning) warnings.push(shellWarning);

  const buildPackages = musl ? ['musl-dev'] : [];
  const buildEnv: RustPlan['build']['env'] = [];
  const runtimeLibraries: RustPlan['runtimeLibraries'] = [];
  for (const { value: dependency, evidence } of facts.nativeDependencies) {
    const known = NATIVE_LIBRARIES[dependency.crate];
    const where = `${dependency.crate} (${describeEvidence(evidence)})`;
    if (!known) {
      warnings.push(
        musl
          ? `${where} links a C library stagecraft does not know: a static musl build needs its static library from apk in the build stage, or linking fails`
          : `${where} links a C library stagecraft does not know: if it comes from the system, the build and final stages need its packages`,
      );
      continue;
    }
    if (dependency.bundled) {
      if (musl) buildPackages.push(...known.bundledAlpine);
      continue;
    }
    if (base === 'distroless' && !known.inDistrolessCc) {
      throw refusal(`--base distroless: ${where} links the system ${known.library} library, which distroless cc does not have; use ${known.bundledFeature}, or --base slim`);
    }
    if (musl) {
      buildPackages.push('pkgconf', ...known.alpineStatic);
      buildEnv.push({ name: known.staticEnv, value: '1' });
      warnings.push(`${where} on ${base}: ${known.library} is linked statically from Alpine's packages, so its security fixes need a rebuild of the image`);
    } else if (base === 'slim') {
      runtimeLibraries.push({ package: known.debianRuntime[debian.codename], crate: dependency.crate });
    }
  }

  if (!facts.lockfile.value && facts.registryDependencies.value) {
    warnings.push('no Cargo.lock: every build resolves dependency versions anew; commit Cargo.lock (cargo generate-lockfile) so builds are reproducible');
  }
  if (facts.otherChannel) {
    warnings.push(`${describeEvidence(facts.otherChannel.evidence)} pins "${facts.otherChannel.value}", which the rust image is not: rustup downloads that toolchain in the build`);
  }
  if (facts.loopbackBind && port !== null) {
    warnings.push(`the source binds ${facts.loopbackBind.value} (${describeEvidence(facts.loopbackBind.evidence)}), which nothing outside the container can reach; bind 0.0.0.0`);
  }
  const portWarning = portMismatchWarning(port, facts.ports[0], facts.readsPortEnv.value);
  if (portWarning) warnings.push(portWarning);

  const name = binary.name;
  const binaryPath = `/usr/local/bin/${name}`;
  const compilesC = facts.compilesC.value;

  const plan = validatePlan(RustPlanSchema, {
    language: 'rust',
    generator: { version: generatorVersion },
    base,
    debug,
    title: imageNameFor(name),
    port,
    portEnv: port !== null && facts.readsPortEnv.value,
    rustVersion: answers.runtimeVersion,
    libc: musl ? 'musl' : 'gnu',
    build: {
      image: musl ? `rust:${answers.runtimeVersion}-alpine` : compilesC ? `rust:${answers.runtimeVersion}-${debian.codename}` : `rust:${answers.runtimeVersion}-slim-${debian.codename}`,
      crossCompile: musl && !compilesC,
      compilesC: compilesC ? facts.compilesCReason : null,
      packages: [...new Set(buildPackages)],
      env: buildEnv,
      locked: facts.lockfile.value,
      scratchRootfs: base === 'scratch',
      package: binary.package,
      binary: name,
      targetCacheId: `${name}-cargo-target`,
      output: `/out/${name}`,
    },
    runtimeLibraries,
    toolchainFile: facts.toolchainFile,
    // glibc binaries need libgcc_s (for unwinding), which distroless cc has and static lacks.
    ...singleBinaryStages({ base, debug, debian, distrolessFlavour: 'cc', extraPackages: runtimeLibraries.map((library) => library.package), binaryPath }),
  });
  return { plan, warnings };
}
