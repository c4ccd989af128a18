import type { Prompter } from '../answers/prompter.js';
import type { Fact } from './facts.js';
import type { Answers, BuildTool, JavaRuntime } from './options.js';
import type { ProjectFiles } from '../project.js';

/** A plan and the warnings the user sees beside it. */
export interface Planned<P> {
  plan: P;
  warnings: string[];
}

/** What a user gets from a final base image: for explain and the base prompt. */
export interface ImageProfile {
  /** Approximate size before the app is added, in MB. */
  sizeMB: number;
  libc: 'glibc' | 'musl' | 'none';
  shell: string;
}

/** The profile of the images whose reference matches. */
export interface ImageProfileRule {
  image: RegExp;
  profile: ImageProfile;
}

/** What every language's facts have in common. */
export interface CommonFacts {
  /** The language's name, the same as its registry record's `language`. */
  language: string;
  /** The language version the image builds and runs with; evidence null means a default. */
  runtimeVersion: Fact<string>;
}

/**
 * Everything stagecraft knows about one language, in one place: how to detect it, the rules of
 * its answers (entry, version, port) and how to plan its image. The CLI's steps stay generic.
 */
export interface LanguageSupport<F extends CommonFacts, P extends { language: F['language'] }> {
  language: F['language'];
  /** Root files that identify the language's projects, the first one named in messages. */
  markers: readonly string[];
  detect(project: ProjectFiles): F;
  /**
   * Whether the detected project is an app of its own. False for a manifest that only serves
   * another language's app (a package.json for front-end assets), used when several languages share a folder.
   */
  isApp(facts: F): boolean;
  runtimeVersion: {
    /** What a valid version looks like, said in the error and the prompt: "a Go release such as 1.23". */
    example: string;
    /** Where detection looks for it, said when it found nothing: "go.mod". */
    source: string;
    /** Normalizes a --runtime-version value ("1.23.4" -> "1.23"); null when it is not valid. */
    normalize(raw: string): string | null;
  };
  entry: {
    /** True when detection could not decide what the image runs. `answers`: those resolved so far (Java's build tool). */
    asks(facts: F, answers: Partial<Answers>): boolean;
    /** Validates --entry against the project; throws a usage error naming the choices. */
    fromFlag(facts: F, raw: string, answers: Partial<Answers>): string;
    /** The detected entry (null: the detected start command stands); undefined when unknown. */
    fallback(facts: F, answers: Partial<Answers>): { value: string | null } | undefined;
    prompt(facts: F, prompter: Prompter, answers: Partial<Answers>): Promise<string>;
    /** What to choose from, said when --entry is missing in a non-interactive run: "main packages: ./cmd/a, ./cmd/b". */
    candidates(facts: F, answers: Partial<Answers>): string | null;
    /** Whether the one-line equivalent command must repeat --entry for this answer. */
    inCommand(facts: F, entry: string): boolean;
  };
  port: {
    /** True when the project does not say its port (or whether it listens at all). */
    asks(facts: F, answers: Partial<Answers>): boolean;
    /** The detected port or the language's usual one; null for a program that does not listen. */
    fallback(facts: F, answers: Partial<Answers>): number | null;
  };
  /** Java: which build when the project has both Maven and Gradle files. Absent: the question never applies. */
  buildTool?: LanguageChoice<F, BuildTool>;
  /** Java: the runtime slim and alpine images ship. Absent: the question never applies. */
  javaRuntime?: LanguageChoice<F, JavaRuntime>;
  plan(facts: F, answers: Answers, generatorVersion: string): Planned<P>;
  /** The language's own final images (its runtime on slim, alpine, distroless), more specific patterns first. */
  imageProfiles: readonly ImageProfileRule[];
  /**
   * Regular-expression sources for the language's build commands that download dependencies
   * ("npm (ci|install)"): a build whose steps run none of them gets no network.
   */
  downloadCommands: readonly string[];
}

/** A question only some languages ask, with its own flag. */
export interface LanguageChoice<F, V extends string> {
  /** False when the question does not apply to this project and these answers (its answer stays undefined). */
  applies(facts: F, answers: Partial<Answers>): boolean;
  /** True when detection leaves it open; otherwise the fallback is used without asking. */
  asks(facts: F, answers: Partial<Answers>): boolean;
  /** The detected or recommended answer; undefined when nothing decides it. */
  fallback(facts: F, answers: Partial<Answers>): V | undefined;
  prompt(facts: F, prompter: Prompter, answers: Partial<Answers>): Promise<V>;
  /** Checks a flag's value against the project; throws a usage error naming the choices. */
  fromFlag(facts: F, value: V): V;
  /** What to choose from, said when the flag is missing in a non-interactive run. */
  candidates(facts: F): string;
}

/**
 * A language's record, the one thing the registry lists. The identity function lets TypeScript
 * check the record against its own facts and plan types, with no cast.
 */
export const defineLanguage = <F extends CommonFacts, P extends { language: F['language'] }>(support: LanguageSupport<F, P>) => support;
