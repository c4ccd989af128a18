import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { projectError } from '../../errors.js';
import type { ProjectFiles } from '../../project.js';
import { fact, type Evidence, type Fact } from '../../core/facts.js';
import { lineOf } from '../../core/text.js';
import { javaMajorOf, readAppConfig, type JavaApp, type JavaBuild, type JavaLaunch } from './jvm.js';

/** The parts of a POM stagecraft reads; everything is optional in XML. */
interface Pom {
  groupId?: string;
  artifactId?: string;
  version?: string;
  packaging?: string;
  parent?: { groupId?: string; artifactId?: string; version?: string };
  properties?: Record<string, unknown>;
  modules?: { module?: string[] };
  dependencies?: { dependency?: PomDependency[] };
  dependencyManagement?: { dependencies?: { dependency?: PomDependency[] } };
  build?: { finalName?: string; plugins?: { plugin?: PomPlugin[] }; pluginManagement?: { plugins?: { plugin?: PomPlugin[] } } };
}

interface PomDependency {
  groupId?: string;
  artifactId?: string;
  version?: string;
  scope?: string;
}

interface PomPlugin {
  groupId?: string;
  artifactId?: string;
  version?: string;
  configuration?: Record<string, unknown>;
  executions?: { execution?: PomExecution | PomExecution[] };
}

interface PomExecution {
  phase?: string;
  goals?: { goal?: string | string[] };
  configuration?: Record<string, unknown>;
}

/** One POM, parsed, with its text for line numbers and its properties resolved against its parent's. */
interface ParsedPom {
  file: string;
  text: string;
  pom: Pom;
  properties: Record<string, string>;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  // Versions such as 1.10 must stay strings.
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['module', 'plugin', 'dependency'].includes(name),
});

const asText = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

/** Parses a POM with a real XML parser; malformed XML is a one-line error naming file, line and problem. */
function readPom(project: ProjectFiles, file: string, inherited: Record<string, string>): ParsedPom {
  const text = project.readText(file);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw projectError(`${file}:${valid.err.line}: not well-formed XML (${valid.err.msg})`);
  const document = parser.parse(text) as { project?: Pom | string };
  if (typeof document.project !== 'object' || document.project === null) throw projectError(`${file}: no <project> element, so not a Maven POM`);
  const pom = document.project;
  const properties: Record<string, string> = { ...inherited };
  for (const [key, value] of Object.entries(pom.properties ?? {})) {
    const text = asText(value);
    if (text !== undefined) properties[key] = text;
  }
  const version = asText(pom.version) ?? asText(pom.parent?.version);
  if (version) properties['project.version'] = version;
  const artifactId = asText(pom.artifactId);
  if (artifactId) properties['project.artifactId'] = artifactId;
  return { file, text, pom, properties };
}

/** `${revision}` and friends, resolved from the POM's properties; null when something stays unresolved. */
function resolve(value: string | undefined, properties: Record<string, string>): string | null {
  if (value === undefined) return null;
  let resolved = value;
  for (let depth = 0; depth < 5 && resolved.includes('${'); depth++) {
    resolved = resolved.replace(/\$\{([^}]+)\}/g, (whole, key: string) => properties[key] ?? whole);
  }
  return resolved.includes('${') ? null : resolved;
}

const evidenceOf = (parsed: ParsedPom, needle: string): Evidence => {
  const line = lineOf(parsed.text, needle);
  return line === undefined ? { file: parsed.file } : { file: parsed.file, line };
};

const pluginsOf = (pom: Pom) => pom.build?.plugins?.plugin ?? [];
const findPlugin = (pom: Pom, artifactId: string) => pluginsOf(pom).find((plugin) => asText(plugin.artifactId) === artifactId);
/** A plugin of the build, else its <pluginManagement> entry (which configures it wherever it runs). */
const findManagedPlugin = (pom: Pom, artifactId: string) =>
  findPlugin(pom, artifactId) ?? pom.build?.pluginManagement?.plugins?.plugin?.find((plugin) => asText(plugin.artifactId) === artifactId);
/** XML that may hold one element or several: always a list. */
const listOf = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The Java major the POM compiles for: release, then Spring Boot's java.version, then target and source. */
function javaVersionOf(parsed: ParsedPom): Fact<string> | null {
  const compiler = findManagedPlugin(parsed.pom, 'maven-compiler-plugin');
  const candidates: [string, string | undefined][] = [
    ['maven.compiler.release', parsed.properties['maven.compiler.release']],
    ['release', asText(compiler?.configuration?.release)],
    ['java.version', parsed.properties['java.version']],
    ['maven.compiler.target', parsed.properties['maven.compiler.target']],
    ['maven.compiler.source', parsed.properties['maven.compiler.source']],
    ['target', asText(compiler?.configuration?.target)],
    ['source', asText(compiler?.configuration?.source)],
  ];
  for (const [name, raw] of candidates) {
    const value = resolve(raw, parsed.properties);
    if (value === null) continue;
    const major = javaMajorOf(value);
    const evidence = evidenceOf(parsed, `<${name}>`);
    if (major === null) throw projectError(`${evidence.file}${evidence.line ? `:${evidence.line}` : ''}: <${name}> "${value}" is not a Java version`);
    return fact(major, evidence);
  }
  return null;
}

