import { describe, expect, it } from 'vitest';
import { detectJava } from '../src/languages/java/detect.js';
import { LTS_JAVA_MAJOR, javaMajorOf } from '../src/languages/java/jvm.js';
import { StagecraftError } from '../src/errors.js';
import { ProjectFiles } from '../src/project.js';
import { fixture, makeProject } from './helpers.js';

const detect = (name: string) => detectJava(new ProjectFiles(fixture(name)));

/** A POM with the given inner XML. */
const pom = (inner: string) =>
  `<?xml version="1.0"?>\n<project>\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>g</groupId>\n  <artifactId>app</artifactId>\n  <version>1.0</version>\n${inner}\n</project>\n`;

const jarPlugin = (mainClass: string) =>
  `<build><plugins><plugin><artifactId>maven-jar-plugin</artifactId><configuration><archive><manifest><mainClass>${mainClass}</mainClass></manifest></archive></configuration></plugin></plugins></build>`;

describe('Java version', () => {
  it.each([
    ['17', '17'],
    ['1.8', '8'],
    ['21.0.2', '21'],
    ['JavaVersion.VERSION_17', '17'],
    ['VERSION_1_8', '8'],
    ['seventeen', null],
    ['7', null],
  ])('%s -> %s', (raw, major) => {
    expect(javaMajorOf(raw)).toBe(major);
  });

  it('Maven: maven.compiler.release before java.version, with its line', () => {
    const facts = detectJava(
      makeProject({ 'pom.xml': pom('  <properties>\n    <java.version>17</java.version>\n    <maven.compiler.release>21</maven.compiler.release>\n  </properties>') }),
    );
    expect(facts.runtimeVersion).toEqual({ value: '21', evidence: { file: 'pom.xml', line: 9 } });
  });

  it('Maven: a property reference is resolved, and 1.8 means 8', () => {
    const facts = detectJava(makeProject({ 'pom.xml': pom('<properties><jdk>1.8</jdk><maven.compiler.source>${jdk}</maven.compiler.source></properties>') }));
    expect(facts.runtimeVersion.value).toBe('8');
  });

  it("Maven: the compiler plugin's <release>", () => {
    const facts = detectJava(
      makeProject({
        'pom.xml': pom('<build><plugins><plugin><artifactId>maven-compiler-plugin</artifactId><configuration><release>17</release></configuration></plugin></plugins></build>'),
      }),
    );
    expect(facts.runtimeVersion.value).toBe('17');
  });

  it('Gradle: toolchain languageVersion (Kotlin DSL) with its line', () => {
    expect(detect('java-spring-gradle-kts').runtimeVersion).toEqual({ value: '17', evidence: { file: 'build.gradle.kts', line: 13 } });
  });

  it.each([
    ['sourceCompatibility = JavaVersion.VERSION_11', '11'],
    ["sourceCompatibility = '17'", '17'],
    ['java { toolchain { languageVersion.set(JavaLanguageVersion.of(21)) } }', '21'],
    ['kotlin { jvmToolchain(17) }', '17'],
    ['// sourceCompatibility = 11\n', LTS_JAVA_MAJOR],
  ])('Gradle (Groovy): %s -> %s', (line, major) => {
    expect(detectJava(makeProject({ 'build.gradle': `plugins { id 'java' }\n${line}\n` })).runtimeVersion.value).toBe(major);
  });

  it('.java-version, then .sdkmanrc, when the build names none; else the LTS without evidence', () => {
    const plainPom = pom(jarPlugin('a.Main'));
    expect(detectJava(makeProject({ 'pom.xml': plainPom, '.java-version': 'temurin-21.0.4\n' })).runtimeVersion).toEqual({
      value: '21',
      evidence: { file: '.java-version', line: 1 },
    });
    expect(detectJava(makeProject({ 'pom.xml': plainPom, '.sdkmanrc': '# tools\njava=17.0.12-tem\n' })).runtimeVersion).toEqual({
      value: '17',
      evidence: { file: '.sdkmanrc', line: 2 },
    });
    expect(detectJava(makeProject({ 'pom.xml': plainPom })).runtimeVersion).toEqual({ value: LTS_JAVA_MAJOR, evidence: null });
  });

  it('mise.toml and .tool-versions pin the Java major (vendor prefix dropped) when the build names none', () => {
    const plainPom = pom(jarPlugin('a.Main'));
    expect(detectJava(makeProject({ 'pom.xml': plainPom, 'mise.toml': '[tools]\nnode = "22"\njava = "temurin-21.0.2+13.0.LTS"\n' })).runtimeVersion).toEqual({
      value: '21',
      evidence: { file: 'mise.toml', line: 3 },
    });
    expect(detectJava(makeProject({ 'pom.xml': plainPom, '.tool-versions': 'java openjdk-17.0.2\n' })).runtimeVersion).toEqual({
      value: '17',
      evidence: { file: '.tool-versions', line: 1 },
    });
    expect(() => detectJava(makeProject({ 'pom.xml': plainPom, '.tool-versions': 'java latest\n' }))).toThrow('.tool-versions:1: java "latest" names no Java major such as 21');
  });

  it('a version the POM states that is not one is a one-line error naming the file and line', () => {
    expect(() => detectJava(makeProject({ 'pom.xml': pom('  <properties>\n    <java.version>latest</java.version>\n  </properties>') }))).toThrow(
      'pom.xml:8: <java.version> "latest" is not a Java version',
    );
  });
});

