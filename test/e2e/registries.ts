import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Facts } from '../../src/pipeline/detect.js';
import type { Plan } from '../../src/languages/registry.js';
import { docker, offlineDockerTool, type Engine } from './docker.js';

/*
 * Which package registries answer from inside a build container, decided by probing once per run,
 * not by rule. With the offline stand-ins the probe is ../shared/tools/offline-docker/probe-registries.sh
 * itself (its OK/NO lines are parsed); with a normal Docker the same commands run in the same images,
 * pulled from the registry. A cell whose build needs a registry is built for real when the probe says
 * OK, and is "not verifiable here" with the probe's own line when it says NO.
 */

export const REGISTRIES = ['npm', 'pypi', 'uv', 'crates', 'go', 'maven'] as const;
export type Registry = (typeof REGISTRIES)[number];

export interface ProbeResult {
  registry: Registry;
  ok: boolean;
  /** The probe's line without its OK/NO word: image and the client's last line or error. */
  detail: string;
}

/** What each registry is, for the reasons in the table. */
export const REGISTRY_NAMES: Record<Registry, string> = {
  npm: 'the npm registry',
  pypi: 'PyPI',
  uv: "uv (ghcr.io/astral-sh/uv, whose stand-in is made from PyPI's uv wheel)",
  crates: 'crates.io',
  go: 'the Go module proxy',
  maven: 'Maven Central',
};

/** The same images and commands as probe-registries.sh, for a normal Docker (no stand-ins). */
const PROBES: Record<Registry, { image: string; command: string }> = {
  npm: { image: 'node:24-trixie-slim', command: 'npm view ms version' },
  pypi: { image: 'python:3.13-slim-trixie', command: 'pip download --no-deps --dest /tmp/p six==1.16.0' },
  uv: { image: 'python:3.13-slim-trixie', command: 'pip install --quiet uv && uv pip install --system --dry-run six' },
  crates: { image: 'rust:1-slim-trixie', command: 'cd /tmp && cargo new -q probe && cd probe && cargo add -q itoa@1 && cargo fetch -q && echo fetched itoa' },
  go: {
    image: 'golang:1.24-trixie',
    command: 'mkdir -p /tmp/probe/m && cd /tmp/probe/m && go mod init probe >/dev/null 2>&1 && go get github.com/google/uuid@v1.6.0 && echo got uuid',
  },
  maven: { image: 'maven:3.9-eclipse-temurin-21', command: 'mvn -q -B dependency:get -Dartifact=junit:junit:4.13.2 && echo got junit' },
};

/** Parses probe-registries.sh's output: `OK npm (node:24-trixie-slim): 3.0.0` or `NO pypi (...): <reason>`. */
export function parseProbeOutput(output: string): ProbeResult[] {
  const results: ProbeResult[] = [];
  for (const match of output.matchAll(/^(OK|NO) (\w+)(.*)$/gm)) {
    const registry = match[2] as Registry;
    if (!REGISTRIES.includes(registry)) continue;
    results.push({ registry, ok: match[1] === 'OK', detail: match[3]!.replace(/^:?\s*/, '').trim() });
  }
  return results;
}

async function probeWithRealImages(): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const registry of REGISTRIES) {
    const { image, command } = PROBES[registry];
    const run = await docker(['run', '--rm', '--network', 'host', image, 'sh', '-c', command], 600_000);
    const lines = (run.all ?? '').split('\n').filter(Boolean);
    const why = lines.find((line) => /error|dial|refused|resolve|no such host|timed out|certificate/i.test(line)) ?? lines.at(-1) ?? '';
    results.push({ registry, ok: run.exitCode === 0, detail: `(${image}): ${(run.exitCode === 0 ? (lines.at(-1) ?? '') : why).slice(0, 160)}` });
  }
  return results;
}

let probed: Promise<ProbeResult[]> | null = null;

/**
 * The probe, once per run (the first caller starts it, every later one gets the same answer).
 * A registry the probe did not report on counts as unreachable, with that said.
 */
