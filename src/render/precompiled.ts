/**
 * Templates precompiled at bundle time, keyed by their path under templates/ without `.hbs`
 * ("partials/final/stages", "bake.hcl"): the shared ones here, each language's folder
 * ("<language>/Dockerfile") in a module of its own that `PRECOMPILED_FOLDERS` initialises, so a run
 * builds one language's templates. Null in the sources, so tests read the .hbs files; scripts/build.mjs
 * replaces this module in the published bundle, so a run compiles nothing.
 */
export const PRECOMPILED: Record<string, TemplateSpecification> | null = null;

/** Loads the precompiled templates of one folder under templates/ (a language's), by its name; none in the sources. */
export const PRECOMPILED_FOLDERS: Record<string, () => Promise<Record<string, TemplateSpecification>>> = {};
