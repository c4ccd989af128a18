import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Generated output and the projects stagecraft reads, not stagecraft's own code.
  { ignores: ['dist/', 'node_modules/', 'snapshots/', 'examples/', 'templates/', 'test/fixtures/', 'test/corpus/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
);
