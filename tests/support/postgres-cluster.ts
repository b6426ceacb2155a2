/**
 * A throwaway PostgreSQL cluster in a temporary directory, for the test harness and the benchmark:
 * initdb, start on a free loopback port (unix socket in the same temporary directory, so it never
 * touches the system's /var/run/postgresql), create databases from templates, stop and remove.
 *
 * Administrative statements (CREATE/DROP DATABASE) go through a `Database` from openPostgresDatabase
 * on the `postgres` maintenance database: nothing here imports `pg`.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openPostgresDatabase } from '../../server/db/pg-driver.js';

const run = promisify(execFile);

/** Debian's PostgreSQL 15 first (the production target of the issue), then whatever is on PATH. */
const BIN_DIR_CANDIDATES = ['/usr/lib/postgresql/15/bin'];

export interface PostgresInstallation {
  binDir: string;
  /** e.g. "PostgreSQL 15.18 (Debian 15.18-0+deb12u1)" */
  version: string;
  postgisControl: string;
}

export type InstallationProbe = { found: true; installation: PostgresInstallation } | { found: false; reason: string };

function whichOnPath(command: string, env: Record<string, string | undefined>): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Find pg_ctl/initdb and the PostGIS extension files of the same installation. */
export function probePostgresInstallation(
  env: Record<string, string | undefined> = process.env,
  candidates: readonly string[] = BIN_DIR_CANDIDATES,
): InstallationProbe {
  const binDirs = [...candidates];
  const onPath = whichOnPath('pg_ctl', env);
  if (onPath) binDirs.push(path.dirname(fs.realpathSync(onPath)));
  const binDir = binDirs.find((dir) => fs.existsSync(path.join(dir, 'pg_ctl')) && fs.existsSync(path.join(dir, 'initdb')));
  if (!binDir) {
    return { found: false, reason: `pg_ctl/initdb not found (looked in ${[...candidates, 'PATH'].join(', ')})` };
  }
  let version: string;
  let shareDir: string;
  try {
    version = execFileSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
    shareDir = execFileSync(path.join(binDir, 'pg_config'), ['--sharedir'], { encoding: 'utf8' }).trim();
  } catch (error) {
    return { found: false, reason: `PostgreSQL in ${binDir} does not run: ${(error as Error).message}` };
  }
  const postgisControl = path.join(shareDir, 'extension', 'postgis.control');
  if (!fs.existsSync(postgisControl)) {
    return { found: false, reason: `${version} found in ${binDir}, but not PostGIS (${postgisControl} is missing)` };
  }
  return { found: true, installation: { binDir, version, postgisControl } };
}

/** Ask the kernel for a free loopback port. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Database names made here come from this pattern only: they are safe to quote into SQL. */
const SAFE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export function assertSafeDatabaseName(name: string): string {
  if (!SAFE_NAME.test(name)) throw new Error(`not a safe database name: ${JSON.stringify(name)}`);
  return name;
}

export function postgresUrl(port: number, database: string): string {
  return `postgres://postgres@127.0.0.1:${port}/${assertSafeDatabaseName(database)}`;
}

export interface PostgresClusterInfo {
  port: number;
  /** True when keepInDir held a cluster already (its databases are still there). */
  reused: boolean;
  baseDir: string;
  dataDir: string;
  version: string;
}

export interface PostgresCluster extends PostgresClusterInfo {
  url(database: string): string;
  /** CREATE DATABASE name [TEMPLATE template]. */
  createDatabase(name: string, template?: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  /** The server log, for error messages. */
  readLog(): string;
  /**
   * Stop the server (pg_ctl -m fast: every connection is terminated, as a database restart does) and keep its data;
   * `startServer()` starts it again on the same port. For the database-restart fault tests.
   */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  stop(): Promise<void>;
}

/** Settings for a disposable cluster: durability off (the data is thrown away), JIT off (short queries). */
export const THROWAWAY_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  jit: 'off',
  shared_buffers: "'256MB'",
  max_connections: '200',
  log_min_messages: 'warning',
};

/** Commands run as the postgres OS user when we are root (initdb and postgres refuse to run as root). */
function asClusterOwner(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() === 0) return ['runuser', ['-u', 'postgres', '--', command, ...args]];
  return [command, args];
}

