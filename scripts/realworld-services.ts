/*
 * The backing services an app of test/realworld/apps.json runs against in `npm run test:realworld-build`:
 * Redis, PostgreSQL, MariaDB or RabbitMQ from Debian's packages on this host (or an SQLite database file
 * its README has a migration tool prepare), each started for one app
 * on 127.0.0.1 with the database, user and password its compose file or README gives, and stopped with
 * its data removed once the app was probed. The container shares the host's network (`--network host`,
 * no Docker network), so a compose service name the app hard-codes (`db`, `redis`) is given to it with
 * `--add-host <name>:127.0.0.1`, and a compose secret becomes a file bind-mounted read-only.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export const SERVICE_KINDS = ['redis', 'postgresql', 'mariadb', 'rabbitmq', 'sqlite'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** A service as apps.json declares it: facts read by hand from the app's compose file or README, with where. */
export interface ServiceSpec {
  kind: ServiceKind;
  /** The port the app hard-codes; without it a free port is drawn and given to the app through `env`. */
  port?: number;
  /** The compose service name the app connects to (`db`): the container resolves it to 127.0.0.1. */
  host?: string;
  database?: string;
  user?: string;
  password?: string;
  /** Where the compose file mounts the password as a secret (`/run/secrets/db-password`). */
  secret?: string;
  /** SQLite: the database file's path in the container; its folder is mounted from the host, writable. */
  file?: string;
  /** SQLite: the SQL files (relative to the app's folder) its README's migration step applies, in order. */
  init?: string[];
  /** file:line of the facts above, in the app's repository. */
  evidence: string;
}

/** Debian's package and the program of each kind (mariadbd and rabbitmq-server live in /usr/sbin). */
const PACKAGES: Record<ServiceKind, { name: string; package: string; program: string }> = {
  redis: { name: 'Redis', package: 'redis-server', program: 'redis-server' },
  postgresql: { name: 'PostgreSQL', package: 'postgresql', program: 'initdb' },
  mariadb: { name: 'MariaDB', package: 'mariadb-server', program: 'mariadbd' },
  rabbitmq: { name: 'RabbitMQ', package: 'rabbitmq-server', program: 'rabbitmq-server' },
  sqlite: { name: 'SQLite', package: 'sqlite3', program: 'sqlite3' },
};

/** A placeholder of `env`: `{port}` is the port the app is probed on, `{<kind>.port}` a service's. */
const PLACEHOLDER = /\{([a-z]+\.)?port\}/g;

/**
 * The services and environment an app declares, checked: an unknown kind, a port or host out of place,
 * a secret without a password or a placeholder naming no declared service is an error naming the app.
 */
export function parseServices(app: { id: string; services?: unknown; env?: unknown }): { services: ServiceSpec[]; env: Record<string, string> } {
  const problems: string[] = [];
  const services = (app.services ?? []) as ServiceSpec[];
  const env = (app.env ?? {}) as Record<string, string>;
  if (!Array.isArray(services)) problems.push('services is not a list');
  else
    for (const [index, service] of services.entries()) {
      const where = `services[${index}]`;
      if (!SERVICE_KINDS.includes(service.kind)) problems.push(`${where}.kind "${String(service.kind)}" is none of ${SERVICE_KINDS.join(', ')}`);
      if (service.port !== undefined && !(Number.isInteger(service.port) && service.port > 0 && service.port < 65_536)) problems.push(`${where}.port is not a TCP port`);
      if (service.host !== undefined && !/^[a-z][a-z0-9-]*$/.test(service.host)) problems.push(`${where}.host "${service.host}" is not a compose service name`);
      if (service.secret !== undefined && (!service.secret.startsWith('/') || service.password === undefined))
        problems.push(`${where}.secret needs an absolute path and a password`);
      if (typeof service.evidence !== 'string' || service.evidence.length === 0) problems.push(`${where}.evidence is missing`);
      // A database file is no server: no port nor host, but a place in the container and the SQL that prepares it.
      if (service.kind === 'sqlite' && (!service.file?.startsWith('/') || service.port !== undefined || service.host !== undefined))
        problems.push(`${where}: sqlite needs an absolute file and has no port or host`);
      if (service.kind !== 'sqlite' && (service.file !== undefined || service.init !== undefined)) problems.push(`${where}: file and init are for sqlite`);
      if (
        service.init !== undefined &&
        !(Array.isArray(service.init) && service.init.every((file) => typeof file === 'string' && !path.isAbsolute(file) && !file.split('/').includes('..')))
      )
        problems.push(`${where}.init must list files inside the app's folder`);
      if (services.filter((other) => other.kind === service.kind).length > 1) problems.push(`${where}: two ${service.kind} services`);
    }
  if (typeof env !== 'object' || Array.isArray(env)) problems.push('env is not an object');
  else
    for (const [name, value] of Object.entries(env)) {
      if (typeof value !== 'string') problems.push(`env.${name} is not a string`);
      else
        for (const [, kind] of value.matchAll(PLACEHOLDER))
          if (kind && !services.some((service) => `${service.kind}.` === kind)) problems.push(`env.${name} names {${kind}port} but no ${kind.slice(0, -1)} service`);
    }
  if (problems.length > 0) throw new Error(`apps.json ${app.id}: ${[...new Set(problems)].join('; ')}`);
  return { services: Array.isArray(services) ? services : [], env };
}

