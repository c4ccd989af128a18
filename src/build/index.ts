import { homedir } from 'node:os';
import path from 'node:path';
import { ExitCode, StagecraftError } from '../errors.js';
import { shellWord } from '../core/text.js';
import type { Plan } from '../languages/registry.js';
import { dockerfileNameOf } from '../render/index.js';
import { buildNetwork } from './network.js';
import {
  ATTESTATION_ADVICE,
  ATTESTATION_FLAGS,
  IMAGE_STORE_FORMAT,
  REPRODUCIBLE_OCI_OUTPUT,
  REPRODUCIBLE_OUTPUT,
  attestationSupportOf,
  reproducibleBuildOf,
  type AttestationSupport,
  type ReproducibleBuild,
} from './attestations.js';

/** How the build reports while it runs: a spinner in a terminal, BuildKit's own lines elsewhere. */
export interface BuildProgress {
  start(message: string): void;
  step(line: string): void;
  stop(message: string): void;
  /** The build failed: show what the user has not seen yet of its output. */
  fail(tail: string[]): void;
}

export interface BuildTarget {
  /** The project folder (absolute). */
  root: string;
  /** The folder as the user typed it, for the commands we print. */
  dir: string;
  plan: Plan;
  dockerfile: string;
  /** The image name; the project's name by default. */
  tag: string;
}

/** `app` -> `app:debug`, `app:1.2` -> `app:1.2-debug`: the debug image never takes production's name. */
export const debugTagOf = (tag: string) => (/:[^/]+$/.test(tag) ? `${tag}-debug` : `${tag}:debug`);

/** execa is loaded only when Docker is run, so runs that never build do not parse it at start-up. */
export const loadExeca = async () => (await import('execa')).execa;

/** The last commit's time in seconds (SOURCE_DATE_EPOCH), from git in the project folder; a folder with no commit stops --build. */
async function lastCommitTime(root: string): Promise<string> {
  const execa = await loadExeca();
  const log = await execa('git', ['-C', root, 'log', '-1', '--pretty=%ct'], { reject: false, timeout: 10_000 });
  const epoch = log.exitCode === 0 ? log.stdout.trim() : '';
  if (!/^\d+$/.test(epoch))
    throw new StagecraftError("--reproducible: SOURCE_DATE_EPOCH is the last commit's time, and git log finds no commit here; commit first, then build again", ExitCode.build);
  return epoch;
}

/**
 * What the builder `docker build` uses can do, asked of buildx and the engine: whether it keeps SBOM
 * and provenance attestations, and how a --reproducible image is made there.
 */
async function builderSupport(): Promise<{ attestations: AttestationSupport; reproducible: ReproducibleBuild }> {
  const execa = await loadExeca();
  const inspected = await execa('docker', ['buildx', 'inspect'], { reject: false, timeout: 10_000 });
  if (inspected.exitCode !== 0)
    return {
      attestations: { supported: false, why: 'docker buildx inspect failed (is the buildx plugin installed?)' },
      reproducible: { output: REPRODUCIBLE_OUTPUT, caveat: 'docker buildx inspect failed, so whether this builder rewrites file times is not known' },
    };
  const store = await execa('docker', ['info', '--format', IMAGE_STORE_FORMAT], { reject: false, timeout: 10_000 });
  return { attestations: attestationSupportOf(inspected.stdout, store.stdout), reproducible: reproducibleBuildOf(inspected.stdout, store.stdout) };
}

/** Whether a Docker engine answers; a short timeout, since this runs before a question. */
export async function dockerAnswers(): Promise<boolean> {
  const execa = await loadExeca();
  const result = await execa('docker', ['version', '--format', '{{.Server.Version}}'], { reject: false, timeout: 5000 });
  return result.exitCode === 0;
}

/** How a printed command names the home folder of whoever runs it: the shell expands it there. */
const PRINTED_HOME = '$HOME';
/** How a printed command names the last commit's time: the shell asks git when it runs. */
const PRINTED_EPOCH = '$(git log -1 --pretty=%ct)';

/**
 * Each build secret the plan mounts as `id=<id>,src=<file>` or `id=<id>,env=<variable>`, the form
 * `docker build --secret` and bake's `secret` take: a project file where `fileAt` puts it, a file in
 * `home`, or a variable of the shell that builds.
 */
export const secretEntries = (plan: Plan, fileAt: (from: string) => string, home: string): string[] =>
  plan.secrets.map(({ id, source, from }) => `id=${id},${source === 'env' ? `env=${from}` : `src=${source === 'file' ? fileAt(from) : `${home}/${from}`}`}`);

/**
 * `--secret` for each build secret the plan mounts: a project file from `dir`, a file in `home`, or
 * an environment variable of the shell that builds, and `--ssh default` for a fetch over ssh. Only
 * where each is read, never its value.
 */
