import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, ROOT } from '../helpers.js';
import { CELLS, snapshotPath } from '../matrix.js';

/*
 * `npm create stagecraft` for real: the package as npm publishes it, installed into an empty
 * prefix with the registry switched off, then run through its bins on a fixture.
 */

interface PackReport {
  filename: string;
  files: { path: string }[];
}

const scratch = (name: string) => mkdtempSync(path.join(tmpdir(), `stagecraft-${name}-`));
let tarball = '';
let packed: PackReport;
let prefix = '';

beforeAll(async () => {
  const destination = scratch('pack');
  // prepack builds dist/ first, as `npm publish` would.
  const { stdout } = await execa('npm', ['pack', '--json', '--pack-destination', destination], { cwd: ROOT });
  packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as PackReport[])[0]!;
  tarball = path.join(destination, packed.filename);
  prefix = scratch('prefix');
  // --offline: the install must need nothing but the tarball (no dependencies, no downloads).
  await execa('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball]);
});

describe('the published package', () => {
  it('contains only the bundle, the templates and the package files', () => {
    const files = packed.files.map((file) => file.path).sort();
    const unexpected = files.filter(
      (file) => !/^(dist\/(cli|[a-z]+-[A-Z0-9]+)\.js|dist\/THIRD_PARTY_LICENSES\.txt|templates\/.+\.hbs|package\.json|README\.md|LICENSE)$/.test(file),
    );
    expect(unexpected).toEqual([]);
    expect(files).toContain('dist/cli.js');
    // The bundle holds other packages' code, so it ships their licences.
    const licenses = readFileSync(path.join(prefix, 'lib', 'node_modules', 'create-stagecraft', 'dist', 'THIRD_PARTY_LICENSES.txt'), 'utf8');
    for (const name of ['handlebars', 'zod', '@clack/prompts', 'execa', 'semver', 'diff']) expect(licenses).toMatch(new RegExp(`^${name}@\\S+ \\(`, 'm'));
    expect(files).toContain('templates/go/Dockerfile.hbs');
    expect(files).toContain('templates/partials/header.hbs');
  });

  it('has no install scripts and no dependencies to download', () => {
    const manifest = JSON.parse(readFileSync(path.join(prefix, 'lib', 'node_modules', 'create-stagecraft', 'package.json'), 'utf8'));
    const installScripts = Object.keys(manifest.scripts ?? {}).filter((name) => /^(pre|post)?install$|^prepare$/.test(name));
    expect(installScripts).toEqual([]);
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.bin).toEqual({ 'create-stagecraft': 'dist/cli.js', stagecraft: 'dist/cli.js' });
  });

  it('create-stagecraft, as npm create runs it, writes the files for a fixture without a TTY', async () => {
    const dir = copyFixture('go-root-main');
    const run = await execa(path.join(prefix, 'bin', 'create-stagecraft'), ['--yes'], { cwd: dir, stdin: 'ignore', env: { CI: 'true' } });
    expect(run.stdout).toContain('created Dockerfile');
    expect(run.stdout).toContain('created .dockerignore');
    const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    // The same file the snapshot records for these answers, but for the generator's version.
    const snapshot = readFileSync(path.join(ROOT, 'snapshots/go/go-root-main/distroless.stage.Dockerfile'), 'utf8');
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(snapshot.replace('stagecraft 0.0.0-snapshot', `stagecraft ${version}`));
    expect(readFileSync(path.join(dir, '.dockerignore'), 'utf8')).toBe(
      readFileSync(path.join(ROOT, 'snapshots/go/go-root-main/.dockerignore'), 'utf8').replace('stagecraft 0.0.0-snapshot', `stagecraft ${version}`),
    );
  });

  // The bundle renders from templates precompiled at build time, the snapshots from the .hbs files.
  it('renders what the snapshots record: one cell per language and base, and a workspace member', async () => {
    const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    const seen = new Set<string>();
    const cells = CELLS.filter((cell) => {
      const key = cell.member ? 'workspace' : `${cell.language}/${cell.base}`;
      if (cell.debug !== 'stage' || seen.has(key) || !existsSync(path.join(ROOT, snapshotPath(cell)))) return false;
      return (seen.add(key), true);
    });
    expect(cells.length).toBeGreaterThanOrEqual(8);
    for (const cell of cells) {
      const dir = path.join(ROOT, 'test/fixtures', cell.fixture, cell.member ?? '');
      const args = [dir, '--yes', '--stdout', '--base', cell.base, '--debug', cell.debug, ...(cell.flags.entry ? ['--entry', cell.flags.entry] : [])];
      const run = await execa(path.join(prefix, 'bin', 'stagecraft'), args);
      const snapshot = readFileSync(path.join(ROOT, snapshotPath(cell)), 'utf8').replace('stagecraft 0.0.0-snapshot', `stagecraft ${version}`);
      expect(`${run.stdout}\n`, snapshotPath(cell)).toBe(snapshot);
    }
  });

  it('the stagecraft bin runs from the install too', async () => {
    const run = await execa(path.join(prefix, 'bin', 'stagecraft'), [path.join(ROOT, 'test/fixtures/node-express'), '--yes', '--stdout', '--base', 'alpine']);
    expect(run.stdout).toContain('FROM node:22-alpine AS production');
    const version = await execa(path.join(prefix, 'bin', 'stagecraft'), ['--version']);
    expect(version.stdout).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });
});

