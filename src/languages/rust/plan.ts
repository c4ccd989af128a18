import path from 'node:path';
import semver from 'semver';
import type { RocketSettings, RustFacts } from './detect.js';
import { projectError, usageError } from '../../errors.js';
import type { Planned } from '../../core/language.js';
import { BOOKWORM, DHI_DEBIAN, TRIXIE, hardened, singleBinaryStages, type DebianRelease } from '../../core/images.js';
import { applyRules } from '../../core/rules.js';
import { describeEvidence } from '../../core/facts.js';
import type { Answers } from '../../core/options.js';
import { ProjectPath, validatePlan } from '../../core/plan-schema.js';
import { RustPlanSchema, type RustPlan } from './schema.js';
import { NATIVE_LIBRARIES } from './native.js';
import { reachable } from './cargo.js';
import { linksMusl, RUST_RULES } from './rules.js';
import { imageNameFor } from '../../core/image-name.js';
import { workingDirectory } from '../../core/runtime-folders.js';
import { locoIgnoresStartFlags } from './loco.js';
import { planSecrets } from '../../core/secrets.js';
import { cargoSecrets } from './secrets.js';

/**
 * The build stage's Debian: rust images have trixie variants from Rust 1.90 on, older releases only
 * bookworm. The final stage is trixie either way: a binary linked against bookworm's glibc 2.36 runs
 * on trixie's 2.41 (the reverse could fail), and the system libraries it links keep their sonames
 * (libssl.so.3 is libssl3 on bookworm, libssl3t64 on trixie, which the final stage installs).
 */
const debianForRust = (version: string): DebianRelease => (semver.gte(semver.coerce(version)!, '1.90.0') ? TRIXIE : BOOKWORM);

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

/**
 * The workspace's members the package does not depend on, from the build context: every package its
 * dependencies reach stays whole, as does the root package (its sources are the context's own folders)
 * and a member holding one that stays. One with no target file found, or a folder or file a .dockerignore line cannot name safely, stays too.
 */
function membersLeftOut(facts: RustFacts, start: string, workspaceDir: string | null): RustPlan['build']['leftOut'] {
  const byName = new Map(facts.workspacePackages.map((pkg) => [pkg.name, pkg]));
  const needed = reachable(start, (name) => byName.get(name)?.uses ?? []);
  const kept = facts.workspacePackages.filter((pkg) => needed.has(pkg.name)).map((pkg) => pkg.dir);
  const inContext = (file: string) => (workspaceDir ? `${workspaceDir}/${file}` : file);
  const safe = (file: string) => ProjectPath.safeParse(inContext(file)).success;
  return facts.workspacePackages
    .filter((pkg) => !needed.has(pkg.name) && pkg.dir !== '.' && !kept.some((dir) => `${dir}/`.startsWith(`${pkg.dir}/`)))
    .filter((pkg) => pkg.targets.length > 0 && safe(pkg.dir) && pkg.targets.every(safe))
    .map((pkg) => ({ folder: inContext(pkg.dir), standIns: pkg.targets.map(inContext) }));
}

/** What the `-sys` crates add: apk packages and static-link variables for musl, shared libraries for slim (installed where the base lacks them). */
function nativeLinking(facts: RustFacts, base: Answers['base']) {
  const musl = linksMusl(base);
  const buildPackages = musl ? ['musl-dev'] : [];
  const buildEnv: RustPlan['build']['env'] = [];
  const runtimeLibraries: RustPlan['runtimeLibraries'] = [];
  for (const { value: dependency } of facts.nativeDependencies) {
    const known = NATIVE_LIBRARIES[dependency.crate];
    if (!known) continue;
    if (dependency.bundled) {
      if (musl) buildPackages.push(...known.bundledAlpine);
    } else if (musl) {
      buildPackages.push('pkgconf', ...known.alpineStatic);
      buildEnv.push({ name: known.staticEnv, value: '1' });
    } else if (base === 'slim') {
      runtimeLibraries.push({ package: known.debianRuntime, crate: dependency.crate, inBase: known.inDebianSlim });
    }
  }
  return { buildPackages: [...new Set(buildPackages)], buildEnv, runtimeLibraries };
}

/** The rust image to build in: the hardened -dev image (gcc included), alpine for musl, the full Debian image when something compiles C, slim otherwise. */
function buildImage(facts: RustFacts, base: Answers['base'], version: string, debian: DebianRelease): string {
  if (base === 'hardened') return hardened('rust', `${version}-debian${DHI_DEBIAN.version}-dev`);
  if (linksMusl(base)) return `rust:${version}-alpine`;
  return facts.compilesC.value ? `rust:${version}-${debian.codename}` : `rust:${version}-slim-${debian.codename}`;
}

const LOOPBACK = /^(127\.|localhost$|::1$)/;

/**
 * ROCKET_ADDRESS=0.0.0.0 for a Rocket app that would listen on loopback: Rocket's default and a
 * Rocket.toml that keeps it; the variable wins over the file. None when the source sets the address
 * (the variable would not change it) or Rocket.toml already listens beyond loopback.
 */
function rocketAddress(rocket: RocketSettings | null): RustPlan['env'] {
  if (rocket === null || rocket.addressInSource.value) return [];
  const configured = rocket.configuredAddress;
  if (configured !== null && !LOOPBACK.test(configured.value)) return [];
  const why =
    configured === null
      ? `Rocket (${describeEvidence(rocket.dependency)}) listens on 127.0.0.1 unless ROCKET_ADDRESS or Rocket.toml says otherwise: out of reach from outside the container.`
      : `${describeEvidence(configured.evidence)} has Rocket listen on ${configured.value}, out of reach from outside the container; ROCKET_ADDRESS wins over Rocket.toml.`;
  return [{ name: 'ROCKET_ADDRESS', value: '0.0.0.0', why }];
}