/** Spring Boot's version: the starter parent, the plugin's own version, the BOM, or the spring-boot.version property. */
function springBootVersion(parsed: ParsedPom, root: ParsedPom): string | null {
  for (const candidate of [parsed, root]) {
    const { pom, properties } = candidate;
    if (asText(pom.parent?.groupId) === 'org.springframework.boot') return resolve(asText(pom.parent?.version), properties);
    const plugin = findPlugin(pom, 'spring-boot-maven-plugin');
    const pluginVersion = resolve(asText(plugin?.version), properties);
    if (pluginVersion) return pluginVersion;
    const bom = pom.dependencyManagement?.dependencies?.dependency?.find((dependency) => asText(dependency.artifactId) === 'spring-boot-dependencies');
    const bomVersion = resolve(asText(bom?.version), properties);
    if (bomVersion) return bomVersion;
    if (properties['spring-boot.version']) return resolve(properties['spring-boot.version'], properties);
  }
  return null;
}

/** `<archive><manifest><mainClass>` or `<manifestEntries><Main-Class>` of a plugin's configuration. */
function archiveMainClass(configuration: Record<string, unknown> | undefined, properties: Record<string, string>): string | null {
  const archive = configuration?.archive as Record<string, Record<string, unknown> | undefined> | undefined;
  return resolve(asText(archive?.manifest?.mainClass) ?? asText(archive?.manifestEntries?.['Main-Class']), properties);
}

/** The jar plugin's Main-Class, declared in the build's plugins or its <pluginManagement>. */
const mainClassOf = (pom: Pom, properties: Record<string, string>) => archiveMainClass(findManagedPlugin(pom, 'maven-jar-plugin')?.configuration, properties);

/**
 * maven-assembly-plugin's jar-with-dependencies with a Main-Class: a jar that bundles everything.
 * `goal`: `assembly:single` when no execution binds it to a phase, so `package` alone does not build it.
 */
function assemblyOf(parsed: ParsedPom, baseName: string | null): { mainClass: string; jar: string | null; goal: string | null } | null {
  const plugin = findPlugin(parsed.pom, 'maven-assembly-plugin');
  if (!plugin) return null;
  const executions = listOf(plugin.executions?.execution);
  const configurations = [plugin.configuration, ...executions.map((execution) => execution.configuration)].filter((configuration) => configuration !== undefined);
  const configuration = configurations.find((candidate) =>
    listOf(candidate.descriptorRefs as { descriptorRef?: string | string[] } | undefined).some((refs) => listOf(refs.descriptorRef).includes('jar-with-dependencies')),
  );
  const mainClass = configuration ? archiveMainClass(configuration, parsed.properties) : null;
  if (!configuration || !mainClass) return null;
  const name = resolve(asText(configuration.finalName), parsed.properties) ?? baseName;
  const suffix = asText(configuration.appendAssemblyId) === 'false' ? '' : '-jar-with-dependencies';
  const bound = executions.some((execution) => listOf(execution.goals?.goal).includes('single'));
  return { mainClass, jar: name ? `target/${name}${suffix}.jar` : null, goal: bound ? null : 'assembly:single' };
}

/** How the module's artifact starts, or null for a library (nothing runnable). */
function launchOf(parsed: ParsedPom, root: ParsedPom, assembly: ReturnType<typeof assemblyOf>): Fact<JavaLaunch> | null {
  const inRootBuild = (artifactId: string) => (findPlugin(parsed.pom, artifactId) ? parsed : findPlugin(root.pom, artifactId) && parsed !== root ? root : null);
  const boot = inRootBuild('spring-boot-maven-plugin');
  if (boot) {
    return fact({ kind: 'spring-boot', version: springBootVersion(parsed, root) }, evidenceOf(boot, '<artifactId>spring-boot-maven-plugin</artifactId>'));
  }
  const quarkus = inRootBuild('quarkus-maven-plugin');
  if (quarkus) return fact({ kind: 'quarkus' }, evidenceOf(quarkus, '<artifactId>quarkus-maven-plugin</artifactId>'));
  if (assembly) return fact({ kind: 'jar', mainClass: assembly.mainClass, bundlesDependencies: true }, evidenceOf(parsed, '<artifactId>maven-assembly-plugin</artifactId>'));
  const mainClass = mainClassOf(parsed.pom, parsed.properties);
  if (mainClass) {
    const shaded = findPlugin(parsed.pom, 'maven-shade-plugin') !== undefined;
    return fact({ kind: 'jar', mainClass, bundlesDependencies: shaded }, evidenceOf(parsed, mainClass));
  }
  return null;
}

