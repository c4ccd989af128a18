/*
 * npm run test:realworld-build: generates a Dockerfile with the real CLI (`--yes`) for every app of
 * test/realworld/apps.json that scripts/realworld-materialize.mjs copied, builds it with BuildKit on
 * this machine's Docker (the stand-in base images when ../shared/tools/offline-docker is there), runs
 * the image and probes it: an HTTP answer on 127.0.0.1 for a server, the expected output for a CLI,
 * the non-root uid, no shell where the base has none, and a `docker stop` that ends within 3 s. Every failure
 * gets a cause (ours, the app's, or this machine's) with the log lines that show it.
 *
 * Heavy (hours for the whole corpus on two cores), so it is not part of `npm test`: builds run one at a
 * time, results accumulate in results/realworld-builds.json (an app whose result is there for the same
 * commit, base and generated Dockerfile is skipped unless STAGECRAFT_REALWORLD_REBUILD=1 or the failure
 * was this machine's), and
 * docs/realworld-builds.md is written from all of them after every app.
 *
 *   STAGECRAFT_REALWORLD_ONLY=<regex on id>   only these apps
 *   STAGECRAFT_REALWORLD_BASES=slim,alpine    bases besides the default (also --bases slim,alpine)
 *   STAGECRAFT_REALWORLD_REBUILD=1            build again what results already has (also --rebuild)
 *   STAGECRAFT_REALWORLD_DIR=<dir>            where the apps were materialized
 *
 * package.json bundles it to results/realworld-build.mjs: one folder below the root, as test/helpers.ts
 * is, so the ROOT it derives from its own location is the project's root there too.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ExitCode } from '../src/errors.js';
import type { Facts } from '../src/pipeline/detect.js';
import type { Plan } from '../src/languages/registry.js';
import { ROOT, runCli } from '../test/helpers.js';
import {
  buildImage,
  docker,
  findEngine,
  imageSize,
  imagesFor,
  listenProblem,
  processUids,
  readsPortEnv,
  stopProblem,
  timeGracefulStop,
  waitForHttp,
  type Engine,
} from '../test/e2e/docker.js';
import { probeRegistries, registriesNeeded, REGISTRY_NAMES, type ProbeResult } from '../test/e2e/registries.js';
import { standInLimit } from '../test/e2e/cell-build.js';
import { containerArguments, parseServices, startServices, stopEveryService, stopServices, type RunningService, type ServiceSpec } from './realworld-services.js';

export const APPS_FILE = path.join(ROOT, 'test/realworld/apps.json');
const RESULTS_FILE = path.join(ROOT, 'results/realworld-builds.json');
const LOGS_DIR = path.join(ROOT, 'results/realworld-builds');
const DOCS_FILE = path.join(ROOT, 'docs/realworld-builds.md');
const LANGUAGES = ['go', 'python', 'java', 'node', 'rust'];

/** An app as apps.json has it; `run` and `needs` are the parts of its truth this script reads. */
export interface App {
  id: string;
  repo: string;
  commit: string;
  path: string;
  materialize?: string;
  /** Answers a person would have to give (see apps.json's "about"): passed on every run here. */
  flags?: string[];
  truth: {
    language: string;
    entry?: string | string[];
    port?: number | number[] | 'none' | null;
    /** A workspace root's services by member folder; an entry of null: its files name no production start. */
    services?: Record<string, { entry: string | string[] | null }>;
  };
  /** Words of the refusal stagecraft gives this app on purpose (a WebAssembly app gets no native image): by design, like a static site. */
  designRefusal?: string;
  /** How a CLI shows it works: its arguments and a regex its output must match (read from the app). */
  run?: { args: string[]; expect: string };
  /**
   * Services the app cannot start without (a database, a broker), read from its code or compose file, that
   * this script does not start (MongoDB is not in Debian): a failure to answer is then the app's.
   */
  needs?: string[];
  /**
   * Services this script starts from Debian's packages on 127.0.0.1 before the app runs, with the data its
   * compose file or README gives (scripts/realworld-services.ts); a failure with them running is classified
   * from the log, as any other.
   */
  services?: ServiceSpec[];
  /** Environment the app is run with, from its compose file or README: `{port}` is the probed port, `{redis.port}` a service's. */
  env?: Record<string, string>;
  /**
   * Defects of the app itself at its pinned commit, read by hand (an unbounded dependency that broke it,
   * a setup step its README asks for): a failure is the app's only when its log shows `log` (a regex).
   */
  defects?: { log: string; why: string }[];
  /**
   * What a person gives after the image name to start a server that takes its settings as arguments (its
   * README's `docker run`), when it does not start without them: stagecraft warns that the image passes none.
   */
  args?: string[];
  /** "tcp" for a server that does not speak HTTP: only a connection to its port is checked. */
  serves?: 'tcp';
}

/** design: stagecraft refuses the app on purpose, as its truth expects (a static site gets no server image). */
type Cause = 'ours' | 'app' | 'machine' | 'design';

interface Failure {
  /** Where it failed: generating, building or running. */
  step: 'generate' | 'build' | 'run';
  cause: Cause;
  why: string;
  /** The log lines that show it. */
  evidence: string[];
}

export interface BuildRecord {
  id: string;
  /** The member's folder, for one service of a workspace root (each is built from the root on its own). */
  service?: string;
  language: string;
  base: string;
  commit: string;
  /** sha256 of the generated Dockerfile and its ignore file (first 16 hex digits): a new one of either is built again. */
  dockerfileHash: string | null;
  date: string;
  built: boolean;
  ran: boolean;
  answered: boolean;
  /** What the probe saw: `HTTP 200 … on 127.0.0.1:port` or the CLI's first output line. */
  answer: string | null;
  checks: string[];
  bytes: { image: number | null; base: number | null; added: number | null };
  buildSeconds: number | null;
  stopSeconds: number | null;
  failure: Failure | null;
  log: string | null;
}