async function runAsOwner(command: string, args: string[], timeoutMs = 120_000): Promise<string> {
  const [cmd, argv] = asClusterOwner(command, args);
  try {
    const { stdout } = await run(cmd, argv, { timeout: timeoutMs, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${path.basename(command)} failed: ${(e.stderr || e.stdout || e.message).trim()}`, { cause: error });
  }
}

export async function startThrowawayCluster(options: {
  installation: PostgresInstallation;
  label?: string;
  settings?: Record<string, string>;
  /**
   * Keep the cluster in this directory instead of a temporary one: reused when it already holds a
   * cluster, and left in place by stop() (the benchmark's --skip-seed). Default: a new temporary
   * directory, removed by stop().
   */
  keepInDir?: string;
  /**
   * Instead of initdb: a physical copy (pg_basebackup) of the running cluster on this loopback port, with every
   * database it holds (the test templates). `standby: true` makes it a streaming replica of that cluster (read-only,
   * hot standby, following the primary); otherwise an independent primary (e.g. one a test may restart).
   */
  copyOf?: { port: number; standby?: boolean };
}): Promise<PostgresCluster> {
  const { installation } = options;
  const bin = (name: string) => path.join(installation.binDir, name);
  const keep = options.keepInDir !== undefined;
  const baseDir = keep ? path.resolve(options.keepInDir!) : fs.mkdtempSync(path.join(os.tmpdir(), `gridops-${options.label ?? 'pg'}-`));
  fs.mkdirSync(baseDir, { recursive: true });
  const dataDir = path.join(baseDir, 'data');
  const logFile = path.join(baseDir, 'postgres.log');
  const reused = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (process.getuid?.() === 0) {
    // initdb and postgres run as the postgres user: it must own the whole directory.
    execFileSync('chown', ['postgres:postgres', baseDir]);
  }
  let started = false;
  const stopSync = () => {
    if (!started) return;
    started = false;
    try {
      const [cmd, argv] = asClusterOwner(bin('pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      execFileSync(cmd, argv, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // already gone
    }
  };
  const removeDir = () => {
    if (!keep) fs.rmSync(baseDir, { recursive: true, force: true });
  };
  // If the process dies without calling stop(), do not leave a postgres running.
  const onExit = () => {
    stopSync();
    removeDir();
  };
  process.once('exit', onExit);
  const readLog = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '(no server log)');

  try {
    if (!reused && options.copyOf) {
      await runAsOwner(
        bin('pg_basebackup'),
        ['-h', '127.0.0.1', '-p', String(options.copyOf.port), '-U', 'postgres', '-D', dataDir, '-X', 'stream', '--checkpoint=fast', '--no-sync'],
        300_000,
      );
      if (options.copyOf.standby) fs.writeFileSync(path.join(dataDir, 'standby.signal'), '');
    } else if (!reused) {
      await runAsOwner(bin('initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    }
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await findFreePort();
      const settings: Record<string, string> = {
        ...THROWAWAY_SETTINGS,
        ...(options.copyOf?.standby
          ? {
              primary_conninfo: `'host=127.0.0.1 port=${options.copyOf.port} user=postgres application_name=gridops_test_standby'`,
              hot_standby: 'on',
            }
          : {}),
        ...options.settings,
        port: String(port),
        listen_addresses: "'127.0.0.1'",
        unix_socket_directories: `'${baseDir}'`,
      };
      const conf = Object.entries(settings)
        .map(([key, value]) => `${key} = ${value}`)
        .join('\n');
      fs.writeFileSync(path.join(dataDir, 'postgresql.auto.conf'), `# written by the GridOps test harness\n${conf}\n`);
      try {
        await runAsOwner(bin('pg_ctl'), ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
        started = true;
        break;
      } catch (error) {
        // Another process may have taken the port between findFreePort and start: try another.
        if (attempt >= 3) throw new Error(`${(error as Error).message}\n${readLog()}`, { cause: error });
      }
    }

    const admin = (statementName: string, sql: string) => withMaintenanceDatabase(port, async (db) => db.execScript(statementName, sql));

    return {
      port,
      reused,
      baseDir,
      dataDir,
      version: installation.version,
      url: (database: string) => postgresUrl(port, database),
      async createDatabase(name: string, template?: string) {
        const target = assertSafeDatabaseName(name);
        const from = template ? ` TEMPLATE "${assertSafeDatabaseName(template)}"` : '';
        await admin('test_cluster.create_database', `CREATE DATABASE "${target}"${from}`);
      },
      async dropDatabase(name: string) {
        await admin('test_cluster.drop_database', `DROP DATABASE IF EXISTS "${assertSafeDatabaseName(name)}" WITH (FORCE)`);
      },
      readLog,
      async stopServer() {
        if (!started) return;
        await runAsOwner(bin('pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
        started = false;
      },
      async startServer() {
        if (started) return;
        await runAsOwner(bin('pg_ctl'), ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
        started = true;
      },
      async stop() {
        process.removeListener('exit', onExit);
        if (started) {
          started = false;
          await runAsOwner(bin('pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => stopSync());
        }
        removeDir();
      },
    };
  } catch (error) {
    onExit();
    process.removeListener('exit', onExit);
    throw error;
  }
}

/** Run fn with a one-connection Database on the cluster's `postgres` maintenance database. */
export async function withMaintenanceDatabase<T>(port: number, fn: (db: Awaited<ReturnType<typeof openPostgresDatabase>>) => Promise<T>): Promise<T> {
  const db = await openPostgresDatabase({ url: postgresUrl(port, 'postgres'), poolSize: 1, statementTimeoutMs: 120_000 });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
