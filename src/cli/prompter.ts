import { clack } from './clack.js';
import { ExitCode, StagecraftError } from '../errors.js';
import type { Choice, Prompter } from '../core/prompter.js';

const cancelled = () => new StagecraftError('cancelled; nothing was written', ExitCode.cancelled);

function unlessCancelled<T>(value: T | symbol): Exclude<T, symbol> {
  if (clack().isCancel(value)) throw cancelled();
  return value as Exclude<T, symbol>;
}

export const clackPrompter: Prompter = {
  async select<T extends string>(message: string, choices: Choice<T>[], initial?: T): Promise<T> {
    // clack's option type is a conditional type that TypeScript cannot match to Choice<T>.
    const options = choices.map((choice) => ({ value: choice.value, label: choice.label, hint: choice.hint, disabled: choice.disabled })) as never;
    return unlessCancelled(await clack().select<T>({ message, options, initialValue: initial })) as T;
  },
  async text(message, { initial, validate }) {
    return unlessCancelled(await clack().text({ message, initialValue: initial, validate: (value) => validate(value ?? '') }));
  },
  async confirm(message, initial) {
    return unlessCancelled(await clack().confirm({ message, initialValue: initial }));
  },
  async multiselect<T extends string>(message: string, choices: Choice<T>[], initial: T[]): Promise<T[]> {
    const options = choices.map((choice) => ({ value: choice.value, label: choice.label, hint: choice.hint, disabled: choice.disabled })) as never;
    return unlessCancelled(await clack().multiselect<T>({ message, options, initialValues: initial, required: true }));
  },
};
