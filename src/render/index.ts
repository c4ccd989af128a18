import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PACKAGE_ROOT } from '../paths.js';
import type { Plan } from '../languages/registry.js';
import { PRECOMPILED, PRECOMPILED_FOLDERS } from './precompiled.js';
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

/**
 * The templates a language's files may use, by their path under templates/ without `.hbs`: the
 * shared ones (templates/partials/, the files at the top) and the language's own folder; none for
 * docker-bake.hcl. Another language's templates are never loaded.
 */
const usedBy = (language: string | null) => (name: string) => {
  const folder = name.includes('/') ? name.slice(0, name.indexOf('/')) : null;
  return folder === null || folder === 'partials' || folder === language;
};

/** The templates' names, from the .hbs files under templates/ (the sources' case: nothing is precompiled). */
const templateFiles = () =>
  readdirSync(TEMPLATES_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hbs'))
    .map((entry) =>
      path
        .relative(TEMPLATES_DIR, path.join(entry.parentPath, entry.name))
        .replace(/\\/g, '/')
        .replace(/\.hbs$/, ''),
    );

/** The templates `language` uses, each a function compiling it: precompiled in the bundle (its language's part loaded now), else its file. */
async function templatesOf(language: string | null): Promise<Map<string, (env: typeof Handlebars) => HandlebarsTemplateDelegate>> {
  const precompiled = PRECOMPILED && { ...PRECOMPILED, ...(language !== null && Object.hasOwn(PRECOMPILED_FOLDERS, language) ? await PRECOMPILED_FOLDERS[language]!() : {}) };
  const names = (precompiled ? Object.keys(precompiled) : templateFiles()).filter(usedBy(language));
  return new Map(
    names.map((name) => [
      name,
      (env: typeof Handlebars) => (precompiled ? env.template(precompiled[name]!) : env.compile(readFileSync(path.join(TEMPLATES_DIR, `${name}.hbs`), 'utf8'), COMPILE_OPTIONS)),
    ]),
  );
}

/**
 * An environment with the helpers and the partials `language` may use: shared ones under
 * templates/partials/ (named by their path there), and the language's own under
 * templates/<language>/partials/ (named `<language>/...`, so no shared folder holds them).
 */
async function createEnvironment(language: string | null): Promise<{ env: typeof Handlebars; templates: Map<string, (env: typeof Handlebars) => HandlebarsTemplateDelegate> }> {
  const env = Handlebars.create();
  // Formatting only, never decisions: exec-form arrays as JSON, lists joined, and the name of the
  // partial a plan value picks in a folder (`{{> (partialPath 'os-packages' manager)}}`), so each
  // choice is a file of its own instead of an eq ladder.
  env.registerHelper('json', (items: string[]) => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`);
  env.registerHelper('join', (items: string[], separator: unknown) => items.join(typeof separator === 'string' ? separator : ' '));
  env.registerHelper('partialPath', (folder: string, name: string) => `${folder}/${name}`);
  const templates = await templatesOf(language);
  for (const [template, compile] of templates) {
    const match = /^(?:partials\/(.+)|([^/]+)\/partials\/(.+))$/.exec(template);
    if (match) env.registerPartial(match[1] ?? `${match[2]}/${match[3]}`, compile(env));
  }
  return { env, templates };
}

/** One environment per language (null: docker-bake.hcl's), made on first use; a workspace renders several services. */
const environments = new Map<string | null, ReturnType<typeof createEnvironment>>();
const environmentFor = (language: string | null) => {
  if (!environments.has(language)) environments.set(language, createEnvironment(language));
  return environments.get(language)!;
};

/** Renders the plan into the files it implies, each stamped (src/render/stamp.ts). Templates see the plan and nothing else. */
export async function render(plan: Plan): Promise<Change[]> {
  const { env, templates } = await environmentFor(plan.language);
  return outputsOf(plan).map(({ path: output, template }) => {
    const compiled = templates.get(`${plan.language}/${template.replace(/\.hbs$/, '')}`)!(env);
    return { path: output, content: stamp(tidy(compiled(plan))) };
  });
}

/**
 * Renders docker-bake.hcl, a workspace's one build file, from its checked targets (src/cli/workspace.ts).
 * Stamped like the Dockerfiles, so a re-run after a new service replaces it rather than taking it for the user's.
 */
export async function renderBake(bake: object): Promise<string> {
  const { env, templates } = await environmentFor(null);
  return stamp(tidy(templates.get('bake.hcl')!(env)(bake)));
}

/** Collapses the blank lines that skipped template blocks leave behind; a file ends with one newline. */
const tidy = (text: string) => `${text.replace(/\n{3,}/g, '\n\n').trim()}\n`;
