import type { ProjectFiles } from '../../project.js';
import { detectGradle } from './gradle.js';
import { LTS_JAVA_MAJOR, javaVersionFromToolFiles, type JavaBuild } from './jvm.js';
import { detectMaven } from './maven.js';
import { fact, type Fact } from '../../core/facts.js';

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
}

const GRADLE_FILES = ['build.gradle.kts', 'build.gradle', 'settings.gradle.kts', 'settings.gradle'];

/** Detects a Java project's Maven and/or Gradle build. Pure: reads the folder, never asks. */
export function detectJava(project: ProjectFiles): JavaFacts {
  // A build file that is a link, a folder or a pipe marks the project but cannot be read: said by name.
  for (const file of ['pom.xml', ...GRADLE_FILES]) if (project.exists(file)) project.requireFile(file);
  const builds: JavaBuild[] = [];
  if (project.hasFile('pom.xml')) builds.push(detectMaven(project));
  if (GRADLE_FILES.some((file) => project.hasFile(file))) builds.push(detectGradle(project));
  const fromBuild = builds.map((build) => build.javaVersion).find((version) => version !== null);
  return {
    language: 'java',
    runtimeVersion: fromBuild ?? javaVersionFromToolFiles(project) ?? fact(LTS_JAVA_MAJOR, null),
    builds,
  };
}
