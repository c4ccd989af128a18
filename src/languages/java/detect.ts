import type { ProjectFiles } from '../../project.js';
import { detectGradle } from './gradle.js';
import { LTS_JAVA_MAJOR, javaVersionFromToolFiles, type JavaBuild } from './jvm.js';
import { detectMaven } from './maven.js';
import { detectGradleSecrets } from './secrets.js';
import { fact, type Fact } from '../../core/facts.js';
import { fileSecret, firstLine, type BuildSecret } from '../../core/secrets.js';

export type { JavaApp, JavaBuild, JavaLaunch } from './jvm.js';

export interface JavaFacts {
  language: 'java';
  /**
   * The Java major the image builds and runs with: the build's own (release, toolchain,
   * compatibility), else .java-version or .sdkmanrc, else the current LTS.
   */
  runtimeVersion: Fact<string>;
  /** One per build tool whose files are here (Maven first); two means the user chooses. */
  builds: JavaBuild[];
  /** A Maven settings.xml with <servers> (a private repository's credentials), given to mvn as a build secret. */
  mavenSettings: BuildSecret | null;
  /** Gradle's repository credentials (gradle.properties keys, variables a credentials block reads), given as build secrets. */
  gradleSecrets: BuildSecret[];
  /** The build fixes the times in its archives (Maven's project.build.outputTimestamp, Gradle's preserveFileTimestamps = false). */
  fixedArchiveTimes: boolean;
}

/** Where Maven projects keep a settings.xml of their own, passed with --settings (CI setups commit one). */
const MAVEN_SETTINGS = ['settings.xml', '.mvn/settings.xml'];

/** Where mvn reads the secret: its own path, as a cache mount holds ~/.m2 and a file mounted inside one would land in the cache. */
export const MAVEN_SETTINGS_TARGET = '/run/secrets/maven-settings.xml';

function detectMavenSettings(project: ProjectFiles): BuildSecret | null {
  for (const file of MAVEN_SETTINGS) {
    const servers = project.hasFile(file) ? firstLine(project.readText(file), /<servers>/) : null;
    if (servers) return fileSecret('maven-settings', file, MAVEN_SETTINGS_TARGET, { file, line: servers.line });
  }
  return null;
}

const GRADLE_FILES = ['build.gradle.kts', 'build.gradle', 'settings.gradle.kts', 'settings.gradle'];

/** Detects a Java project's Maven and/or Gradle build. Pure: reads the folder, never asks. */
export function detectJava(project: ProjectFiles): JavaFacts {
  // A build file that is a link, a folder or a pipe marks the project but cannot be read: said by name.
  for (const file of ['pom.xml', ...GRADLE_FILES]) if (project.exists(file)) project.requireFile(file);
  const builds: JavaBuild[] = [];
  if (project.hasFile('pom.xml')) builds.push(detectMaven(project));
  const gradle = GRADLE_FILES.some((file) => project.hasFile(file)) ? detectGradle(project) : null;
  if (gradle) builds.push(gradle);
  const fromBuild = builds.map((build) => build.javaVersion).find((version) => version !== null);
  return {
    language: 'java',
    runtimeVersion: fromBuild ?? javaVersionFromToolFiles(project) ?? fact(LTS_JAVA_MAJOR, null),
    builds,
    mavenSettings: detectMavenSettings(project),
    gradleSecrets: gradle
      ? detectGradleSecrets(
          project,
          gradle.manifests.filter((file) => /\.gradle(\.kts)?$/.test(file)),
        )
      : [],
    fixedArchiveTimes: ['pom.xml', ...GRADLE_FILES].some(
      (file) => project.hasFile(file) && /project\.build\.outputTimestamp|preserveFileTimestamps\s*=\s*false/.test(project.readText(file)),
    ),
  };
}
