#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ can keep the compiled bundle on disk (its compile cache, in the OS's temporary folder),
// so later starts skip parsing it; it must be on before the bundle loads, hence the imports below.
// Node 20 has no compile cache and starts as before.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const [{ main }, { ExitCode }] = await Promise.all([import('./main.js'), import('./errors.js')]);

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
