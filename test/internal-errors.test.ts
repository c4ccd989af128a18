import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Prompter } from '../src/core/prompter.js';
import { main } from '../src/main.js';
import { fixture } from './helpers.js';

/*
 * A bug in stagecraft (here: a prompt that throws a plain Error) is exit 70 with one line and a
 * hint, and shows its stack only with --verbose or DEBUG; the user's mistakes never show one.
 */

function captured() {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    }),
    { isTTY: true },
  );
  return { stream, text: () => text };
}

const brokenPrompter: Prompter = {
  select: () => Promise.reject(new Error('boom in a prompt')),
  text: () => Promise.reject(new Error('boom in a prompt')),
  confirm: () => Promise.reject(new Error('boom in a prompt')),
  multiselect: () => Promise.reject(new Error('boom in a prompt')),
};

async function run(argv: string[]) {
  const stdout = captured();
  const stderr = captured();
  const exitCode = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, stdinIsTTY: true, prompter: brokenPrompter, env: {} });
  return { exitCode, stderr: stderr.text() };
}

describe("stack traces only for stagecraft's own bugs, and only when asked for", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('an internal error is exit 70, one line and a hint, no stack', async () => {
    // The prompts draw on the real terminal streams; keep the test output clean.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const { exitCode, stderr } = await run([fixture('go-root-main')]);
    expect(exitCode).toBe(70);
    expect(stderr.trim().split('\n')).toEqual(['stagecraft: unexpected error: boom in a prompt', 'run again with --verbose for details']);
  });

  it.each([
    ['--verbose', [] as string[], ['--verbose']],
    ['DEBUG=1', ['DEBUG'], []],
  ])('with %s the stack is shown', async (_name, env, flags) => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    for (const name of env) vi.stubEnv(name, '1');
    const { exitCode, stderr } = await run([fixture('go-root-main'), ...flags]);
    expect(exitCode).toBe(70);
    expect(stderr).toMatch(/^stagecraft: unexpected error: boom in a prompt\nError: boom in a prompt\n\s+at /);
  });

  it('a user error stays one line even with --verbose', async () => {
    const { exitCode, stderr } = await run([fixture('go-malformed'), '--verbose', '--yes']);
    expect(exitCode).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
