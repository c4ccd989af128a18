import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import {
  APPS_FILE,
  classify,
  freePort,
  generateFailure,
  leftOutFailure,
  reclassified,
  recordsFromReport,
  report,
  runFailure,
  type App,
  type BuildRecord,
} from '../scripts/realworld-build.js';
import { containerArguments, findProgram, parseServices, serviceVolumes } from '../scripts/realworld-services.js';
import { isLoopbackAddress, listeningInodes, stopProblem } from './e2e/docker.js';

const { apps } = JSON.parse(readFileSync(APPS_FILE, 'utf8')) as { apps: App[] };

describe('the truths npm run test:realworld-build reads from apps.json', () => {
  it('every app that does not listen says how to run it and what it prints', () => {
    const clis = apps.filter((app) => app.truth.port === 'none');
    expect(clis.length).toBeGreaterThan(0);
    for (const app of clis) {
      expect(app.run?.args, app.id).toBeInstanceOf(Array);
      expect(() => new RegExp(app.run!.expect), app.id).not.toThrow();
    }
  });

  it('needs and serves are what the script understands', () => {
    for (const app of apps) {
      if (app.needs)
        expect(
          app.needs.every((need) => typeof need === 'string' && need.length > 0),
          app.id,
        ).toBe(true);
      if (app.serves) expect(app.serves, app.id).toBe('tcp');
    }
  });

  it('args are strings, for a server, with the reason read from the app', () => {
    const given = apps.filter((app) => app.args);
    expect(given.map((app) => app.id)).toContain('rust-miniserve');
    for (const app of given) {
      expect(
        app.args!.every((arg) => typeof arg === 'string'),
        app.id,
      ).toBe(true);
      expect(app.truth.port, app.id).not.toBe('none');
      expect((app as App & { why?: Record<string, string> }).why?.args, app.id).toBeTruthy();
    }
  });
});

describe('the ports probes use', () => {
  // A port listen(0) handed out is free again once closed: the next listen(0) anywhere here may get it first.
  it('a free port is drawn below the ephemeral range, which listen(0) and outgoing connections use', async () => {
    const ephemeralFrom = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    for (let draw = 0; draw < 5; draw++) expect(await freePort()).toBeLessThan(ephemeralFrom);
  });

  it("a listening socket is found in the kernel's tables, so an answer can be traced to the container that holds it", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const inodes = listeningInodes(port);
    expect([...inodes.values()]).toEqual([true]);
    await new Promise((resolve) => server.close(resolve));
    expect(listeningInodes(port).size).toBe(0);
  });

  it('a server bound to every address is told from one on loopback only, which a published port cannot reach', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    expect([...listeningInodes((server.address() as AddressInfo).port).values()]).toEqual([false]);
    await new Promise((resolve) => server.close(resolve));
    // 127.0.0.1, 10.0.0.1 (little-endian words), ::1, ::, ::ffff:127.0.0.1
    expect(['0100007F', '0100000A', '00000000000000000000000001000000', '00000000000000000000000000000000', '0000000000000000FFFF00000100007F'].map(isLoopbackAddress)).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
  });
});

