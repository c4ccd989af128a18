import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { attestationSupportOf } from '../src/build/attestations.js';
import { ExitCode } from '../src/errors.js';
import { imagesToPin, pinDockerfile } from '../src/output/pin.js';
import { copyFixture, ROOT, runCli } from './helpers.js';
import { lintDockerfile } from './lint.js';
import { LIVING_CASES, livingFolder, livingSnapshotPath, renderLiving } from './living-cases.js';

describe('living Dockerfiles: each case renders its snapshot and passes the lint gate', () => {
  for (const testCase of LIVING_CASES) {
    it(testCase.name, async () => {
      const [dockerfile, dockerignore] = await renderLiving(testCase);
      await expect(dockerfile!.content).toMatchFileSnapshot(path.join(ROOT, livingSnapshotPath(testCase, 'Dockerfile')));
      await expect(dockerignore!.content).toMatchFileSnapshot(path.join(ROOT, livingSnapshotPath(testCase, 'dockerignore')));
      expect(lintDockerfile(dockerfile!.content)).toEqual([]);
    });
  }

  it('snapshots/living holds exactly these cases, none stale', () => {
    const files = readdirSync(path.join(ROOT, 'snapshots/living')).sort();
    expect(files).toEqual(LIVING_CASES.flatMap((testCase) => [`${testCase.name}.Dockerfile`, `${testCase.name}.dockerignore`]).sort());
  });
});

/** Every line the CLI printed and every file it wrote, for a check that a value appears nowhere. */
function everything(dir: string, ...outputs: { stdout: string; stderr: string }[]): string {
  const written = ['Dockerfile', '.dockerignore'].map((file) => readFileSync(path.join(dir, file), 'utf8'));
  return [...outputs.flatMap(({ stdout, stderr }) => [stdout, stderr]), ...written].join('\n');
}

describe('build secrets', () => {
  it('the next step passes each secret by where it is read, the file and the variable', async () => {
    const dir = copyFixture('node-private-registry');
    const result = await runCli([dir, '--yes', '--base', 'slim', '--debug', 'none']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`next: docker build --secret id=npmrc,src=${dir}/.npmrc --secret id=NPM_TOKEN,env=NPM_TOKEN -t private-registry ${dir}`);
    expect(readFileSync(path.join(dir, '.dockerignore'), 'utf8')).toMatch(/^\/\.npmrc$/m);
  });

  it('a token written into .npmrc is never printed, written or shown in --json, --explain or --dry-run', async () => {
    const dir = copyFixture('node-express');
    const token = 'npm_LiteralSecretValue0123456789';
    writeFileSync(path.join(dir, '.npmrc'), `//registry.npmjs.org/:_authToken=${token}\n`);
    const runs = await Promise.all(
      [['--json'], ['--explain'], ['--dry-run'], []].map((mode) => runCli([dir, '--yes', '--base', 'slim', '--debug', 'stage', ...mode], { env: { NPM_TOKEN: token } })),
    );
    for (const run of runs) expect(run.exitCode).toBe(0);
    expect(runs[0]!.stdout).toContain('"id": "npmrc"');
    expect(everything(dir, ...runs)).not.toContain(token);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('--mount=type=secret,id=npmrc,target=/app/.npmrc,required=true');
  });

  it("GOPRIVATE without a .netrc in the project reads the builder's own, from $HOME, quoted so the shell expands it", async () => {
    const dir = livingFolder(LIVING_CASES.find((testCase) => testCase.name === 'secrets-go-goprivate')!);
    const result = await runCli([dir, '--yes', '--base', 'distroless', '--debug', 'none']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`next: docker build --secret "id=netrc,src=$HOME/.netrc" -t hello ${dir}`);
    expect(result.stderr).toContain('warning: GOPRIVATE (go.env:1): go fetches those modules with the credentials of your ~/.netrc');
  });

  it.each([
    [
      'a token written into .yarnrc.yml, which the image copies',
      'node-yarn-berry',
      { '.yarnrc.yml': 'nodeLinker: node-modules\nnpmAuthToken: npm_abcdef\n' },
      'stagecraft: .yarnrc.yml:2 writes a registry token into .yarnrc.yml, which the image copies to install: write npmAuthToken: "${NPM_TOKEN}" there instead',
    ],
    [
      'a password in an index URL of requirements.txt',
      'python-flask-gunicorn',
      { 'requirements.txt': 'flask==3.1.0\ngunicorn==23.0.0\n--extra-index-url https://ci:hunter2@pypi.acme.example/simple\n' },
      'stagecraft: requirements.txt:3 has a password in an index URL, and the image copies that file to install',
    ],
  ])('%s is refused with the line, and the value is not repeated', async (_name, fixtureName, files, message) => {
    const dir = copyFixture(fixtureName);
    for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
    const result = await runCli([dir, '--yes', '--base', 'slim']);
    expect(result.exitCode).toBe(ExitCode.refused);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/npm_abcdef|hunter2/);
  });
});

