import path from 'node:path';
import type { Workspace, WorkspaceMember } from '../../core/workspace.js';
import { targetNameOf } from '../../core/workspace.js';
import type { ProjectFiles } from '../../project.js';
import type { JavaFacts } from './detect.js';
import type { JavaApp, JavaBuild } from './jvm.js';

/** How another module's build file names this one as a dependency (so its sources are that module's input too). */
function dependencyPattern(build: JavaBuild, app: JavaApp): RegExp {
  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (build.tool === 'maven') return new RegExp(`<artifactId>\\s*${escaped(app.name)}\\s*</artifactId>`);
  // project(':api:core'), project(":worker"), or the type-safe accessor projects.worker.
  const gradlePath = `:${app.module.replace(/\//g, ':')}`;
  return new RegExp(`project\\(\\s*["']${escaped(gradlePath)}["']|\\bprojects\\.${escaped(app.module.replace(/\//g, '.'))}\\b`);
}

/**
 * A multi-module build's modules (Maven's <modules>, Gradle's settings `include`): a module whose
 * artifact runs (Spring Boot, Quarkus, a Main-Class manifest, shaded or assembled) is a service,
 * built at the root (where the reactor or settings file and every module's build file are) by the
 * run that --entry <module> makes there, into `Dockerfile.<module>`; any other module is a library.
 * With Maven and Gradle both present, the build tool is a question first, so the root stays one app.
 */
export function javaWorkspace(facts: JavaFacts, project: ProjectFiles): Workspace | null {
  const [build] = facts.builds;
  if (facts.builds.length !== 1 || !build?.multiModule) return null;
  const kind = build.tool === 'maven' ? 'Maven multi-module build' : 'Gradle multi-project build';
  const buildFiles = build.manifests.filter((file) => project.hasFile(file));
  const members = build.apps.map((app): WorkspaceMember => {
    const own = buildFiles.filter((file) => path.posix.dirname(file) === app.module);
    const evidence = app.launch?.evidence ?? { file: own[0] ?? build.evidence.file };
    if (!app.launch)
      return {
        name: app.name,
        folder: app.module,
        deployable: false,
        evidence,
        why: `library: ${app.packaging === 'jar' ? 'no Spring Boot, Quarkus or Main-Class' : `${app.packaging} packaging`}`,
        run: { dir: '.', entry: null, output: null },
        keep: null,
      };
    // A module another module depends on is built with it (-am, or Gradle's project dependency): its sources stay in every context.
    const pattern = dependencyPattern(build, app);
    const dependedOn = buildFiles.some((file) => !own.includes(file) && pattern.test(project.readText(file)));
    const launch = app.launch.value;
    return {
      name: app.name,
      folder: app.module,
      deployable: true,
      evidence,
      why: launch.kind === 'jar' ? `Main-Class ${launch.mainClass}` : `${launch.kind === 'spring-boot' ? 'Spring Boot' : 'Quarkus'} app`,
      run: { dir: '.', entry: app.module, output: `Dockerfile.${targetNameOf(app.module)}` },
      // The reactor (or settings file) reads every module's build file; a service's sources only its own build.
      keep: dependedOn ? null : own,
    };
  });
  // Gradle's subprojects are listed by the settings file, Maven's modules by the root pom.
  const settings = buildFiles.find((file) => /^settings\.gradle(\.kts)?$/.test(file));
  return { kind, evidence: settings ? { file: settings } : build.evidence, members };
}
