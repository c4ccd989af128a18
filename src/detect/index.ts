import { projectError, usageError } from '../errors.js';
import type { ProjectFiles } from '../project.js';
import { LANGUAGE_SUPPORT, supportFor, type Facts } from '../languages/index.js';
import type { Language } from './types.js';

export type { Facts } from '../languages/index.js';

/** Root files that identify each language's projects, in the order they are reported. */
const MARKERS: Record<Language, string[]> = {
  go: ['go.mod'],
  rust: ['Cargo.toml'],
  node: ['package.json'],
  python: ['pyproject.toml', 'requirements.txt', 'setup.py', 'setup.cfg', 'Pipfile'],
  java: ['pom.xml', 'build.gradle', 'build.gradle.kts', 'settings.gradle.kts', 'settings.gradle'],
};

const detect = (project: ProjectFiles, language: Language): Facts => LANGUAGE_SUPPORT[language].detect(project);

export interface Detection {
  facts: Facts;
  warnings: string[];
}

const markersOf = (project: ProjectFiles, language: Language) => MARKERS[language].filter((file) => project.exists(file));

/**
 * Decides which language the folder holds and runs that language's detector.
 * `forced` (from --lang) skips the guess but still needs the language's manifest.
 */
export function detectProject(project: ProjectFiles, forced?: Language): Detection {
  if (forced) {
    if (markersOf(project, forced).length === 0) {
      throw projectError(`--lang ${forced}: no ${MARKERS[forced].join(' or ')} in ${project.root}`);
    }
    return { facts: detect(project, forced), warnings: [] };
  }

  const present = (Object.keys(MARKERS) as Language[])
    .map((language) => ({ language, markers: markersOf(project, language) }))
    .filter(({ markers }) => markers.length > 0);
  if (present.length === 0) {
    const expected = Object.values(MARKERS).flat().join(', ');
    throw projectError(`${project.root}: no project found (looked for ${expected})`);
  }
  const detected = present.map(({ language, markers }) => ({ language, markers, facts: detect(project, language) }));
  // With several manifests, one that builds no app of its own (a package.json for assets) steps aside.
  const apps = detected.length > 1 ? detected.filter(({ facts }) => supportFor(facts).isApp(facts)) : detected;
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
