import { supportFor, type Facts } from '../languages/registry.js';
import type { Planned } from '../core/language.js';
import type { Answers } from '../core/options.js';
import type { Plan } from '../languages/registry.js';

/** Turns facts and answers into the validated plan for the project's language. */
export function buildPlan(facts: Facts, answers: Answers, generatorVersion: string): Planned<Plan> {
  return supportFor(facts).plan(facts, answers, generatorVersion);
}
