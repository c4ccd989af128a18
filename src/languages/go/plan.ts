import path from 'node:path';
import semver from 'semver';
import type { GoFacts } from './detect.js';
import type { Planned } from '../../core/language.js';
import { refusal, usageError } from '../../errors.js';
import { BOOKWORM, TRIXIE, checkShellDebug, portMismatchWarning, singleBinaryStages, type DebianRelease } from '../../core/images.js';
import type { Answers } from '../../core/options.js';
import { validatePlan } from '../../core/plan-schema.js';
import { GoPlanSchema, type GoPlan } from './schema.js';
import { imageNameFor } from '../../core/image-name.js';

/** The oldest Go release with golang:*-bookworm images; older go directives build with it (Go 1 compatibility). */
const OLDEST_GO_IMAGE = '1.21';

/** golang images have Debian trixie variants from Go 1.24 on; older releases only bookworm. */
const debianForGo = (goVersion: string): DebianRelease =>
  semver.gte(semver.coerce(goVersion)!, '1.24.0') ? TRIXIE : BOOKWORM;

/** `./cmd/api` -> `api`; the root package takes the module's last element (`/v2` suffixes skipped). */
function binaryNameFor(entry: string, modulePath: string): string {
  const fromPath = entry === '.' ? modulePath.split('/').filter((part) => !/^v\d+$/.test(part)).pop() : path.posix.basename(entry);
  const cleaned = (fromPath ?? '').replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned || 'app';
}

/** `cmd/api/`, `./cmd/api` and `cmd/api` all name the same package. */
export function normalizeGoEntry(entry: string): string {
  const trimmed = entry.trim().replace(/\/+$/, '').replace(/^\.\//, '');
  return trimmed === '' || trimmed === '.' ? '.' : `./${trimmed}`;
}

/** The entry the user gave must be a main package detection found; name them otherwise. */
export function checkGoEntry(facts: GoFacts, entry: string): string {
  const normalized = normalizeGoEntry(entry);
  const known = facts.mainPackages.map((main) => main.value);
  if (!known.includes(normalized)) {
    const found = known.length > 0 ? `main packages here: ${known.join(', ')}` : 'no main package found';
    throw usageError(`--entry ${entry}: no package main there (${found})`);
  }
  return normalized;
}

export function planGo(facts: GoFacts, answers: Answers, generatorVersion: string): Planned<GoPlan> {
  const { base, debug, port } = answers;
  const warnings: string[] = [];
  const cgo = facts.cgo.value;
  const entry = answers.entry;
  if (entry === null) throw usageError('no main package found: pass --entry with the folder of a package main');

  if (base === 'scratch' && cgo) {
    throw refusal(
      `--base scratch cannot run this program: it needs cgo (${facts.cgoReason}), so it links the C library, and scratch has none; use --base distroless or slim`,
    );
  }
  const shellWarning = checkShellDebug(base, debug);
  if (shellWarning) warnings.push(shellWarning);
  if (cgo && base === 'alpine') {
    warnings.push(`cgo on alpine (${facts.cgoReason}): the binary is built against musl on golang:*-alpine; C libraries that need glibc will not link`);
  }
  for (const library of facts.cgoRuntimeLibraries) {
    warnings.push(`a cgo dependency needs ${library} at run time; add its package to the final stage (stagecraft does not install it)`);
  }
  if (!facts.goSum.value && facts.requiresModules && !facts.vendored.value) {
    warnings.push('go.mod requires modules but there is no go.sum: the image build will fail until you run `go mod tidy`');
  }
  const sourcePort = facts.ports.find((candidate) => candidate.evidence?.file.startsWith(entry === '.' ? '' : `${entry.slice(2)}/`)) ?? facts.ports[0];
  const portWarning = portMismatchWarning(port, sourcePort, facts.readsPortEnv.value);
  if (portWarning) warnings.push(portWarning);

  const goVersion = semver.lt(semver.coerce(answers.runtimeVersion)!, `${OLDEST_GO_IMAGE}.0`) ? OLDEST_GO_IMAGE : answers.runtimeVersion;
  if (goVersion !== answers.runtimeVersion) {
    warnings.push(`Go ${answers.runtimeVersion} has no golang:*-bookworm image; building with Go ${goVersion}, which compiles older modules unchanged (Go 1 compatibility)`);
  }
  const debian = debianForGo(goVersion);
  const name = binaryNameFor(entry, facts.module.value);
  const binaryPath = `/usr/local/bin/${name}`;
  const buildOnAlpine = cgo && base === 'alpine';

  const plan = validatePlan(GoPlanSchema, {
    language: 'go',
    generator: { version: generatorVersion },
    base,
    debug,
    title: imageNameFor(name),
    port,
    portEnv: port !== null && facts.readsPortEnv.value,
    module: facts.module.value,
    goVersion,
    build: {
      image: buildOnAlpine ? `golang:${goVersion}-alpine` : `golang:${goVersion}-${debian.codename}`,
      crossCompile: !cgo,
      packages: buildOnAlpine ? ['gcc', 'musl-dev'] : [],
      moduleFiles: facts.goSum.value ? ['go.mod', 'go.sum'] : ['go.mod'],
      downloadModules: !facts.vendored.value,
      vendored: facts.vendored.value,
      cgo,
      tags: base === 'scratch' ? ['timetzdata'] : [],
      scratchRootfs: base === 'scratch',
      package: entry,
      output: `/out/${name}`,
    },
    ...singleBinaryStages({ base, debug, debian, distrolessFlavour: cgo ? 'base' : 'static', extraPackages: [], binaryPath }),
  });
  return { plan, warnings };
}
