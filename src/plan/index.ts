import type { Facts } from '../detect/index.js';
import { planGo, type Planned } from './go.js';
import { planNode } from './node.js';
import type { Answers } from './options.js';
import type { Plan } from './schema.js';

/** Turns facts and answers into the validated plan for the project's language. */
export function buildPlan(facts: Facts, answers: Answers, generatorVersion: string): Planned<Plan> {
  switch (facts.language) {
    case 'go':
      return planGo(facts, answers, generatorVersion);
    case 'node':
      return planNode(facts, answers, generatorVersion);
  }
}
