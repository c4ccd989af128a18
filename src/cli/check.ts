import path from 'node:path';
import { diffArrays } from 'diff';
import { describeEvidence, type Evidence } from '../core/facts.js';
import { ExitCode, StagecraftError } from '../errors.js';
import { LANGUAGE_NAMES, loadLanguage, type Facts } from '../languages/registry.js';
import { MAX_DIFFED_BYTES, RECORD_FOLDER, type AssessedChange } from '../output/changes.js';
import { CONFLICT_END, CONFLICT_START, hunksOf, reconcileGenerated } from '../output/merge.js';
import { unpinDockerfile } from '../output/pin.js';
import { dockerfileNameOf } from '../render/index.js';
import { readStamp, withoutStamp } from '../render/stamp.js';
import type { Answers } from '../core/options.js';
import { CONFIG_FILE } from './config.js';
import type { Generation } from './generate.js';
import type { SavedAnswers } from './options.js';
import type { WorkspaceGeneration } from './workspace.js';

/*
 * `stagecraft check`: whether the files on disk still match what stagecraft generates now. It reads
 * the same three texts as a re-run (src/output/merge.ts): what it generates now, what it generated
 * then (the record in .stagecraft/, or the file itself when nobody edited it) and what is on disk.
 * The user's edits (disk against then) are theirs and never a finding; what changed between then and
 * now is, each difference said in one line and, where a project input explains it, named by that
 * input and the file that says it ("Node 22 -> 24 (.nvmrc)").
 */

export type Cause =
  /** The language version changed (a version file, a manifest's field, or stagecraft's default). */
  | 'version'
  /** Another detected input or saved answer changed: a lockfile, the package manager, the entry, the port. */
  | 'input'
  /** A FROM line names an image of a release past its end of life. */
  | 'end-of-life'
  /** A workspace member that now runs something has no Dockerfile yet. */
  | 'new-service'
  | 'missing'
  /** A file without stagecraft's stamp: a hand-written one, which cannot be compared line by line. */
  | 'not-generated'
  /** A generated file edited, with no record of the text it was generated as: edits cannot be told from drift. */
  | 'unrecorded'
  | 'conflict-markers'
  | 'link'
  /** The templates changed: a newer stagecraft writes the line differently. */
  | 'stagecraft-version'
  | 'differs';

export interface Finding {
  file: string;
  /** The line of the file on disk it is about, when there is one. */
  line: number | null;
  cause: Cause;
  message: string;
}

/** A project input that can explain a difference: its value as the Dockerfile writes it, and where it was read. */
interface Input {
  label: string;
  value: string;
  evidence: string;
  cause: Cause;
  /** Explains its lines without a finding of its own: a new service's folder, which its own finding names. */
  silent?: boolean;
}

/** Replaces base lines [start, end) with `added`. */
interface Hunk {
  start: number;
  end: number;
  removed: string[];
  added: string[];
}

const words = (key: string) => key.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
const isFact = (value: unknown): value is { value: unknown; evidence: Evidence | null } => typeof value === 'object' && value !== null && 'value' in value && 'evidence' in value;

/**
 * What can explain a difference: the language version first (the version the answers use, with the
 * evidence detection found for it), then every other fact a project file said, then the saved answers.
 * A list fact (a start command) counts by its paths only: `node` or `python` alone explains nothing.
 */
