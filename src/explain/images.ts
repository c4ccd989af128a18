import type { ImageProfile, ImageProfileRule } from '../core/language.js';
import type { Base } from '../core/options.js';
import { LANGUAGES, languageNamed, type Plan } from '../languages/registry.js';

/*
 * What a user gets from each final base image, for explain and the base prompt. Sizes are the
 * approximate uncompressed sizes of the real linux/amd64 images (what `docker images` shows), as
 * published upstream; they move a little with each release, which a size class absorbs.
 */

/** The images every language's binary or runtime may land on; a language's own images are in its record. */
const SHARED_PROFILES: ImageProfileRule[] = [
  { image: /^scratch$/, profile: { sizeMB: 0, libc: 'none', shell: 'none' } },
  { image: /^gcr\.io\/distroless\/static-/, profile: { sizeMB: 2, libc: 'none', shell: 'none (the :debug variant adds busybox)' } },
  { image: /^gcr\.io\/distroless\/base-nossl-/, profile: { sizeMB: 14, libc: 'glibc', shell: 'none (the :debug variant adds busybox)' } },
  { image: /^gcr\.io\/distroless\/base-/, profile: { sizeMB: 21, libc: 'glibc', shell: 'none (the :debug variant adds busybox)' } },
  { image: /^gcr\.io\/distroless\/cc-/, profile: { sizeMB: 24, libc: 'glibc', shell: 'none (the :debug variant adds busybox)' } },
  // Docker Hardened Images: sizes of the offline stand-ins built from the same Debian 13 packages the catalog lists.
  { image: /^dhi\.io\/static:.*-glibc/, profile: { sizeMB: 14, libc: 'glibc', shell: 'none (the -dev variants add bash)' } },
  { image: /^dhi\.io\/static:/, profile: { sizeMB: 2, libc: 'none', shell: 'none (the -dev variants add bash)' } },
  { image: /^alpine:/, profile: { sizeMB: 8, libc: 'musl', shell: 'busybox sh' } },
  { image: /^debian:.*-slim$/, profile: { sizeMB: 75, libc: 'glibc', shell: 'bash' } },
];

/** The shared profiles, then each language's. First match wins: more specific patterns come first. */
export const imageProfilesOf = (languages: readonly { imageProfiles: readonly ImageProfileRule[] }[]): ImageProfileRule[] => [
  ...SHARED_PROFILES,
  ...languages.flatMap((language) => language.imageProfiles),
];

const PROFILES = imageProfilesOf(LANGUAGES);

export const profileOf = (image: string): ImageProfile | null => PROFILES.find((entry) => entry.image.test(image))?.profile ?? null;

/** A coarse class, so estimates that are off by a few MB still compare right. */
export function sizeClass(sizeMB: number): string {
  if (sizeMB < 10) return 'tiny';
  if (sizeMB < 50) return 'small';
  if (sizeMB < 150) return 'medium';
  if (sizeMB < 300) return 'large';
  return 'very large';
}

/**
 * The estimated size of the final image before the app: the base, and the runtime the Dockerfile
 * adds to it (a jlink runtime on alpine), so bases compare as the images the user would get.
 * Null for a base image we know nothing about.
 */
export function estimatedMB(plan: Plan): number | null {
  const profile = profileOf(plan.runtime.image);
  return profile ? profile.sizeMB + (languageNamed(plan.language).runtimeAddsMB?.(plan) ?? 0) : null;
}

/** "small, ≈21 MB + your app"; an image we know nothing about says so. */
export function describeSize(plan: Plan): string {
  const size = estimatedMB(plan);
  if (size === null) return 'size unknown';
  return size === 0 ? 'tiny, nothing but your app' : `${sizeClass(size)}, ≈${size} MB + your app`;
}

/** How to look inside and how to patch, per base: the part of the trade-off that is not the image's size. */
export const BASE_CARE: Record<Base, { debug: string; patch: string }> = {
  slim: {
    debug: 'docker exec -it <container> bash; apt-get install what you need in a debug build',
    patch: 'Debian security updates: rebuild with --pull (and --no-cache for the apt-get layers) to pick them up',
  },
  alpine: {
    debug: 'docker exec -it <container> sh (busybox); apk add in a debug build',
    patch: 'rebuild with --pull for a newer alpine patch release; apk packages are refreshed by rebuilding with --no-cache',
  },
  distroless: {
    debug: 'no shell: the :debug variant (busybox) via the debug target, or an ephemeral container (kubectl debug)',
    patch: 'no package manager: rebuild with --pull; distroless republishes images as Debian fixes land',
  },
  scratch: {
    debug: 'no shell, no files: the debug target, or an ephemeral container sharing the process namespace (kubectl debug)',
    patch: 'only your binary and the CA bundle copied at build: rebuild with a fresh toolchain and build stage',
  },
  hardened: {
    debug: 'no shell: the -dev variant (bash, apt) via the debug target, or an ephemeral container (kubectl debug)',
    patch: 'no package manager: rebuild with --pull after `docker login dhi.io`; Docker rebuilds the images as fixes land, with SBOM and provenance attached',
  },
};
