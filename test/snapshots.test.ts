import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { StagecraftError } from '../src/errors.js';
import { ROOT } from './helpers.js';
import { lintDockerfile } from './lint.js';
import { CELLS, cellName, renderCell, snapshotPath } from './matrix.js';

/** Cells that must be refused, and the reason the user is given. */
const REFUSED: Record<string, RegExp> = {
  'go-cgo/scratch.none': /cgo \(import "C" in main\.go\).*scratch has none/,
  'go-cgo/scratch.stage': /cgo \(import "C" in main\.go\).*scratch has none/,
  'go-cgo/scratch.shell': /cgo \(import "C" in main\.go\).*scratch has none/,
};
for (const cell of CELLS) {
  if (cell.language === 'node' && cell.base === 'scratch') {
    REFUSED[cellName(cell)] = /--base scratch cannot run a Node app: node itself needs a C library/;
  }
  if (cell.language === 'python' && cell.base === 'scratch') {
    REFUSED[cellName(cell)] = /--base scratch cannot run a Python app: the interpreter needs a C library/;
  }
  if (cell.fixture === 'python-native' && cell.base === 'distroless') {
    REFUSED[cellName(cell)] = /--base distroless: psycopg2 links libpq at run time, which distroless python3 lacks and cannot install; use psycopg2-binary/;
  }
  // .python-version pins 3.12, and distroless ships 3.13 only (on Debian 13).
  if (cell.fixture === 'python-flask-gunicorn' && cell.base === 'distroless' && cell.debug !== 'shell') {
    REFUSED[cellName(cell)] = /ships Python 3\.13 \(debian13\) only, and this project needs 3\.12 \(\.python-version\)/;
  }
  // requirements.txt pins cffi 1.15.1, which has no wheel for distroless's Python 3.13 (its first is 1.17.0).
  if (cell.fixture === 'python-pinned-cffi' && cell.base === 'distroless' && cell.debug !== 'shell') {
    REFUSED[cellName(cell)] =
      /--base distroless: its Python is 3\.13 \(debian13\), and cffi 1\.15\.1 \(requirements\.txt:1\) has no wheel for it.*use --base slim, which runs Python 3\.11 here$/;
  }
  // poetry.lock pins lxml 5.2.2, which has no wheel for distroless's Python 3.13.
  if (cell.fixture === 'python-poetry-lxml' && cell.base === 'distroless' && cell.debug !== 'shell') {
    REFUSED[cellName(cell)] =
      /--base distroless: its Python is 3\.13 \(debian13\), and lxml 5\.2\.2 \(poetry\.lock:4\) has no wheel for it.*use --base slim, which runs Python 3\.12 here$/;
  }
  if (cell.fixture === 'rust-sqlite' && cell.base === 'distroless' && cell.debug !== 'shell') {
    REFUSED[cellName(cell)] = /--base distroless: libsqlite3-sys \(Cargo\.toml:8\) links the system SQLite library, which distroless cc does not have/;
  }
  if (cell.language === 'java' && cell.base === 'scratch') {
    REFUSED[cellName(cell)] = /--base scratch cannot run a Java app: the JVM needs a C library/;
  }
  // The runtime images of dhi.io cannot install what these link at run time.
  if (cell.fixture === 'python-native' && cell.base === 'hardened') {
    REFUSED[cellName(cell)] = /--base hardened: psycopg2 links libpq at run time, which dhi.io\/python lacks and cannot install/;
  }
  if (cell.fixture === 'rust-openssl' && cell.base === 'hardened' && cell.debug !== 'shell') {
    REFUSED[cellName(cell)] =
      /--base hardened: openssl-sys \(Cargo\.toml:\d+\) links the system OpenSSL library, which dhi\.io\/static \(glibc only\) does not have; .* or --base distroless$/;
  }
  if (cell.fixture === 'rust-sqlite' && cell.base === 'hardened' && cell.debug !== 'shell') {
    REFUSED[cellName(cell)] =
      /--base hardened: libsqlite3-sys \(Cargo\.toml:8\) links the system SQLite library, which dhi\.io\/static \(glibc only\) does not have; .* or --base slim$/;
  }
  if ((cell.base === 'distroless' || cell.base === 'scratch' || cell.base === 'hardened') && cell.debug === 'shell' && !(cellName(cell) in REFUSED)) {
    REFUSED[cellName(cell)] = new RegExp(`--debug shell: ${cell.base} has no shell to keep`);
  }
}

