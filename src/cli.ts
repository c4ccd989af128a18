// First: it configures zod before the modules below build their schemas.
import './zod-config.js';
import { main } from './main.js';
import { ExitCode } from './errors.js';

/** One run of the CLI: dist/cli.cjs runs the bundle of this module (dist/stagecraft.cjs). */
async function run(): Promise<void> {
  // A reader that went away (`--stdout | head -0`) wanted no more of the output: nothing to report.
  // A full disk or a device error behind stdout lost what was printed: one line, and the write's exit code.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return;
    process.stderr.write(`stagecraft: cannot write to stdout (${error.code ?? error.message})\n`);
    process.exitCode = ExitCode.cannotWrite;
  });

  const exitCode = await main(process.argv.slice(2));
  // An error on stdout may have been reported while the run was finishing: it keeps its own code.
  if (process.exitCode === undefined) process.exitCode = exitCode;
}

void run();
