import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hasWheelFor, lockedCompiled, pinnedCompiled } from '../src/languages/python/wheels.js';
import { KNOWN_COMPILED } from '../src/languages/python/bases.js';
import { fixture, makeProject, runCli } from './helpers.js';

/** The stage of a Dockerfile that starts with `FROM ... AS <name>`, up to the next FROM. */
const stage = (dockerfile: string, name: string) => {
  const start = dockerfile.indexOf(` AS ${name}\n`);
  const end = dockerfile.indexOf('\nFROM ', start);
  return dockerfile.slice(start, end === -1 ? undefined : end);
};

// Wheel file names below are real ones from PyPI, copied as facts.
const UV_LOCK = `version = 1
requires-python = ">=3.10"

[[package]]
name = "cryptography"
version = "43.0.1"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/ab/cd/cryptography-43.0.1-cp39-abi3-manylinux_2_28_x86_64.whl", hash = "sha256:00", size = 1 },
    { url = "https://files.pythonhosted.org/packages/ab/cd/cryptography-43.0.1-cp39-abi3-win_amd64.whl", hash = "sha256:00", size = 1 },
]

[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/ab/cd/idna-3.10-py3-none-any.whl", hash = "sha256:00", size = 1 },
]

[[package]]
name = "pywin32"
version = "306"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/ab/cd/pywin32-306-cp312-cp312-win_amd64.whl", hash = "sha256:00", size = 1 },
]

[[package]]
name = "pydantic-core"
version = "2.27.0"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/ab/cd/pydantic_core-2.27.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:00", size = 1 },
    { url = "https://files.pythonhosted.org/packages/ab/cd/pydantic_core-2.27.0-cp313-cp313t-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:00", size = 1 },
]
`;

describe('wheels a lockfile lists', () => {
  it('poetry.lock: lxml 5.2.2 has manylinux and musllinux wheels up to Python 3.12, none for 3.13', () => {
    const text = readFileSync(path.join(fixture('python-poetry-lxml'), 'poetry.lock'), 'utf8');
    const [lxml, ...others] = lockedCompiled('poetry.lock', text);
    expect(others).toEqual([]);
    expect(lxml).toMatchObject({ name: 'lxml', version: '5.2.2', evidence: { file: 'poetry.lock', line: 4 } });
    for (const libc of ['glibc', 'musl'] as const) {
      expect(hasWheelFor(lxml!, libc, '3.12')).toBe(true);
      expect(hasWheelFor(lxml!, libc, '3.13')).toBe(false);
    }
  });

  it('uv.lock: abi3 serves every later minor, a pure wheel or Windows-only wheels never count, a free-threaded ABI is not the regular one', () => {
    const locked = lockedCompiled('uv.lock', UV_LOCK);
    expect(locked.map((entry) => entry.name)).toEqual(['cryptography', 'pydantic-core']);
    const [cryptography, pydanticCore] = locked as [(typeof locked)[number], (typeof locked)[number]];
    expect(hasWheelFor(cryptography, 'glibc', '3.14')).toBe(true);
    expect(hasWheelFor(pydanticCore, 'glibc', '3.12')).toBe(true);
    expect(hasWheelFor(pydanticCore, 'glibc', '3.13')).toBe(false);
  });

  it('pdm.lock files and Poetry 1.1 [metadata.files] are read too', () => {
    const pdm = '[[package]]\nname = "MarkupSafe"\nversion = "2.1.5"\nfiles = [\n    {file = "MarkupSafe-2.1.5-cp312-cp312-musllinux_1_1_x86_64.whl", hash = "sha256:00"},\n]\n';
    const [markupsafe] = lockedCompiled('pdm.lock', pdm);
    expect(markupsafe).toMatchObject({ name: 'markupsafe', evidence: { line: 2 } });
    expect(hasWheelFor(markupsafe!, 'musl', '3.12')).toBe(true);
    expect(hasWheelFor(markupsafe!, 'musl', '3.13')).toBe(false);
    const poetry11 = [
      '[[package]]\nname = "pyyaml"\nversion = "6.0.1"\n',
      '[metadata.files]\npyyaml = [\n    {file = "PyYAML-6.0.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:00"},\n]\n',
    ].join('\n');
    const [pyyaml] = lockedCompiled('poetry.lock', poetry11);
    expect(hasWheelFor(pyyaml!, 'glibc', '3.11')).toBe(true);
    expect(hasWheelFor(pyyaml!, 'glibc', '3.12')).toBe(false);
  });
});

