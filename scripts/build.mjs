// Bundles the CLI and its dependencies into dist/cli.js: one file to load instead of hundreds of
// modules, which is most of a cold start, and nothing for `npm create` to install but the package.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import Handlebars from 'handlebars';

/** The options src/render/index.ts compiles with (COMPILE_OPTIONS), so both give the same output. */
const COMPILE_OPTIONS = { strict: true, noEscape: true };

/** Every template in templates/ precompiled, by its path there without `.hbs`. */
function precompileAll() {
  return readdirSync('templates', { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hbs'))
    .map((entry) => path.relative('templates', path.join(entry.parentPath, entry.name)).replace(/\\/g, '/'))
    .sort()
    .map((file) => [file.replace(/\.hbs$/, ''), Handlebars.precompile(readFileSync(path.join('templates', file), 'utf8'), COMPILE_OPTIONS)]);
}

const objectOf = (entries) => `{\n${entries.map(([name, spec]) => `${JSON.stringify(name)}: ${spec}`).join(',\n')}\n}`;

/**
 * Replaces src/render/precompiled.ts with every template in templates/ precompiled, so a run
 * spends no time in Handlebars' compiler. The shared ones (templates/partials/, the files at the
 * top) are in the module; each other folder (a language's) is a chunk of its own, loaded by
 * PRECOMPILED_FOLDERS, so a run parses only its language's templates. The journey suite compares the
 * bundle's output with the snapshots, which are rendered from the .hbs files.
 */
const precompiledTemplates = {
  name: 'precompiled-templates',
  setup(esbuild) {
    const all = precompileAll();
    const folderOf = (name) => (name.includes('/') ? name.slice(0, name.indexOf('/')) : null);
    const folders = [...new Set(all.map(([name]) => folderOf(name)))].filter((folder) => folder !== null && folder !== 'partials');
    esbuild.onLoad({ filter: /[\\/]src[\\/]render[\\/]precompiled\.ts$/ }, () => {
      const shared = all.filter(([name]) => !folders.includes(folderOf(name)));
      const loaders = folders.map((folder) => `${JSON.stringify(folder)}: async () => (await import(${JSON.stringify(`templates-folder:${folder}`)})).PRECOMPILED`);
      return {
        contents: [`export const PRECOMPILED = ${objectOf(shared)};`, `export const PRECOMPILED_FOLDERS = {\n${loaders.join(',\n')}\n};`].join('\n'),
        loader: 'js',
      };
    });
    esbuild.onResolve({ filter: /^templates-folder:/ }, ({ path: name }) => ({ path: name.slice('templates-folder:'.length), namespace: 'templates-folder' }));
    esbuild.onLoad({ filter: /.*/, namespace: 'templates-folder' }, ({ path: folder }) => ({
      contents: `export const PRECOMPILED = ${objectOf(all.filter(([name]) => folderOf(name) === folder))};`,
      loader: 'js',
      // Handlebars' runtime is what the specs need at run time, and it is in the main chunk.
      resolveDir: process.cwd(),
    }));
  },
};

/**
 * The bundle carries other people's code, so the package carries their licences:
 * dist/THIRD_PARTY_LICENSES.txt names every package the bundle includes and quotes its licence file.
 */
function writeLicenses(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match && !packages.has(match[1])) packages.set(match[1], JSON.parse(readFileSync(path.join(match[1], 'package.json'), 'utf8')));
  }
  const sections = [...packages.entries()]
    .sort(([, a], [, b]) => a.name.localeCompare(b.name))
    .map(([dir, manifest]) => {
      const file = readdirSync(dir).find((name) => /^(licen[sc]e|copying)(\.|$)/i.test(name));
      const text = file ? readFileSync(path.join(dir, file), 'utf8').trim() : `License: ${manifest.license} (the package ships no licence file)`;
      return `${manifest.name}@${manifest.version} (${manifest.license})\n\n${text}`;
    });
  const header = 'dist/cli.js bundles these packages; their licences follow.';
  writeFileSync('dist/THIRD_PARTY_LICENSES.txt', `${header}\n\n${sections.join(`\n\n${'-'.repeat(72)}\n\n`)}\n`);
}

const result = await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  // dist/cli.js is a small launcher that turns on Node's compile cache before the rest loads; code
  // only some runs need (execa, for --build) is a chunk of its own, parsed only when imported.
  splitting: true,
  // Chunks sit beside cli.js: src/paths.ts finds the package one folder up from whichever file runs.
  chunkNames: '[name]-[hash]',
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
  plugins: [precompiledTemplates],
  // Every template is precompiled above, so the bundle needs Handlebars' runtime only: its
  // compiler (and the source-map library it loads) would be parsed on every start for nothing.
  alias: { handlebars: 'handlebars/runtime' },
  metafile: true,
});
writeLicenses(result.metafile);

/** What each file of the bundle is made of, bytes per input file, for test/bundle.test.ts (every byte is parsed on every start). */
const BUNDLE_INPUTS = 'node_modules/.cache/stagecraft/bundle-inputs.json';
const inputs = Object.fromEntries(
  Object.entries(result.metafile.outputs).map(([output, { inputs: parts }]) => [
    output,
    Object.fromEntries(Object.entries(parts).map(([file, { bytesInOutput }]) => [file, bytesInOutput])),
  ]),
);
mkdirSync(path.dirname(BUNDLE_INPUTS), { recursive: true });
writeFileSync(BUNDLE_INPUTS, `${JSON.stringify(inputs, null, 1)}\n`);
