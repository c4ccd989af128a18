import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR } from './report.js';

/** Prints the results table after vitest's own summary has been decided, so CI logs show it whole. */
export default function teardown() {
  return () => {
    const report = path.join(RESULTS_DIR, 'e2e.md');
    if (existsSync(report)) process.stdout.write(`\n${readFileSync(report, 'utf8')}\n`);
  };
}
