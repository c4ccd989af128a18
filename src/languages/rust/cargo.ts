import { projectError } from '../../errors.js';
import { isTable, type TomlFile, type TomlTable } from '../../core/manifest.js';
import { lineAt } from '../../core/text.js';

/*
 * Reading Cargo's files (parsed by manifest.ts's TOML reader), then checked for the few shapes stagecraft
 * relies on. Every problem is one line naming the file (and the line, where TOML says it).
 */

/** The value at a dotted path of tables, or undefined. */
export function lookup(data: TomlTable, ...keys: string[]): unknown {
  let value: unknown = data;
  for (const key of keys) {
    if (!isTable(value)) return undefined;
    value = value[key];
  }
  return value;
}

/** A string at a path; present but not a string is an error naming the key. */
export function optionalString(file: TomlFile, ...keys: string[]): string | null {
  const value = lookup(file.data, ...keys);
  if (value === undefined) return null;
  if (typeof value !== 'string') throw projectError(`${file.file}: ${keys.join('.')} must be a string`);
  return value;
}

/** The 1-based line where `key = ` is set, or where the `[header]` opens; undefined when not written literally. */
export function lineOfKey(file: TomlFile, key: string, from = 0): number | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const pattern = new RegExp(`^[ \\t]*("?)${escaped}\\1[ \\t]*(=|\\.)`, 'm');
  const match = pattern.exec(file.text.slice(from));
  return match ? lineAt(file.text, from + match.index + match[0].search(/\S/)) : undefined;
}

/** The line of the n-th (0-based) `[[header]]` array-of-tables entry. */
export function lineOfArrayEntry(file: TomlFile, header: string, index: number): number | undefined {
  const pattern = new RegExp(`^[ \\t]*\\[\\[[ \\t]*${header.replace(/[.-]/g, '\\$&')}[ \\t]*\\]\\]`, 'gm');
  const match = [...file.text.matchAll(pattern)][index];
  return match ? lineAt(file.text, match.index + match[0].search(/\S/)) : undefined;
}

/** Offset of a `[header]` table, so a key can be looked up inside it; 0 when absent. */
export const offsetOfTable = (file: TomlFile, header: string) => Math.max(0, file.text.search(new RegExp(`^[ \\t]*\\[[ \\t]*${header.replace(/[.-]/g, '\\$&')}[ \\t]*\\]`, 'm')));

/** One dependency as Cargo.toml declares it. */
export interface DeclaredDependency {
  /** The crate's real name (`package = "..."` wins over the key). */
  crate: string;
  features: string[];
  defaultFeatures: boolean;
  /** A `path = "..."` dependency: a crate of the project, not from a registry. */
  path: string | null;
  line: number | undefined;
}

/** The dependency tables that reach a release build: normal and build, also per target; not dev. */
function dependencyTables(manifest: TomlTable): TomlTable[] {
  const tables: unknown[] = [manifest.dependencies, manifest['build-dependencies']];
  const targets = manifest.target;
  if (isTable(targets)) {
    for (const target of Object.values(targets)) {
      if (isTable(target)) tables.push(target.dependencies, target['build-dependencies']);
    }
  }
  return tables.filter(isTable);
}

export function declaredDependencies(file: TomlFile): DeclaredDependency[] {
  const dependencies: DeclaredDependency[] = [];
  for (const table of dependencyTables(file.data)) {
    for (const [key, spec] of Object.entries(table)) {
      const detail = isTable(spec) ? spec : {};
      const features = Array.isArray(detail.features) ? detail.features.filter((feature): feature is string => typeof feature === 'string') : [];
      dependencies.push({
        crate: typeof detail.package === 'string' ? detail.package : key,
        features,
        defaultFeatures: detail['default-features'] !== false && detail.default_features !== false,
        path: typeof detail.path === 'string' ? detail.path : null,
        line: lineOfKey(file, key),
      });
    }
  }
  return dependencies;
}

/** A package Cargo.lock pins: its name, whether it comes from a registry or git, and its line. */
export interface LockedPackage {
  name: string;
  /** The version the lock pins; null when the entry has none. */
  version: string | null;
  fromRegistry: boolean;
  line: number | undefined;
  /** The names of the packages it depends on ("name" or "name version" in the lock, the name kept). */
  dependencies: string[];
}

export function lockedPackages(lock: TomlFile): LockedPackage[] {
  const packages = lock.data.package;
  if (packages === undefined) return [];
  if (!Array.isArray(packages)) throw projectError(`${lock.file}: "package" must be an array of [[package]] tables`);
  return packages.map((entry, index) => {
    if (!isTable(entry) || typeof entry.name !== 'string') throw projectError(`${lock.file}: [[package]] number ${index + 1} has no name`);
    const dependencies = Array.isArray(entry.dependencies) ? entry.dependencies.filter((item): item is string => typeof item === 'string').map((item) => item.split(' ')[0]!) : [];
    return {
      name: entry.name,
      version: typeof entry.version === 'string' ? entry.version : null,
      fromRegistry: typeof entry.source === 'string',
      line: lineOfArrayEntry(lock, 'package', index),
      dependencies,
    };
  });
}

/** The names reachable from `start` (itself included) through `next`: a package's dependency closure. */
export function reachable(start: string, next: (name: string) => string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [start];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    pending.push(...next(name));
  }
  return seen;
}

/** The packages one package of the lock needs, itself included: a workspace lock also pins every other member's. */
export function lockedClosure(locked: LockedPackage[], start: string): LockedPackage[] {
  const byName = new Map<string, LockedPackage[]>();
  for (const pkg of locked) byName.set(pkg.name, [...(byName.get(pkg.name) ?? []), pkg]);
  const seen = reachable(start, (name) => (byName.get(name) ?? []).flatMap((pkg) => pkg.dependencies));
  return locked.filter((pkg) => seen.has(pkg.name));
}