describe('build tool and wrapper', () => {
  it('Maven with its wrapper', () => {
    const [build] = detect('java-spring-maven').builds;
    expect(build).toMatchObject({ tool: 'maven', wrapper: { value: true, evidence: { file: 'mvnw' } }, wrapperFiles: ['mvnw', '.mvn'], manifests: ['pom.xml'] });
  });

  it('mvnw without .mvn/wrapper is not a wrapper', () => {
    const [build] = detectJava(makeProject({ 'pom.xml': pom(jarPlugin('a.Main')), mvnw: '#!/bin/sh\n' })).builds;
    expect(build!.wrapper.value).toBe(false);
  });

  it('Gradle Kotlin DSL with its wrapper and settings', () => {
    const [build] = detect('java-spring-gradle-kts').builds;
    expect(build).toMatchObject({ tool: 'gradle', wrapper: { value: true }, wrapperFiles: ['gradlew', 'gradle/wrapper'], manifests: ['settings.gradle.kts', 'build.gradle.kts'] });
  });

  it('both Maven and Gradle: two builds, Maven first', () => {
    const facts = detectJava(makeProject({ 'pom.xml': pom(jarPlugin('a.Main')), 'build.gradle': "plugins { id 'java' }\n" }));
    expect(facts.builds.map((build) => build.tool)).toEqual(['maven', 'gradle']);
  });
});

describe("a plain jar's port, from its sources", () => {
  const port = (files: Record<string, string>) => detectJava(makeProject({ 'pom.xml': pom(jarPlugin('App')), ...files })).builds[0]!.apps[0]!.port;

  // javalin/javalin-samples javalin-heroku-example: PORT from ProcessBuilder's environment, else 7070.
  it("a listen call's number, else the fallback of a PORT read; 8080 without either", () => {
    const heroku =
      'public class App {\n  public static void main(String[] a) {\n    Javalin.create().start(port());\n  }\n  private static int port() {\n    ProcessBuilder b = new ProcessBuilder();\n    if (b.environment().get("PORT") != null) {\n      return Integer.parseInt(b.environment().get("PORT"));\n    }\n    return 7070;\n  }\n}\n';
    expect(port({ 'src/main/java/App.java': heroku })).toEqual({ value: 7070, evidence: { file: 'src/main/java/App.java', line: 10 } });
    expect(port({ 'src/main/java/App.java': 'class App {\n  void main() {\n    // port(9999);\n    port(4567);\n  }\n}\n' })).toEqual({
      value: 4567,
      evidence: { file: 'src/main/java/App.java', line: 4 },
    });
    expect(port({ 'src/main/java/App.java': 'class App { void main() { HttpServer.create(new InetSocketAddress(8000), 0); } }\n' }).value).toBe(8000);
    expect(port({ 'src/main/java/App.java': 'class App { int size() { return 1000; } }\n' })).toEqual({ value: 8080, evidence: null });
  });
});

