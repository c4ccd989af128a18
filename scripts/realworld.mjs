#!/usr/bin/env node
// npm run test:realworld: runs the built CLI with --json --yes on every app materialized by
// scripts/realworld-materialize.mjs and scores what it detected against test/realworld/apps.json,
// field by field. Writes docs/realworld.md and results/realworld.json; exits 1 when an app stops
// without a good reason or a field is wrong. Without materialized apps it skips in one line.
//
//   node scripts/realworld.mjs [--only id,id] [--no-docs]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { appsFile, manifestName, realworldDir } from './realworld-materialize.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli.cjs');
const FIELDS = ['language', 'version', 'packageManager', 'entry', 'port', 'workspace', 'cgo', 'launch', 'services'];
const LANGUAGES = ['go', 'rust', 'node', 'python', 'java'];
// A field a stop message asks for, by the flag it names.
const FLAG_FIELD = { '--entry': 'entry', '--build-tool': 'packageManager', '--lang': 'language', '--port': 'port' };

// ---- the one place that reads stagecraft's --json output ------------------------------------
// Node runs an npm bin through its file under node_modules; the command a person writes names the
// bin. Only the bins the apps use are listed.
const NODE_BINS = { '@remix-run/serve': 'remix-serve' };

/** What stagecraft's --json says, in the truth's terms (see test/realworld/apps.json's "about"). */
export function fromStagecraft(report) {
  const json = rootService(report);
  const f = json.facts ?? {};
  const lang = f.language;
  const rv = f.runtimeVersion ?? null;
  const version = {
    value: rv?.value ?? null,
    file: rv?.evidence?.file ?? (lang === 'rust' ? (f.minimumVersion?.evidence?.file ?? null) : null),
  };
  const javaBuild = lang === 'java' ? ((f.builds ?? []).find((b) => b.tool === json.plan?.build?.tool) ?? f.builds?.[0]) : null;
  const packageManager = {
    go: 'go',
    rust: 'cargo',
    // yarn-classic and yarn-berry are both yarn to the truth.
    node: f.packageManager?.value?.replace(/^yarn-.*/, 'yarn'),
    python: f.tool?.value,
    java: json.plan?.build?.tool ?? javaBuild?.tool,
  }[lang];
  let entry = json.answers?.entry ?? null;
  if (lang === 'node')
    entry = f.start?.value
      ? nodeCommand([f.start.value[0], ...(f.nodeOptions?.value ?? []), ...f.start.value.slice(1)])
      : f.staticSite
        ? `static:${f.staticSite.value.outDir}`
        : null;
  if (lang === 'python') entry = pythonEntry(json.plan?.entrypoint ?? [], f.scripts ?? []);
  const port = json.answers?.port ?? json.plan?.port ?? null;
  const workspace =
    lang === 'node'
      ? Boolean(f.workspace)
      : lang === 'rust'
        ? (f.workspaceMembers?.length ?? 0) > 0 || Boolean(f.enclosingWorkspace)
        : lang === 'java'
          ? (f.builds ?? []).some((b) => b.multiModule)
          : false;
  const app = javaBuild?.apps?.find((a) => a.module === (json.answers?.entry ?? '.')) ?? javaBuild?.apps?.[0];
  const kind = app?.launch?.value?.kind ?? null;
  return {
    language: lang,
    version,
    packageManager: packageManager ?? null,
    entry,
    port: port === null ? 'none' : port,
    workspace,
    cgo: f.cgo?.value ?? null,
    launch: kind === null ? null : ['spring-boot', 'quarkus'].includes(kind) ? kind : 'plain',
    services: report.workspace ? workspaceServices(report) : null,
  };
}

/**
 * At a workspace root, every member stagecraft calls a service, by folder: its entry and port as its
 * own run says them, or, for one left out (its run stopped), why.
 */
function workspaceServices(report) {
  const services = {};
  for (const member of report.workspace.members.filter((candidate) => candidate.deployable)) {
    const service = report.services.find((candidate) => candidate.target === member.target && member.target !== null);
    const skipped = report.skipped?.find((candidate) => candidate.folder === member.folder);
    if (!service) {
      services[member.folder] = { entry: null, port: null, left: skipped?.reason ?? 'not generated' };
      continue;
    }
    const { entry, port } = fromStagecraft(service);
    services[member.folder] = { entry, port };
  }
  return services;
}
// ----------------------------------------------------------------------------------------------

