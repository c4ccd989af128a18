import { describe, expect, it } from 'vitest';
import { detectJava } from '../src/languages/java/detect.js';
import { planJava } from '../src/languages/java/plan.js';
import { ExitCode, StagecraftError } from '../src/errors.js';
import type { Answers } from '../src/core/options.js';
import { makeProject } from './helpers.js';
import { lintDockerfile } from './lint.js';

const pom = (inner: string) =>
  `<?xml version="1.0"?>\n<project>\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>g</groupId>\n  <artifactId>app</artifactId>\n  <version>1.0</version>\n${inner}\n</project>\n`;

const answersFor = (facts: ReturnType<typeof detectJava>, answers: Partial<Answers> = {}): Answers =>
  ({ entry: '.', runtimeVersion: facts.runtimeVersion.value, base: 'slim', javaRuntime: 'jre', debug: 'none', port: 8080, ...answers }) as Answers;

describe('Java plans for issue 14', () => {
  it('an assembly no execution binds: package runs assembly:single, and the image runs the assembly jar', () => {
    const facts = detectJava(
      makeProject({
        'pom.xml': pom(
          '<build><plugins><plugin><artifactId>maven-assembly-plugin</artifactId><configuration><archive><manifest><mainClass>App</mainClass></manifest></archive><descriptorRefs><descriptorRef>jar-with-dependencies</descriptorRef></descriptorRefs></configuration></plugin></plugins></build><dependencies><dependency><groupId>com.sparkjava</groupId><artifactId>spark-core</artifactId></dependency></dependencies>',
        ),
      }),
    );
    const { plan, warnings } = planJava(facts, answersFor(facts), '0.0.0');
    expect(plan.build.package).toBe('mvn -B package assembly:single -DskipTests');
    expect(plan.build.artifact).toBe('target/app-1.0-jar-with-dependencies.jar');
    expect(plan.launch).toBe('jar');
    expect(warnings).toEqual([]);
  });

  it('distroless without an image for this Java is a refusal (exit 3) a caller can catch, not a message to parse', () => {
    const facts = detectJava(
      makeProject({
        'pom.xml': pom(
          '<properties><maven.compiler.release>11</maven.compiler.release></properties><build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId><version>2.7.0</version></plugin></plugins></build>',
        ),
      }),
    );
    const refused = (() => {
      try {
        planJava(facts, answersFor(facts, { base: 'distroless', javaRuntime: undefined }), '0.0.0');
      } catch (caught) {
        return caught;
      }
    })();
    expect(refused).toBeInstanceOf(StagecraftError);
    expect((refused as StagecraftError).exitCode).toBe(ExitCode.refused);
    expect(planJava(facts, answersFor(facts), '0.0.0').plan.javaVersion).toBe('11');
  });
});

