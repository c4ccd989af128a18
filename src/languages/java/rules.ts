import type { JavaApp, JavaBuild, JavaFacts } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { healthcheckRules, healthcheckWithoutProbeRule, shellDebugRules, type RuleContext, type RuleTable } from '../../core/rules.js';
import type { JavaPlan } from './schema.js';

/** Java majors distroless publishes images for on the current Debian (java17/21/25-debian13, Temurin builds). */
export const DISTROLESS_JAVA = ['17', '21', '25'];
const LTS_MAJORS = ['8', '11', '17', '21', '25'];

/*
 * What dhi.io publishes on Debian 13 (the catalog's image/eclipse-temurin, image/maven and image/gradle):
 * Temurin JREs and JDK -dev images for these majors, Maven 3.9 and Gradle -dev images for fewer.
 */
export const HARDENED_JAVA_MAJORS = ['8', '11', '17', '21', '25', '26'];
export const HARDENED_MAVEN_JDKS = ['17', '21', '25'];
/** The Gradle major of each JDK's dhi.io/gradle image. */
export const HARDENED_GRADLE_JDKS: Record<string, string> = { '11': '8', '17': '8', '21': '8', '25': '9' };

/** The JDKs dhi.io publishes the chosen build tool's image for: any JDK -dev image runs a wrapper. */
const hardenedBuildJdks = (build: JavaBuild) => (build.wrapper.value ? HARDENED_JAVA_MAJORS : build.tool === 'maven' ? HARDENED_MAVEN_JDKS : Object.keys(HARDENED_GRADLE_JDKS));

export interface JavaRuleContext extends RuleContext {
  facts: JavaFacts;
  build: JavaBuild;
  /** The module that goes into the image, runnable. */
  app: JavaApp & { launch: NonNullable<JavaApp['launch']> };
  launch: JavaPlan['launch'];
  /** A plain jar whose dependencies are not in it. */
  unbundled: boolean;
}

export const JAVA_RULES: RuleTable<JavaRuleContext> = [
  {
    id: 'reproducible-archive-times',
    kind: 'warn',
    when: ({ facts, answers }) => answers.reproducible === true && !facts.fixedArchiveTimes,
    message: ({ build }) =>
      build.tool === 'maven'
        ? '--reproducible: the jar keeps the time of each build in its entries; set <project.build.outputTimestamp> in pom.xml (the last commit, e.g. ${git.commit.time}, or a fixed date) for the same image digest'
        : '--reproducible: the jar keeps the time of each build in its entries; set preserveFileTimestamps = false and reproducibleFileOrder = true on the jar tasks for the same image digest',
  },
  {
    id: 'maven-settings-with-gradle',
    kind: 'warn',
    when: ({ facts, build }) => facts.mavenSettings !== null && build.tool === 'gradle',
    message: ({ facts }) =>
      `${describeEvidence(facts.mavenSettings!.evidence)} has Maven <servers>, but the image builds with Gradle, which never reads settings.xml: give Gradle its repository credentials as ORG_GRADLE_PROJECT_ variables instead`,
  },
  {
    id: 'scratch',
    kind: 'refuse',
    when: ({ answers }) => answers.base === 'scratch',
    message: () =>
      '--base scratch cannot run a Java app: the JVM needs a C library and its runtime files; use --base distroless (a JRE and nothing else) or slim with a jlink runtime',
  },
  {
    id: 'no-distroless-image',
    kind: 'refuse',
    when: ({ answers }) => answers.base === 'distroless' && !DISTROLESS_JAVA.includes(answers.runtimeVersion),
    message: ({ answers }) =>
      `--base distroless: distroless publishes Java images for ${DISTROLESS_JAVA.join(', ')} only, and this is Java ${answers.runtimeVersion}; use --runtime-version ${DISTROLESS_JAVA.find((lts) => Number(lts) >= Number(answers.runtimeVersion)) ?? DISTROLESS_JAVA.at(-1)} or --base slim`,
  },
  {
    id: 'no-hardened-image',
    kind: 'refuse',
    when: ({ answers }) => answers.base === 'hardened' && !HARDENED_JAVA_MAJORS.includes(answers.runtimeVersion),
    message: ({ answers }) =>
      `--base hardened: dhi.io/eclipse-temurin is published for Java ${HARDENED_JAVA_MAJORS.join(', ')} only, and this is Java ${answers.runtimeVersion}; use --runtime-version ${HARDENED_JAVA_MAJORS.find((major) => Number(major) >= Number(answers.runtimeVersion)) ?? '25'} or --base slim`,
  },
  {
    id: 'no-hardened-build-image',
    kind: 'refuse',
    when: ({ answers, build }) => answers.base === 'hardened' && !hardenedBuildJdks(build).includes(answers.runtimeVersion),
    message: ({ answers, build }) =>
      `--base hardened: dhi.io/${build.tool} is published for JDK ${hardenedBuildJdks(build).join(', ')} only, and this is Java ${answers.runtimeVersion}; add the ${build.tool} wrapper (it runs on any JDK image), use --runtime-version ${hardenedBuildJdks(build).find((major) => Number(major) >= Number(answers.runtimeVersion)) ?? '25'}, or --base slim`,
  },
  {
    id: 'jlink-before-java-9',
    kind: 'refuse',
    when: ({ answers }) => answers.javaRuntime === 'jlink' && Number(answers.runtimeVersion) < 11,
    message: ({ answers }) => `--java-runtime jlink: Java ${answers.runtimeVersion} has no jlink (it came with Java 9); use --java-runtime jre or --runtime-version 17`,
  },
  {
    id: 'not-lts',
    kind: 'warn',
    when: ({ answers }) => !LTS_MAJORS.includes(answers.runtimeVersion),
    message: ({ answers }) => `Java ${answers.runtimeVersion} is not an LTS release: its images stop getting fixes when the next release ships; consider --runtime-version 25`,
  },
  ...shellDebugRules(),
  ...healthcheckRules(),
  healthcheckWithoutProbeRule('the image has java and the app but no curl or wget, and without a compiler in the image java runs no one-line probe'),
  {
    id: 'gradle-jar-without-dependencies',
    kind: 'warn',
    when: ({ unbundled, build }) => unbundled && build.tool === 'gradle',
    message: ({ app }) =>
      `${describeEvidence(app.launch.evidence)}: the jar has dependencies but does not bundle them, so java -jar will not find them; use a fat-jar plugin (e.g. shadow)`,
  },
  {
    id: 'spring-boot-without-layers',
    kind: 'warn',
    when: ({ app, launch }) => app.launch.value.kind === 'spring-boot' && launch === 'jar',
    message: ({ app }) => {
      const version = app.launch.value.kind === 'spring-boot' ? app.launch.value.version : null;
      return version
        ? `Spring Boot ${version} has no layered jars (2.3+): the jar ships as one layer`
        : 'Spring Boot version not found: the jar ships whole, as one layer, without layer extraction';
    },
  },
];
