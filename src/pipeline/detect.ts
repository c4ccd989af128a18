import { projectError, usageError } from '../errors.js';
import type { ProjectFiles } from '../project.js';
import { LANGUAGES, languageNamed, loadLanguage, supportFor, type Facts, type LanguageName, type Plan } from '../languages/registry.js';
import type { LanguageRecord } from '../core/language.js';
import { describeEvidence, namesNoRelease } from '../core/facts.js';

export type { Facts } from '../languages/registry.js';

/** An app of another language in a folder directly inside the project (a frontend/ beside a backend). */
export interface OtherApp {
  folder: string;
  /** Its manifest, project-relative: what shows it is an app of its own. */
  marker: string;
}

export interface Detection {
  facts: Facts;
  warnings: string[];
  /** Other languages' apps in the project's folders, which the build context leaves out. */
  otherApps: OtherApp[];
}

/** A language whose manifest is at the project's root: one of the apps the folder could be built as. */
export interface Candidate {
  language: LanguageName;
  /** Its first manifest found, as errors and questions name it. */
  marker: string;
  facts: Facts;
  /** Whether it builds an app of its own (a package.json for assets does not). */
  app: boolean;
}

const markersOf = (project: ProjectFiles, language: LanguageRecord<Facts, Plan>, folder = '') =>
  language.markers.map((file) => `${folder}${file}`).filter((file) => project.exists(file));

/**
 * The language's first source file in the folder when a folder above holds its manifest (a package of a
 * Go module in a sub-folder): what makes it a candidate when no language's marker is in the folder.
 */
function memberMarkersOf(project: ProjectFiles, language: LanguageRecord<Facts, Plan>): string[] {
  const { memberOf } = language;
  if (!memberOf) return [];
  const source = project.topEntries().find((name) => memberOf.sources.some((ending) => name.endsWith(ending)) && project.hasFile(name));
  if (!source) return [];
  const enclosed = project.findUp((folder) => (memberOf.enclosing.some((file) => folder.hasFile(file)) ? true : null));
  return enclosed ? [source] : [];
}

/** The facts, unless the detected version is no release at all (see namesNoRelease). */
function withRealVersion(facts: Facts): Facts {
  const { value, evidence } = facts.runtimeVersion;
  if (namesNoRelease(value)) throw projectError(`${describeEvidence(evidence)}: version "${value.slice(0, 40)}" is no release (a number of seven digits or more)`);
  return facts;
}

/**
 * Every language whose manifest is at the root, detected. `forced` (from --lang) keeps only that
 * one, which still needs its manifest. Only these languages' code is loaded.
 */
export async function detectCandidates(project: ProjectFiles, forced?: LanguageName): Promise<Candidate[]> {
  const candidateOf = async (record: LanguageRecord<Facts, Plan>, markers: string[]): Promise<Candidate> => {
    const language = await loadLanguage(record.language);
    const facts = language.detect(project);
    return { language: language.language, marker: markers[0]!, facts, app: supportFor(facts).isApp(facts) };
  };
  if (forced) {
    const language = languageNamed(forced);
    const exact = markersOf(project, language);
    const markers = exact.length > 0 ? exact : memberMarkersOf(project, language);
    if (markers.length === 0) throw projectError(`--lang ${forced}: no ${language.markers.join(' or ')} in ${project.root}`);
    return [await candidateOf(language, markers)];
  }
  const found = (markersIn: typeof markersOf) => LANGUAGES.map((language) => ({ language, markers: markersIn(project, language) })).filter(({ markers }) => markers.length > 0);
  // Sources of a project above count only where no language's own marker is: a stray file beside another manifest changes nothing.
  const exact = found(markersOf);
  const present = exact.length > 0 ? exact : found(memberMarkersOf);
  if (present.length === 0) {
    const expected = LANGUAGES.flatMap((language) => language.markers).join(', ');
    throw projectError(`${project.root}: no project found (looked for ${expected})`);
  }
  // One after the other: a detector's error is the first language's, as before, and detection reads files synchronously anyway.
  const candidates: Candidate[] = [];
  for (const { language, markers } of present) candidates.push(await candidateOf(language, markers));
  return candidates;
}

