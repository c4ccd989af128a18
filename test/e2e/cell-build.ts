import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { Facts } from '../../src/pipeline/detect.js';
import type { Plan } from '../../src/languages/registry.js';
import { copyFixture, runCli } from '../helpers.js';
import { cellName, type Cell } from '../matrix.js';
import { buildImage, docker, ensureStandIns, imagesFor, type Engine } from './docker.js';
import { probeRegistries, registriesNeeded, REGISTRY_NAMES } from './registries.js';
import { RESULTS_DIR, type CellResult } from './report.js';

/*
 * The first half of an end-to-end cell, shared by the suite (test/e2e/cells.e2e.ts) and the size
 * benchmark (scripts/bench-size.ts): generate the cell's Dockerfile with the real CLI, decide whether
 * this machine can build it (refusals, stand-in limits, registries the probe says are unreachable),
 * and build its production image.
 */

/**
 * What the stand-ins cannot do whatever the network answers, or null: no probe can decide these
 * (`apk add`, Rust musl targets, the Gradle distribution, a musl jlink runtime). Only stand-in mode has such limits.
 */
export function standInLimit(engine: Engine, facts: Facts, plan: Plan): string | null {
  if (engine.source !== 'stand-ins') return null;
  // Every image the plan names (build, runtime, debug), as the Dockerfile will.
  const missing = [...JSON.stringify(plan).matchAll(/dhi\.io\/([a-z0-9-]+):/g)].map((match) => match[1]!).find((name) => !DHI_STAND_INS.includes(name));
  if (missing) return `offline-docker has no stand-in for dhi.io/${missing} (it has ${DHI_STAND_INS.join(', ')}), and dhi.io itself is unreachable here`;
  if (facts.language === 'go' && plan.language === 'go') {
    if (plan.build.packages.length > 0 && plan.build.image.includes('alpine')) {
      return `the build stage runs apk add ${plan.build.packages.join(' ')}; the alpine stand-ins have no apk (Alpine's mirrors are unreachable)`;
    }
  }
  if (facts.language === 'node' && plan.language === 'node') {
    // The hardened -dev image keeps Node's headers in a folder named after the exact release, so the plan sets no
    // npm_config_nodedir and node-gyp downloads the headers when a module has no prebuilt binary.
    if (plan.base === 'hardened' && facts.nativeModules.value.length > 0) {
      return `node-gyp compiles ${facts.nativeModules.value.join(', ')} (its prebuilt binary is on github.com) with headers from nodejs.org; neither is reachable here`;
    }
    if (plan.depsPackages?.manager === 'apk')
      return `the install stage runs apk add ${plan.depsPackages.packages.join(' ')}; the alpine stand-ins have no apk (Alpine's mirrors are unreachable)`;
  }
  if (facts.language === 'python' && plan.language === 'python') {
    const apk = [plan.build.osPackages, plan.runtime.packages].find((packages) => packages?.manager === 'apk');
    if (apk) return `the image runs apk add ${apk.packages.join(' ')}; the alpine stand-ins have no apk (Alpine's mirrors are unreachable)`;
    // The stand-ins build CPython 3.11 and 3.13 only, and tag the 3.13 build as 3.12 and 3.14 and the 3.11 one as 3.8 to 3.10 (offline-docker's README).
    const minor = /python(3\.\d+)$/.exec(plan.build.python)![1]!;
    const built = Number(minor.split('.')[1]) <= 11 ? '3.11' : '3.13';
    if (facts.compiledPackages.length > 0 && minor !== built) {
      return `the python ${minor} stand-in is CPython ${built} under that name, so the cp${minor.replace('.', '')} wheels the plan chose for ${facts.compiledPackages.map((locked) => locked.name).join(', ')} do not install on it`;
    }
  }
  if (facts.language === 'rust' && plan.language === 'rust' && (plan.base === 'alpine' || plan.base === 'scratch')) {
    return `the ${plan.build.image} stand-in is Debian's with no musl target (rustup target add needs static.rust-lang.org, unreachable here): the static musl build, its rust-lld cross link and apk add ${plan.build.packages.join(' ')} are unproven here`;
  }
  if (facts.language === 'java' && plan.language === 'java') {
    if (plan.build.tool === 'gradle') {
      return 'Gradle itself comes from services.gradle.org (the wrapper, or the gradle stand-in, which is only a placeholder) and its plugins from the Gradle Plugin Portal, neither reachable here';
    }
    if (plan.jlink && plan.runtime.family === 'alpine') {
      return `the eclipse-temurin:${plan.javaVersion}-jdk-alpine stand-in is a glibc JDK, so its jlink runtime cannot run on the musl-only alpine stand-in (the real image is a musl build)`;
    }
  }
  return null;
}

