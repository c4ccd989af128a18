import path from 'node:path';
import type { ProjectFiles } from '../project.js';

/*
 * What an app that runs from its sources (no build step) reads from its own folder. Its final stage
 * copies these top-level files and folders by name rather than the whole build context, so a file
 * nobody named (a database dump, a key the .dockerignore does not know) stays out of the image.
 */

/** One top-level file or folder a final stage copies from the app's sources, and why it ships. */
export interface ShippedEntry {
  path: string;
  /** A folder is copied to a folder of its name; a file into the working folder. */
  folder: boolean;
  why: string;
}

/** The app's own files the final stage copies by name, or why it copies the whole context instead. */
export type ShippedSources = { kind: 'list'; entries: ShippedEntry[] } | { kind: 'whole'; why: string };

/**
 * Top-level names the .dockerignore's secret rules leave out of the context
 * (templates/partials/dockerignore/secrets.hbs): a COPY naming one would fail, as the context lacks it.
 */
const SECRET_NAME =
  /^(?:.*\.(?:pem|key|p12|pfx|jks|keystore|tfstate|tfstate\.backup|tfvars)|id_(?:rsa|dsa|ecdsa|ed25519).*|credentials\.json|service-account.*\.json|client_secret.*\.json|.*firebase-adminsdk-.*\.json)$/;

/** A top-level entry a final stage may copy by name: not hidden (settings, VCS and secret files all are), not a secret's name. */
export const shippable = (name: string) => !name.startsWith('.') && !SECRET_NAME.test(name);

/** A quoted string on one line: '...', "..." or a template literal without `${}`. */
const STRING_LITERAL = /'([^'\\\n]{1,200})'|"([^"\\\n]{1,200})"|`([^`\\\n$]{1,200})`/g;

/**
 * The top-level entries a line of source names in its string literals: `'views'`,
 * `path.join(__dirname, 'public')`, `'./data/seed.json'` (from the folder the app runs in, or from the
 * file's own folder), and with `dotted`, Python's module paths (`'blog.apps.BlogConfig'`, `'config.urls'`).
 */
export function entriesNamedIn(line: string, file: string, entries: ReadonlySet<string>, dotted: boolean): string[] {
  const found = new Set<string>();
  for (const match of line.matchAll(STRING_LITERAL)) {
    const literal = (match[1] ?? match[2] ?? match[3])!.trim();
    const candidates = [literal, path.posix.join(path.posix.dirname(file), literal)];
    if (dotted && /^[A-Za-z_][\w.]*$/.test(literal)) candidates.push(literal.split('.')[0]!);
    for (const candidate of candidates) {
      const top = path.posix.normalize(candidate).split('/')[0]!;
      if (entries.has(top)) found.add(top);
    }
  }
  return [...found];
}

/** The folders a final stage copies by name from the context: they must stay in it, even one that holds another app. */
export const shippedFolders = (shipped: ShippedSources): string[] => (shipped.kind === 'list' ? shipped.entries.filter((entry) => entry.folder).map((entry) => entry.path) : []);

/** A top-level name a COPY line holds as one plain word (the plan schema's ProjectPath). */
const COPYABLE = /^[A-Za-z0-9._@-]+$/;

/**
 * The entries found, each with why, as the list a final stage copies; or, when one has a name a COPY
 * line cannot hold as a plain word (a space, a quote), the whole context: the app needs that entry.
 */
export function shippedList(project: ProjectFiles, found: ReadonlyMap<string, string>, whole: (why: string) => ShippedSources): ShippedSources {
  const odd = [...found.keys()].find((name) => !COPYABLE.test(name));
  if (odd !== undefined) return whole(`"${odd.replace(/[^\x20-\x7e]/g, '?')}" is a name a COPY line cannot hold as one plain word`);
  return { kind: 'list', entries: [...found].map(([entry, why]) => ({ path: entry, folder: project.hasDir(entry), why })) };
}
