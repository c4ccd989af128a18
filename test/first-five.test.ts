import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './helpers.js';

/*
 * The first five minutes of a new user: typos, --help, --dry-run, flags npm create keeps for
 * itself, an existing Dockerfile. Each through the built CLI, as a user runs it.
 */

describe('a typo gets a suggestion', () => {
  it.each([
    [['--bse', 'distroless'], 'stagecraft: unknown option --bse (did you mean --base?)'],
    [['--dryrun'], 'stagecraft: unknown option --dryrun (did you mean --dry-run?)'],
    [['--bse=distroless'], 'stagecraft: unknown option --bse (did you mean --base?)'],
    [['--base', 'distroles'], 'stagecraft: --base distroles: expected one of slim, alpine, distroless, scratch (did you mean distroless?)'],
    [['--debug', 'stag'], 'stagecraft: --debug stag: expected one of none, stage, shell (did you mean stage?)'],
  ])('%j', async (args, message) => {
    const { exitCode, stderr } = await runCli([fixture('node-express'), ...args]);
    expect(exitCode).toBe(1);
    expect(stderr.trim()).toBe(message);
  });

  it('nothing close, no guess', async () => {
    const { stderr } = await runCli(['--frobnicate']);
    expect(stderr.trim()).toBe('stagecraft: unknown option --frobnicate (see --help)');
  });

  it.each([
    ['node-express', 'a Node major such as 24'],
    ['python-stdlib', 'a Python minor'],
    ['go-root-main', 'a Go release such as 1.23'],
  ])('--runtime-version lts in %s shows that language’s example', async (name, example) => {
    const { exitCode, stderr } = await runCli([fixture(name), '--yes', '--stdout', '--runtime-version', 'lts']);
    expect(exitCode).toBe(1);
    expect(stderr).toContain(`stagecraft: --runtime-version lts: expected ${example}`);
  });
});

describe('--dry-run', () => {
  it("shows a new file's whole content, not only that it would be created", async () => {
    const { exitCode, stdout } = await runCli([fixture('go-root-main'), '--yes', '--dry-run'], { env: { NO_COLOR: '1' } });
    expect(exitCode).toBe(0);
    expect(stdout).toContain('created Dockerfile (dry run, nothing written)\n===');
    expect(stdout).toContain('--- /dev/null');
    expect(stdout).toContain('+++ b/Dockerfile');
    expect(stdout).toMatch(/^\+FROM gcr.io\/distroless\/static-debian12:nonroot AS production$/m);
    expect(stdout).toContain('+++ b/.dockerignore');
    expect(stdout).not.toContain('\u001b[');
  });

  it('colours the diff when asked to (FORCE_COLOR), and NO_COLOR alone outside a terminal stays plain', async () => {
    const coloured = await runCli([fixture('go-root-main'), '--yes', '--dry-run'], { env: { FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\u001b[32m+FROM gcr.io/distroless/static-debian12:nonroot AS production\u001b[0m');
    const plain = await runCli([fixture('go-root-main'), '--yes', '--dry-run'], { env: { FORCE_COLOR: '0' } });
    expect(plain.stdout).not.toContain('\u001b[');
  });
});
