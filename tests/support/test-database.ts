/**
 * Database tests run on every mode prepared by tests/global-setup.ts:
 *
 *   describe.each(testDatabaseModes())('locate on %s', (mode) => {
 *     let db: Database;
 *     beforeAll(async () => { db = await openSeededTestDatabase(mode); });
 *     afterAll(() => db.close());
 *     …
 *   });
 *
 * Every call returns a fresh, isolated copy: a PGlite loaded from the dump (embedded), or a new
 * database cloned from the template (postgres, dropped again by close()). Opening one costs
 * seconds, so open it in beforeAll, not per test.
 */
import fs from 'node:fs';
import { inject } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { openPostgresDatabase } from '../../server/db/pg-driver.js';
import { openEmbeddedDatabase } from '../../server/db/pglite-driver.js';
import { type PostgresCluster, postgresUrl, probePostgresInstallation, startThrowawayCluster, withMaintenanceDatabase } from './postgres-cluster.js';
import type { TestDatabaseMode, TestDatabasesInfo } from './test-databases-info.js';

export type { TestDatabaseMode } from './test-databases-info.js';

function info(): TestDatabasesInfo {
  const value = inject('testDatabases');
  if (!value) throw new Error('no test databases: is tests/global-setup.ts the globalSetup of vitest.config.ts?');
  return value;
}

/** The database modes prepared for this run: both in CI, embedded alone where no PostGIS is installed. */
export function testDatabaseModes(): TestDatabaseMode[] {
  return [...info().modes];
}

/** A Blob can be read any number of times: one per dump file and worker. */
const dumps = new Map<string, Promise<Blob>>();

function readDump(file: string): Promise<Blob> {
  let blob = dumps.get(file);
  if (!blob) {
    blob = fs.openAsBlob(file, { type: 'application/x-gzip' });
    dumps.set(file, blob);
  }
  return blob;
}

let counter = 0;

function uniqueDatabaseName(): string {
  counter += 1;
  const random = Math.random().toString(36).slice(2, 8);
  return `gridops_test_${process.pid}_${counter}_${random}`;
}

/** statementTimeoutMs: the requests' deadline (the server's STATEMENT_TIMEOUT_MS); a minute when absent. */
export interface TestDatabaseOptions {
  statementTimeoutMs?: number;
}

async function openCopy(mode: TestDatabaseMode, kind: 'empty' | 'seeded', options: TestDatabaseOptions = {}): Promise<Database> {
  const prepared = info();
  if (mode === 'embedded') {
    if (!prepared.embedded) throw new Error('the embedded test database was not prepared for this run');
    const file = kind === 'seeded' ? prepared.embedded.seededDumpPath : prepared.embedded.emptyDumpPath;
    return openEmbeddedDatabase({ loadDump: await readDump(file), statementTimeoutMs: options.statementTimeoutMs });
  }
  if (!prepared.postgres) throw new Error('the postgres test database was not prepared for this run');
  const { port } = prepared.postgres;
  const template = kind === 'seeded' ? prepared.postgres.seededTemplate : prepared.postgres.emptyTemplate;
  const name = uniqueDatabaseName();
  await withMaintenanceDatabase(port, (admin) => admin.execScript('test_database.create', `CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const db = await openPostgresDatabase({ url: postgresUrl(port, name), poolSize: 4, statementTimeoutMs: options.statementTimeoutMs ?? 60_000 });
  let closed = false;
  return {
    ...db,
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
      await withMaintenanceDatabase(port, (admin) => admin.execScript('test_database.drop', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** A fresh copy of the migrated database seeded with the Xianlin subset. */
export function openSeededTestDatabase(mode: TestDatabaseMode, options?: TestDatabaseOptions): Promise<Database> {
  return openCopy(mode, 'seeded', options);
}

/** A fresh copy of the migrated, empty database, for tests that seed themselves. */
export function openEmptyTestDatabase(mode: TestDatabaseMode): Promise<Database> {
  return openCopy(mode, 'empty');
}

/**
 * Several server instances on one database (issue 24): a fresh seeded copy on the real PostgreSQL opened `count`
 * times, each a pool of its own with the live event log on (as a deployment's instances are). `url` lets a test start
 * server processes on it; close() closes every pool and drops the copy.
 */
export async function openSharedPostgresCopies(count: number): Promise<{ dbs: Database[]; url: string; close(): Promise<void> }> {
  const prepared = info().postgres;
  if (!prepared) throw new Error('the postgres test database was not prepared for this run');
  const name = uniqueDatabaseName();
  await withMaintenanceDatabase(prepared.port, (admin) =>
    admin.execScript('test_database.create', `CREATE DATABASE "${name}" TEMPLATE "${prepared.seededTemplate}"`),
  );
  const url = postgresUrl(prepared.port, name);
  const dbs: Database[] = [];
  for (let i = 0; i < count; i += 1) dbs.push(await openPostgresDatabase({ url, poolSize: 4, statementTimeoutMs: 60_000, liveLog: true }));
  return {
    dbs,
    url,
    async close() {
      await Promise.all(dbs.map((db) => db.close()));
      await withMaintenanceDatabase(prepared.port, (admin) =>
        admin.execScript('test_database.drop', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

/**
 * A second cluster for tests that must stop or follow a PostgreSQL of their own (issue 24): a pg_basebackup copy of
 * this run's throwaway cluster, with its templates (`gridops_template` seeded with Xianlin). `standby: true` makes it
 * a streaming replica of the run's cluster; otherwise an independent primary that the test may stop and start
 * (stopServer/startServer) without disturbing other spec files. stop() removes it.
 */
export async function startCopyOfTestCluster(options: { standby?: boolean; label: string }): Promise<PostgresCluster & { seededTemplate: string }> {
  const prepared = info().postgres;
  if (!prepared) throw new Error('the postgres test database was not prepared for this run');
  const probe = probePostgresInstallation();
  if (!probe.found) throw new Error(probe.reason);
  const cluster = await startThrowawayCluster({
    installation: probe.installation,
    label: options.label,
    copyOf: { port: prepared.port, standby: options.standby },
  });
  return Object.assign(cluster, { seededTemplate: prepared.seededTemplate });
}