/** The candidate built without a question: the only one, or the only app among them; several apps cannot be decided. */
export function preferredCandidate(candidates: Candidate[]): Candidate {
  if (candidates.length === 1) return candidates[0]!;
  const apps = candidates.filter(({ app }) => app);
  if (apps.length !== 1) {
    const found = candidates.map(({ language, marker }) => `${language} (${marker})`).join(', ');
    throw usageError(`several projects in one folder: ${found}; pass --lang to choose one`);
  }
  return apps[0]!;
}

/** Why the chosen candidate was built without a question, and how to build each other one instead. */
export function choiceWarnings(candidates: Candidate[], chosen: Candidate): string[] {
  return candidates
    .filter(({ language }) => language !== chosen.language)
    .map(
      ({ language, marker }) =>
        `${marker} is also here, but ${language} finds no app in it; generating for ${chosen.language} (${chosen.marker}), the only app here: pass --lang ${language} to build the other`,
    );
}

/** Apps of other languages than the chosen one in the folders directly inside the project: the languages' manifests only, so it stays cheap. */
function otherAppsBeside(project: ProjectFiles, chosen: LanguageName): OtherApp[] {
  const others = LANGUAGES.filter((language) => language.language !== chosen);
  return project.childFolders().flatMap((folder) => {
    const marker = others.flatMap((language) => markersOf(project, language, `${folder}/`))[0];
    return marker ? [{ folder, marker }] : [];
  });
}

/**
 * The folders of other languages' tools at the root, when their manifest is there too (a frontend's
 * node_modules beside a backend's manifest), found by the manifest so --lang finds them as well.
 */
function otherToolFolders(project: ProjectFiles, chosen: LanguageName): OtherApp[] {
  return LANGUAGES.filter((language) => language.language !== chosen).flatMap((language) => {
    const [marker] = markersOf(project, language);
    return marker ? (language.ownFolders ?? []).filter((folder) => project.hasDir(folder)).map((folder) => ({ folder, marker })) : [];
  });
}

/** The detection of the chosen candidate: its facts, the warnings so far, and the other apps beside it. */
export function detectionOf(project: ProjectFiles, chosen: Candidate, warnings: string[]): Detection {
  const found = otherAppsBeside(project, chosen.language);
  const read = new Set(supportFor(chosen.facts).foldersBuildReads?.(chosen.facts) ?? []);
  // A folder the build itself reads (a frontend Go embeds) stays in the context: leaving it out would break the build.
  const beside = found.filter(({ folder }) => !read.has(folder));
  const besideWarnings = found.map(({ folder, marker }) =>
    read.has(folder)
      ? `${folder}/ holds another app (${marker}); generating for ${chosen.language} (${chosen.marker}), whose build reads ${folder}/, so it stays in the build context`
      : `${folder}/ holds another app (${marker}); generating for ${chosen.language} (${chosen.marker}) and leaving ${folder}/ out of the build context (.dockerignore); run stagecraft in ${folder}/ for its own image`,
  );
  return { facts: withRealVersion(chosen.facts), warnings: [...warnings, ...besideWarnings], otherApps: [...otherToolFolders(project, chosen.language), ...beside] };
}

/**
 * Decides which language the folder holds and runs that language's detector, without questions
 * (a terminal run asks among the candidates instead: src/cli/answers.ts).
 * `forced` (from --lang) skips the guess but still needs the language's manifest.
 */
export async function detectProject(project: ProjectFiles, forced?: LanguageName): Promise<Detection> {
  const candidates = await detectCandidates(project, forced);
  const chosen = preferredCandidate(candidates);
  return detectionOf(project, chosen, choiceWarnings(candidates, chosen));
}
