import { describe, expect, it } from 'vitest';
import { equivalentCommand, resolveAnswers } from '../src/cli/answers.js';
import type { Choice, Prompter } from '../src/core/prompter.js';
import { detectProject } from '../src/pipeline/detect.js';
import { ProjectFiles } from '../src/project.js';
import { fixture, flagsFrom } from './helpers.js';

/** A prompter that answers from a script and records every question with its choices. */
function scripted(answers: Record<string, string>) {
  const asked: { message: string; choices?: string[]; initial?: string }[] = [];
  const answerFor = (message: string) => {
    const key = Object.keys(answers).find((fragment) => message.includes(fragment));
    if (key === undefined) throw new Error(`unexpected question: ${message}`);
    return answers[key]!;
  };
  const prompter: Prompter = {
    select: async <T extends string>(message: string, choices: Choice<T>[], initial?: T) => {
      asked.push({ message, choices: choices.map((choice) => choice.label), initial });
      return answerFor(message) as T;
    },
    text: async (message, { initial }) => {
      asked.push({ message, initial });
      return answerFor(message);
    },
    confirm: async () => true,
    multiselect: () => Promise.reject(new Error('no workspace here')),
  };
  return { prompter, asked };
}

const flagsFor = (name: string) => flagsFrom([fixture(name)]);

describe('Java questions in a terminal', () => {
  it('asks the module, the base, the runtime with its trade-off, debug and the port of a plain jar', async () => {
    const flags = flagsFor('java-multimodule');
    const { facts } = await detectProject(new ProjectFiles(flags.dir));
    const { prompter, asked } = scripted({ 'which one goes in the image': 'worker', 'Final base': 'slim', 'Java runtime': 'jre', Debugging: 'none', 'Which port': 'none' });
    const answers = await resolveAnswers({ facts, flags, interactive: true, prompter });
    expect(answers).toEqual({ entry: 'worker', runtimeVersion: '17', base: 'slim', javaRuntime: 'jre', debug: 'none', port: null });
    const runtimeQuestion = asked.find((question) => question.message.startsWith('Java runtime'))!;
    expect(runtimeQuestion.initial).toBe('jlink');
    expect(runtimeQuestion.choices).toEqual([
      expect.stringMatching(/^jlink +a runtime of only the JDK modules jdeps finds in the app: much smaller/),
      expect.stringMatching(/^jre +the full Temurin JRE/),
    ]);
    expect(equivalentCommand('shop', answers, facts)).toBe('npx create-stagecraft shop --yes --base slim --debug none --port none --entry worker --java-runtime jre');
  });

  it('distroless brings its own JRE: no runtime question; Spring Boot says its port, so none is asked', async () => {
    const flags = flagsFor('java-spring-maven');
    const { facts } = await detectProject(new ProjectFiles(flags.dir));
    const { prompter, asked } = scripted({ 'Final base': 'distroless', Debugging: 'stage' });
    const answers = await resolveAnswers({ facts, flags, interactive: true, prompter });
    expect(answers).toEqual({ entry: '.', runtimeVersion: '21', base: 'distroless', debug: 'stage', port: 8081 });
    expect(asked.map((question) => question.message)).toEqual(['Final base image?', 'Debugging?']);
  });
});
