import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/languages/registry.js';
import { copyFixture, runCli } from '../helpers.js';
import { CELLS, cellName, type Cell } from '../matrix.js';
import { appendFileSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { buildCell, buildFailure, keepLog } from './cell-build.js';
import {
  buildImage,
  cachedSteps,
  docker,
  findEngine,
  imageSize,
  imagesFor,
  listenProblem,
  processUids,
  readsPortEnv,
  RUN_ID,
  stopProblem,
  timeGracefulStop,
  waitForHttp,
  type Engine,
} from './docker.js';
import { probeLines, probeRegistries, REGISTRY_NAMES, type ProbeResult, type Registry } from './registries.js';
import { newCellResult, writeReport, type CellResult, type RebuildResult } from './report.js';
import { currentDockerfile, measureSize, recordSizeMeasurements, sizeProblem } from './size.js';

/** What each buildable fixture does when its image runs. */
const BEHAVIOUR: Record<string, { http: { body: string } } | { cli: { output: string } } | { notBuilt: string }> = {
  'go-root-main': { http: { body: 'hello from go-root-main' } },
  // "visit 1": the program read ./views and created ./visits.db in its working directory.
  'go-templates': { http: { body: 'hello from go-templates (views/index.html), visit 1' } },
  'go-cmd-layout': { http: { body: 'hello, api' } },
  'go-cgo': { cli: { output: 'hello from go-cgo: 2+3=5' } },
  'go-vendored': { cli: { output: 'hello from go-vendored' } },
  'go-uppercase-module': { cli: { output: 'hello from go-uppercase-module' } },
  'go-workspace': { http: { body: 'hello from go-workspace (go.work)' } },
  'go-no-module': { cli: { output: 'hello from go-no-module' } },
  // go.sum is missing: the build's go mod tidy records the module's checksum, and uuid runs.
  'go-missing-gosum': { cli: { output: 'hello from go-missing-gosum: c2a146ac-719b-5027-ab28-7df0fd660944' } },
  'node-express': { http: { body: 'hello from node-express' } },
  // node's options reached the process (execArgv), and dotenv, preloaded by -r, is loaded.
  'node-preload': { http: { body: 'hello from node-preload (-r dotenv/config --enable-source-maps; dotenv loaded: true)' } },
  'node-ts-api': { http: { body: 'hello from node-ts-api' } },
  'node-postinstall-build': { http: { body: 'hello from node-postinstall-build' } },
  'node-no-lockfile': { http: { body: 'hello from node-no-lockfile (1m)' } },
  'node-native': { http: { body: 'hello from node-native' } },
  'node-pnpm': { http: { body: 'hello from node-pnpm (1m)' } },
  'node-yarn-berry': { http: { body: 'hello from node-yarn-berry (1m)' } },
  'node-yarn3': { http: { body: 'hello from node-yarn3 (1m)' } },
  'node-yarn-pnp': { http: { body: 'hello from node-yarn-pnp (1m)' } },
  'node-bun': { http: { body: 'hello from node-bun (1m)' } },
  'node-nest': { http: { body: 'hello from node-nest' } },
  'node-pnpm-workspace': { http: { body: 'hello from node-pnpm-workspace (1m)' } },
  'node-turbo-monorepo': { http: { body: 'hello from node-turbo-monorepo api (1m)' } },
  'node-next': { http: { body: 'hello from node-next' } },
  'node-next-default': { http: { body: 'hello from node-next-default' } },
  // The page renders a workspace package's greeting: the standalone output carried it.
  'node-next-workspace': { http: { body: 'hello from node-next-workspace (a workspace package)' } },
  'node-npm-workspace': { http: { body: 'hello from node-npm-workspace (1m)' } },
  'node-pnpm-lock6': { http: { body: 'hello from node-pnpm-lock6 (1m)' } },
  'python-flask-gunicorn': { http: { body: 'hello from python-flask-gunicorn' } },
  // "visit 1": the run-time user wrote the SQLite database into the instance folder.
  'python-flask-instance': { http: { body: 'hello from python-flask-instance, visit 1' } },
  'python-fastapi-uv': { http: { body: 'hello from python-fastapi-uv' } },
  'python-fastapi-with-frontend': { http: { body: 'hello from python-fastapi-with-frontend' } },
  'python-poetry': { cli: { output: 'hello from python-poetry' } },
  'python-django': { http: { body: 'hello from python-django' } },
  'python-cli-scripts': { cli: { output: 'hello from python-cli-scripts' } },
  'python-stdlib': { http: { body: 'hello from python-stdlib' } },
  'python-native': { cli: { output: 'hello from python-native' } },
  'python-poetry-lxml': { cli: { output: 'hello from python-poetry-lxml (lxml 5.2.2, title stagecraft)' } },
  'python-pinned-cffi': { cli: { output: 'hello from python-pinned-cffi (cffi 1.15.1, abs(-7) = 7)' } },
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
  /** The final base, distroless unless a step only another base has is checked. */
  base?: 'slim';
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
  // The jlink runtime (slim) is keyed on the module list jdeps writes, not on the jar: an edit that uses no new module keeps it.
  {
    fixture: 'java-plain-maven',
    base: 'slim',
    edit: 'src/main/java/com/example/hello/Main.java',
    network: 'none',
    dependencySteps: /jlink --add-modules|COPY --from=modules/,
    rebuiltStep: /mvn -B package/,
    keepCacheMounts: true,
    registry: 'maven',
  },
];
const rebuildName = (check: (typeof REBUILD_CHECKS)[number]) => `rebuild/${check.fixture}${check.base ? `/${check.base}` : ''}`;

const engine = await findEngine();

/**
 * STAGECRAFT_E2E_ONLY=<regex>: only the cells whose name (`fixture/base.debug`) matches, and the rebuild
 * checks whose `rebuild/<fixture>` (`rebuild/<fixture>/<base>` off distroless) matches. The report then covers just those.
 */
const only = process.env.STAGECRAFT_E2E_ONLY ? new RegExp(process.env.STAGECRAFT_E2E_ONLY) : null;
const selectedCells = CELLS.filter((cell) => !only || only.test(cellName(cell)));
const selectedRebuilds = REBUILD_CHECKS.filter((check) => !only || only.test(rebuildName(check)));

let probeResults: ProbeResult[] = [];
const reachable = async (registry: Registry) => (await probeRegistries(engine as Engine)).some((probe) => probe.registry === registry && probe.ok);

const results: CellResult[] = [];
const rebuilds: RebuildResult[] = [];
let nextPort = 18_200;

const imageTag = (cell: Cell, suffix: string) => `stagecraft-e2e/${cell.fixture}:${cell.base}-${cell.debug}-${suffix}-${RUN_ID}`;

/** Stops the container and fails the cell when PID 1 ignored SIGTERM or exited slowly twice (`timeGracefulStop`). */
async function checkGracefulStop(name: string, port: number, result: CellResult): Promise<void> {
  const stop = await timeGracefulStop(name, () => waitForHttp(port, 20));
  result.stopSeconds = stop.seconds;
  const problem = stopProblem(stop);
  if (problem) throw new Error(problem);
  result.checks.push(`docker stop took ${stop.seconds.toFixed(1)} s (SIGTERM, exit code ${stop.exitCode})`);
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
    // No --rm: the exit code after docker stop tells a SIGTERM exit from a SIGKILL (the finally removes it).
    const started = await docker(['run', '-d', '--network', 'host', '--name', name, ...(readsPortEnv(dockerfile) ? ['-e', `PORT=${port}`] : []), tag]);
    if (started.exitCode !== 0) throw new Error(`docker run failed: ${started.all}`);
    try {
      const answer = await waitForHttp(port, 20);
      // Pages can be long; the table keeps the start of the answer.
      result.run = `HTTP ${answer.length > 60 ? `${answer.slice(0, 60)}…` : answer} on 127.0.0.1:${port}`;
      if (!answer.startsWith('200 ') || !answer.includes(behaviour.http.body)) throw new Error(`unexpected answer: ${answer}`);
      const listening = await listenProblem(name, port);
      if (listening) throw new Error(listening.why);
      result.checks.push('listens beyond loopback');
      const uids = await processUids(name);
      if (uids.join() !== uid) throw new Error(`the process runs as uid ${uids.join(', ')}, not ${uid}`);
      result.checks.push(`process uid ${uid}`);
      await checkGracefulStop(name, port, result);
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
  // npm's hidden lockfile is looked for in every Node image: whichever stage's node_modules ships, no image carries it.
  if (plan.language === 'node') await checkInstallOnlyAbsent([...plan.packageManager.installOnly, 'node_modules/.package-lock.json'], tag, result);
  const shell = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', tag, '-c', 'id -u']);
  const baseHasShell = plan.runtime.family === 'debian' || plan.runtime.family === 'alpine';
  if (baseHasShell) {
    if (shell.exitCode !== 0 || shell.stdout.trim() !== uid) throw new Error(`sh in production: exit ${shell.exitCode}, ${shell.all}`);
    result.checks.push(`shell kept (the ${plan.runtime.family} base has one), as uid ${uid}`);
    await checkCodeReadOnly(tag, uid, plan, result);
  } else {
    if (shell.exitCode === 0) throw new Error(`production has a shell, but ${plan.base} should have none`);
    result.checks.push('no shell in production');
  }
}

/**
 * Files only the install reads (Yarn Berry's .yarnrc.yml, which can hold npmAuthToken; npm's hidden
 * lockfile) are not in the image: looked for with docker cp, which needs no shell in it.
 */
async function checkInstallOnlyAbsent(files: string[], tag: string, result: CellResult): Promise<void> {
  if (files.length === 0) return;
  const container = (await docker(['create', tag])).stdout.trim();
  try {
    for (const file of files) {
      const copied = await docker(['cp', `${container}:/app/${file}`, '-']);
      if (copied.exitCode === 0) throw new Error(`the image ships /app/${file}, which only the install reads`);
      result.checks.push(`no /app/${file}`);
    }
  } finally {
    await docker(['rm', '-f', container]);
  }
}

/**
 * The user the app runs as cannot change its code: /app (and /) belong to root. Checked with a shell,
 * so in production on slim and alpine, and through the debug target (the same app stage on the
 * base's :debug variant) where production has none.
 */
async function checkCodeReadOnly(tag: string, uid: string, plan: Plan, result: CellResult): Promise<void> {
  const run = (script: string) => docker(['run', '--rm', '--network', 'none', '--user', `${uid}:${uid}`, '--entrypoint', 'sh', tag, '-c', script]);
  // Folders made for the user (Flask's instance folder): it writes there, and only there.
  for (const folder of plan.runtimeFolders?.writable ?? []) {
    const written = await run(`touch /app/${folder}/written-by-the-app`);
    if (written.exitCode !== 0) throw new Error(`uid ${uid} cannot write in /app/${folder}, made for it: ${written.all}`);
    result.checks.push(`uid ${uid} writes in /app/${folder}`);
  }
  if (plan.runtimeFolders?.createsFiles) {
    // A working directory the program creates files in: sticky, so root's entries can be neither renamed nor written.
    const created = await run('touch /app/created-by-the-app');
    if (created.exitCode !== 0) throw new Error(`uid ${uid} cannot create a file in its working directory /app: ${created.all}`);
    const changed = await run(
      'for f in /app/* /app/*/*; do [ -e "$f" ] || continue; if mv "$f" "$f.moved" 2>/dev/null || { [ -f "$f" ] && [ -w "$f" ]; }; then echo "$f"; exit 0; fi; done; exit 1',
    );
    if (changed.exitCode === 0) throw new Error(`uid ${uid} can rename or write the app's own file ${changed.stdout.trim()}`);
    result.checks.push(`uid ${uid} creates files in /app but cannot rename or write root's`);
    return;
  }
  const write = await run('touch /app/x || touch /x');
  if (write.exitCode === 0) throw new Error(`uid ${uid} can write into the app's folder: ${write.all}`);
  result.checks.push(`uid ${uid} cannot write into /app`);
}

/** The debug target: same app, a shell, the same non-root user. */
async function checkDebug(cell: Cell, plan: Plan, tag: string, result: CellResult): Promise<void> {
  const uid = String(plan.user.uid);
  const shell = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', tag, '-c', 'id -u']);
  if (shell.exitCode !== 0 || shell.stdout.trim() !== uid) throw new Error(`debug shell: exit ${shell.exitCode}, ${shell.all}`);
  result.checks.push(`debug target has a shell, uid ${uid}`);
  await checkCodeReadOnly(tag, uid, plan, result);
  const behaviour = BEHAVIOUR[cell.fixture]!;
  if ('cli' in behaviour) {
    const run = await docker(['run', '--rm', '--network', 'none', tag]);
    if (!run.stdout.includes(behaviour.cli.output)) throw new Error(`debug image does not run the app: ${run.all}`);
    result.checks.push('debug target runs the same app');
  }
}

/**
 * A production image this machine cannot build (and why), or one not built by design, is recorded for
 * bench:size's page as a measurement is, against today's Dockerfile: the page names each such cell with
 * its reason, from whichever run last tried it, until its Dockerfile changes.
 */
async function recordUnmeasured(cell: Cell, result: CellResult): Promise<void> {
  if (cell.debug !== 'none' || (result.status !== 'not verifiable here' && result.status !== 'not built')) return;
  const today = await currentDockerfile(cell);
  if ('hash' in today)
    recordSizeMeasurements([
      { cell: `${cell.fixture}/${cell.base}`, dockerfileHash: today.hash, measuredAt: new Date().toISOString(), status: result.status, reason: result.reason, size: null },
    ]);
}

async function verifyCell(engine: Engine, cell: Cell, result: CellResult): Promise<void> {
  const behaviour = BEHAVIOUR[cell.fixture];
  if (!behaviour) throw new Error(`no expected behaviour for fixture ${cell.fixture}: add it to BEHAVIOUR`);
  const built = await buildCell(engine, cell, result, { tag: imageTag(cell, 'production'), notBuilt: 'notBuilt' in behaviour ? behaviour.notBuilt : null });
  if (!built) {
    await recordUnmeasured(cell, result);
    return;
  }
  const { plan, dir, dockerfile, dockerfileText, network, shimApk, replacedImages, tag: production } = built;
  try {
    result.bytes.image = await imageSize(production);
    result.bytes.base = await imageSize(plan.runtime.image);
    if (result.bytes.image !== null && result.bytes.base !== null) result.bytes.added = result.bytes.image - result.bytes.base;
    // --debug shell ships debug tools in production on purpose; every other image holds the artifact and what it needs.
    if (cell.debug !== 'shell') {
      const size = await measureSize(cell, plan, production);
      // The production image is the same for debug none and stage: one measurement per fixture and base, for bench:size's page.
      const today = cell.debug === 'none' ? await currentDockerfile(cell) : null;
      if (today && 'hash' in today) {
        const measuredAt = new Date().toISOString();
        recordSizeMeasurements([{ cell: `${cell.fixture}/${cell.base}`, dockerfileHash: today.hash, measuredAt, status: 'passed', reason: null, size }]);
      }
      const problem = sizeProblem(size);
      if (problem) throw new Error(problem);
      result.checks.push(`adds ${size.ratio.toFixed(2)}× its artifact (limit ${(size.limit / 1e6).toFixed(2)} MB)`);
    }
    await checkProduction(cell, plan, dockerfileText, production, result);
    if (plan.debugStage) {
      const debugTag = imageTag(cell, 'debug');
      const debugBuild = await buildImage(engine, {
        context: dir,
        dockerfile,
        tag: debugTag,
        target: 'debug',
        network,
        shimApk,
        replacedImages,
        images: imagesFor(dockerfileText, 'debug'),
      });
      result.buildSeconds.debug = debugBuild.seconds;
      keepLog(cell, 'debug', dockerfileText, debugBuild.log);
      if (!debugBuild.ok) throw buildFailure('debug', debugBuild.log, /ERROR/, 2);
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
      const result = newCellResult(cellName(cell));
      results.push(result);
      try {
        await verifyCell(engine as Engine, cell, result);
      } catch (error) {
        Object.assign(result, { status: 'failed', reason: (error as Error).message });
      }
      // The table so far, after every cell: a run of the whole matrix stopped midway (it takes hours here) still leaves its results.
      writeReport(header, results, rebuilds, probeResults, only ? `only cells matching /${only.source}/` : null);
      expect(result.status, result.reason ?? '').not.toBe('failed');
    });
  }

  for (const check of selectedRebuilds) {
    it(`rebuild after editing ${check.fixture}/${check.edit}${check.base ? ` on ${check.base}` : ''}: dependency steps come from cache`, async () => {
      const dir = copyFixture(check.fixture);
      expect((await runCli([dir, '--yes', '--base', check.base ?? 'distroless', '--debug', 'none'])).exitCode).toBe(0);
      // The same probe decides as for the cells: a registry that answers is downloaded from (so the build
      // needs the network); one that does not makes the check skipped, with the reason.
      if (check.registry && !(await reachable(check.registry))) {
        rebuilds.push({
          fixture: rebuildName(check).replace(/^rebuild\//, ''),
          coldSeconds: 0,
          warmSeconds: 0,
          cachedDependencySteps: [],
          rebuiltSteps: [],
          ok: true,
          skipped: `${REGISTRY_NAMES[check.registry]} does not answer (probe: NO)`,
        });
        return;
      }
      const tag = `stagecraft-e2e/${check.fixture}:rebuild${check.base ? `-${check.base}` : ''}-${RUN_ID}`;
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
        fixture: rebuildName(check).replace(/^rebuild\//, ''),
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
