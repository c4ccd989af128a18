import { projectError, usageError } from '../errors.js';
import type { ProjectFiles } from '../project.js';
import { LANGUAGES, languageNamed, supportFor, type Facts, type LanguageName, type Plan } from '../languages/registry.js';
import type { LanguageSupport } from '../core/language.js';
import { describeEvidence } from '../core/facts.js';

export type { Facts } from '../languages/registry.js';

export interface Detection {
  facts: Facts;
  warnings: string[];
}

const markersOf = (project: ProjectFiles, language: LanguageSupport<Facts, Plan>) => language.markers.filter((file) => project.exists(file));

/**
 * A version with a number of seven digits or more is no release of any language: an image tag made
 * of it does not exist, and past 2^53 it is not even the number it reads as.
 */
function withRealVersion(facts: Facts): Facts {
  const { value, evidence } = facts.runtimeVersion;
  if (/\d{7}/.test(value)) throw projectError(`${describeEvidence(evidence)}: version "${value.slice(0, 40)}" is no release (a number of seven digits or more)`);
  return facts;
}

/**
 * Decides which language the folder holds and runs that language's detector.
 * `forced` (from --lang) skips the guess but still needs the language's manifest.
 */
export function detectProject(project: ProjectFiles, forced?: LanguageName): Detection {
  if (forced) {
    const language = languageNamed(forced);
    if (markersOf(project, language).length === 0) {
      throw projectError(`--lang ${forced}: no ${language.markers.join(' or ')} in ${project.root}`);
    }
    return { facts: withRealVersion(language.detect(project)), warnings: [] };
  }

  const present = LANGUAGES.map((language) => ({ language, markers: markersOf(project, language) })).filter(({ markers }) => markers.length > 0);
  if (present.length === 0) {
    const expected = LANGUAGES.flatMap((language) => language.markers).join(', ');
    throw projectError(`${project.root}: no project found (looked for ${expected})`);
  }
  const detected = present.map(({ language, markers }) => ({ name: language.language, markers, facts: language.detect(project) }));
  // With several manifests, one that builds no app of its own (a package.json for assets) steps aside.
  const apps = detected.length > 1 ? detected.filter(({ facts }) => supportFor(facts).isApp(facts)) : detected;
  if (apps.length !== 1) {
    const found = detected.map(({ name, markers }) => `${name} (${markers[0]})`).join(', ');
    throw usageError(`several projects in one folder: ${found}; pass --lang to choose one`);
  }
  const [chosen] = apps;
  const warnings = detected
    .filter(({ name }) => name !== chosen!.name)
    .map(({ markers }) => `${markers[0]} is also here; generating for ${chosen!.name} (${chosen!.markers[0]}), pass --lang to change that`);
  return { facts: withRealVersion(chosen!.facts), warnings };
}
