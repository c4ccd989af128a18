import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadPatternOf } from '../src/build/network.js';
import type { ImageProfileRule } from '../src/core/language.js';
import { imageProfilesOf, profileOf } from '../src/explain/images.js';
import { LANGUAGE_NAMES, LANGUAGES } from '../src/languages/registry.js';
import { ROOT } from './helpers.js';

/** A language stagecraft does not have, to show the shared lists come from whatever records they are given. */
const zig = {
  imageProfiles: [{ image: /^zig-runtime:/, profile: { sizeMB: 40, libc: 'musl', shell: 'busybox sh' } }] satisfies ImageProfileRule[],
  downloadCommands: ['zig (fetch|build)'],
};

describe('the registry is the only list of languages', () => {
  it("every record's image profiles are among the shared ones, and profile its images", () => {
    const profiles = imageProfilesOf(LANGUAGES);
    for (const record of LANGUAGES) {
      for (const rule of record.imageProfiles) expect(profiles).toContain(rule);
    }
    expect(profileOf('node:24-bookworm-slim')).toEqual({ sizeMB: 220, libc: 'glibc', shell: 'bash' });
  });

  it("every record's download commands are in the build-network pattern", () => {
    const pattern = downloadPatternOf(LANGUAGES).source;
    for (const record of LANGUAGES) {
      for (const command of record.downloadCommands) expect(pattern).toContain(command);
    }
  });

  it('a record added to the list reaches the image profiles and the network pattern, with nothing else to edit', () => {
    expect(imageProfilesOf([...LANGUAGES, zig])).toContain(zig.imageProfiles[0]);
    expect(downloadPatternOf(LANGUAGES).test('RUN zig fetch')).toBe(false);
    expect(downloadPatternOf([...LANGUAGES, zig]).test('RUN zig fetch')).toBe(true);
    // The shared images and commands stay whatever the languages are.
    expect(imageProfilesOf([]).map((rule) => rule.image.source)).toContain('^scratch$');
    expect(downloadPatternOf([]).test('RUN apt-get update')).toBe(true);
  });
});

describe('no code outside src/languages/ names a language', () => {
  const sources = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return rel === 'src/languages' ? [] : sources(rel);
      return rel.endsWith('.ts') ? [rel] : [];
    });
  const names = new RegExp(`\\b(${LANGUAGE_NAMES.join('|')})\\b`, 'i');
  const code = (text: string) =>
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1')
      // Node's built-in modules and the shebang name the platform stagecraft runs on, not a language it supports.
      .replace(/'node:[\w/]+'|^#!.*$/gm, '');
  const naming = sources('src').filter((file) => names.test(code(readFileSync(path.join(ROOT, file), 'utf8'))));

  it('no file does (src/languages/registry.ts lists the records by their folders only)', () => {
    expect(naming).toEqual([]);
  });

  it('the scan sees a language named in code, and not one named in a comment', () => {
    expect(names.test(code("const image = 'python:3.13-slim';"))).toBe(true);
    expect(names.test(code('// a python app\n/* or a Rust one */\nconst x = 1;'))).toBe(false);
    expect(names.test(code("import path from 'node:path';"))).toBe(false);
  });
});
