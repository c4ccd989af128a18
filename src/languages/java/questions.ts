import { describeEvidence } from '../../core/facts.js';
import type { LanguageOption } from '../../core/language.js';
import type { JavaFacts } from './detect.js';

/*
 * The two questions only Java asks, each with its own flag: which build when a project has both
 * Maven and Gradle files, and the Java runtime slim and alpine images ship. The record lists them;
 * the CLI's options table, help and saved answers collect them from there.
 */

export const BUILD_TOOLS = ['maven', 'gradle'] as const;
export type BuildTool = (typeof BUILD_TOOLS)[number];

/** How the final image gets its Java runtime on slim and alpine (distroless brings its own). */
export const JAVA_RUNTIMES = ['jlink', 'jre'] as const;
export type JavaRuntime = (typeof JAVA_RUNTIMES)[number];

const JAVA_RUNTIME_TRADEOFFS: Record<JavaRuntime, string> = {
  jlink: 'a runtime of only the JDK modules jdeps finds in the app: much smaller; a module loaded only by reflection must be added by hand',
  jre: 'the full Temurin JRE: every module there, tens of MB larger',
};

declare module '../../core/options.js' {
  interface LanguageAnswers {
    /** Only when the project has files of both builds; undefined elsewhere. */
    buildTool?: BuildTool;
    /** Only on slim and alpine; undefined elsewhere. */
    javaRuntime?: JavaRuntime;
  }
}

export const buildToolOption: LanguageOption<JavaFacts, 'buildTool'> = {
  key: 'buildTool',
  values: BUILD_TOOLS,
  help: 'Java: which build to use when the project has both',
  // The entry names a module of the chosen build.
  askedAfter: null,
  applies: (facts) => facts.builds.length > 1,
  asks: () => true,
  // The build with a wrapper is the one the project maintains; with both or neither, nothing decides.
  fallback: (facts) => {
    const wrapped = facts.builds.filter((build) => build.wrapper.value);
    return wrapped.length === 1 ? wrapped[0]!.tool : undefined;
  },
  prompt: (facts, prompter) =>
    prompter.select(
      'Both Maven and Gradle build this project: which one should the image use?',
      facts.builds.map((build) => ({ value: build.tool, label: build.tool, hint: `${describeEvidence(build.evidence)}${build.wrapper.value ? ', with its wrapper' : ''}` })),
    ),
  candidates: () => `build tools: ${BUILD_TOOLS.join(', ')}`,
};

export const javaRuntimeOption: LanguageOption<JavaFacts, 'javaRuntime'> = {
  key: 'javaRuntime',
  values: JAVA_RUNTIMES,
  help: 'Java on slim/alpine: the runtime the image ships',
  tradeoffs: JAVA_RUNTIME_TRADEOFFS,
  // It needs the base (distroless has its own JRE) and the version (Java 8 has no jlink), asked in that order.
  askedAfter: 'runtimeVersion',
  // distroless brings its own JRE; scratch is refused anyway.
  applies: (_facts, answers) => answers.base === 'slim' || answers.base === 'alpine',
  asks: () => true,
  // jlink leaves out every module the app does not use, so it is the smaller choice; Java 8 has no jlink.
  fallback: (_facts, answers) => (Number(answers.runtimeVersion) >= 11 ? 'jlink' : 'jre'),
  prompt: (_facts, prompter, answers) =>
    prompter.select(
      'Java runtime in the image?',
      JAVA_RUNTIMES.map((runtime) => ({ value: runtime, label: `${runtime.padEnd(10)} ${JAVA_RUNTIME_TRADEOFFS[runtime]}` })),
      Number(answers.runtimeVersion) >= 11 ? 'jlink' : 'jre',
    ),
  candidates: () => `runtimes: ${JAVA_RUNTIMES.join(', ')}`,
};
