import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../src/cli/answers.js';
import type { Choice, Prompter } from '../src/core/prompter.js';
import { detectProject } from '../src/pipeline/detect.js';
import { ProjectFiles } from '../src/project.js';
import { buildPlan } from '../src/pipeline/plan.js';
import { AMBIGUOUS_GO, fixture, flagsFrom, makeProject, runCli } from './helpers.js';

/*
 * The default base is the most preferred one that accepts the project: --yes never refuses a base it
 * chose itself, and the prompt preselects a base that works and shows the refused ones disabled.
 */

describe('--yes on a project distroless cannot take', () => {
  it.each([
    ['java-plain-maven', '11', 'distroless publishes Java images for 17, 21, 25 only, and this is Java 11'],
    ['node-express', '23', 'distroless publishes Node images for maintained LTS (even) majors only (22, 24, 26 on Debian 13), and this is Node 23'],
  ])('%s on version %s falls back to slim, saying why in one line', async (name, version, reason) => {
    const { exitCode, stdout, stderr } = await runCli([fixture(name), '--yes', '--runtime-version', version, '--stdout']);
    expect(exitCode).toBe(0);
    expect(stderr).toContain(`warning: distroless cannot take this project (${reason}; `);
    expect(stderr).toContain('using slim, the nearest base that can (--base chooses another)');
    expect(stdout).not.toContain('gcr.io/distroless');
  });

  it('an explicit --base distroless is still refused with its reason', async () => {
    const { exitCode, stderr } = await runCli([fixture('java-plain-maven'), '--yes', '--runtime-version', '11', '--base', 'distroless']);
    expect(exitCode).toBe(3);
    expect(stderr).toContain('distroless publishes Java images for 17, 21, 25 only');
  });

  it('a project distroless accepts keeps distroless, with no warning about it', async () => {
    const { exitCode, stdout, stderr } = await runCli([fixture('go-root-main'), '--yes', '--stdout']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('gcr.io/distroless/');
    expect(stderr).not.toContain('cannot take this project');
  });
});

describe('the base prompt', () => {
  it('preselects a base that works and shows the refused ones disabled, with the reason', async () => {
    const asked: { choices: Choice<string>[]; initial?: string }[] = [];
    const prompter: Prompter = {
      select: async (message, choices, initial) => {
        if (message === 'Final base image?') asked.push({ choices, initial });
        return (initial ?? choices.find((choice) => !choice.disabled)!.value) as never;
      },
      text: async (_message, { initial }) => initial,
      confirm: async (_message, initial) => initial,
      multiselect: () => Promise.reject(new Error('no workspace here')),
    };
    const flags = flagsFrom([fixture('java-plain-maven'), '--runtime-version', '11']);
    const { facts } = await detectProject(new ProjectFiles(flags.dir));
    const answers = await resolveAnswers({ facts, flags, interactive: true, prompter });
    expect(asked).toHaveLength(1);
    const [{ choices, initial }] = asked as [{ choices: Choice<string>[]; initial?: string }];
    expect(initial).toBe('slim');
    const distroless = choices.find((choice) => choice.value === 'distroless')!;
    expect(distroless.disabled).toBe(true);
    expect(distroless.hint).toContain('distroless publishes Java images for 17, 21, 25 only');
    expect(choices.find((choice) => choice.value === 'slim')!.disabled).toBeUndefined();
    expect(answers.base).toBe('slim');
  });
});

describe('a project every base refuses', () => {
  it('is not offered a base prompt with nothing to pick: the run stops with the reason (a static site)', async () => {
    const asked: string[] = [];
    const prompter: Prompter = {
      select: async (message, choices, initial) => (asked.push(message), (initial ?? choices[0]!.value) as never),
      text: async (message, { initial }) => (asked.push(message), initial),
      confirm: async (message, initial) => (asked.push(message), initial),
      multiselect: () => Promise.reject(new Error('no workspace here')),
    };
    const dir = makeProject({ 'package.json': '{"dependencies":{"astro":"^5"},"scripts":{"build":"astro build"}}' }).root;
    const { facts } = await detectProject(new ProjectFiles(dir));
    const answers = await resolveAnswers({ facts, flags: flagsFrom([dir]), interactive: true, prompter });
    expect(asked).not.toContain('Final base image?');
    expect(() => buildPlan(facts, answers, '0.0.0')).toThrow(/^this is a static site/);
  });
});

describe('--json when the run stops', () => {
  it('a missing answer still prints the facts, the answers so far and what is missing', async () => {
    const { exitCode, stdout, stderr } = await runCli([AMBIGUOUS_GO().root, '--yes', '--json']);
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/^stagecraft: missing --entry: detection cannot decide it \(main packages: /);
    const printed = JSON.parse(stdout);
    expect(printed.facts.language).toBe('go');
    expect(printed.missing).toEqual(['--entry']);
    expect(printed.plan).toBeNull();
    expect(printed.error.exitCode).toBe(1);
  });

  it('a refused combination prints the facts and every answer, nothing missing', async () => {
    const { exitCode, stdout } = await runCli([fixture('java-plain-maven'), '--yes', '--json', '--runtime-version', '11', '--base', 'distroless']);
    expect(exitCode).toBe(3);
    const printed = JSON.parse(stdout);
    expect(printed.facts.language).toBe('java');
    expect(printed.answers.base).toBe('distroless');
    expect(printed.missing).toEqual([]);
    expect(printed.error.message).toContain('distroless publishes Java images for 17, 21, 25 only');
  });
});
