import type { GoFacts } from './detect.js';

/** Folder names of main packages that are the service itself, preferred over tools (migrate, seed, cli, ...). */
const SERVER_NAMES = new Set(['server', 'api', 'web', 'app', 'http', 'httpd', 'service', 'backend', 'daemon', 'gateway']);

/** The last element of a module path, without a /vN suffix: what the program is called. */
const moduleName = (modulePath: string) =>
  modulePath
    .split('/')
    .filter((part) => !/^v\d+$/.test(part))
    .pop() ?? '';

const lastElement = (main: string) => (main === '.' ? '.' : main.split('/').pop()!);

/**
 * Which of several main packages --yes builds, by the first rule that picks exactly one: the one named
 * after the module or the folder, the only one that listens, the only one named like a server
 * (cmd/server over cmd/migrate). Null when no rule decides; the candidates are then asked for.
 */
export function mainByRule(facts: GoFacts): { main: string; why: string } | null {
  const mains = facts.mainPackages.map((main) => main.value);
  if (mains.length < 2) return null;
  const names = [moduleName(facts.module.value), facts.folderName];
  const named = mains.filter((main) => names.includes(lastElement(main)));
  if (named.length === 1) return { main: named[0]!, why: `the one named after the module or folder (${names[0]})` };
  if (facts.listeningMains.length === 1) return { main: facts.listeningMains[0]!, why: 'the only one that serves on the network' };
  const servers = mains.filter((main) => SERVER_NAMES.has(lastElement(main)));
  if (servers.length === 1) return { main: servers[0]!, why: `the one named like a server (${lastElement(servers[0]!)})` };
  return null;
}

/** The warning that says which main package --yes chose, and how to choose another. */
export function mainRuleWarning(facts: GoFacts, entry: string): string | null {
  const chosen = mainByRule(facts);
  if (!chosen || chosen.main !== entry) return null;
  const others = facts.mainPackages.map((main) => main.value).filter((main) => main !== entry);
  return `several main packages: building ${entry}, ${chosen.why}; --entry ${others.join(' or --entry ')} builds another`;
}
