import { projectError } from '../../errors.js';

export interface GoModRequire {
  path: string;
  version: string;
  line: number;
}

export interface GoMod {
  module: { path: string; line: number };
  go: { version: string; line: number } | null;
  toolchain: { version: string; line: number } | null;
  requires: GoModRequire[];
}

/** Directives the go command accepts in go.mod; anything else is a syntax error there too. */
const KNOWN_DIRECTIVES = new Set(['module', 'go', 'toolchain', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore']);
/** Directives go.work accepts. */
const WORK_DIRECTIVES = new Set(['go', 'toolchain', 'godebug', 'use', 'replace']);
const GO_VERSION = /^1(\.\d+){1,2}((rc|beta)\d+)?$/;
const TOOLCHAIN = /^go(1(\.\d+){1,2}((rc|beta)\d+)?)(\+.*)?$|^default$/;

const stripComment = (line: string) => {
  const at = line.indexOf('//');
  return (at === -1 ? line : line.slice(0, at)).trim();
};

/** Canonical module versions, pseudo-versions and +incompatible included, as go.mod always writes them. */
const MODULE_VERSION = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

const unquote = (token: string) => (token.startsWith('"') && token.endsWith('"') ? token.slice(1, -1) : token.replace(/^`|`$/g, ''));

/**
 * Parses the parts of go.mod that decide how to build: the module path, the `go` and `toolchain`
 * directives and the required modules. Errors name the file and line, as `go` itself would.
 */
export function parseGoMod(text: string, file = 'go.mod'): GoMod {
  const { module, ...rest } = parseGoFile(text, file, KNOWN_DIRECTIVES);
  if (!module) throw projectError(`${file}: no module directive`);
  return { module, go: rest.go, toolchain: rest.toolchain, requires: rest.requires };
}

/** go.work: the `go` and `toolchain` directives and the module folders it `use`s. */
export interface GoWork {
  go: GoMod['go'];
  toolchain: GoMod['toolchain'];
  uses: { path: string; line: number }[];
}

export function parseGoWork(text: string, file = 'go.work'): GoWork {
  const { go, toolchain, uses } = parseGoFile(text, file, WORK_DIRECTIVES);
  if (uses.length === 0) throw projectError(`${file}: no use directive names a module`);
  return { go, toolchain, uses };
}

function parseGoFile(text: string, file: string, directives: Set<string>) {
  const fail = (line: number, problem: string) => projectError(`${file}:${line}: ${problem}`);
  let module: GoMod['module'] | undefined;
  let go: GoMod['go'] = null;
  let toolchain: GoMod['toolchain'] = null;
  const requires: GoModRequire[] = [];
  const uses: GoWork['uses'] = [];
  const addUse = (lineNo: number, pathToken: string) => uses.push({ path: unquote(pathToken).replace(/^\.\//, '').replace(/\/+$/, '') || '.', line: lineNo });
  let block: { directive: string; line: number } | null = null;
  const addRequire = (lineNo: number, line: string, [pathToken, version]: string[]) => {
    if (!pathToken || !version) throw fail(lineNo, `malformed require line "${line}"`);
    if (!MODULE_VERSION.test(version)) throw fail(lineNo, `invalid version "${version}" for ${unquote(pathToken)} (expected e.g. v1.2.3)`);
    requires.push({ path: unquote(pathToken), version, line: lineNo });
  };

  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = stripComment(raw);
    if (line === '') return;
    if (block) {
      if (line === ')') {
        block = null;
        return;
      }
      if (block.directive === 'require') addRequire(lineNo, line, line.split(/\s+/));
      if (block.directive === 'use') addUse(lineNo, line.split(/\s+/)[0]!);
      return;
    }
    const [directive, ...args] = line.split(/\s+/);
    if (!directives.has(directive!)) throw fail(lineNo, `unknown directive "${directive}"`);
    if (args[0] === '(') {
      if (args.length > 1) throw fail(lineNo, `unexpected text after "("`);
      block = { directive: directive!, line: lineNo };
      return;
    }
    if (args.length === 0) throw fail(lineNo, `"${directive}" needs an argument`);
    switch (directive) {
      case 'module':
        if (module) throw fail(lineNo, `repeated module directive (first at line ${module.line})`);
        module = { path: unquote(args[0]!), line: lineNo };
        break;
      case 'go':
        if (!GO_VERSION.test(args[0]!)) throw fail(lineNo, `invalid go version "${args[0]}" (expected e.g. 1.23 or 1.23.4)`);
        go = { version: args[0]!, line: lineNo };
        break;
      case 'toolchain':
        if (!TOOLCHAIN.test(args[0]!)) throw fail(lineNo, `invalid toolchain "${args[0]}" (expected e.g. go1.23.4)`);
        toolchain = { version: args[0]!, line: lineNo };
        break;
      case 'require':
        addRequire(lineNo, line, args);
        break;
      case 'use':
        addUse(lineNo, args[0]!);
        break;
    }
  });
  if (block) throw fail((block as { line: number }).line, `"${(block as { directive: string }).directive} (" is never closed`);
  return { module, go, toolchain, requires, uses };
}
