import type { JavaFacts } from './detect.js';
import { buildToolOption, javaRuntimeOption } from './questions.js';
import type { JavaPlan } from './schema.js';
import { defineLanguage } from '../../core/language.js';

const JLINK_RUNTIME_MB = 55;
const TEMURIN_JRE_MB = 170;

export const java = defineLanguage<JavaFacts, JavaPlan>({
  language: 'java',
  markers: ['pom.xml', 'build.gradle', 'build.gradle.kts', 'settings.gradle.kts', 'settings.gradle'],
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
  entry: { help: 'the module of a multi-module build (api)' },
  options: [buildToolOption, javaRuntimeOption],
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
  load: async () => (await import('./support.js')).support,
});
