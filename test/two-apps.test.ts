import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseCandidate } from '../src/cli/answers.js';
import type { Choice, Prompter } from '../src/core/prompter.js';
import { detectCandidates, detectProject } from '../src/pipeline/detect.js';
import { copyFixture, makeProject, runCli } from './helpers.js';

// A CommonJS module whose types declare an ES default export; require() gives the factory itself.
const createIgnore: typeof import('@balena/dockerignore').default = createRequire(import.meta.url)('@balena/dockerignore');

/*
 * Two apps in one folder (issue 17): a Vite frontend beside a FastAPI backend. The run says which
 * it builds and why, asks in a terminal, and leaves the other app's folder out of the context.
 */

const VITE_PACKAGE = JSON.stringify({ name: 'frontend', private: true, type: 'module', scripts: { dev: 'vite', build: 'vite build' }, devDependencies: { vite: '^6.0.5' } });
const FASTAPI = { 'main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n', 'requirements.txt': 'fastapi==0.115.6\nuvicorn==0.34.0\n' };

/** The fixture with the frontend's installed dependencies, which are never committed. */
function fastapiWithFrontend(): string {
  const dir = copyFixture('python-fastapi-with-frontend');
  mkdirSync(path.join(dir, 'frontend/node_modules/vite'), { recursive: true });
  writeFileSync(path.join(dir, 'frontend/node_modules/vite/package.json'), '{"name":"vite"}\n');
  return dir;
}

describe('an app in a folder beside the chosen one', () => {
  it('--yes says so, and the .dockerignore leaves its folder out, with why', async () => {
    const dir = fastapiWithFrontend();
    const { exitCode, stderr } = await runCli([dir, '--yes']);
    expect(exitCode).toBe(0);
    expect(stderr).toContain(
      'warning: frontend/ holds another app (frontend/package.json); generating for python (requirements.txt) and leaving frontend/ out of the build context (.dockerignore); run stagecraft in frontend/ for its own image',
    );
    const dockerignore = readFileSync(path.join(dir, '.dockerignore'), 'utf8');
    expect(dockerignore).toContain('\n# Other apps beside this one, each with its own manifest (and its own image): not part of this build.\n# frontend/package.json\nfrontend\n');
    // Docker's own matching: the frontend and its node_modules stay out, the backend goes in.
    const ignored = createIgnore().add(dockerignore.split('\n'));
    expect(['frontend/package.json', 'frontend/node_modules/vite/package.json', 'frontend/src/main.js'].filter((file) => !ignored.ignores(file))).toEqual([]);
    expect(['main.py', 'requirements.txt'].filter((file) => ignored.ignores(file))).toEqual([]);
  });

  it('only the languages’ manifests in direct folders count: dependency, hidden and deeper folders do not', async () => {
    const project = makeProject({
      ...FASTAPI,
      'node_modules/left-pad/package.json': '{}',
      '.github/package.json': '{}',
      'web/assets/package.json': VITE_PACKAGE,
      'tools/requirements.txt': 'ruff\n',
    });
    const detection = await detectProject(project);
    expect(detection.otherApps).toEqual([]);
    expect(detection.warnings).toEqual([]);
  });

  it('a frontend the build itself reads (Go embeds web/dist) stays in the context, and the warning says why', async () => {
    const GO_MOD = 'module example.com/site\n\ngo 1.24\n';
    const embedding = makeProject({
      'go.mod': GO_MOD,
      'main.go': 'package main\n\nimport "embed"\n\n//go:embed all:web/dist\nvar site embed.FS\n\nfunc main() {}\n',
      'web/package.json': VITE_PACKAGE,
    });
    const kept = await detectProject(embedding);
    expect(kept.otherApps).toEqual([]);
    expect(kept.warnings).toEqual(['web/ holds another app (web/package.json); generating for go (go.mod), whose build reads web/, so it stays in the build context']);
    const apart = await detectProject(makeProject({ 'go.mod': GO_MOD, 'main.go': 'package main\n\nfunc main() {}\n', 'web/package.json': VITE_PACKAGE }));
    expect(apart.otherApps).toEqual([{ folder: 'web', marker: 'web/package.json' }]);
  });
});

describe('two apps at the root', () => {
  const bothAtRoot = () => makeProject({ ...FASTAPI, 'package.json': VITE_PACKAGE, 'index.html': '<div id="app"></div>\n', 'node_modules/vite/package.json': '{"name":"vite"}\n' });

  it('--yes says which it chose, why, and how to choose the other', async () => {
    const { exitCode, stderr } = await runCli([bothAtRoot().root, '--yes', '--dry-run']);
    expect(exitCode).toBe(0);
    expect(stderr).toContain(
      'warning: package.json is also here, but node finds no app in it; generating for python (requirements.txt), the only app here: pass --lang node to build the other\n',
    );
  });

  it.each([[[]], [['--lang', 'python']]])('%j: the other app’s node_modules stays out of the context', async (args) => {
    const { root } = bothAtRoot();
    const { exitCode } = await runCli([root, '--yes', ...args]);
    expect(exitCode).toBe(0);
    const dockerignore = readFileSync(path.join(root, '.dockerignore'), 'utf8');
    expect(dockerignore).toContain('\n# package.json\nnode_modules\n');
    const ignored = createIgnore().add(dockerignore.split('\n'));
    expect(ignored.ignores('node_modules/vite/package.json')).toBe(true);
    expect(ignored.ignores('main.py')).toBe(false);
  });

  it('a terminal asks which one to build, the only app preselected, and builds the answer', async () => {
    const asked: { message: string; choices: Choice<string>[]; initial?: string }[] = [];
    const prompter: Prompter = {
      select: <T extends string>(message: string, choices: Choice<T>[], initial?: T) => {
        asked.push({ message, choices, initial });
        return Promise.resolve('node' as T);
      },
      text: () => Promise.reject(new Error('not asked here')),
      confirm: () => Promise.reject(new Error('not asked here')),
      multiselect: () => Promise.reject(new Error('no workspace here')),
    };
    const { chosen, warnings } = await chooseCandidate({ candidates: await detectCandidates(bothAtRoot()), interactive: true, prompter });
    expect(asked).toEqual([
      {
        message: 'Several projects here. Which one should the image build?',
        choices: [
          { value: 'node', label: 'node    package.json', hint: 'no app found in it' },
          { value: 'python', label: 'python  requirements.txt' },
        ],
        initial: 'python',
      },
    ]);
    expect(chosen.language).toBe('node');
    expect(warnings).toEqual([]);
  });

  it('--lang answers the question: nothing is asked', async () => {
    const prompter: Prompter = {
      select: () => Promise.reject(new Error('asked although --lang chose')),
      text: () => Promise.reject(new Error('not asked here')),
      confirm: () => Promise.reject(new Error('not asked here')),
      multiselect: () => Promise.reject(new Error('no workspace here')),
    };
    const { chosen } = await chooseCandidate({ candidates: await detectCandidates(bothAtRoot(), 'node'), interactive: true, prompter });
    expect(chosen.language).toBe('node');
  });
});
