// Measures the CLI's cold start as a ratio to Node's own start (`node -e 0`), measured in the same
// run: `stagecraft --yes --stdout` on one fixture per language, each run interleaved with a bare
// `node -e 0`, so a busy machine slows both alike. Wall time is what a user sees; the CPU time the
// process used (user + sys, from GNU time) is reported too, since on a busy machine wall time mostly
// measures the others. Writes docs/performance.md (the start-up section) with --write.
//
//   node scripts/startup.mjs [--write] [fixture ...]      RUNS=20 by default
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { writeSection } from './performance-page.mjs';

const RUNS = Number(process.env.RUNS ?? 20);
const args = process.argv.slice(2);
const write = args.includes('--write');
const named = args.filter((arg) => arg !== '--write');
const fixtures = named.length > 0 ? named : ['test/fixtures/go-root-main', 'test/fixtures/node-express', 'test/fixtures/python-flask-gunicorn', 'test/fixtures/java-plain-maven'];
const GNU_TIME = '/usr/bin/time';
if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing (Debian package time): CPU time cannot be measured`);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One run of node with `nodeArgs`: its wall and CPU milliseconds. */
function timeOnce(nodeArgs) {
  const started = performance.now();
  const result = spawnSync(GNU_TIME, ['-f', 'cpu %U %S', process.execPath, ...nodeArgs], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${nodeArgs.join(' ')} failed: ${result.stderr}`);
  const [, user, sys] = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr) ?? [];
  return { wall, cpu: (Number(user) + Number(sys)) * 1000 };
}

/** Medians of `RUNS` runs of the CLI on `fixture`, each followed by a run of `node -e 0`. */
function measure(fixture) {
  const cli = { wall: [], cpu: [] };
  const floor = { wall: [], cpu: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const [into, nodeArgs] of [
      [cli, ['dist/cli.js', fixture, '--yes', '--stdout']],
      [floor, ['-e', '0']],
    ]) {
      const { wall, cpu } = timeOnce(nodeArgs);
      into.wall.push(wall);
      into.cpu.push(cpu);
    }
  }
  const of = (series) => ({ wall: median(series.wall), cpu: median(series.cpu) });
  return { fixture, cli: of(cli), floor: of(floor) };
}

const ms = (value) => `${value.toFixed(0)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
// The load before and after: on a machine others share, the ratio of a busy run is the one to distrust.
const before = loadavg()[0].toFixed(1);
const rows = fixtures.map(measure);
const header = `load average ${before} before, ${loadavg()[0].toFixed(1)} after, ${availableParallelism()} cores, node ${process.version}, ${RUNS} interleaved runs each`;
const table = [
  '| fixture | stagecraft wall | `node -e 0` wall | wall ratio | stagecraft CPU | `node -e 0` CPU | CPU ratio |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    ({ fixture, cli, floor }) =>
      `| ${fixture} | ${ms(cli.wall)} | ${ms(floor.wall)} | **${ratio(cli.wall, floor.wall)}** | ${ms(cli.cpu)} | ${ms(floor.cpu)} | ${ratio(cli.cpu, floor.cpu)} |`,
  ),
];
console.log(header);
console.log(table.join('\n'));

if (write) {
  writeSection('start-up', 'npm run startup -- --write', [
    '## Start-up',
    '',
    '`stagecraft --yes --stdout <fixture>` next to a bare `node -e 0`, each CLI run followed by one of Node, so',
    'whatever else the machine does slows both alike; medians. The goal is a wall ratio of at most 1.5.',
    '',
    header + '.',
    '',
    ...table,
  ]);
}
