import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, generateDocs } from '../scripts/docs.js';
import { ROOT } from './helpers.js';

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
