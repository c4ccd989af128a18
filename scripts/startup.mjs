// Measures the CLI's cold start: wall time of `stagecraft --yes --stdout` on a fixture, as a user
// sees it, next to a bare `node -e 0` on the same machine. On a busy machine wall time mostly
// measures the others, so the CPU time the process itself used (user + sys, from GNU time) is
// reported too: on an idle machine the wall time comes close to it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

const RUNS = Number(process.env.RUNS ?? 20);
const fixture = process.argv[2] ?? 'test/fixtures/go-root-main';
const GNU_TIME = '/usr/bin/time';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const min = (values) => Math.min(...values);

function timeRuns(args) {
  const wall = [];
  const cpu = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    if (existsSync(GNU_TIME)) {
      const result = spawnSync(GNU_TIME, ['-f', 'cpu %U %S', process.execPath, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
      wall.push(performance.now() - started);
      const [, user, sys] = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr) ?? [];
      if (user !== undefined) cpu.push((Number(user) + Number(sys)) * 1000);
    } else {
      execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
      wall.push(performance.now() - started);
    }
  }
  return { wall, cpu };
}

const ms = (value) => `${value.toFixed(0)} ms`;
const describe = ({ wall, cpu }) => `wall median ${ms(median(wall))}, min ${ms(min(wall))}${cpu.length > 0 ? `; cpu median ${ms(median(cpu))}, min ${ms(min(cpu))}` : ''}`;

console.log(`load average ${loadavg()[0].toFixed(1)}, ${availableParallelism()} cores, node ${process.version}, ${RUNS} runs each`);
console.log(`stagecraft --yes --stdout ${fixture}: ${describe(timeRuns(['dist/cli.js', fixture, '--yes', '--stdout']))}`);
console.log(`node -e 0 (the floor): ${describe(timeRuns(['-e', '0']))}`);
