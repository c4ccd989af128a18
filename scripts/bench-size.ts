/*
 * npm run bench:size: for each fixture × base, builds the production image this machine can build and
 * measures what the Dockerfile adds above its final base, next to the artifact the image exists to run
 * (the binary; production node_modules and the app; the venv and the app; the jar and its runtime),
 * measured inside the image. Writes the image-size section of docs/performance.md.
 *
 * Needs Docker (the offline-docker stand-ins here, so the base sizes are the stand-ins'; the added bytes
 * are what compares with the real images). Slow (every build of the matrix is hours on two cores), so it
 * is not part of `npm test`. Results accumulate in results/bench-size.json, each with a hash of the
 * Dockerfile it measured: the page shows every cell whose measurement is of today's Dockerfile, and names
 * the cells not measured. The end-to-end suite records there too (every production image it builds, and
 * the reason for each it cannot build here), so after a run of the whole matrix `npm run bench:size -- --page`
 * writes the page without building (and without Docker). docs/image-sizes.json keeps the records the page
 * shows, so a fresh clone writes the same page.
 *
 *   STAGECRAFT_BENCH_ONLY=<regex on fixture/base>   only build these cells (also the first argument)
 *   --page                                          build nothing: the page from the recorded measurements
 *
 * package.json bundles it to results/bench-size.mjs: one folder below the root, as test/helpers.ts is,
 * so the ROOT it derives from its own location is the project's root there too.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BASES } from '../src/core/options.js';
import { ROOT } from '../test/helpers.js';
import { CELLS, cellName, type Cell } from '../test/matrix.js';
import { buildCell } from '../test/e2e/cell-build.js';
import { docker, findEngine } from '../test/e2e/docker.js';
import { newCellResult } from '../test/e2e/report.js';
import {
  currentDockerfile,
  limitOf,
  measureSize,
  RATIO_LIMIT,
  readSizeMeasurements,
  recordSizeMeasurements,
  SUPPORT_FILES,
  type SizeMeasurement,
  type SizeResult,
} from '../test/e2e/size.js';
// @ts-expect-error: a plain ES module shared with scripts/startup.mjs, which has no types.
import { writeSection } from './performance-page.mjs';

const pageOnly = process.argv[2] === '--page';
const only = pageOnly ? null : new RegExp(process.argv[2] ?? process.env.STAGECRAFT_BENCH_ONLY ?? '.');
/** One cell per fixture and base: the production image is the same for debug none and stage. */
const cells = CELLS.filter((cell) => cell.debug === 'none');
const key = (cell: Cell) => `${cell.fixture}/${cell.base}`;

/**
 * The records the page was written from, committed beside it: a fresh clone (no results/) or another
 * machine keeps every cell measured or tried elsewhere while its Dockerfile is still today's, and writing
 * the page there loses nothing. A newer record in results/ (this machine's runs) wins.
 */
const PAGE_RECORDS = path.join(ROOT, 'docs/image-sizes.json');
const committed: Record<string, SizeMeasurement> = existsSync(PAGE_RECORDS) ? JSON.parse(readFileSync(PAGE_RECORDS, 'utf8')) : {};
const previous: Record<string, SizeMeasurement> = { ...committed };
for (const [cell, record] of Object.entries(readSizeMeasurements())) if (!previous[cell] || previous[cell].measuredAt < record.measuredAt) previous[cell] = record;
/** The page alone renders in-process; only a build needs an engine. */
const engine = pageOnly ? null : await findEngine();
if (typeof engine === 'string') {
  console.error(`bench:size: ${engine}`);
  process.exit(1);
}

const current: Record<string, SizeMeasurement> = {};
for (const cell of cells) {
  const today = await currentDockerfile(cell);
  if ('refused' in today) {
    current[key(cell)] = { cell: key(cell), dockerfileHash: '', measuredAt: '', status: 'refused', reason: today.refused, size: null };
    continue;
  }
  const kept = previous[key(cell)];
  if (engine === null || !only?.test(key(cell))) {
    // A measurement, or the reason a run could not build the cell here, holds while the Dockerfile is the same.
    if (kept?.dockerfileHash === today.hash) current[key(cell)] = kept;
    continue;
  }
  const result = newCellResult(cellName(cell));
  const tag = `stagecraft-bench/${cell.fixture}:${cell.base}`;
  let size: SizeResult | null = null;
  console.log(`bench:size: ${key(cell)}`);
  try {
    const built = await buildCell(engine, cell, result, { tag, notBuilt: null });
    if (built) {
      try {
        size = await measureSize(cell, built.plan, tag);
        result.status = 'passed';
      } finally {
        await docker(['rmi', '-f', tag]);
      }
    }
  } catch (error) {
    Object.assign(result, { status: 'failed', reason: (error as Error).message });
  }
  current[key(cell)] = { cell: key(cell), dockerfileHash: today.hash, measuredAt: new Date().toISOString(), status: result.status, reason: result.reason, size };
  console.log(`  ${result.status}${size ? `: added ${mb(size.added)} MB, artifact ${mb(size.artifact)} MB, ratio ${size.ratio.toFixed(2)}` : `: ${result.reason}`}`);
  recordSizeMeasurements([current[key(cell)]!]);
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}