/** Dependencies the app needs at run time (not test, provided or import scope). */
const runtimeDependencies = (pom: Pom) =>
  (pom.dependencies?.dependency ?? []).filter((dependency) => !['test', 'provided', 'import', 'system'].includes(asText(dependency.scope) ?? 'compile'));

/** Quarkus extensions that start its HTTP server (Vert.x HTTP): REST, web sockets, gRPC, health, GraphQL, Spring Web, ... */
const QUARKUS_HTTP =
  /^quarkus-(rest|resteasy|vertx-http|vertx-web|reactive-routes|undertow|websockets|spring-web|smallrye-graphql|smallrye-health|smallrye-openapi|micrometer|grpc|funqy-http|amazon-lambda-http|oidc|keycloak|security|elytron|qute-web|web-dependency-locator|hibernate-orm-rest-data|spring-data-rest|info|management)/;

/** A Quarkus app none of whose dependencies is an HTTP extension (a command-mode app on quarkus-arc) serves nothing: the pom is the evidence. */
function quarkusWithoutServer(parsed: ParsedPom, launch: Fact<JavaLaunch> | null): Evidence | null {
  if (launch?.value.kind !== 'quarkus') return null;
  const artifacts = runtimeDependencies(parsed.pom).map((dependency) => asText(dependency.artifactId) ?? '');
  return artifacts.some((artifact) => QUARKUS_HTTP.test(artifact)) ? null : { file: parsed.file };
}

function appOf(project: ProjectFiles, parsed: ParsedPom, root: ParsedPom, module: string): JavaApp {
  const { pom, properties } = parsed;
  const artifactId = asText(pom.artifactId) ?? path.posix.basename(module);
  const finalName = resolve(asText(pom.build?.finalName), properties) ?? resolve(`${artifactId}-${properties['project.version'] ?? ''}`, properties);
  const assembly = assemblyOf(parsed, finalName?.replace(/-$/, '') ?? null);
  const launch = launchOf(parsed, root, assembly);
  const packaging = asText(pom.packaging) ?? 'jar';
  return {
    module,
    name: artifactId,
    // `quarkus` is Quarkus' own packaging: quarkus-maven-plugin builds target/quarkus-app from it.
    launch: packaging === 'jar' || (packaging === 'quarkus' && launch?.value.kind === 'quarkus') ? launch : null,
    packaging,
    artifact: launch?.value.kind === 'quarkus' ? 'target/quarkus-app' : assembly ? assembly.jar : finalName ? `target/${finalName.replace(/-$/, '')}.jar` : null,
    artifactEvidence: evidenceOf(parsed, pom.build?.finalName ? '<finalName>' : '<artifactId>'),
    hasRuntimeDependencies: runtimeDependencies(pom).length > 0,
    ...(assembly?.goal ? { packageGoals: [assembly.goal] } : {}),
    ...readAppConfig(project, module, launch?.value.kind ?? null, quarkusWithoutServer(parsed, launch)),
  };
}

/** Maven's facts: the POM (and each module's), wrapper, Java version and the runnable modules. */
export function detectMaven(project: ProjectFiles): JavaBuild {
  const root = readPom(project, 'pom.xml', {});
  const manifests = ['pom.xml'];
  const apps: JavaApp[] = [];
  const moduleNames = (root.pom.modules?.module ?? []).map(asText).filter((name): name is string => Boolean(name));
  const modules: { module: string; parsed: ParsedPom }[] = [];
  for (const name of moduleNames) {
    const module = path.posix.normalize(name.replace(/\/pom\.xml$/, ''));
    const file = `${module}/pom.xml`;
    if (module.startsWith('..') || !project.hasFile(file)) throw projectError(`pom.xml:${evidenceOf(root, `<module>${name}</module>`).line}: module ${name} has no ${file}`);
    manifests.push(file);
    modules.push({ module, parsed: readPom(project, file, root.properties) });
  }
  if (modules.length === 0) apps.push(appOf(project, root, root, '.'));
  for (const { module, parsed } of modules) apps.push(appOf(project, parsed, root, module));

  const javaVersion = javaVersionOf(root) ?? modules.map(({ parsed }) => javaVersionOf(parsed)).find((version) => version !== null) ?? null;
  const hasWrapper = project.hasFile('mvnw') && project.hasFile('.mvn/wrapper/maven-wrapper.properties');
  return {
    tool: 'maven',
    evidence: { file: 'pom.xml' },
    wrapper: hasWrapper ? fact(true, { file: 'mvnw' }) : fact(false, null),
    wrapperFiles: hasWrapper ? ['mvnw', '.mvn'] : [],
    manifests,
    javaVersion,
    groupId: asText(root.pom.groupId) ?? asText(root.pom.parent?.groupId) ?? null,
    multiModule: modules.length > 0,
    rootNames: [...new Set([asText(root.pom.artifactId), path.basename(project.root)].filter((name): name is string => Boolean(name)))],
    apps,
  };
}
