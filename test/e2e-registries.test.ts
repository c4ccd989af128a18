import { describe, expect, it } from 'vitest';
import { parseProbeOutput } from './e2e/registries.js';

// The e2e suite decides which registry-dependent cells it builds from probe-registries.sh's lines.
describe('parseProbeOutput (e2e registry probe)', () => {
  it('reads OK and NO lines with their reasons, and ignores anything else', () => {
    const output = [
      'OK npm (node:24-trixie-slim): 3.0.0',
      'NO pypi (python:3.13-slim-trixie): ERROR: Could not find a version that satisfies the requirement six==1.16.0',
      'NO uv: stand-in python:3.13-slim-trixie could not be made',
      'WARNING: something from ensure-images',
      '?? gradle: unknown (npm pypi uv crates go maven)',
      'OK maven (maven:3.9-eclipse-temurin-21): got junit',
    ].join('\n');
    expect(parseProbeOutput(output)).toEqual([
      { registry: 'npm', ok: true, detail: '(node:24-trixie-slim): 3.0.0' },
      { registry: 'pypi', ok: false, detail: '(python:3.13-slim-trixie): ERROR: Could not find a version that satisfies the requirement six==1.16.0' },
      { registry: 'uv', ok: false, detail: 'stand-in python:3.13-slim-trixie could not be made' },
      { registry: 'maven', ok: true, detail: '(maven:3.9-eclipse-temurin-21): got junit' },
    ]);
  });
});
