#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ can keep the compiled bundle on disk (its compile cache, in the OS's temporary folder),
// so later starts skip parsing it; it must be on before the bundle loads, hence the import below.
// Node 20 has no compile cache and starts as before.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { main } = await import('./main.js');

process.exitCode = await main(process.argv.slice(2));