describe("a failure's cause", () => {
  it('a base image or frontend from Docker Hub, unreachable here, is the machine', () => {
    const log = [
      '#2 resolve image config for docker-image://docker.io/docker/dockerfile:1',
      '#2 ERROR: failed to do request: Head "https://registry-1.docker.io/v2/docker/dockerfile/manifests/1": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host',
    ].join('\n');
    const failure = classify('build', log, 'fallback');
    expect(failure.cause).toBe('machine');
    expect(failure.evidence[0]).toContain('registry-1.docker.io');
  });

  it('the Gradle distribution is the machine', () => {
    expect(classify('build', '#12 4.1 Downloading https://services.gradle.org/distributions/gradle-8.5-bin.zip\n#12 ERROR: process did not complete', 'x').cause).toBe('machine');
  });

  it("an artifact this machine's partial Maven Central lacks is the machine", () => {
    const log = '#15 15.17 [ERROR] \tCould not find artifact io.quarkus.platform:quarkus-maven-plugin:jar:3.38.3 in central (https://repo.maven.apache.org/maven2)';
    expect(classify('build', log, 'x').cause).toBe('machine');
    const wrapper =
      '#14 4.420 Exception in thread "main" java.io.FileNotFoundException: https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/3.6.0/apache-maven-3.6.0-bin.zip';
    expect(classify('build', wrapper, 'x').cause).toBe('machine');
    const cached = '#15 2.819 \tio.quarkus.platform:quarkus-maven-plugin:jar:3.38.3 was not found in https://repo.maven.apache.org/maven2 during a previous attempt.';
    expect(classify('build', cached, 'x').cause).toBe('machine');
  });

  it("an app's own defect, read by hand, is the app's only when its log shows it", () => {
    const defects = [{ log: "No module named 'pkg_resources'", why: 'gunicorn 20 imports pkg_resources' }];
    const log = "ModuleNotFoundError: No module named 'pkg_resources'";
    expect(classify('run', log, 'x', defects)).toMatchObject({ cause: 'app', why: 'gunicorn 20 imports pkg_resources' });
    expect(classify('run', 'ModuleNotFoundError: No module named flask', 'the server exited', defects)).toMatchObject({ cause: 'ours', why: 'the server exited' });
  });

  it('a compile error nobody explained is ours, quoted', () => {
    const log = [
      '#14 [build 5/6] RUN go build -o /out/app .',
      '#14 3.2 ./main.go:12:2: undefined: fiber.New',
      '#14 ERROR: process "/bin/sh -c go build" did not complete successfully: exit code: 1',
    ].join('\n');
    const failure = classify('build', log, 'the generated Dockerfile does not build');
    expect(failure).toMatchObject({ cause: 'ours', why: 'the generated Dockerfile does not build' });
    expect(failure.evidence).toContain('./main.go:12:2: undefined: fiber.New');
  });

  // realworld-axum-sqlx: built once as ours, its defect read by hand afterwards; the log already shows it.
  it("a kept build failure of ours is the app's once a defect read since explains its saved log", () => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), 'stagecraft-rw-log-')), 'app.log');
    writeFileSync(log, '#20 1271.1 error: `DATABASE_URL` must be set to use query macros\n#20 ERROR: process did not complete\n');
    const kept = { failure: { step: 'build', cause: 'ours', why: 'the generated Dockerfile does not build', evidence: [] }, log } as unknown as BuildRecord;
    const app = { defects: [{ log: '`DATABASE_URL` must be set to use query macros', why: 'its query! macros need a live database' }] } as App;
    expect(reclassified(kept, app)).toMatchObject({ step: 'build', cause: 'app', why: 'its query! macros need a live database' });
    expect(reclassified(kept, { ...app, defects: [] })).toBeNull();
    expect(reclassified({ ...kept, failure: { ...kept.failure!, step: 'run' } }, app)).toBeNull();
  });
});

/** A record as the build writes it, with what a test changes. */
const record = (overrides: Partial<BuildRecord>): BuildRecord => ({
  id: 'go-fiber-hello-world',
  language: 'go',
  base: 'distroless (default)',
  commit: 'c',
  dockerfileHash: 'h',
  date: '2026-01-01T00:00:00.000Z',
  built: true,
  ran: true,
  answered: true,
  answer: 'HTTP 200 Hello, World! on 127.0.0.1:3000',
  checks: [],
  bytes: { image: 25_000_000, base: 2_000_000, added: 23_000_000 },
  buildSeconds: 41,
  stopSeconds: 0.4,
  failure: null,
  log: null,
  ...overrides,
});

describe('docker stop, timed as in the e2e suite', () => {
  it('fails a PID 1 killed after ignoring SIGTERM, and one that exits on it over 3 s; passes one within 3 s', () => {
    expect(stopProblem({ seconds: 10.2, exitCode: 137, tries: 1 })).toBe('docker stop took 10.2 s: PID 1 did not exit on SIGTERM and was killed (exit code 137)');
    expect(stopProblem({ seconds: 5.2, exitCode: 0, tries: 2 })).toBe('docker stop took 5.2 s twice (over 3 s): PID 1 exited on SIGTERM (exit code 0), but slowly');
    expect(stopProblem({ seconds: 2.9, exitCode: 143, tries: 2 })).toBeNull();
  });

  it("a slow stop is ours unless a defect read in the app's files explains it", () => {
    const slow = stopProblem({ seconds: 5.2, exitCode: 0, tries: 2 })!;
    expect(classify('run', slow, slow, [])).toMatchObject({ cause: 'ours', why: slow });
    expect(classify('run', slow, slow, [{ log: 'exited on SIGTERM .*, but slowly', why: 'its timer' }])).toMatchObject({ cause: 'app', why: 'its timer' });
  });
});

