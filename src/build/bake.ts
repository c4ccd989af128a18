import { ExitCode, StagecraftError } from '../errors.js';
import { shellWord } from '../core/text.js';
import { loadExeca, type BuildProgress } from './index.js';
import { buildNetwork } from './network.js';

/** One service bake builds: its target's name and the Dockerfile it reads, which decides its network. */
export interface BakeService {
  target: string;
  dockerfile: string;
}

/**
 * `docker buildx bake` arguments for these services: each target gets the network its own steps need
 * (none unless one downloads, then the host's, as `--build` gives one image), never a bridge.
 */
export function bakeArguments(services: BakeService[]): string[] {
  const networks = services.flatMap((service) => ['--set', `${service.target}.network=${buildNetwork(service.dockerfile)}`]);
  return ['buildx', 'bake', '--progress=plain', ...networks, ...services.map((service) => service.target)];
}

/** Builds every service with one `docker buildx bake` in the workspace root; throws a StagecraftError (exit 5) when it fails. */
export async function bakeServices(root: string, services: BakeService[], progress: BuildProgress): Promise<void> {
  const args = bakeArguments(services);
  progress.start(`docker ${args.map(shellWord).join(' ')}`);
  const log: string[] = [];
  const execa = await loadExeca();
  const subprocess = execa('docker', args, { cwd: root, reject: false, all: true, buffer: false });
  for await (const line of subprocess.iterable({ from: 'all' })) {
    log.push(line);
    progress.step(line);
  }
  const result = await subprocess;
  if (result.exitCode !== 0) {
    progress.fail(log.slice(-25));
    const how = result.exitCode === undefined ? result.shortMessage : `exit ${result.exitCode}`;
    throw new StagecraftError(`docker buildx bake failed (${how}); the files are written, and its output above says why`, ExitCode.build);
  }
  progress.stop(`built ${services.map((service) => service.target).join(', ')}`);
}
