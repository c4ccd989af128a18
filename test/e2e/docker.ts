import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { ROOT } from '../helpers.js';

/*
 * How the end-to-end suite reaches Docker. On this project's machines no registry but npm's and
 * Debian's answers, so base images come from ../shared/tools/offline-docker (stand-ins tagged with
 * the real names). Anywhere else a normal Docker simply pulls the real images.
 */

export const OFFLINE_DOCKER = path.resolve(ROOT, process.env.OFFLINE_DOCKER_HOME ?? '../shared/tools/offline-docker');

export type ImageSource = 'stand-ins' | 'registry';

export interface Engine {
  source: ImageSource;
  version: string;
}

/** The engine, or the one line that says why the suite is skipped. */
export async function findEngine(): Promise<Engine | string> {
  const info = await execa('docker', ['version', '--format', '{{.Server.Version}}'], { reject: false });
  if (info.exitCode !== 0) {
    const hint = existsSync(OFFLINE_DOCKER) ? ` (start one with ${path.relative(ROOT, OFFLINE_DOCKER)}/setup.sh)` : '';
    return `no Docker engine answers${hint}: ${(info.stderr || String(info.failed)).split('\n')[0]}`;
  }
  const forced = process.env.STAGECRAFT_E2E_IMAGES;
  const source: ImageSource = forced === 'registry' || forced === 'stand-ins' ? forced : existsSync(OFFLINE_DOCKER) ? 'stand-ins' : 'registry';
  return { source, version: info.stdout.trim() };
}

/** The script that runs a second engine with the containerd image store beside the main one. */
export const CONTAINERD_ENGINE = path.join(ROOT, 'scripts/containerd-engine.sh');

/**
 * DOCKER_HOST of the engine with the containerd image store (scripts/containerd-engine.sh), whose
 * docker driver keeps attestations; or the one line that says why there is none.
 */
export async function findContainerdEngine(): Promise<{ host: string } | string> {
  const host = (await execa(CONTAINERD_ENGINE, ['host'], { reject: false })).stdout.trim();
  const info = await execa('docker', ['info', '--format', '{{json .DriverStatus}}'], { reject: false, env: { DOCKER_HOST: host }, timeout: 10_000 });
  if (info.exitCode === 0 && info.stdout.includes('io.containerd.snapshotter')) return { host };
  return `no engine with the containerd image store answers on ${host} (start one with scripts/containerd-engine.sh start)`;
}

/**
 * Runs one of the offline-docker scripts with SIGPIPE ignored. Its lib.sh reads a package's version with
 * `apt-cache policy | awk '{...; exit}'` under pipefail: when awk has its line and exits before apt-cache's
 * last write, apt-cache dies of SIGPIPE and the whole script exits 141, on a loaded machine nearly every
 * time (golang:1.26-trixie could not be made at all). Ignored, the signal becomes an EPIPE apt-cache does
 * not mind; the script's other pipes end in `head` on a few bytes, written before it exits.
 */
export function offlineDockerTool(script: 'ensure-images.sh' | 'probe-registries.sh', args: string[], options: { env?: Record<string, string>; timeout?: number } = {}) {
  return execa('sh', ['-c', 'trap "" PIPE; exec "$0" "$@"', path.join(OFFLINE_DOCKER, script), ...args], { reject: false, all: true, ...options });
}

/** Makes the offline stand-ins of these images (ensure-images.sh's arguments). */
export const ensureStandIns = (args: string[], env: Record<string, string> = {}) => offlineDockerTool('ensure-images.sh', args, { env });

export interface BuildResult {
  ok: boolean;
  seconds: number;
  /** BuildKit's plain progress output, for cache assertions and failure reports. */
  log: string;
}

/**
 * Builds `context` with BuildKit. Steps that need Debian's archive get `--network host`;
 * every other build runs with `--network none`, and no bridge network is ever used.
 */
export async function buildImage(
  engine: Engine,
  options: {
    context: string;
    dockerfile?: string;
    tag: string;
    target?: string;
    network: 'none' | 'host';
    images: string[];
    shimApk?: boolean;
    /** Images a FROM names, built from others instead (`--build-context <name>=docker-image://<image>`): a stand-in given what the real image has. */
    replacedImages?: Record<string, string>;
    /** Ignore BuildKit's layer cache (a cold build) without pruning what other builds use. */
    noCache?: boolean;
  },
): Promise<BuildResult> {
  if (engine.source === 'stand-ins') {
    // Only the images this target needs: a stand-in missing for another stage must not block it.
    // The alpine stand-ins have no apk; the shim lets runtime `apk add` lines pass (reported as not verified).
    const ensured = await ensureStandIns(['docker/dockerfile:1', ...options.images], options.shimApk ? { APK_SHIM: '1' } : {});
    if (ensured.exitCode !== 0) return { ok: false, seconds: 0, log: ensured.all ?? '' };
  }
  const args = ['build', '--progress=plain', '--network', options.network, '-t', options.tag];
  if (options.target) args.push('--target', options.target);
  if (options.noCache) args.push('--no-cache');
  for (const [name, image] of Object.entries(options.replacedImages ?? {})) args.push('--build-context', `${name}=docker-image://${image}`);
  if (options.dockerfile) args.push('-f', path.join(options.context, options.dockerfile));
  const started = performance.now();
  const result = await execa('docker', [...args, options.context], { reject: false, all: true });
  return { ok: result.exitCode === 0, seconds: (performance.now() - started) / 1000, log: result.all ?? '' };
}

