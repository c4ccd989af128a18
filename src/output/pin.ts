/*
 * --pin: each base image the Dockerfile names, resolved to the digest its tag points at now, and
 * written as `image:tag@sha256:...`. The build then gets exactly those bytes until someone moves the
 * pin; Renovate and Dependabot read that form and move tag and digest together. Without a registry
 * that answers, nothing is pinned and the run says so once.
 */

/** An image reference in a FROM or COPY --from line: a registry path with a tag, not yet pinned. */
const PINNABLE = /^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** A digest as registries give them. */
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The images a Dockerfile pulls, in the order it names them: FROM lines (not earlier stages or scratch) and COPY --from=image:tag. */
export function imagesToPin(dockerfile: string): string[] {
  const stages = new Set<string>();
  const images: string[] = [];
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    const copied = /^COPY\s+(?:--\S+\s+)*--from=(\S+)\s/i.exec(line);
    const image = from?.[1] ?? copied?.[1];
    if (image && PINNABLE.test(image) && !stages.has(image) && !images.includes(image)) images.push(image);
    if (from?.[2]) stages.add(from[2]);
  }
  return images;
}

/**
 * The Dockerfile with every image that has a digest written as `image:tag@digest`, each pinned FROM
 * under a comment that says what keeps it fresh. Digests are data: a value that is not one is refused.
 */
export function pinDockerfile(dockerfile: string, digests: Readonly<Record<string, string>>): string {
  for (const [image, digest] of Object.entries(digests)) {
    if (!PINNABLE.test(image) || !DIGEST.test(digest)) throw new Error(`not an image and its digest: ${image} ${digest}`);
  }
  const pinned = (image: string) => (digests[image] ? `${image}@${digests[image]}` : image);
  return dockerfile
    .split('\n')
    .flatMap((line) => {
      const from = /^(FROM\s+(?:--platform=\S+\s+)?)(\S+)(.*)$/i.exec(line);
      if (from && digests[from[2]!]) {
        const comment = `# ${from[2]} pinned to its digest of today; Renovate and Dependabot update tag and digest together.`;
        return [comment, `${from[1]}${pinned(from[2]!)}${from[3]}`];
      }
      return [line.replace(/^(COPY\s+(?:--\S+\s+)*--from=)(\S+)(\s)/i, (_all, head: string, image: string, space: string) => `${head}${pinned(image)}${space}`)];
    })
    .join('\n');
}

/**
 * The Dockerfile as it was before pinDockerfile: digests and their comments taken out. `stagecraft
 * check` compares tags: a digest moves with every rebuild of its tag, which the bots keep up with.
 */
export const unpinDockerfile = (dockerfile: string) =>
  dockerfile.replace(/^# \S+ pinned to its digest of today; Renovate and Dependabot update tag and digest together\.\n/gm, '').replace(/@sha256:[0-9a-f]{64}(?=\s|$)/gm, '');

/** What a registry said for each image, or why it could not be asked: the first failure stops the rest. */
export type Resolution = { digests: Record<string, string> } | { failed: string };

/** Asks the registry of each image for the digest of its tag (`docker buildx imagetools inspect`), one at a time. */
export async function resolveDigests(images: readonly string[]): Promise<Resolution> {
  const { execa } = await import('execa');
  const digests: Record<string, string> = {};
  for (const image of images) {
    const inspected = await execa('docker', ['buildx', 'imagetools', 'inspect', image], { reject: false, timeout: 30_000 });
    const digest = /^Digest:\s+(sha256:[0-9a-f]{64})\s*$/m.exec(inspected.stdout)?.[1];
    if (inspected.exitCode !== 0 || !digest) {
      const said = `${inspected.stderr || inspected.stdout || inspected.shortMessage}`.split('\n')[0]!.replace(/^ERROR:\s*/, '');
      return { failed: `${image}: ${said.slice(0, 200)}` };
    }
    digests[image] = digest;
  }
  return { digests };
}
