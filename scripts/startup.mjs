// Measures the CLI's cold start: wall time of `stagecraft --yes --stdout` on a fixture, as a user
// sees it, next to a bare `node -e 0` on the same machine (whatever else the machine is doing).
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const RUNS = Number(process.env.RUNS ?? 20);
const fixture = process.argv[2] ?? 'test/fixtures/go-root-main';

function timeRuns(args) {
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { min: times[0], median: times[Math.floor(times.length / 2)] };
}

const cli = timeRuns(['dist/cli.js', fixture, '--yes', '--stdout']);
const bare = timeRuns(['-e', '0']);
const ms = (value) => `${value.toFixed(0)} ms`;
console.log(`stagecraft --yes --stdout ${fixture}: median ${ms(cli.median)}, min ${ms(cli.min)} (${RUNS} runs)`);
console.log(`node -e 0 baseline:        median ${ms(bare.median)}, min ${ms(bare.min)}`);
console.log(`node ${process.version}, ${availableParallelism()} cores`);