export function secretArguments(plan: Plan, dir: string, home: string): string[] {
  // A secret file's path is from the build context, which is a workspace member's root, not its folder.
  const secrets = secretEntries(plan, (from) => path.join(dir, plan.contextPath, from), home).flatMap((entry) => ['--secret', entry]);
  // Git dependencies over ssh: the agent of whoever builds (SSH_AUTH_SOCK), never a key in the context.
  return plan.ssh ? [...secrets, '--ssh', 'default'] : secrets;
}

/**
 * `docker build` arguments for the production image or the debug target, with paths from `dir`
 * (the folder as the user typed it, for printed commands; absolute, to run), secrets from `home`
 * (the shell's $HOME in a printed command; the real folder, to run) and, for --reproducible, the
 * `output` the builder at hand takes (REPRODUCIBLE_OUTPUT where it is not known).
 */
export function buildArguments(plan: Plan, dir: string, tag: string, options: { debug?: boolean; home?: string; epoch?: string; output?: string } = {}): string[] {
  const args = ['build'];
  if (options.debug) args.push('--target', 'debug');
  args.push(...secretArguments(plan, dir, options.home ?? PRINTED_HOME));
  // --reproducible: the last commit's time for the image's dates, and BuildKit clamps every file's time in the layers to it.
  if (plan.reproducible) args.push('--build-arg', `SOURCE_DATE_EPOCH=${options.epoch ?? PRINTED_EPOCH}`, '--output', options.output ?? REPRODUCIBLE_OUTPUT);
  // A Dockerfile built by name: a workspace member's (from the workspace root), or one --output named.
  if (plan.dockerfileFlag) args.push('-f', path.join(dir, dockerfileNameOf(plan)));
  args.push('-t', options.debug ? debugTagOf(tag) : tag, path.join(dir, plan.contextPath));
  return args;
}

/** A word of a printed command, quoted for a POSIX shell, except that $HOME and the git command stay for the shell to expand. */
const printedWord = (word: string) => (word.includes(`,src=${PRINTED_HOME}/`) || word.endsWith(`=${PRINTED_EPOCH}`) ? `"${word}"` : shellWord(word));

/** A `docker` command line as the user pastes it. */
export const dockerCommand = (args: readonly string[]) => `docker ${args.map(printedWord).join(' ')}`;

/** The build command again with attestations, for a builder that keeps them (the plain one works on every builder). */
export function attestedCommand(args: readonly string[]): string {
  // A builder that keeps attestations is a docker-container one or the docker driver over the containerd store, which
  // refuses rewrite-timestamp while it unpacks a type=docker image: an OCI archive into docker load works on both.
  const reproducible = args.includes(REPRODUCIBLE_OUTPUT);
  const withFlags = [args[0]!, ...ATTESTATION_FLAGS, ...args.slice(1).map((arg) => (arg === REPRODUCIBLE_OUTPUT ? REPRODUCIBLE_OCI_OUTPUT : arg))];
  return `${dockerCommand(withFlags)}${reproducible ? ' | docker load' : ''}`;
}

/** The images of the hardened base come from dhi.io, which answers only after `docker login dhi.io`. */
export const DHI_LOGIN = 'docker login dhi.io';

/** Whether the plan's images come from dhi.io (the hardened base). */
export const pullsFromDhi = (plan: Plan) => plan.base === 'hardened';

/** The one line that says what to do first, for plans whose images come from dhi.io; null otherwise. */
export const loginNeededFor = (plan: Plan): string | null =>
  pullsFromDhi(plan) ? `${DHI_LOGIN} first (a free Docker ID): the hardened images are served from dhi.io only to a logged-in client` : null;

/** BuildKit's output says dhi.io refused to serve an image because the client is not logged in (or not entitled). */
export const failedForDhiLogin = (log: readonly string[]): boolean =>
  log.some((line) => line.includes('dhi.io') && /401 Unauthorized|unauthorized|authentication required|authorization failed|access denied|no basic auth credentials/i.test(line));

const humanSize = (bytes: number) => (bytes === 0 ? '0 B' : bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

/** BuildKit's history line for a step, without its build-arg prefix and marker. */
const instructionOf = (createdBy: string) =>
  createdBy
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
    .replace(/^\|\d+( \S+=\S*)* /, '')
    .replace(/ # buildkit$/, '')
    .replace(/^RUN \/bin\/sh -c /, 'RUN ')
    .replace(/^EXPOSE map\[(.*)\]$/, (_all, ports: string) => `EXPOSE ${ports.replace(/:\{\}/g, '')}`)
    .replace(/\s+/g, ' ')
    .trim();

interface Layer {
  bytes: number;
  instruction: string;
}

async function historyOf(image: string): Promise<Layer[] | null> {
  const execa = await loadExeca();
  const result = await execa('docker', ['history', '--no-trunc', '--human=false', '--format', '{{.Size}}\t{{.CreatedBy}}', image], { reject: false });
  if (result.exitCode !== 0) return null;
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [size, ...rest] = line.split('\t');
      return { bytes: Number(size), instruction: instructionOf(rest.join('\t')) };
    });
}

