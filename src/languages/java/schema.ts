import * as z from 'zod';
import { ImageRef, AbsolutePath, ProjectPath, Command, CommonPlanFields, OneLine } from '../../core/plan-schema.js';

/** A Java class name, e.g. com.example.Main. */
const JavaClass = z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$/, 'must be a Java class name');
const JavaModule = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'must be a JDK module name');

/** A Maven groupId: dot-separated names, one token (no space or `=` that would make it another mvn option). */
const MavenGroupId = z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be a Maven groupId such as com.example');

export const JavaPlanSchema = z.object({
  ...CommonPlanFields,
  language: z.literal('java'),
  javaVersion: z.string().regex(/^\d+$/),
  build: z.object({
    tool: z.enum(['maven', 'gradle']),
    image: ImageRef,
    /** mvnw + .mvn, or gradlew + gradle/wrapper: the pinned build tool, copied first. */
    wrapper: z.object({ script: z.enum(['mvnw', 'gradlew']), dir: z.enum(['.mvn', 'gradle/wrapper']) }).nullable(),
    /** Build files grouped by the folder they go to, copied before the sources. */
    manifestCopies: z.array(z.object({ sources: z.array(ProjectPath).min(1), target: ProjectPath })).min(1),
    cacheTarget: AbsolutePath,
    resolve: Command,
    package: Command,
    /**
     * The project's own values the commands above hold, each checked as one token of its kind: the
     * groupId go-offline excludes (null when it excludes none) and the module built (`-pl`, `:module:`).
     */
    commandValues: z.object({ groupId: MavenGroupId.nullable(), module: ProjectPath }),
    /** What the build writes, from the project root: target/demo-1.0.jar, api/target/..., build/quarkus-app. */
    artifact: ProjectPath,
    /** Where Maven copied the dependencies a plain jar does not bundle (launch classpath). */
    libDir: ProjectPath.nullable(),
  }),
  /** How the artifact is laid out in /out and started: a plain jar (alone, or with its dependencies in lib/), Spring Boot layers (tools or layertools mode), Quarkus fast-jar. */
  launch: z.enum(['jar', 'classpath', 'spring-layers', 'spring-layertools', 'quarkus']),
  /** jdeps + jlink: a runtime of only the modules the app uses, built in its own stage. */
  jlink: z
    .object({
      image: ImageRef,
      /** Folders of classes (not jars) jdeps must read too. */
      classDirs: z.array(AbsolutePath),
      /** A Spring Boot jar without layers, whose nested libraries (BOOT-INF/lib) are unpacked for jdeps, which does not open a jar inside a jar; null otherwise. */
      nestedLibs: z.object({ jar: AbsolutePath, dir: z.literal('BOOT-INF/lib') }).nullable(),
      /** jdeps' --module-path (folders of jars, ':'-separated), for explicit modules that require automatic ones; null when not needed. */
      modulePath: z
        .string()
        .regex(/^\/[A-Za-z0-9._/-]+(:\/[A-Za-z0-9._/-]+)*$/)
        .nullable(),
      /** Modules jdeps cannot see because they are loaded as services (EC crypto before Java 22). */
      extraModules: z.array(JavaModule),
      compress: z.enum(['2', 'zip-6']),
    })
    .nullable(),
  /** Where slim and alpine get their Java runtime: the jlink stage or a JRE image; null when the base has one. */
  runtimeCopy: z.object({ from: z.union([z.literal('jre'), ImageRef]), source: AbsolutePath, why: OneLine }).nullable(),
  copies: z.array(z.object({ source: AbsolutePath, target: ProjectPath, why: OneLine })).min(1),
  /** Exec form, the whole command: distroless' own ENTRYPOINT ["java", "-jar"] is replaced. */
  entrypoint: z.array(z.union([AbsolutePath, JavaClass, z.enum(['-jar', '-cp', '/app/app.jar:/app/lib/*']), z.string().regex(/^-D[A-Za-z0-9._]+=[A-Za-z0-9._]+$/)])).min(2),
  /** The comment above ENTRYPOINT on distroless: the image's own ENTRYPOINT it replaces; null elsewhere. */
  entrypointWhy: OneLine.nullable(),
});

export type JavaPlan = z.infer<typeof JavaPlanSchema>;