/** The Docker Hardened Images offline-docker can stand in for (its README, section "Docker Hardened Images"). */
const DHI_STAND_INS = ['static', 'debian-base', 'node', 'python', 'golang', 'eclipse-temurin'];

/**
 * The Debian -dev packages that `-sys` crates link against from the system. The real non-slim rust
 * images are on buildpack-deps, which has all of these; a stand-in's buildpack layer has only some.
 */
const SYSTEM_LIBRARY_DEV_PACKAGES: Record<string, string> = {
  'openssl-sys': 'libssl-dev',
  'libsqlite3-sys': 'libsqlite3-dev',
  'pq-sys': 'libpq-dev',
  'libz-sys': 'zlib1g-dev',
  'curl-sys': 'libcurl4-openssl-dev',
  'libgit2-sys': 'libgit2-dev',
  'mysqlclient-sys': 'default-libmysqlclient-dev',
};

/**
 * A non-slim rust build image links a system library whose -dev package the real image has (buildpack-deps)
 * but its stand-in lacks: asked of the stand-in itself (dpkg -s), not assumed. The build then uses the
 * stand-in with those packages installed from Debian's archive, as the real image has them, under a tag of
 * the suite's own (the stand-in's own tag is left alone). Null when nothing is missing; the reason when the
 * packages cannot be installed either.
 */
async function devPackagesShim(engine: Engine, facts: Facts, plan: Plan): Promise<{ replaced: Record<string, string>; note: string } | { limit: string } | null> {
  if (engine.source !== 'stand-ins' || facts.language !== 'rust' || plan.language !== 'rust' || plan.build.image.includes('-slim')) return null;
  const wanted = facts.nativeDependencies
    .filter((dependency) => !dependency.value.bundled)
    .map((dependency) => SYSTEM_LIBRARY_DEV_PACKAGES[dependency.value.crate])
    .filter((name): name is string => name !== undefined);
  if (wanted.length === 0) return null;
  const ensured = await ensureStandIns([plan.build.image]);
  if (ensured.exitCode !== 0) return null;
  const missing: string[] = [];
  for (const name of wanted) if ((await docker(['run', '--rm', '--network', 'none', plan.build.image, 'dpkg', '-s', name])).exitCode !== 0) missing.push(name);
  if (missing.length === 0) return null;
  const lacks = `the ${plan.build.image} stand-in lacks ${missing.join(', ')}, which the real image (on buildpack-deps) has`;
  const shim = `stagecraft-e2e-shim/${plan.build.image.replace(/[^a-z0-9.-]+/g, '-')}:${missing.join('-')}`;
  const built = await execa('docker', ['build', '--network', 'host', '-t', shim, '-'], {
    input: `FROM ${plan.build.image}\nRUN apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')} && rm -rf /var/lib/apt/lists/*\n`,
    reject: false,
    all: true,
  });
  if (built.exitCode !== 0) return { limit: `${lacks}, and installing it from Debian's archive failed here: ${(built.all ?? '').split('\n').slice(-3).join(' / ')}` };
  return { replaced: { [plan.build.image]: shim }, note: `${lacks}: built on the stand-in with ${missing.join(', ')} installed from Debian's archive` };
}

