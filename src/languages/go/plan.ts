import path from 'node:path';
import { planSecrets } from '../../core/secrets.js';
import semver from 'semver';
import { missingGoSum, type GoFacts } from './detect.js';
import type { Planned } from '../../core/language.js';
import { usageError } from '../../errors.js';
import { BOOKWORM, DHI_DEBIAN, TRIXIE, hardened, singleBinaryStages, type DebianRelease } from '../../core/images.js';
import { applyRules } from '../../core/rules.js';
import { describeEvidence } from '../../core/facts.js';
import type { Answers } from '../../core/options.js';
import { validatePlan } from '../../core/plan-schema.js';
import { GoPlanSchema, type GoPlan } from './schema.js';
import { GO_RULES } from './rules.js';
import { imageNameFor } from '../../core/image-name.js';
import { workingDirectory } from '../../core/runtime-folders.js';

/** The oldest Go release with golang:*-bookworm images; older go directives build with it (Go 1 compatibility). */
const OLDEST_GO_IMAGE = '1.21';
/** The oldest Go release dhi.io/golang publishes on Debian 13 (the catalog's image/golang/debian-13). */
export const OLDEST_HARDENED_GO = '1.24';

/**
 * The build stage's Debian: golang images have trixie variants from Go 1.24 on, older releases only
 * bookworm. The final stage is trixie either way: a static binary needs no C library, and a cgo
 * binary linked against bookworm's glibc 2.36 runs on trixie's 2.41 (the reverse could fail).
 */
const debianForGo = (goVersion: string): DebianRelease => (semver.gte(semver.coerce(goVersion)!, '1.24.0') ? TRIXIE : BOOKWORM);

/** `./cmd/api` -> `api`; the root package takes the module's last element (`/v2` suffixes skipped). */
function binaryNameFor(entry: string, modulePath: string): string {
  const fromPath =
    entry === '.'
      ? modulePath
          .split('/')
          .filter((part) => !/^v\d+$/.test(part))
          .pop()
      : path.posix.basename(entry);
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

/** Go releases older than the oldest golang image build with it: Go 1 compatibility keeps them compiling. */
const goToBuildWith = (runtimeVersion: string, base: Answers['base']) => {
  const oldest = base === 'hardened' ? OLDEST_HARDENED_GO : OLDEST_GO_IMAGE;
  return semver.lt(semver.coerce(runtimeVersion)!, `${oldest}.0`) ? oldest : runtimeVersion;
};

/** The toolchain image: the hardened golang -dev image (gcc included, for cgo), golang on alpine for cgo there, else golang on Debian. */
function goBuildImage(base: Answers['base'], buildOnAlpine: boolean, goVersion: string): string {
  if (base === 'hardened') return hardened('golang', `${goVersion}-debian${DHI_DEBIAN.version}-dev`);
  return buildOnAlpine ? `golang:${goVersion}-alpine` : `golang:${goVersion}-${debianForGo(goVersion).codename}`;
}

/** Module files grouped by folder: `COPY go.mod go.sum ./`, `COPY api/go.mod api/go.sum ./api/`. */
function moduleCopies(files: string[]): GoPlan['build']['moduleCopies'] {
  const byFolder = new Map<string, string[]>();
  for (const file of files) {
    const folder = path.posix.dirname(file);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
  }
  return [...byFolder].map(([folder, grouped]) => ({ files: grouped, target: folder === '.' ? './' : `./${folder}/` }));
}

/** How the binary is compiled: cgo builds against musl on alpine, everything else cross-compiles statically. */
function buildStep(facts: GoFacts, base: Answers['base'], goVersion: string, entry: string, name: string): GoPlan['build'] {
  const cgo = facts.cgo.value;
  const buildOnAlpine = cgo && base === 'alpine';
  return {
    image: goBuildImage(base, buildOnAlpine, goVersion),
    crossCompile: !cgo,
    packages: buildOnAlpine ? ['gcc', 'musl-dev'] : [],
    moduleCopies: moduleCopies(facts.moduleFiles),
    downloadModules: !facts.vendored.value && facts.layout.value !== 'none',
    initModule: facts.layout.value === 'none' ? facts.module.value : null,
    tidy: facts.layout.value === 'none' && facts.thirdPartyImports.value,
    // One module's go.mod: go mod tidy there records what it requires (a go.work's modules each need their own).
    recordSums: facts.layout.value === 'module' && missingGoSum(facts),
    vendored: facts.vendored.value,
    // scratch and alpine have no zone database; every other final base has Debian's tzdata, which Go reads.
    tags: base === 'scratch' || base === 'alpine' ? ['timetzdata'] : [],
    scratchRootfs: base === 'scratch',
    package: entry,
    member: facts.memberBuild?.memberPath ?? null,
    output: `/out/${name}`,
    privateModules: facts.private?.modules ?? null,
  };
}

/** GIN_MODE=release for a Gin server that leaves its mode to the environment: debug mode is for a developer's terminal. */
function productionEnvironment(facts: GoFacts): GoPlan['env'] {
  if (!facts.ginModeFromEnv) return [];
  const why = `Gin runs in debug mode (its route list and warnings on every start) unless GIN_MODE says release; ${describeEvidence(facts.ginModeFromEnv.evidence)} imports Gin, and no gin.SetMode call sets a mode.`;
  return [{ name: 'GIN_MODE', value: 'release', why }];
}

export function planGo(facts: GoFacts, answers: Answers, generatorVersion: string): Planned<GoPlan> {
  const { base, debug, port } = answers;
  const cgo = facts.cgo.value;
  const entry = answers.entry;
  if (entry === null) throw usageError('no main package found: pass --entry with the folder of a package main');
  const goVersion = goToBuildWith(answers.runtimeVersion, base);
  const warnings = applyRules(GO_RULES, { facts, answers, entry, goVersion });

  const name = binaryNameFor(entry, facts.module.value);
  const binaryPath = `/usr/local/bin/${name}`;

  const plan = validatePlan(GoPlanSchema, {
    language: 'go',
    generator: { version: generatorVersion },
    base,
    debug,
    title: imageNameFor(name),
    port,
    portEnv: port !== null && facts.readsPortEnv.value,
    env: productionEnvironment(facts),
    build: buildStep(facts, base, goVersion, entry, name),
    // cp runs in the context's root, and a member's folders are in its own folder.
    runtimeFolders: workingDirectory(facts.runtimeFolders, facts.createsFile, facts.memberBuild?.memberPath ?? ''),
    ...singleBinaryStages({
      base,
      debug,
      distrolessFlavour: cgo ? 'base' : 'static',
      extraPackages: [],
      binaryPath,
      // Measured: the Go runtime exits on SIGTERM even as PID 1 (it falls back to exit(2) when the kernel ignores the re-raised signal).
      init: false,
      stopWhy: "Exec form: the binary is PID 1, and Go's runtime exits on SIGTERM even there, so it needs no init.",
    }),
    ...planSecrets(facts.private?.secrets ?? []),
    // A main package in a module's sub-folder builds from the module's root, with its own Dockerfile and ignore file.
    ...(facts.memberBuild
      ? { contextPath: facts.memberBuild.contextPath, dockerfileFlag: `${facts.memberBuild.memberPath}/Dockerfile`, dockerignoreName: 'Dockerfile.dockerignore' }
      : {}),
  });
  return { plan, warnings };
}