/**
 * At a workspace root with several services the report lists each service's run; the truth describes
 * the app of the root folder itself (a Cargo root that is a package), so that service's run is scored.
 * Any other report is one run already.
 */
function rootService(report) {
  if (!report.workspace) return report;
  const root = report.workspace.members.find((member) => member.folder === '.' && member.target !== null);
  // A root that is no app itself (a virtual workspace): its language, package manager and workspace are its services' (each service is scored under "services").
  return report.services.find((service) => service.target === root?.target) ?? report.services[0] ?? {};
}

/** "cross-env NODE_ENV=production node ./server.js" -> "node server.js"; resolved bins by name. */
export function nodeCommand(command) {
  let tokens = Array.isArray(command) ? [...command] : String(command).trim().split(/\s+/);
  if (tokens[0] === 'cross-env') tokens.shift();
  while (tokens.length && /^[A-Z_][A-Z0-9_]*=/.test(tokens[0])) tokens.shift();
  tokens = tokens.map((t) => t.replace(/^\.\//, ''));
  const bin = tokens[0] === 'node' && /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(tokens[1] ?? '');
  if (bin) tokens = [NODE_BINS[bin[1]] ?? bin[1], ...tokens.slice(2)];
  return tokens.join(' ');
}

/** An ENTRYPOINT as the truth writes Python entries: module:app, file.py, -m module, cmd:program. */
function pythonEntry(entrypoint, scripts) {
  // An init in front (`/usr/bin/tini --`) forwards signals; the entry is what it runs.
  const program = entrypoint[0] === '/usr/bin/tini' && entrypoint[1] === '--' ? entrypoint.slice(2) : entrypoint;
  const tokens = program.map((t) => t.replace(/^\/opt\/venv\/bin\//, ''));
  if (!tokens.length) return null;
  if (/^python[\d.]*$/.test(tokens[0])) return tokens[1] === '-m' ? `-m ${tokens[2]}` : (tokens[1] ?? null);
  const target = tokens.find((t) => /^[A-Za-z_][\w.]*:[A-Za-z_]\w*(\(.*\))?$/.test(t));
  // pkg.__init__:app names the same object as pkg:app.
  if (target) return target.replace(/\.__init__:/, ':');
  // Facts of [project.scripts] names: { value: "start", evidence }.
  const names = scripts.map((s) => (typeof s === 'string' ? s : typeof s?.value === 'string' ? s.value : (s?.value?.name ?? s?.name)));
  return names.includes(tokens[0]) ? `script:${tokens[0]}` : `cmd:${tokens[0]}`;
}

const anyOf = (expected) => (Array.isArray(expected) ? expected : [expected]);
const plainFile = (p) => (p == null ? null : String(p).replace(/^\.\//, ''));

function versionMatches(language, expected, got) {
  if (expected.value === null) return got.file === null;
  if (!anyOf(expected.file).map(plainFile).includes(plainFile(got.file))) return false;
  if (got.value === null) return false;
  const want = String(expected.value).trim();
  if (want === 'stable') return true;
  const java = (v) => String(v).replace(/^1\.(\d+)$/, '$1');
  if (/^v?\d+(\.\d+)*$/.test(want)) {
    const w = java(want.replace(/^v/, '')).split('.').map(Number);
    const g = java(String(got.value)).split('.').map(Number);
    // Go's go directive and Rust's rust-version are minimums; Node's and Java's are exact.
    if (language === 'go' || language === 'rust') return compare(g, w) >= 0;
    return w.slice(0, g.length).every((n, i) => n === g[i]) && g.length <= w.length;
  }
  const coerced = semver.coerce(String(got.value));
  // A PEP 440 specifier set separates its clauses with commas (">=3.8,<4.0"); a semver range, with spaces.
  const range = want.replace(/\s*,\s*/g, ' ').replace(/(^|\s)(>=|<=|>|<|\^|~)\s+/g, '$1$2');
  return coerced !== null && semver.satisfies(coerced, range, { loose: true });
}

function compare(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** One entry against the truth's: Node's as the command a person writes; a null truth is not scored. */
function entryMatches(language, expected, got) {
  if (expected === null) return true;
  return language === 'node' ? anyOf(expected).map(nodeCommand).includes(got) : anyOf(expected).includes(got);
}

/** A workspace root's services: the same members are services, and each has the truth's entry and port (null: not scored). */
function servicesMatch(language, expected, got) {
  if (got === null) return false;
  const folders = (services) => Object.keys(services).sort().join(' ');
  if (folders(expected) !== folders(got)) return false;
  return Object.entries(expected).every(([folder, want]) => {
    const service = got[folder];
    // A member without a production entry in its files (null) may be left out asking for one, as a person would have to choose it.
    if (service.left !== undefined) return want.entry === null && service.left.includes('--entry');
    return entryMatches(language, want.entry, service.entry) && (want.port == null || anyOf(want.port).includes(service.port));
  });
}

/** { field: { expected, got, ok } } for every field the truth decides. */
export function score(truth, got) {
  const out = {};
  for (const field of FIELDS) {
    if (!(field in truth)) continue;
    const expected = truth[field];
    if (expected === null || (field === 'version' && expected.value === undefined)) {
      out[field] = { expected: null, got: got[field], ok: null };
      continue;
    }
    const ok =
      field === 'services'
        ? servicesMatch(truth.language, expected, got.services)
        : field === 'version'
          ? versionMatches(truth.language, expected, got.version)
          : field === 'entry' && truth.language === 'node'
            ? anyOf(expected).map(nodeCommand).includes(got.entry)
            : field === 'entry' && typeof expected === 'string' && expected.startsWith('cmd:')
              ? got.entry === expected
              : anyOf(expected).includes(got[field]);
    out[field] = { expected, got: got[field], ok };
  }
  return out;
}

function run(dir, flags) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, dir, '--json', '--yes', ...flags], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', CI: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code: signal ? `killed (${signal})` : code, stdout, stderr });
    });
  });
}

const stopMessage = (r) =>
  r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('warning:'))
    .join(' ') || `exit ${r.code}, nothing on stderr`;

