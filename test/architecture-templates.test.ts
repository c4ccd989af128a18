import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

/*
 * The shape of templates/: shared partials know no language, a choice is a partial picked by name,
 * and OS packages are installed in one place.
 */

const LANGUAGE_WORDS = /\b(go|golang|rust|cargo|node|nodejs|npm|python|pip|java|maven|gradle)\b/i;

/** Every .hbs under a folder of templates/, by its path from templates/. */
function templatesUnder(folder: string): { file: string; text: string }[] {
  const dir = path.join(ROOT, 'templates', folder);
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hbs'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .map((file) => ({ file: path.relative(path.join(ROOT, 'templates'), file), text: readFileSync(file, 'utf8') }));
}

/** Source lines without `node:` imports, which name the platform, not a language stagecraft supports. */
const sourceOf = (file: string) => readFileSync(path.join(ROOT, file), 'utf8').replace(/'node:[a-z/]+'/g, '');

describe('templates', () => {
  it('shared partials name no language, in code or comments', () => {
    const naming = templatesUnder('partials').filter(({ text }) => LANGUAGE_WORDS.test(text));
    expect(naming.map(({ file, text }) => `${file}: ${LANGUAGE_WORDS.exec(text)![0]}`)).toEqual([]);
  });

  it('the final-image model, base image helpers and the renderer name no language', () => {
    const files = ['src/core/plan-schema.ts', 'src/core/images.ts', 'src/render/index.ts', 'src/render/precompiled.ts'];
    expect(files.filter((file) => LANGUAGE_WORDS.test(sourceOf(file)))).toEqual([]);
  });

  it('no template chooses with an eq ladder: a choice is a partial picked by name', () => {
    expect(
      templatesUnder('.')
        .filter(({ text }) => /\(eq\b/.test(text))
        .map(({ file }) => file),
    ).toEqual([]);
  });

  it('os-packages is the only place that installs OS packages', () => {
    const installing = templatesUnder('.').filter(({ text }) => /apt-get install|apk add/.test(text));
    expect(installing.map(({ file }) => file).sort()).toEqual(['partials/os-packages/apk.hbs', 'partials/os-packages/apt.hbs']);
  });
});