/**
 * The base images a target needs, read from the Dockerfile's FROM lines: every stage's image but
 * scratch and earlier stages, leaving out the `debug` stage's own image unless that is the target
 * (a stand-in missing for the debug variant must not block production).
 */
export function imagesFor(dockerfile: string, target: 'production' | 'debug'): string[] {
  const stages = new Set<string>();
  const images = new Set<string>();
  for (const match of dockerfile.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$/gim)) {
    const [, image, stage] = match as unknown as [string, string, string | undefined];
    if (image !== 'scratch' && !stages.has(image) && (stage !== 'debug' || target === 'debug')) images.add(image);
    if (stage) stages.add(stage);
  }
  // `COPY --from=<image>` (a JRE copied onto another base) needs that image as well.
  for (const match of dockerfile.matchAll(/^COPY\s+--from=(\S+:\S+)\s/gim)) images.add(match[1]!);
  return [...images];
}

export async function imageSize(reference: string): Promise<number | null> {
  if (reference === 'scratch') return 0;
  const result = await execa('docker', ['image', 'inspect', '-f', '{{.Size}}', reference], { reject: false });
  return result.exitCode === 0 ? Number(result.stdout.trim()) : null;
}

/**
 * A suffix for the suites' image tags, this process's own: two runs at once (a helper's filtered cells beside
 * the whole matrix) never build over, or remove, each other's images.
 */
export const RUN_ID = `run${process.pid}`;

export const docker = (args: string[], timeout = 60_000) => execa('docker', args, { reject: false, all: true, timeout });

/** Step ids whose command line matches, and whether BuildKit reported them CACHED. */
export function cachedSteps(log: string, command: RegExp): { step: string; cached: boolean }[] {
  const steps: { step: string; cached: boolean }[] = [];
  for (const match of log.matchAll(/^#(\d+) \[[^\]]+\] (.*)$/gm)) {
    if (!command.test(match[2]!)) continue;
    const id = match[1]!;
    steps.push({ step: match[2]!, cached: new RegExp(`^#${id} CACHED$`, 'm').test(log) });
  }
  return steps;
}

/** Whether the image reads PORT (the Dockerfile sets it), so the caller may pick a free port. */
export const readsPortEnv = (dockerfile: string) => /^ENV PORT=/m.test(dockerfile);

/**
 * The first HTTP answer on 127.0.0.1:port/ as "<status> <body>", polling until `seconds` pass.
 * `alive` (optional) ends the wait early once the server's container has exited.
 */
export async function waitForHttp(port: number, seconds: number, alive?: () => Promise<boolean>): Promise<string> {
  const deadline = Date.now() + seconds * 1000;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      // Refused connections fail at once; a server that is up but slow under load gets until the deadline, as
      // a request given up and sent again would be counted twice by an app that counts them (go-templates' visits).
      // `connection: close`: an idle keep-alive connection left in this process's pool would hold up a server's
      // graceful shutdown (it waits for its connections) until its keep-alive timeout, and a stop timed next would count it.
      const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(Math.max(deadline - Date.now(), 1000)) });
      return `${response.status} ${(await response.text()).trim()}`;
    } catch (error) {
      // Not listening yet: try again until the deadline.
      lastError = (error as Error).message;
      if (alive && !(await alive())) throw new Error(`the container exited before anything answered on 127.0.0.1:${port} (${lastError})`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`nothing answered on 127.0.0.1:${port} within ${seconds}s (${lastError})`);
}

/** The longest a `docker stop` may take: an app that exits on SIGTERM takes well under a second. */
export const STOP_LIMIT_SECONDS = 3;

export interface StopTiming {
  seconds: number;
  exitCode: number;
  /** 2 when the first stop was slow and the container was started and stopped again. */
  tries: number;
}

/** Sends SIGTERM with `docker stop -t 10` (SIGKILL after 10 s): how long the stop took and the container's exit code. */
async function stopOnce(name: string): Promise<{ seconds: number; exitCode: number }> {
  const started = performance.now();
  const stopped = await docker(['stop', '-t', '10', name], 30_000);
  const seconds = (performance.now() - started) / 1000;
  if (stopped.exitCode !== 0) throw new Error(`docker stop failed: ${stopped.all}`);
  return { seconds, exitCode: Number((await docker(['inspect', '-f', '{{.State.ExitCode}}', name])).stdout.trim()) };
}

const killedBySigkill = (exitCode: number) => exitCode === 137;

/**
 * Stops a running container and times it. A PID 1 without a SIGTERM handler ignores the signal (the
 * kernel's default for PID 1), so such an image takes the whole 10 s and is killed (exit code 137): no
 * second try. One that exits on SIGTERM but slower than the limit is started again, asked again
 * (`answered`) and stopped once more: on a 2-core machine under a load of 20, a graceful shutdown of
 * several processes (gunicorn's master waits for its workers to exit) once took 4-5 s. The faster stop
 * counts, unless the second was killed.
 */
