import { projectError, usageError } from '../errors.js';
import type { ProjectFiles } from '../project.js';
import { detectGo, type GoFacts } from './go.js';
import { detectNode, type NodeFacts } from './node.js';
import type { Language } from './types.js';

export type Facts = GoFacts | NodeFacts;

/** Root files that identify each language's projects, in the order they are reported. */
const MARKERS: Record<Language, string[]> = {
  go: ['go.mod'],
  rust: ['Cargo.toml'],
  node: ['package.json'],
  python: ['pyproject.toml', 'requirements.txt', 'setup.py', 'Pipfile'],
  java: ['pom.xml', 'build.gradle', 'build.gradle.kts'],
};

const DETECTORS: Partial<Record<Language, (project: ProjectFiles) => Facts>> = {
  go: detectGo,
  node: detectNode,
};

export const SUPPORTED_LANGUAGES = Object.keys(DETECTORS) as Language[];

export interface Detection {
  facts: Facts;
  warnings: string[];
}

const markersOf = (project: ProjectFiles, language: Language) => MARKERS[language].filter((file) => project.hasFile(file));

/**
 * Decides which language the folder holds and runs that language's detector.
 * `forced` (from --lang) skips the guess but still needs the language's manifest.
 */
export function detectProject(project: ProjectFiles, forced?: Language): Detection {
  if (forced) {
    const detector = DETECTORS[forced];
    if (!detector) throw projectError(`--lang ${forced}: not supported yet (supported: ${SUPPORTED_LANGUAGES.join(', ')})`);
    if (markersOf(project, forced).length === 0) {
      throw projectError(`--lang ${forced}: no ${MARKERS[forced].join(' or ')} in ${project.root}`);
    }
    return { facts: detector(project), warnings: [] };
  }

  const present = (Object.keys(MARKERS) as Language[])
    .map((language) => ({ language, markers: markersOf(project, language) }))
    .filter(({ markers }) => markers.length > 0);
  if (present.length === 0) {
    const expected = Object.values(MARKERS).flat().join(', ');
    throw projectError(`${project.root}: no project found (looked for ${expected})`);
  }
  const supported = present.filter(({ language }) => DETECTORS[language]);
  if (supported.length === 0) {
    const { language, markers } = present[0]!;
    throw projectError(
      `${project.root}: a ${language} project (${markers[0]}), which stagecraft does not support yet (supported: ${SUPPORTED_LANGUAGES.join(', ')})`,
    );
  }
  // A package.json that starts nothing (front-end assets, tooling) does not make a Node app.
  const detected = supported.map(({ language, markers }) => ({ language, markers, facts: DETECTORS[language]!(project) }));
  const apps = detected.length > 1 ? detected.filter(({ facts }) => facts.language !== 'node' || facts.start !== null || facts.framework.value !== null) : detected;
  if (apps.length !== 1) {
    const found = detected.map(({ language, markers }) => `${language} (${markers[0]})`).join(', ');
    throw usageError(`several projects in one folder: ${found}; pass --lang to choose one`);
  }
  const [chosen] = apps;
  const warnings = present
    .filter(({ language }) => language !== chosen!.language)
    .map(({ markers }) => `${markers[0]} is also here; generating for ${chosen!.language} (${chosen!.markers[0]}), pass --lang to change that`);
  return { facts: chosen!.facts, warnings };
}
