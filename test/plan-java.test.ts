import { describe, expect, it } from 'vitest';
import { detectJava } from '../src/languages/java/detect.js';
import { planJava } from '../src/languages/java/plan.js';
import { ExitCode, StagecraftError } from '../src/errors.js';
import type { Answers } from '../src/core/options.js';
import { makeProject } from './helpers.js';

const pom = (inner: string) =>
  `<?xml version="1.0"?>\n<project>\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>g</groupId>\n  <artifactId>app</artifactId>\n  <version>1.0</version>\n${inner}\n</project>\n`;

const answersFor = (facts: ReturnType<typeof detectJava>, answers: Partial<Answers> = {}): Answers =>
  ({ entry: '.', runtimeVersion: facts.runtimeVersion.value, base: 'slim', javaRuntime: 'jre', debug: 'none', port: 8080, ...answers }) as Answers;

describe('Java plans for issue 14', () => {
  it('an assembly no execution binds: package runs assembly:single, and the image runs the assembly jar', () => {
    const facts = detectJava(makeProject({
      'pom.xml': pom('<build><plugins><plugin><artifactId>maven-assembly-plugin</artifactId><configuration><archive><manifest><mainClass>App</mainClass></manifest></archive><descriptorRefs><descriptorRef>jar-with-dependencies</descriptorRef></descriptorRefs></configuration></plugin></plugins></build><dependencies><dependency><groupId>com.sparkjava</groupId><artifactId>spark-core</artifactId></dependency></dependencies>'),
    }));
    const { plan, warnings } = planJava(facts, answersFor(facts), '0.0.0');
    expect(plan.build.package).toBe('mvn -B package assembly:single -DskipTests');
    expect(plan.build.artifact).toBe('target/app-1.0-jar-with-dependencies.jar');
    expect(plan.launch).toBe('jar');
    expect(warnings).toEqual([]);
  });

  it('distroless without an image for this Java is a refusal (exit 3) a caller can catch, not a message to parse', () => {
    const facts = detectJava(makeProject({ 'pom.xml': pom('<properties><maven.compiler.release>11</maven.compiler.release></properties><build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId><version>2.7.0</version></plugin></plugins></build>') }));
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