export async function timeGracefulStop(name: string, answered: () => Promise<unknown>): Promise<StopTiming> {
  const first = await stopOnce(name);
  if (killedBySigkill(first.exitCode) || first.seconds <= STOP_LIMIT_SECONDS) return { ...first, tries: 1 };
  const restarted = await docker(['start', name]);
  if (restarted.exitCode !== 0) throw new Error(`docker start failed: ${restarted.all}`);
  await answered();
  const second = await stopOnce(name);
  return { ...(second.seconds < first.seconds || killedBySigkill(second.exitCode) ? second : first), tries: 2 };
}

/** What is wrong with a stop, in one line, or null when PID 1 exited on SIGTERM within the limit. */
export function stopProblem(stop: StopTiming): string | null {
  const took = `docker stop took ${stop.seconds.toFixed(1)} s`;
  if (killedBySigkill(stop.exitCode)) return `${took}: PID 1 did not exit on SIGTERM and was killed (exit code 137)`;
  if (stop.seconds > STOP_LIMIT_SECONDS) {
    return `${took}${stop.tries === 2 ? ' twice' : ''} (over ${STOP_LIMIT_SECONDS} s): PID 1 exited on SIGTERM (exit code ${stop.exitCode}), but slowly`;
  }
  return null;
}

/** The real uids of a running container's processes, seen from the host (docker top needs the PID column too). */
export async function processUids(container: string): Promise<string[]> {
  const processes = await docker(['top', container, '-eo', 'pid,uid']);
  return [
    ...new Set(
      processes.stdout
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/)[1])
        .filter((uid): uid is string => Boolean(uid)),
    ),
  ];
}

/**
 * Whether a local address of /proc/net/tcp or tcp6 (hex, each 32-bit word in this machine's byte order,
 * little-endian here) is a loopback one: 127.0.0.0/8, ::1, or 127.x mapped into IPv6.
 */
export function isLoopbackAddress(hex: string): boolean {
  const firstOctet = (word: string) => Number.parseInt(word.slice(6, 8), 16);
  if (hex.length === 8) return firstOctet(hex) === 127;
  if (hex === '00000000000000000000000001000000') return true;
  return hex.startsWith('0000000000000000FFFF0000') && firstOctet(hex.slice(24)) === 127;
}

/**
 * The sockets listening on TCP `port` (any address), from the kernel's tables of a network: the host's
 * (`/proc/net`), or a process's own namespace (`/proc/<pid>/net`). Each inode maps to whether the
 * socket listens on a loopback address only.
 */
export function listeningInodes(port: number, procNet = '/proc/net'): Map<string, boolean> {
  const inodes = new Map<string, boolean>();
  for (const table of [`${procNet}/tcp`, `${procNet}/tcp6`]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex, st 0A is LISTEN, the inode is the tenth field.
      const [address, portHex] = fields[1]?.split(':') ?? [];
      if (fields[3] === '0A' && Number.parseInt(portHex ?? '', 16) === port) inodes.set(fields[9]!, isLoopbackAddress(address!));
    }
  }
  return inodes;
}

/**
 * The sockets a process of the container holds listening on `port`, each as whether it is on loopback
 * only; none when what answered is not the container's (on the host's network an answer on 127.0.0.1 may
 * come from someone else's server that bound the port first).
 */
async function containerListens(container: string, port: number, procNet?: string): Promise<boolean[]> {
  const inodes = listeningInodes(port, procNet);
  const top = await docker(['top', container, '-eo', 'pid']);
  const pids = top.stdout
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter(Boolean);
  const held: boolean[] = [];
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const inode = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode !== undefined && inodes.has(inode)) held.push(inodes.get(inode)!);
      }
    } catch {
      // The process exited while its descriptors were read: it holds nothing now.
    }
  }
  return held;
}

/**
 * What is wrong with where the container listens on `port`, or null when it holds the listening socket on
 * an address beyond loopback. The probes share the container's network, so an answer alone proves
 * neither: it may come from another process on this shared machine (`foreign`), or from a server bound to
 * loopback, which they reach and a port published with docker run -p does not.
 */
export async function listenProblem(container: string, port: number, procNet?: string): Promise<{ foreign: boolean; why: string } | null> {
  const sockets = await containerListens(container, port, procNet);
  if (sockets.length === 0) return { foreign: true, why: `what answered on 127.0.0.1:${port} is not the container's: another process on this shared machine listens there` };
  if (sockets.every((loopback) => loopback)) {
    return {
      foreign: false,
      why: `the server listens on a loopback address only (port ${port}): the probe shares its network and reached it, but a port published with docker run -p cannot`,
    };
  }
  return null;
}

/** A link's target, or '' when it went away (a descriptor closed while it was read). */
function safeReadlink(link: string): string {
  try {
    return readlinkSync(link);
  } catch {
    return '';
  }
}
