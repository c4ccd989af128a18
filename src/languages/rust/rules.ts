import semver from 'semver';
import type { NativeDependency, RustFacts } from './detect.js';
import { NATIVE_LIBRARIES, type NativeLibrary } from './native.js';
import { locoIgnoresStartFlags } from './loco.js';
import { describeEvidence, type Fact } from '../../core/facts.js';
import type { Base } from '../../core/options.js';
import {
  forEachItem,
  portMismatchRule,
  healthcheckRules,
  healthcheckWithoutProbeRule,
  shellDebugRules,
  skippedSourcesRule,
  type Rule,
  type RuleContext,
  type RuleTable,
} from '../../core/rules.js';

export interface RustRuleContext extends RuleContext {
  facts: RustFacts;
}

/** One `-sys` crate as the rules see it: what stagecraft knows of its library, on this base. */
interface NativeDependencyContext {
  dependency: NativeDependency;
  /** `openssl-sys (Cargo.toml:8)`: how messages name it. */
  where: string;
  known: NativeLibrary | undefined;
  base: Base;
  musl: boolean;
}

/** alpine and scratch binaries link musl statically. */
export const linksMusl = (base: Base) => base === 'alpine' || base === 'scratch';

const nativeDependencies = ({ facts, answers }: RustRuleContext): NativeDependencyContext[] =>
  facts.nativeDependencies.map(({ value: dependency, evidence }: Fact<NativeDependency>) => ({
    dependency,
    where: `${dependency.crate} (${describeEvidence(evidence)})`,
    known: NATIVE_LIBRARIES[dependency.crate],
    base: answers.base,
    musl: linksMusl(answers.base),
  }));

/** A known library taken from the system, not built from source by the crate. */
const fromSystem = ({ known, dependency }: NativeDependencyContext) => known !== undefined && !dependency.bundled;

const NATIVE_DEPENDENCY_RULES: Rule<NativeDependencyContext>[] = [
  {
    id: 'unknown-native-library',
    kind: 'warn',
    // A crate that builds the C library it carries links nothing from the system.
    when: ({ known, dependency }) => known === undefined && !dependency.bundled,
    message: ({ where, musl }) =>
      musl
        ? `${where} links a C library stagecraft does not know: a static musl build needs its static library from apk in the build stage, or linking fails`
        : `${where} links a C library stagecraft does not know: if it comes from the system, the build and final stages need its packages`,
  },
  {
    id: 'system-library-not-in-distroless',
    kind: 'refuse',
    when: (context) => fromSystem(context) && context.base === 'distroless' && !context.known!.inDistrolessCc,
    message: ({ where, known }) =>
      `--base distroless: ${where} links the system ${known!.library} library, which distroless cc does not have; use ${known!.bundledFeature}, or --base slim`,
  },
  {
    id: 'system-library-not-in-hardened',
    kind: 'refuse',
    when: (context) => fromSystem(context) && context.base === 'hardened',
    message: ({ where, known }) =>
      `--base hardened: ${where} links the system ${known!.library} library, which dhi.io/static (glibc only) does not have; use ${known!.bundledFeature}, or --base ${known!.inDistrolessCc ? 'distroless' : 'slim'}`,
  },
  {
    id: 'library-linked-statically',
    kind: 'warn',
    when: (context) => fromSystem(context) && context.musl,
    message: ({ where, base, known }) => `${where} on ${base}: ${known!.library} is linked statically from Alpine's packages, so its security fixes need a rebuild of the image`,
  },
];

