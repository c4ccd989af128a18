import { fileURLToPath } from 'node:url';

/**
 * The package's root folder (package.json, templates/). This module sits one level below it both
 * as source (src/paths.ts) and in the published bundle (dist/stagecraft.cjs, where import.meta.url is
 * the bundle's own URL), so one relative URL serves both.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
