import { fact, type Fact } from './facts.js';
import type { ProjectFiles } from '../project.js';

/** The files a project documents its environment in for a person to copy to .env; the first one found is read. */
const EXAMPLE_ENV_FILES = ['.env.example', '.env.template', '.env.sample', '.env.dist', 'example.env'];

/**
 * The PORT an example environment file gives (`PORT="8080"`): the port the author runs the app on,
 * for an app that reads PORT and names no port of its own. Null without one. The real .env is never
 * read: it holds secrets and stays out of the image.
 */
export function exampleEnvPort(project: ProjectFiles): Fact<number> | null {
  const file = EXAMPLE_ENV_FILES.find((candidate) => project.hasFile(candidate));
  if (file === undefined) return null;
  const lines = project.readText(file).split('\n');
  for (const [index, line] of lines.entries()) {
    const match = /^\s*(?:export\s+)?PORT\s*=\s*(["']?)(\d{2,5})\1\s*(?:#.*)?$/.exec(line);
    if (match && Number(match[2]) >= 1 && Number(match[2]) <= 65535) return fact(Number(match[2]), { file, line: index + 1 });
  }
  return null;
}