async function check(app, dir) {
  const appDir = join(dir, app.id, app.materialize !== undefined ? app.path : '');
  let r = await run(appDir, []);
  let stop = null;
  if (r.code !== 0) {
    const message = stopMessage(r);
    const asked = Object.entries(FLAG_FIELD)
      .filter(([flag]) => message.includes(flag))
      .map(([, field]) => field);
    // A static site answered as one (exit 3, the folder its truth names) is the right answer, not a stop to excuse.
    const staticDir = typeof app.truth.entry === 'string' && app.truth.entry.startsWith('static:') ? app.truth.entry.slice('static:'.length) : null;
    // An app stagecraft refuses on purpose (apps.json's designRefusal: a WebAssembly app) is answered the same way.
    const staticSite =
      (staticDir !== null && r.code === 3 && message.startsWith('stagecraft: this is a static site') && message.includes(` writes ${staticDir}/`)) ||
      (app.designRefusal !== undefined && r.code === 3 && message.includes(app.designRefusal));
    const good = staticSite || (asked.length > 0 && asked.every((f) => (app.asks ?? []).includes(f)));
    stop = { code: r.code, message, good, staticSite, designWhy: staticDir !== null ? 'a static site' : 'refused by design' };
    // A refused combination (exit 3) is about the default base, not detection: the other fields
    // are still scored, on a rerun with --base slim, and the stop still counts.
    const rerun = staticSite ? null : good ? app.flags : r.code === 3 && message.includes('--base') ? ['--base', 'slim'] : null;
    // The static site's refusal still prints the detected facts with --json: they are scored.
    if (!rerun && !staticSite) return { app, stop, fields: null };
    if (rerun) {
      stop.rerun = rerun;
      r = await run(appDir, rerun);
      if (r.code !== 0) return { app, stop: { code: r.code, message: stopMessage(r), good: false, flags: app.flags }, fields: null };
    }
  }
  let json;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    return { app, stop: { code: r.code, message: `--json printed no JSON: ${r.stdout.slice(0, 120)}`, good: false }, fields: null };
  }
  const fields = score(app.truth, fromStagecraft(json));
  if (stop?.good && !stop.staticSite) for (const f of app.asks) delete fields[f]; // answered by the flags, so not scored
  return { app, stop, fields, warnings: json.warnings ?? [] };
}

