import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

/*
 * Every byte of dist/cli.js is parsed on every start (npm test builds it first), so what the bundle
 * carries is start-up time: these keep out what a run never uses.
 */
const inputs: Record<string, number> = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/.cache/stagecraft/bundle-inputs.json'), 'utf8'));
const files = Object.keys(inputs);

describe('the bundle', () => {
  it("carries Handlebars' runtime only: every template is precompiled, so its compiler would be dead weight", () => {
    expect(files.filter((file) => /handlebars\/dist\/cjs\/handlebars\/compiler\//.test(file))).toEqual([]);
    expect(files.filter((file) => /node_modules\/source-map\//.test(file))).toEqual([]);
  });

  it("carries no zod locale but English (importing zod's namespace object would pull in all of them)", () => {
    expect(files.filter((file) => /zod\/v4\/locales\/(?!en\.js$)/.test(file))).toEqual([]);
  });
});
