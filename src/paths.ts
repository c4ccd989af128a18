import { fileURLToPath } from 'node:url';

/**
 * The package's root folder (package.json, templates/). This module sits one level below it both
 * as source (src/paths.ts) and in the published bundle (dist/cli.js), so one relative URL serves both.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
