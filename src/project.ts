import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { StagecraftError, projectError } from './errors.js';

/** Folders that never hold the project's own sources: walking them is slow and misleading. */
const SKIPPED_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'vendor',
  'testdata',
  'target',
  'dist',
  'build',
  '.venv',
  'venv',
  '__pycache__',
  '.idea',
  '.vscode',
  '.cache',
]);

/** Manifests are small; anything larger is not something we should parse. */
const MAX_TEXT_BYTES = 1024 * 1024;
/** Sources can be large (generated tables, bundled data): scans are linear, so they are read up to this; larger ones are skipped with a note. */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
/** Detection must stay fast on huge repositories; past this many files it stops listing. */
const MAX_LISTED_FILES = 50_000;

const unreadable = (rel: string, error: unknown) => projectError(`${rel}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);

/**
 * A read-only view of the project folder. Detectors see the project only through it,
 * so they stay pure functions of the folder's files.
 */
export class ProjectFiles {
  readonly root: string;
  private listing: string[] | undefined;

  constructor(dir: string) {
    this.root = path.resolve(dir);
    let stats;
    try {
      stats = statSync(this.root);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw projectError(code === 'ENOENT' || code === 'ENOTDIR' ? `${dir}: no such folder` : `${dir}: cannot be read (${code})`);
    }
    if (!stats.isDirectory()) throw projectError(`${dir}: not a folder`);
  }

  /** Whether a regular file exists at this project-relative path (symlinks are not followed). */
  hasFile(rel: string): boolean {
    try {
      return lstatSync(path.join(this.root, rel)).isFile();
    } catch {
      // A missing or unreadable entry is simply not a file of the project.
      return false;
    }
  }

  /** Whether anything (a file, folder or link) is at this project-relative path: a manifest's name is taken. */
  exists(rel: string): boolean {
    try {
      lstatSync(path.join(this.root, rel));
      return true;
    } catch {
      // Missing or unreadable parent: nothing there we could use.
      return false;
    }
  }

  /** Whether a folder exists at this project-relative path. */
  hasDir(rel: string): boolean {
    try {
      return lstatSync(path.join(this.root, rel)).isDirectory();
    } catch {
      // Missing or unreadable: not a folder of the project.
      return false;
    }
  }

  /**
   * Calls `look` on each folder above the project, nearest first, and returns its first answer
   * that is not null. The walk ends at a repository root (a folder with .git, itself still looked
   * at) or at the file system's root: a workspace never reaches outside its repository.
   */
  findUp<T>(look: (folder: ProjectFiles) => T | null): T | null {
    // A project that is a repository's root has nothing above it that belongs to it.
    if (this.exists('.git')) return null;
    for (let dir = path.dirname(this.root); ; dir = path.dirname(dir)) {
      const folder = new ProjectFiles(dir);
      const found = look(folder);
      if (found !== null) return found;
      if (folder.exists('.git') || path.dirname(dir) === dir) return null;
    }
  }

  /** The path from another folder to this project, with forward slashes: "packages/api" from its workspace root. */
  pathFrom(folder: ProjectFiles): string {
    return path.relative(folder.root, this.root).split(path.sep).join('/');
  }

  /** The size of a regular file at this path; a link, folder, pipe or missing file is a one-line error naming it. */
  requireFile(rel: string): number {
    let stats;
    try {
      stats = lstatSync(path.join(this.root, rel));
    } catch (error) {
      throw unreadable(rel, error);
    }
    if (stats.isSymbolicLink()) throw projectError(`${rel}: a symbolic link; stagecraft reads only regular files inside the project`);
    if (!stats.isFile()) throw projectError(`${rel}: not a regular file`);
    return stats.size;
  }

  /**
   * A file outside the project proper (a folder above it) read only when it is a plain text file
   * small enough to be a manifest: a link, pipe, folder or huge file there is not the project's
   * problem, so it is passed over rather than refused.
   */
  readTextIfUsable(rel: string): string | null {
    try {
      return this.readText(rel);
    } catch (error) {
      if (error instanceof StagecraftError) return null;
      throw error;
    }
  }

  /** Reads a manifest, refusing binary or oversized content with a one-line error naming it. */
  readText(rel: string): string {
    return this.read(rel, MAX_TEXT_BYTES, 'too large to be a manifest');
  }

  /**
   * Whether a regular file is larger than a source scan reads: generated data, not code anyone wrote.
   * Detection skips such a file and says so, rather than refusing the project.
   */
  tooLargeToScan(rel: string): boolean {
    try {
      const stats = lstatSync(path.join(this.root, rel));
      return stats.isFile() && stats.size > MAX_SOURCE_BYTES;
    } catch {
      // Missing or unreadable: reading it reports that with its own reason.
      return false;
    }
  }

  /** Reads a source file detection scans: larger than a manifest may be (a generated table), scanned in linear time. */
  readSource(rel: string): string {
    return this.read(rel, MAX_SOURCE_BYTES, 'too large to scan');
  }

  private read(rel: string, maxBytes: number, tooLarge: string): string {
    const full = path.join(this.root, rel);
    const size = this.requireFile(rel);
    if (size > maxBytes) throw projectError(`${rel}: ${tooLarge} (${size} bytes)`);
    let buffer: Buffer;
    try {
      buffer = readFileSync(full);
    } catch (error) {
      throw unreadable(rel, error);
    }
    if (buffer.includes(0)) throw projectError(`${rel}: not a text file`);
    // Editors on Windows may start a file with a byte order mark; parsers would choke on it.
    return buffer.toString('utf8').replace(/^\uFEFF/, '');
  }

  /**
   * The files and folders directly inside the project, sorted, links left out (a COPY would copy the
   * link, not what it names): what a final stage may copy by name.
   */
  topEntries(): string[] {
    try {
      return readdirSync(this.root, { withFileTypes: true })
        .filter((entry) => entry.isFile() || entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
    } catch {
      // An unreadable folder lists nothing, as files() does.
      return [];
    }
  }

  /**
   * The folders directly inside the project, sorted, skipping dependency, build, VCS and hidden
   * folders as files() does, and never links: where another app beside this one would live.
   */
  childFolders(): string[] {
    try {
      return readdirSync(this.root, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.'))
        .map((entry) => entry.name)
        .sort();
    } catch {
      // An unreadable folder lists nothing, as files() does.
      return [];
    }
  }

  /**
   * Project-relative paths (forward slashes) of regular files, skipping dependency, build and VCS
   * folders and never following symlinks, so loops and links out of the folder are harmless.
   */
  files(): string[] {
    if (this.listing) return this.listing;
    const found: string[] = [];
    const pending = [''];
    while (pending.length > 0 && found.length < MAX_LISTED_FILES) {
      const rel = pending.pop()!;
      let entries;
      try {
        entries = readdirSync(path.join(this.root, rel), { withFileTypes: true });
      } catch {
        // An unreadable sub-folder cannot hold evidence we could use; skip it.
        continue;
      }
      // Code-unit order: the same on every machine, where localeCompare follows the user's locale and
      // its first call loads ICU's collation data, tens of milliseconds of a cold start.
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const child = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name)) pending.push(child);
        } else if (entry.isFile()) {
          found.push(child);
        }
      }
    }
    this.listing = found.sort();
    return this.listing;
  }
}
