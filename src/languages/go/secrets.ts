import type { Evidence } from '../../core/facts.js';
import { fileSecret, settingIn, type BuildSecret } from '../../core/secrets.js';
import type { ProjectFiles } from '../../project.js';

/*
 * Private modules. GOPRIVATE (or GONOPROXY) names the modules go fetches directly from their
 * repositories instead of the proxy, with git over HTTPS, and git and go read the credentials from
 * $HOME/.netrc: /root/.netrc, as golang's images (and the hardened -dev one) build as root. The
 * pattern is no secret and is set in the build stage; the .netrc is the project's, or the
 * builder's own from their home folder.
 */

/** Where a project states the variables go reads (go.env, as `go env -w` writes them, and direnv's .envrc). */
const GO_ENV_FILES = ['go.env', '.envrc'];

/** Module path patterns, comma-separated: what GOPRIVATE holds, and nothing a Dockerfile line could misread. */
const MODULE_PATTERNS = /^[A-Za-z0-9.*_/-]+(,[A-Za-z0-9.*_/-]+)*$/;

export interface GoPrivate {
  /** GOPRIVATE's value (module patterns), and the line that sets it. */
  modules: string;
  evidence: Evidence;
  secrets: BuildSecret[];
}

export function detectGoPrivate(project: ProjectFiles): GoPrivate | null {
  for (const file of GO_ENV_FILES) {
    if (!project.hasFile(file)) continue;
    const text = project.readText(file);
    const setting = settingIn(text, 'GOPRIVATE') ?? settingIn(text, 'GONOPROXY');
    if (!setting || !MODULE_PATTERNS.test(setting.value)) continue;
    const evidence = { file, line: setting.line };
    const netrc: BuildSecret = project.hasFile('.netrc')
      ? fileSecret('netrc', '.netrc', '/root/.netrc', { file: '.netrc' })
      : { id: 'netrc', source: 'home', from: '.netrc', target: '/root/.netrc', evidence };
    return { modules: setting.value, evidence, secrets: [netrc] };
  }
  return null;
}