// ---- causes: what a failure's log says, as data ---------------------------------------------------

/**
 * Log patterns whose cause is not our Dockerfile. Checked in order on a failed build's or run's log; a
 * failure no pattern explains is counted as ours until someone reads it and adds what it is.
 */
const KNOWN_CAUSES: { pattern: RegExp; cause: Cause; why: string }[] = [
  {
    pattern: /services\.gradle\.org|plugins\.gradle\.org|gradle-wrapper|Downloading https:\/\/services\.gradle/i,
    cause: 'machine',
    why: 'the Gradle distribution and plugin portal are unreachable here',
  },
  { pattern: /apk: not found|apk-shim|ERROR: unable to select packages/, cause: 'machine', why: "the alpine stand-ins have no apk (Alpine's mirrors are unreachable)" },
  { pattern: /-unknown-linux-musl|rustup target add/, cause: 'machine', why: 'the rust stand-ins have no musl target (static.rust-lang.org is unreachable)' },
  {
    pattern:
      /(github\.com|ghcr\.io|gcr\.io|docker\.io|dhi\.io|nodejs\.org|dl-cdn\.alpinelinux\.org)\S*.*(no such host|dial tcp|resolve|timed? ?out|refused|unreachable|403|404|connect)/i,
    cause: 'machine',
    why: 'the build downloads from a host this machine cannot reach',
  },
  {
    // next/font/google fetches the fonts while `next build` runs; Google Fonts is not among the hosts this machine reaches.
    pattern: /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) fonts\.(?:googleapis|gstatic)\.com/,
    cause: 'machine',
    why: 'next/font/google downloads the fonts from fonts.googleapis.com during the build, a host this machine cannot reach',
  },
  {
    // A package the lockfile resolved (so its registry served it then) that this machine's npm registry answers 404 for.
    pattern: /npm error 404 Not Found - GET https:\/\/registry\.npmjs\.org\/\S+/,
    cause: 'machine',
    why: 'the npm registry reached here answers 404 for a package the lockfile pins, which the registry served when the lockfile was made (missing here, or unpublished since: not checked against the real registry)',
  },
  {
    // The Maven Central this machine reaches serves only part of it (the env's packages/maven-partial.tsv):
    // an artifact the app pins, present on the real Central, is missing here.
    pattern:
      /Could not find artifact \S+ in central \(https:\/\/repo\.maven\.apache\.org|was not found in https:\/\/repo\.maven\.apache\.org\/maven2 during a previous attempt|FileNotFoundException: https:\/\/repo\.maven\.apache\.org\//,
    cause: 'machine',
    why: "this machine's Maven Central serves only part of the real one, and not an artifact the app pins",
  },
  { pattern: /no space left on device/i, cause: 'machine', why: 'the disk is full' },
  { pattern: /unknown image family|no stand-in for|ensure-images/i, cause: 'machine', why: 'no offline stand-in exists for a base image the Dockerfile names' },
  // An image Docker Hub has (node:12-bullseye-slim) whose stand-in cannot be assembled here (npm 10 does not run on Node 12).
  { pattern: /\[offline-docker\] ERROR: build of \S+ failed/, cause: 'machine', why: 'the offline stand-in of a base image the Dockerfile names could not be built here' },
];

/**
 * Lines worth quoting from a log: the last output lines of the BuildKit step that failed (`#N ERROR`),
 * else the lines that look like errors, else the log's last lines.
 */
