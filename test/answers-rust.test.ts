import { describe, expect, it } from 'vitest';
import { equivalentCommand, resolveAnswers } from '../src/cli/answers.js';
import type { Choice, Prompter } from '../src/core/prompter.js';
import { detectProject } from '../src/pipeline/detect.js';
import { ProjectFiles } from '../src/project.js';
import { fixture, flagsFrom } from './helpers.js';

/** A prompter that records every question and answers from a script, as a user at a terminal would. */
function scripted(answers: Record<string, string>) {
  const asked: { message: string; choices?: string[]; hints?: (string | undefined)[]; initial?: string }[] = [];
  const answerFor = (message: string) => {
    const key = Object.keys(answers).find((start) => message.startsWith(start));
    if (key === undefined) throw new Error(`unexpected question: ${message}`);
    return answers[key]!;
  };
  const prompter: Prompter = {
    select: async <T extends string>(message: string, choices: Choice<T>[], initial?: T) => {
      asked.push({ message, choices: choices.map((choice) => choice.value), hints: choices.map((choice) => choice.hint), initial });
      return answerFor(message) as T;
    },
    text: async (message, { initial, validate }) => {
      asked.push({ message, initial });
      const answer = answerFor(message);
      expect(validate(answer)).toBeUndefined();
      return answer;
    },
    confirm: async () => {
      throw new Error('no confirmation expected');
    },
    multiselect: () => Promise.reject(new Error('no workspace here')),
  };
  return { prompter, asked };
}

const flagsFor = (dir: string) => flagsFrom([dir]);

describe('Rust questions in a terminal', () => {
  it('several binaries: asks which one, with where each was found; the one-line command repeats the choice', async () => {
    const dir = fixture('rust-multi-bin');
    const { facts } = await detectProject(new ProjectFiles(dir));
    const { prompter, asked } = scripted({ 'Several binaries': 'worker', 'No rust-toolchain.toml': '1.94', 'Final base': 'scratch', Debugging: 'none' });
    const answers = await resolveAnswers({ facts, flags: flagsFor(dir), interactive: true, prompter });
    expect(answers).toEqual({ entry: 'worker', runtimeVersion: '1.94', base: 'scratch', debug: 'none', port: 7878 });
    expect(asked[0]).toMatchObject({
      message: 'Several binaries: which one goes in the image?',
      choices: ['api', 'migrate', 'worker'],
      hints: ['toolbox, Cargo.toml:7', 'toolbox, Cargo.toml:11', 'toolbox, src/bin/worker.rs'],
    });
    // The base first: the version question can then refuse what the chosen base cannot run.
    expect(asked[1]).toMatchObject({ message: 'Final base image?' });
    expect(asked[2]).toMatchObject({
      message: 'No rust-toolchain.toml, rust-toolchain, mise.toml, .tool-versions or rust-version names a version. Which one builds and runs it?',
      initial: '1.95',
    });
    expect(equivalentCommand('svc', answers, facts)).toBe('npx create-stagecraft svc --yes --base scratch --debug none --port 7878 --runtime-version 1.94 --entry worker');
  });

  it('a rust-version is not asked again, nor the only binary', async () => {
    const dir = fixture('rust-msrv');
    const { facts } = await detectProject(new ProjectFiles(dir));
    const { prompter, asked } = scripted({ 'Final base': 'distroless', Debugging: 'stage' });
    const answers = await resolveAnswers({ facts, flags: flagsFor(dir), interactive: true, prompter });
    expect(answers).toEqual({ entry: 'msrv-tool', runtimeVersion: '1.95', base: 'distroless', debug: 'stage', port: null });
    expect(asked.map((question) => question.message)).toEqual(['Final base image?', 'Debugging?']);
  });
});
