import path from 'node:path';
import { projectError } from '../../errors.js';
import type { ProjectFiles } from '../../project.js';

/** What a pip requirements file (and the files it includes) asks for. */
export interface Requirements {
  /** Normalized names of the distributions it names (PEP 503: lower case, runs of -_. as one -). */
  names: string[];
  /** Names not pinned to one version with `==`: each build may resolve a newer one. */
  unpinned: string[];
  /** Requirement files read, the given one first (-r and -c includes follow). */
  files: string[];
  /** Project-relative wheels, archives and folders it installs from (--find-links, ./x.whl, -e ./lib). */
  localPaths: string[];
  /** `--no-index`: pip installs from the local paths only and never contacts a package index. */
  noIndex: boolean;
  /** Requirements pinned with `==` (`cffi==1.15.1`): name, version and where each is. */
  pins: { name: string; version: string; evidence: { file: string; line: number } }[];
}

export const normalizeName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The distribution name a PEP 508 requirement starts with, and its extras. */
export function requirementName(requirement: string): { name: string; extras: string[] } | null {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?/.exec(requirement);
  if (!match) return null;
  const extras = (match[2] ?? '')
    .split(',')
    .map((extra) => extra.trim().toLowerCase())
    .filter(Boolean);
  return { name: normalizeName(match[1]!), extras };
}

/** `name==1.2.3` or `name===1.2.3` (a wildcard such as ==1.* is a range, not a pin). */
export const isPinned = (requirement: string) =>
  /===?\s*[\w.!+-]+\s*(;|$)/.test(requirement.replace(/\s--hash\S*/g, '').trim()) && !/[<>~!]=?|,/.test(requirement.replace(/;.*$/, '').replace(/===?/, ''));

const isUrl = (value: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !value.startsWith('file:');
const looksLikePath = (value: string) => /^(\.{1,2}\/|\/)/.test(value) || /\.(whl|tar\.gz|zip)$/.test(value) || value.startsWith('file:');

/** Options whose value is a file or folder, and what that value is. */
const PATH_OPTIONS: Record<string, 'include' | 'local'> = {
  '-r': 'include',
  '--requirement': 'include',
  '-c': 'include',
  '--constraint': 'include',
  '-f': 'local',
  '--find-links': 'local',
  '-e': 'local',
  '--editable': 'local',
};

/** Joined continuation lines with comments removed, each with its 1-based line number. */
function logicalLines(text: string): { line: number; content: string }[] {
  const lines: { line: number; content: string }[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    if (pending === '') start = index + 1;
    const withoutComment = raw.replace(/(^|\s)#.*$/, '');
    if (/\\\s*$/.test(withoutComment)) {
      pending += `${withoutComment.replace(/\\\s*$/, '')} `;
      return;
    }
    const content = `${pending}${withoutComment}`.trim();
    pending = '';
    if (content) lines.push({ line: start, content });
  });
  return lines;
}

/**
 * Reads a requirements file the way pip does, as far as the image needs: the names, the files it
 * includes, and the local paths it installs from (they must be in the image before the install).
 * Includes are read in place, as pip reads them, with a stack of open files rather than recursion,
 * so a chain of thousands of `-r` files cannot exhaust the call stack.
 */
export function readRequirements(project: ProjectFiles, file: string): Requirements {
  const result: Requirements = { names: [], unpinned: [], files: [], localPaths: [], noIndex: false, pins: [] };
  const seen = new Set<string>();
  const open: { file: string; lines: Iterator<{ line: number; content: string }> }[] = [];
  const start = (included: string) => {
    seen.add(included);
    result.files.push(included);
    open.push({ file: included, lines: logicalLines(project.readText(included))[Symbol.iterator]() });
  };
  start(file);
  while (open.length > 0) {
    const current = open[open.length - 1]!;
    const next = current.lines.next();
    if (next.done) {
      open.pop();
      continue;
    }
    const { line, content } = next.value;
    const dir = path.posix.dirname(current.file);
    const local = (value: string): string => {
      const stripped = value.replace(/^file:(\/\/)?/, '');
      const resolved = path.posix.normalize(path.posix.join(dir, stripped)).replace(/\/+$/, '');
      if (stripped.startsWith('/') || resolved.startsWith('..')) {
        throw projectError(`${current.file}:${line}: ${value} is outside the project folder, so docker build cannot copy it`);
      }
      if (!/^[A-Za-z0-9._@-][A-Za-z0-9._@/+-]*$/.test(resolved)) throw projectError(`${current.file}:${line}: unsupported characters in the path ${value}`);
      return resolved;
    };
    const option = /^(-[a-z]|--[a-z-]+)(?:[ =]\s*(\S+))?/.exec(content);
    if (option) {
      const [, name, value] = option as unknown as [string, string, string | undefined];
      if (name === '--no-index') result.noIndex = true;
      const kind = PATH_OPTIONS[name];
      if (!kind || value === undefined || isUrl(value) || value.startsWith('git+')) continue;
      const target = local(value);
      if (kind === 'include') {
        if (!project.hasFile(target)) throw projectError(`${current.file}:${line}: ${value} does not exist`);
        if (!seen.has(target)) start(target);
      } else {
        result.localPaths.push(target);
      }
      continue;
    }
    const direct = /^\S+\s*@\s*(\S+)/.exec(content);
    if (direct && !isUrl(direct[1]!) && looksLikePath(direct[1]!)) result.localPaths.push(local(direct[1]!));
    else if (!direct && looksLikePath(content.split(/[\s;]/)[0]!)) {
      result.localPaths.push(local(content.split(/[\s;]/)[0]!));
      continue;
    }
    const requirement = requirementName(content);
    if (!requirement) continue;
    result.names.push(requirement.name);
    if (!isPinned(content)) result.unpinned.push(requirement.name);
    else result.pins.push({ name: requirement.name, version: /===?\s*([\w.!+-]+)/.exec(content)![1]!, evidence: { file: current.file, line } });
  }
  result.localPaths = [...new Set(result.localPaths)];
  return result;
}