async function pool(items, size, worker) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await worker(items[i]);
      }
    }),
  );
  return results;
}

const show = (v) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const pct = (right, total) => (total ? `${Math.round((100 * right) / total)}%` : '—');
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function report(results, missing) {
  const ran = results.filter((r) => r.fields);
  const badStops = results.filter((r) => r.stop && !r.stop.good);
  const askedStops = results.filter((r) => r.stop?.good && !r.stop.staticSite);
  const staticStops = results.filter((r) => r.stop?.staticSite);
  const lines = [];
  const count = (rs, field, lang) => {
    let right = 0;
    let total = 0;
    for (const r of rs) {
      if (lang && r.app.truth.language !== lang) continue;
      const s = r.fields?.[field];
      if (!s || s.ok === null) continue;
      total++;
      if (s.ok) right++;
    }
    return { right, total };
  };
  const all = FIELDS.map((f) => count(ran, f)).reduce((a, b) => ({ right: a.right + b.right, total: a.total + b.total }));
  lines.push(
    '# Real-world apps: what stagecraft detects',
    '',
    '<!-- written by `npm run test:realworld` (scripts/realworld.mjs); do not edit by hand -->',
    '',
    `${results.length} public apps from repositories we did not write (list and truth: [\`test/realworld/apps.json\`](../test/realworld/apps.json)), ` +
      'each read by hand from its own files at a pinned commit. The CLI ran with `--json --yes` on each; every field it detected is compared with that truth.',
    '',
    `- apps: ${LANGUAGES.map((l) => `${l} ${results.filter((r) => r.app.truth.language === l).length}`).join(', ')}`,
    `- fields right: **${all.right} of ${all.total} (${pct(all.right, all.total)})** over the ${ran.length} apps that gave JSON`,
    `- apps with every scored field right: ${ran.filter((r) => Object.values(r.fields).every((s) => s.ok !== false)).length} of ${results.length}`,
    `- stops under \`--yes\` without a good reason: **${badStops.length}** (${badStops.filter((r) => r.fields).length} of them a refused default base, scored on a rerun with \`--base slim\`); stops that ask what a person would also have to choose: ${askedStops.length} (run again with the answer from apps.json, and scored on the other fields); refused by design (a static site: exit 3 and the folder the build writes; an app apps.json's designRefusal names), scored on the facts --json prints: ${staticStops.length}`,
    ...(missing.length ? [`- not materialized, so not run: ${missing.join(', ')}`] : []),
    '',
    'How to run: `node scripts/realworld-materialize.mjs` (copies the apps from local git mirrors into ' +
      '`$STAGECRAFT_REALWORLD_DIR`, default `node_modules/.cache/stagecraft/realworld`), then `npm run test:realworld` (no Docker, about a minute). ' +
      'A field whose truth is `null` (undecidable from the files) is not scored.',
    '',
    '## Right per language and field',
    '',
    `| language | apps | stops | ${FIELDS.join(' | ')} |`,
    `| --- | --- | --- | ${FIELDS.map(() => '---').join(' | ')} |`,
  );
  for (const lang of LANGUAGES) {
    const rs = results.filter((r) => r.app.truth.language === lang);
    const cells = FIELDS.map((f) => {
      const c = count(rs, f);
      return c.total ? `${c.right}/${c.total} (${pct(c.right, c.total)})` : '—';
    });
    lines.push(`| ${lang} | ${rs.length} | ${rs.filter((r) => r.stop && !r.stop.good).length} | ${cells.join(' | ')} |`);
  }
  lines.push(
    `| **all** | ${results.length} | ${badStops.length} | ${FIELDS.map((f) => {
      const c = count(ran, f);
      return c.total ? `${c.right}/${c.total} (${pct(c.right, c.total)})` : '—';
    }).join(' | ')} |`,
    '',
    '## Stops',
    '',
  );
  const stops = results.filter((r) => r.stop);
  if (!stops.length) lines.push('None.');
  else {
    lines.push('| app | good reason | scored on a rerun with | exit | message |', '| --- | --- | --- | --- | --- |');
    for (const r of stops) {
      lines.push(
        `| ${r.app.id} | ${r.stop.staticSite ? `yes (${r.stop.designWhy})` : r.stop.good ? `yes (asks ${r.app.asks.join(', ')})` : 'no'} | ${r.stop.rerun ? `\`${r.stop.rerun.join(' ')}\`` : '—'} | ${r.stop.code} | ${cell(r.stop.message)} |`,
      );
    }
  }
  lines.push('', '## Misses', '', 'Every scored field that differs from the truth, with why the truth says what it says.', '');
  const misses = ran.flatMap((r) =>
    Object.entries(r.fields)
      .filter(([, s]) => s.ok === false)
      .map(([field, s]) => ({ r, field, s })),
  );
  if (!misses.length) lines.push('None.');
  else {
    lines.push("| app | field | expected | got | why (from the app's files) |", '| --- | --- | --- | --- | --- |');
    for (const { r, field, s } of misses.sort((a, b) => a.field.localeCompare(b.field) || a.r.app.id.localeCompare(b.r.app.id))) {
      lines.push(`| ${r.app.id} | ${field} | ${cell(show(s.expected))} | ${cell(show(s.got))} | ${cell(r.app.why?.[field] ?? '')} |`);
    }
  }
  lines.push('', '## Apps', '', '| app | repository | path | commit |', '| --- | --- | --- | --- |');
  for (const r of results) {
    lines.push(
      `| ${r.app.id} | [${r.app.repo}](https://github.com/${r.app.repo}/tree/${r.app.commit}/${r.app.path === '.' ? '' : r.app.path}) | ${r.app.path} | ${r.app.commit.slice(0, 12)} |`,
    );
  }
  return { markdown: lines.join('\n') + '\n', badStops: badStops.length, misses: misses.length, all };
}

async function main() {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? new Set(args[args.indexOf('--only') + 1].split(',')) : null;
  const dir = realworldDir();
  const manifestPath = join(dir, manifestName);
  if (!existsSync(manifestPath)) {
    console.log(`test:realworld: skipped, no apps in ${dir}: run \`node scripts/realworld-materialize.mjs\` first (needs the git mirrors; see docs/realworld.md)`);
    return;
  }
  if (!existsSync(cli)) throw new Error(`${cli} is missing: npm run build`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const { apps } = JSON.parse(readFileSync(appsFile, 'utf8'));
  const chosen = apps.filter((a) => !only || only.has(a.id));
  const present = chosen.filter((a) => manifest[a.id]?.commit === a.commit);
  const missing = chosen.filter((a) => !present.includes(a)).map((a) => a.id);
  const started = Date.now();
  const results = await pool(present, Math.max(2, availableParallelism()), (app) => check(app, dir));
  const { markdown, badStops, misses, all } = report(results, missing);
  if (!args.includes('--no-docs') && !only) writeFileSync(join(root, 'docs/realworld.md'), markdown);
  mkdirSync(join(root, 'results'), { recursive: true });
  writeFileSync(
    join(root, 'results/realworld.json'),
    JSON.stringify(
      results.map((r) => ({ id: r.app.id, language: r.app.truth.language, stop: r.stop, fields: r.fields, warnings: r.warnings ?? [] })),
      null,
      2,
    ) + '\n',
  );
  console.log(
    `test:realworld: ${results.length} apps in ${((Date.now() - started) / 1000).toFixed(1)} s; fields right ${all.right}/${all.total} (${pct(all.right, all.total)}); ` +
      `${misses} wrong, ${badStops} stopped without a good reason${missing.length ? `; ${missing.length} not materialized` : ''}. See docs/realworld.md`,
  );
  if (badStops || misses) process.exitCode = 1;
}

main().catch((e) => {
  console.error(`test:realworld: ${e.stack ?? e}`);
  process.exit(70);
});