function inputsOf(facts: Facts, answers: Answers, saved: SavedAnswers | null): Input[] {
  const language = `${facts.language[0]!.toUpperCase()}${facts.language.slice(1)}`;
  const version = facts.runtimeVersion.evidence ? describeEvidence(facts.runtimeVersion.evidence) : "stagecraft's default";
  const inputs: Input[] = [{ label: language, value: answers.runtimeVersion, evidence: version, cause: 'version' }];
  for (const [key, fact] of Object.entries(facts)) {
    if (key === 'runtimeVersion' || !isFact(fact) || fact.evidence === null) continue;
    const values =
      typeof fact.value === 'string' || typeof fact.value === 'number'
        ? [String(fact.value)]
        : Array.isArray(fact.value)
          ? fact.value.filter((item): item is string => typeof item === 'string' && /[./]/.test(item))
          : [];
    for (const value of values) inputs.push({ label: words(key), value, evidence: describeEvidence(fact.evidence), cause: 'input' });
  }
  for (const [key, value] of Object.entries(saved ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') inputs.push({ label: words(key), value: String(value), evidence: CONFIG_FILE, cause: 'input' });
  }
  // A one-character value (a port of 0, a flag) would be found everywhere.
  return inputs.filter((input) => input.value.length > 1);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Where a value stands in a line as a whole token, -1 when it does not: a version may touch letters
 * (nodejs22-debian13, python3.13) but not other digits; a name or a path stands alone (pnpm-lock.yaml,
 * not the lock.yaml in it).
 */
function positionIn(line: string, value: string): number {
  const pattern = /^\d+(\.\d+)*$/.test(value) ? `(?<![\\d.])${escapeRegExp(value)}(?!\\d|\\.\\d)` : `(?<![\\w./-])${escapeRegExp(value)}(?![\\w/-]|\\.\\w)`;
  return line.search(new RegExp(pattern));
}

/**
 * Whether an input explains a hunk: its value is in the lines added and in none removed. `was`: what
 * the removed line held in its place (the same line with another value: FROM node:22-... for 24), when
 * one does.
 */
function explains(input: Input, hunk: Hunk): { was: string | null } | null {
  if (hunk.removed.some((line) => positionIn(line, input.value) >= 0)) return null;
  for (const line of hunk.added) {
    const at = positionIn(line, input.value);
    if (at < 0) continue;
    const before = line.slice(0, at);
    const after = line.slice(at + input.value.length);
    const same = hunk.removed.find((removed) => removed.length > before.length + after.length && removed.startsWith(before) && removed.endsWith(after));
    // Else the token at the same place of a line that starts the same (golang:1.22-bookworm for golang:1.24-trixie).
    const token = /^\d+(\.\d+)*$/.test(input.value) ? /^\d+(\.\d+)*/ : /^[\w.+-]+/;
    const started = hunk.removed.find((removed) => removed.startsWith(before) && token.test(removed.slice(before.length)));
    const was = same ? same.slice(before.length, same.length - after.length) : started ? token.exec(started.slice(before.length))![0] : null;
    return { was: was !== null && /^[\w.+-]+$/.test(was) ? was : null };
  }
  return null;
}

/** The changes that turn the base into the new text: the merge's hunks, with the lines each one removes. */
const hunksBetween = (base: string[], now: string[]): Hunk[] =>
  hunksOf(base, now, 'theirs').map(({ start, end, lines }) => ({ start, end, removed: base.slice(start, end), added: lines }));

/** For each line of the base, the line of the file on disk that stands where it stood (the user's edits moved them). */
function diskLines(base: string[], disk: string[]): number[] {
  const map: number[] = [];
  let onDisk = 0;
  for (const part of diffArrays(base, disk)) {
    if (part.added) onDisk += part.value.length;
    // One at a time: spreading a list of a hundred thousand lines into push() overflows the stack.
    else for (let line = 0; line < part.value.length; line += 1) map.push(part.removed ? onDisk : onDisk++);
  }
  map.push(onDisk);
  return map;
}

/** A line quoted in a one-line message: trimmed, and cut where it would wrap a terminal twice. */
const quoted = (line: string) => `"${line.trim().length > 72 ? `${line.trim().slice(0, 71)}…` : line.trim()}"`;

/** Each language's end-of-life test of an image; a FROM line can name any language's image, so check loads them all. */
type EndOfLife = (image: string) => string | null;

const endOfLifeTests = async (): Promise<EndOfLife[]> =>
  (await Promise.all(LANGUAGE_NAMES.map(loadLanguage))).flatMap((language) => (language.endOfLife ? [language.endOfLife] : []));

/** Every image a Dockerfile's FROM lines name that a language's table says is past its end of life. */
function endOfLifeFindings(file: string, disk: string, tests: EndOfLife[]): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const [index, line] of disk.split('\n').entries()) {
    const image = /^\s*FROM\s+(?:--\S+\s+)*([^\s@]+)/i.exec(line)?.[1];
    if (image === undefined || seen.has(image)) continue;
    seen.add(image);
    const reason = tests.map((test) => test(image)).find((said) => said !== null);
    if (reason) findings.push({ file, line: index + 1, cause: 'end-of-life', message: `${file} line ${index + 1}: ${image}: ${reason}` });
  }
  return findings;
}

