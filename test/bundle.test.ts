import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, copyFixture, fixture, ROOT } from './helpers.js';

/*
 * The published bundle (npm test builds dist/ first; scripts/build.mjs lists its inputs and keeps
 * its source map under node_modules/.cache/stagecraft): what it carries, what a run of it runs, and
 * the code cache dist/cli.cjs keeps in the user's cache folder.
 */
const BUNDLE = path.join(ROOT, 'dist/stagecraft.cjs');
const outputs: Record<string, Record<string, number>> = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/.cache/stagecraft/bundle-inputs.json'), 'utf8'));
const everyInput = Object.values(outputs).flatMap((inputs) => Object.keys(inputs));
const scratch = (name: string) => mkdtempSync(path.join(tmpdir(), `stagecraft-${name}-`));

describe('the bundle', () => {
  it("carries Handlebars' runtime only: every template is precompiled, so its compiler would be dead weight", () => {
    expect(everyInput.filter((file) => /handlebars\/dist\/cjs\/handlebars\/compiler\//.test(file))).toEqual([]);
    expect(everyInput.filter((file) => /node_modules\/source-map\//.test(file))).toEqual([]);
  });

  it("carries no zod locale but English (importing zod's namespace object would pull in all of them)", () => {
    // The locales' index is in it by name only (esbuild's namespace object, a few bytes); no other locale's file is.
    expect(everyInput.filter((file) => /zod\/v4\/locales\/(?!(en|index)\.js$)/.test(file))).toEqual([]);
  });

  it('is ASCII, so the launcher reads it as latin1 without decoding UTF-8', () => {
    expect(readFileSync(BUNDLE).findIndex((byte) => byte > 0x7f)).toBe(-1);
  });
});

/**
 * The inputs (source files, packages, template folders) whose code a real run of the bundle ran: the
 * functions V8's coverage counted as called, mapped back through the bundle's source map.
 */
function inputsRunBy(args: string[]): string[] {
  const coverage = scratch('coverage');
  execFileSync(process.execPath, [CLI, ...args], { stdio: 'ignore', env: { ...process.env, NODE_V8_COVERAGE: coverage, XDG_CACHE_HOME: scratch('cache') } });
  const scripts = readdirSync(coverage).flatMap((file) => JSON.parse(readFileSync(path.join(coverage, file), 'utf8')).result as ScriptCoverage[]);
  const bundle = scripts.find((script) => script.url.endsWith('/dist/stagecraft.cjs'))!;
  const map = new SourceMap(JSON.parse(readFileSync(path.join(ROOT, 'node_modules/.cache/stagecraft/stagecraft.cjs.map'), 'utf8')));
  // The launcher wraps the bundle on its first line (the banner), so offsets from the second line on are the bundle's own.
  const source = readFileSync(BUNDLE, 'latin1');
  const wrapper = bundle.functions[0]!.ranges[0]!.endOffset - source.length - 3;
  const lineStarts = [0];
  for (let index = source.indexOf('\n'); index !== -1; index = source.indexOf('\n', index + 1)) lineStarts.push(index + 1);
  const inputs = new Set<string>();
  for (const { ranges } of bundle.functions) {
    const [{ startOffset, count }] = ranges as [Range];
    const offset = startOffset - wrapper;
    if (count === 0 || offset < lineStarts[1]!) continue;
    let line = 1;
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++;
    const { originalSource } = map.findEntry(line, offset - lineStarts[line]!) as { originalSource?: string };
    if (originalSource) inputs.add(originalSource.replace(/^(\.\.\/)+/, ''));
  }
  return [...inputs];
}
interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface ScriptCoverage {
  url: string;
  functions: { ranges: Range[] }[];
}

describe('a run runs what it uses (issue 21: start-up)', () => {
  // A language's record (index.ts: its markers, flags, help) is in every run; its detector and planner are what it loads.
  const languageCode = (inputs: string[]) => [...new Set(inputs.flatMap((file) => /^src\/languages\/([^/]+)\/(detect|plan)\.ts$/.exec(file)?.[1] ?? []))].sort();
  const templateFolders = (inputs: string[]) => inputs.filter((file) => file.startsWith('templates-folder:')).sort();

  it("--yes --stdout on a Go project runs Go's detector, planner and templates, no other language's, no prompt library and no execa", () => {
    const inputs = inputsRunBy([fixture('go-root-main'), '--yes', '--stdout']);
    expect(languageCode(inputs)).toEqual(['go']);
    expect(templateFolders(inputs)).toEqual(['templates-folder:go']);
    expect(inputs.filter((file) => /node_modules\/(@clack|yaml|json5|fast-xml-parser|execa)\//.test(file))).toEqual([]);
  });

  it("--yes --stdout on a Node project runs Node's code and its YAML parser, and no other language's", () => {
    const inputs = inputsRunBy([fixture('node-express'), '--yes', '--stdout']);
    expect(languageCode(inputs)).toEqual(['node']);
    expect(templateFolders(inputs)).toEqual(['templates-folder:node']);
    expect(inputs.some((file) => file.startsWith('node_modules/yaml/'))).toBe(true);
    expect(inputs.filter((file) => /node_modules\/(@clack|fast-xml-parser)\//.test(file))).toEqual([]);
  });
});

describe("the code cache (dist/cli.cjs): V8's compiled code kept in the user's cache folder", () => {
  const run = (args: string[], env: Record<string, string | undefined>) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  const caches = (cache: string) => readdirSync(path.join(cache, 'stagecraft')).filter((name) => name.endsWith('.v8cache'));

  it('is written under $XDG_CACHE_HOME/stagecraft, never in the project, and names the parts whose code it holds; a run of another language adds its own', () => {
    const cache = scratch('cache');
    const dir = copyFixture('go-root-main');
    const first = run([dir, '--yes'], { XDG_CACHE_HOME: cache });
    expect(first.status, first.stderr).toBe(0);
    expect(caches(cache)).toEqual([expect.stringMatching(/^[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+\.go\.v8cache$/)]);
    expect(readdirSync(dir).filter((name) => /cache/i.test(name))).toEqual([]);
    expect(run([fixture('node-express'), '--yes', '--stdout'], { XDG_CACHE_HOME: cache }).status).toBe(0);
    expect(caches(cache)).toEqual([expect.stringMatching(/\.go\.node\.v8cache$/)]);
  });

  it('a damaged cache is rejected, never run: the output is the same and the cache is written again', () => {
    const cache = scratch('cache');
    const args = [fixture('node-express'), '--yes', '--stdout'];
    const clean = run(args, { XDG_CACHE_HOME: cache });
    const [name] = caches(cache);
    const file = path.join(cache, 'stagecraft', name!);
    const damaged = readFileSync(file);
    // Bytes in the middle of the compiled code, past the header V8 checks without a checksum.
    for (let index = damaged.length >> 1; index < (damaged.length >> 1) + 64; index++) damaged[index] = damaged[index]! ^ 0x5a;
    writeFileSync(file, damaged);
    const again = run(args, { XDG_CACHE_HOME: cache });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe(clean.stdout);
    expect(readFileSync(file).equals(damaged)).toBe(false);
    writeFileSync(file, 'not a cache');
    expect(run(args, { XDG_CACHE_HOME: cache }).stdout).toBe(clean.stdout);
  });

  it('a cache folder that cannot be made or written costs only the compile; a relative XDG_CACHE_HOME (the project) is not used', () => {
    const args = [fixture('go-root-main'), '--yes', '--stdout'];
    const expected = run(args, { XDG_CACHE_HOME: scratch('cache') }).stdout;
    // /proc/x/y: a parent that exists and cannot hold folders (Node 20's recursive mkdirSync loops forever there).
    for (const XDG_CACHE_HOME of ['/proc/stagecraft-none', '/proc/stagecraft-none/deeper', '/dev/null']) {
      const result = run(args, { XDG_CACHE_HOME });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toBe(expected);
    }
    const project = copyFixture('go-root-main');
    const home = scratch('home');
    const relative = spawnSync(process.execPath, [CLI, '.', '--yes'], { cwd: project, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: 'cache', HOME: home } });
    expect(relative.status, relative.stderr).toBe(0);
    expect(readdirSync(project).filter((name) => /cache/i.test(name))).toEqual([]);
    expect(caches(path.join(home, '.cache'))).toHaveLength(1);
  });
});