describe('--healthcheck', () => {
  it.each([
    ['go-root-main', 'the image holds the Go binary and nothing that makes an HTTP request'],
    ['rust-single-bin', 'the image holds the Rust binary and nothing that makes an HTTP request'],
    ['java-plain-maven', 'the image has java and the app but no curl or wget'],
    ['python-cli-scripts', 'this program does not listen (no port), so there is nothing to probe'],
  ])('%s is refused with the reason (exit 3), nothing written', async (fixtureName, reason) => {
    const dir = copyFixture(fixtureName);
    const result = await runCli([dir, '--yes', '--healthcheck']);
    expect(result.exitCode).toBe(ExitCode.refused);
    expect(result.stderr).toContain(`stagecraft: --healthcheck: ${reason}`);
    expect(readdirSync(dir)).not.toContain('Dockerfile');
  });

  it('is off by default, and --save keeps it for the next run', async () => {
    const dir = copyFixture('node-express');
    expect((await runCli([dir, '--yes', '--base', 'slim', '--debug', 'none'])).exitCode).toBe(0);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).not.toContain('HEALTHCHECK');
    expect((await runCli([dir, '--yes', '--base', 'slim', '--debug', 'none', '--healthcheck', '--save', '--force'])).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'stagecraft.json'), 'utf8'))).toMatchObject({ healthcheck: true });
    const again = await runCli([dir, '--yes']);
    expect(again.stdout).toContain('unchanged Dockerfile');
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toMatch(/^HEALTHCHECK .* CMD \["node", "-e", "fetch\('http:\/\/127\.0\.0\.1:3000\/'\)/m);
  });
});

describe('SBOM and provenance', () => {
  // `docker buildx inspect` of a docker-container builder, as buildx 0.13 prints it.
  const containerBuilder = 'Name:          attest\nDriver:        docker-container\nLast Activity: 2026-12-06 23:44:00 +0000 UTC\n\nNodes:\nName:      attest0\n';
  // This machine's default builder: the docker driver, over overlay2 (docker info --format '{{.Driver}} {{json .DriverStatus}}').
  const dockerBuilder = 'Name:          default\nDriver:        docker\nLast Activity: 2026-12-06 23:44:00 +0000 UTC\n';
  const overlay2 = 'overlay2 [["Backing Filesystem","extfs"],["Supports d_type","true"],["Using metacopy","false"],["Native Overlay Diff","true"],["userxattr","false"]]';
  const containerdStore = 'overlayfs [["driver-type","io.containerd.snapshotter.v1"]]';

  it('a docker-container builder keeps them (and loads the image into Docker); so does the containerd image store', () => {
    expect(attestationSupportOf(containerBuilder, overlay2)).toEqual({ supported: true, flags: ['--sbom=true', '--provenance=mode=max', '--load'] });
    expect(attestationSupportOf(dockerBuilder, containerdStore)).toEqual({ supported: true, flags: ['--sbom=true', '--provenance=mode=max'] });
  });

  it('the docker driver over the classic store does not, and says why', () => {
    expect(attestationSupportOf(dockerBuilder, overlay2)).toEqual({
      supported: false,
      why: 'the builder is the docker driver over the overlay2 image store, which cannot keep attestations',
    });
  });

  it('the next step prints the plain build, then the same build with --sbom=true --provenance=mode=max', async () => {
    const dir = copyFixture('go-root-main');
    const result = await runCli([dir, '--yes', '--base', 'distroless', '--debug', 'none']);
    expect(result.stdout).toContain(
      `next: docker build -t hello ${dir}\n      with an SBOM and provenance (a docker-container builder or the containerd image store): docker build --sbom=true --provenance=mode=max -t hello ${dir}`,
    );
  });
});

