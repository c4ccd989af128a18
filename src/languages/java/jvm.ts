import type { BuildTool } from './questions.js';
import type { ProjectFiles } from '../../project.js';
import { describeEvidence, fact, type Evidence, type Fact } from '../../core/facts.js';
import { toolVersion } from '../../core/tool-versions.js';
import { projectError } from '../../errors.js';
import { lineAt, stripComments } from '../../core/text.js';

/** The current Java LTS, used when the project names no version. */
export const LTS_JAVA_MAJOR = '25';

/** How a module's artifact starts. */
export type JavaLaunch =
  /** A Spring Boot fat jar; the version decides how its layers are extracted (null: not found). */
  | { kind: 'spring-boot'; version: string | null }
  /** Quarkus' fast-jar layout: quarkus-app/ with quarkus-run.jar. */
  | { kind: 'quarkus' }
  /** A plain jar whose manifest names its Main-Class; `bundlesDependencies`: shaded into it. */
  | { kind: 'jar'; mainClass: string; bundlesDependencies: boolean };

export interface JavaApp {
  /** The module's folder from the build's root: "." for a single-module build. */
  module: string;
  /** Maven artifactId or Gradle project name. */
  name: string;
  /** Null for a module that builds nothing runnable (a library, a war). */
  launch: Fact<JavaLaunch> | null;
  packaging: string;
  /** What the build writes, relative to the module: target/demo-1.0.jar, build/libs/app.jar, target/quarkus-app. */
  artifact: string | null;
  artifactEvidence: Evidence;
  hasRuntimeDependencies: boolean;
  /** Gradle: the subproject applies the application plugin (the --yes rule for multi-project builds). */
  appliesApplicationPlugin?: boolean;
  /** Goals the build runs after `package`, which alone does not build the artifact (`assembly:single`). */
  packageGoals?: string[];
  /** server.port / quarkus.http.port, else 8080; null for a Quarkus app without an HTTP extension, which listens on nothing. */
  port: Fact<number | null>;
}

export interface JavaBuild {
  tool: BuildTool;
  evidence: Evidence;
  wrapper: Fact<boolean>;
  /** The wrapper script and its folder, copied before the build files. */
  wrapperFiles: string[];
  /** Build files copied before the sources, so dependency resolution is cached until they change. */
  manifests: string[];
  /** The Java major the build names; null when it names none. */
  javaVersion: Fact<string> | null;
  /** Maven's groupId (its own modules are not downloaded while resolving); null for Gradle. */
  groupId: string | null;
  multiModule: boolean;
  /** The root project's name (Gradle's rootProject.name, Maven's artifactId) and its folder's: a module named so is the app. */
  rootNames: string[];
  apps: JavaApp[];
}

/** "1.8" -> "8", "21" -> "21", "17.0.2" -> "17"; null for anything else. */
export function javaMajorOf(raw: string): string | null {
  const value = raw
    .trim()
    .replace(/^(JavaVersion\.)?VERSION_/, '')
    .replace(/_/g, '.');
  const legacy = /^1\.(\d+)$/.exec(value);
  if (legacy) return legacy[1]!;
  const major = /^(\d+)(\.\d+){0,2}$/.exec(value)?.[1];
  return major !== undefined && Number(major) >= 8 ? major : null;
}

/** `.java-version` (jenv) or `.sdkmanrc` (java=21.0.4-tem), the version the developer runs. */
export function javaVersionFromToolFiles(project: ProjectFiles): Fact<string> | null {
  if (project.hasFile('.java-version')) {
    const major = javaMajorOf(
      project
        .readText('.java-version')
        .split('\n')[0]!
        .replace(/^(temurin|openjdk|zulu|corretto)-/, ''),
    );
    if (major) return fact(major, { file: '.java-version', line: 1 });
  }
  if (project.hasFile('.sdkmanrc')) {
    const text = project.readText('.sdkmanrc');
    const match = /^java=(\d+(?:\.\d+){0,2})/m.exec(text);
    const major = match ? javaMajorOf(match[1]!) : null;
    if (major) return fact(major, { file: '.sdkmanrc', line: lineAt(text, match!.index) });
  }
  // mise.toml `java = "temurin-21.0.2+13.0.LTS"`, .tool-versions `java openjdk-21`: the vendor prefix and build suffix go.
  const managed = toolVersion(project, ['java']);
  const major = managed && javaMajorOf(/^(?:[a-z]+-)*(\d+(?:\.\d+){0,2})/.exec(managed.raw)?.[1] ?? '');
  if (managed && !major) throw projectError(`${describeEvidence(managed.evidence)}: java "${managed.raw}" names no Java major such as 21`);
  return major ? fact(major, managed!.evidence) : null;
}

const DEFAULT_PORT = 8080;

/**
 * The port from the module's application.properties or .yml: Spring's server.port, Quarkus'
 * quarkus.http.port. `${PORT:8081}` counts as its default. Read with patterns: these files are flat.
 */
