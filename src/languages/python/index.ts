import type { PythonFacts } from './detect.js';
import { ENTRY_FORMS } from './entry.js';
import { PYTHON_MANIFESTS, PYTHON_SCRIPTS } from './manifests.js';
import type { PythonPlan } from './schema.js';
import { defineLanguage } from '../../core/language.js';

export const python = defineLanguage<PythonFacts, PythonPlan>({
  language: 'python',
  markers: [...PYTHON_MANIFESTS, ...PYTHON_SCRIPTS],
  ownFolders: ['.venv', 'venv'],
  runtimeVersion: {
    example: 'a Python minor such as 3.12',
    source: '.python-version, mise.toml, .tool-versions, requires-python, runtime.txt, Pipfile or tool.poetry.dependencies.python',
    normalize: (raw) => {
      const [major, minor] = raw.split('.');
      return major === '3' && minor !== undefined ? `3.${minor}` : null;
    },
  },
  entry: { help: ENTRY_FORMS },
  imageProfiles: [
    // dhi.io sizes are the offline stand-ins', built from the Debian 13 packages the catalog lists.
    { image: /^dhi\.io\/python:/, profile: { sizeMB: 159, libc: 'glibc', shell: 'none (the -dev variant adds bash)' } },
    { image: /^gcr\.io\/distroless\/python3-/, profile: { sizeMB: 53, libc: 'glibc', shell: 'none (the :debug variant adds busybox)' } },
    { image: /^python:.*alpine/, profile: { sizeMB: 50, libc: 'musl', shell: 'busybox sh' } },
    { image: /^python:.*-slim/, profile: { sizeMB: 125, libc: 'glibc', shell: 'bash' } },
  ],
  downloadCommands: ['pip3? install', 'uv (sync|pip)', 'poetry install'],
  load: async () => (await import('./support.js')).support,
});