describe('--reproducible', async () => {
  const engine = await execa('docker', ['version'], { reject: false });

  it('prints the build with SOURCE_DATE_EPOCH from the last commit and rewritten file times', async () => {
    const dir = copyFixture('python-stdlib');
    const result = await runCli([dir, '--yes', '--base', 'slim', '--debug', 'none', '--reproducible']);
    expect(result.stdout).toContain(
      `next: docker build --build-arg "SOURCE_DATE_EPOCH=$(git log -1 --pretty=%ct)" --output type=docker,rewrite-timestamp=true -t stdlib-server ${dir}`,
    );
  });

  it('warns that a jar keeps its build time unless the build fixes it', async () => {
    const dir = copyFixture('java-plain-maven');
    const result = await runCli([dir, '--yes', '--base', 'slim', '--debug', 'none', '--reproducible']);
    expect(result.stderr).toContain('warning: --reproducible: the jar keeps the time of each build in its entries; set <project.build.outputTimestamp> in pom.xml');
  });

  it.skipIf(engine.exitCode !== 0)("--build outside a git repository stops before building: SOURCE_DATE_EPOCH is the last commit's time", async () => {
    const dir = copyFixture('python-stdlib');
    const result = await runCli([dir, '--yes', '--base', 'slim', '--debug', 'none', '--reproducible', '--build']);
    expect(result.exitCode).toBe(ExitCode.build);
    expect(result.stderr).toContain("stagecraft: --reproducible: SOURCE_DATE_EPOCH is the last commit's time, and git log finds no commit here");
  });
});

describe('--pin', () => {
  const digest = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;

  it('writes each pulled image as tag@digest under the comment that says what keeps it fresh (digests given as data)', async () => {
    const [dockerfile] = await renderLiving({ name: 'pin', fixture: 'java-multimodule', base: 'slim', debug: 'stage', flags: { entry: 'api', javaRuntime: 'jre' } });
    const images = imagesToPin(dockerfile!.content);
    // The build image, the runtime's base, Temurin's JRE copied in (COPY --from=image); stage names (runtime, build) are not images.
    expect(images).toEqual(['maven:3.9-eclipse-temurin-17', 'debian:trixie-slim', 'eclipse-temurin:17-jre']);
    const pinned = pinDockerfile(dockerfile!.content, Object.fromEntries(images.map((image) => [image, digest(image)])));
    expect(pinned).toContain(
      `# maven:3.9-eclipse-temurin-17 pinned to its digest of today; Renovate and Dependabot update tag and digest together.\nFROM maven:3.9-eclipse-temurin-17@${digest('maven:3.9-eclipse-temurin-17')} AS build\n`,
    );
    expect(pinned).toContain(`COPY --from=eclipse-temurin:17-jre@${digest('eclipse-temurin:17-jre')} /opt/java/openjdk /opt/java/openjdk`);
    expect(pinned).toMatch(/^FROM runtime AS production$/m);
    expect(pinned).toMatch(/^FROM debian:trixie-slim@sha256:[0-9a-f]{64} AS runtime$/m);
    expect(pinned).toContain('COPY --from=build /out/app.jar ./');
    expect(lintDockerfile(pinned)).toEqual([]);
  });

  it('refuses a digest that is not one, so no data can add to a FROM line', () => {
    expect(() => pinDockerfile('FROM debian:trixie-slim\n', { 'debian:trixie-slim': 'sha256:abc\nRUN rm -rf /' })).toThrow(/not an image and its digest/);
  });

  it('offline (no registry answers here) it says once that it cannot pin, and writes tags', async () => {
    const dir = copyFixture('go-root-main');
    const result = await runCli([dir, '--yes', '--base', 'distroless', '--debug', 'none', '--pin']);
    expect(result.exitCode).toBe(0);
    const dockerfile = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('warning: --pin'));
    if (warnings.length === 0) {
      // A machine whose registries answer: every pulled image is pinned.
      expect(dockerfile).toMatch(/^FROM golang:[\d.]+-\w+@sha256:[0-9a-f]{64} AS build$/m);
      return;
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: --pin: cannot pin, a registry does not answer \(golang:[\d.]+-\w+: .+\); the Dockerfile names tags$/);
    expect(dockerfile).not.toContain('@sha256:');
  });
});