export function readAppConfig(project: ProjectFiles, module: string, kind: JavaLaunch['kind'] | null, noServer: Evidence | null = null): { port: Fact<number | null> } {
  if (noServer) return { port: fact(null, noServer) };
  const key = kind === 'quarkus' ? 'quarkus.http.port' : 'server.port';
  const dir = `${module === '.' ? '' : `${module}/`}src/main/resources`;
  const valueOf = (raw: string) => Number(/^\$\{[A-Za-z_.]+:(\d+)\}$/.exec(raw)?.[1] ?? raw);
  const properties = `${dir}/application.properties`;
  if (project.hasFile(properties)) {
    const text = project.readText(properties);
    const match = new RegExp(`^[ \\t]*${key.replace(/\./g, '\\.')}\\s*[=:]\\s*(\\S+)`, 'm').exec(text);
    const port = match ? valueOf(match[1]!) : NaN;
    if (port >= 1 && port <= 65535) return { port: fact(port, { file: properties, line: lineAt(text, match!.index + match![0].indexOf(key)) }) };
  }
  for (const yaml of [`${dir}/application.yml`, `${dir}/application.yaml`]) {
    if (!project.hasFile(yaml)) continue;
    const text = project.readText(yaml);
    const found = yamlValue(text, key);
    const port = found ? valueOf(found.raw) : NaN;
    if (port >= 1 && port <= 65535) return { port: fact(port, { file: yaml, line: lineAt(text, found!.index) }) };
  }
  // A plain jar's server (Javalin, Spark, the JDK's HttpServer) listens where its own code says.
  const fromSource = kind === 'jar' ? sourcePort(project, module) : null;
  return { port: fromSource ?? fact(DEFAULT_PORT, null) };
}

/** A port a listen call names: Javalin's `.start(7070)`, Spark's and Helidon's `port(8080)`, `new InetSocketAddress(8000)`. */
const LISTEN_PORT = /\.start\(\s*(\d{2,5})\s*\)|\bport\(\s*(\d{2,5})\s*\)|\bnew\s+InetSocketAddress\(\s*(?:"[^"]*"\s*,\s*)?(\d{2,5})\s*\)/;
/** PORT read from the environment (`System.getenv("PORT")`, `new ProcessBuilder().environment().get("PORT")`). */
const READS_PORT = /(?:getenv|environment\(\)\.get)\(\s*"PORT"\s*\)|getOrDefault\(\s*"PORT"/;
/** The port used when PORT is not set, in a file that reads it: `getOrDefault("PORT", "7070")`, `.orElse("7070")`, `return 7070;`. */
const PORT_FALLBACK = /getOrDefault\(\s*"PORT"\s*,\s*"(\d{2,5})"\s*\)|\.orElse\(\s*"?(\d{2,5})"?\s*\)|\breturn\s+(\d{2,5})\s*;/;

/** The port the module's Java or Kotlin sources listen on: a listen call's number, else the fallback of a PORT read; null without either. */
function sourcePort(project: ProjectFiles, module: string): Fact<number> | null {
  const roots = ['java', 'kotlin'].map((language) => `${module === '.' ? '' : `${module}/`}src/main/${language}/`);
  const sources = project
    .files()
    .filter((file) => roots.some((root) => file.startsWith(root)) && /\.(java|kt)$/.test(file) && !project.tooLargeToScan(file))
    .map((file) => ({ file, code: stripComments(project.readSource(file)) }));
  const found = (pattern: RegExp, files: typeof sources) => {
    for (const { file, code } of files) {
      const match = pattern.exec(code);
      const port = match ? Number(match.slice(1).find((group) => group !== undefined)) : NaN;
      if (port >= 1 && port <= 65535) return fact(port, { file, line: lineAt(code, match!.index) });
    }
    return null;
  };
  return (
    found(LISTEN_PORT, sources) ??
    found(
      PORT_FALLBACK,
      sources.filter(({ code }) => READS_PORT.test(code)),
    )
  );
}

/** A dotted key in YAML, flat (`server.port: 8081`) or nested (`server:` then an indented `port: 8081`). */
function yamlValue(text: string, key: string): { raw: string; index: number } | null {
  const flat = new RegExp(`^${key.replace(/\./g, '\\.')}:[ \\t]*["']?([^\\s"'#]+)`, 'm').exec(text);
  if (flat) return { raw: flat[1]!, index: flat.index };
  const [top, ...rest] = key.split('.');
  const head = new RegExp(`^${top}:[ \\t]*(#.*)?$`, 'm').exec(text);
  if (!head) return null;
  const start = head.index + head[0].length + 1;
  // The block ends at the next line that is not indented.
  const end = text.slice(start).search(/^\S/m);
  const block = end === -1 ? text.slice(start) : text.slice(start, start + end);
  const leaf = new RegExp(`^[ \\t]+${rest.at(-1)}:[ \\t]*["']?([^\\s"'#]+)`, 'm').exec(block);
  return leaf ? { raw: leaf[1]!, index: start + leaf.index } : null;
}