describe('docs/realworld-builds.md', () => {
  it('counts the cells, names the apps not run yet and quotes every failure', () => {
    const markdown = report(
      [
        record({}),
        record({
          id: 'go-fiber-rabbitmq',
          ran: true,
          answered: false,
          answer: null,
          failure: { step: 'run', cause: 'app', why: 'the app needs RabbitMQ', evidence: ['dial tcp 127.0.0.1:5672: connect: connection refused'] },
        }),
      ],
      apps,
      'Docker 26',
    );
    expect(markdown).toContain(`apps built here: **2 of ${apps.length}**`);
    expect(markdown).toContain('answered with every check passed **1**');
    expect(markdown).toContain("ours 0, the app's 1, this machine's 0");
    expect(markdown).toMatch(/not run yet: go-fiber-cloud-run, /);
    expect(markdown).toContain('| go-fiber-hello-world | distroless (default) | yes | yes | yes | 25.0 MB | 23.0 MB | 41 s | 0.4 s | HTTP 200 Hello, World! on 127.0.0.1:3000 |');
    expect(markdown).toContain('### go-fiber-rabbitmq (distroless (default)): app, at run');
    expect(markdown).toContain('dial tcp 127.0.0.1:5672: connect: connection refused');
  });

  it("each service of a workspace root is a row of its own, named by its member's folder", () => {
    const service = (folder: string, overrides: Partial<BuildRecord>) => record({ id: 'node-trpc-turborepo', service: folder, language: 'node', ...overrides });
    const markdown = report(
      [
        service('apps/web', { answer: 'HTTP 200 on 127.0.0.1:3000' }),
        service('apps/api', {
          base: 'default',
          built: false,
          ran: false,
          answered: false,
          answer: null,
          failure: { step: 'generate', cause: 'ours', why: 'left out', evidence: [] },
        }),
      ],
      apps,
      'Docker 26',
    );
    expect(markdown).toContain('apps built here: **1 of');
    expect(markdown).toContain('| node-trpc-turborepo (apps/api) | default | no |');
    expect(markdown).toContain('| node-trpc-turborepo (apps/web) | distroless (default) | yes | yes | yes |');
    expect(markdown).toContain('### node-trpc-turborepo (apps/api) (default): ours, at generate');
  });
});

describe('the committed report, read back where results/ is not (a fresh clone)', () => {
  const committed = readFileSync(path.join(path.dirname(APPS_FILE), '../../docs/realworld-builds.md'), 'utf8');
  const header = /^(Docker .*)$/m.exec(committed)![1]!;

  it('gives the records that write the same report again, every row and failure section', () => {
    const records = recordsFromReport(committed, apps);
    expect(records.length).toBeGreaterThan(50);
    expect(records.some((one) => one.failure && one.failure.evidence.length > 0)).toBe(true);
    expect(report(records, apps, header)).toBe(committed);
  });

  it('keeps a pipe inside a cell, a service, and a failure without evidence', () => {
    const markdown = report(
      [
        record({ answer: 'HTTP 200 a | b on 127.0.0.1:3000' }),
        record({
          id: 'node-trpc-turborepo',
          service: 'apps/api',
          language: 'node',
          base: 'default',
          built: false,
          ran: false,
          answered: false,
          answer: null,
          bytes: { image: null, base: null, added: null },
          buildSeconds: null,
          stopSeconds: null,
          failure: { step: 'generate', cause: 'design', why: 'left out | by design', evidence: [] },
        }),
      ],
      apps,
      'Docker 26',
    );
    const [first, second] = recordsFromReport(markdown, apps);
    expect(first).toMatchObject({ id: 'go-fiber-hello-world', answer: 'HTTP 200 a | b on 127.0.0.1:3000', bytes: { image: 25e6, added: 23e6, base: 2e6 } });
    expect(second).toMatchObject({ id: 'node-trpc-turborepo', service: 'apps/api', failure: { cause: 'design', step: 'generate', why: 'left out | by design', evidence: [] } });
    expect(report(recordsFromReport(markdown, apps), apps, 'Docker 26')).toBe(markdown);
  });
});