describe('artifact and launch', () => {
  it('Spring Boot from the starter parent: version, jar name, port from application.properties', () => {
    const [app] = detect('java-spring-maven').builds[0]!.apps;
    expect(app).toMatchObject({
      module: '.',
      name: 'demo',
      launch: { value: { kind: 'spring-boot', version: '3.4.1' }, evidence: { file: 'pom.xml', line: 33 } },
      artifact: 'target/demo-0.0.1-SNAPSHOT.jar',
      port: { value: 8081, evidence: { file: 'src/main/resources/application.properties', line: 2 } },
    });
  });

  it('Spring Boot on Gradle: plugin version, rootProject.name and version make the jar name, port from nested YAML', () => {
    const [app] = detect('java-spring-gradle-kts').builds[0]!.apps;
    expect(app).toMatchObject({
      name: 'orders',
      launch: { value: { kind: 'spring-boot', version: '3.2.5' } },
      artifact: 'build/libs/orders-1.2.0.jar',
      port: { value: 9090, evidence: { file: 'src/main/resources/application.yml', line: 6 } },
    });
  });

  it('Quarkus: the fast-jar folder, port 8080 by default', () => {
    const [app] = detect('java-quarkus').builds[0]!.apps;
    expect(app).toMatchObject({ launch: { value: { kind: 'quarkus' } }, artifact: 'target/quarkus-app', port: { value: 8080, evidence: null } });
  });

  it('a plain jar: Main-Class from the jar plugin, no dependencies', () => {
    const [app] = detect('java-plain-maven').builds[0]!.apps;
    expect(app).toMatchObject({
      launch: { value: { kind: 'jar', mainClass: 'com.example.hello.Main', bundlesDependencies: false } },
      artifact: 'target/hello-1.0.0.jar',
      hasRuntimeDependencies: false,
    });
  });

  it('<finalName> names the jar; a library has nothing to launch', () => {
    const named = detectJava(makeProject({ 'pom.xml': pom(jarPlugin('a.Main').replace('<build>', '<build><finalName>svc</finalName>')) }));
    expect(named.builds[0]!.apps[0]!.artifact).toBe('target/svc.jar');
    expect(detectJava(makeProject({ 'pom.xml': pom('') })).builds[0]!.apps[0]!.launch).toBeNull();
  });

  it('Quarkus port from quarkus.http.port, Spring from ${PORT:8085}', () => {
    const quarkus = detectJava(
      makeProject({
        'pom.xml': pom(
          '<dependencies><dependency><groupId>io.quarkus</groupId><artifactId>quarkus-rest</artifactId></dependency></dependencies><build><plugins><plugin><artifactId>quarkus-maven-plugin</artifactId></plugin></plugins></build>',
        ),
        'src/main/resources/application.properties': 'server.port=1\nquarkus.http.port=8090\n',
      }),
    );
    expect(quarkus.builds[0]!.apps[0]!.port.value).toBe(8090);
    // quarkus-arc alone (a @QuarkusMain command): no HTTP extension starts a server, so nothing listens.
    const command = detectJava(
      makeProject({
        'pom.xml': pom(
          '<dependencies><dependency><groupId>io.quarkus</groupId><artifactId>quarkus-arc</artifactId></dependency></dependencies><build><plugins><plugin><artifactId>quarkus-maven-plugin</artifactId></plugin></plugins></build>',
        ),
      }),
    );
    expect(command.builds[0]!.apps[0]!.port).toEqual({ value: null, evidence: { file: 'pom.xml' } });
    const spring = detectJava(
      makeProject({
        'pom.xml': pom('<build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId><version>3.3.0</version></plugin></plugins></build>'),
        'src/main/resources/application.yml': 'server.port: ${PORT:8085}\n',
      }),
    );
    expect(spring.builds[0]!.apps[0]!.port.value).toBe(8085);
    expect(spring.builds[0]!.apps[0]!.launch!.value).toEqual({ kind: 'spring-boot', version: '3.3.0' });
  });
});

