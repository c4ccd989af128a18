import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Generated output (results/ holds the bundled test:realworld-build script) and the projects stagecraft reads, not stagecraft's own code.
  { ignores: ['dist/', 'node_modules/', 'results/', 'snapshots/', 'examples/', 'templates/', 'test/fixtures/', 'test/corpus/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
);