describe('a stop of stagecraft on an unedited app', () => {
  const astro = apps.find((app) => app.id === 'node-astro-minimal')!;
  const refusal = 'stagecraft: this is a static site (no server adapter in astro.config.mjs): `npm run build` writes dist/; serve it with any static web server';

  it('a static site refused as its truth (static:dist) expects is by design, not ours', () => {
    expect(generateFailure(astro, 3, refusal)).toMatchObject({ cause: 'design', why: 'static site: no server image by design (dist/ is for a static web server)' });
  });

  it('any other stop, or a static-site refusal of an app whose truth is a server, is ours', () => {
    expect(generateFailure(astro, 2, 'stagecraft: package.json: not JSON').cause).toBe('ours');
    const server = apps.find((app) => app.id === 'node-astro-hackernews')!;
    expect(generateFailure(server, 3, refusal).cause).toBe('ours');
  });
});

describe('a workspace root of several services', () => {
  const turborepo = apps.find((app) => app.id === 'node-trpc-turborepo')!;

  it('a member left out for an --entry its files do not give (truth entry null) is by design; any other left out is ours', () => {
    expect(leftOutFailure(turborepo, 'apps/api-with-hono', 'apps/api-with-hono: missing --entry: detection cannot decide it')).toMatchObject({ step: 'generate', cause: 'design' });
    const api =
      'apps/api: package.json:10: `node -r esbuild-register ./src/index.ts` gives node options before the file; start with the file alone, or pass --entry with the file node runs';
    expect(leftOutFailure(turborepo, 'apps/api', api)).toMatchObject({ step: 'generate', cause: 'ours', evidence: [api] });
  });
});

describe("a stand-in's own failure", () => {
  it('a base image whose offline stand-in could not be built is the machine, not ours', () => {
    const log = [
      '[offline-docker] ensuring node:12-bullseye-slim',
      '[offline-docker] ERROR: build of offline-docker/node:12.22.12-bookworm-slim failed (full log: /var/cache/offline-docker/tmp/build.log)',
    ].join('\n');
    expect(classify('build', log, 'the generated Dockerfile does not build').cause).toBe('machine');
  });
});