/** The image's layers above its base, oldest first, and the base's own size. */
async function layerTable(tag: string, baseImage: string): Promise<string[]> {
  const layers = await historyOf(tag);
  if (!layers) return [];
  const baseLayers = baseImage === 'scratch' ? [] : await historyOf(baseImage);
  const ownCount = baseLayers ? layers.length - baseLayers.length : layers.length;
  const own = layers.slice(0, ownCount).reverse();
  const baseBytes = (baseLayers ?? []).reduce((sum, layer) => sum + layer.bytes, 0);
  const width = 11;
  const rows = [`  ${'size'.padStart(width)}  step`];
  if (baseLayers) rows.push(`  ${humanSize(baseBytes).padStart(width)}  FROM ${baseImage} (the base image)`);
  for (const layer of own) {
    const text = layer.instruction.length > 100 ? `${layer.instruction.slice(0, 97)}...` : layer.instruction;
    rows.push(`  ${humanSize(layer.bytes).padStart(width)}  ${text}`);
  }
  return rows;
}

/**
 * Builds the production image with `docker build`, then reports its size, what each step added,
 * and how to run it and build its debug target. Throws a StagecraftError (exit 5) when it fails.
 */
export async function buildImage(target: BuildTarget, progress: BuildProgress): Promise<string[]> {
  const network = buildNetwork(target.dockerfile);
  const epoch = target.plan.reproducible ? await lastCommitTime(target.root) : undefined;
  const { attestations, reproducible } = await builderSupport();
  const args = buildArguments(target.plan, target.root, target.tag, { home: homedir(), epoch, output: reproducible.output });
  // --reproducible's --output already loads the image into Docker, as --load would.
  const attestationFlags = attestations.supported ? attestations.flags.filter((flag) => flag !== '--load' || !args.includes('--output')) : [];
  args.splice(1, 0, '--progress=plain', '--network', network, ...attestationFlags);
  // An OCI archive on stdout goes straight into `docker load`; BuildKit's progress is on stderr then.
  const loads = args.includes(REPRODUCIBLE_OCI_OUTPUT);
  progress.start(`docker ${args.map(shellWord).join(' ')}${loads ? ' | docker load' : ''}`);
  const log: string[] = [];
  const execa = await loadExeca();
  const build = execa('docker', args, { reject: false, all: !loads, buffer: false });
  const loader = loads ? build.pipe('docker', ['load'], { reject: false, all: true }) : null;
  for await (const line of build.iterable({ from: loads ? 'stderr' : 'all' })) {
    log.push(line);
    progress.step(line);
  }
  const built = await build;
  const loaded = loader && (await loader);
  if (loaded && built.exitCode === 0 && loaded.exitCode !== 0) log.push(`docker load: ${loaded.all}`);
  const result = built.exitCode === 0 && loaded ? loaded : built;
  // No wall of BuildKit output for the one cause the user fixes with one command.
  if (result.exitCode !== 0 && failedForDhiLogin(log)) {
    progress.fail([]);
    throw new StagecraftError(`docker build failed: dhi.io refused the hardened images without a login; run \`${DHI_LOGIN}\` (a free Docker ID), then build again`, ExitCode.build);
  }
  if (result.exitCode !== 0) {
    progress.fail(log.slice(-25));
    const how = result.exitCode === undefined ? result.shortMessage : `exit ${result.exitCode}`;
    throw new StagecraftError(`docker build failed (${how}); the files are written, and its output above says why`, ExitCode.build);
  }
  const tag = target.tag;
  progress.stop(`built ${tag}`);

  const inspected = await execa('docker', ['image', 'inspect', '-f', '{{.Size}}', tag], { reject: false });
  const lines = [`image ${tag}: ${inspected.exitCode === 0 ? humanSize(Number(inspected.stdout.trim())) : 'size unknown'}`];
  lines.push(...(await layerTable(tag, target.plan.runtime.image)));
  // Said after the table, as a property of the image: attached, or why not and how to get them.
  lines.push(
    '',
    attestations.supported ? 'attestations: an SBOM and provenance (mode=max) are attached to the image' : `attestations: none, ${attestations.why}; ${ATTESTATION_ADVICE}`,
  );
  if (target.plan.reproducible && reproducible.caveat) lines.push(`reproducible: not by digest on this builder: ${reproducible.caveat}`);
  const port = target.plan.port;
  lines.push('', `run it:      docker run --rm${port === null ? '' : ` -p ${port}:${port}`} ${tag}`);
  if (target.plan.debugStage) {
    lines.push(`debug image: ${dockerCommand(buildArguments(target.plan, target.dir, tag, { debug: true }))}`);
    lines.push(`             docker run --rm -it --entrypoint sh ${debugTagOf(tag)}`);
  }
  return lines;
}
