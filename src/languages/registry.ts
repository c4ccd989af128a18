import type { LanguageRecord, LanguageSupport } from '../core/language.js';
import { noteLoaded } from '../loaded-parts.js';
import { go } from './go/index.js';
import { java } from './java/index.js';
import { node } from './node/index.js';
import { python } from './python/index.js';
import { rust } from './rust/index.js';

/**
 * Every supported language, in the order help, errors and detection list them. This is the only
 * list of languages: adding one is its folder under src/languages/ and one line here.
 */
const RECORDS = [go, rust, node, python, java] as const;

type BehaviourOf<R> = R extends { load(): Promise<infer B> } ? B : never;
type FactsOf<R> = BehaviourOf<R> extends { detect(project: never): infer F } ? F : never;
type PlanOf<R> = BehaviourOf<R> extends { plan(...args: never[]): { plan: infer P } } ? P : never;

/** Facts of every supported language; `language` tells them apart. */
export type Facts = FactsOf<(typeof RECORDS)[number]>;
/** The validated plan of every supported language; `language` tells them apart. */
export type Plan = PlanOf<(typeof RECORDS)[number]>;
export type LanguageName = Facts['language'];

/** The records typed for code that handles every language alike (their methods take any language's facts). */
export const LANGUAGES: readonly LanguageRecord<Facts, Plan>[] = RECORDS;
export const LANGUAGE_NAMES = RECORDS.map((record) => record.language) as [LanguageName, ...LanguageName[]];

export const languageNamed = (name: LanguageName): LanguageRecord<Facts, Plan> => LANGUAGES.find((record) => record.language === name)!;

const loaded = new Map<LanguageName, LanguageSupport<Facts, Plan>>();

/**
 * The language's record with its behaviour, loaded on first use: detection calls it for the languages
 * whose manifests it finds, so a run loads only those.
 */
export async function loadLanguage(name: LanguageName): Promise<LanguageSupport<Facts, Plan>> {
  const known = loaded.get(name);
  if (known) return known;
  const record = languageNamed(name);
  const behaviour = await record.load();
  noteLoaded(name);
  const support = { ...record, ...behaviour, entry: { ...record.entry, ...behaviour.entry } };
  loaded.set(name, support);
  return support;
}

/** The record of these facts' language, with its behaviour: facts come from its detector, so it is loaded. */
export const supportFor = (facts: Facts): LanguageSupport<Facts, Plan> => {
  const support = loaded.get(facts.language);
  if (!support) throw new Error(`the ${facts.language} language's behaviour is used before loadLanguage loaded it`);
  return support;
};