/*
 * `npm create stagecraft` itself, through npm's own argument handling. npm create resolves
 * create-stagecraft from the registry unless the project npm runs in already has it installed:
 * then it runs that one (npm's libnpmexec takes a local package for a `create-stagecraft@*` spec
 * without asking the registry). So the tarball is installed into a host project, offline, and
 * `npm create stagecraft` runs there: npm parses the flags exactly as for a user, and keeps those
 * before `--` for itself. (`npm exec --package <tgz>` would not add the create- prefix or npm
 * init's parsing, and `npm create <tgz>` is refused as an unrecognized initializer.)
 */
describe('npm create stagecraft, through npm itself', () => {
  let host = '';
  beforeAll(async () => {
    host = scratch('host');
    writeFileSync(path.join(host, 'package.json'), JSON.stringify({ name: 'host', private: true }));
    await execa('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: host });
  });
  // npm_config_offline: npm never asks the registry; npm_command and npm_config_* of the npm running the tests are not passed on.
  const npmCreate = (args: string[]) =>
    execa('npm', ['create', 'stagecraft', ...args], { cwd: host, reject: false, stdin: 'ignore', env: { CI: 'true', npm_config_offline: 'true' } });

  it('flags before --: npm keeps them, stagecraft reads them back and says the portable form once', async () => {
    const dir = copyFixture('go-root-main');
    const run = await npmCreate([dir, '--dry-run', '--yes', '--base', 'alpine']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('created Dockerfile (dry run, nothing written)');
    expect(run.stdout).toContain('+FROM alpine:3.22 AS runtime');
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
    expect(run.stderr.match(/npm create stagecraft@latest/g)).toHaveLength(1);
    expect(run.stderr).toContain(`npm create stagecraft@latest ${dir} -- --yes --dry-run --base alpine`);
  });

  it('flags after --: passed on as they are, nothing to read back', async () => {
    const dir = copyFixture('go-root-main');
    const run = await npmCreate([dir, '--', '--yes', '--base', 'slim', '--debug', 'none']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('created Dockerfile');
    expect(run.stderr).not.toContain('npm create kept');
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('FROM debian:');
  });

  it('flags on both sides: those after -- win, those before are read back', async () => {
    const dir = copyFixture('go-root-main');
    const run = await npmCreate([dir, '--yes', '--base', 'alpine', '--', '--base', 'slim', '--dry-run']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('+FROM debian:');
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
  });
});
