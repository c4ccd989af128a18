import type { Evidence } from '../../core/facts.js';
import { fileSecret, firstLine, variablesSetIn, type BuildSecret } from '../../core/secrets.js';
import type { ProjectFiles } from '../../project.js';

/*
 * What a Python install needs to reach a private index. The build stage runs as root (every
 * builder image: python, Debian, the hardened -dev one), and each file is mounted where its tools
 * read it whatever HOME is: pip reads /etc/pip.conf (its global file); pip (through requests) and
 * uv read /root/.netrc for root. Variables are exported to the install step only.
 */

/** A pip.conf line that picks an index other than PyPI (a private one, with or without credentials). */
const PIP_INDEX = /^\s*(?:index-url|extra-index-url|index|find-links|trusted-host)\s*[=:]/m;

/** The variables pip and uv read an index (and its credentials) from. */
const INDEX_VARIABLES = ['PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'UV_INDEX_URL', 'UV_EXTRA_INDEX_URL', 'UV_DEFAULT_INDEX', 'UV_INDEX'];

/** A requirements option that names an index with a password in its URL (`https://user:token@host/simple`). */
const LITERAL_INDEX_CREDENTIAL = /^\s*(?:-i|--index-url|--extra-index-url)[\s=]+\w+:\/\/[^\s/@$]+:[^\s/@$]+@/m;

export interface PythonSecrets {
  secrets: BuildSecret[];
  /** A requirements file with a password in an index URL: the image copies that file, so it is refused (rules.ts). */
  literalIndexCredential: Evidence | null;
  /** pip.conf names the index: uv never reads it (rules.ts warns). */
  pipConf: Evidence | null;
}

export function detectPythonSecrets(project: ProjectFiles, requirementFiles: readonly string[]): PythonSecrets {
  const secrets: BuildSecret[] = [];
  const pipConfText = project.hasFile('pip.conf') ? project.readText('pip.conf') : '';
  const index = firstLine(pipConfText, PIP_INDEX);
  const pipConf = index ? { file: 'pip.conf', line: index.line } : null;
  if (pipConf) secrets.push(fileSecret('pipconf', 'pip.conf', '/etc/pip.conf', pipConf));
  if (project.hasFile('.netrc')) secrets.push(fileSecret('netrc', '.netrc', '/root/.netrc', { file: '.netrc' }));
  secrets.push(...variablesSetIn(project, ['.env', '.envrc'], INDEX_VARIABLES));
  const literal = requirementFiles
    .filter((file) => project.hasFile(file))
    .map((file) => ({ file, found: firstLine(project.readText(file), LITERAL_INDEX_CREDENTIAL) }))
    .find(({ found }) => found !== null);
  return { secrets, literalIndexCredential: literal ? { file: literal.file, line: literal.found!.line } : null, pipConf };
}