describe('every fixture x base x debug renders the snapshot, or is refused with its reason', () => {
  for (const cell of CELLS) {
    const key = cellName(cell);
    const refusal = REFUSED[key];
    it(key, async () => {
      if (refusal) {
        const outcome = renderCell(cell);
        await expect(outcome).rejects.toThrow(refusal);
        await expect(outcome).rejects.toBeInstanceOf(StagecraftError);
        return;
      }
      const [dockerfile, dockerignore] = await renderCell(cell);
      await expect(dockerfile!.content).toMatchFileSnapshot(path.join(ROOT, snapshotPath(cell)));
      await expect(dockerignore!.content).toMatchFileSnapshot(path.join(ROOT, `snapshots/${cell.language}/${cell.fixture}/${dockerignore!.path}`));
    });
  }
});

describe('lint gate', () => {
  const rendered = CELLS.filter((cell) => !(cellName(cell) in REFUSED)).map((cell) => snapshotPath(cell));

  it('snapshots/ holds exactly the rendered cells, none stale', () => {
    const files = readdirSync(path.join(ROOT, 'snapshots'), { recursive: true, encoding: 'utf8' })
      // snapshots/living/ holds test/living.test.ts's cases, which checks them itself.
      .filter((file) => file.endsWith('.Dockerfile') && !file.startsWith('living'))
      .map((file) => `snapshots/${file.replace(/\\/g, '/')}`);
    expect(files.sort()).toEqual([...rendered].sort());
  });

  it.each(rendered)('%s passes dockerfile-utils and the production rules', (file) => {
    expect(lintDockerfile(readFileSync(path.join(ROOT, file), 'utf8'))).toEqual([]);
  });
});

describe('the lint gate catches what it is for', () => {
  let good = '';
  beforeAll(async () => {
    const [dockerfile] = await renderCell(CELLS.find((cell) => cell.base === 'slim' && cell.debug === 'stage')!);
    good = dockerfile!.content;
    expect(lintDockerfile(good)).toEqual([]);
  });

  it.each([
    ['a root user', (file: string) => file.replace(/USER 65532:65532(\s+EXPOSE \d+\s+#[^\n]*\s+ENTRYPOINT[^\n]*\s*)$/, 'USER 0$1'), /production: USER 0 is root/],
    ['a named user', (file: string) => file.replace(/USER 65532:65532(\s+EXPOSE \d+\s+#[^\n]*\s+ENTRYPOINT[^\n]*\s*)$/, 'USER nonroot$1'), /USER nonroot is not a numeric/],
    ['shell-form entrypoint', (file: string) => file.replace(/ENTRYPOINT \["([^"]+)"\]\s*$/, 'ENTRYPOINT $1\n'), /ENTRYPOINT .* is shell form/],
    ['a latest tag', (file: string) => file.replace(/FROM debian:[a-z]+-slim/, 'FROM debian:latest'), /latest is not a pinned tag/],
    ['an untagged image', (file: string) => file.replace(/FROM debian:[a-z]+-slim/, 'FROM debian'), /no tag/],
    ['debug as the last stage', (file: string) => `${file}\nFROM runtime AS debug\nUSER 1\nENTRYPOINT ["/x"]\n`, /last stage .* is "debug"/],
    ['a toolchain base', (file: string) => file.replace(/FROM runtime AS production/, 'FROM golang:1.23-bookworm AS production'), /based on a toolchain image/],
    ['a copied toolchain', (file: string) => file.replace(/LABEL/, 'COPY --from=build /usr/local/go /usr/local/go\nLABEL'), /copies a toolchain/],
    ['a secret in ENV', (file: string) => file.replace(/LABEL/, 'ENV NPM_TOKEN=abc\nLABEL'), /ENV NPM_TOKEN: looks like a secret/],
    ['a secret build argument', (file: string) => file.replace(/LABEL/, 'ARG github_token\nLABEL'), /ARG github_token: looks like a secret/],
    ['a JDK base', (file: string) => file.replace(/FROM runtime AS production/, 'FROM eclipse-temurin:21-jdk AS production'), /based on a toolchain image/],
    ['a copied JDK', (file: string) => file.replace(/LABEL/, 'COPY --from=eclipse-temurin:21-jdk /opt/java/openjdk /opt/java/openjdk\nLABEL'), /copies a toolchain/],
    ['an unknown instruction', (file: string) => file.replace(/LABEL/, 'FROBNICATE x\nLABEL'), /line \d+: /],
  ])('%s', (_name, breakIt, problem) => {
    const broken = breakIt(good);
    expect(broken).not.toBe(good);
    expect(lintDockerfile(broken).join('\n')).toMatch(problem);
  });
});
