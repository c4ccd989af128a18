export interface Choice<T extends string> {
  value: T;
  label: string;
  hint?: string;
  /** Shown but not selectable (a base this project refuses); the hint says why. */
  disabled?: boolean;
}

/** The questions stagecraft can ask; clack draws them, tests and non-TTY runs never reach here. */
export interface Prompter {
  select<T extends string>(message: string, choices: Choice<T>[], initial?: T): Promise<T>;
  text(message: string, options: { initial: string; validate: (value: string) => string | undefined }): Promise<string>;
  confirm(message: string, initial: boolean): Promise<boolean>;
  /** Several of the choices (at least one); `initial`: the ones preselected. */
  multiselect<T extends string>(message: string, choices: Choice<T>[], initial: T[]): Promise<T[]>;
}