/** Keeps a build's whole log (and the Dockerfile it built) in results/e2e-logs/, for diagnosing a failure. */
export function keepLog(cell: Cell, target: string, dockerfile: string, log: string): void {
  const dir = path.join(RESULTS_DIR, 'e2e-logs');
  mkdirSync(dir, { recursive: true });
  const name = cellName(cell).replace(/\//g, '__');
  writeFileSync(path.join(dir, `${name}.Dockerfile`), dockerfile);
  writeFileSync(path.join(dir, `${name}.${target}.log`), log);
}

/** A failed build as one line: the last `count` of its log lines that match `pattern`. */
export const buildFailure = (target: string, log: string, pattern: RegExp, count: number) =>
  new Error(
    `${target} build failed: ${log
      .split('\n')
      .filter((line) => pattern.test(line))
      .slice(-count)
      .join(' / ')}`,
  );

/** A cell whose production image was built: what was generated, and how it was built. */
export interface BuiltCell {
  facts: Facts;
  plan: Plan;
  dir: string;
  /** The Dockerfile's path inside the context when it is not the context's own (a workspace member's). */
  dockerfile: string | undefined;
  dockerfileText: string;
  network: 'none' | 'host';
  shimApk: boolean;
  /** Base images the build takes from a shim instead (devPackagesShim), for the debug target too. */
  replacedImages: Record<string, string>;
  /** The production image's tag; the caller removes it. */
  tag: string;
}

/** Says in `result` why the cell is not built; null, for buildCell to return. */
function skipped(result: CellResult, status: 'refused' | 'not built' | 'not verifiable here', reason: string): null {
  Object.assign(result, { status, reason });
  return null;
}

/**
 * Generates and builds the cell's production image, or says in `result` why it is not built (refused,
 * not built by design, not verifiable here) and returns null. Throws when generating or building fails.
 */
export async function buildCell(engine: Engine, cell: Cell, result: CellResult, options: { tag: string; notBuilt: string | null }): Promise<BuiltCell | null> {
  const dir = copyFixture(cell.fixture);
  const args = [
    path.join(dir, cell.member ?? ''),
    '--yes',
    '--base',
    cell.base,
    '--debug',
    cell.debug,
    ...(cell.flags.entry ? ['--entry', cell.flags.entry] : []),
    ...(cell.flags.javaRuntime ? ['--java-runtime', cell.flags.javaRuntime] : []),
  ];
  const described = await runCli([...args, '--json']);
  if (described.exitCode === 3) {
    // Warnings may come first; the refusal is the `stagecraft:` line.
    const refusal = described.stderr.split('\n').find((line) => line.startsWith('stagecraft: ')) ?? described.stderr;
    return skipped(result, 'refused', refusal.replace(/^stagecraft: /, '').trim());
  }
  if (described.exitCode !== 0) throw new Error(`stagecraft --json failed: ${described.stderr}`);
  const report = JSON.parse(described.stdout) as { facts: Facts; plan: Plan } | { services: { facts: Facts; plan: Plan }[] };
  // At a workspace root (a Maven multi-module build) --entry narrows the run to one service: its own
  // Dockerfile (Dockerfile.api at the root, built from the root), beside the bake file.
  const { facts, plan } = 'services' in report ? report.services[0]! : report;
  // The Dockerfile's path in the context when it is not the context's own: a workspace member's (generated
  // in its folder, built with the workspace root as context) or a service's at a workspace root.
  const dockerfile = plan.dockerfileFlag ?? undefined;
  if (options.notBuilt) return skipped(result, 'not built', options.notBuilt);
  const limit = standInLimit(engine, facts, plan);
  if (limit) return skipped(result, 'not verifiable here', limit);
  const shimmed = await devPackagesShim(engine, facts, plan);
  if (shimmed && 'limit' in shimmed) return skipped(result, 'not verifiable here', shimmed.limit);
  const replacedImages = shimmed?.replaced ?? {};
  if (shimmed) result.notes.push(shimmed.note);
  // Decided by the probe (once per run): a registry that answers is used for real.
  const needs = registriesNeeded(dir, facts, plan);
  const probes = needs.length > 0 ? await probeRegistries(engine) : [];
  const unreachable = needs.flatMap((need) => probes.filter((probe) => probe.registry === need.registry && !probe.ok).map((probe) => ({ need, probe })));
  if (unreachable.length > 0) {
    const reason = unreachable.map(({ need, probe }) => `${need.what} come from ${REGISTRY_NAMES[need.registry]}, and the probe says NO: ${probe.detail}`).join('; ');
    return skipped(result, 'not verifiable here', reason);
  }
  for (const need of needs) result.notes.push(`${need.what} downloaded from ${REGISTRY_NAMES[need.registry]} (probe: OK)`);

  const generated = await runCli(args);
  if (generated.exitCode !== 0) throw new Error(`stagecraft failed: ${generated.stderr}`);
  // apt-get (slim stages, the init stage's tini, Python's Debian builder for distroless) needs Debian's archive,
  // and a build that downloads from a registry needs that registry; everything else builds with no network.
  const downloads = needs.length > 0;
  const apt = plan.runtime.family === 'debian' || plan.init !== null || (plan.language === 'python' && plan.build.osPackages?.manager === 'apt');
  const network = apt || downloads ? 'host' : 'none';
  const shimApk = engine.source === 'stand-ins' && plan.runtime.family === 'alpine';
  const apkPackages = [plan.runtime.packages, plan.debugStage?.tools, plan.shellTools].flatMap((packages) => packages?.packages ?? []);
  if (shimApk && apkPackages.length > 0) result.notes.push(`not verifiable here: apk add ${apkPackages.join(' ')} (stand-in has no apk; shimmed)`);

  const dockerfileText = readFileSync(path.join(dir, dockerfile ?? 'Dockerfile'), 'utf8');
  const built = await buildImage(engine, { context: dir, dockerfile, tag: options.tag, network, shimApk, replacedImages, images: imagesFor(dockerfileText, 'production') });
  result.buildSeconds.production = built.seconds;
  keepLog(cell, 'production', dockerfileText, built.log);
  if (!built.ok) throw buildFailure('production', built.log, /ERROR|error:/, 3);
  return { facts, plan, dir, dockerfile, dockerfileText, network, shimApk, replacedImages, tag: options.tag };
}
