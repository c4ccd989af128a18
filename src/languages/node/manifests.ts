/** The manifests a Node project may have: package.json, or pnpm's alternatives package.yaml and package.json5. */
export const NODE_MANIFESTS = ['package.json', 'package.yaml', 'package.json5'] as const;