interface CheckContext {
  inputs: Input[];
  /** The stagecraft version generating now, to tell a template change from a project change. */
  version: string | null;
  endOfLife: EndOfLife[];
}

/** The differences between what was generated then and what is generated now, each attributed where an input explains it. */
function driftFindings(file: string, then: string, now: string, disk: string, context: CheckContext): Finding[] {
  const base = withoutStamp(unpinDockerfile(then)).split('\n');
  const hunks = hunksBetween(base, withoutStamp(now).split('\n'));
  const lineOf = diskLines(base, disk.split('\n'));
  const findings: Finding[] = [];
  const explained = new Set<Hunk>();
  for (const input of context.inputs) {
    const found = hunks.flatMap((hunk) => (explained.has(hunk) ? [] : [{ hunk, by: explains(input, hunk) }])).filter((entry) => entry.by !== null);
    if (found.length === 0) continue;
    found.forEach(({ hunk }) => explained.add(hunk));
    if (input.silent) continue;
    const line = lineOf[found[0]!.hunk.start]! + 1;
    const was = found.map(({ by }) => by!.was).find((value) => value !== null && value !== input.value);
    const change = was ? `${input.label} ${was} → ${input.value}` : `${input.label} is now ${input.value}`;
    findings.push({ file, line, cause: input.cause, message: `${file} line ${line}: ${change} (${input.evidence})` });
  }
  const thenVersion = readStamp(then)?.version;
  for (const hunk of hunks.filter((candidate) => !explained.has(candidate))) {
    const line = lineOf[hunk.start]! + 1;
    const what = hunk.added.length > 0 ? quoted(hunk.added[0]!) : `no longer ${quoted(hunk.removed[0]!)}`;
    const upgraded = thenVersion !== undefined && context.version !== null && thenVersion !== context.version;
    findings.push(
      upgraded
        ? { file, line, cause: 'stagecraft-version', message: `${file} line ${line}: stagecraft ${context.version} generates it differently than ${thenVersion} did: ${what}` }
        : { file, line, cause: 'differs', message: `${file} line ${line} differs from what stagecraft generates now: ${what}` },
    );
  }
  return findings.sort((a, b) => a.line! - b.line!);
}

/** What one generated file says: nothing when it matches (the user's edits aside), else its findings. */
function fileFindings(change: AssessedChange, context: CheckContext): Finding[] {
  const file = change.path;
  if (change.isLink) return [{ file, line: null, cause: 'link', message: `${file} is a symbolic link: stagecraft does not follow it, so it cannot be checked` }];
  if (change.existing === null) return [{ file, line: null, cause: 'missing', message: `${file} is missing: stagecraft generates it (run stagecraft to write it)` }];
  if (change.existing.length > MAX_DIFFED_BYTES) {
    return [
      {
        file,
        line: null,
        cause: 'not-generated',
        message: `${file} is ${change.existing.length} bytes, too large to compare line by line (stagecraft writes ${change.generated.length})`,
      },
    ];
  }
  const disk = change.existing.replace(/\r\n/g, '\n');
  const endOfLife = endOfLifeFindings(file, disk, context.endOfLife);
  // A file stagecraft does not stamp (docker-bake.hcl) is its text alone: compared as it is.
  if (change.record === undefined) return disk === change.generated ? endOfLife : [...driftFindings(file, disk, change.generated, disk, context), ...endOfLife];
  const outcome = reconcileGenerated(change.generated, change.record, change.existing);
  switch (outcome.kind) {
    case 'unchanged':
    case 'keep':
      return endOfLife;
    case 'regenerate':
      return [...driftFindings(file, disk, change.generated, disk, context), ...endOfLife];
    case 'merge':
      return [...driftFindings(file, change.record!, change.generated, disk, context), ...endOfLife];
    case 'unresolved':
      return [
        {
          file,
          line: null,
          cause: 'conflict-markers',
          message: `${file} still holds the conflict markers of an earlier merge (${CONFLICT_START} ... ${CONFLICT_END}): resolve them`,
        },
        ...endOfLife,
      ];
    case 'own':
      return [
        {
          file,
          line: null,
          cause: 'not-generated',
          message: `${file} was not generated by stagecraft (no stamp line), so it cannot be compared; stagecraft --dry-run shows how it differs from what stagecraft generates`,
        },
        ...endOfLife,
      ];
    default: {
      const places = hunksBetween(disk.split('\n'), change.generated.split('\n')).length;
      return [
        {
          file,
          line: null,
          cause: 'unrecorded',
          message: `${file} was edited and ${RECORD_FOLDER}/ has no record of the text stagecraft generated, so your edits cannot be told from drift; it differs from what stagecraft generates now in ${places} place${places === 1 ? '' : 's'}`,
        },
        ...endOfLife,
      ];
    }
  }
}