/** A service that runs: where it listens and how it is stopped. */
export interface RunningService {
  spec: ServiceSpec;
  port: number;
  /** `host:container[:ro]` bind mounts: a secret's file (read-only), an SQLite database's folder. */
  volumes: string[];
  describe: string;
  stop: () => Promise<void>;
}

/**
 * What a service's folder `dir` gives the container: the password file where the compose file mounts the
 * secret (read-only), the SQLite database's folder where the app looks for the file (writable).
 */
export function serviceVolumes(spec: ServiceSpec, dir: string): string[] {
  return [...(spec.secret ? [`${path.join(dir, 'secret')}:${spec.secret}:ro`] : []), ...(spec.kind === 'sqlite' ? [`${path.join(dir, 'data')}:${path.dirname(spec.file!)}`] : [])];
}

/**
 * What `docker run` gets for the services: a host name per compose service name, a secret file per
 * secret, and the app's environment with every placeholder replaced by a port.
 */
export function containerArguments(env: Record<string, string>, running: RunningService[], appPort: number): string[] {
  const args: string[] = [];
  for (const service of running) {
    if (service.spec.host) args.push('--add-host', `${service.spec.host}:127.0.0.1`);
    for (const volume of service.volumes) args.push('-v', volume);
  }
  for (const [name, value] of Object.entries(env)) {
    const filled = value.replace(PLACEHOLDER, (_, kind: string | undefined) => String(kind ? running.find((service) => `${service.spec.kind}.` === kind)!.port : appPort));
    args.push('-e', `${name}=${filled}`);
  }
  return args;
}

/** The path of `program` on PATH, in the sbin folders or in PostgreSQL's folder of its newest major version, else null. */
export function findProgram(program: string, search = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`, postgresqlRoot = '/usr/lib/postgresql'): string | null {
  // Debian installs PostgreSQL's programs in a folder per major version, on no PATH.
  const versions = existsSync(postgresqlRoot)
    ? readdirSync(postgresqlRoot)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const folders = [...search.split(':').filter(Boolean), ...versions.map((version) => path.join(postgresqlRoot, version, 'bin'))];
  for (const folder of folders) {
    const candidate = path.join(folder, program);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/**
 * The program of a kind, installed from Debian's archive when it is missing and this is root (a fresh
 * machine has none of them). A string is why it cannot run here: this machine's failure, not the app's.
 */
export async function ensureInstalled(kind: ServiceKind): Promise<{ program: string } | string> {
  const { name, package: debian, program } = PACKAGES[kind];
  const found = findProgram(program);
  if (found) return { program: found };
  if (process.getuid?.() !== 0) return `${name} is not installed (\`apt-get install ${debian}\` as root) and this is not root`;
  const aptGet = (args: string[]) => execa('apt-get', args, { reject: false, all: true, env: { DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
  let installed = await aptGet(['install', '-y', '--no-install-recommends', debian]);
  // A fresh machine's package lists may be empty or old: read them once, then try again.
  if (installed.exitCode !== 0 && (await aptGet(['update'])).exitCode === 0) installed = await aptGet(['install', '-y', '--no-install-recommends', debian]);
  const after = findProgram(program);
  if (after) return { program: after };
  const last = (installed.all ?? '').trim().split('\n').slice(-1)[0] ?? '';
  return `${name} could not be installed from Debian's archive (apt-get install ${debian}, exit ${installed.exitCode}): ${last}`;
}

/** Whether something accepts a TCP connection on 127.0.0.1:port within `seconds`, while `alive` says the server runs. */
async function listening(port: number, seconds: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline && alive()) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (connected) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/** Every program this module runs that has not ended: a run stopped by a signal ends them before it removes their folders. */
const children = new Set<ReturnType<typeof execa>>();

/** Runs a program (a server or a step that prepares one), kept in `children` until it ends. */
function run(command: string, args: string[], options: { env?: Record<string, string>; cwd?: string; timeout?: number; inputFile?: string } = {}) {
  const child = execa(command, args, { reject: false, all: true, cleanup: true, forceKillAfterDelay: 30_000, ...options });
  children.add(child);
  void child.finally(() => children.delete(child));
  return child;
}

/** A server started in the foreground: stopped with SIGTERM (SIGKILL after 30 s), its output kept for the failure's evidence. */
function foreground(command: string, args: string[], options: { env?: Record<string, string>; cwd?: string } = {}) {
  const child = run(command, args, options);
  let exited = false;
  void child.finally(() => (exited = true));
  return {
    child,
    alive: () => !exited,
    stop: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        await child;
      }
    },
    output: async () => (exited ? ((await child).all ?? '') : ''),
  };
}

/** A failed step's last two lines of output, for the failure's reason. */
const lastLines = (output: string | undefined) => (output ?? '').trim().split('\n').slice(-2).join(' ');

const sqlString = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
const sqlName = (text: string) => `\`${text.replace(/`/g, '``')}\``;

