// Bundles the CLI and its dependencies into dist/stagecraft.cjs, run by the launcher dist/cli.cjs: one
// file to load instead of hundreds of modules, and nothing for `npm create` to install but the package.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import Handlebars from 'handlebars';

/** Where the build keeps what tests read about the bundle (not published). */
const CACHE = 'node_modules/.cache/stagecraft';

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
 * top) are in the module; each other folder (a language's) is a module of its own, initialised by
 * PRECOMPILED_FOLDERS, so a run builds only its language's templates. The journey suite compares the
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
      // Handlebars' runtime is what the specs need at run time.
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
  const header = 'dist/stagecraft.cjs bundles these packages; their licences follow.';
  writeFileSync('dist/THIRD_PARTY_LICENSES.txt', `${header}\n\n${sections.join(`\n\n${'-'.repeat(72)}\n\n`)}\n`);
}

const BUNDLE = 'dist/stagecraft.cjs';
const result = await build({
  entryPoints: ['src/cli.ts'],
  outfile: BUNDLE,
  bundle: true,
  platform: 'node',
  // One script, not ES modules: dist/cli.cjs compiles it with V8's code cache (src/start.cts), which
  // Node 20 offers for scripts only. What a run does not use (another language's code and templates,
  // the prompt library, execa) is in it but never runs, and with the cache never compiled:
  // esbuild turns each import() into a module initialised when first imported.
  format: 'cjs',
  target: 'node20',
  // Smaller source compiles faster; stack traces (--verbose) name minified functions.
  minify: true,
  // The bundle is a script: src/paths.ts's import.meta.url is the bundle's own URL, from its __filename.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "var importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'eof',
  logLevel: 'warning',
  plugins: [precompiledTemplates],
  // Every template is precompiled above, so the bundle needs Handlebars' runtime only: its
  // compiler (and the source-map library it loads) would be compiled on a first start for nothing.
  alias: { handlebars: 'handlebars/runtime' },
  metafile: true,
  // For test/bundle.test.ts, which maps the functions a run called back to their sources; not published.
  sourcemap: 'external',
});
// A run trusts the code cache only for the bundle it was made from: the launcher carries the bundle's hash.
const bundleId = createHash('sha256').update(readFileSync(BUNDLE)).digest('hex').slice(0, 16);
await build({
  entryPoints: ['src/start.cts'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  define: { BUNDLE_ID: JSON.stringify(bundleId) },
  logLevel: 'warning',
});
mkdirSync(CACHE, { recursive: true });
renameSync(`${BUNDLE}.map`, path.join(CACHE, 'stagecraft.cjs.map'));
writeLicenses(result.metafile);

/** What each file of the bundle is made of, bytes per input file, for test/bundle.test.ts (every byte is parsed on every start). */
const BUNDLE_INPUTS = path.join(CACHE, 'bundle-inputs.json');
const inputs = Object.fromEntries(
  Object.entries(result.metafile.outputs).map(([output, { inputs: parts }]) => [
    output,
    Object.fromEntries(Object.entries(parts).map(([file, { bytesInOutput }]) => [file, bytesInOutput])),
  ]),
);
writeFileSync(BUNDLE_INPUTS, `${JSON.stringify(inputs, null, 1)}\n`);