export function probeRegistries(engine: Engine): Promise<ProbeResult[]> {
  probed ??= (async () => {
    let results: ProbeResult[];
    if (engine.source === 'stand-ins') {
      // probe-registries.sh makes each image's stand-in first: with SIGPIPE ignored, as offlineDockerTool says why.
      const run = await offlineDockerTool('probe-registries.sh', [...REGISTRIES], { timeout: 60 * 60_000 });
      results = parseProbeOutput(run.all ?? '');
    } else {
      results = await probeWithRealImages();
    }
    return REGISTRIES.map((registry) => results.find((result) => result.registry === registry) ?? { registry, ok: false, detail: 'the probe printed no line for it' });
  })();
  return probed;
}

/** One line per registry, as the report prints them. */
export const probeLines = (results: ProbeResult[]) => results.map((result) => `${result.ok ? 'OK' : 'NO'} ${result.registry} ${result.detail}`);

/** A registry a cell's build downloads from, and what it downloads there. */
export interface Need {
  registry: Registry;
  what: string;
}

/** The registries a build needs, derived from the facts and the plan (not from a list of fixtures). */
export function registriesNeeded(dir: string, facts: Facts, plan: Plan): Need[] {
  if (facts.language === 'go' && plan.language === 'go') {
    return facts.requiresModules && !facts.vendored.value ? [{ registry: 'go', what: 'the required modules (go mod download)' }] : [];
  }
  if (facts.language === 'node' && plan.language === 'node') return [{ registry: 'npm', what: 'the packages (and pnpm or Yarn via corepack)' }];
  if (facts.language === 'python' && plan.language === 'python') {
    const needs: Need[] = [];
    if (plan.deps?.kind === 'uv') needs.push({ registry: 'uv', what: `uv (${plan.deps.image})` }, { registry: 'pypi', what: 'the locked packages' });
    else if (plan.deps?.kind === 'export') needs.push({ registry: 'pypi', what: `${plan.deps.tool} and the locked packages` });
    else if (plan.deps !== null && !facts.noIndex) needs.push({ registry: 'pypi', what: `the dependencies (${facts.dependencies.value.join(', ')})` });
    if (plan.projectInstall && !needs.some((need) => need.registry === 'pypi')) {
      needs.push({ registry: 'pypi', what: "the project's build backend (pip builds it in an isolated environment)" });
    }
    return needs;
  }
  if (facts.language === 'rust' && plan.language === 'rust') {
    return facts.registryDependencies.value ? [{ registry: 'crates', what: 'the crates (cargo fetch)' }] : [];
  }
  if (facts.language === 'java' && plan.language === 'java' && plan.build.tool === 'maven') {
    const parts = [
      ...(plan.build.wrapper ? ['Maven itself (the wrapper downloads it)'] : []),
      ...(plan.launch === 'quarkus' ? ['Quarkus and its Maven plugin'] : plan.launch.startsWith('spring-') ? ['Spring Boot and its Maven plugin'] : []),
      'the Maven plugins',
    ];
    const dependencies = declaredDependencies(dir, facts);
    if (dependencies.length > 0) parts.push(`the dependencies (${dependencies.join(', ')})`);
    return [{ registry: 'maven', what: parts.join(', ') }];
  }
  return [];
}

/** The POMs' dependencies (groupId:artifactId:version), test and import scope left out. */
function declaredDependencies(dir: string, facts: Extract<Facts, { language: 'java' }>): string[] {
  const poms = facts.builds.filter((build) => build.tool === 'maven').flatMap((build) => build.manifests);
  return poms.flatMap((pom) =>
    [...readFileSync(path.join(dir, pom), 'utf8').matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)]
      .map((match) => match[1]!)
      .filter((body) => !/<scope>(test|import)<\/scope>/.test(body))
      .map((body) => ['groupId', 'artifactId', 'version'].map((tag) => new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(body)?.[1] ?? '?').join(':')),
  );
}
