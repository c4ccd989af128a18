/*
 * SBOM and provenance attestations (`--sbom=true --provenance=mode=max`): BuildKit writes them beside
 * the image, and only a builder that can keep them accepts the flags: a docker-container (or
 * kubernetes, remote) builder, or the docker driver over the containerd image store. The classic
 * docker driver refuses the build outright, so --build asks the builder first and says why it
 * builds without them.
 */

/** What `docker build` is given for attestations: an SBOM of the image's packages, and provenance with every build detail. */
export const ATTESTATION_FLAGS = ['--sbom=true', '--provenance=mode=max'];

export type AttestationSupport = { supported: true; flags: string[] } | { supported: false; why: string };

/** `docker info` as --build asks for it: the storage driver, then the driver's status as JSON. */
export const IMAGE_STORE_FORMAT = '{{.Driver}} {{json .DriverStatus}}';

/**
 * Whether the builder keeps attestations, from what `docker buildx inspect` says of its driver and
 * what `docker info` says of the image store (IMAGE_STORE_FORMAT). A docker-container builder keeps
 * its results to itself, so its image is loaded into Docker (`--load`) for the size table and `docker run`.
 */
export function attestationSupportOf(buildxInspect: string, imageStore: string): AttestationSupport {
  const driver = /^Driver:\s*(\S+)/m.exec(buildxInspect)?.[1] ?? null;
  if (driver === null) return { supported: false, why: 'docker buildx inspect names no builder' };
  if (driver !== 'docker') return { supported: true, flags: [...ATTESTATION_FLAGS, '--load'] };
  if (imageStore.includes('io.containerd.snapshotter')) return { supported: true, flags: ATTESTATION_FLAGS };
  const store = /^[a-z0-9-]+/.exec(imageStore.trim())?.[0] ?? 'classic';
  return { supported: false, why: `the builder is the docker driver over the ${store} image store, which cannot keep attestations` };
}

/** What to do for attestations, said once: with a builder that keeps them, the same build gets an SBOM and provenance. */
export const ATTESTATION_ADVICE =
  'for an SBOM and provenance, build with a docker-container builder (docker buildx create --use --driver docker-container) or turn on the containerd image store, then add --sbom=true --provenance=mode=max';
