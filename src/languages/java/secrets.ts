import { envSecret, fileSecret, firstLine, type BuildSecret } from '../../core/secrets.js';
import { lineAt } from '../../core/text.js';
import type { ProjectFiles } from '../../project.js';

/*
 * Gradle's repository credentials. A repository's `credentials {}` reads them from Gradle
 * properties (gradle.properties of the project or of ~/.gradle, `credentials(PasswordCredentials::class)`
 * reads `<name>Username`/`<name>Password`) or from the environment (`System.getenv`). The project's
 * gradle.properties with such keys is mounted where Gradle reads it (/app, the project folder) and
 * never copied; the variables are exported to the steps; otherwise the builder's own
 * ~/.gradle/gradle.properties goes to GRADLE_USER_HOME.
 */

/** A gradle.properties key that holds a credential (`acmeUsername=`, `gpr.token=`, `mavenPassword:`), not its value. */
const CREDENTIAL_PROPERTY = /^[ \t]*[A-Za-z0-9_.-]*(?:[Uu]ser(?:name)?|[Pp]assword|[Tt]oken|[Ss]ecret|[Aa]pi[Kk]ey)[ \t]*[=:]/m;
/** A repository's credentials: a block, or the typed form that reads `<name>Username`/`<name>Password` properties. */
const CREDENTIALS = /\bcredentials[ \t]*(?:\{|\([ \t]*(?:PasswordCredentials|HttpHeaderCredentials|AwsCredentials))/g;
/** A variable a credentials block reads: `System.getenv("X")`, `providers.environmentVariable("X")`. */
const ENV_READ = /(?:System\.getenv|environmentVariable)\([ \t]*["']([A-Za-z_][A-Za-z0-9_]*)["']/g;

/** Where Gradle reads the project's own gradle.properties: the project folder, which the build stage's WORKDIR is. */
const PROJECT_PROPERTIES = '/app/gradle.properties';

/** GRADLE_USER_HOME in the build images (root's), a cache mount of the build steps. */
export const GRADLE_USER_HOME = '/root/.gradle';

/** The secrets of a Gradle build with private repositories, from its gradle.properties and build scripts. */
export function detectGradleSecrets(project: ProjectFiles, scripts: readonly string[]): BuildSecret[] {
  const properties = project.hasFile('gradle.properties') ? firstLine(project.readText('gradle.properties'), CREDENTIAL_PROPERTY) : null;
  const secrets: BuildSecret[] = properties ? [fileSecret('gradle-properties', 'gradle.properties', PROJECT_PROPERTIES, { file: 'gradle.properties', line: properties.line })] : [];
  let readsProperties: { file: string; line: number } | null = null;
  for (const file of scripts) {
    const text = project.readText(file);
    for (const block of text.matchAll(CREDENTIALS)) {
      // The block up to its closing brace (credentials blocks hold no nested braces); the typed form has none.
      const body = block[0].endsWith('{') ? text.slice(block.index, text.indexOf('}', block.index) + 1) : '';
      const variables = [...body.matchAll(ENV_READ)].map(([, name]) => name!);
      for (const variable of variables) {
        if (!secrets.some((secret) => secret.id === variable)) secrets.push(envSecret(variable, { file, line: lineAt(text, block.index) }));
      }
      if (variables.length === 0) readsProperties ??= { file, line: lineAt(text, block.index) };
    }
  }
  // Credentials from properties the project does not hold: the builder's own, from ~/.gradle (inside the cache mount, which keeps only an empty file where it is mounted).
  if (readsProperties && !properties)
    secrets.push({ id: 'gradle-properties', source: 'home', from: '.gradle/gradle.properties', target: `${GRADLE_USER_HOME}/gradle.properties`, evidence: readsProperties });
  return secrets;
}
