import path from 'node:path';
import type { ProjectFiles } from '../../project.js';
import { fact, type Evidence, type Fact } from '../../core/facts.js';
import { lineAt } from '../../core/text.js';
import { javaMajorOf, readAppConfig, type JavaApp, type JavaBuild, type JavaLaunch } from './jvm.js';

/*
 * Gradle build scripts are programs (Groovy or Kotlin), so they are read with careful patterns for
 * the handful of declarations that matter, never evaluated. Comments are blanked first, keeping
 * line breaks so evidence points at the right line.
 */

interface Script {
  file: string;
  /** The script with comments blanked out. */
  code: string;
}

const stripComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' ')).replace(/(^|[^:])\/\/[^\n]*/g, '$1');

function readScript(project: ProjectFiles, candidates: string[]): Script | null {
  const file = candidates.find((candidate) => project.hasFile(candidate));
  return file ? { file, code: stripComments(project.readText(file)) } : null;
}

const at = (script: Script, index: number): Evidence => ({ file: script.file, line: lineAt(script.code, index) });

function firstMatch(script: Script | null, patterns: RegExp[]): { value: string; evidence: Evidence } | null {
  if (!script) return null;
  for (const pattern of patterns) {
    const match = pattern.exec(script.code);
    if (match) return { value: match.slice(1).find((group) => group !== undefined)!, evidence: at(script, match.index) };
  }
  return null;
}

