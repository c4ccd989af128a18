import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers.js';
import { probeLines, type ProbeResult } from './registries.js';

export const RESULTS_DIR = path.join(ROOT, 'results');

export type CellStatus = 'passed' | 'refused' | 'not verifiable here' | 'not built' | 'failed';

export interface CellResult {
  cell: string;
  status: CellStatus;
  /** Why a cell is refused, not verifiable, not built or failed. */
  reason: string | null;
  buildSeconds: { production: number | null; debug: number | null };
  run: string | null;
  /** How long `docker stop` took for an HTTP cell (SIGTERM, then SIGKILL after 10 s). */
  stopSeconds: number | null;
  checks: string[];
  notes: string[];
  bytes: { image: number | null; base: number | null; added: number | null };
}

/** A cell's result before anything is known: failed until its checks pass. */
export const newCellResult = (cell: string): CellResult => ({
  cell,
  status: 'failed',
  reason: null,
  buildSeconds: { production: null, debug: null },
  run: null,
  stopSeconds: null,
  checks: [],
  notes: [],
  bytes: { image: null, base: null, added: null },
});

export interface RebuildResult {
  fixture: string;
  coldSeconds: number;
  warmSeconds: number;
  cachedDependencySteps: string[];
  rebuiltSteps: string[];
  ok: boolean;
  /** Why the check did not build (a registry it downloads from does not answer). */
  skipped?: string;
}

const mb = (bytes: number | null) => (bytes === null ? '' : (bytes / 1e6).toFixed(1));
const seconds = (value: number | null) => (value === null ? '' : value.toFixed(1));
const cellText = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function writeReport(header: string, cells: CellResult[], rebuilds: RebuildResult[], probes: ProbeResult[], selection: string | null): string {
  const counts = (['passed', 'refused', 'not verifiable here', 'not built', 'failed'] as const)
    .map((status) => `${cells.filter((cell) => cell.status === status).length} ${status}`)
    .join(', ');
  const lines =
    cells.length === 0 && rebuilds.length === 0
      ? ['# stagecraft end-to-end results', '', header, '']
      : [
          '# stagecraft end-to-end results',
          '',
          header,
          '',
          ...(selection ? [`Selection: ${selection} (STAGECRAFT_E2E_ONLY).`, ''] : []),
          'Registries (probed once for this run, from inside build containers; a cell that needs one is built when it says OK):',
          '',
          ...(probes.length > 0 ? probeLines(probes).map((line) => `- \`${line}\``) : ['- not probed']),
          '',
          `Cells: ${counts}.`,
          '',
          '| cell | status | build s (prod / debug) | run | stop s | checks | image MB | base MB | added MB | notes |',
          '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
          ...cells.map((cell) =>
            [
              cell.cell,
              cell.status === 'failed' ? `**FAILED**: ${cell.reason}` : cell.reason ? `${cell.status}: ${cell.reason}` : cell.status,
              cell.buildSeconds.production === null ? '' : `${seconds(cell.buildSeconds.production)} / ${seconds(cell.buildSeconds.debug) || '-'}`,
              cell.run ?? '',
              seconds(cell.stopSeconds),
              cell.checks.join('; '),
              mb(cell.bytes.image),
              mb(cell.bytes.base),
              mb(cell.bytes.added),
              cell.notes.join('; '),
            ]
              .map(cellText)
              .join(' | ')
              .replace(/^/, '| ')
              .replace(/$/, ' |'),
          ),
          '',
          '## Rebuild after a source edit',
          '',
          '| fixture | cold s | warm s | dependency steps from cache | rebuilt | result |',
          '| --- | --- | --- | --- | --- | --- |',
          ...rebuilds.map((rebuild) =>
            rebuild.skipped
              ? `| ${rebuild.fixture} |  |  |  |  | not verifiable here: ${cellText(rebuild.skipped)} |`
              : `| ${rebuild.fixture} | ${seconds(rebuild.coldSeconds)} | ${seconds(rebuild.warmSeconds)} | ${cellText(rebuild.cachedDependencySteps.join('; '))} | ${cellText(rebuild.rebuiltSteps.join('; '))} | ${rebuild.ok ? 'passed' : '**FAILED**'} |`,
          ),
          '',
        ];
  const markdown = lines.join('\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, 'e2e.md'), markdown);
  writeFileSync(path.join(RESULTS_DIR, 'e2e.json'), `${JSON.stringify({ header, cells, rebuilds }, null, 2)}\n`);
  return markdown;
}