function evidenceOf(log: string, count = 4): string[] {
  const clip = (line: string) => (line.length > 240 ? `${line.slice(0, 240)}…` : line);
  const failedStep = /^#(\d+) ERROR/m.exec(log)?.[1];
  if (failedStep) {
    const output = log
      .split('\n')
      .filter((line) => line.startsWith(`#${failedStep} `) && /^#\d+ \d+\.\d+ /.test(line))
      .map((line) => line.replace(/^#\d+ \d+\.\d+ /, '').trim())
      .filter(Boolean);
    const error = log.split('\n').find((line) => line.startsWith(`#${failedStep} ERROR`))!;
    if (output.length > 0) return [...output.slice(-(count - 1)), error].map(clip);
  }
  const lines = log
    .split('\n')
    .map((line) => line.replace(/^#\d+ \d+\.\d+ /, '').trim())
    .filter(Boolean);
  const errors = lines.filter((line) => /error|failed|fatal|panic|Exception|Traceback|cannot|not found|No such/i.test(line) && !/^#\d+ \[/.test(line));
  return (errors.length > 0 ? errors.slice(-count) : lines.slice(-count)).map(clip);
}

export function classify(step: Failure['step'], log: string, fallback: string, defects: App['defects'] = []): Failure {
  const appCauses = defects.map((defect) => ({ pattern: new RegExp(defect.log), cause: 'app' as const, why: defect.why }));
  const known = [...appCauses, ...KNOWN_CAUSES].find((entry) => entry.pattern.test(log));
  const evidence = evidenceOf(log);
  if (known) {
    const line = log
      .split('\n')
      .find((candidate) => known.pattern.test(candidate))!
      .trim()
      .slice(0, 240);
    return { step, cause: known.cause, why: known.why, evidence: [...new Set([line, ...evidence])].slice(0, 4) };
  }
  return { step, cause: 'ours', why: fallback, evidence };
}

// ---- one app on one base -----------------------------------------------------------------------

const tagOf = (app: App, service: string | null, base: string) =>
  `stagecraft-realworld/${app.id}${service === null ? '' : `/${service.toLowerCase().replace(/[^a-z0-9/]+/g, '-')}`}:${base}`;
const hashOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * A TCP port nothing on 127.0.0.1 listens on (the container shares the host's network), drawn at random
 * below the kernel's ephemeral range: a port `listen(0)` hands out is free again once that listener
 * closes, so the next `listen(0)` on this machine (another probe, another helper's test) may get the same
 * one before the container binds it.
 */
export async function freePort(): Promise<number> {
  const ephemeralFrom = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  const low = 20_000;
  for (let tries = 0; tries < 100; tries++) {
    const port = low + Math.floor(Math.random() * (ephemeralFrom - low));
    if (!(await portInUse(port))) return port;
  }
  throw new Error(`no free port between ${low} and ${ephemeralFrom}`);
}

/** Whether something accepts a TCP connection on 127.0.0.1:port within `seconds`. */
async function waitForTcp(port: number, seconds: number, alive: () => Promise<boolean>): Promise<string> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (connected) return 'a TCP connection';
    if (!(await alive())) throw new Error(`the container exited before anything listened on 127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${seconds}s`);
}

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

interface Generated {
  /** The app's folder in the private copy (where apps.json's relative paths point). */
  appDir: string;
  /** The member's folder, for a service of a workspace root; null for an app that is one service. */
  service: string | null;
  facts: Facts;
  plan: Plan;
  dockerfile: string;
  /** The ignore file Docker reads with it (`<Dockerfile>.dockerignore` beside it, else the context's), which decides what the build sees too. */
  dockerignore: string;
  context: string;
  dockerfileFlag: string | undefined;
}

/** What a kept record is matched on: the Dockerfile and its ignore file, each of which can change what builds. */
const generatedHash = ({ dockerfile, dockerignore }: Pick<Generated, 'dockerfile' | 'dockerignore'>) => hashOf(`${dockerfile}\0${dockerignore}`);

/**
 * Why stagecraft stopped: by design when it refuses a static site (exit 3) whose truth is a static
 * folder (apps.json's `static:<dir>`), else ours.
 */
export function generateFailure(app: App, exitCode: number, stderr: string): Failure {
  const evidence = stderr
    .replace(/^stagecraft: /, '')
    .trim()
    .split('\n')
    .slice(0, 3);
  const staticDir = [app.truth.entry ?? []].flat().find((entry) => entry.startsWith('static:'));
  if (staticDir && exitCode === ExitCode.refused && /static site/.test(stderr)) {
    return { step: 'generate', cause: 'design', why: `static site: no server image by design (${staticDir.slice('static:'.length)}/ is for a static web server)`, evidence };
  }
  if (app.designRefusal !== undefined && exitCode === ExitCode.refused && stderr.includes(app.designRefusal)) {
    return { step: 'generate', cause: 'design', why: `refused by design: ${app.designRefusal}`, evidence };
  }
  return { step: 'generate', cause: 'ours', why: `stagecraft stopped (exit ${exitCode}) on an unedited public app`, evidence };
}

/**
 * A member of a workspace root that stagecraft left out (no Dockerfile): by design when its truth says its
 * files name no production start and stagecraft asks for --entry, as a person would have to choose one;
 * else ours.
 */
export function leftOutFailure(app: App, folder: string, reason: string): Failure {
  const evidence = [reason];
  if (app.truth.services?.[folder]?.entry === null && reason.includes('--entry')) {
    return { step: 'generate', cause: 'design', why: `left out by design: its files name no production start (truth entry null), so stagecraft asks for --entry`, evidence };
  }
  return { step: 'generate', cause: 'ours', why: 'stagecraft left this service of the workspace out (no Dockerfile)', evidence };
}

/** What --json prints: one service's facts and plan, or at a workspace root each service's and the members left out. */
type Described =
  | { workspace?: undefined; facts: Facts; plan: Plan }
  | {
      workspace: { members: { folder: string; target: string | null }[] };
      services: { target: string; facts: Facts; plan: Plan }[];
      skipped?: { folder: string; reason: string }[];
    };

/**
 * Runs the CLI on the app's copy: --json first (facts and plans), then for real (writes the Dockerfiles).
 * At a workspace root every service is built from its own plan's context, as its member's folder names it.
 */
async function generate(app: App, appDir: string, args: string[]): Promise<{ built: Generated[]; left: { service: string; failure: Failure }[] } | Failure> {
  const described = await runCli([appDir, ...args, '--json']);
  if (described.exitCode !== 0) return generateFailure(app, described.exitCode ?? -1, described.stderr);
  const report = JSON.parse(described.stdout) as Described;
  // --force: many apps ship their own Dockerfile; the copy is ours, and ours is the one under test.
  const written = await runCli([appDir, ...args, '--force']);
  if (written.exitCode !== 0)
    return { step: 'generate', cause: 'ours', why: `stagecraft --json succeeded but writing failed (exit ${written.exitCode})`, evidence: written.stderr.split('\n').slice(0, 3) };
  const generatedAt = (folder: string | null, { facts, plan }: { facts: Facts; plan: Plan }, service = folder): Generated => {
    const context = path.resolve(appDir, folder ?? '.', plan.contextPath);
    const dockerfileFlag = plan.dockerfileFlag ?? undefined;
    const dockerfilePath = path.join(context, dockerfileFlag ?? 'Dockerfile');
    const ignoreBeside = `${dockerfilePath}.dockerignore`;
    const dockerignore = readFileSync(existsSync(ignoreBeside) ? ignoreBeside : path.join(context, '.dockerignore'), 'utf8');
    return { appDir, service, facts, plan, dockerfile: readFileSync(dockerfilePath, 'utf8'), dockerignore, context, dockerfileFlag };
  };
  if (report.workspace === undefined) return { built: [generatedAt(null, report)], left: [] };
  const { members } = report.workspace;
  return {
    // The root's own service (a Cargo root package) is the app itself, as its earlier records have it; when the
    // root package has several (loco's chat_rooms-cli and tool), each is named by its target.
    built: report.services.map((service, _, services) => {
      const { folder } = members.find((member) => member.target === service.target)!;
      const atRoot = services.filter((other) => members.find((member) => member.target === other.target)!.folder === '.').length;
      return folder === '.' ? generatedAt(null, service, atRoot > 1 ? service.target : null) : generatedAt(folder, service);
    }),
    left: (report.skipped ?? []).map((skipped) => ({ service: skipped.folder, failure: leftOutFailure(app, skipped.folder, skipped.reason) })),
  };
}

/**
 * The app's own cause when it needs a service this script does not start, else what the log shows: an app
 * whose services ran here gets no excuse from them.
 */
export function runFailure(app: App, log: string, fallback: string): Failure {
  // A defect the log shows is the more exact reason: an app that needs a database may fail before it asks for it.
  const classified = classify('run', log, fallback, app.defects);
  if (classified.cause === 'app' || !app.needs?.length) return classified;
  return { step: 'run', cause: 'app', why: `the app needs ${app.needs.join(', ')} to start or answer (not started here)`, evidence: evidenceOf(log) };
}

/** Checks every production image has: the user's uid and, where the base has none, no shell. */
async function checkShell(tag: string, plan: Plan, record: BuildRecord): Promise<string | null> {
  const uid = String(plan.user.uid);
  const shell = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', tag, '-c', 'id -u']);
  if (plan.runtime.family === 'debian' || plan.runtime.family === 'alpine') {
    if (shell.exitCode !== 0 || shell.stdout.trim() !== uid) return `sh in production: exit ${shell.exitCode}, ${shell.all}`;
    record.checks.push(`shell kept (the ${plan.runtime.family} base has one), as uid ${uid}`);
  } else {
    if (shell.exitCode === 0) return `production has a shell, but ${plan.base} should have none`;
    record.checks.push('no shell in production');
  }
  return null;
}

/** The container being probed, which a run stopped by a signal removes with the services it talks to. */
let probing: string | null = null;

/**
 * What answers on 127.0.0.1:`port` in the network namespace of process `pid` (a container run with a
 * namespace of its own): each try is a Node run there (nsenter, which needs root), asking as the probes
 * on the host's network ask: an HTTP GET of `/`, or a TCP connection.
 */
async function waitInNamespace(pid: string, port: number, serves: App['serves'], seconds: number, alive: () => Promise<boolean>): Promise<string> {
  const ask =
    serves === 'tcp'
      ? `const s = require('node:net').connect(${port}, '127.0.0.1', () => { console.log('a TCP connection'); s.destroy(); }); s.on('error', (e) => { console.error(e.message); process.exitCode = 1; });`
      : `fetch('http://127.0.0.1:${port}/', { signal: AbortSignal.timeout(Number(process.argv[1])) }).then(async (r) => console.log(r.status + ' ' + (await r.text()).trim()), (e) => { console.error(e.message); process.exitCode = 1; });`;
  const deadline = Date.now() + seconds * 1000;
  let lastError = '';
  while (Date.now() < deadline) {
    const tried = await execa('nsenter', [`--net=/proc/${pid}/ns/net`, '--', process.execPath, '-e', ask, String(Math.max(deadline - Date.now(), 1000))], {
      reject: false,
      all: true,
    });
    if (tried.exitCode === 0) return tried.stdout.trim();
    lastError = tried.all?.trim() ?? '';
    if (!(await alive())) throw new Error(`the container exited before anything answered on 127.0.0.1:${port} (${lastError})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`nothing answered on 127.0.0.1:${port} within ${seconds}s (${lastError})`);
}

/**
 * Starts a server image on the host's network, with the app's services running, and probes 127.0.0.1
 * (an app that fixes a port below 1024 in a network namespace of its own, probed there); stops it and
 * times the stop.
 */
async function probeServer(app: App, generated: Generated, tag: string, record: BuildRecord, services: RunningService[]): Promise<void> {
  const { plan, dockerfile } = generated;
  const port = readsPortEnv(dockerfile) ? await freePort() : plan.port!;
  if (!readsPortEnv(dockerfile) && (await portInUse(port))) {
    record.failure = { step: 'run', cause: 'machine', why: `port ${port} (fixed by the app) is already in use on this machine`, evidence: [] };
    return;
  }
  const unprivilegedFrom = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
  // Docker sets ip_unprivileged_port_start=0 in a container's own network namespace, as on a user's bridge network, so
  // the non-root user binds :80 there; on the host's network (where the runs here share no Docker network) the host's
  // limit applies. Such an app runs in a namespace of its own (`--network none`: loopback only) and is probed in it.
  const ownNamespace = port < unprivilegedFrom;
  if (ownNamespace && services.length > 0) {
    record.failure = {
      step: 'run',
      cause: 'machine',
      why: `port ${port} (fixed by the app) is below this host's ip_unprivileged_port_start (${unprivilegedFrom}), so it runs in a network namespace of its own, where the services it needs on the host's 127.0.0.1 are out of reach`,
      evidence: [],
    };
    return;
  }
  const name = `stagecraft-realworld-${process.pid}-${port}`;
  probing = name;
  const started = await docker([
    'run',
    '-d',
    '--network',
    ownNamespace ? 'none' : 'host',
    '--name',
    name,
    ...(readsPortEnv(dockerfile) ? ['-e', `PORT=${port}`] : []),
    ...containerArguments(app.env ?? {}, services, port),
    tag,
    ...(app.args ?? []),
  ]);
  if (started.exitCode !== 0) {
    record.failure = runFailure(app, started.all ?? '', 'docker run failed');
    return;
  }
  const alive = async () => (await docker(['inspect', '-f', '{{.State.Running}}', name])).stdout.trim() === 'true';
  try {
    record.ran = true;
    let answer: string;
    // The container's process, in whose namespace a port below 1024 is asked; a stop timed again starts it afresh.
    const pidOf = async () => (ownNamespace ? (await docker(['inspect', '-f', '{{.State.Pid}}', name])).stdout.trim() : null);
    const askAt = (current: string | null, seconds: number) => {
      if (current !== null) return waitInNamespace(current, port, app.serves, seconds, alive);
      return app.serves === 'tcp' ? waitForTcp(port, seconds, alive) : waitForHttp(port, seconds, alive);
    };
    const logTail = async () => (await docker(['logs', '--tail', '60', name])).all ?? '';
    /** A problem seen with the server up, classified with the end of its log. */
    const classifiedWithLogs = async (why: string) => classify('run', `${await logTail()}\n${why}`, why, app.defects);
    const pid = await pidOf();
    try {
      answer = await askAt(pid, 60);
    } catch (error) {
      const logs = await logTail();
      const exited = !(await alive());
      if (exited) record.ran = false;
      record.failure = runFailure(app, `${logs}\n${(error as Error).message}`, `the server ${exited ? 'exited' : 'ran'} but nothing answered on 127.0.0.1:${port}`);
      return;
    }
    const listening = await listenProblem(name, port, pid === null ? undefined : `/proc/${pid}/net`);
    if (listening?.foreign) {
      record.failure = { step: 'run', cause: 'machine', why: listening.why, evidence: [answer.slice(0, 120)] };
      return;
    }
    if (listening) record.failure = await classifiedWithLogs(listening.why);
    record.answered = true;
    record.answer =
      `${app.serves === 'tcp' ? '' : 'HTTP '}${answer.length > 60 ? `${answer.slice(0, 60)}…` : answer} on 127.0.0.1:${port}${pid === null ? '' : " in the container's own network namespace"}${app.args ? `, run with \`${app.args.join(' ')}\`` : ''}${services.length > 0 ? `, with ${services.map((service) => service.describe).join(' and ')}` : ''}`.replace(
        /\s+/g,
        ' ',
      );
    // A 5xx is an answer from a server that failed: a file it needs missing from the image, or a service it needs.
    if (/^5\d\d /.test(answer)) record.failure = runFailure(app, `${await logTail()}\n${answer}`, `the server answered ${answer.slice(0, 3)} on 127.0.0.1:${port}`);
    const uids = await processUids(name);
    const uid = String(plan.user.uid);
    if (uids.join() !== uid) record.failure ??= { step: 'run', cause: 'ours', why: `the process runs as uid ${uids.join(', ')}, not ${uid}`, evidence: [] };
    else record.checks.push(`process uid ${uid}`);
    const stop = await timeGracefulStop(name, async () => askAt(await pidOf(), 60));
    record.stopSeconds = stop.seconds;
    const slowStop = stopProblem(stop);
    if (slowStop) record.failure ??= await classifiedWithLogs(slowStop);
    else record.checks.push(`docker stop took ${stop.seconds.toFixed(1)} s (SIGTERM, exit code ${stop.exitCode})`);
  } finally {
    await docker(['rm', '-f', name]);
    probing = null;
  }
  const shell = await checkShell(tag, plan, record);
  if (shell && !record.failure) record.failure = { step: 'run', cause: 'ours', why: shell, evidence: [] };
}

/** Runs a CLI image with the arguments its truth gives and matches the output. */
async function probeCli(app: App, generated: Generated, tag: string, record: BuildRecord): Promise<void> {
  const { plan } = generated;
  if (!app.run) {
    record.failure = {
      step: 'run',
      cause: 'ours',
      why: 'apps.json has no `run` truth for this app (no port, so it is a CLI): add its arguments and expected output',
      evidence: [],
    };
    return;
  }
  const run = await docker(['run', '--rm', '--network', 'none', tag, ...app.run.args]);
  record.ran = true;
  const output = (run.all ?? '').trim();
  // Line by line (^ and $ at each line): a program may print its answer among its framework's log lines,
  // and the report quotes that line.
  const expected = new RegExp(app.run.expect, 'm');
  const lines = output.split('\n');
  const shown = lines.find((line) => expected.test(line)) ?? lines[0]!;
  record.answer = `\`${app.run.args.join(' ')}\` exit ${run.exitCode}: ${shown.slice(0, 80)}`;
  if (run.exitCode !== 0 || !expected.test(output)) {
    record.failure = runFailure(app, output, `\`${app.run.args.join(' ')}\` exited ${run.exitCode} or did not print /${app.run.expect}/`);
    return;
  }
  record.answered = true;
  const user = await docker(['image', 'inspect', '-f', '{{.Config.User}}', tag]);
  if (user.stdout.trim().split(':')[0] !== String(plan.user.uid)) record.failure = { step: 'run', cause: 'ours', why: `the image's user is "${user.stdout.trim()}"`, evidence: [] };
  else record.checks.push(`user ${user.stdout.trim()}`);
  const shell = await checkShell(tag, plan, record);
  if (shell && !record.failure) record.failure = { step: 'run', cause: 'ours', why: shell, evidence: [] };
}

/** Whether a needed registry's probe said NO: then a failed build is this machine's. */
async function unreachableRegistry(engine: Engine, generated: Generated): Promise<string | null> {
  // Probed only once a build fails (then once per run): the probe waits for its stand-ins, which can take minutes.
  const probes: ProbeResult[] = await probeRegistries(engine);
  const needs = registriesNeeded(generated.context, generated.facts, generated.plan);
  const down = needs.flatMap((need) =>
    probes
      .filter((probe) => probe.registry === need.registry && !probe.ok)
      .map((probe) => `${need.what} come from ${REGISTRY_NAMES[need.registry]}, and the probe says NO: ${probe.detail}`),
  );
  return down.length > 0 ? down.join('; ') : null;
}

/** A record before anything is known but what was generated (or why nothing was). */
function newRecord(app: App, service: string | null, base: string, dockerfileHash: string | null, failure: Failure | null): BuildRecord {
  return {
    id: app.id,
    ...(service === null ? {} : { service }),
    language: app.truth.language,
    base,
    commit: app.commit,
    dockerfileHash,
    date: new Date().toISOString(),
    built: false,
    ran: false,
    answered: false,
    answer: null,
    checks: [],
    bytes: { image: null, base: null, added: null },
    buildSeconds: null,
    stopSeconds: null,
    failure,
    log: null,
  };
}

async function buildOne(engine: Engine, app: App, base: string | null, generated: Generated): Promise<BuildRecord> {
  const { plan, dockerfile } = generated;
  const record = newRecord(app, generated.service, base ?? `${plan.base} (default)`, generatedHash(generated), null);
  const tag = tagOf(app, generated.service, plan.base);
  const logName = `${app.id}${generated.service === null ? '' : `.${generated.service.replace(/\//g, '+')}`}.${plan.base}`;
  mkdirSync(LOGS_DIR, { recursive: true });
  writeFileSync(path.join(LOGS_DIR, `${logName}.Dockerfile`), dockerfile);
  // Every real-world build downloads its dependencies, so all of them use the host's network.
  const built = await buildImage(engine, {
    context: generated.context,
    dockerfile: generated.dockerfileFlag,
    tag,
    network: 'host',
    shimApk: engine.source === 'stand-ins' && plan.runtime.family === 'alpine',
    images: imagesFor(dockerfile, 'production'),
  });
  record.buildSeconds = built.seconds;
  record.log = path.relative(ROOT, path.join(LOGS_DIR, `${logName}.log`));
  writeFileSync(path.join(LOGS_DIR, `${logName}.log`), built.log);
  if (!built.ok) {
    // What a stand-in cannot do (the e2e suite's list), else a registry the probe finds down: this machine's.
    const down = standInLimit(engine, generated.facts, generated.plan) ?? (await unreachableRegistry(engine, generated));
    record.failure = down
      ? { step: 'build', cause: 'machine', why: down, evidence: evidenceOf(built.log) }
      : classify('build', built.log, 'the generated Dockerfile does not build', app.defects);
    return record;
  }
  record.built = true;
  try {
    record.bytes.image = await imageSize(tag);
    record.bytes.base = await imageSize(plan.runtime.image);
    if (record.bytes.image !== null && record.bytes.base !== null) record.bytes.added = record.bytes.image - record.bytes.base;
    if (plan.port !== null) {
      // The app's services run only while it is probed; their data goes with them.
      const services = await startServices(parseServices(app).services, generated.appDir, freePort, portInUse);
      if (typeof services === 'string') {
        record.failure = { step: 'run', cause: 'machine', why: services, evidence: [] };
        return record;
      }
      try {
        await probeServer(app, generated, tag, record, services);
      } finally {
        await stopServices(services);
      }
    } else await probeCli(app, generated, tag, record);
  } finally {
    await docker(['rmi', '-f', tag]);
  }
  return record;
}

// ---- the report ------------------------------------------------------------------------------

const mb = (bytes: number | null) => (bytes === null ? '—' : `${(bytes / 1e6).toFixed(1)} MB`);
const seconds = (value: number | null) => (value === null ? '—' : `${Math.round(value)} s`);
const yes = (value: boolean) => (value ? 'yes' : 'no');
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function report(records: BuildRecord[], apps: App[], header: string): string {
  const byApp = new Map(apps.map((app, index) => [app.id, index]));
  const sorted = [...records].sort((a, b) => (byApp.get(a.id) ?? 0) - (byApp.get(b.id) ?? 0) || (a.service ?? '').localeCompare(b.service ?? '') || a.base.localeCompare(b.base));
  const named = (record: BuildRecord) => (record.service === undefined ? record.id : `${record.id} (${record.service})`);
  const ranApps = new Set(records.map((record) => record.id));
  const passed = sorted.filter((record) => record.answered && !record.failure);
  const failures = sorted.filter((record) => record.failure);
  const count = (cause: Cause) => failures.filter((record) => record.failure!.cause === cause).length;
  const lines = [
    '# Real-world apps: built and run',
    '',
    '<!-- written by `npm run test:realworld-build` (scripts/realworld-build.ts) from results/realworld-builds.json; do not edit by hand -->',
    '',
    `Each app of [\`test/realworld/apps.json\`](../test/realworld/apps.json) (unedited, at its pinned commit) got a Dockerfile from the CLI with \`--yes\`, ` +
      'was built with BuildKit, run, and probed: an HTTP answer on 127.0.0.1 for a server (any status below 500 counts), the output its truth expects for a CLI, ' +
      'the non-root uid, no shell where the base has none, and a `docker stop` of a server that ends within 3 s (SIGTERM; one over 3 s is started and stopped once more, and the faster counts; the probe closes its connection, so a server that waits for its connections as it stops does not wait for the probe). Sizes are over the stand-in base images, so compare "added". ' +
      "An app whose compose file or README asks for Redis, PostgreSQL, MariaDB or RabbitMQ runs against that service from Debian's packages, started on 127.0.0.1 " +
      'with the database, user, password and secret file the app gives (apps.json `services`) and removed afterwards; `needs` names services not started here.',
    '',
    header,
    '',
    `- apps built here: **${ranApps.size} of ${apps.length}** (${LANGUAGES.map((language) => `${language} ${new Set(records.filter((record) => record.language === language).map((record) => record.id)).size}/${apps.filter((app) => app.truth.language === language).length}`).join(', ')})`,
    `- app × base cells (a workspace root's services each a cell of their own): ${sorted.length}; built ${sorted.filter((record) => record.built).length}, ran ${sorted.filter((record) => record.ran).length}, answered with every check passed **${passed.length}**`,
    `- failures: ${failures.length} — ours ${count('ours')}, the app's ${count('app')}, this machine's ${count('machine')}, by design ${count('design')}`,
    `- not run yet: ${
      apps
        .filter((app) => !ranApps.has(app.id))
        .map((app) => app.id)
        .join(', ') || 'none'
    }`,
    '',
    'How to run: `npm run realworld:materialize` (once), then `npm run test:realworld-build` (Docker; builds one at a time, hours for the whole corpus on two cores). ' +
      '`STAGECRAFT_REALWORLD_ONLY=<regex on id>` filters, `STAGECRAFT_REALWORLD_BASES=slim,alpine` adds bases, and results already in `results/realworld-builds.json` ' +
      'for the same commit and Dockerfile are kept unless `STAGECRAFT_REALWORLD_REBUILD=1`. Build logs: `results/realworld-builds/<id>.<base>.log`.',
    '',
    '## Per app and base',
    '',
    '| app | base | built | ran | answered | image | added | build | stop | result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const record of sorted) {
    const result = record.failure ? `**${record.failure.cause}** (${record.failure.step}): ${cell(record.failure.why)}` : cell(record.answer ?? '');
    lines.push(
      `| ${named(record)} | ${record.base} | ${yes(record.built)} | ${yes(record.ran)} | ${yes(record.answered)} | ${mb(record.bytes.image)} | ${mb(record.bytes.added)} | ${seconds(record.buildSeconds)} | ${record.stopSeconds === null ? '—' : `${record.stopSeconds.toFixed(1)} s`} | ${result} |`,
    );
  }
  lines.push('', '## Failures and their evidence', '');
  if (failures.length === 0) lines.push('None.');
  for (const record of failures) {
    const failure = record.failure!;
    lines.push(`### ${named(record)} (${record.base}): ${failure.cause}, at ${failure.step}`, '', failure.why, '');
    if (failure.evidence.length > 0) lines.push('```text', ...failure.evidence, '```', '');
  }
  return lines.join('\n').replace(/\n+$/, '\n');
}

/**
 * A kept build failure counted as ours, classified again from its saved log: a defect of the app's read
 * by hand since (apps.json `defects`) explains it without building again. Null when nothing changes.
 */
export function reclassified(record: BuildRecord, app: App): Failure | null {
  const failure = record.failure;
  if (failure?.step !== 'build' || failure.cause !== 'ours' || !record.log || !existsSync(path.resolve(ROOT, record.log))) return null;
  const again = classify('build', readFileSync(path.resolve(ROOT, record.log), 'utf8'), failure.why, app.defects);
  return again.cause === 'ours' ? null : again;
}

/**
 * The records a report was written from, read back from it: a fresh clone has no results/ (build logs
 * and records stay on the machine that built them), but it has the committed docs/realworld-builds.md,
 * so a run for a few apps keeps every other app's row. What the report does not show comes back empty:
 * no Dockerfile hash (so a kept app is built again when it is chosen), no date, checks or log.
 */
export function recordsFromReport(markdown: string, apps: App[]): BuildRecord[] {
  const byId = new Map(apps.map((app) => [app.id, app]));
  const nameOf = (label: string) => {
    const [, id, service] = /^(\S+)(?: \((.+)\))?$/.exec(label) ?? [];
    return { id: id!, service };
  };
  const number = (text: string, unit: string) => (text === '—' ? null : Number(text.slice(0, -unit.length - 1)));
  /** The report's "25.0 MB" (decimal megabytes) back in bytes. */
  const bytes = (text: string) => {
    const megabytes = number(text, 'MB');
    return megabytes === null ? null : Math.round(megabytes * 1e6);
  };
  // Each failure's section holds its why and evidence as written; the table's cell has them on one line.
  const sections = new Map<string, Failure>();
  for (const [, heading, cause, step, why, evidence] of markdown.matchAll(
    /^### (.+): (ours|app|machine|design), at (generate|build|run)\n\n([\s\S]*?)(?:\n\n```text\n([\s\S]*?)\n```)?\n*(?=^### |(?![\s\S]))/gm,
  )) {
    sections.set(heading!, { cause: cause as Cause, step: step as Failure['step'], why: why!, evidence: evidence === undefined ? [] : evidence.split('\n') });
  }
  const rows = markdown.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| app |') && !line.startsWith('| ---'));
  return rows.map((row) => {
    const cells = row
      .slice(2, -2)
      .split(/ (?<!\\)\| /)
      .map((text) => text.replace(/\\\|/g, '|'));
    const [label, base, built, ran, answered, image, added, build, stop, result] = cells as [string, string, string, string, string, string, string, string, string, string];
    const { id, service } = nameOf(label);
    const failure = sections.get(`${label} (${base})`) ?? null;
    const imageBytes = bytes(image);
    const addedBytes = bytes(added);
    return {
      id,
      ...(service === undefined ? {} : { service }),
      language: byId.get(id)?.truth.language ?? 'unknown',
      base,
      commit: byId.get(id)?.commit ?? '',
      dockerfileHash: null,
      date: '',
      built: built === 'yes',
      ran: ran === 'yes',
      answered: answered === 'yes',
      answer: failure ? null : result,
      checks: [],
      bytes: { image: imageBytes, base: imageBytes === null || addedBytes === null ? null : imageBytes - addedBytes, added: addedBytes },
      buildSeconds: number(build, 's'),
      stopSeconds: number(stop, 's'),
      failure,
      log: null,
    };
  });
}

// ---- main --------------------------------------------------------------------------------------

const labelOf = (app: App, service: string | null) => (service === null ? app.id : `${app.id} (${service})`);

function readRecords(apps: App[]): BuildRecord[] {
  if (existsSync(RESULTS_FILE)) return JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as BuildRecord[];
  return existsSync(DOCS_FILE) ? recordsFromReport(readFileSync(DOCS_FILE, 'utf8'), apps) : [];
}

function save(records: BuildRecord[], apps: App[], header: string): void {
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, JSON.stringify(records, null, 2) + '\n');
  writeFileSync(DOCS_FILE, report(records, apps, header));
}

async function main(): Promise<void> {
  // Interrupted, it stops the services it started and removes their data before it exits. `on`, not `once`:
  // execa's cleanup re-raises the signal (and the process dies at once) when it finds no other listener.
  let stopping = false;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void Promise.allSettled([probing && docker(['rm', '-f', probing])])
        .then(stopEveryService)
        .finally(() => process.exit(code));
    });
  const argv = process.argv.slice(2);
  const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const dir = path.resolve(process.env.STAGECRAFT_REALWORLD_DIR || path.join(ROOT, 'node_modules/.cache/stagecraft/realworld'));
  const manifestPath = path.join(dir, 'materialized.json');
  if (!existsSync(manifestPath)) {
    console.log(`test:realworld-build: skipped, no apps in ${dir}: run \`npm run realworld:materialize\` first`);
    return;
  }
  const engine = await findEngine();
  if (typeof engine === 'string') {
    console.log(`test:realworld-build: skipped: ${engine}`);
    return;
  }
  const only = process.env.STAGECRAFT_REALWORLD_ONLY ?? option('--only');
  const extraBases = (process.env.STAGECRAFT_REALWORLD_BASES ?? option('--bases') ?? '').split(',').filter(Boolean);
  const rebuild = process.env.STAGECRAFT_REALWORLD_REBUILD === '1' || argv.includes('--rebuild');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, { commit: string }>;
  const { apps } = JSON.parse(readFileSync(APPS_FILE, 'utf8')) as { apps: App[] };
  const chosen = apps.filter((app) => (!only || new RegExp(only).test(app.id)) && manifest[app.id]?.commit === app.commit);
  // A mistake in a declared service stops the run before anything is built, naming the app.
  for (const app of chosen) parseServices(app);
  const header = `Docker ${engine.version}, base images from ${engine.source === 'stand-ins' ? 'the offline-docker stand-ins' : 'the registry'}.`;
  console.log(`test:realworld-build: ${chosen.length} apps, bases: default${extraBases.map((base) => `, ${base}`).join('')}`);
  let records = readRecords(apps);
  for (const app of chosen) {
    for (const base of [null, ...extraBases]) {
      // A private copy: the CLI writes into the app's folder, and a workspace member needs its root.
      const copy = mkdtempSync(path.join(tmpdir(), `stagecraft-rw-${app.id}-`));
      try {
        cpSync(path.join(dir, app.id), copy, { recursive: true });
        const appDir = path.join(copy, app.materialize !== undefined ? app.path : '');
        const args = ['--yes', ...(app.flags ?? []), ...(base ? ['--base', base] : [])];
        const started = Date.now();
        const generated = await generate(app, appDir, args);
        // This run's records of the app on this base: one per service of a workspace root, kept ones included.
        const fresh: BuildRecord[] = [];
        if ('step' in generated) fresh.push(newRecord(app, null, base ?? 'default', null, generated));
        else {
          for (const { service, failure } of generated.left) fresh.push(newRecord(app, service, base ?? 'default', null, failure));
          for (const one of generated.built) {
            const wanted = base ?? `${one.plan.base} (default)`;
            const kept = records.find(
              (old) => old.id === app.id && (old.service ?? null) === one.service && old.base === wanted && old.commit === app.commit && old.dockerfileHash === generatedHash(one),
            );
            // A failure of this machine's (a registry that did not answer) may be gone now: that app is built again.
            if (kept && kept.failure?.cause !== 'machine' && !rebuild) {
              console.log(`  ${labelOf(app, one.service)} (${wanted}): kept from an earlier run (same commit and Dockerfile)`);
              const again = reclassified(kept, app);
              if (again) console.log(`  ${labelOf(app, one.service)} (${wanted}): its build failure is now ${again.cause}'s: ${again.why}`);
              fresh.push(again ? { ...kept, failure: again } : kept);
              continue;
            }
            fresh.push(await buildOne(engine, app, base, one));
          }
        }
        // A default run replaces every earlier default record of the app (the default base itself may have
        // changed, and a workspace may have other services now); a run on a base replaces that base's.
        const replaces = (old: BuildRecord) => old.id === app.id && (base === null ? old.base === 'default' || old.base.endsWith('(default)') : old.base === base);
        records = [...records.filter((old) => !replaces(old)), ...fresh];
        save(records, apps, header);
        for (const record of fresh) {
          const outcome = record.failure ? `${record.failure.cause} at ${record.failure.step}: ${record.failure.why}` : `ok, ${record.answer}`;
          console.log(`  ${labelOf(app, record.service ?? null)} (${record.base}): ${outcome} [${Math.round((Date.now() - started) / 1000)} s]`);
        }
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    }
  }
  save(records, apps, header);
  const failed = records.filter((record) => chosen.some((app) => app.id === record.id) && record.failure?.cause === 'ours');
  console.log(`test:realworld-build: done; ${failed.length} failures of ours among the chosen apps. See docs/realworld-builds.md`);
  if (failed.length > 0) process.exitCode = 1;
}

// Run only as the script itself; test/realworld-build.test.ts imports the classifier and the report.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: Error) => {
    console.error(`test:realworld-build: ${error.stack ?? error}`);
    process.exit(70);
  });
}