describe('wheels known for a requirements pin', () => {
  it.each([
    ['1.15.1', ['3.10', '3.11'], ['3.12', '3.13', '3.14']],
    ['1.16.0', ['3.11', '3.12'], ['3.13', '3.14']],
    ['1.17.1', ['3.12', '3.13'], ['3.14']],
    ['2.0.0', ['3.13', '3.14'], []],
  ])('cffi %s: wheels for %j, none for %j', (version, served, missing) => {
    const pin = pinnedCompiled('cffi', version, { file: 'requirements.txt', line: 1 }, KNOWN_COMPILED.cffi!.firstWheel);
    for (const minor of served) expect(hasWheelFor(pin, 'glibc', minor)).toBe(true);
    for (const minor of missing) expect(hasWheelFor(pin, 'glibc', minor)).toBe(false);
  });
});

describe('a Python the locked wheels serve', () => {
  it('--yes: distroless (Python 3.13) cannot take lxml 5.2.2, slim runs the newest Python with its wheels, saying why in one line', async () => {
    const { exitCode, stdout, stderr } = await runCli([fixture('python-poetry-lxml'), '--yes', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stderr).toContain('warning: distroless cannot take this project (its Python is 3.13 (debian13), and lxml 5.2.2 (poetry.lock:4) has no wheel for it');
    expect(stderr).toContain('use --base slim, which runs Python 3.12 here); using slim');
    expect(stderr).toMatch(/^warning: lxml 5\.2\.2 has no wheel for Python 3\.14 or 3\.13 \(poetry\.lock:4\): using 3\.12$/m);
    expect(stdout).toContain('FROM python:3.12-slim-trixie AS build');
  });

  it('an explicit --base distroless is refused with the reason and the nearest base', async () => {
    const { exitCode, stderr } = await runCli([fixture('python-poetry-lxml'), '--yes', '--base', 'distroless', '--stdout']);
    expect(exitCode).toBe(3);
    expect(stderr).toContain('--base distroless: its Python is 3.13 (debian13), and lxml 5.2.2 (poetry.lock:4) has no wheel for it');
  });

  it('alpine picks by musllinux wheels, and needs no compiler when the lockfile lists one', async () => {
    const { exitCode, stdout, stderr } = await runCli([fixture('python-poetry-lxml'), '--yes', '--base', 'alpine', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('FROM python:3.12-alpine');
    expect(stdout).not.toContain('build-base');
    expect(stderr).not.toContain('musllinux wheels may be missing');
  });

  it('an explicit --runtime-version stays, with a warning that pip compiles the package', async () => {
    const { exitCode, stdout, stderr } = await runCli([fixture('python-poetry-lxml'), '--yes', '--base', 'slim', '--runtime-version', '3.13', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('FROM python:3.13-slim-trixie AS build');
    expect(stderr).toContain('lxml 5.2.2 (poetry.lock:4): no manylinux wheel for Python 3.13, so pip compiles from source');
  });

  it('a range that allows no Python with wheels keeps its own and warns', async () => {
    const lock = readFileSync(path.join(fixture('python-poetry-lxml'), 'poetry.lock'), 'utf8');
    const pyproject = readFileSync(path.join(fixture('python-poetry-lxml'), 'pyproject.toml'), 'utf8').replace('python = "^3.10"', 'python = ">=3.13,<3.14"');
    const project = makeProject({ 'pyproject.toml': pyproject, 'poetry.lock': lock, 'main.py': 'print(1)\n' });
    const { exitCode, stdout, stderr } = await runCli([project.root, '--yes', '--base', 'slim', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('FROM python:3.13-slim-trixie AS build');
    expect(stderr).toContain('no manylinux wheel for Python 3.13');
  });
});

describe('a known compiled package pinned in requirements.txt, with no lockfile to list its wheels', () => {
  it('--yes: cffi 1.15.1 has wheels up to Python 3.11, so distroless (3.13) cannot take it and slim runs 3.11, with no compiler', async () => {
    const { exitCode, stdout, stderr } = await runCli([fixture('python-pinned-cffi'), '--yes', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stderr).toContain('distroless cannot take this project (its Python is 3.13 (debian13), and cffi 1.15.1 (requirements.txt:1) has no wheel for it');
    expect(stderr).toMatch(/^warning: cffi 1\.15\.1 has no wheel for Python 3\.14, 3\.13 or 3\.12 \(requirements\.txt:1\): using 3\.11$/m);
    expect(stdout).toContain('FROM python:3.11-slim-trixie AS build');
    expect(stdout).not.toContain('gcc');
  });

  it('--runtime-version 3.13: the build stage gets a compiler and libffi-dev, and says why; the final stage gets none of it', async () => {
    const { exitCode, stdout } = await runCli([fixture('python-pinned-cffi'), '--yes', '--base', 'slim', '--runtime-version', '3.13', '--stdout']);
    expect(exitCode).toBe(0);
    const build = stage(stdout, 'build');
    expect(build).toContain('cffi 1.15.1 (requirements.txt:1) has no wheel for Python 3.13: pip compiles it here; nothing of the compiler ships.');
    expect(build).toContain('apt-get install -y --no-install-recommends gcc libc6-dev libffi-dev \\');
    expect(stage(stdout, 'production')).not.toMatch(/gcc|libffi-dev/);
  });

  // miguelgrinberg/microblog pins greenlet 3.0.1 and psycopg2-binary 2.9.9, whose first cp313 wheels are 3.1.0 and 2.9.10.
  it('greenlet and psycopg2-binary pins: --yes moves to the newest Python with their wheels; compiled, psycopg2-binary gets libpq-dev to build and libpq5 to run', async () => {
    const project = makeProject({ 'requirements.txt': 'flask==3.1.0\ngreenlet==3.0.1\npsycopg2-binary==2.9.9\n', 'main.py': 'import flask\n' }).root;
    const chosen = await runCli([project, '--yes', '--stdout']);
    expect(chosen.stdout).toContain('FROM python:3.12-slim-trixie AS build');
    expect(chosen.stdout).not.toMatch(/gcc|libpq/);
    const { exitCode, stdout } = await runCli([project, '--yes', '--base', 'slim', '--runtime-version', '3.13', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stage(stdout, 'build')).toContain('apt-get install -y --no-install-recommends gcc libc6-dev g++ libpq-dev \\');
    expect(stage(stdout, 'runtime')).toContain(
      '# psycopg2-binary (compiled here) links these at run time.\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends libpq5 \\',
    );
  });

  it('a release with wheels for every Python (cffi 2.0.0) keeps distroless and needs no compiler', async () => {
    const project = makeProject({ 'requirements.txt': 'cffi==2.0.0\n', 'main.py': 'import cffi\n' });
    const { exitCode, stdout, stderr } = await runCli([project.root, '--yes', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('gcr.io/distroless/python3-debian13');
    expect(stdout).not.toContain('gcc');
    expect(stderr).not.toContain('no wheel');
  });

  it('a range (cffi>=1.15) resolves to a release with wheels: nothing changes', async () => {
    const project = makeProject({ 'requirements.txt': 'cffi>=1.15\n', 'main.py': 'import cffi\n' });
    const { exitCode, stdout } = await runCli([project.root, '--yes', '--base', 'slim', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('FROM python:3.14-slim-trixie AS build');
    expect(stdout).not.toContain('gcc');
  });
});
