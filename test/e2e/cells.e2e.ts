import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Facts } from '../../src/pipeline/detect.js';
import type { Plan } from '../../src/languages/registry.js';
import { copyFixture, runCli } from '../helpers.js';
import { CELLS, cellName, type Cell } from '../matrix.js';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { buildImage, cachedSteps, docker, findEngine, imageSize, imagesFor, OFFLINE_DOCKER, processUids, readsPortEnv, waitForHttp, type Engine } from './docker.js';
import { probeLines, probeRegistries, registriesNeeded, REGISTRY_NAMES, type ProbeResult, type Registry } from './registries.js';
import { RESULTS_DIR, writeReport, type CellResult, type RebuildResult } from './report.js';

/** What each buildable fixture does when its image runs. */
const BEHAVIOUR: Record<string, { http: { body: string } } | { cli: { output: string } } | { notBuilt: string }> = {
  'go-root-main': { http: { body: 'hello from go-root-main' } },
  'go-cmd-layout': { http: { body: 'hello, api' } },
  'go-cgo': { cli: { output: 'hello from go-cgo: 2+3=5' } },
  'go-vendored': { cli: { output: 'hello from go-vendored' } },
  'go-uppercase-module': { cli: { output: 'hello from go-uppercase-module' } },
  'go-workspace': { http: { body: 'hello from go-workspace (go.work)' } },
  'go-no-module': { cli: { output: 'hello from go-no-module' } },
  'go-missing-gosum': { notBuilt: 'go.sum is missing, so `go build` fails by design (the generator warns: run `go mod tidy`)' },
  'node-express': { http: { body: 'hello from node-express' } },
  'node-ts-api': { http: { body: 'hello from node-ts-api' } },
  'node-no-lockfile': { http: { body: 'hello from node-no-lockfile (1m)' } },
  'node-native': { http: { body: 'hello from node-native' } },
  'node-pnpm': { http: { body: 'hello from node-pnpm (1m)' } },
  'node-yarn-berry': { http: { body: 'hello from node-yarn-berry (1m)' } },
  'node-yarn-pnp': { http: { body: 'hello from node-yarn-pnp (1m)' } },
  'node-bun': { http: { body: 'hello from node-bun (1m)' } },
  'node-nest': { http: { body: 'hello from node-nest' } },
  'node-pnpm-workspace': { http: { body: 'hello from node-pnpm-workspace (1m)' } },
  'node-next': { http: { body: 'hello from node-next' } },
  'node-next-default': { http: { body: 'hello from node-next-default' } },
  'node-npm-workspace': { http: { body: 'hello from node-npm-workspace (1m)' } },
  'node-pnpm-lock6': { http: { body: 'hello from node-pnpm-lock6 (1m)' } },
  'python-flask-gunicorn': { http: { body: 'hello from python-flask-gunicorn' } },
  'python-fastapi-uv': { http: { body: 'hello from python-fastapi-uv' } },
  'python-fastapi-with-frontend': { http: { body: 'hello from python-fastapi-with-frontend' } },
  'python-poetry': { cli: { output: 'hello from python-poetry' } },
  'python-django': { http: { body: 'hello from python-django' } },
  'python-cli-scripts': { cli: { output: 'hello from python-cli-scripts' } },
  'python-stdlib': { http: { body: 'hello from python-stdlib' } },
  'python-native': { cli: { output: 'hello from python-native' } },
  'python-local-wheel': { http: { body: 'hello from python-local-wheel (greeting 1.0.0, a local wheel)' } },
  'rust-single-bin': { http: { body: 'hello from rust-single-bin' } },
  'rust-multi-bin': { http: { body: 'hello from rust-multi-bin api' } },
  'rust-workspace': { cli: { output: 'hello from rust-workspace: 2+3=5' } },
  'rust-workspace-member': { cli: { output: 'hello from rust-workspace-member (examples/hello, built from the repository root)' } },
  'rust-msrv': { cli: { output: 'hello from rust-msrv' } },
  'rust-openssl': { cli: { output: 'fetcher built against OpenSSL' } },
  'rust-sqlite': { cli: { output: 'notes: sqlite says 1' } },
  'java-plain-maven': { http: { body: 'hello from java-plain-maven on Java 17' } },
  'java-multimodule': { http: { body: '{"message":"hello from java-multimodule/api"}' } },
  'java-spring-maven': { http: { body: 'hello from java-spring-maven' } },
  'java-spring-gradle-kts': { http: { body: 'hello from java-spring-gradle-kts' } },
  'java-quarkus': { http: { body: 'hello from java-quarkus' } },
};

