import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PACKAGE_ROOT } from '../paths.js';
import type { Plan } from '../languages/registry.js';
import { PRECOMPILED } from './precompiled.js';
import { stamp } from './stamp.js';

/** A file the run wants to produce; nothing touches the disk until the change list is written. */
export interface Change {
  path: string;
  content: string;
}

const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');

/** The Dockerfile's name in the project folder: `Dockerfile`, unless it is built by another name (-f). */
export const dockerfileNameOf = (plan: Plan) => (plan.dockerfileFlag ? path.posix.basename(plan.dockerfileFlag) : 'Dockerfile');

/** Files each language renders, named by the plan (the ignore file depends on the build context). */
const outputsOf = (plan: Plan) => [
  { path: dockerfileNameOf(plan), template: 'Dockerfile.hbs' },
  { path: plan.dockerignoreName, template: 'dockerignore.hbs' },
];

/** scripts/build.mjs precompiles with the same options. */
const COMPILE_OPTIONS = { strict: true, noEscape: true };

/** A template by its path under templates/ without `.hbs`: precompiled in the bundle, else compiled from its file. */
function compiledTemplate(env: typeof Handlebars, name: string): HandlebarsTemplateDelegate {
  const spec = PRECOMPILED[name];
  return spec ? env.template(spec) : env.compile(readFileSync(path.join(TEMPLATES_DIR, `${name}.hbs`), 'utf8'), COMPILE_OPTIONS);
}

/**
 * Partials: shared ones under templates/partials/ (named by their path there), and a language's own
 * under templates/<language>/partials/ (named `<language>/...`, so no shared folder holds them).
 */
function partialFiles(): { name: string; template: string }[] {
  return readdirSync(TEMPLATES_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hbs'))
    .map((entry) =>
      path
        .relative(TEMPLATES_DIR, path.join(entry.parentPath, entry.name))
        .replace(/\\/g, '/')
        .replace(/\.hbs$/, ''),
    )
    .flatMap((template) => {
      const match = /^(?:partials\/(.+)|([^/]+)\/partials\/(.+))$/.exec(template);
      if (!match) return [];
      return [{ name: match[1] ?? `${match[2]}/${match[3]}`, template }];
    });
}

function createEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  // Formatting only, never decisions: exec-form arrays as JSON, lists joined, and the name of the
  // partial a plan value picks in a folder (`{{> (partialPath 'os-packages' manager)}}`), so each
  // choice is a file of its own instead of an eq ladder.
  env.registerHelper('json', (items: string[]) => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`);
  env.registerHelper('join', (items: string[], separator: unknown) => items.join(typeof separator === 'string' ? separator : ' '));
  env.registerHelper('partialPath', (folder: string, name: string) => `${folder}/${name}`);
  for (const { name, template } of partialFiles()) env.registerPartial(name, compiledTemplate(env, template));
  return env;
}

let environment: typeof Handlebars | undefined;

/** Renders the plan into the files it implies, each stamped (src/render/stamp.ts). Templates see the plan and nothing else. */
export function render(plan: Plan): Change[] {
  environment ??= createEnvironment();
  const env = environment;
  return outputsOf(plan).map(({ path: output, template }) => {
    const compiled = compiledTemplate(env, `${plan.language}/${template.replace(/\.hbs$/, '')}`);
    return { path: output, content: stamp(tidy(compiled(plan))) };
  });
}

/**
 * Renders docker-bake.hcl, a workspace's one build file, from its checked targets (src/cli/workspace.ts).
 * Stamped like the Dockerfiles, so a re-run after a new service replaces it rather than taking it for the user's.
 */
export function renderBake(bake: object): string {
  environment ??= createEnvironment();
  return stamp(tidy(compiledTemplate(environment, 'bake.hcl')(bake)));
}

/** Collapses the blank lines that skipped template blocks leave behind; a file ends with one newline. */
const tidy = (text: string) => `${text.replace(/\n{3,}/g, '\n\n').trim()}\n`;
