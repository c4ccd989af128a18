import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

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
