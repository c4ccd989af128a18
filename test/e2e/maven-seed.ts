import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildImage, docker, type Engine } from './docker.js';

/*
 * TEST-ONLY AID, used only with the offline stand-ins and only when the registry probe (registries.ts)
 * says Maven Central does NOT answer; no generated Dockerfile contains any of it. When Maven Central
 * answers, the Maven cells download for real (with --network host) and this is not used.
 *
 * Without Maven Central, `mvn dependency:go-offline` and `mvn package` cannot
 * download the plugins a build needs. Debian packages many Maven plugins (into
 * /usr/share/maven-repo, in Maven's repository layout), and Debian's archive is reachable. This
 * fills BuildKit's cache mount for /root/.m2 (the one the generated Dockerfiles mount, shared by
 * id across builds on one engine) with those packages, as an earlier online build would have left
 * it. The generated Dockerfiles then run unchanged, with their real images and commands, under
 * `--network none`: whatever they still needed from Maven Central would fail the build.
 *
 * It can only help builds whose plugins and libraries Debian packages, at the versions the POM pins
 * (java-plain-maven, java-multimodule with Gson); without Maven Central, Spring Boot, Quarkus and the
 * Maven wrapper stay "not verifiable here" (Gradle always does: services.gradle.org never answers here).
 */

/** Debian bookworm's Maven plugins; their versions are the ones the buildable fixtures pin. */
const DEBIAN_MAVEN_PLUGINS = [
  'libmaven-clean-plugin-java',
  'libmaven-resources-plugin-java',
  'libmaven-compiler-plugin-java',
  'libsurefire-java',
  'libmaven-jar-plugin-java',
  'libmaven-install-plugin-java',
  'libmaven-deploy-plugin-java',
  'libmaven-site-plugin-java',
  'libmaven-dependency-plugin-java',
  'libmaven-antrun-plugin-java',
  'libmaven-assembly-plugin-java',
  // Libraries the fixtures depend on, at Debian's versions (which are also on Maven Central).
  'libgoogle-gson-java',
];

/** Dependencies (groupId:artifactId:version) the seed provides; a POM needing others cannot build here. */
export const SEEDED_DEPENDENCIES = ['com.google.code.gson:gson:2.10'];

/** The maven stand-in is Debian bookworm with Debian's Maven, so apt installs the matching plugins. */
const SEED_IMAGE = 'maven:3.9-eclipse-temurin-17';

let seeds = 0;

/**
 * Seeds the /root/.m2 cache mount; throws with the build's errors when it fails. Called before every
 * Maven build: BuildKit's garbage collection may drop a cache mount at any time, as it may on any machine.
 */
export async function seedMavenCache(engine: Engine): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'stagecraft-maven-seed-'));
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    [
      '# syntax=docker/dockerfile:1',
      '# TEST-ONLY AID (stagecraft e2e, offline stand-ins): seeds the /root/.m2 cache mount with Debian-packaged Maven plugins.',
      `FROM ${SEED_IMAGE}`,
      `RUN apt-get update && apt-get install -y --no-install-recommends ${DEBIAN_MAVEN_PLUGINS.join(' ')}`,
      // -L: Debian's repository links versions to its own copies; the cache gets real files.
      // The run number changes the command, so the copy runs again while apt's layer stays cached.
      `RUN --mount=type=cache,target=/root/.m2 mkdir -p /root/.m2/repository && cp -rL /usr/share/maven-repo/. /root/.m2/repository/ && echo seed ${process.pid}-${++seeds}`,
      '',
    ].join('\n'),
  );
  const tag = 'stagecraft-e2e/maven-seed:aid';
  // apt needs Debian's archive.
  const built = await buildImage(engine, { context: dir, tag, network: 'host', images: [SEED_IMAGE] });
  await docker(['rmi', '-f', tag]);
  if (!built.ok)
    throw new Error(
      `seeding the Maven cache failed: ${built.log
        .split('\n')
        .filter((line) => /ERROR|E: /.test(line))
        .slice(-3)
        .join(' / ')}`,
    );
}
