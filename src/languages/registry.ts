import type { LanguageSupport } from '../core/language.js';
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

type FactsOf<R> = R extends { detect(project: never): infer F } ? F : never;
type PlanOf<R> = R extends { plan(...args: never[]): { plan: infer P } } ? P : never;

/** Facts of every supported language; `language` tells them apart. */
export type Facts = FactsOf<(typeof RECORDS)[number]>;
/** The validated plan of every supported language; `language` tells them apart. */
export type Plan = PlanOf<(typeof RECORDS)[number]>;
export type LanguageName = Facts['language'];

/** The records typed for code that handles every language alike (their methods take any language's facts). */
export const LANGUAGES: readonly LanguageSupport<Facts, Plan>[] = RECORDS;
export const LANGUAGE_NAMES = RECORDS.map((record) => record.language) as [LanguageName, ...LanguageName[]];

export const languageNamed = (name: LanguageName): LanguageSupport<Facts, Plan> => LANGUAGES.find((record) => record.language === name)!;

/** The record of these facts' language. */
export const supportFor = (facts: Facts) => languageNamed(facts.language);
