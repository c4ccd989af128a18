import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { globMatcher } from '../src/core/glob.js';
import { imageNameFor } from '../src/core/image-name.js';
import { columnAt, lineAt, lineOf, stripComments } from '../src/core/text.js';
import { detectNode } from '../src/languages/node/detect.js';
import { detectRust } from '../src/languages/rust/detect.js';
import { ProjectFiles } from '../src/project.js';
import { makeProject } from './helpers.js';

describe('line numbers: one helper for every piece of evidence', () => {
  const text = 'first\nsecond\n\nfourth = 4\n';

  it('counts lines and columns from 1', () => {
    expect(lineAt(text, 0)).toBe(1);
    expect(lineAt(text, text.indexOf('second'))).toBe(2);
    expect(lineAt(text, text.indexOf('fourth'))).toBe(4);
    expect(columnAt(text, text.indexOf('= 4'))).toBe(8);
    expect(columnAt(text, 0)).toBe(1);
  });

  it('finds a literal needle and a pattern alike, and says undefined when absent', () => {
    expect(lineOf(text, 'fourth')).toBe(4);
    expect(lineOf(text, /^fourth\s*=/m)).toBe(4);
    // A literal needle is not a pattern: the dot and the star match only themselves.
    expect(lineOf('a.b\naxb', 'a.b')).toBe(1);
    expect(lineOf('axb\na*b', 'a*b')).toBe(2);
    expect(lineOf(text, 'fifth')).toBeUndefined();
    expect(lineOf(text, /^fifth/m)).toBeUndefined();
  });
});

describe('globs: one matcher, one meaning of the star', () => {
  it.each([
    ['packages/*', 'packages/api', true],
    ['packages/*', 'packages/api/inner', false],
    ['packages/*', 'packages', false],
    // A star may stand for nothing: pnpm and Cargo both take crates/api* to include crates/api.
    ['crates/api*', 'crates/api', true],
    ['crates/api*', 'crates/api-v2', true],
    ['crates/a?i', 'crates/api', true],
    ['crates/a?i', 'crates/a/i', false],
    ['apps/**', 'apps', true],
    ['apps/**', 'apps/web/admin', true],
    ['apps/**/api', 'apps/api', true],
    ['apps/**/api', 'apps/x/y/api', true],
    ['apps/**/api', 'apps/x/web', false],
    ['./tools/', 'tools', true],
    // Every other character is literal, never a regular expression.
    ['tools/a.b', 'tools/axb', false],
    ['tools/[ab]', 'tools/a', false],
    ['tools/[ab]', 'tools/[ab]', true],
  ])('%s against %s: %s', (glob, candidate, expected) => {
    expect(globMatcher(glob)(candidate)).toBe(expected);
  });

  it('pnpm workspaces and Cargo workspaces agree on the same glob', () => {
    const pnpm = makeProject({ 'pnpm-workspace.yaml': 'packages:\n  - "crates/api*"\n', 'package.json': '{}', 'crates/api/package.json': '{"name":"api"}' });
    expect(detectNode(new ProjectFiles(path.join(pnpm.root, 'crates', 'api'))).workspace?.memberPath).toBe('crates/api');
    const cargo = makeProject({
      'Cargo.toml': '[workspace]\nmembers = ["crates/api*"]\n',
      'crates/api/Cargo.toml': '[package]\nname = "api"\n',
      'crates/api/src/main.rs': 'fn main() {}\n',
    });
    expect(detectRust(cargo).workspaceMembers).toEqual(['crates/api']);
  });
});

describe('find-up: one walk above the project, through ProjectFiles', () => {
  const tree = makeProject({
    marker: '',
    'repo/.git/HEAD': '',
    'repo/mid/marker': '',
    'repo/mid/app/main.go': '',
    'repo/other/app/main.go': '',
  });
  const at = (...parts: string[]) => new ProjectFiles(path.join(tree.root, ...parts));
  const nearestMarker = (project: ProjectFiles) => project.findUp((folder) => (folder.hasFile('marker') ? folder.pathFrom(project) : null));

  it('answers with the nearest folder above that has what it looks for', () => {
    expect(nearestMarker(at('repo', 'mid', 'app'))).toBe('..');
  });

  it('stops at the repository root: a marker outside the repository is not found', () => {
    expect(nearestMarker(at('repo', 'other', 'app'))).toBeNull();
  });

  it('paths between folders have forward slashes', () => {
    expect(at('repo', 'mid', 'app').pathFrom(tree)).toBe('repo/mid/app');
    expect(tree.pathFrom(at('repo', 'mid', 'app'))).toBe('../../..');
  });
});

describe('image names: one sanitizer, lowercase as Docker requires', () => {
  it.each([
    ['MyTool', 'mytool'],
    ['My App', 'my-app'],
    ['web_app.v2', 'web_app.v2'],
    ['--odd name!!', 'odd-name'],
    ['app.', 'app'],
    ['???', 'app'],
  ])('%s -> %s', (name, image) => {
    expect(imageNameFor(name)).toBe(image);
  });
});

describe('comments blanked out of Go and Rust sources, literals kept', () => {
  it('a comment marker inside a string or char literal is part of it', () => {
    // actix/examples basics/todo: Tera::new("templates/**/*") once lost its folder to a "block comment".
    expect(stripComments('let t = Tera::new("templates/**/*"); // load\nlet u = "http://0.0.0.0:80";\n')).toBe(
      'let t = Tera::new("templates/**/*"); \nlet u = "http://0.0.0.0:80";\n',
    );
    expect(stripComments('let q = \'"\'; let s = "a\\"//b"; /* x\n y */ z')).toBe('let q = \'"\'; let s = "a\\"//b";     \n      z');
    expect(stripComments('var tag = `json:"a" // b`\n// c\n')).toBe('var tag = `json:"a" // b`\n\n');
  });
});
