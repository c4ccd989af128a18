import { detectJava, type JavaFacts } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { checkJavaEntry, chosenBuild, planJava, runnableApps } from './plan.js';
import { moduleByRule, moduleRuleWarning } from './modules.js';
import { javaWorkspace } from './workspace.js';
import { buildToolOption, javaRuntimeOption } from './questions.js';
import type { JavaPlan } from './schema.js';
import { defineLanguage } from '../../core/language.js';

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

const JLINK_RUNTIME_MB = 55;
const TEMURIN_JRE_MB = 170;

export const java = defineLanguage<JavaFacts, JavaPlan>({
  language: 'java',
  markers: ['pom.xml', 'build.gradle', 'build.gradle.kts', 'settings.gradle.kts', 'settings.gradle'],
  detect: detectJava,
  isApp: () => true,
  runtimeVersion: {
    example: 'a Java major such as 21',
    source: 'pom.xml, Gradle build, .java-version, .sdkmanrc, mise.toml or .tool-versions',
    normalize: (raw) => {
      const major = raw.split('.')[0]!;
      // "1.8" is Java 8's old spelling.
      const value = major === '1' ? raw.split('.')[1] : major;
      return value !== undefined && /^\d+$/.test(value) && Number(value) >= 8 ? value : null;
    },
  },
  // For Java, --entry names the module of a multi-module build that goes into the image.
  entry: {
    help: 'the module of a multi-module build (api)',
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
  options: [buildToolOption, javaRuntimeOption],
  workspace: javaWorkspace,
  plan: planJava,
  imageProfiles: [
    // dhi.io sizes are the offline stand-ins', built from the Debian 13 packages the catalog lists.
    { image: /^dhi\.io\/eclipse-temurin:/, profile: { sizeMB: 238, libc: 'glibc', shell: 'none (the -dev variant adds bash)' } },
    { image: /^gcr\.io\/distroless\/java\d+-/, profile: { sizeMB: 230, libc: 'glibc', shell: 'none (the :debug variant adds busybox)' } },
    { image: /^eclipse-temurin:.*alpine/, profile: { sizeMB: 190, libc: 'musl', shell: 'busybox sh' } },
    { image: /^eclipse-temurin:.*jre/, profile: { sizeMB: 270, libc: 'glibc', shell: 'bash' } },
  ],
  // Estimates, uncompressed: a jlink runtime of the modules a typical service uses (java.base, logging,
  // naming, sql, management, ...) is about 55 MB; Temurin's JRE copied onto slim is its image less Ubuntu, about 170 MB.
  runtimeAddsMB: (plan) => (plan.runtimeCopy === null ? 0 : plan.jlink ? JLINK_RUNTIME_MB : TEMURIN_JRE_MB),
  downloadCommands: ['mvn', 'gradle'],
});