/** The generated files a check looks at: the Dockerfiles, their ignore files and docker-bake.hcl (never stagecraft.json, an input). */
const checked = (changes: AssessedChange[]) => changes.filter((change) => change.path !== CONFIG_FILE && !change.path.endsWith(`/${CONFIG_FILE}`));

/** Every finding for one app. */
export async function checkApp(generation: Generation, version: string | null): Promise<Finding[]> {
  const context = { inputs: inputsOf(generation.facts, generation.answers, generation.saved), version, endOfLife: await endOfLifeTests() };
  return checked(generation.changes).flatMap((change) => fileFindings(change, context));
}

/**
 * Every finding for a workspace root: a service with no Dockerfile yet is a new member, said once (the
 * lines it adds to the other services' ignore files and to docker-bake.hcl are its own); the others
 * are checked as their own runs.
 */
export async function checkWorkspace(generation: WorkspaceGeneration, version: string | null): Promise<Finding[]> {
  const endOfLife = await endOfLifeTests();
  const filesOf = ({ member, generation: service }: WorkspaceGeneration['services'][number]) => {
    const own = new Set(service.changes.map((change) => path.posix.join(member.run.dir, change.path)));
    return generation.changes.filter((change) => own.has(change.path));
  };
  const dockerfileOf = (service: WorkspaceGeneration['services'][number]) =>
    filesOf(service).find((change) => change.path === path.posix.join(service.member.run.dir, dockerfileNameOf(service.generation.plan)))!;
  const added = generation.services.filter((service) => dockerfileOf(service).existing === null && !dockerfileOf(service).isLink);
  const findings: Finding[] = added.map((service) => ({
    file: dockerfileOf(service).path,
    line: null,
    cause: 'new-service',
    message: `${service.member.folder}: a new service (${service.member.name}: ${service.member.why}) with no Dockerfile; stagecraft writes ${dockerfileOf(service).path} and its docker-bake.hcl target`,
  }));
  const newServices: Input[] = added.flatMap(({ member, target }) =>
    [member.folder, target].map((value) => ({ label: 'new service', value, evidence: member.folder, cause: 'new-service' as const, silent: true })),
  );
  const serviceFiles = new Set<string>();
  for (const service of generation.services) {
    filesOf(service).forEach((change) => serviceFiles.add(change.path));
    if (added.includes(service)) continue;
    const context = { inputs: [...inputsOf(service.generation.facts, service.generation.answers, service.generation.saved), ...newServices], version, endOfLife };
    findings.push(...checked(filesOf(service)).flatMap((change) => fileFindings(change, context)));
  }
  // docker-bake.hcl
  for (const change of generation.changes.filter((candidate) => !serviceFiles.has(candidate.path)))
    findings.push(...fileFindings(change, { inputs: newServices, version, endOfLife }));
  return findings;
}

/** Prints the findings (lines, or JSON with --json) and ends the run: exit 0 when there are none, 7 (drift) otherwise. */
export function reportFindings(findings: Finding[], notes: string[], options: { asJson: boolean; say(line: string): void; note(line: string): void }): void {
  if (options.asJson) options.say(JSON.stringify({ drift: findings.length > 0, findings, notes }, null, 2));
  else {
    notes.forEach(options.note);
    findings.forEach((finding) => options.say(finding.message));
  }
  if (findings.length === 0) {
    if (!options.asJson) options.note('check: the files match what stagecraft generates now (your own edits aside)');
    return;
  }
  throw new StagecraftError(
    `check: ${findings.length} finding${findings.length === 1 ? '' : 's'}: the files no longer match what stagecraft generates now (stagecraft --dry-run shows what a run would change)`,
    ExitCode.drift,
  );
}
