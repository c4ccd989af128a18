/*
 * What the builder `docker build` uses can do, from what `docker buildx inspect` says of its driver
 * and what `docker info` says of the image store (IMAGE_STORE_FORMAT): keep SBOM and provenance
 * attestations (`--sbom=true --provenance=mode=max`), and rewrite file times for --reproducible.
 * Only a builder that can keep attestations accepts those flags: a docker-container (or kubernetes,
 * remote) builder, or the docker driver over the containerd image store. The classic docker driver
 * refuses the build outright, so --build asks the builder first and says why it builds without them.
 */

/** What `docker build` is given for attestations: an SBOM of the image's packages, and provenance with every build detail. */
export const ATTESTATION_FLAGS = ['--sbom=true', '--provenance=mode=max'];

export type AttestationSupport = { supported: true; flags: string[] } | { supported: false; why: string };

/** `docker info` as --build asks for it: the storage driver, then the driver's status as JSON. */
export const IMAGE_STORE_FORMAT = '{{.Driver}} {{json .DriverStatus}}';

/** --reproducible's output where the builder is not known (a printed command): the image loaded into Docker, its files' times clamped. */
export const REPRODUCIBLE_OUTPUT = 'type=docker,rewrite-timestamp=true';

/**
 * --reproducible's output on the docker driver over the containerd image store, which unpacks what it
 * loads, and BuildKit cannot rewrite times while unpacking ("rewrite-timestamp conflicts with unpack",
 * moby/buildkit#4230): an OCI archive on stdout for `docker load`, which keeps the attestations the
 * docker format cannot hold.
 */
export const REPRODUCIBLE_OCI_OUTPUT = 'type=oci,dest=-,rewrite-timestamp=true';

interface Builder {
  /** The buildx driver (docker, docker-container, ...); null when buildx names none. */
  driver: string | null;
  /** The storage driver, e.g. overlay2 (classic) or overlayfs (containerd). */
  store: string;
  containerdStore: boolean;
}

const builderOf = (buildxInspect: string, imageStore: string): Builder => ({
  driver: /^Driver:\s*(\S+)/m.exec(buildxInspect)?.[1] ?? null,
  store: /^[a-z0-9-]+/.exec(imageStore.trim())?.[0] ?? 'classic',
  containerdStore: imageStore.includes('io.containerd.snapshotter'),
});

/**
 * Whether the builder keeps attestations. A docker-container builder keeps its results to itself,
 * so its image is loaded into Docker (`--load`) for the size table and `docker run`.
 */
export function attestationSupportOf(buildxInspect: string, imageStore: string): AttestationSupport {
  const { driver, store, containerdStore } = builderOf(buildxInspect, imageStore);
  if (driver === null) return { supported: false, why: 'docker buildx inspect names no builder' };
  if (driver !== 'docker') return { supported: true, flags: [...ATTESTATION_FLAGS, '--load'] };
  if (containerdStore) return { supported: true, flags: ATTESTATION_FLAGS };
  return { supported: false, why: `the builder is the docker driver over the ${store} image store, which cannot keep attestations` };
}

export interface ReproducibleBuild {
  /** The `--output` that makes the image on this builder. */
  output: string;
  /** Why this builder's digests still change per build, or null where it rewrites the times. */
  caveat: string | null;
}

/**
 * How a --reproducible build goes on this builder: an OCI archive for `docker load` where Docker
 * would unpack the image, and said plainly where the builder ignores rewrite-timestamp (the docker
 * driver over the classic store loads the image its own way, with the files' own times).
 */
export function reproducibleBuildOf(buildxInspect: string, imageStore: string): ReproducibleBuild {
  const { driver, store, containerdStore } = builderOf(buildxInspect, imageStore);
  if (driver !== 'docker') return { output: REPRODUCIBLE_OUTPUT, caveat: null };
  if (containerdStore) return { output: REPRODUCIBLE_OCI_OUTPUT, caveat: null };
  return {
    output: REPRODUCIBLE_OUTPUT,
    caveat: `the docker driver over the ${store} image store ignores rewrite-timestamp=true, so the files' times, and the digest, change with each build; a docker-container builder or the containerd image store rewrites them`,
  };
}

/** What to do for attestations, said once: with a builder that keeps them, the same build gets an SBOM and provenance. */
export const ATTESTATION_ADVICE =
  'for an SBOM and provenance, build with a docker-container builder (docker buildx create --use --driver docker-container) or turn on the containerd image store, then add --sbom=true --provenance=mode=max';