export const RUST_RULES: RuleTable<RustRuleContext> = [
  skippedSourcesRule(({ facts }) => facts.skippedSources),
  {
    id: 'webassembly-app',
    kind: 'refuse',
    when: ({ facts }) => facts.webAssembly !== null,
    message: ({ facts }) =>
      `${facts.webAssembly!.value} (${describeEvidence(facts.webAssembly!.evidence)}) is a crate for WebAssembly runtimes: this is a wasm32-wasi app that WasmEdge runs, not a Linux binary, and stagecraft builds native images only`,
  },
  {
    id: 'older-than-rust-version',
    kind: 'refuse',
    when: ({ facts, answers }) => facts.minimumVersion !== null && semver.lt(semver.coerce(answers.runtimeVersion)!, semver.coerce(facts.minimumVersion.value)!),
    message: ({ facts, answers }) =>
      `Rust ${answers.runtimeVersion} is older than the rust-version ${facts.minimumVersion!.value} (${describeEvidence(facts.minimumVersion!.evidence)}) this project needs; use ${facts.minimumVersion!.value} or newer`,
  },
  {
    id: 'path-dependency-outside',
    kind: 'refuse',
    when: ({ facts }) => facts.outsidePaths.length > 0,
    message: ({ facts }) =>
      `the path dependency ${facts.outsidePaths[0]!.value} (${describeEvidence(facts.outsidePaths[0]!.evidence)}) is outside the folder, which is the build context; run stagecraft in a folder that holds it`,
  },
  {
    id: 'cargo-config-literal-token',
    kind: 'refuse',
    when: ({ facts }) => facts.registries?.literalToken != null,
    message: ({ facts }) =>
      `${describeEvidence(facts.registries!.literalToken)} writes a registry token into ${facts.registries!.config}, which the build copies to fetch: move it to ~/.cargo/credentials.toml (cargo login --registry) or CARGO_REGISTRIES_<NAME>_TOKEN, and stagecraft passes it to the fetch as a build secret`,
  },
  {
    id: 'cargo-home-credentials',
    kind: 'warn',
    when: ({ facts }) => facts.registries?.credentials?.source === 'home',
    message: ({ facts }) =>
      `private registries (${describeEvidence(facts.registries!.evidence)}): cargo fetches from them with the tokens of your ~/.cargo/credentials.toml (cargo login --registry), given to the build as a secret (docker build --secret id=cargo-credentials,src=$HOME/.cargo/credentials.toml)`,
  },
  {
    id: 'git-over-ssh',
    kind: 'warn',
    when: ({ facts }) => facts.sshGit.value,
    message: ({ facts }) =>
      `git over ssh (${describeEvidence(facts.sshGit.evidence)}): the build fetches it with your ssh agent (docker build --ssh default, SSH_AUTH_SOCK set); cargo knows github.com's host keys, another host's go in [net.ssh] known-hosts of .cargo/config.toml`,
  },
  ...shellDebugRules(),
  ...healthcheckRules(),
  healthcheckWithoutProbeRule('the image holds the Rust binary and nothing that makes an HTTP request (no shell, curl or interpreter)'),
  forEachItem(nativeDependencies, NATIVE_DEPENDENCY_RULES),
  {
    id: 'no-cargo-lock',
    kind: 'warn',
    when: ({ facts }) => !facts.lockfile.value && facts.registryDependencies.value,
    message: () => 'no Cargo.lock: every build resolves dependency versions anew; commit Cargo.lock (cargo generate-lockfile) so builds are reproducible',
  },
  {
    id: 'toolchain-not-in-image',
    kind: 'warn',
    when: ({ facts }) => facts.otherChannel !== null,
    message: ({ facts }) =>
      `${describeEvidence(facts.otherChannel!.evidence)} pins "${facts.otherChannel!.value}", which the rust image is not: rustup downloads that toolchain in the build`,
  },
  {
    id: 'binds-loopback',
    kind: 'warn',
    when: ({ facts, answers }) => facts.loopbackBind !== null && answers.port !== null,
    message: ({ facts }) =>
      `the source binds ${facts.loopbackBind!.value} (${describeEvidence(facts.loopbackBind!.evidence)}), which nothing outside the container can reach; bind 0.0.0.0`,
  },
  {
    // Whether the program starts without arguments is up to it (a file server may refuse with no folder named):
    // stagecraft cannot know which it needs, so it says where they go rather than guessing a CMD.
    id: 'settings-as-arguments',
    kind: 'warn',
    when: ({ facts, answers }) => facts.portOption !== null && answers.port === facts.portOption.value,
    message: ({ facts }) =>
      `the port ${facts.portOption!.value} is the default of a command-line option (${describeEvidence(facts.portOption!.evidence)}): the program takes its settings as arguments, and the image passes none; give any it needs to start after the image name (docker run IMAGE <arguments>: the binary is the ENTRYPOINT), and mount (-v) a folder they name`,
  },
  {
    id: 'loco-binds-localhost',
    kind: 'warn',
    when: ({ facts, answers }) =>
      facts.loco !== null &&
      facts.loco.cliMain !== null &&
      answers.port !== null &&
      locoIgnoresStartFlags(facts.loco) &&
      !/^(0\.0\.0\.0|\[?::\]?)$/.test(facts.loco.configuredBinding?.value ?? ''),
    message: ({ facts }) =>
      `loco-rs ${facts.loco!.version!.value} (${describeEvidence(facts.loco!.version!.evidence)}) ignores start's --binding and --port and listens on its config's server.binding, ${facts.loco!.configuredBinding ? `${facts.loco!.configuredBinding.value} (${describeEvidence(facts.loco!.configuredBinding.evidence)})` : 'localhost when unset'}, which nothing outside the container can reach: set server.binding: 0.0.0.0 in the config, or use loco-rs 0.14 or later`,
  },
  {
    id: 'loco-development-environment',
    kind: 'warn',
    when: ({ facts }) => facts.loco !== null && facts.loco.cliMain !== null && !facts.loco.production.value,
    message: ({ facts }) =>
      `Loco (${describeEvidence(facts.loco!.dependency)}): no config/production.yaml, so the image runs the development environment from config/development.yaml (its logger, database and secrets as written there); add config/production.yaml and stagecraft sets LOCO_ENV=production`,
  },
  portMismatchRule(({ facts }: RustRuleContext) => ({ port: facts.ports[0], readsPortEnv: facts.readsPortEnv.value })),
];
