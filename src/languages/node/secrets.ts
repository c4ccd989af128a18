import type { Evidence } from '../../core/facts.js';
import { envReferences, fileSecret, firstLine, type BuildSecret } from '../../core/secrets.js';
import type { ProjectFiles } from '../../project.js';
import type { PackageManager } from './detect.js';

/*
 * What a Node install needs to reach a private registry. npm, pnpm, Yarn classic and bun read the
 * project's .npmrc from the folder they install in (/app), whoever runs them, so the secret is
 * mounted there; Yarn Berry reads .yarnrc.yml instead, which the image copies as a manifest, so
 * only the variables it names (`npmAuthToken: "${NPM_TOKEN}"`) are secrets.
 */

/** An .npmrc line that authenticates (`//host/:_authToken=`, `_auth`, `_password`, `username`) or points a scope at a registry (`@acme:registry=`). */
const NPMRC_CREDENTIAL = /^\s*(?:\S*:)?(?:_authToken|_auth|_password|username|always-auth)\s*=|^\s*@[^\s:=]+:registry\s*=/m;

/**
 * A Yarn 1 .yarnrc line that authenticates or points a scope at a registry: .npmrc's keys, written
 * Yarn 1's way (`"//host/:_authToken" "..."`, `"@acme:registry" "https://..."`), the key maybe quoted.
 */
const YARNRC_CLASSIC_CREDENTIAL = /^\s*"?(?:\S*:)?(?:_authToken|_auth|_password|username|always-auth)"?[\s=]|^\s*"?@[^\s:="]+:registry"?[\s=]/m;

/** A .yarnrc.yml setting that carries a credential or a private registry: Berry's own names. */
const YARNRC_CREDENTIAL = /^\s*(?:npmAuthToken|npmAuthIdent|npmRegistryServer|npmScopes|npmRegistries)\s*:/m;

/** A .yarnrc.yml credential written into the file itself rather than read from a variable. */
const YARNRC_LITERAL_TOKEN = /^\s*(?:npmAuthToken|npmAuthIdent)\s*:\s*["']?(?!\$\{)[^\s"'#]/m;

export interface NodeSecrets {
  secrets: BuildSecret[];
  /** A token written into .yarnrc.yml, which the image copies: refused (rules.ts), with its line. */
  literalYarnToken: Evidence | null;
}

export function detectNodeSecrets(project: ProjectFiles, manager: PackageManager): NodeSecrets {
  const secrets: BuildSecret[] = [];
  const npmrc = project.hasFile('.npmrc') ? project.readText('.npmrc') : '';
  const npmrcNeed = firstLine(npmrc, NPMRC_CREDENTIAL);
  if (npmrcNeed) {
    secrets.push(fileSecret('npmrc', '.npmrc', '/app/.npmrc', { file: '.npmrc', line: npmrcNeed.line }));
    secrets.push(...envReferences('.npmrc', npmrc, NPMRC_CREDENTIAL));
  }
  // Yarn 1 also reads its own .yarnrc where it installs, and expands no ${VAR} there (only in .npmrc): the file is the secret.
  const classicYarnrc = manager === 'yarn-classic' && project.hasFile('.yarnrc') ? firstLine(project.readText('.yarnrc'), YARNRC_CLASSIC_CREDENTIAL) : null;
  if (classicYarnrc) secrets.push(fileSecret('yarnrc', '.yarnrc', '/app/.yarnrc', { file: '.yarnrc', line: classicYarnrc.line }));
  const yarnrc = project.hasFile('.yarnrc.yml') ? project.readText('.yarnrc.yml') : '';
  if (YARNRC_CREDENTIAL.test(yarnrc))
    secrets.push(...envReferences('.yarnrc.yml', yarnrc, /npmAuth|npmRegistryServer|npmScopes/).filter((found) => !secrets.some((known) => known.id === found.id)));
  const literal = firstLine(yarnrc, YARNRC_LITERAL_TOKEN);
  return { secrets, literalYarnToken: literal ? { file: '.yarnrc.yml', line: literal.line } : null };
}
