import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, generateDocs } from '../scripts/docs.js';
import { ROOT } from './helpers.js';
import { CELLS } from './matrix.js';
import { BASES } from '../src/core/options.js';

describe('docs/examples', () => {
  const expected = generateDocs(ROOT);

  it('holds exactly the pages the snapshots make (npm run docs writes them)', () => {
    const onDisk = readdirSync(path.join(ROOT, EXAMPLES_DIR))
      .map((name) => `${EXAMPLES_DIR}/${name}`)
      .sort();
    expect(onDisk, 'docs/examples is stale: run npm run docs').toEqual([...expected.keys()].sort());
  });

  it.each([...expected.keys()])('%s is up to date with snapshots/', (file) => {
    expect(readFileSync(path.join(ROOT, file), 'utf8'), `${file} is stale: run npm run docs`).toBe(expected.get(file));
  });

  it("every page shows each fixture's Dockerfile as the snapshot has it", () => {
    const page = expected.get(`${EXAMPLES_DIR}/go-scratch.md`)!;
    const snapshot = readFileSync(path.join(ROOT, 'snapshots/go/go-root-main/scratch.stage.Dockerfile'), 'utf8');
    expect(page).toContain(`## go-root-main`);
    expect(page).toContain(`\`\`\`dockerfile\n${snapshot.trimEnd()}\n\`\`\``);
    expect(page).toContain('Refused on scratch, so not shown: `go-cgo`');
    expect(expected.get(`${EXAMPLES_DIR}/README.md`)).toMatch(/\| Node\.js \| \[\d+ fixtures\]\(node-slim\.md\) .* \| refused \|/);
  });
});

describe("docs/performance.md's image sizes", () => {
  /** A cell as the page names it, `fixture/base`; a reason may quote other things in backticks (`go build`). */
  const CELL_NAME = new RegExp(`\`([a-z0-9-]+/(?:${BASES.join('|')}))\``, 'g');
  const page = readFileSync(path.join(ROOT, 'docs/performance.md'), 'utf8');
  const section = /<!-- begin image-size:[\s\S]*?<!-- end image-size -->/.exec(page)![0];
  const records = JSON.parse(readFileSync(path.join(ROOT, 'docs/image-sizes.json'), 'utf8')) as Record<string, { status: string; size: object | null }>;
  const measuredRows = [...section.matchAll(/^\| ([a-z0-9-]+\/[a-z]+) \|/gm)].map((match) => match[1]!);
  /** The cells each "Not measured" line names, by its status (refused, not verifiable here, not built, ...). */
  const named = new Map([...section.matchAll(/^- ([^:`]+): (.*)$/gm)].map(([, status, cells]) => [status!, [...cells!.matchAll(CELL_NAME)].map((match) => match[1]!)]));

  it('names every fixture × base once: measured, or with the reason it was not (npm run bench:size)', () => {
    const cells = CELLS.filter((cell) => cell.debug === 'none').map((cell) => `${cell.fixture}/${cell.base}`);
    const accounted = [...measuredRows, ...[...named.values()].flat()];
    expect(accounted.sort()).toEqual([...cells].sort());
    expect([...named.keys()], 'cells not tried since their Dockerfile changed: run npm run bench:size for them').not.toContain(
      'not built in a run since their Dockerfile last changed',
    );
  });

  it('shows what the committed records say, so a fresh clone writes the same page', () => {
    expect(measuredRows.sort()).toEqual(
      Object.entries(records)
        .filter(([, record]) => record.size !== null)
        .map(([cell]) => cell)
        .sort(),
    );
    for (const status of ['not verifiable here', 'not built'])
      expect((named.get(status) ?? []).sort()).toEqual(
        Object.entries(records)
          .filter(([, record]) => record.status === status)
          .map(([cell]) => cell)
          .sort(),
      );
  });
});
