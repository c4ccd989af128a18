import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ROOT } from './helpers.js';

/*
 * What a start parses is start-up time (npm test builds dist/ first; scripts/build.mjs lists each
 * output file's inputs): these keep out what a run never uses.
 */
const outputs: Record<string, Record<string, number>> = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/.cache/stagecraft/bundle-inputs.json'), 'utf8'));
const everyInput = Object.values(outputs).flatMap((inputs) => Object.keys(inputs));
/** The files a plain run loads: the launcher and what it imports before main() returns. */
const startFiles = Object.keys(outputs).filter((output) => /^dist\/(cli|main-[A-Z0-9]+|chunk-[A-Z0-9]+|errors-[A-Z0-9]+)\.js$/.test(output));

describe('the bundle', () => {
  it("carries Handlebars' runtime only: every template is precompiled, so its compiler would be dead weight", () => {
    expect(everyInput.filter((file) => /handlebars\/dist\/cjs\/handlebars\/compiler\//.test(file))).toEqual([]);
    expect(everyInput.filter((file) => /node_modules\/source-map\//.test(file))).toEqual([]);
  });

  it("carries no zod locale but English (importing zod's namespace object would pull in all of them)", () => {
    expect(everyInput.filter((file) => /zod\/v4\/locales\/(?!en\.js$)/.test(file))).toEqual([]);
  });

  it('loads execa only for --build: a run that writes files does not parse it', () => {
    expect(startFiles).toContain('dist/cli.js');
    expect(startFiles.flatMap((output) => Object.keys(outputs[output]!)).filter((file) => /node_modules\/execa\//.test(file))).toEqual([]);
    expect(everyInput.some((file) => /node_modules\/execa\//.test(file))).toBe(true);
  });
});

/**
 * The bundle's files a real run of dist/cli.js loads, found by a module hook that logs each file
 * URL Node resolves, and the inputs (source files, packages, template folders) they are made of.
 */
function inputsLoadedBy(args: string[]): string[] {
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'stagecraft-loaded-')), 'urls.txt');
  const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  execFileSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, path.join(ROOT, 'dist/cli.js'), ...args], { stdio: 'ignore' });
  const files = new Set(
    readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((url) => `dist/${path.basename(new URL(url).pathname)}`),
  );
  return [...files].flatMap((file) => Object.keys(outputs[file] ?? {}));
}

describe('a run loads what it uses (issue 21: start-up)', () => {
  // A language's record (index.ts: its markers, flags, help) is in every run; its detector and planner are what it loads.
  const languageCode = (inputs: string[]) => [...new Set(inputs.flatMap((file) => /^src\/languages\/([^/]+)\/(detect|plan)\.ts$/.exec(file)?.[1] ?? []))].sort();
  const templateFolders = (inputs: string[]) => inputs.filter((file) => file.startsWith('templates-folder:')).sort();

  it("--yes --stdout on a Go project loads Go's detector, planner and templates, no other language's, and no prompt library", () => {
    const inputs = inputsLoadedBy([fixture('go-root-main'), '--yes', '--stdout']);
    expect(languageCode(inputs)).toEqual(['go']);
    expect(templateFolders(inputs)).toEqual(['templates-folder:go']);
    expect(inputs.filter((file) => /node_modules\/(@clack|yaml|json5|fast-xml-parser)\//.test(file))).toEqual([]);
  });

  it("--yes --stdout on a Node project loads Node's code and its YAML and JSON5 parsers, and no other language's", () => {
    const inputs = inputsLoadedBy([fixture('node-express'), '--yes', '--stdout']);
    expect(languageCode(inputs)).toEqual(['node']);
    expect(templateFolders(inputs)).toEqual(['templates-folder:node']);
    expect(inputs.some((file) => file.startsWith('node_modules/yaml/'))).toBe(true);
    expect(inputs.filter((file) => /node_modules\/(@clack|fast-xml-parser)\//.test(file))).toEqual([]);
  });
});
