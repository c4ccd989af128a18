import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PACKAGE_ROOT } from '../paths.js';
import type { Plan } from '../plan/schema.js';

/** A file the run wants to produce; nothing touches the disk until the change list is written. */
export interface Change {
  path: string;
  content: string;
}

const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');

/** Files each language renders, named by the plan (the ignore file depends on the build context). */
const outputsOf = (plan: Plan) => [
  { path: 'Dockerfile', template: 'Dockerfile.hbs' },
  { path: plan.dockerignoreName, template: 'dockerignore.hbs' },
];

function createEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  // Formatting only, never decisions: exec-form arrays as JSON, lists joined, equality for partial choice.
  env.registerHelper('json', (items: string[]) => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`);
  env.registerHelper('join', (items: string[], separator: unknown) => items.join(typeof separator === 'string' ? separator : ' '));
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const partialsDir = path.join(TEMPLATES_DIR, 'partials');
  for (const entry of readdirSync(partialsDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.hbs')) continue;
    const full = path.join(entry.parentPath, entry.name);
    const name = path.relative(partialsDir, full).replace(/\\/g, '/').replace(/\.hbs$/, '');
    env.registerPartial(name, readFileSync(full, 'utf8'));
  }
  return env;
}

let environment: typeof Handlebars | undefined;

/** Renders the plan into the files it implies. Templates see the plan and nothing else. */
export function render(plan: Plan): Change[] {
  environment ??= createEnvironment();
  const env = environment;
  return outputsOf(plan).map(({ path: output, template }) => {
    const source = readFileSync(path.join(TEMPLATES_DIR, plan.language, template), 'utf8');
    const compiled = env.compile(source, { strict: true, noEscape: true });
    return { path: output, content: tidy(compiled(plan)) };
  });
}

/** Collapses the blank lines that skipped template blocks leave behind; a file ends with one newline. */
const tidy = (text: string) => `${text.replace(/\n{3,}/g, '\n\n').trim()}\n`;
