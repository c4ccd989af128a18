import type { Evidence } from '../../core/facts.js';
import { isTable, readToml } from '../../core/manifest.js';
import { firstLine, variablesSetIn, type BuildSecret } from '../../core/secrets.js';
import type { ProjectFiles } from '../../project.js';
import { lookup } from './cargo.js';

/*
 * Private registries and git over ssh. cargo reads the registries from .cargo/config.toml (an index
 * URL, no secret) and their tokens from $CARGO_HOME/credentials.toml, which `cargo login --registry`
 * writes, or from CARGO_REGISTRIES_<NAME>_TOKEN. The config goes into the recipe, so `cargo fetch`
 * sees the registries; the tokens are a secret of that step only. cargo never reads a project's own
 * .cargo/credentials.toml, so one found there is mounted where cargo reads it, and never copied.
 * A git dependency over ssh is fetched through the builder's ssh agent (docker build --ssh default),
 * not a key in the context.
 */

/** cargo's project config, by its current name and the older one it still reads. */
const CONFIG_FILES = ['.cargo/config.toml', '.cargo/config'];
/** A credentials file kept beside the config (cargo itself reads only $CARGO_HOME's). */
const CREDENTIAL_FILES = ['.cargo/credentials.toml', '.cargo/credentials'];
/** Where a project sets the variables cargo reads for a registry's token. */
const ENV_FILES = ['.envrc', '.env'];

/** The line that declares a registry: `[registries.acme]`, `[registries]`, or a dotted `registries.acme.index = `. */
const REGISTRIES_LINE = /^[ \t]*(?:\[[ \t]*registries\b|registries[ \t]*\.)/m;
/** A token written into the config (`token = "..."`): the recipe copies the config, so it would be in a layer. */
const TOKEN_LINE = /^[ \t]*(?:registries\.[A-Za-z0-9_-]+\.)?token[ \t]*=/m;
/** A git dependency over ssh in a manifest (`git = "ssh://..."`, `git = "git@host:org/repo"`), or one the lock pins. */
const SSH_GIT = /^[^#\n]*\bgit[ \t]*=[ \t]*["'](?:ssh:\/\/|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:)|^source[ \t]*=[ \t]*"git\+ssh:\/\//m;

export interface CargoRegistries {
  /** The config that declares them, which the recipe copies so `cargo fetch` reads it. */
  config: string;
  evidence: Evidence;
  /** The registries' names, as CARGO_REGISTRIES_<NAME>_TOKEN spells them. */
  names: string[];
  /** Where the tokens come from: a credentials file (the project's or the builder's own), or variables. */
  credentials: { source: 'file' | 'home'; from: string; evidence: Evidence } | null;
  tokenVariables: BuildSecret[];
  /** `[registry] global-credential-providers`: a provider of the builder's machine (a keyring), which the build does not have. */
  providers: Evidence | null;
  /** A token written into the config itself: refused (rules.ts), with its line. */
  literalToken: Evidence | null;
}

/** A registry's name as cargo's variables spell it: upper case, `-` as `_`. */
const variableName = (registry: string) => `CARGO_REGISTRIES_${registry.toUpperCase().replace(/-/g, '_')}_TOKEN`;

export function detectCargoRegistries(project: ProjectFiles): CargoRegistries | null {
  const config = CONFIG_FILES.find((file) => project.hasFile(file));
  if (!config) return null;
  const { text, data } = readToml(project, config);
  const registries = lookup(data, 'registries');
  const names = isTable(registries) ? Object.keys(registries) : [];
  const declared = firstLine(text, REGISTRIES_LINE);
  if (names.length === 0 || !declared) return null;
  const evidence = { file: config, line: declared.line };
  const tokenVariables = variablesSetIn(project, ENV_FILES, names.map(variableName));
  const credentialFile = CREDENTIAL_FILES.find((file) => project.hasFile(file));
  const credentials = credentialFile
    ? { source: 'file' as const, from: credentialFile, evidence: { file: credentialFile } }
    : tokenVariables.length > 0
      ? null
      : { source: 'home' as const, from: '.cargo/credentials.toml', evidence };
  const providers = lookup(data, 'registry', 'global-credential-providers') === undefined ? null : firstLine(text, /^[ \t]*(?:registry\.)?global-credential-providers[ \t]*=/m);
  const token = firstLine(text, TOKEN_LINE);
  return {
    config,
    evidence,
    names,
    credentials,
    tokenVariables,
    providers: providers ? { file: config, line: providers.line } : null,
    literalToken: token ? { file: config, line: token.line } : null,
  };
}

/** The registries' secrets, the credentials file mounted where cargo reads it: in CARGO_HOME, which depends on the builder image. */
export function cargoSecrets(registries: CargoRegistries | null, cargoHome: string): BuildSecret[] {
  if (!registries) return [];
  const { credentials } = registries;
  const file: BuildSecret[] = credentials ? [{ id: 'cargo-credentials', ...credentials, target: `${cargoHome}/credentials.toml` }] : [];
  return [...file, ...registries.tokenVariables];
}

/** The first git dependency fetched over ssh, in the manifests or the lock. */
export function detectSshGit(files: readonly { file: string; text: string }[]): Evidence | null {
  for (const { file, text } of files) {
    const found = firstLine(text, SSH_GIT);
    if (found) return { file, line: found.line };
  }
  return null;
}