describe('a multi-project root under --yes (issue 14)', () => {
  const gradle = (files: Record<string, string>) => detectJava(makeProject({ 'settings.gradle': "rootProject.name = 'shop'\ninclude 'shop', 'worker', 'api'\n", ...files }));
  const mainClass = (name: string) => `plugins { id 'java' }\njar { manifest { attributes 'Main-Class': '${name}' } }\n`;

  it('the module named after the root project is chosen, and a warning says so and how to choose another', async () => {
    const { support: java } = await import('../src/languages/java/support.js');
    const facts = gradle({ 'shop/build.gradle': mainClass('a.Shop'), 'worker/build.gradle': mainClass('a.Worker'), 'api/build.gradle': "plugins { id 'java-library' }\n" });
    expect(java.entry.asks(facts, {})).toBe(true);
    expect(java.entry.fallback(facts, {})).toEqual({ value: 'shop' });
    // Said when --yes takes the rule's module; an --entry given is never explained, whichever it names.
    expect(java.entry.explainDefault!(facts, 'shop', {})).toBe(
      'several modules are runnable: building shop, the one named after the root project (shop or ' + facts.builds[0]!.rootNames[1] + '); --entry worker builds another',
    );
    expect(java.entry.explainDefault!(facts, 'worker', {})).toBeNull();
    expect(planJava(facts, answersFor(facts, { entry: 'shop', port: null }), '0.0.0').warnings.some((warning) => warning.startsWith('several modules'))).toBe(false);
  });

  it('else the only one applying the Spring Boot or application plugin; when none or several do, nothing decides', async () => {
    const { support: java } = await import('../src/languages/java/support.js');
    const application = "plugins { id 'application' }\napplication { mainClass = 'a.Api' }\n";
    expect(java.entry.fallback(gradle({ 'worker/build.gradle': mainClass('a.Worker'), 'api/build.gradle': application }), {})).toEqual({ value: 'api' });
    expect(java.entry.fallback(gradle({ 'worker/build.gradle': mainClass('a.Worker'), 'api/build.gradle': mainClass('a.Api') }), {})).toBeUndefined();
    expect(java.entry.fallback(gradle({ 'worker/build.gradle': application, 'api/build.gradle': application }), {})).toBeUndefined();
  });

  it('Maven: the module with the only Spring Boot plugin among runnable ones', async () => {
    const { support: java } = await import('../src/languages/java/support.js');
    const module = (name: string, build: string) =>
      `<?xml version="1.0"?>\n<project><modelVersion>4.0.0</modelVersion><parent><groupId>g</groupId><artifactId>root</artifactId><version>1.0</version></parent><artifactId>${name}</artifactId>${build}</project>\n`;
    const facts = detectJava(
      makeProject({
        'pom.xml': pom('<packaging>pom</packaging><modules><module>web</module><module>tool</module></modules>'),
        'web/pom.xml': module('web', '<build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId><version>3.4.0</version></plugin></plugins></build>'),
        'tool/pom.xml': module(
          'tool',
          '<build><plugins><plugin><artifactId>maven-jar-plugin</artifactId><configuration><archive><manifest><mainClass>a.Tool</mainClass></manifest></archive></configuration></plugin></plugins></build>',
        ),
      }),
    );
    expect(java.entry.fallback(facts, {})).toEqual({ value: 'web' });
  });
});

describe('jlink of a Spring Boot jar without layers (java-compose-spring-postgres failed with NoClassDefFoundError: javax/naming/NamingException)', () => {
  const render = async (inner: string) => {
    const { render: renderPlan } = await import('../src/render/index.js');
    const facts = detectJava(makeProject({ 'pom.xml': pom(inner) }));
    const { plan } = planJava(facts, answersFor(facts, { javaRuntime: 'jlink' }), '0.0.0');
    const changes = await renderPlan(plan);
    return changes.find((change) => change.path === 'Dockerfile')!.content;
  };
  const modulesStage = (dockerfile: string) => dockerfile.slice(dockerfile.indexOf(' AS modules'), dockerfile.indexOf(' AS jre'));

  it('Spring Boot 2.2: the nested libraries are unpacked before jdeps, which does not open a jar inside a jar', async () => {
    const dockerfile = await render(
      '<parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>2.2.5.RELEASE</version></parent><properties><java.version>11</java.version></properties><build><plugins><plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build>',
    );
    const stage = modulesStage(dockerfile);
    expect(stage).toMatch(/^WORKDIR \/out\nRUN jar xf \/out\/app\.jar BOOT-INF\/lib\n/m);
    // Unpacked before the find that hands every jar under /out to jdeps.
    expect(stage.indexOf('RUN jar xf')).toBeLessThan(stage.indexOf("RUN find /out -name '*.jar'"));
    expect(dockerfile).toContain('ENTRYPOINT ["/opt/java/openjdk/bin/java", "-jar", "/app/app.jar"]');
    expect(lintDockerfile(dockerfile)).toEqual([]);
  });

  it('a plain jar and a layered Spring Boot jar unpack nothing: their libraries are already jars jdeps finds', async () => {
    const assembly = await render(
      '<build><plugins><plugin><artifactId>maven-assembly-plugin</artifactId><configuration><archive><manifest><mainClass>App</mainClass></manifest></archive><descriptorRefs><descriptorRef>jar-with-dependencies</descriptorRef></descriptorRefs></configuration></plugin></plugins></build>',
    );
    const layered = await render(
      '<properties><java.version>17</java.version></properties><build><plugins><plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId><version>2.7.0</version></plugin></plugins></build>',
    );
    expect(layered).toContain(' AS modules');
    for (const dockerfile of [assembly, layered]) expect(modulesStage(dockerfile)).not.toContain('jar xf');
  });
});