/** `include("api", ":worker")` / `include 'api'`: the subprojects, as folders ("a:b" -> "a/b"). */
function includedProjects(settings: Script | null): string[] {
  if (!settings) return [];
  const projects: string[] = [];
  for (const statement of settings.code.matchAll(/^[ \t]*include\s*\(?([^\n)]*)\)?/gm)) {
    for (const name of statement[1]!.matchAll(/["']:?([A-Za-z0-9._:-]+)["']/g)) projects.push(name[1]!.replace(/:/g, '/'));
  }
  return projects;
}

const JAVA_VERSION_PATTERNS = [
  /JavaLanguageVersion\.of\(\s*["']?(\d+)["']?\s*\)/,
  /jvmToolchain\(\s*(\d+)\s*\)/,
  /targetCompatibility\s*=\s*(?:JavaVersion\.(VERSION_[\d_]+)|["']([\d.]+)["']|([\d.]+))/,
  /sourceCompatibility\s*=\s*(?:JavaVersion\.(VERSION_[\d_]+)|["']([\d.]+)["']|([\d.]+))/,
];

const pluginPattern = (id: string) =>
  new RegExp(`(?:id\\s*\\(?\\s*["']${id.replace(/\./g, '\\.')}["']\\s*\\)?|apply\\s+plugin:\\s*["']${id.replace(/\./g, '\\.')}["'])(?:\\s*version\\s*\\(?\\s*["']([^"']+)["'])?`);

/** Plugins of the version catalog (gradle/libs.versions.toml): id -> the `libs.plugins.x.y` accessor and version. */
type Catalog = Map<string, { accessor: string; version: string | null }>;

function readCatalog(project: ProjectFiles): Catalog {
  const catalog: Catalog = new Map();
  if (!project.hasFile('gradle/libs.versions.toml')) return catalog;
  const toml = project.readText('gradle/libs.versions.toml');
  const section = (name: string) => new RegExp(`^\\[${name}\\]\\s*$([\\s\\S]*?)(?=^\\[|(?![\\s\\S]))`, 'm').exec(toml)?.[1] ?? '';
  const versions = new Map([...section('versions').matchAll(/^[ \t]*([\w.-]+)\s*=\s*"([^"]+)"/gm)].map((match) => [match[1]!, match[2]!]));
  for (const [, alias, value] of section('plugins').matchAll(/^[ \t]*([\w.-]+)\s*=\s*(.+)$/gm)) {
    // `{ id = "x", version = "1" }`, `{ id = "x", version.ref = "v" }` or `"x:1"`.
    const id = /\bid\s*=\s*"([^"]+)"/.exec(value!)?.[1] ?? /^"([^":]+)(?::[^"]*)?"/.exec(value!)?.[1];
    if (!id) continue;
    const version =
      /\bversion\s*=\s*"([^"]+)"/.exec(value!)?.[1] ?? versions.get(/\bversion\.ref\s*=\s*"([^"]+)"/.exec(value!)?.[1] ?? '') ?? /^"[^":]+:([^"]+)"/.exec(value!)?.[1] ?? null;
    catalog.set(id, { accessor: alias!.replace(/[-_]/g, '.'), version });
  }
  return catalog;
}

/** Where a script applies a plugin (by id, or by its catalog alias), and the version it names there. */
function pluginUse(script: Script, id: string, catalog: Catalog): { index: number; version: string | null } | null {
  const direct = pluginPattern(id).exec(script.code);
  if (direct) return { index: direct.index, version: direct[1] ?? null };
  const entry = catalog.get(id);
  const alias = entry && new RegExp(`alias\\s*\\(\\s*libs\\.plugins\\.${entry.accessor.replace(/\./g, '\\.')}\\s*\\)`).exec(script.code);
  return alias ? { index: alias.index, version: entry.version } : null;
}

/**
 * The Main-Class: the jar manifest's (`"Main-Class" to`, `'Main-Class': `, `attributes["Main-Class"] =`), else the
 * application plugin's (`application { mainClass = }`, `mainClass.set(...)`, `mainClassName =`).
 */
const MAIN_CLASS_PATTERNS = [
  /["']Main-Class["']\s*(?:to|:|,)\s*["']([\w.$]+)["']/,
  /\[\s*["']Main-Class["']\s*\]\s*=\s*["']([\w.$]+)["']/,
  /\bmainClass\s*(?:=|\.set\()\s*["']([\w.$]+)["']/,
  /\bmainClassName\s*=\s*["']([\w.$]+)["']/,
];

function launchOf(script: Script, root: Script, catalog: Catalog): Fact<JavaLaunch> | null {
  const boot = pluginUse(script, 'org.springframework.boot', catalog);
  if (boot) {
    // A subproject applies the plugin; its version is usually declared once in the root's plugins block.
    const version = boot.version ?? pluginUse(root, 'org.springframework.boot', catalog)?.version ?? null;
    return fact({ kind: 'spring-boot', version }, at(script, boot.index));
  }
  const quarkus = pluginUse(script, 'io.quarkus', catalog);
  if (quarkus) return fact({ kind: 'quarkus' }, at(script, quarkus.index));
  const mainClass = MAIN_CLASS_PATTERNS.map((pattern) => pattern.exec(script.code)).find((match) => match !== null);
  if (mainClass) {
    const shaded = pluginPattern('com.gradleup.shadow').test(script.code) || pluginPattern('com.github.johnrengelman.shadow').test(script.code);
    return fact({ kind: 'jar', mainClass: mainClass[1]!, bundlesDependencies: shaded }, at(script, mainClass.index));
  }
  return null;
}

const ASSIGNED = (name: string) => new RegExp(`\\b${name}\\s*(?:=|\\.set\\()\\s*["']([^"'$]+)["']`);

interface BuildContext {
  root: Script;
  rootName: string | null;
  /** gradle.properties, where `version=` may live. */
  properties: string;
  catalog: Catalog;
}

function appOf(project: ProjectFiles, module: string, script: Script, { root, rootName, properties, catalog }: BuildContext): JavaApp {
  const launch = launchOf(script, root, catalog);
  const name = module === '.' ? (rootName ?? 'app') : module.split('/').at(-1)!;
  const fileName = firstMatch(script, [ASSIGNED('archiveFileName')]);
  const baseName = firstMatch(script, [ASSIGNED('archiveBaseName'), ASSIGNED('archivesName'), ASSIGNED('archivesBaseName')]);
  const version =
    firstMatch(script, [/^[ \t]*version\s*=\s*["']([^"'$]+)["']/m]) ??
    firstMatch(root, [/^[ \t]*version\s*=\s*["']([^"'$]+)["']/m]) ??
    (/^version\s*=\s*(\S+)/m.exec(properties) ? { value: /^version\s*=\s*(\S+)/m.exec(properties)![1]!, evidence: { file: 'gradle.properties' } } : null);
  const jarName = fileName?.value ?? `${baseName?.value ?? name}${version ? `-${version.value}` : ''}.jar`;
  return {
    module,
    name,
    launch,
    packaging: 'jar',
    artifact: launch?.value.kind === 'quarkus' ? 'build/quarkus-app' : `build/libs/${jarName}`,
    artifactEvidence: fileName?.evidence ?? baseName?.evidence ?? version?.evidence ?? { file: script.file },
    hasRuntimeDependencies: /^[ \t]*(implementation|runtimeOnly|api)\b/m.test(script.code),
    appliesApplicationPlugin: pluginPattern('application').test(script.code) || /\bplugins\s*\{[^}]*(?<![\w."'])application\b/.test(script.code),
    ...readAppConfig(project, module, launch?.value.kind ?? null),
  };
}

/** Gradle's facts: build scripts, settings, wrapper, Java version and the runnable (sub)projects. */
export function detectGradle(project: ProjectFiles): JavaBuild {
  const kotlin = (name: string) => [`${name}.kts`, name];
  const root = readScript(project, kotlin('build.gradle'));
  const settings = readScript(project, kotlin('settings.gradle'));
  const rootScript = root ?? { file: settings!.file, code: '' };
  const properties = project.hasFile('gradle.properties') ? project.readText('gradle.properties') : '';
  const rootName = firstMatch(settings, [/rootProject\.name\s*=\s*["']([^"']+)["']/])?.value ?? null;
  const manifests = [settings?.file, root?.file, 'gradle.properties', 'gradle/libs.versions.toml'].filter((file): file is string => file !== undefined && project.hasFile(file));
  if (project.hasDir('buildSrc')) manifests.push('buildSrc');

  const context: BuildContext = { root: rootScript, rootName, properties, catalog: readCatalog(project) };
  const included = includedProjects(settings);
  const apps: JavaApp[] = [];
  let javaVersion = firstMatch(root, JAVA_VERSION_PATTERNS);
  if (included.length === 0 && root) apps.push(appOf(project, '.', root, context));
  for (const module of included) {
    const script = readScript(project, kotlin(`${module}/build.gradle`));
    if (!script) continue;
    manifests.push(script.file);
    javaVersion ??= firstMatch(script, JAVA_VERSION_PATTERNS);
    apps.push(appOf(project, module, script, context));
  }

  let major: Fact<string> | null = null;
  if (javaVersion) {
    const value = javaMajorOf(javaVersion.value);
    // A version Gradle computes (a variable, a property) cannot be read; the default or a flag decides then.
    if (value) major = fact(value, javaVersion.evidence);
  }
  const hasWrapper = project.hasFile('gradlew') && project.hasFile('gradle/wrapper/gradle-wrapper.properties');
  return {
    tool: 'gradle',
    evidence: { file: root?.file ?? settings!.file },
    wrapper: hasWrapper ? fact(true, { file: 'gradlew' }) : fact(false, null),
    wrapperFiles: hasWrapper ? ['gradlew', 'gradle/wrapper'] : [],
    manifests,
    javaVersion: major,
    groupId: null,
    multiModule: included.length > 0,
    rootNames: [...new Set([rootName, path.basename(project.root)].filter((name): name is string => Boolean(name)))],
    apps,
  };
}