describe('multi-module builds', () => {
  it('Maven: every module with its POM, all copied before the sources', () => {
    const [build] = detect('java-multimodule').builds;
    expect(build).toMatchObject({ multiModule: true, groupId: 'com.example.shop', manifests: ['pom.xml', 'api/pom.xml', 'worker/pom.xml'] });
    expect(build!.apps.map((app) => [app.module, app.name, app.artifact])).toEqual([
      ['api', 'shop-api', 'target/shop-api-2.1.0.jar'],
      ['worker', 'shop-worker', 'target/shop-worker-2.1.0.jar'],
    ]);
    // The modules inherit the parent's Java version.
    expect(detect('java-multimodule').runtimeVersion.value).toBe('17');
  });

  it('Gradle: subprojects from settings, Spring Boot applied in one with the root declaring its version', () => {
    const facts = detectJava(
      makeProject({
        'settings.gradle': "rootProject.name = 'shop'\ninclude 'api', 'lib'\n",
        'build.gradle': "plugins { id 'org.springframework.boot' version '3.4.0' apply false }\n",
        'api/build.gradle': "plugins { id 'org.springframework.boot' }\nversion = '2.0'\n",
        'lib/build.gradle': "plugins { id 'java-library' }\n",
      }),
    );
    const [build] = facts.builds;
    expect(build!.manifests).toEqual(['settings.gradle', 'build.gradle', 'api/build.gradle', 'lib/build.gradle']);
    expect(build!.apps.map((app) => [app.module, app.launch?.value ?? null, app.artifact])).toEqual([
      ['api', { kind: 'spring-boot', version: '3.4.0' }, 'build/libs/api-2.0.jar'],
      ['lib', null, 'build/libs/lib.jar'],
    ]);
  });

  it('a module listed without its pom.xml is a one-line error', () => {
    expect(() => detectJava(makeProject({ 'pom.xml': pom('<packaging>pom</packaging><modules><module>gone</module></modules>') }))).toThrow(
      'pom.xml:7: module gone has no gone/pom.xml',
    );
  });
});