/** One fixture per language whose source is edited to prove the dependency steps come from cache. */
const REBUILD_CHECKS: {
  fixture: string;
  edit: string;
  network: 'none' | 'host';
  dependencySteps: RegExp;
  rebuiltStep: RegExp;
  /** The registry the cold build downloads from (then it builds with --network host). */
  registry?: Registry;
  /**
   * First build without --no-cache: on this BuildKit, --no-cache also gives the build empty cache mounts
   * (and they replace the shared ones), which would drop the /root/.m2 cache the Maven cells downloaded.
   */
  keepCacheMounts?: true;
}[] = [
  { fixture: 'go-root-main', edit: 'main.go', network: 'none', dependencySteps: /go mod download|COPY go\.mod/, rebuiltStep: /go build/ },
  { fixture: 'node-ts-api', edit: 'src/server.ts', network: 'host', dependencySteps: /\snpm ci$|COPY package\.json package-lock\.json/, rebuiltStep: /npm run build/ },
  {
    fixture: 'python-local-wheel',
    edit: 'main.py',
    network: 'host',
    dependencySteps: /install -r requirements\.txt$|COPY requirements\.txt|COPY wheels/,
    rebuiltStep: /compileall/,
  },
  // host: the image's init stage installs tini from Debian's archive (a Rust binary ignores SIGTERM as PID 1).
  { fixture: 'rust-single-bin', edit: 'src/main.rs', network: 'host', dependencySteps: /COPY --from=recipe|cargo fetch/, rebuiltStep: /cargo build/ },
  {
    fixture: 'java-plain-maven',
    edit: 'src/main/java/com/example/hello/Main.java',
    network: 'none',
    dependencySteps: /dependency:go-offline|COPY pom\.xml/,
    rebuiltStep: /mvn -B package/,
    keepCacheMounts: true,
    registry: 'maven',
  },
];

const engine = await findEngine();

/**
 * STAGECRAFT_E2E_ONLY=<regex>: only the cells whose name (`fixture/base.debug`) matches, and the rebuild
 * checks whose `rebuild/<fixture>` matches. The report then covers just those.
 */
const only = process.env.STAGECRAFT_E2E_ONLY ? new RegExp(process.env.STAGECRAFT_E2E_ONLY) : null;
const selectedCells = CELLS.filter((cell) => !only || only.test(cellName(cell)));
const selectedRebuilds = REBUILD_CHECKS.filter((check) => !only || only.test(`rebuild/${check.fixture}`));

let probeResults: ProbeResult[] = [];
const reachable = async (registry: Registry) => (await probeRegistries(engine as Engine)).some((probe) => probe.registry === registry && probe.ok);

const results: CellResult[] = [];
const rebuilds: RebuildResult[] = [];
let nextPort = 18_200;

const imageTag = (cell: Cell, suffix: string) => `stagecraft-e2e/${cell.fixture}:${cell.base}-${cell.debug}-${suffix}`;

/**
 * What the stand-ins cannot do whatever the network answers, or null: no probe can decide these
 * (`apk add`, Rust musl targets, the Gradle distribution, a musl jlink runtime). Only stand-in mode has such limits.
 */
