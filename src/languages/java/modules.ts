import type { JavaApp, JavaBuild } from './jvm.js';

/**
 * The runnable module of a multi-module build chosen by rule, for --yes: the one named after the
 * root project or its folder, else the only one that applies the Spring Boot or application plugin.
 * Null when no rule decides (then the module is asked, or --entry must name it).
 */
export function moduleByRule(build: JavaBuild): { app: JavaApp; why: string } | null {
  const runnable = build.apps.filter((app) => app.launch !== null);
  if (runnable.length < 2) return null;
  const named = runnable.filter((app) => build.rootNames.some((name) => name === app.name || name === app.module.split('/').at(-1)));
  if (named.length === 1) return { app: named[0]!, why: `the one named after the root project (${build.rootNames.join(' or ')})` };
  const applying = runnable.filter((app) => app.launch!.value.kind === 'spring-boot' || app.appliesApplicationPlugin === true);
  if (applying.length === 1) return { app: applying[0]!, why: 'the only one that applies the Spring Boot or application plugin' };
  return null;
}

/** The warning that says which module --yes chose, and how to choose another. */
export function moduleRuleWarning(build: JavaBuild, module: string): string | null {
  const chosen = moduleByRule(build);
  if (!chosen || chosen.app.module !== module) return null;
  const others = build.apps.filter((app) => app.launch !== null && app !== chosen.app).map((app) => app.module);
  return `several modules are runnable: building ${module}, ${chosen.why}; --entry ${others.join(' or --entry ')} builds another`;
}
