import { parseArgs } from 'node:util';
import { usageError } from './errors.js';
import { BASES, BASE_TRADEOFFS, DEBUG_MODES, DEBUG_TRADEOFFS, JAVA_RUNTIMES, JAVA_RUNTIME_TRADEOFFS } from './core/options.js';
import { FlagsSchema, type Flags } from './flags.js';

export const HELP = `Usage: stagecraft [dir] [options]
       stagecraft explain [dir] [options]   (the same as --explain)
       npm create stagecraft@latest [dir] -- [options]

Writes a multi-stage Dockerfile and a .dockerignore for the project in dir (default: .).
Asks what it cannot detect when run in a terminal; --yes plus flags runs without questions.

Options:
  --lang <go|rust|node|python|java>   language, instead of detecting it
  --base <slim|alpine|distroless|scratch>
                                      final base image
${BASES.map((base) => `                                        ${base.padEnd(11)} ${BASE_TRADEOFFS[base]}`).join('\n')}
  --debug <none|stage|shell>          debug needs
${DEBUG_MODES.map((mode) => `                                        ${mode.padEnd(11)} ${DEBUG_TRADEOFFS[mode]}`).join('\n')}
  --port <N|none>                     port the app listens on (none: it does not listen)
  --runtime-version <X>               language version: 1.23 for Go, a major such as 24 for Node, 3.12 for Python,
                                      a Java major such as 21; Rust: the rust builder's release, such as 1.85 or 1.85.1
  --entry <X>                         what to run: Go, the main package (./cmd/api); Node, the file (dist/server.js);
                                      Python, a file (app.py), a module for python -m (mypkg), module:app for
                                      gunicorn/uvicorn, or a [project.scripts] name; Rust, the binary target's name (api);
                                      Java, the module of a multi-module build (api)
  --build-tool <maven|gradle>         Java: which build to use when the project has both
  --java-runtime <jlink|jre>          Java on slim/alpine: the runtime the image ships
${JAVA_RUNTIMES.map((runtime) => `                                        ${runtime.padEnd(11)} ${JAVA_RUNTIME_TRADEOFFS[runtime]}`).join('\n')}
  -y, --yes                           accept detected answers and defaults, never prompt
  --save                              save the answers to stagecraft.json; later runs reuse them without asking
  --build                             after writing, docker build the image and show its size per layer
  --tag <name[:tag]>                  the image name --build gives (default: the project's name)
  --force                             overwrite an existing Dockerfile/.dockerignore that differs
  --dry-run                           show what would be written (with diffs), write nothing
  --stdout                            print the Dockerfile to stdout, write nothing
  --json                              print the detected facts and the plan as JSON, write nothing
  --explain                           say what ships in the image and why, and compare the bases; write nothing
  --verbose                           show stack traces of unexpected errors
  -h, --help                          this help
  -v, --version                       the version

Exit codes: 0 done, 1 bad or missing flag, 2 project unreadable or unsupported,
3 combination refused (the message says why), 4 existing file differs (nothing written),
5 --build: no Docker engine, or the build failed (the files are written),
73 the files cannot be written (the message says what was), 130 cancelled,
70 internal error (a bug in stagecraft: run again with --verbose and report it).
`;

export type ParsedArgs = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; flags: Flags };

/** Parses argv strictly: unknown flags and bad values are one-line usage errors. */
export function parseArguments(argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        lang: { type: 'string' },
        base: { type: 'string' },
        debug: { type: 'string' },
        port: { type: 'string' },
        'runtime-version': { type: 'string' },
        entry: { type: 'string' },
        'build-tool': { type: 'string' },
        'java-runtime': { type: 'string' },
        yes: { type: 'boolean', short: 'y', default: false },
        force: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        stdout: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        explain: { type: 'boolean', default: false },
        save: { type: 'boolean', default: false },
        build: { type: 'boolean', default: false },
        tag: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    // node's messages go on with advice about `--`; the first sentence is the useful part.
    throw usageError(`${(error as Error).message.split(/\.\s/)[0]} (see --help)`);
  }
  const { values } = parsed;
  // `stagecraft explain [dir]` reads as `stagecraft [dir] --explain`; a folder named explain is ./explain.
  const positionals = [...parsed.positionals];
  if (positionals[0] === 'explain') {
    positionals.shift();
    values.explain = true;
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length > 1) throw usageError(`one folder at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  const outputModes = (['dry-run', 'stdout', 'json', 'explain'] as const).filter((mode) => values[mode]);
  if (outputModes.length > 1) throw usageError(`--${outputModes.join(' and --')} cannot be combined`);
  for (const action of ['save', 'build'] as const) {
    if (values[action] && outputModes.length > 0) throw usageError(`--${action} writes, --${outputModes[0]} does not: use one of them`);
  }

  const result = FlagsSchema.safeParse({
    dir: positionals[0] ?? '.',
    lang: values.lang,
    base: values.base,
    debug: values.debug,
    port: values.port,
    runtimeVersion: values['runtime-version'],
    entry: values.entry,
    buildTool: values['build-tool'],
    javaRuntime: values['java-runtime'],
    yes: values.yes,
    force: values.force,
    dryRun: values['dry-run'],
    stdout: values.stdout,
    json: values.json,
    explain: values.explain,
    save: values.save,
    build: values.build,
    tag: values.tag,
    verbose: values.verbose,
  });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const flag = String(issue.path[0]).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    const given = (values as Record<string, unknown>)[flag] ?? '';
    throw usageError(`--${flag} ${String(given)}: ${describeIssue(issue)}`);
  }
  return { kind: 'run', flags: result.data };
}

function describeIssue(issue: { code: string; message: string; values?: unknown[] }): string {
  if (issue.code === 'invalid_value' && issue.values) return `expected one of ${issue.values.join(', ')}`;
  return issue.message;
}
