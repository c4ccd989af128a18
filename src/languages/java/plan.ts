import semver from 'semver';
import { planSecrets } from '../../core/secrets.js';
import { GRADLE_USER_HOME } from './secrets.js';
import type { JavaApp, JavaBuild, JavaFacts } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { projectError, usageError } from '../../errors.js';
import type { Planned } from '../../core/language.js';
import { ALPINE_VERSION, CURRENT_DEBIAN, DHI_DEBIAN, NONROOT_USER, distroless, finalImage, hardened } from '../../core/images.js';
import type { Answers } from '../../core/options.js';
import { validatePlan } from '../../core/plan-schema.js';
import { JavaPlanSchema, type JavaPlan } from './schema.js';
import { applyRules } from '../../core/rules.js';
import { HARDENED_GRADLE_JDKS, JAVA_RULES, type JavaRuleContext } from './rules.js';

type JavaLaunchKind = JavaRuleContext['app']['launch']['value'];
import { imageNameFor } from '../../core/image-name.js';

/** Where slim and alpine images keep the Java runtime: the same path as Eclipse Temurin's images. */
const JAVA_HOME = '/opt/java/openjdk';

/** A hardened Java image for Debian 13: `-dev` variants build, the plain tag (a Temurin JRE) runs. */
const hardenedJava = (image: string, tag: string) => hardened(image, `${tag}-debian${DHI_DEBIAN.version}`);

/** The hardened JDK -dev image: it runs a wrapper, and the debug target starts from it. */
const hardenedJdk = (major: string) => hardenedJava('eclipse-temurin', `${major}-jdk`) + '-dev';

/** The build the answers chose (or the only one). */
export function chosenBuild(facts: JavaFacts, answers: Partial<Answers>): JavaBuild {
  return facts.builds.find((build) => build.tool === answers.buildTool) ?? facts.builds[0]!;
}

/** The module that goes into the image: the only runnable one, or the one --entry names. */
export function runnableApps(build: JavaBuild): JavaApp[] {
  return build.apps.filter((app) => app.launch !== null);
}