describe('the services an app runs against', () => {
  const postgres = apps.find((app) => app.id === 'go-compose-nginx-golang-postgres')!;

  it("every app's services and env are what the script understands, each with its evidence, for a server", () => {
    const withServices = apps.filter((app) => app.services);
    expect(withServices.map((app) => app.id)).toEqual(expect.arrayContaining(['go-fiber-url-shortener', 'go-compose-nginx-golang-postgres', 'java-compose-sparkjava-mysql']));
    for (const app of withServices) {
      expect(() => parseServices(app), app.id).not.toThrow();
      expect(app.truth.port, app.id).not.toBe('none');
    }
  });

  it('a mistake in a declared service is an error naming the app and the field', () => {
    expect(() => parseServices({ id: 'x', services: [{ kind: 'mongodb', evidence: 'compose.yaml:3' }] })).toThrow(/^apps.json x: services\[0\].kind "mongodb" is none of redis/);
    expect(() => parseServices({ id: 'x', services: [{ kind: 'redis', evidence: 'e' }], env: { URL: 'postgres://db:{postgresql.port}' } })).toThrow(
      'env.URL names {postgresql.port} but no postgresql service',
    );
    expect(() => parseServices({ id: 'x', services: [{ kind: 'mariadb', secret: '/run/secrets/db-password', evidence: 'e' }] })).toThrow(
      'secret needs an absolute path and a password',
    );
    expect(() => parseServices({ id: 'x', services: [{ kind: 'redis', port: 70_000, evidence: '' }] })).toThrow(/port is not a TCP port; services\[0\].evidence is missing/);
    expect(() => parseServices({ id: 'x', services: [{ kind: 'sqlite', file: 'todo.db', evidence: 'e' }] })).toThrow('sqlite needs an absolute file and has no port or host');
    expect(() => parseServices({ id: 'x', services: [{ kind: 'sqlite', file: '/data/todo.db', init: ['../../etc/passwd'], evidence: 'e' }] })).toThrow(
      "init must list files inside the app's folder",
    );
    expect(() => parseServices({ id: 'x', services: [{ kind: 'redis', init: ['schema.sql'], evidence: 'e' }] })).toThrow('file and init are for sqlite');
  });

  it('the container resolves the compose name to 127.0.0.1, reads the secret file read-only and gets every port it is told', () => {
    const { services, env } = parseServices(postgres);
    const running = services.map((spec) => ({
      spec,
      port: 5432,
      volumes: serviceVolumes(spec, '/tmp/stagecraft-rw-postgresql-1'),
      describe: '',
      stop: async () => {},
    }));
    expect(containerArguments(env, running, 8000)).toEqual(['--add-host', 'db:127.0.0.1', '-v', '/tmp/stagecraft-rw-postgresql-1/secret:/run/secrets/db-password:ro']);
    const redis = { spec: { kind: 'redis' as const, evidence: 'e' }, port: 23_456, volumes: [], describe: '', stop: async () => {} };
    expect(containerArguments({ DB_ADDR: '127.0.0.1:{redis.port}', APP_PORT: ':{port}' }, [redis], 8080)).toEqual(['-e', 'DB_ADDR=127.0.0.1:23456', '-e', 'APP_PORT=:8080']);
  });

  it("an SQLite database's folder is mounted writable where the app looks for the file", () => {
    const todo = apps.find((app) => app.id === 'rust-actix-todo')!;
    const [sqlite] = parseServices(todo).services;
    expect(serviceVolumes(sqlite!, '/tmp/stagecraft-rw-sqlite-1')).toEqual(['/tmp/stagecraft-rw-sqlite-1/data:/data']);
    expect(containerArguments(parseServices(todo).env, [{ spec: sqlite!, port: 0, volumes: serviceVolumes(sqlite!, '/tmp/s'), describe: '', stop: async () => {} }], 8080)).toEqual(
      ['-v', '/tmp/s/data:/data', '-e', 'DATABASE_URL=sqlite:///data/todo.db'],
    );
  });

  it("PostgreSQL's programs are found in Debian's folder of the newest major version, which is on no PATH", () => {
    const root = mkdtempSync(path.join(tmpdir(), 'stagecraft-pg-'));
    for (const version of ['9', '15']) {
      mkdirSync(path.join(root, version, 'bin'), { recursive: true });
      writeFileSync(path.join(root, version, 'bin', 'initdb'), '');
    }
    expect(findProgram('initdb', '/nonexistent', root)).toBe(path.join(root, '15', 'bin', 'initdb'));
    expect(findProgram('redis-server-nowhere', '/nonexistent', root)).toBeNull();
  });

  it("a failure with the services running is classified from its log; an app's needs excuse only services not started", () => {
    const log = 'panic: runtime error: index out of range';
    expect(runFailure({ ...postgres, needs: undefined }, log, 'the server exited').cause).toBe('ours');
    expect(runFailure({ ...postgres, needs: ['MongoDB at mongo:27017'] }, log, 'the server exited').cause).toBe('app');
  });

  it('a defect its log shows is the reason given, before the services it needs and does not get here', () => {
    const defect = { log: 'Directory import .* is not supported', why: 'Remix 2 imports the build folder as a module' };
    const log = "Error: Directory import '/app/build' is not supported resolving ES modules";
    const app = { ...postgres, needs: ['a DATABASE_URL'], defects: [defect] };
    expect(runFailure(app, log, 'the server exited')).toMatchObject({ cause: 'app', why: defect.why });
    expect(runFailure(app, 'Error: connect ECONNREFUSED', 'the server exited').why).toBe('the app needs a DATABASE_URL to start or answer (not started here)');
  });
});
