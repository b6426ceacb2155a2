/**
 * DATABASE_READ_URL (issue 24): statistics, tiles and OGC reads on a read replica; every write and everything else
 * on the primary. On a real streaming replica: a hot standby made by pg_basebackup of the run's test cluster
 * (tests/support/test-database.ts startCopyOfTestCluster({ standby: true })), following it over streaming
 * replication. The proof that a route reads from the replica: with the standby's WAL replay paused, a change committed
 * on the primary (through the server) is not in those routes' answers, while the primary's own routes see it; after
 * the replay resumes, it is. Row-level security holds on the read connection (another district sees nothing of it).
 * Also: the read pool refuses writes even when it points at a primary (default_transaction_read_only), and its
 * connections are the ones named `gridops-read` in pg_stat_activity. Real PostgreSQL only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { DatabaseError, defineSql, type Database } from '../db/database.js';
import { openReadDatabase, READ_POOL_APPLICATION_NAME } from '../db/open-database.js';
import { openPostgresDatabase } from '../db/pg-driver.js';
import { tileContaining } from '../tiles/tile-address.js';
import type { PostgresCluster } from '../../tests/support/postgres-cluster.js';
import { signIn } from '../../tests/support/test-auth.js';
import { openSharedPostgresCopies, startCopyOfTestCluster, testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { decodeTile } from '../../tests/support/tile-test-support.js';
import { until } from '../../tests/support/wait-until.js';

const pickMicroGrid = defineSql(
  'test.replica_pick_micro_grid',
  `SELECT code, name, ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM units
    WHERE level = 'micro_grid' AND street_code = '320113007' ORDER BY code LIMIT 1`,
);
const renameUnit = defineSql('test.replica_rename_unit', `UPDATE units SET name = $2 WHERE code = $1`);
const primaryLsn = defineSql('test.replica_primary_lsn', `SELECT pg_current_wal_lsn()::text AS lsn`);
const replayedUpTo = defineSql('test.replica_replayed', `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok`);
const pauseReplay = defineSql('test.replica_pause', `SELECT pg_wal_replay_pause()`);
const pauseState = defineSql('test.replica_pause_state', `SELECT pg_get_wal_replay_pause_state() AS state`);
const resumeReplay = defineSql('test.replica_resume', `SELECT pg_wal_replay_resume()`);
const isStandby = defineSql('test.replica_is_standby', `SELECT pg_is_in_recovery() AS standby`);
const streaming = defineSql(
  'test.replica_streaming',
  `SELECT count(*)::int AS n FROM pg_stat_replication WHERE application_name = 'gridops_test_standby' AND state = 'streaming'`,
);
const readConnections = defineSql(
  'test.replica_read_connections',
  `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
);
const tryWrite = defineSql('test.replica_try_write', `UPDATE units SET name = name WHERE code = $1`);

describe.runIf(testDatabaseModes().includes('postgres'))('DATABASE_READ_URL on postgres', () => {
  let shared: Awaited<ReturnType<typeof openSharedPostgresCopies>>;
  let primary: Database;
  let standby: PostgresCluster;
  let replicaAdmin: Database;
  let readDb: Database;
  let server: TestServer;
  let unit: { code: string; name: string; lon: number; lat: number };
  const databaseName = () => new URL(shared.url).pathname.slice(1);

  /** Wait until the standby has replayed everything the primary has written so far. */
  const caughtUp = async () => {
    const [{ lsn }] = await primary.query<{ lsn: string }>(primaryLsn);
    await until(async () => (await replicaAdmin.query<{ ok: boolean }>(replayedUpTo, [lsn]))[0]?.ok, 30_000, 'standby caught up');
  };
  const get = async (path: string, headers: Record<string, string>) => {
    const res = await fetch(`${server.baseUrl}${path}`, { headers });
    return { status: res.status, body: res.status === 200 ? await res.json() : await res.text() };
  };
  const labelOf = async (z: number, headers: Record<string, string>): Promise<string | undefined> => {
    const t = tileContaining(unit.lon, unit.lat, z);
    const res = await fetch(`${server.baseUrl}/tiles/unit_labels/${t.z}/${t.x}/${t.y}`, { headers });
    // 204: nothing of the caller's jurisdiction in that tile.
    if (res.status === 204) return undefined;
    expect(res.status).toBe(200);
    // fetch has already undone the Content-Encoding: gzip.
    const layers = decodeTile(new Uint8Array(await res.arrayBuffer()), false);
    return layers.unit_labels?.features.find((f) => f.properties.code === unit.code)?.properties.name as string | undefined;
  };

  beforeAll(async () => {
    shared = await openSharedPostgresCopies(1);
    primary = shared.dbs[0]!;
    standby = await startCopyOfTestCluster({ standby: true, label: 'replica-pg' });
    const readUrl = standby.url(databaseName());
    replicaAdmin = await openPostgresDatabase({ url: readUrl, poolSize: 1, statementTimeoutMs: 30_000 });
    // The one config loader and the one database module open it, as main.ts does.
    readDb = await openReadDatabase(loadConfig({ NODE_ENV: 'test', DATABASE_URL: shared.url, DATABASE_READ_URL: readUrl }), primary);
    server = await startTestServer('postgres', { db: primary, readDb });
    [unit] = await primary.query(pickMicroGrid);
  }, 180_000);
  afterAll(async () => {
    await replicaAdmin?.query(resumeReplay).catch(() => undefined);
    await server?.close();
    await readDb?.close();
    await replicaAdmin?.close();
    await standby?.stop();
    await shared?.close();
  });

  it('is a hot standby streaming from the primary', async () => {
    expect(readDb).not.toBe(primary);
    expect((await replicaAdmin.query<{ standby: boolean }>(isStandby))[0]!.standby).toBe(true);
    await until(async () => (await primary.query<{ n: number }>(streaming))[0]!.n === 1, 30_000, 'replication streaming');
  });

  it('reads statistics, tiles and OGC features from the replica, writes through the primary, in the caller’s scope', async () => {
    const xianlin = await signIn(server.baseUrl, 'dispatcher.xianlin');
    const xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
    await caughtUp();
    const recent = async () => (await get('/api/stats/recent?unit=320113007&hours=1', xianlin)).body as { points: unknown[] };
    const pointsBefore = (await recent()).points.length;

    await replicaAdmin.query(pauseReplay);
    await until(async () => (await replicaAdmin.query<{ state: string }>(pauseState))[0]!.state === 'paused', 10_000, 'replay paused');

    // A write through the server: it succeeds, so it went to the primary (the standby refuses every write).
    const created = await fetch(`${server.baseUrl}/api/incidents`, {
      method: 'POST',
      headers: { ...xianlin, 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'city_management', description: '只读副本测试：井盖破损', lon: unit.lon, lat: unit.lat }),
    });
    expect(created.status).toBe(201);
    const { id, number } = ((await created.json()) as { incident: { id: number; number: string } }).incident;
    await primary.query(renameUnit, [unit.code, '副本测试微网格']);
    // The primary's routes see it at once …
    expect((await get(`/api/incidents/${id}`, xianlin)).status).toBe(200);
    // … the replica's do not yet: the statistics, the OGC item and the tile are read from the paused standby.
    expect((await recent()).points).toHaveLength(pointsBefore);
    expect((await get(`/ogc/collections/incidents/items/${number}`, xianlin)).status).toBe(404);
    expect(await labelOf(15, xianlin)).toBe(unit.name);
    expect(unit.name).not.toBe('副本测试微网格');

    await replicaAdmin.query(resumeReplay);
    await caughtUp();
    expect((await recent()).points).toHaveLength(pointsBefore + 1);
    const item = await get(`/ogc/collections/incidents/items/${number}`, xianlin);
    expect(item.status).toBe(200);
    expect((item.body as { id: unknown }).id).toBe(number);
    expect(await labelOf(16, xianlin)).toBe('副本测试微网格');
    // Row-level security on the read connection: another district sees nothing of 仙林.
    expect((await get(`/ogc/collections/incidents/items/${number}`, xuanwu)).status).toBe(404);
    expect([403, 404]).toContain((await get('/api/stats/recent?unit=320113007&hours=1', xuanwu)).status);
    expect(await labelOf(16, xuanwu)).toBeUndefined();

    // The reads came through the read pool: its connections are on the standby, none on the primary.
    expect((await replicaAdmin.query<{ n: number }>(readConnections, [READ_POOL_APPLICATION_NAME]))[0]!.n).toBeGreaterThan(0);
    expect((await primary.query<{ n: number }>(readConnections, [READ_POOL_APPLICATION_NAME]))[0]!.n).toBe(0);
  }, 120_000);

  it('never writes through the read pool, even when DATABASE_READ_URL names a primary', async () => {
    await expect(readDb.query(tryWrite, [unit.code])).rejects.toSatisfy((e) => e instanceof DatabaseError && e.sqlState === '25006');
    const samePrimary = await openReadDatabase(loadConfig({ NODE_ENV: 'test', DATABASE_URL: shared.url, DATABASE_READ_URL: shared.url }), primary);
    try {
      expect(samePrimary).not.toBe(primary);
      expect((await samePrimary.query<{ n: number }>(readConnections, [READ_POOL_APPLICATION_NAME]))[0]!.n).toBeGreaterThan(0);
      await expect(samePrimary.query(tryWrite, [unit.code])).rejects.toSatisfy((e) => e instanceof DatabaseError && e.sqlState === '25006');
      await expect(samePrimary.withTransaction((tx) => tx.query(tryWrite, [unit.code]))).rejects.toSatisfy(
        (e) => e instanceof DatabaseError && e.sqlState === '25006',
      );
    } finally {
      await samePrimary.close();
    }
    // Unset: the primary itself.
    expect(await openReadDatabase(loadConfig({ NODE_ENV: 'test', DATABASE_URL: shared.url }), primary)).toBe(primary);
  });
});
