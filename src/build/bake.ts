import { ExitCode, StagecraftError } from '../errors.js';
import { shellWord } from '../core/text.js';
import { loadExeca, type BuildProgress } from './index.js';
import { buildNetwork } from './network.js';

/** One service bake builds: its target's name and the Dockerfile it reads, which decides its network. */
export interface BakeService {
  target: string;
  dockerfile: string;
}

/** The file bake reads at the workspace root, named so that no compose.yaml beside it is merged in. */
export const BAKE_FILE = 'docker-bake.hcl';

/**
 * `docker buildx bake` for these services, each with the network its own steps need (none unless one
 * downloads, then the host's, as `--build` gives one image), never a bridge. The networks come as a
 * compose overlay on stdin (`build.network`), the one place every bake release reads a network from,
 * so nothing is written beside the project's files.
 */
export function bakeInvocation(services: BakeService[]): { args: string[]; networks: string } {
  const networks = ['services:', ...services.flatMap((service) => [`  ${service.target}:`, '    build:', `      network: ${buildNetwork(service.dockerfile)}`])].join('\n');
  return { args: ['buildx', 'bake', '--progress=plain', '-f', '-', '-f', BAKE_FILE, ...services.map((service) => service.target)], networks: `${networks}\n` };
}

/** Builds every service with one `docker buildx bake` in the workspace root; throws a StagecraftError (exit 5) when it fails. */
export async function bakeServices(root: string, services: BakeService[], progress: BuildProgress): Promise<void> {
  const { args, networks } = bakeInvocation(services);
  progress.start(`docker ${args.map(shellWord).join(' ')}`);
  const log: string[] = [];
  const execa = await loadExeca();
  const subprocess = execa('docker', args, { cwd: root, input: networks, reject: false, all: true, buffer: false });
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
