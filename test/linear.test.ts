import { describe, expect, it } from 'vitest';
import { detectProject } from '../src/pipeline/detect.js';
import { makeProject } from './helpers.js';

/*
 * Detection reads files it did not write, so each scan must stay linear in the file's size: a pattern
 * such as `^\s*` (which spans newlines) or a line count from the start for every match made a file of
 * 20,000 comment lines take half a minute. Each case times detection at n and 4n and asserts that
 * the time grows at most about twice as fast as the input (under 8 times for 4 times the lines): a
 * ratio, not absolute seconds, so a slow or busy machine does not fail it, and a quadratic scan
 * (16 times) does.
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
  { name: 'an app.py of n blank lines', files: (n) => ({ 'requirements.txt': 'flask==3.1.0\n', 'app.py': `from flask import Flask\n${'\n'.repeat(n)}app = Flask(__name__)\n` }) },
];

/** The fastest of a few detections of the project: the least disturbed by the machine's other work. */
function detectionMs(files: Record<string, string>): number {
  const project = makeProject(files);
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    detectProject(project);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const N = 2_500;

describe('detection is linear in the size of a file', () => {
  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s: four times the lines take well under sixteen times as long',
    (_name, testCase) => {
      detectionMs(testCase.files(100)); // warm up the code paths
      const single = detectionMs(testCase.files(N));
      const quadruple = detectionMs(testCase.files(4 * N));
      // Linear is 4, quadratic 16; the margin and the few milliseconds absorb a busy machine's noise.
      expect(quadruple, `${single.toFixed(1)} ms at n=${N}, ${quadruple.toFixed(1)} ms at 4n`).toBeLessThan(8 * single + 20);
    },
    120_000,
  );
});
