import { missingGoSum, type GoFacts } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import {
  forEachItem,
  portMismatchRule,
  healthcheckRules,
  healthcheckWithoutProbeRule,
  shellDebugRules,
  skippedSourcesRule,
  type RuleContext,
  type RuleTable,
} from '../../core/rules.js';

export interface GoRuleContext extends RuleContext {
  facts: GoFacts;
  /** The main package the image builds, normalized (`.` or `./cmd/api`). */
  entry: string;
  /** The Go the image builds with, which may be newer than the go directive. */
  goVersion: string;
}

/** The port the entry's own sources listen on, else the first one found anywhere. */
const entryPort = ({ facts, entry }: GoRuleContext) =>
  facts.ports.find((candidate) => candidate.evidence?.file.startsWith(entry === '.' ? '' : `${entry.slice(2)}/`)) ?? facts.ports[0];

export const GO_RULES: RuleTable<GoRuleContext> = [
  skippedSourcesRule(({ facts }) => facts.skippedSources),
  {
    id: 'private-modules-alpine-builder',
    kind: 'refuse',
    when: ({ facts, answers }) => facts.private !== null && facts.cgo.value && answers.base === 'alpine',
    message: ({ facts }) =>
      `--base alpine: GOPRIVATE (${describeEvidence(facts.private!.evidence)}) makes go fetch modules with git, and a cgo build on alpine runs on golang's alpine image, which has no git; use --base slim or distroless (their builder has git)`,
  },
  {
    id: 'private-modules-home-netrc',
    kind: 'warn',
    when: ({ facts }) => facts.private?.secrets.some((secret) => secret.source === 'home') ?? false,
    message: ({ facts }) =>
      `GOPRIVATE (${describeEvidence(facts.private!.evidence)}): go fetches those modules with the credentials of your ~/.netrc, given to the build as a secret (docker build --secret id=netrc,src=$HOME/.netrc); it needs a machine line for each private host`,
  },
  {
    id: 'cgo-on-scratch',
    kind: 'refuse',
    when: ({ facts, answers }) => answers.base === 'scratch' && facts.cgo.value,
    message: ({ facts }) =>
      `--base scratch cannot run this program: it needs cgo (${facts.cgoReason}), so it links the C library, and scratch has none; use --base distroless or slim`,
  },
  ...shellDebugRules(),
  ...healthcheckRules(),
  healthcheckWithoutProbeRule('the image holds the Go binary and nothing that makes an HTTP request (no shell, curl or interpreter)'),
  {
    id: 'cgo-on-alpine',
    kind: 'warn',
    when: ({ facts, answers }) => facts.cgo.value && answers.base === 'alpine',
    message: ({ facts }) => `cgo on alpine (${facts.cgoReason}): the binary is built against musl on golang:*-alpine; C libraries that need glibc will not link`,
  },
  forEachItem(
    ({ facts }: GoRuleContext) => facts.cgoRuntimeLibraries,
    [
      {
        id: 'cgo-runtime-library',
        kind: 'warn',
        when: () => true,
        message: (library: string) => `a cgo dependency needs ${library} at run time; add its package to the final stage (stagecraft does not install it)`,
      },
    ],
  ),
  {
    id: 'no-go-mod',
    kind: 'warn',
    when: ({ facts }) => facts.layout.value === 'none',
    message: ({ facts, goVersion }) =>
      `no go.mod: the image builds ${facts.mainPackages[0]?.evidence?.file ?? 'main.go'} as module ${facts.module.value}, made by go mod init with Go ${goVersion}${
        facts.thirdPartyImports.value ? ` and its imports resolved by go mod tidy on every build (${describeEvidence(facts.thirdPartyImports.evidence)})` : ''
      }; run go mod init and commit go.mod${facts.thirdPartyImports.value ? ' and go.sum' : ''} to pin them`,
  },
  {
    id: 'missing-go-sum',
    kind: 'warn',
    when: ({ facts }) => missingGoSum(facts),
    message: ({ facts }) =>
      facts.layout.value === 'module'
        ? "go.mod requires modules but there is no go.sum: the build runs go mod tidy to record their checksums on every build (checked against Go's checksum database, not pinned by you); run `go mod tidy` and commit go.sum"
        : 'go.mod requires modules but there is no go.sum: the image build will fail until you run `go mod tidy`',
  },
  portMismatchRule((context: GoRuleContext) => ({ port: entryPort(context), readsPortEnv: context.facts.readsPortEnv.value })),
  {
    id: 'go-older-than-images',
    kind: 'warn',
    when: ({ answers, goVersion }) => goVersion !== answers.runtimeVersion && answers.base !== 'hardened',
    message: ({ answers, goVersion }) =>
      `Go ${answers.runtimeVersion} has no golang:*-bookworm image; building with Go ${goVersion}, which compiles older modules unchanged (Go 1 compatibility)`,
  },
  {
    id: 'go-older-than-hardened-images',
    kind: 'warn',
    when: ({ answers, goVersion }) => goVersion !== answers.runtimeVersion && answers.base === 'hardened',
    message: ({ answers, goVersion }) =>
      `Go ${answers.runtimeVersion} has no dhi.io/golang image (Debian 13 images start at ${goVersion}); building with Go ${goVersion}, which compiles older modules unchanged (Go 1 compatibility)`,
  },
];