const text = (value: string) => value.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const measured = Object.values(current).filter((entry) => entry.size);
const rows = measured.map(({ cell, size }) => {
  const { image, base, added, artifact, support, otherBytes, other, rewritten, ratio } = size!;
  const supportBytes = Object.values(support).reduce((sum, bytes) => sum + bytes, 0);
  // The limit as the recorded ratios say today, not as they were when the cell was measured.
  const { limit, recorded } = limitOf(cell, artifact, supportBytes);
  const supportText = Object.entries(support)
    .map(([name, bytes]) => `${name} ${(bytes / 1000).toFixed(0)} kB`)
    .join(', ');
  // What the check compares with RATIO_LIMIT: the added bytes that are not support, per byte of artifact.
  const beyondSupport = (added - supportBytes) / artifact;
  const largest = other
    .filter((file) => file.bytes > 0)
    .slice(0, 3)
    .map((file) => `${file.path} ${(file.bytes / 1000).toFixed(0)} kB`)
    .join(', ');
  return `| ${cell} | ${mb(image)} | ${mb(base)} | ${mb(added)} | ${mb(artifact)} | ${supportText} | ${mb(otherBytes)}${largest ? ` (${text(largest)})` : ''} | ${mb(rewritten)} | ${ratio.toFixed(2)} | **${beyondSupport.toFixed(2)}** | ${mb(limit)}${recorded ? `: ${text(recorded)}` : ''} | ${added <= limit ? 'ok' : '**over**'} |`;
});
const notMeasured = cells.filter((cell) => !current[key(cell)]?.size);
const byStatus = (status: string) => notMeasured.filter((cell) => current[key(cell)]?.status === status);
const unmeasured = notMeasured.filter((cell) => !current[key(cell)]);
const listed = (group: Cell[]) => group.map((cell) => `\`${key(cell)}\``).join(', ');
const reasons = (group: Cell[]) => group.map((cell) => `\`${key(cell)}\` (${text(current[key(cell)]!.reason ?? '')})`).join('; ');
const skippedLines = [
  // A refusal's reason is in docs/examples; the cell is named only.
  ...(byStatus('refused').length > 0 ? [`- refused by the generator (docs/examples says why): ${listed(byStatus('refused'))}`] : []),
  ...(['not verifiable here', 'not built', 'failed'] as const).filter((status) => byStatus(status).length > 0).map((status) => `- ${status}: ${reasons(byStatus(status))}`),
];

writeSection('image-size', 'npm run bench:size', [
  '## Image size',
  '',
  'Each production image (`--debug none`; `stage` builds the same one) next to its final base: what the',
  'Dockerfile adds, and how much of that is the artifact the image exists to run, measured inside the',
  'image (the binary; production `node_modules` and the app under `/app`; the venv and the app; the jar',
  'and the runtime copied in). Support files are what the artifact needs and a base may lack, allowed on',
  `top of ${RATIO_LIMIT} × the artifact: ${SUPPORT_FILES.map((file) => `${file.name} (${file.why})`).join('; ')}.`,
  '"Other" is every other added file (the largest named); "rewritten" is added bytes no new file accounts for',
  '(a file rewritten at the size the base has it, or one a later layer deletes). The end-to-end suite fails a',
  "cell whose added bytes exceed its limit, that is whose (added − support) / artifact passes the limit's ratio. Where the",
  'artifact is a few kilobytes (an app with no dependencies) added / artifact is mostly tini, and says little.',
  "Base sizes are the offline-docker stand-ins'; the added bytes compare with real images.",
  '',
  `Bases: ${BASES.join(', ')}. Measured ${measured.length} of ${cells.length} cells with today's Dockerfiles, ${[...new Set(measured.map((entry) => entry.measuredAt.slice(0, 10)))].join(', ')}.`,
  '',
  '| cell | image MB | base MB | added MB | artifact MB | support | other MB | rewritten MB | added / artifact | (added − support) / artifact | limit MB | |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
  'Not measured:',
  '',
  ...skippedLines,
  ...(unmeasured.length > 0 ? [`- not built in a run since their Dockerfile last changed: ${listed(unmeasured)}`] : []),
]);
// Refusals are the generator's answer today, found again on each run; everything else is kept for the next clone.
const kept = Object.fromEntries(
  Object.values(current)
    .filter((entry) => entry.status !== 'refused')
    .sort((a, b) => a.cell.localeCompare(b.cell))
    .map((entry) => [entry.cell, entry]),
);
writeFileSync(PAGE_RECORDS, `${JSON.stringify(kept, null, 2)}\n`);
const over = measured.filter(
  ({ cell, size }) =>
    size!.added >
    limitOf(
      cell,
      size!.artifact,
      Object.values(size!.support).reduce((sum, bytes) => sum + bytes, 0),
    ).limit,
);
if (over.length > 0) console.log(`bench:size: over the limit: ${over.map((entry) => entry.cell).join(', ')}`);
