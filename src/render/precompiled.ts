/**
 * Templates precompiled at bundle time, keyed by their path under templates/ without `.hbs`
 * ("<language>/Dockerfile", "partials/final/stages"). Empty in the sources, so tests read the .hbs files;
 * scripts/build.mjs replaces this module in the published bundle, so a run compiles nothing.
 */
export const PRECOMPILED: Record<string, TemplateSpecification> = {};
