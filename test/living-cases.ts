import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixture } from './helpers.js';
import { renderFolder, type CellFlags } from './matrix.js';
import type { Base, DebugMode } from '../src/core/options.js';

/*
 * Cells of the features a Dockerfile needs after its first day (build secrets, healthchecks,
 * reproducible builds, pinned bases): a fixture, the files a case adds to a copy of it, and the
 * flags. Each renders to snapshots/living/<name>.Dockerfile and its .dockerignore.
 */

export interface LivingCase {
  name: string;
  fixture: string;
  /** Files written into the copy, by project-relative path. */
  files?: Record<string, string>;
  base: Base;
  debug: DebugMode;
  flags?: CellFlags & { healthcheck?: true; reproducible?: true };
}

export const LIVING_CASES: LivingCase[] = [
  // An .npmrc with a scoped registry whose token comes from the environment: the file and the variable are secrets.
  { name: 'secrets-node-npmrc', fixture: 'node-private-registry', base: 'slim', debug: 'none' },
  // Yarn Berry reads .yarnrc.yml (copied as a manifest), so only the variable it names is a secret.
  {
    name: 'secrets-node-yarnrc',
    fixture: 'node-yarn-berry',
    files: { '.yarnrc.yml': 'nodeLinker: node-modules\nnpmScopes:\n  acme:\n    npmRegistryServer: "https://npm.acme.example"\n    npmAuthToken: "${ACME_NPM_TOKEN}"\n' },
    base: 'distroless',
    debug: 'stage',
  },
  {
    name: 'secrets-python-index',
    fixture: 'python-flask-gunicorn',
    files: {
      'pip.conf': '[global]\nindex-url = https://pypi.acme.example/simple\n',
      '.netrc': 'machine pypi.acme.example login ci password not-a-real-one\n',
      '.envrc': 'export PIP_EXTRA_INDEX_URL=https://pypi.org/simple\n',
    },
    base: 'slim',
    debug: 'none',
  },
  { name: 'secrets-go-goprivate', fixture: 'go-root-main', files: { 'go.env': 'GOPRIVATE=github.com/acme/*\n' }, base: 'distroless', debug: 'none' },
  {
    name: 'secrets-java-maven-settings',
    fixture: 'java-plain-maven',
    files: {
      '.mvn/settings.xml':
        '<settings>\n  <servers>\n    <server><id>acme</id><username>ci</username><password>${env.ACME_PASSWORD}</password></server>\n  </servers>\n</settings>\n',
    },
    base: 'slim',
    debug: 'none',
  },
  // Gradle: a gradle.properties holding a repository's credentials, mounted on the resolve and the build, never copied.
  {
    name: 'secrets-java-gradle-properties',
    fixture: 'java-spring-gradle-kts',
    files: { 'gradle.properties': 'org.gradle.jvmargs=-Xmx1g\nacmeUsername=ci\nacmePassword=not-a-real-one\n' },
    base: 'slim',
    debug: 'none',
  },
  // A private registry whose token a variable of .envrc names, a keyring provider the build has not, and a git dependency over ssh.
  {
    name: 'secrets-rust-registry',
    fixture: 'rust-single-bin',
    files: {
      '.cargo/config.toml': '[registries.acme]\nindex = "sparse+https://cargo.acme.example/index/"\n\n[registry]\nglobal-credential-providers = ["cargo:libsecret"]\n',
      '.envrc': 'export CARGO_REGISTRIES_ACME_TOKEN=not-a-real-one\n',
      'Cargo.toml':
        '[package]\nname = "hello"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nacme-auth = { git = "ssh://git@github.com/acme/auth.git", tag = "v1.2.0" }\n',
    },
    base: 'slim',
    debug: 'none',
  },
  // node's own fetch on distroless (node at /nodejs/bin/node), and the venv's Python on slim.
  { name: 'healthcheck-node-distroless', fixture: 'node-express', base: 'distroless', debug: 'stage', flags: { healthcheck: true } },
  { name: 'healthcheck-python-slim', fixture: 'python-flask-gunicorn', base: 'slim', debug: 'none', flags: { healthcheck: true } },
  // SOURCE_DATE_EPOCH where tools read it (Python's compiler, a Node build), bytecode checked by hash, the build told to rewrite times.
  { name: 'reproducible-python-slim', fixture: 'python-flask-gunicorn', base: 'slim', debug: 'stage', flags: { reproducible: true } },
  { name: 'reproducible-node-build', fixture: 'node-ts-api', base: 'distroless', debug: 'none', flags: { reproducible: true } },
];

/** A private copy of the case's fixture with its files written in. */
export function livingFolder(testCase: LivingCase): string {
  // Inside a folder of the fixture's name: a project named after its folder keeps its name.
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'stagecraft-living-')), testCase.fixture);
  cpSync(fixture(testCase.fixture), dir, { recursive: true });
  for (const [file, content] of Object.entries(testCase.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

export const livingSnapshotPath = (testCase: LivingCase, file: string) => `snapshots/living/${testCase.name}.${file === 'Dockerfile' ? 'Dockerfile' : file.replace(/^\./, '')}`;

/** Renders a case in-process, exactly as `--yes` with its flags does. */
export const renderLiving = (testCase: LivingCase) => renderFolder(livingFolder(testCase), { base: testCase.base, debug: testCase.debug, ...testCase.flags });