describe('malformed POMs', () => {
  it('broken XML names the file, line and problem', () => {
    const error = (() => {
      try {
        detect('java-malformed');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(StagecraftError);
    expect((error as Error).message).toBe("pom.xml:9: not well-formed XML (Expected closing tag 'properties' (opened in line 7, col 3) instead of closing tag 'propertes'.)");
  });

  it('XML that is not a POM', () => {
    expect(() => detectJava(makeProject({ 'pom.xml': '<settings/>' }))).toThrow('pom.xml: no <project> element, so not a Maven POM');
  });
});

describe('a Gradle build with only settings at the root', () => {
  it('is found by its settings file, and its subprojects are read', async () => {
    const { detectProject } = await import('../src/pipeline/detect.js');
    const project = makeProject({
      'settings.gradle.kts': 'rootProject.name = "svc"\ninclude("app")\n',
      'app/build.gradle.kts': 'plugins { id("io.quarkus") version "3.15.1" }\n',
    });
    const { facts } = await detectProject(project);
    expect(facts.language).toBe('java');
    const build = (facts as ReturnType<typeof detectJava>).builds[0]!;
    expect(build.evidence).toEqual({ file: 'settings.gradle.kts' });
    expect(build.apps.map((app) => [app.module, app.artifact])).toEqual([['app', 'build/quarkus-app']]);
  });
});

describe('Gradle version catalog', () => {
  it('a plugin applied by its catalog alias, with the version from [versions]', () => {
    const facts = detectJava(
      makeProject({
        'settings.gradle.kts': 'rootProject.name = "api"\n',
        'build.gradle.kts': 'plugins {\n    java\n    alias(libs.plugins.spring.boot)\n}\nversion = "0.3.0"\n',
        'gradle/libs.versions.toml': '[versions]\nspringBoot = "3.3.5"\n\n[plugins]\nspring-boot = { id = "org.springframework.boot", version.ref = "springBoot" }\n',
      }),
    );
    const [build] = facts.builds;
    expect(build!.manifests).toContain('gradle/libs.versions.toml');
    expect(build!.apps[0]).toMatchObject({
      launch: { value: { kind: 'spring-boot', version: '3.3.5' }, evidence: { file: 'build.gradle.kts', line: 3 } },
      artifact: 'build/libs/api-0.3.0.jar',
    });
  });
});

describe('issue 14: what real apps declare', () => {
  const quarkusPlugin =
    '<build><plugins><plugin><groupId>io.quarkus.platform</groupId><artifactId>quarkus-maven-plugin</artifactId><extensions>true</extensions></plugin></plugins></build>';

  it("Maven <packaging>quarkus</packaging> is Quarkus' own packaging: the fast-jar folder, not a refusal", () => {
    const [app] = detectJava(makeProject({ 'pom.xml': pom(`<packaging>quarkus</packaging>${quarkusPlugin}`) })).builds[0]!.apps;
    expect(app).toMatchObject({ packaging: 'quarkus', launch: { value: { kind: 'quarkus' } }, artifact: 'target/quarkus-app' });
    // Without the plugin that builds it, the packaging still names nothing stagecraft can run.
    expect(detectJava(makeProject({ 'pom.xml': pom('<packaging>quarkus</packaging>') })).builds[0]!.apps[0]!.launch).toBeNull();
  });

  const assemblyPlugin = (inner: string) =>
    `<build><plugins><plugin><artifactId>maven-assembly-plugin</artifactId>${inner}</plugin></plugins></build><dependencies><dependency><groupId>com.sparkjava</groupId><artifactId>spark-core</artifactId><version>2.9.2</version></dependency></dependencies>`;
  const withDependencies =
    '<archive><manifest><mainClass>App</mainClass></manifest></archive><descriptorRefs><descriptorRef>jar-with-dependencies</descriptorRef></descriptorRefs>';

  it('maven-assembly-plugin jar-with-dependencies: its Main-Class, and the image runs the assembly jar', () => {
    const bound = detectJava(
      makeProject({
        'pom.xml': pom(
          assemblyPlugin(
            `<configuration>${withDependencies}</configuration><executions><execution><phase>package</phase><goals><goal>single</goal></goals></execution></executions>`,
          ),
        ),
      }),
    ).builds[0]!.apps[0]!;
    expect(bound).toMatchObject({
      launch: { value: { kind: 'jar', mainClass: 'App', bundlesDependencies: true }, evidence: { file: 'pom.xml' } },
      artifact: 'target/app-1.0-jar-with-dependencies.jar',
    });
    expect(bound.packageGoals).toBeUndefined();
    // sparkjava's POM: its own finalName, no assembly id, and no execution, so package alone does not build it.
    const unbound = detectJava(
      makeProject({
        'pom.xml': pom(assemblyPlugin(`<configuration>${withDependencies}<finalName>server</finalName><appendAssemblyId>false</appendAssemblyId></configuration>`)),
      }),
    ).builds[0]!.apps[0]!;
    expect(unbound).toMatchObject({ artifact: 'target/server.jar', packageGoals: ['assembly:single'] });
  });

  it("Main-Class of the jar plugin declared in <pluginManagement>; the compiler plugin's <source>", () => {
    const facts = detectJava(
      makeProject({
        'pom.xml': pom(
          `<build><pluginManagement><plugins><plugin><artifactId>maven-compiler-plugin</artifactId><configuration><source>8</source><target>8</target></configuration></plugin><plugin><artifactId>maven-jar-plugin</artifactId><configuration><archive><manifest><mainClass>a.Main</mainClass></manifest></archive></configuration></plugin></plugins></pluginManagement></build>`,
        ),
      }),
    );
    expect(facts.builds[0]!.apps[0]!.launch!.value).toEqual({ kind: 'jar', mainClass: 'a.Main', bundlesDependencies: false });
    expect(facts.runtimeVersion.value).toBe('8');
  });

  it.each([
    ['build.gradle.kts', 'plugins {\n    java\n    application\n}\napplication {\n    mainClass = "com.google.WebApp"\n}\n', 6],
    ['build.gradle.kts', 'plugins { application }\napplication.mainClass.set("com.google.WebApp")\n', 2],
    ['build.gradle', "apply plugin: 'application'\nmainClassName = 'com.google.WebApp'\n", 2],
    ['build.gradle.kts', 'plugins { java }\ntasks.jar {\n    manifest {\n        attributes("Main-Class" to "com.google.WebApp")\n    }\n}\n', 4],
    ['build.gradle.kts', 'plugins { java }\ntasks.withType<Jar> {\n    manifest {\n        attributes["Main-Class"] = "com.google.WebApp"\n    }\n}\n', 4],
  ])('Gradle Main-Class: %s %j', (file, script, line) => {
    const [app] = detectJava(makeProject({ [file]: script })).builds[0]!.apps;
    expect(app!.launch).toEqual({ value: { kind: 'jar', mainClass: 'com.google.WebApp', bundlesDependencies: false }, evidence: { file, line } });
  });
});