/** `--entry api`, `./api` or `api/` all name the module folder `api`. */
export function checkJavaEntry(build: JavaBuild, raw: string): string {
  const module = raw.trim().replace(/^\.\//, '').replace(/\/+$/, '') || '.';
  const app = build.apps.find((candidate) => candidate.module === module);
  const runnable = runnableApps(build).map((candidate) => candidate.module);
  if (!app) throw usageError(`--entry ${raw}: no such module in ${build.evidence.file} (runnable modules: ${runnable.join(', ') || 'none'})`);
  if (!app.launch)
    throw usageError(`--entry ${raw}: ${module} builds nothing runnable (no Spring Boot, Quarkus or Main-Class); runnable modules: ${runnable.join(', ') || 'none'}`);
  return module;
}

/** Maven or Gradle commands for one module: resolve dependencies, then build the artifact without tests. */
function commandsFor(build: JavaBuild, app: JavaApp, launch: Launch, settings: string | null): { resolve: string; package: string; cacheTarget: string } {
  const kind = app.launch!.value.kind;
  if (build.tool === 'maven') {
    const mvn = `${build.wrapper.value ? './mvnw' : 'mvn'}${settings ? ` --settings ${settings}` : ''}`;
    const modules = build.multiModule ? ` -pl ${app.module} -am` : '';
    // The project's own modules are built here, not downloaded: go-offline must not look for them.
    const ownGroup = build.multiModule && build.groupId ? ` -DexcludeGroupIds=${build.groupId}` : '';
    // The jar does not bundle its dependencies: they are copied beside it, into target/lib.
    const copyDependencies = launch === 'classpath' ? ' dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib' : '';
    const goals = app.packageGoals?.map((goal) => ` ${goal}`).join('') ?? '';
    return { resolve: `${mvn} -B dependency:go-offline${ownGroup}`, package: `${mvn} -B package${goals} -DskipTests${copyDependencies}${modules}`, cacheTarget: '/root/.m2' };
  }
  const gradle = build.wrapper.value ? './gradlew' : 'gradle';
  const task = kind === 'spring-boot' ? 'bootJar' : kind === 'quarkus' ? 'quarkusBuild' : 'jar';
  const prefix = build.multiModule ? `:${app.module.replace(/\//g, ':')}:` : '';
  return { resolve: `${gradle} ${prefix}dependencies --no-daemon`, package: `${gradle} ${prefix}${task} --no-daemon`, cacheTarget: GRADLE_USER_HOME };
}

/** Build files grouped by the folder they are copied to, the root's first; a secret among them (gradle.properties with credentials) is mounted instead. */
function manifestCopies(build: JavaBuild, secretFiles: readonly string[]): JavaPlan['build']['manifestCopies'] {
  const byTarget = new Map<string, string[]>();
  for (const file of build.manifests.filter((manifest) => !secretFiles.includes(manifest))) {
    const slash = file.lastIndexOf('/');
    // A folder (buildSrc) keeps its name; a file goes to its own folder.
    const target = file === 'buildSrc' ? 'buildSrc/' : slash === -1 ? './' : `${file.slice(0, slash)}/`;
    byTarget.set(target, [...(byTarget.get(target) ?? []), file]);
  }
  return [...byTarget].map(([target, sources]) => ({ sources, target }));
}

type Launch = JavaPlan['launch'];

/** Spring Boot 3.3 brought `-Djarmode=tools`; 2.3 to 3.2 have layertools; older jars have no layers. */
function springLaunch(version: string | null): Launch {
  const parsed = version ? semver.coerce(version) : null;
  if (!parsed || semver.lt(parsed, '2.3.0')) return 'jar';
  return semver.gte(parsed, '3.3.0') ? 'spring-layers' : 'spring-layertools';
}

const SPRING_LAYERS = ['dependencies', 'spring-boot-loader', 'snapshot-dependencies', 'application'];
const SPRING_WHY: Record<string, string> = {
  dependencies: 'Released dependencies first: they change least, so this layer is reused most.',
  'spring-boot-loader': "Spring Boot's launcher classes.",
  'snapshot-dependencies': 'SNAPSHOT dependencies, which change more often than released ones.',
  application: "The app's own classes and resources: the only layer most releases change.",
};

function copiesFor(launch: Launch): JavaPlan['copies'] {
  if (launch === 'jar') return [{ source: '/out/app.jar', target: './', why: 'The jar, and nothing else of the build.' }];
  if (launch === 'classpath') {
    return [
      { source: '/out/lib/', target: './lib/', why: 'Runtime dependencies first: they change less often than the app.' },
      { source: '/out/app.jar', target: './', why: "The app's own jar." },
    ];
  }
  if (launch === 'quarkus') {
    return [
      { source: '/out/lib/', target: './lib/', why: 'Dependencies first: they change least, so this layer is reused most.' },
      { source: '/out/quarkus-run.jar', target: './', why: "Quarkus' launcher jar." },
      { source: '/out/app/', target: './app/', why: "The app's own classes." },
      { source: '/out/quarkus/', target: './quarkus/', why: 'What Quarkus generated at build time.' },
    ];
  }
  return SPRING_LAYERS.map((layer) => ({ source: `/out/${layer}/`, target: './', why: SPRING_WHY[layer]! }));
}

function entrypointFor(launch: Launch, java: string, bootVersion: string | null, mainClass: string | null): string[] {
  // java expands lib/* itself (a classpath wildcard, not a shell glob).
  if (launch === 'classpath') return [java, '-cp', '/app/app.jar:/app/lib/*', mainClass!];
  if (launch === 'quarkus') return [java, '-Djava.util.logging.manager=org.jboss.logmanager.LogManager', '-jar', '/app/quarkus-run.jar'];
  if (launch === 'spring-layertools') {
    // The launcher moved to the launch package in 3.2.
    const launcher = semver.gte(semver.coerce(bootVersion)!, '3.2.0') ? 'org.springframework.boot.loader.launch.JarLauncher' : 'org.springframework.boot.loader.JarLauncher';
    return [java, '-cp', '/app', launcher];
  }
  return [java, '-jar', '/app/app.jar'];
}

/** The module --entry names, or the only runnable one; a project error when it builds nothing runnable. */
function runnableApp(build: JavaBuild, entry: string | null): JavaRuleContext['app'] {
  const module = entry ?? runnableApps(build)[0]?.module;
  const app = build.apps.find((candidate) => candidate.module === module);
  if (!app?.launch) {
    const packaging = build.apps[0]?.packaging;
    throw projectError(
      packaging && packaging !== 'jar' && packaging !== 'pom'
        ? `${build.evidence.file}: packaging ${packaging} is not supported (stagecraft builds runnable jars)`
        : `${build.evidence.file}: nothing runnable to build: no Spring Boot or Quarkus plugin, and no Main-Class in the jar's manifest`,
    );
  }
  if (!app.artifact) throw projectError(`${describeEvidence(app.artifactEvidence)}: cannot tell the jar's name (its version is computed); set <finalName> or a plain version`);
  return { ...app, launch: app.launch };
}

/** How the image starts the app: Spring Boot's layers, Quarkus' fast-jar, a classpath beside a plain jar, or the jar alone. */
function chooseLaunch(launchFact: JavaLaunchKind, tool: JavaBuild['tool'], unbundled: boolean): Launch {
  if (launchFact.kind === 'spring-boot') return springLaunch(launchFact.version);
  if (launchFact.kind === 'quarkus') return 'quarkus';
  return unbundled && tool === 'maven' ? 'classpath' : 'jar';
}

/**
 * Where the runtime comes from: distroless' Java, Temurin's alpine JRE, or a bare OS the runtime is
 * copied onto. The JDK images are Ubuntu, but Temurin's binaries are built against an old glibc, so
 * a jlink runtime or JRE copied from them runs on current Debian.
 */
function runtimeImageFor(base: Answers['base'], major: string, javaRuntime: Answers['javaRuntime'] | null): string {
  if (base === 'distroless') return distroless(`java${Number(major)}`, 'nonroot');
  if (base === 'hardened') return hardenedJava('eclipse-temurin', major);
  // Temurin publishes its alpine JRE as an image of its own; its other images are Ubuntu, hence the copy onto Debian below.
  if (base === 'alpine' && javaRuntime === 'jre') return `eclipse-temurin:${major}-jre-alpine`;
  return base === 'slim' ? `debian:${CURRENT_DEBIAN.codename}-slim` : `alpine:${ALPINE_VERSION}`;
}

/** The hardened build image: the wrapper on the JDK -dev image, or the tool's own -dev image. */
function hardenedBuildImage(build: JavaBuild, major: string): string {
  if (build.wrapper.value) return hardenedJdk(major);
  if (build.tool === 'maven') return `${hardenedJava('maven', `3.9-jdk${major}`)}-dev`;
  return `${hardenedJava('gradle', `${HARDENED_GRADLE_JDKS[major]}-jdk${major}`)}-dev`;
}

/** The build stage: the wrapper on a JDK image, or the tool's own image. */
function buildStep(build: JavaBuild, app: JavaRuleContext['app'], launch: Launch, major: string, base: Answers['base'], settings: string | null, secretFiles: readonly string[]) {
  return {
    tool: build.tool,
    image:
      base === 'hardened'
        ? hardenedBuildImage(build, major)
        : build.wrapper.value
          ? `eclipse-temurin:${major}-jdk`
          : build.tool === 'maven'
            ? `maven:3.9-eclipse-temurin-${major}`
            : Number(major) >= 25
              ? `gradle:9.2-jdk${major}`
              : `gradle:8.14-jdk${major}`,
    wrapper: build.wrapper.value ? { script: build.wrapperFiles[0], dir: build.wrapperFiles[1] } : null,
    manifestCopies: manifestCopies(build, secretFiles),
    ...commandsFor(build, app, launch, settings),
    commandValues: { groupId: build.tool === 'maven' && build.multiModule ? build.groupId : null, module: app.module },
    artifact: app.module === '.' ? app.artifact! : `${app.module}/${app.artifact}`,
    libDir: launch === 'classpath' ? `${app.module === '.' ? '' : `${app.module}/`}target/lib` : null,
  };
}

/** jlink builds a runtime of only the modules the app uses. */
function jlinkStep(base: Answers['base'], major: string, launch: Launch, springBoot: boolean) {
  return {
    image: base === 'alpine' ? `eclipse-temurin:${major}-jdk-alpine` : `eclipse-temurin:${major}-jdk`,
    classDirs: launch === 'spring-layertools' ? ['/out/application/BOOT-INF/classes', '/out/spring-boot-loader'] : [],
    // Spring Boot before 2.3 ships one jar whose libraries are jars inside it (BOOT-INF/lib): jdeps reads only the
    // outer jar's own classes (the launcher and the app's), so every module only a library uses (java.naming for
    // spring-context's JNDI, java.sql, java.management...) was missing and the app failed at start.
    nestedLibs: springBoot && launch === 'jar' ? { jar: '/out/app.jar', dir: 'BOOT-INF/lib' as const } : null,
    // Quarkus' libraries include explicit modules (mutiny-zero-flow-adapters) that require automatic ones
    // (reactive-streams): jdeps resolves those only from a module path, else it stops with FindException.
    modulePath: launch === 'quarkus' ? '/out/lib/boot:/out/lib/main' : null,
    // Java 22 moved the EC provider into java.base; before that TLS with EC keys needs this module, which no class names.
    extraModules: Number(major) < 22 ? ['jdk.crypto.ec'] : [],
    compress: Number(major) >= 21 ? 'zip-6' : '2',
  };
}

export function planJava(facts: JavaFacts, answers: Answers, generatorVersion: string): Planned<JavaPlan> {
  const { base, debug, port } = answers;
  const major = answers.runtimeVersion;
  const build = chosenBuild(facts, answers);
  const app = runnableApp(build, answers.entry);
  const launchFact = app.launch.value;
  // A plain jar whose dependencies are not in it: Maven copies them beside it and java gets a classpath.
  const unbundled = launchFact.kind === 'jar' && !launchFact.bundlesDependencies && app.hasRuntimeDependencies;
  const launch = chooseLaunch(launchFact, build.tool, unbundled);
  const warnings = applyRules(JAVA_RULES, { facts, answers, build, app, launch, unbundled });
  // Maven's own settings.xml: Gradle never reads it.
  const mavenSettings = build.tool === 'maven' ? facts.mavenSettings : null;
  const secrets = planSecrets(build.tool === 'maven' ? (mavenSettings ? [mavenSettings] : []) : facts.gradleSecrets);

  const javaRuntime = answers.javaRuntime ?? null;
  const runtimeImage = runtimeImageFor(base, major, javaRuntime);
  // The hardened images link every JDK or JRE tool into /usr/local/bin, so the debug target (the JDK -dev image) runs the same path.
  const java = base === 'distroless' ? '/usr/bin/java' : base === 'hardened' ? '/usr/local/bin/java' : `${JAVA_HOME}/bin/java`;

  const plan = validatePlan(JavaPlanSchema, {
    language: 'java',
    generator: { version: generatorVersion },
    base,
    debug,
    title: imageNameFor(app.name),
    port,
    javaVersion: major,
    build: buildStep(build, app, launch, major, base, mavenSettings?.target ?? null, secrets.secretFiles),
    launch,
    jlink: javaRuntime === 'jlink' ? jlinkStep(base, major, launch, launchFact.kind === 'spring-boot') : null,
    runtimeCopy:
      javaRuntime === 'jlink'
        ? { from: 'jre', source: '/javaruntime', why: "The runtime jlink built: only the modules the app uses, with the JDK's CA roots and time zones." }
        : javaRuntime === 'jre' && base === 'slim'
          ? { from: `eclipse-temurin:${major}-jre`, source: JAVA_HOME, why: "Temurin's JRE, copied: its own images are Ubuntu, this one is Debian slim." }
          : null,
    copies: copiesFor(launch),
    entrypoint: entrypointFor(launch, java, launchFact.kind === 'spring-boot' ? launchFact.version : null, launchFact.kind === 'jar' ? launchFact.mainClass : null),
    entrypointWhy: base === 'distroless' ? 'The whole command, replacing distroless\' own ENTRYPOINT ["java", "-jar"] (a CMD would be appended to it).' : null,
    user: NONROOT_USER,
    ...finalImage({
      base,
      debug,
      image: runtimeImage,
      distrolessDebug: base === 'hardened' ? hardenedJdk(major) : distroless(`java${Number(major)}`, 'debug-nonroot'),
      // The Java runtime brings its own CA roots (lib/security/cacerts) and time zones (lib/tzdb.dat) and loads no
      // library the base lacks: nothing to install on slim or alpine.
      packages: null,
      prepareBase: true,
      // The JVM installs its own SIGTERM handler, which runs the shutdown hooks and exits, even as PID 1.
      init: false,
      stopWhy: 'Exec form: java is PID 1, and the JVM handles SIGTERM itself (it runs the shutdown hooks, then exits), so it needs no init.',
    }),
    contextPath: '.',
    dockerfileFlag: null,
    dockerignoreName: '.dockerignore',
    ...secrets,
  });
  return { plan, warnings };
}