function standInLimit(engine: Engine, facts: Facts, plan: Plan): string | null {
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
 * but its stand-in lacks: asked of the stand-in itself (dpkg -s), not assumed. Null when nothing is missing.
 */
async function standInLacksDevPackage(engine: Engine, facts: Facts, plan: Plan): Promise<string | null> {
  if (engine.source !== 'stand-ins' || facts.language !== 'rust' || plan.language !== 'rust' || plan.build.image.includes('-slim')) return null;
  const wanted = facts.nativeDependencies
    .filter((dependency) => !dependency.value.bundled)
    .map((dependency) => SYSTEM_LIBRARY_DEV_PACKAGES[dependency.value.crate])
    .filter((name): name is string => name !== undefined);
  if (wanted.length === 0) return null;
  const ensured = await execa(path.join(OFFLINE_DOCKER, 'ensure-images.sh'), [plan.build.image], { reject: false, all: true });
  if (ensured.exitCode !== 0) return null;
  const missing: string[] = [];
  for (const name of wanted) if ((await docker(['run', '--rm', '--network', 'none', plan.build.image, 'dpkg', '-s', name])).exitCode !== 0) missing.push(name);
  return missing.length === 0
    ? null
    : `the ${plan.build.image} stand-in lacks ${missing.join(', ')} (the real image, on buildpack-deps, has ${missing.length === 1 ? 'it' : 'them'}), so linking the system library cannot be tried here`;
}

/** Keeps a build's whole log (and the Dockerfile it built) in results/e2e-logs/, for diagnosing a failure. */
function keepLog(cell: Cell, target: string, dockerfile: string, log: string): void {
  const dir = path.join(RESULTS_DIR, 'e2e-logs');
  mkdirSync(dir, { recursive: true });
  const name = cellName(cell).replace(/\//g, '__');
  writeFileSync(path.join(dir, `${name}.Dockerfile`), dockerfile);
  writeFileSync(path.join(dir, `${name}.${target}.log`), log);
}

/** The longest a `docker stop` may take: an app that exits on SIGTERM takes well under a second. */
const STOP_LIMIT_SECONDS = 3;

/**
 * `docker stop -t 10` sends SIGTERM and waits 10 s before SIGKILL. A PID 1 without a SIGTERM handler
 * ignores the signal (the kernel's default for PID 1), so such an image takes the whole 10 s to stop.
 */
async function checkGracefulStop(name: string, result: CellResult): Promise<void> {
  const started = performance.now();
  const stopped = await docker(['stop', '-t', '10', name], 30_000);
  result.stopSeconds = (performance.now() - started) / 1000;
  if (stopped.exitCode !== 0) throw new Error(`docker stop failed: ${stopped.all}`);
  const exited = `docker stop took ${result.stopSeconds.toFixed(1)} s`;
  if (result.stopSeconds > STOP_LIMIT_SECONDS) throw new Error(`${exited} (over ${STOP_LIMIT_SECONDS} s): PID 1 did not exit on SIGTERM and was killed`);
  result.checks.push(`${exited} (SIGTERM)`);
}

/**
 * A hardened base names its run-as user (the catalog's `run-as`, e.g. `node`); the plan's numeric uid must be
 * that user's, read from the base image's own /etc/passwd (the image has no shell to ask).
 */
async function checkCatalogUser(plan: Plan, result: CellResult): Promise<void> {
  // A container is created, never started (the image may have no command, and has no shell): only its files are read.
  const runAs = (await docker(['image', 'inspect', '-f', '{{.Config.User}}', plan.runtime.image])).stdout.trim();
  const created = await docker(['create', plan.runtime.image, 'true']);
  if (created.exitCode !== 0) throw new Error(`docker create ${plan.runtime.image}: ${created.all}`);
  const container = created.stdout.trim();
  try {
    const passwd = await execa('sh', ['-c', `docker cp ${container}:/etc/passwd - | tar -xO`], { reject: false });
    const entry = passwd.stdout.split('\n').find((line) => line.split(':')[0] === runAs || line.split(':')[2] === runAs);
    const uid = entry?.split(':')[2];
    if (uid !== String(plan.user.uid)) throw new Error(`${plan.runtime.image} runs as "${runAs}" (uid ${uid ?? 'unknown'}), but the plan's user is ${plan.user.uid}`);
    result.checks.push(`the base's run-as user "${runAs}" is uid ${uid}`);
  } finally {
    await docker(['rm', '-f', container]);
  }
}

/** Runs the production image and checks what the fixture should do, as which user. */
async function checkProduction(cell: Cell, plan: Plan, dockerfile: string, tag: string, result: CellResult): Promise<void> {
  const uid = String(plan.user.uid);
  const behaviour = BEHAVIOUR[cell.fixture]!;
  if ('http' in behaviour) {
    const port = readsPortEnv(dockerfile) ? nextPort++ : plan.port!;
    const name = `stagecraft-e2e-${process.pid}-${port}`;
    const started = await docker(['run', '-d', '--rm', '--network', 'host', '--name', name, ...(readsPortEnv(dockerfile) ? ['-e', `PORT=${port}`] : []), tag]);
    if (started.exitCode !== 0) throw new Error(`docker run failed: ${started.all}`);
    try {
      const answer = await waitForHttp(port, 20);
      // Pages can be long; the table keeps the start of the answer.
      result.run = `HTTP ${answer.length > 60 ? `${answer.slice(0, 60)}…` : answer} on 127.0.0.1:${port}`;
      if (!answer.startsWith('200 ') || !answer.includes(behaviour.http.body)) throw new Error(`unexpected answer: ${answer}`);
      const uids = await processUids(name);
      if (uids.join() !== uid) throw new Error(`the process runs as uid ${uids.join(', ')}, not ${uid}`);
      result.checks.push(`process uid ${uid}`);
      await checkGracefulStop(name, result);
    } finally {
      await docker(['rm', '-f', name]);
    }
  } else if ('cli' in behaviour) {
    const run = await docker(['run', '--rm', '--network', 'none', tag]);
    result.run = `printed "${run.stdout.trim()}"`;
    if (run.exitCode !== 0 || !run.stdout.includes(behaviour.cli.output)) throw new Error(`unexpected run: exit ${run.exitCode}, ${run.all}`);
    const user = await docker(['image', 'inspect', '-f', '{{.Config.User}}', tag]);
    if (user.stdout.trim().split(':')[0] !== uid) throw new Error(`image user is "${user.stdout.trim()}"`);
    result.checks.push(`user ${user.stdout.trim()}`);
  }
  if (plan.runtime.family === 'hardened') await checkCatalogUser(plan, result);
  const shell = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', tag, '-c', 'id -u']);
  const baseHasShell = plan.runtime.family === 'debian' || plan.runtime.family === 'alpine';
  if (baseHasShell) {
    if (shell.exitCode !== 0 || shell.stdout.trim() !== uid) throw new Error(`sh in production: exit ${shell.exitCode}, ${shell.all}`);
    result.checks.push(`shell kept (the ${plan.runtime.family} base has one), as uid ${uid}`);
    await checkCodeReadOnly(tag, uid, result);
  } else {
    if (shell.exitCode === 0) throw new Error(`production has a shell, but ${plan.base} should have none`);
    result.checks.push('no shell in production');
  }
}

/**
 * The user the app runs as cannot change its code: /app (and /) belong to root. Checked with a shell,
 * so in production on slim and alpine, and through the debug target (the same app stage on the
 * base's :debug variant) where production has none.
 */
async function checkCodeReadOnly(tag: string, uid: string, result: CellResult): Promise<void> {
  const write = await docker(['run', '--rm', '--network', 'none', '--user', `${uid}:${uid}`, '--entrypoint', 'sh', tag, '-c', 'touch /app/x || touch /x']);
  if (write.exitCode === 0) throw new Error(`uid ${uid} can write into the app's folder: ${write.all}`);
  result.checks.push(`uid ${uid} cannot write into /app`);
}

/** The debug target: same app, a shell, the same non-root user. */
async function checkDebug(cell: Cell, plan: Plan, tag: string, result: CellResult): Promise<void> {
  const uid = String(plan.user.uid);
  const shell = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', tag, '-c', 'id -u']);
  if (shell.exitCode !== 0 || shell.stdout.trim() !== uid) throw new Error(`debug shell: exit ${shell.exitCode}, ${shell.all}`);
  result.checks.push(`debug target has a shell, uid ${uid}`);
  await checkCodeReadOnly(tag, uid, result);
  const behaviour = BEHAVIOUR[cell.fixture]!;
  if ('cli' in behaviour) {
    const run = await docker(['run', '--rm', '--network', 'none', tag]);
    if (!run.stdout.includes(behaviour.cli.output)) throw new Error(`debug image does not run the app: ${run.all}`);
    result.checks.push('debug target runs the same app');
  }
}

async function verifyCell(engine: Engine, cell: Cell, result: CellResult): Promise<void> {
  const dir = copyFixture(cell.fixture);
  // A workspace member is generated in its folder and built with the fixture (the workspace root) as context.
  const dockerfile = cell.member ? `${cell.member}/Dockerfile` : undefined;
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
    Object.assign(result, { status: 'refused', reason: refusal.replace(/^stagecraft: /, '').trim() });
    return;
  }
  if (described.exitCode !== 0) throw new Error(`stagecraft --json failed: ${described.stderr}`);
  const { facts, plan } = JSON.parse(described.stdout) as { facts: Facts; plan: Plan };
  const behaviour = BEHAVIOUR[cell.fixture];
  if (!behaviour) throw new Error(`no expected behaviour for fixture ${cell.fixture}: add it to BEHAVIOUR`);
  if ('notBuilt' in behaviour) return void Object.assign(result, { status: 'not built', reason: behaviour.notBuilt });
  const limit = standInLimit(engine, facts, plan);
  if (limit) return void Object.assign(result, { status: 'not verifiable here', reason: limit });
  const lacking = await standInLacksDevPackage(engine, facts, plan);
  if (lacking) return void Object.assign(result, { status: 'not verifiable here', reason: lacking });
  // Decided by the probe (once per run): a registry that answers is used for real.
  const needs = registriesNeeded(dir, facts, plan);
  const probes = needs.length > 0 ? await probeRegistries(engine) : [];
  const unreachable = needs.flatMap((need) => probes.filter((probe) => probe.registry === need.registry && !probe.ok).map((probe) => ({ need, probe })));
  if (unreachable.length > 0) {
    const reason = unreachable.map(({ need, probe }) => `${need.what} come from ${REGISTRY_NAMES[need.registry]}, and the probe says NO: ${probe.detail}`).join('; ');
    return void Object.assign(result, { status: 'not verifiable here', reason });
  }
  for (const need of needs) if (!unreachable.some((entry) => entry.need === need)) result.notes.push(`${need.what} downloaded from ${REGISTRY_NAMES[need.registry]} (probe: OK)`);

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

  const production = imageTag(cell, 'production');
  const dockerfileText = readFileSync(path.join(dir, dockerfile ?? 'Dockerfile'), 'utf8');
  const built = await buildImage(engine, { context: dir, dockerfile, tag: production, network, shimApk, images: imagesFor(dockerfileText, 'production') });
  result.buildSeconds.production = built.seconds;
  keepLog(cell, 'production', dockerfileText, built.log);
  if (!built.ok)
    throw new Error(
      `production build failed: ${built.log
        .split('\n')
        .filter((line) => /ERROR|error:/.test(line))
        .slice(-3)
        .join(' / ')}`,
    );
  try {
    result.bytes.image = await imageSize(production);
    result.bytes.base = await imageSize(plan.runtime.image);
    if (result.bytes.image !== null && result.bytes.base !== null) result.bytes.added = result.bytes.image - result.bytes.base;
    await checkProduction(cell, plan, dockerfileText, production, result);
    if (plan.debugStage) {
      const debugTag = imageTag(cell, 'debug');
      const debugBuild = await buildImage(engine, { context: dir, dockerfile, tag: debugTag, target: 'debug', network, shimApk, images: imagesFor(dockerfileText, 'debug') });
      result.buildSeconds.debug = debugBuild.seconds;
      keepLog(cell, 'debug', dockerfileText, debugBuild.log);
      if (!debugBuild.ok)
        throw new Error(
          `debug build failed: ${debugBuild.log
            .split('\n')
            .filter((line) => /ERROR/.test(line))
            .slice(-2)
            .join(' / ')}`,
        );
      try {
        await checkDebug(cell, plan, debugTag, result);
      } finally {
        await docker(['rmi', '-f', debugTag]);
      }
    }
  } finally {
    await docker(['rmi', '-f', production]);
  }
  result.status = 'passed';
}

// A filter that selects none of these (only the living checks, say) skips the suite, its registry probe and its report.
describe.skipIf(typeof engine === 'string' || selectedCells.length + selectedRebuilds.length === 0)('every generated Dockerfile builds and runs', () => {
  const header =
    typeof engine === 'string'
      ? `Skipped: ${engine}`
      : `Docker ${engine.version}, base images from ${engine.source === 'stand-ins' ? 'offline-docker stand-ins (sizes are the stand-ins\', so compare "added")' : 'the registry'}; ${new Date().toISOString()}`;

  // The registry probe, once per run and before any cell, so the report always says what answered.
  beforeAll(async () => {
    probeResults = await probeRegistries(engine as Engine);
    console.log(
      `e2e: registry probe (${(engine as Engine).source === 'stand-ins' ? 'probe-registries.sh' : 'the same commands in the real images'}):\n${probeLines(probeResults)
        .map((line) => `  ${line}`)
        .join('\n')}`,
    );
  }, 60 * 60_000);

  afterAll(() => {
    writeReport(header, results, rebuilds, probeResults, only ? `only cells matching /${only.source}/` : null);
  });

  for (const cell of selectedCells) {
    it(cellName(cell), async () => {
      const result: CellResult = {
        cell: cellName(cell),
        status: 'failed',
        reason: null,
        buildSeconds: { production: null, debug: null },
        run: null,
        stopSeconds: null,
        checks: [],
        notes: [],
        bytes: { image: null, base: null, added: null },
      };
      results.push(result);
      try {
        await verifyCell(engine as Engine, cell, result);
      } catch (error) {
        Object.assign(result, { status: 'failed', reason: (error as Error).message });
      }
      expect(result.status, result.reason ?? '').not.toBe('failed');
    });
  }

  for (const check of selectedRebuilds) {
    it(`rebuild after editing ${check.fixture}/${check.edit}: dependency steps come from cache`, async () => {
      const dir = copyFixture(check.fixture);
      expect((await runCli([dir, '--yes', '--base', 'distroless', '--debug', 'none'])).exitCode).toBe(0);
      // The same probe decides as for the cells: a registry that answers is downloaded from (so the build
      // needs the network); one that does not makes the check skipped, with the reason.
      if (check.registry && !(await reachable(check.registry))) {
        rebuilds.push({
          fixture: check.fixture,
          coldSeconds: 0,
          warmSeconds: 0,
          cachedDependencySteps: [],
          rebuiltSteps: [],
          ok: true,
          skipped: `${REGISTRY_NAMES[check.registry]} does not answer (probe: NO)`,
        });
        return;
      }
      const tag = `stagecraft-e2e/${check.fixture}:rebuild`;
      const images = imagesFor(readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), 'production');
      const network = check.registry ? 'host' : check.network;
      // A cold build: no layer from BuildKit's cache; under --no-cache BuildKit also starts its cache mounts
      // empty (and they replace the shared ones), so a check with keepCacheMounts builds without --no-cache.
      const cold = await buildImage(engine as Engine, { context: dir, tag, network, images, noCache: !check.keepCacheMounts });
      // A new edit every run: an edit made before would find its layers in BuildKit's cache from that run.
      appendFileSync(path.join(dir, check.edit), `\n${check.edit.endsWith('.py') ? '#' : '//'} edited by the rebuild check at ${new Date().toISOString()}\n`);
      const warm = await buildImage(engine as Engine, { context: dir, tag, network, images });
      await docker(['rmi', '-f', tag]);
      const dependency = cachedSteps(warm.log, check.dependencySteps);
      const rebuilt = cachedSteps(warm.log, check.rebuiltStep);
      const result: RebuildResult = {
        fixture: check.fixture,
        coldSeconds: cold.seconds,
        warmSeconds: warm.seconds,
        cachedDependencySteps: dependency.filter((step) => step.cached).map((step) => step.step),
        rebuiltSteps: rebuilt.filter((step) => !step.cached).map((step) => step.step),
        ok: cold.ok && warm.ok && dependency.length > 0 && dependency.every((step) => step.cached) && rebuilt.some((step) => !step.cached),
      };
      rebuilds.push(result);
      expect(cold.ok && warm.ok, warm.log.slice(-2000)).toBe(true);
      expect(dependency.length).toBeGreaterThan(0);
      expect(dependency.filter((step) => !step.cached).map((step) => step.step)).toEqual([]);
      expect(result.rebuiltSteps.length).toBeGreaterThan(0);
    });
  }
});

if (typeof engine === 'string') {
  // The one clear line for machines without Docker; the report says the same.
  console.log(`e2e: skipped: ${engine}`);
  writeReport(`Skipped: ${engine}`, [], [], [], null);
  // CI sets this: there a missing engine is a failure, not a reason to pass without building anything.
  it.runIf(process.env.STAGECRAFT_E2E_REQUIRED === '1')('a Docker engine is required here (STAGECRAFT_E2E_REQUIRED=1)', () => {
    expect.fail(engine);
  });
}
