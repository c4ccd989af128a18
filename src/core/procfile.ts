import type { ProjectFiles } from '../project.js';
import type { Evidence } from './facts.js';

/** One `name: command` line of a Procfile, with where it is. */
export interface ProcfileProcess {
  name: string;
  command: string;
  evidence: Evidence;
}

/**
 * The processes a Procfile declares (Heroku's format: `web: node server.js`, one per line), read
 * line by line. An absent Procfile declares none.
 */
export function procfileProcesses(project: ProjectFiles): ProcfileProcess[] {
  if (!project.hasFile('Procfile')) return [];
  const processes: ProcfileProcess[] = [];
  project
    .readText('Procfile')
    .split('\n')
    .forEach((text, index) => {
      const match = /^([A-Za-z0-9_-]+):\s*(\S.*)$/.exec(text.trimEnd());
      if (match) processes.push({ name: match[1]!, command: match[2]!, evidence: { file: 'Procfile', line: index + 1 } });
    });
  return processes;
}
