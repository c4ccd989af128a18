// Bundles the CLI and its dependencies into dist/cli.js: one file to load instead of hundreds of
// modules, which is most of a cold start, and nothing for `npm create` to install but the package.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Smaller source compiles faster; stack traces (--verbose) name minified functions.
  minify: true,
  // Handlebars is CommonJS and calls require() for node's own modules; ESM output needs one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  legalComments: 'eof',
  logLevel: 'warning',
});
