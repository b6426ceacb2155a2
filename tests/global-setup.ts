/**
 * Vitest globalSetup: once per run, prepare a migrated database and a Xianlin-seeded database in
 * each available mode, and hand their locations to the tests (tests/support/test-database.ts).
 *
 *  - embedded: an in-memory PGlite, migrated, dumped (empty), seeded, dumped again (gzip tarballs
 *    in a temporary directory); each test database is a fresh PGlite loaded from a dump.
 *  - postgres: a throwaway PostgreSQL + PostGIS cluster in a temporary directory on a free port;
 *    templates `gridops_empty_template` and `gridops_template`; each test database is a
 *    CREATE DATABASE … TEMPLATE copy.
 *
 * With CI=true both modes are required: a missing PostgreSQL/PostGIS fails the run. Locally
 * TEST_DATABASE_MODES=embedded (or postgres) limits the run to one mode (tests/support/select-test-modes.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { defineSql } from '../server/db/database.js';
import { migrate } from '../server/db/migrate.js';
import { openPostgresDatabase } from '../server/db/pg-driver.js';
import { openEmbeddedDatabase } from '../server/db/pglite-driver.js';
import { seedDatabase } from '../server/seed/seed-database.js';
import { probePostgresInstallation, startThrowawayCluster, type PostgresCluster } from './support/postgres-cluster.js';
import { selectTestModes } from './support/select-test-modes.js';
import type { TestDatabasesInfo } from './support/test-databases-info.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SEED_AREA = 'xianlin';
export const EMPTY_TEMPLATE = 'gridops_empty_template';
export const SEEDED_TEMPLATE = 'gridops_template';

const versions = defineSql(
  'test_setup.versions',
  `SELECT 'PostgreSQL ' || split_part(current_setting('server_version'), ' ', 1) || ', PostGIS ' || postgis_lib_version() AS v`,
);

function log(line: string): void {
  console.log(`[test databases] ${line}`);
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

async function prepareEmbedded(workDir: string): Promise<NonNullable<TestDatabasesInfo['embedded']>> {
  const started = performance.now();
  const db = await openEmbeddedDatabase({});
  try {
    await migrate(db);
    const emptyDumpPath = path.join(workDir, 'embedded-empty.tar.gz');
    fs.writeFileSync(emptyDumpPath, Buffer.from(await (await db.dump()).arrayBuffer()));
    const seedStarted = performance.now();
    await seedDatabase(db, { area: SEED_AREA, rootDir: ROOT_DIR });
    const seedTime = seconds(seedStarted);
    const seededDumpPath = path.join(workDir, 'embedded-xianlin.tar.gz');
    const dump = Buffer.from(await (await db.dump()).arrayBuffer());
    fs.writeFileSync(seededDumpPath, dump);
    const [v] = await db.query<{ v: string }>(versions);
    log(`embedded ready in ${seconds(started)} (seed ${seedTime}, dump ${(dump.length / 1e6).toFixed(1)} MB): ${v.v}`);
    return { emptyDumpPath, seededDumpPath };
  } finally {
    await db.close();
  }
}

async function preparePostgres(cluster: PostgresCluster): Promise<NonNullable<TestDatabasesInfo['postgres']>> {
  const started = performance.now();
  const open = (database: string) => openPostgresDatabase({ url: cluster.url(database), poolSize: 4, statementTimeoutMs: 600_000 });
  await cluster.createDatabase(EMPTY_TEMPLATE);
  const empty = await open(EMPTY_TEMPLATE);
  let version: string;
  try {
    await migrate(empty);
    version = (await empty.query<{ v: string }>(versions))[0].v;
  } finally {
    await empty.close();
  }
  await cluster.createDatabase(SEEDED_TEMPLATE, EMPTY_TEMPLATE);
  const seeded = await open(SEEDED_TEMPLATE);
  const seedStarted = performance.now();
  try {
    await seedDatabase(seeded, { area: SEED_AREA, rootDir: ROOT_DIR });
  } finally {
    await seeded.close();
  }
  log(`postgres ready in ${seconds(started)} (seed ${seconds(seedStarted)}): ${version}, throwaway cluster on port ${cluster.port}`);
  return { port: cluster.port, version: cluster.version, emptyTemplate: EMPTY_TEMPLATE, seededTemplate: SEEDED_TEMPLATE };
}

/** What one run prepared, shared by every project of the run (each project runs this globalSetup). */
interface SharedPreparation {
  prepared: Promise<TestDatabasesInfo>;
  users: number;
  teardown: () => Promise<void>;
}
const SHARED = Symbol.for('gridops.test-databases');
type GlobalWithShared = typeof globalThis & { [SHARED]?: SharedPreparation };

async function prepare(workDir: string, onCluster: (c: PostgresCluster) => void): Promise<TestDatabasesInfo> {
  const started = performance.now();
  const info: TestDatabasesInfo = { modes: [] };
  // Test harness code: the CI flag and TEST_DATABASE_MODES are read here, not through loadConfig.
  const selection = selectTestModes(process.env, () => probePostgresInstallation());
  for (const notice of selection.notices) log(notice);
  const installation = selection.postgres;
  const postgresTask = installation
    ? startThrowawayCluster({ installation, label: 'test-pg' }).then((c) => {
        onCluster(c);
        return preparePostgres(c);
      })
    : Promise.resolve(undefined);
  const embeddedTask = selection.embedded ? prepareEmbedded(workDir) : Promise.resolve(undefined);

  // Both are prepared at the same time: the embedded seed runs in this process, the real one in postgres.
  const [embedded, postgres] = await Promise.allSettled([embeddedTask, postgresTask]);
  const failures = [embedded, postgres].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    const reasons = failures.map((f) => (f.reason instanceof Error ? (f.reason.stack ?? f.reason.message) : String(f.reason)));
    throw new Error(`preparing the test databases failed:\n${reasons.join('\n')}`);
  }
  if (embedded.status === 'fulfilled' && embedded.value) {
    info.embedded = embedded.value;
    info.modes.push('embedded');
  }
  if (postgres.status === 'fulfilled' && postgres.value) {
    info.postgres = postgres.value;
    info.modes.push('postgres');
  }
  log(`modes for this run: ${info.modes.join(', ')} (prepared in ${seconds(started)})`);
  return info;
}

/**
 * Vitest runs a globalSetup once per project, in the one main process: the first project prepares the
 * databases, the others wait for the same preparation, and the last project to finish tears it down.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const global = globalThis as GlobalWithShared;
  if (!global[SHARED]) {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-test-'));
    let cluster: PostgresCluster | undefined;
    const teardown = async () => {
      await cluster?.stop();
      cluster = undefined;
      fs.rmSync(workDir, { recursive: true, force: true });
    };
    const prepared = prepare(workDir, (c) => (cluster = c));
    global[SHARED] = { prepared, users: 0, teardown };
    prepared.catch(() => teardown());
  }
  const shared = global[SHARED];
  shared.users += 1;
  const info = await shared.prepared;
  project.provide('testDatabases', info);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete global[SHARED];
    await shared.teardown();
  };
}