/** LOCO_ENV=production when the app has config/production.yaml; without it Loco runs its development environment, which a rule warns about. */
function locoEnvironment(loco: RustFacts['loco']): RustPlan['env'] {
  if (loco === null || !loco.production.value) return [];
  return [
    {
      name: 'LOCO_ENV',
      value: 'production',
      why: `Loco reads config/<LOCO_ENV>.yaml, development unless set: ${describeEvidence(loco.production.evidence)} is the one for this image.`,
    },
  ];
}

/** Loco's CLI serves with `start`, on the address config gives (localhost unless set): 0.0.0.0 and the image's port, given on the command line, win from loco-rs 0.14. */
function locoArguments(loco: RustFacts['loco'], port: number | null): { arguments: string[]; why: string } | null {
  if (loco === null || loco.cliMain === null) return null;
  const cli = `${describeEvidence(loco.cliMain)} runs Loco's CLI, which serves with start`;
  if (locoIgnoresStartFlags(loco)) {
    return { arguments: ['start'], why: `${cli}; loco-rs ${loco.version!.value} ignores its --binding and --port, so it listens where its config says.` };
  }
  return {
    arguments: ['start', '--binding', '0.0.0.0', ...(port !== null ? ['--port', String(port)] : [])],
    why: `${cli}; --binding 0.0.0.0, since Loco listens on localhost unless its config sets server.binding, out of reach from outside the container.`,
  };
}

export function planRust(facts: RustFacts, answers: Answers, generatorVersion: string): Planned<RustPlan> {
  const { base, debug, port } = answers;
  if (answers.entry === null) throw projectError('no binary target: Cargo.toml builds only a library (no src/main.rs, src/bin/ or [[bin]]), so there is nothing to run');
  const binary = facts.binaries.find((candidate) => candidate.value.name === answers.entry)!.value;
  const musl = linksMusl(base);
  const debian = debianForRust(answers.runtimeVersion);
  const warnings = applyRules(RUST_RULES, { facts, answers });
  const { buildPackages, buildEnv, runtimeLibraries } = nativeLinking(facts, base);

  const name = binary.name;
  const member = facts.memberBuild;
  const binaryPath = `/usr/local/bin/${name}`;
  const compilesC = facts.compilesC.value;
  // The hardened rust image sets no CARGO_HOME, so cargo uses the default in root's home.
  const cargoHome = base === 'hardened' ? '/root/.cargo' : '/usr/local/cargo';

  const plan = validatePlan(RustPlanSchema, {
    language: 'rust',
    generator: { version: generatorVersion },
    base,
    debug,
    title: imageNameFor(name),
    port,
    portEnv: port !== null && facts.readsPortEnv.value,
    env: [...rocketAddress(facts.rocket), ...locoEnvironment(facts.loco)],
    build: {
      image: buildImage(facts, base, answers.runtimeVersion, debian),
      crossCompile: musl && !compilesC,
      compilesC: compilesC ? facts.compilesCReason : null,
      fullImage: !musl && compilesC && base !== 'hardened',
      packages: buildPackages,
      env: buildEnv,
      // Its sections are for the glibc targets: a musl build (alpine, scratch) does not read them.
      linker:
        facts.linkerTools && !musl
          ? {
              packages: facts.linkerTools.value,
              why: `${describeEvidence(facts.linkerTools.evidence)} links with ${facts.linkerTools.value.join(' and ')}, which the rust image does not have`,
            }
          : null,
      cargoHome,
      cargoConfig: facts.registries?.config ?? null,
      tokenProvider: facts.registries?.providers != null,
      locked: facts.lockfile.value,
      scratchRootfs: base === 'scratch',
      package: binary.package,
      workspaceDir: member?.workspaceDir ?? null,
      binary: name,
      leftOut: membersLeftOut(facts, binary.package, member?.workspaceDir ?? null),
      targetCacheId: `${name}-cargo-target`,
      output: `/out/${name}`,
    },
    runtimeLibraries,
    // cp runs where cargo does (the workspace, or the context's root), and the folders are the member's.
    runtimeFolders: workingDirectory(facts.runtimeFolders, facts.createdFile, member ? path.posix.relative(member.workspaceDir ?? '', member.memberPath) : '', facts.runtimeFiles),
    ...planSecrets(cargoSecrets(facts.registries, cargoHome)),
    ssh: facts.sshGit.value ? { why: describeEvidence(facts.sshGit.evidence) } : null,
    toolchainFile: facts.toolchainFile && member?.workspaceDir ? `${member.workspaceDir}/${facts.toolchainFile}` : facts.toolchainFile,
    // glibc binaries need libgcc_s (for unwinding), which distroless cc has and static lacks.
    ...singleBinaryStages({
      base,
      debug,
      distrolessFlavour: 'cc',
      extraPackages: runtimeLibraries.filter((library) => library.inBase === null).map((library) => library.package),
      binaryPath,
      arguments: locoArguments(facts.loco, port),
      init: true,
      stopWhy: 'tini runs as PID 1 and passes SIGTERM on: as PID 1 the binary would ignore it (Rust sets no handler), and docker stop would kill it 10 s later.',
    }),
    // A workspace member builds from the context that holds its workspace, with its own Dockerfile and ignore file.
    ...(member ? { contextPath: member.contextPath, dockerfileFlag: `${member.memberPath}/Dockerfile`, dockerignoreName: 'Dockerfile.dockerignore' } : {}),
  });
  return { plan, warnings };
}
