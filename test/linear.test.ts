import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from './helpers.js';

/*
 * Detection reads files it did not write, so each scan must stay linear in the file's size: a pattern
 * such as `^\s*` (which spans newlines) or a line count from the start for every match made a file of
 * 20,000 comment lines take half a minute. Each case times the real CLI at n and 4n lines and
 * asserts that the time grows less than three times: a ratio, not absolute seconds, so a slow or
 * busy machine does not fail it, while a quadratic scan (16 times, minutes at these sizes) does.
 */

const GO_MOD = 'module example.com/app\n\ngo 1.23\n';
const GRADLE_SETTINGS = 'rootProject.name = "app"\n';
const JAVA_MAIN = 'package a;\npublic class Main { public static void main(String[] args) {} }\n';

const CASES: { name: string; files: (n: number) => Record<string, string> }[] = [
  { name: 'a Go file of n comment lines', files: (n) => ({ 'go.mod': GO_MOD, 'main.go': `package main\n${'// a comment line\n'.repeat(n)}func main() {}\n` }) },
  { name: 'a Go block comment of n lines', files: (n) => ({ 'go.mod': GO_MOD, 'main.go': `/*\n${'a comment line\n'.repeat(n)}*/\npackage main\n\nfunc main() {}\n` }) },
  {
    name: 'a Go file of n ":NNNN" literals',
    files: (n) => ({
      'go.mod': GO_MOD,
      'main.go': `package main\n\nvar ports = []string{\n${Array.from({ length: n }, (_, i) => `\t":${8000 + (i % 1000)}",\n`).join('')}}\n\nfunc main() {}\n`,
    }),
  },
  {
    name: 'a build.gradle.kts of n blank lines',
    files: (n) => ({
      'settings.gradle.kts': GRADLE_SETTINGS,
      'build.gradle.kts': `plugins {\n    application\n}\n${'\n'.repeat(n)}application {\n    mainClass.set("a.Main")\n}\n`,
      'src/main/java/a/Main.java': JAVA_MAIN,
    }),
  },
  {
    name: 'a poetry.lock line of n "a-" runs (no .whl after them)',
    files: (n) => ({
      'pyproject.toml': '[tool.poetry]\nname = "w"\npackage-mode = false\n\n[tool.poetry.dependencies]\npython = "^3.11"\n',
      'poetry.lock': `[[package]]\nname = "x"\nversion = "1"\nfiles = [\n    {file = "${'a-'.repeat(n)}.whl a-${'a-'.repeat(n)}"},\n]\n`,
      'main.py': 'print(1)\n',
    }),
  },
  { name: 'an app.py of n blank lines', files: (n) => ({ 'requirements.txt': 'flask==3.1.0\n', 'app.py': `from flask import Flask\n${'\n'.repeat(n)}app = Flask(__name__)\n` }) },
];

/** The time the real CLI takes on the project, start-up included. */
async function cliMs(files: Record<string, string>): Promise<number> {
  const dir = makeProject(files).root;
  const started = performance.now();
  const { exitCode, stderr } = await runCli([dir, '--yes', '--stdout', '--base', 'slim'], { env: {} });
  expect(exitCode, stderr).toBe(0);
  return performance.now() - started;
}

const N = 10_000;

describe('detection is linear in the size of a file', () => {
  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s: four times the lines take well under sixteen times as long',
    async (_name, testCase) => {
      const single = await cliMs(testCase.files(N));
      const quadruple = await cliMs(testCase.files(4 * N));
      // Linear is at most 4 (less, as start-up is the same); quadratic is 16, and took minutes at these sizes.
      expect(quadruple, `${single.toFixed(0)} ms at n=${N}, ${quadruple.toFixed(0)} ms at 4n`).toBeLessThan(3 * single);
    },
    120_000,
  );
});
