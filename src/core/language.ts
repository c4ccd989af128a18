import type { Prompter } from './prompter.js';
import type { Fact } from './facts.js';
import type { Answers, CommonAnswers, LanguageAnswers } from './options.js';
import type { ProjectFiles } from '../project.js';
import type { Workspace } from './workspace.js';

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
  /**
   * A folder of the language's sources inside a project whose manifest is in a folder above it (a
   * package of a Go module, whose go.mod is at the module's root): `sources`, the file endings that make
   * it one; `enclosing`, the manifests looked for above it, up to the repository's root. Consulted only
   * when no language's marker is in the folder, so a stray source file beside another language's manifest changes nothing.
   */
  memberOf?: { sources: readonly string[]; enclosing: readonly string[] };
  detect(project: ProjectFiles): F;
  /**
   * Whether the detected project is an app of its own. False for a manifest that only serves
   * another language's app (a package.json for front-end assets), used when several languages share a folder.
   */
  isApp(facts: F): boolean;
  /**
   * Folders only this language's tools make (node_modules): when its manifest sits at the root
   * beside the app another language builds, they are left out of that app's build context.
   */
  ownFolders?: readonly string[];
  /**
   * Folders the build reads although no COPY names them on their own (Go's `//go:embed web/dist`): an
   * app of another language in one of them stays in the build context.
   */
  foldersBuildReads?(facts: F): readonly string[];
  runtimeVersion: {
    /** What a valid version looks like, said in the error, the prompt and --help: "a release such as 1.23". */
    example: string;
    /** Where detection looks for it, said when it found nothing: a manifest's name. */
    source: string;
    /** Normalizes a --runtime-version value ("1.23.4" -> "1.23"); null when it is not valid. */
    normalize(raw: string): string | null;
  };
  entry: {
    /** What --entry names for this language, its line in --help: "the main package (./cmd/api)". */
    help: string;
    /** True when detection could not decide what the image runs. `answers`: those resolved so far (a build tool). */
    asks(facts: F, answers: Partial<Answers>): boolean;
    /** Validates --entry against the project; throws a usage error naming the choices. */
    fromFlag(facts: F, raw: string, answers: Partial<Answers>): string;
    /** The detected entry (null: the detected start command stands); undefined when unknown. */
    fallback(facts: F, answers: Partial<Answers>): { value: string | null } | undefined;
    /** `initial`: the fallback, preselected, so Enter picks what --yes would (the server beside a migration tool). */
    prompt(facts: F, prompter: Prompter, answers: Partial<Answers>, initial?: string): Promise<string>;
    /** What to choose from, said when --entry is missing in a non-interactive run: "main packages: ./cmd/a, ./cmd/b". */
    candidates(facts: F, answers: Partial<Answers>): string | null;
    /** Whether the one-line equivalent command must repeat --entry for this answer. */
    inCommand(facts: F, entry: string): boolean;
    /**
     * Said when the fallback is taken without a question (--yes): which of several a rule chose, and
     * how to choose another. Never for an --entry given (by the user, or by a workspace root for its service).
     */
    explainDefault?(facts: F, entry: string | null, answers: Partial<Answers>): string | null;
  };
  port: {
    /** True when the project does not say its port (or whether it listens at all). */
    asks(facts: F, answers: Partial<Answers>): boolean;
    /** The detected port or the language's usual one; null for a program that does not listen. */
    fallback(facts: F, answers: Partial<Answers>): number | null;
  };
  /** The questions only this language asks, each with its own flag; listed in --help after --entry. */
  options?: readonly AnyLanguageOption<F>[];
  /**
   * The workspace whose root this folder is (pnpm-workspace.yaml, a Cargo workspace, go.work, a uv
   * workspace, a Maven or Gradle multi-module build),
   * with its members; null for one app. Two deployable members or more make the root a monorepo run:
   * a Dockerfile per member and one docker-bake.hcl (src/cli/workspace.ts).
   */
  workspace?(facts: F, project: ProjectFiles): Workspace | null;
  plan(facts: F, answers: Answers, generatorVersion: string): Planned<P>;
  /**
   * Why an image a Dockerfile names (a FROM line's, digest left off) runs a release of the language
   * past its end of life, from the language's own table of releases; null when it does not, or when
   * the image is not the language's. `stagecraft check` reports it. Absent: no release data to say so.
   */
  endOfLife?(image: string): string | null;
  /** The language's own final images (its runtime on slim, alpine, distroless), more specific patterns first. */
  imageProfiles: readonly ImageProfileRule[];
  /**
   * Roughly how many MB the Dockerfile adds to the final base for the language's runtime (a jlink
   * runtime or a JRE copied onto slim or alpine), so each base's estimate is the whole image before
   * the app; absent or 0: the base image brings its runtime.
   */
  runtimeAddsMB?(plan: P): number;
  /**
   * Regular-expression sources for the language's build commands that download dependencies
   * ("npm (ci|install)"): a build whose steps run none of them gets no network.
   */
  downloadCommands: readonly string[];
}

