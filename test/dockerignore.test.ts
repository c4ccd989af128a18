import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Copy, DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { ROOT, fixture } from './helpers.js';
import { CELLS, snapshotPath, type Cell } from './matrix.js';

// A CommonJS module whose types declare an ES default export; require() gives the factory itself.
const createIgnore: typeof import('@balena/dockerignore').default = createRequire(import.meta.url)('@balena/dockerignore');

/*
 * Every generated .dockerignore, checked with a real Docker-compatible matcher against the
 * Dockerfile it ships with: secrets stay out of the context, and nothing the build copies is lost.
 */

/** Files a careless context would carry into the image, at the top and deeper down. */
const SECRETS = [
  '.env',
  '.env.local',
  '.env.production',
  'config/.env',
  'certs/server.pem',
  'tls/server.key',
  'server.key',
  'keystore.p12',
  'id_rsa',
  'id_rsa.pub',
  'deploy/id_ed25519',
  '.ssh/id_ecdsa',
  '.npmrc',
  'packages/api/.npmrc',
  '.netrc',
  '.pypirc',
  '.git-credentials',
  '.aws/credentials',
  '.azure/accessTokens.json',
  '.config/gcloud/application_default_credentials.json',
  '.kube/config',
  '.docker/config.json',
  '.gnupg/private-keys-v1.d/key',
  'credentials.json',
  'config/service-account-prod.json',
  'client_secret_1234.apps.googleusercontent.com.json',
  'keys/myapp-firebase-adminsdk-abc12.json',
  'infra/terraform.tfstate',
  'infra/terraform.tfstate.backup',
  'infra/prod.tfvars',
  'infra/.terraform/providers/lock',
  'libs/vendored/.git/config',
  'a/b/c/.git/HEAD',
  '.envrc',
  'db/.pgpass',
  'android/release.jks',
  'app.keystore',
  '.vault-token',
  'nginx/.htpasswd',
];

/** Version-control files the .dockerignore leaves out on purpose: no build reads them. */
const VCS_METADATA = new Set(['.gitignore', '.gitattributes']);

/** Folders of another app beside a fixture's own (a frontend/ beside the backend), which its context leaves out on purpose. */
const OTHER_APPS: Record<string, string[]> = { 'python-fastapi-with-frontend': ['frontend/'] };

/** Every file of a fixture, relative to it: what a build context holds. */
const filesOf = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));

/** The context-relative sources of COPY instructions that read the build context (not --from a stage). */
function contextCopySources(dockerfile: string): string[] {
  return DockerfileParser.parse(dockerfile)
    .getInstructions()
    .filter((instruction): instruction is Copy => instruction instanceof Copy && !instruction.getFlags().some((flag) => flag.getName() === 'from'))
    .flatMap((instruction) =>
      instruction
        .getArguments()
        .map((arg) => arg.getValue())
        .slice(0, -1),
    );
}

/** Snapshots of one fixture: the ignore file and every Dockerfile rendered for it. */
function snapshotsOf(cells: Cell[]) {
  const [first] = cells;
  const ignoreDir = path.join(ROOT, 'snapshots', first!.language, first!.fixture);
  const ignoreFile = readdirSync(ignoreDir).find((name) => name.endsWith('.dockerignore'))!;
  const dockerfiles = cells.map((cell) => path.join(ROOT, snapshotPath(cell))).filter((file) => readdirSync(path.dirname(file)).includes(path.basename(file)));
  return { ignore: readFileSync(path.join(ignoreDir, ignoreFile), 'utf8'), dockerfiles };
}

const byFixture = new Map<string, Cell[]>();
for (const cell of CELLS) byFixture.set(cell.fixture, [...(byFixture.get(cell.fixture) ?? []), cell]);

describe.each([...byFixture.keys()])('%s: .dockerignore against the Dockerfiles', (name) => {
  const { ignore, dockerfiles } = snapshotsOf(byFixture.get(name)!);
  const matcher = createIgnore({ ignorecase: false }).add(ignore);
  const contextFiles = filesOf(fixture(name));

  it('keeps every secret-looking file out of the build context', () => {
    expect(SECRETS.filter((file) => !matcher.ignores(file))).toEqual([]);
  });

  it('keeps them out below every folder a negation brings back, too', () => {
    const reopened = ignore
      .split('\n')
      .filter((line) => line.startsWith('!'))
      .map((line) => line.slice(1));
    const below = reopened.flatMap((folder) => SECRETS.map((secret) => `${folder}/${secret}`));
    expect(below.filter((file) => !matcher.ignores(file))).toEqual([]);
  });

  const otherApps = OTHER_APPS[name] ?? [];
  const ofOtherApp = (file: string) => otherApps.some((folder) => file.startsWith(folder));

  it("excludes none of the fixture's own files, which the build may need (VCS metadata aside)", () => {
    expect(contextFiles.filter((file) => !ofOtherApp(file) && matcher.ignores(file) && !VCS_METADATA.has(path.posix.basename(file)))).toEqual([]);
  });

  // Only a fixture with another app beside its own has such files.
  if (otherApps.length > 0)
    it("excludes every file of another app's folder", () => {
      expect(contextFiles.filter((file) => ofOtherApp(file) && !matcher.ignores(file))).toEqual([]);
    });

  it('excludes no source that a COPY names, and every such source exists', () => {
    const sources = [...new Set(dockerfiles.flatMap((file) => contextCopySources(readFileSync(file, 'utf8'))))];
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources.filter((candidate) => candidate !== '.')) {
      expect(matcher.ignores(source), `${source} is ignored`).toBe(false);
      expect(
        contextFiles.some((file) => file === source || file.startsWith(`${source}/`)),
        `${source} is not in the fixture`,
      ).toBe(true);
    }
  });
});
