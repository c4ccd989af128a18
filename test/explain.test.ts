import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../src/build/network.js';
import { finalStageChain, parseStages } from '../src/explain/dockerfile.js';
import { describeSize, profileOf } from '../src/explain/images.js';
import { resolveAnswers } from '../src/cli/answers.js';
import { detectProject } from '../src/pipeline/detect.js';
import { buildPlan } from '../src/pipeline/plan.js';
import { ProjectFiles } from '../src/project.js';
import { copyFixture, fixture, flagsFrom, runCli } from './helpers.js';
import { CELLS, renderCell } from './matrix.js';

const cellOf = (fixture: string, base: string, debug: string) => CELLS.find((cell) => cell.fixture === fixture && cell.base === base && cell.debug === debug)!;
const dockerfileOf = async (fixture: string, base: string, debug: string) => (await renderCell(cellOf(fixture, base, debug)))[0]!.content;

describe('reading a generated Dockerfile', () => {
  it('follows production back through the stage it builds on', async () => {
    const chain = finalStageChain(parseStages(await dockerfileOf('go-root-main', 'slim', 'stage')));
    expect(chain.map((stage) => [stage.name, stage.from])).toEqual([
      ['runtime', 'debian:trixie-slim'],
      ['production', 'runtime'],
    ]);
    const copy = chain[1]!.instructions.find((instruction) => instruction.keyword === 'COPY')!;
    expect(copy.text).toBe('COPY --from=build /out/hello /usr/local/bin/hello');
  });

  it('joins continuation lines and keeps the comment above each instruction', async () => {
    const [runtime] = finalStageChain(parseStages(await dockerfileOf('go-root-main', 'slim', 'none')));
    const install = runtime!.instructions.find((instruction) => instruction.keyword === 'RUN')!;
    expect(install.text).toMatch(/^RUN groupadd --system --gid 65532 nonroot && useradd --system .* && install -d -m 0700 /);
    expect(install.why.join(' ')).toMatch(/runAsNonRoot\. The home is an empty folder/);
  });
});

describe('build network', () => {
  it('is none when the target downloads nothing, host when a step it needs does', async () => {
    const vendored = await dockerfileOf('go-vendored', 'distroless', 'none');
    expect(buildNetwork(vendored)).toBe('none');
    expect(buildNetwork(await dockerfileOf('go-root-main', 'distroless', 'none'))).toBe('host');
    expect(buildNetwork(await dockerfileOf('node-express', 'distroless', 'none'))).toBe('host');
  });

  it('counts only the stages the target needs', () => {
    const dockerfile = [
      'FROM golang:1.23-bookworm AS build',
      'RUN go build -o /out/app .',
      'FROM debian:bookworm-slim AS debug',
      'RUN apt-get update && apt-get install -y curl',
      'COPY --from=build /out/app /app',
      'FROM gcr.io/distroless/static-debian12:nonroot AS production',
      'COPY --from=build /out/app /app',
    ].join('\n');
    expect(buildNetwork(dockerfile)).toBe('none');
    expect(buildNetwork(dockerfile, 'debug')).toBe('host');
    expect(buildNetwork(dockerfile.replace('go build', 'go mod download && go build'))).toBe('host');
  });
});

describe('base profiles', () => {
  it('knows every final image the planners choose, so every base gets a size', async () => {
    const images = new Set<string>();
    for (const cell of CELLS) {
      const dockerfile = await renderCell(cell).then(
        ([file]) => file!.content,
        () => null,
      );
      if (dockerfile) images.add(finalStageChain(parseStages(dockerfile))[0]!.from);
    }
    const unknown = [...images].filter((image) => profileOf(image) === null);
    expect(unknown).toEqual([]);
    // Every cell of the matrix is rendered: on a busy two-core machine that takes longer than one test usually may.
  }, 60_000);

  it('describes sizes in classes, the whole image before the app: the base and the runtime the Dockerfile adds', async () => {
    const planOf = async (name: string, base: string, extra: string[] = []) => {
      const flags = flagsFrom([fixture(name), '--yes', '--base', base, '--debug', 'none', ...extra]);
      const { facts } = await detectProject(new ProjectFiles(flags.dir));
      return buildPlan(facts, await resolveAnswers({ facts, flags, interactive: false, prompter: null as never }), '0.0.0').plan;
    };
    expect(describeSize(await planOf('go-root-main', 'distroless'))).toBe('tiny, ≈2 MB + your app');
    expect(describeSize(await planOf('go-root-main', 'scratch'))).toBe('tiny, nothing but your app');
    expect(describeSize(await planOf('node-express', 'slim'))).toMatch(/^large, ≈220 MB \+ your app$/);
    // Java on alpine ships a jlink runtime on top of alpine's 8 MB: the estimate counts it, as distroless' 230 MB counts its JRE.
    expect(describeSize(await planOf('java-plain-maven', 'alpine', ['--java-runtime', 'jlink']))).toBe('medium, ≈63 MB + your app');
    expect(describeSize(await planOf('java-plain-maven', 'slim', ['--java-runtime', 'jre']))).toBe('large, ≈245 MB + your app');
    expect(describeSize(await planOf('java-plain-maven', 'distroless'))).toBe('large, ≈230 MB + your app');
  });
});

describe('--explain', () => {
  it('says what ships and why, the base trade-offs, and compares every base; writes nothing', async () => {
    const dir = copyFixture('go-cgo');
    const { exitCode, stdout } = await runCli([dir, '--yes', '--explain', '--base', 'distroless', '--debug', 'none']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('FROM gcr.io/distroless/base-debian13:nonroot AS production');
    expect(stdout).toMatch(/COPY --from=build \/out\/\S+ \/usr\/local\/bin\/\S+\n\s+built in the build stage/);
    expect(stdout).toMatch(/USER 65532:65532\n\s+runs as nonroot \(uid 65532\)/);
    expect(stdout).toMatch(/^ {2}libc {3}glibc$/m);
    expect(stdout).toMatch(/^ {2}shell {2}none/m);
    expect(stdout).toMatch(/^ {2}patch {2}no package manager/m);
    expect(stdout).toMatch(/^\* distroless +small, ≈21 MB \+ your app/m);
    expect(stdout).toMatch(/^ {2}scratch +refused: --base scratch cannot run this program: it needs cgo/m);
    expect(stdout).toMatch(/^ {2}alpine +tiny, ≈8 MB/m);
    expect(await import('node:fs').then((fs) => fs.existsSync(`${dir}/Dockerfile`))).toBe(false);
  });

  it('`stagecraft explain [dir]` is the same as --explain; ./explain is a folder', async () => {
    const viaFlag = await runCli(['test/fixtures/go-root-main', '--yes', '--explain']);
    const viaCommand = await runCli(['explain', 'test/fixtures/go-root-main', '--yes']);
    expect(viaCommand.exitCode).toBe(0);
    expect(viaCommand.stdout).toBe(viaFlag.stdout);
    const folder = await runCli(['./explain', '--yes']);
    expect(folder.stderr).toMatch(/^stagecraft: \.\/explain: no such folder/);
  });

  it('cannot be combined with writing or another output', async () => {
    for (const args of [
      ['--explain', '--json'],
      ['--explain', '--build'],
      ['--stdout', '--save'],
    ]) {
      const { exitCode, stderr } = await runCli(['test/fixtures/go-root-main', '--yes', ...args]);
      expect(exitCode).toBe(1);
      expect(stderr).toMatch(/cannot be combined|use one of them/);
    }
  });
});