/** A question only some languages ask, with its own flag (`buildTool`: --build-tool), declared by the language's record. */
export interface LanguageOption<F, K extends keyof LanguageAnswers> {
  /** Its key in the answers, the flags and stagecraft.json. */
  key: K;
  values: readonly NonNullable<LanguageAnswers[K]>[];
  /** Its line in --help. */
  help: string;
  /** Each value's one-line trade-off, listed under the flag in --help and beside it in the prompt. */
  tradeoffs?: Record<NonNullable<LanguageAnswers[K]>, string>;
  /** The common answer it needs first (a runtime depends on the base); null: asked before them all, as the entry may depend on it. */
  askedAfter: keyof CommonAnswers | null;
  /** False when the question does not apply to this project and these answers (its answer stays undefined). */
  applies(facts: F, answers: Partial<Answers>): boolean;
  /** True when detection leaves it open; otherwise the fallback is used without asking. */
  asks(facts: F, answers: Partial<Answers>): boolean;
  /** The detected or recommended answer; undefined when nothing decides it. */
  fallback(facts: F, answers: Partial<Answers>): NonNullable<LanguageAnswers[K]> | undefined;
  prompt(facts: F, prompter: Prompter, answers: Partial<Answers>): Promise<NonNullable<LanguageAnswers[K]>>;
  /** What to choose from, said when the flag is missing in a non-interactive run. */
  candidates(facts: F): string;
}

/** Any one of the language options, each with its own key's value type. */
export type AnyLanguageOption<F> = { [K in keyof LanguageAnswers]-?: LanguageOption<F, K> }[keyof LanguageAnswers];

/** What is known of a language before any project is read: its markers, flags, help lines and images. */
type RecordKey = 'language' | 'markers' | 'memberOf' | 'ownFolders' | 'runtimeVersion' | 'options' | 'imageProfiles' | 'runtimeAddsMB' | 'downloadCommands';

/**
 * What a language does with a project: detection, the rules of its answers, planning. It is loaded
 * only once the language's manifest is found (`load`), so a run parses and builds one language's
 * detectors, schemas and parsers (YAML, XML, TOML), not every language's: most of a cold start.
 */
export type LanguageBehaviour<F extends CommonFacts, P extends { language: F['language'] }> = Omit<LanguageSupport<F, P>, RecordKey | 'entry'> & {
  entry: Omit<LanguageSupport<F, P>['entry'], 'help'>;
};

/** A language's record, the one thing the registry lists: what --help and the options table need, and how to load the rest. */
export type LanguageRecord<F extends CommonFacts, P extends { language: F['language'] }> = Pick<LanguageSupport<F, P>, RecordKey> & {
  entry: Pick<LanguageSupport<F, P>['entry'], 'help'>;
  load(): Promise<LanguageBehaviour<F, P>>;
};

/**
 * The identity functions let TypeScript check a record and its behaviour against the language's own
 * facts and plan types, with no cast.
 */
export const defineLanguage = <F extends CommonFacts, P extends { language: F['language'] }>(record: LanguageRecord<F, P>) => record;
export const defineBehaviour = <F extends CommonFacts, P extends { language: F['language'] }>(behaviour: LanguageBehaviour<F, P>) => behaviour;