type Started = Omit<RunningService, 'spec' | 'port' | 'volumes' | 'describe'>;

async function startRedis(program: string, spec: ServiceSpec, port: number, dir: string): Promise<Started> {
  const server = foreground(program, [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    ...(spec.password ? ['--requirepass', spec.password] : []),
  ]);
  if (!(await listening(port, 30, server.alive))) {
    await server.stop();
    throw new Error(`redis-server did not listen on 127.0.0.1:${port}: ${lastLines(await server.output())}`);
  }
  return { stop: server.stop };
}

/** PostgreSQL refuses to run as root: its cluster belongs to Debian's postgres user, who runs every step. */
async function startPostgresql(program: string, spec: ServiceSpec, port: number, dir: string): Promise<Started> {
  // initdb may be a link on PATH to the versioned folder, where its sibling programs are.
  const bin = path.dirname(realpathSync(program));
  const ids = await execa('id', ['-u', 'postgres'], { reject: false });
  const gid = await execa('id', ['-g', 'postgres'], { reject: false });
  if (ids.exitCode !== 0) throw new Error("the postgres user Debian's package creates is missing");
  chownSync(dir, Number(ids.stdout), Number(gid.stdout));
  const asPostgres = (tool: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { timeout: 120_000 });
  const user = spec.user ?? 'postgres';
  const data = path.join(dir, 'data');
  const passwordFile = path.join(dir, 'password');
  writeFileSync(passwordFile, spec.password ?? '', { mode: 0o600 });
  chownSync(passwordFile, Number(ids.stdout), Number(gid.stdout));
  // The image's entrypoint: a superuser named POSTGRES_USER with POSTGRES_PASSWORD, password auth over TCP.
  const init = await asPostgres('initdb', [
    '-D',
    data,
    '-U',
    user,
    '--auth-local=trust',
    `--auth-host=${spec.password ? 'scram-sha-256' : 'trust'}`,
    ...(spec.password ? [`--pwfile=${passwordFile}`] : []),
  ]);
  if (init.exitCode !== 0) throw new Error(`initdb failed: ${lastLines(init.all)}`);
  const started = await asPostgres('pg_ctl', [
    '-D',
    data,
    '-l',
    path.join(dir, 'postgresql.log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`,
    'start',
  ]);
  const stop = async () => {
    await asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  if (started.exitCode !== 0) {
    await stop();
    throw new Error(`pg_ctl start failed: ${lastLines(started.all)}`);
  }
  // initdb makes only the postgres database; the postgres image also makes POSTGRES_DB, which defaults to the user's name.
  const database = spec.database ?? user;
  if (database !== 'postgres') {
    const created = await asPostgres('createdb', ['-h', dir, '-p', String(port), '-U', user, database]);
    if (created.exitCode !== 0) {
      await stop();
      throw new Error(`createdb ${database} failed: ${(created.all ?? '').trim()}`);
    }
  }
  return { stop };
}

async function startMariadb(program: string, spec: ServiceSpec, port: number, dir: string): Promise<Started> {
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const install = await run(
    findProgram('mariadb-install-db') ?? 'mariadb-install-db',
    ['--no-defaults', `--datadir=${data}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'],
    { timeout: 120_000 },
  );
  if (install.exitCode !== 0) throw new Error(`mariadb-install-db failed: ${lastLines(install.all)}`);
  const server = foreground(program, [
    '--no-defaults',
    `--datadir=${data}`,
    `--socket=${socket}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    '--user=root',
    `--pid-file=${path.join(dir, 'mysqld.pid')}`,
  ]);
  if (!(await listening(port, 60, server.alive))) {
    await server.stop();
    throw new Error(`mariadbd did not listen on 127.0.0.1:${port}: ${lastLines(await server.output())}`);
  }
  // The image's entrypoint: MYSQL_DATABASE, and MYSQL_ROOT_PASSWORD (or MYSQL_USER/MYSQL_PASSWORD) for any host.
  const user = spec.user ?? 'root';
  const password = sqlString(spec.password ?? '');
  const sql = [
    ...(spec.database ? [`CREATE DATABASE IF NOT EXISTS ${sqlName(spec.database)}`] : []),
    `CREATE USER IF NOT EXISTS ${sqlString(user)}@'%' IDENTIFIED BY ${password}`,
    user === 'root' ? `GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION` : `GRANT ALL ON ${spec.database ? `${sqlName(spec.database)}.*` : '*.*'} TO ${sqlString(user)}@'%'`,
    ...(user === 'root' ? [`ALTER USER 'root'@'localhost' IDENTIFIED BY ${password}`] : []),
  ].join(';\n');
  const client = await run(findProgram('mariadb') ?? 'mariadb', ['--no-defaults', `--socket=${socket}`, '-u', 'root', '-e', sql], { timeout: 60_000 });
  if (client.exitCode !== 0) {
    await server.stop();
    throw new Error(`setting up ${spec.database ?? 'the server'} failed: ${(client.all ?? '').trim()}`);
  }
  return { stop: server.stop };
}

/**
 * RabbitMQ without the Debian wrapper (it switches to the rabbitmq user and the system's node): a node of
 * its own with its own epmd, cookie and data under `dir`, every port on 127.0.0.1, the default user the
 * compose file sets.
 */
async function startRabbitmq(_program: string, spec: ServiceSpec, port: number, dir: string, freePort: () => Promise<number>): Promise<Started> {
  const epmdPort = await freePort();
  const distPort = await freePort();
  const epmd = foreground(findProgram('epmd') ?? 'epmd', ['-port', String(epmdPort), '-address', '127.0.0.1']);
  mkdirSync(path.join(dir, 'mnesia'));
  mkdirSync(path.join(dir, 'log'));
  writeFileSync(path.join(dir, 'enabled_plugins'), '[].\n');
  writeFileSync(path.join(dir, 'rabbitmq-env.conf'), '');
  writeFileSync(
    path.join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${port}`,
      ...(spec.user ? [`default_user = ${spec.user}`] : []),
      ...(spec.password ? [`default_pass = ${spec.password}`] : []),
      'loopback_users = none',
      '',
    ].join('\n'),
  );
  const server = foreground('/usr/lib/rabbitmq/bin/rabbitmq-server', [], {
    cwd: dir,
    env: {
      HOME: dir,
      ERL_EPMD_PORT: String(epmdPort),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      RABBITMQ_NODENAME: `stagecraft${port}@localhost`,
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq.conf'),
      RABBITMQ_CONF_ENV_FILE: path.join(dir, 'rabbitmq-env.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(dir, 'log'),
      RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
    },
  });
  const stop = async () => {
    await server.stop();
    await epmd.stop();
  };
  if (!(await listening(port, 120, server.alive))) {
    await stop();
    throw new Error(`rabbitmq-server did not listen on 127.0.0.1:${port}: ${lastLines(await server.output())}`);
  }
  return { stop };
}

/**
 * An SQLite database file prepared as the app's README has its migration tool do it: its SQL files applied
 * in order with Debian's sqlite3, in a folder the container's non-root user can write (SQLite writes its
 * journal beside the file), mounted where the app looks for it.
 */
async function prepareSqlite(program: string, spec: ServiceSpec, appDir: string, dir: string): Promise<Started> {
  const data = path.join(dir, 'data');
  mkdirSync(data);
  chmodSync(data, 0o777);
  const database = path.join(data, path.basename(spec.file!));
  for (const file of spec.init ?? []) {
    const applied = await run(program, ['-bail', database], { inputFile: path.join(appDir, file), timeout: 60_000 });
    if (applied.exitCode !== 0) throw new Error(`sqlite3 could not apply ${file}: ${lastLines(applied.all)}`);
  }
  if (existsSync(database)) chmodSync(database, 0o666);
  return { stop: async () => {} };
}

/** Every service running, and every service folder not yet removed (one that was starting), for a run stopped by a signal. */
const live = new Set<RunningService>();
const serviceFolders = new Set<string>();

/**
 * Stops what a run stopped by a signal leaves: its services and, for one caught while starting, its
 * folder. PostgreSQL runs detached (pg_ctl), so it would outlive the script; the other servers run in
 * the foreground and go with it.
 */
export async function stopEveryService(): Promise<void> {
  // A step still writing into a folder (initdb) would fill it again while it is removed; runuser passes SIGTERM on.
  for (const child of children) child.kill('SIGTERM');
  await Promise.allSettled(children);
  await stopServices([...live]);
  for (const dir of serviceFolders) {
    if (existsSync(path.join(dir, 'data', 'postmaster.pid')))
      await execa(
        'runuser',
        ['-u', 'postgres', '--', path.join(path.dirname(realpathSync(findProgram('initdb')!)), 'pg_ctl'), '-D', path.join(dir, 'data'), '-m', 'immediate', 'stop'],
        { reject: false },
      );
    removeFolder(dir);
  }
}

function removeFolder(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  serviceFolders.delete(dir);
}

/**
 * Starts the app's services, each on its fixed port or a free one, with its data in a folder of its own
 * under the temporary directory. A string is why one could not start (this machine's); whatever had
 * started is stopped and removed then.
 */
export async function startServices(
  specs: ServiceSpec[],
  appDir: string,
  freePort: () => Promise<number>,
  portInUse: (port: number) => Promise<boolean>,
): Promise<RunningService[] | string> {
  const running: RunningService[] = [];
  for (const spec of specs) {
    const { name } = PACKAGES[spec.kind];
    const installed = await ensureInstalled(spec.kind);
    // A database file listens nowhere.
    const port = spec.kind === 'sqlite' ? 0 : (spec.port ?? (await freePort()));
    const why =
      typeof installed === 'string'
        ? installed
        : spec.port !== undefined && (await portInUse(spec.port))
          ? `port ${spec.port}, which the app hard-codes for ${name}, is already in use on this machine`
          : null;
    if (why) {
      await stopServices(running);
      return why;
    }
    const dir = mkdtempSync(path.join(tmpdir(), `stagecraft-rw-${spec.kind}-`));
    serviceFolders.add(dir);
    try {
      const program = (installed as { program: string }).program;
      const started =
        spec.kind === 'sqlite'
          ? await prepareSqlite(program, spec, appDir, dir)
          : spec.kind === 'redis'
            ? await startRedis(program, spec, port, dir)
            : spec.kind === 'postgresql'
              ? await startPostgresql(program, spec, port, dir)
              : spec.kind === 'mariadb'
                ? await startMariadb(program, spec, port, dir)
                : await startRabbitmq(program, spec, port, dir, freePort);
      // Readable by the container's non-root user, as compose's file secrets are.
      if (spec.secret) writeFileSync(path.join(dir, 'secret'), spec.password!, { mode: 0o444 });
      const details = [
        spec.database && `database ${spec.database}`,
        spec.host && `as ${spec.host}`,
        spec.secret && `secret ${spec.secret}`,
        spec.init && `${spec.init.join(', ')} applied`,
      ]
        .filter(Boolean)
        .join(', ');
      const service: RunningService = {
        spec,
        port,
        volumes: serviceVolumes(spec, dir),
        describe: `${name} ${spec.kind === 'sqlite' ? `at ${spec.file}` : `on 127.0.0.1:${port}`}${details ? ` (${details})` : ''}`,
        stop: async () => {
          try {
            await started.stop();
          } finally {
            removeFolder(dir);
          }
        },
      };
      running.push(service);
      live.add(service);
    } catch (error) {
      removeFolder(dir);
      await stopServices(running);
      return `${name} (Debian's ${PACKAGES[spec.kind].package}) did not start here: ${(error as Error).message}`;
    }
  }
  return running;
}

/** Stops every service and removes its data, the last started first. */
export async function stopServices(running: RunningService[]): Promise<void> {
  for (const service of [...running].reverse()) {
    live.delete(service);
    await service.stop();
  }
  running.length = 0;
}
