// Measures the CLI's cold start as a ratio to Node's own start (`node -e 0`), measured in the same
// run: `stagecraft --yes --stdout` on one fixture per language, each run interleaved with a bare
// `node -e 0`, so a busy machine slows both alike. A run normally finds V8's code cache that an
// earlier run left in the user's cache folder (src/start.cts); the first run after an install has
// none and writes it, so that run is measured too, each time with an empty cache folder. Wall time is
// what a user sees; the CPU time the process used (user + sys, from bash's `time`, in milliseconds)
// is reported too, since on a busy machine wall time mostly measures the others. Writes
// docs/performance.md (the start-up section) with --write.
//
//   node scripts/startup.mjs [--write] [fixture ...]      RUNS=20 by default
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { writeSection } from './performance-page.mjs';

const RUNS = Number(process.env.RUNS ?? 20);
const args = process.argv.slice(2);
const write = args.includes('--write');
const named = args.filter((arg) => arg !== '--write');
const fixtures = named.length > 0 ? named : ['test/fixtures/go-root-main', 'test/fixtures/node-express', 'test/fixtures/python-flask-gunicorn', 'test/fixtures/java-plain-maven'];
const scratch = mkdtempSync(path.join(tmpdir(), 'stagecraft-startup-'));
/** The cache folder the measured runs share, as a user's would be after a first run. */
const CACHE = path.join(scratch, 'cache');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One run of node with `nodeArgs` and XDG_CACHE_HOME=`cache`: its wall and CPU milliseconds. */
function timeOnce(nodeArgs, cache) {
  const started = performance.now();
  // bash's `time` reads the child's rusage to the millisecond (GNU time prints hundredths of a second).
  const result = spawnSync('bash', ['-c', 'TIMEFORMAT="cpu %3U %3S"; time "$@"', 'bash', process.execPath, ...nodeArgs], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, XDG_CACHE_HOME: cache },
  });
  const wall = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${nodeArgs.join(' ')} failed: ${result.stderr}`);
  const [, user, sys] = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr) ?? [];
  return { wall, cpu: (Number(user) + Number(sys)) * 1000 };
}

/** Medians of `RUNS` runs of the CLI on `fixture` with the shared cache and with none, each followed by a run of `node -e 0`. */
function measure(fixture) {
  const cliArgs = ['dist/cli.cjs', fixture, '--yes', '--stdout'];
  timeOnce(cliArgs, CACHE);
  const series = { cli: { wall: [], cpu: [] }, first: { wall: [], cpu: [] }, floor: { wall: [], cpu: [] } };
  for (let run = 0; run < RUNS; run++) {
    const empty = mkdtempSync(path.join(scratch, 'empty-'));
    for (const [into, nodeArgs, cache] of [
      [series.cli, cliArgs, CACHE],
      [series.floor, ['-e', '0'], CACHE],
      [series.first, cliArgs, empty],
    ]) {
      const { wall, cpu } = timeOnce(nodeArgs, cache);
      into.wall.push(wall);
      into.cpu.push(cpu);
    }
  }
  const of = ({ wall, cpu }) => ({ wall: median(wall), cpu: median(cpu) });
  return { fixture, cli: of(series.cli), first: of(series.first), floor: of(series.floor) };
}

const ms = (value) => `${value.toFixed(0)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
// The load before and after: on a machine others share, the ratio of a busy run is the one to distrust.
const before = loadavg()[0].toFixed(1);
const rows = fixtures.map(measure);
rmSync(scratch, { recursive: true, force: true });
const header = `load average ${before} before, ${loadavg()[0].toFixed(1)} after, ${availableParallelism()} cores, node ${process.version}, ${RUNS} interleaved runs each`;
const table = [
  '| fixture | stagecraft wall | `node -e 0` wall | wall ratio | stagecraft CPU | `node -e 0` CPU | CPU ratio | first run CPU | first run CPU ratio |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    ({ fixture, cli, first, floor }) =>
      `| ${fixture} | ${ms(cli.wall)} | ${ms(floor.wall)} | **${ratio(cli.wall, floor.wall)}** | ${ms(cli.cpu)} | ${ms(floor.cpu)} | **${ratio(cli.cpu, floor.cpu)}** | ${ms(first.cpu)} | ${ratio(first.cpu, floor.cpu)} |`,
  ),
];
console.log(header);
console.log(table.join('\n'));

if (write) {
  writeSection('start-up', 'npm run startup -- --write', [
    '## Start-up',
    '',
    '`stagecraft --yes --stdout <fixture>` next to a bare `node -e 0`, each CLI run followed by one of Node, so',
    'whatever else the machine does slows both alike; medians. The goal is a ratio of at most 1.5. A run loads',
    "V8's code cache an earlier run left in the user's cache folder; the first run after an install (\"first",
    'run": an empty cache folder each time) compiles the bundle and writes that cache. On a machine others',
    'load, CPU time (user + sys) is the steadier measure; wall time there mostly measures the others.',
    '',
    header + '.',
    '',
    ...table,
  ]);
}
