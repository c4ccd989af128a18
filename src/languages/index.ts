import type { GoFacts } from '../detect/go.js';
import type { JavaFacts } from '../detect/java.js';
import type { NodeFacts } from '../detect/node.js';
import type { PythonFacts } from '../detect/python.js';
import type { RustFacts } from '../detect/rust.js';
import type { Plan } from '../plan/schema.js';
import { goSupport } from './go.js';
import { javaSupport } from './java.js';
import { nodeSupport } from './node.js';
import { pythonSupport } from './python.js';
import { rustSupport } from './rust.js';
import type { LanguageSupport } from './types.js';

/** Facts of every supported language; `language` tells them apart. */
export type Facts = GoFacts | NodeFacts | PythonFacts | RustFacts | JavaFacts;
export type SupportedLanguage = Facts['language'];

type Registry = { [L in SupportedLanguage]: LanguageSupport<Extract<Facts, { language: L }>, Extract<Plan, { language: L }>> };

/** One entry per supported language, in the order `--help` and errors list them. */
export const LANGUAGE_SUPPORT: Registry = {
  go: goSupport,
  node: nodeSupport,
  python: pythonSupport,
  rust: rustSupport,
  java: javaSupport,
};

/** The support module for these facts' language, typed for code that handles every language alike. */
export const supportFor = (facts: Facts) => LANGUAGE_SUPPORT[facts.language] as unknown as LanguageSupport<Facts, Plan>;
