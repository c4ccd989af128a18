import { supportFor, type Facts } from '../languages/index.js';
import type { Planned } from '../languages/types.js';
import type { Answers } from './options.js';
import type { Plan } from './schema.js';

/** Turns facts and answers into the validated plan for the project's language. */
export function buildPlan(facts: Facts, answers: Answers, generatorVersion: string): Planned<Plan> {
  return supportFor(facts).plan(facts, answers, generatorVersion);
}
