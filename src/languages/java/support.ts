import { detectJava, type JavaFacts } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { checkJavaEntry, chosenBuild, planJava, runnableApps } from './plan.js';
import { moduleByRule, moduleRuleWarning } from './modules.js';
import { javaWorkspace } from './workspace.js';
import type { JavaPlan } from './schema.js';
import { defineBehaviour } from '../../core/language.js';

const describeModules = (facts: JavaFacts, answers: Parameters<typeof chosenBuild>[1]) =>
  `runnable modules: ${
    runnableApps(chosenBuild(facts, answers))
      .map((app) => app.module)
      .join(', ') || 'none'
  }`;

const chosenApp = (facts: JavaFacts, answers: Parameters<typeof chosenBuild>[1]) => {
  const build = chosenBuild(facts, answers);
  return build.apps.find((app) => app.module === answers.entry) ?? runnableApps(build)[0];
};

/** What Java does with a project, loaded once a Maven or Gradle build file is found (see index.ts for the record). */
export const support = defineBehaviour<JavaFacts, JavaPlan>({
  detect: detectJava,
  isApp: () => true,
  entry: {
    asks: (facts, answers) => runnableApps(chosenBuild(facts, answers)).length > 1,
    fromFlag: (facts, raw, answers) => checkJavaEntry(chosenBuild(facts, answers), raw),
    fallback: (facts, answers) => {
      const build = chosenBuild(facts, answers);
      const runnable = runnableApps(build);
      // Several: a rule may decide (--yes takes it, saying so; a prompt offers it first), else nothing does.
      if (runnable.length > 1) {
        const chosen = moduleByRule(build);
        return chosen ? { value: chosen.app.module } : undefined;
      }
      return { value: runnable[0]?.module ?? null };
    },
    prompt: (facts, prompter, answers) =>
      prompter.select(
        'Several modules build a runnable app: which one goes in the image?',
        runnableApps(chosenBuild(facts, answers)).map((app) => ({
          value: app.module,
          label: app.module,
          hint: `${app.launch!.value.kind}, ${describeEvidence(app.launch!.evidence)}`,
        })),
      ),
    candidates: describeModules,
    inCommand: (facts) => facts.builds.some((build) => runnableApps(build).length > 1),
    explainDefault: (facts, entry, answers) => (entry === null ? null : moduleRuleWarning(chosenBuild(facts, answers), entry)),
  },
  port: {
    // Spring Boot and Quarkus listen on 8080 unless configured; a plain jar may not listen at all.
    asks: (facts, answers) => {
      const app = chosenApp(facts, answers);
      return app?.launch?.value.kind === 'jar' && app.port.evidence === null;
    },
    fallback: (facts, answers) => {
      const app = chosenApp(facts, answers);
      return app ? app.port.value : 8080;
    },
  },
  workspace: javaWorkspace,
  plan: planJava,
});
