/**
 * A real PostgreSQL restart under two running server processes (issue 24, "faults survived"). The cluster is a
 * pg_basebackup copy of the run's test cluster (tests/support/test-database.ts startCopyOfTestCluster), so stopping it
 * disturbs no other spec file. With `pg_ctl stop -m fast` and `start` on the same port, without an operator:
 * - while the database is down: liveness stays 200, readiness answers 503 `database_unreachable`, no instance leads,
 *   and a request that needs the database gets 503 `database_unavailable` (Retry-After), never a raw error;
 * - after it is back: readiness 200 again, the pools reconnect, LISTEN is re-established, exactly one instance leads;
 * - a client that stayed connected gets the changes made after the restart, once each; a client that lost its socket
 *   during the outage resumes on the other instance from its last number, gets what it missed, and no snapshot.
 * Real PostgreSQL only (the embedded database lives inside the server process: it has no restart of its own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, type Database } from '../db/database.js';
import { openPostgresDatabase } from '../db/pg-driver.js';
import type { PostgresCluster } from '../../tests/support/postgres-cluster.js';
import { startServerProcess, type ServerProcess } from '../../tests/support/server-process.js';
import { signIn } from '../../tests/support/test-auth.js';
import { startCopyOfTestCluster, testDatabaseModes } from '../../tests/support/test-database.js';
import { until } from '../../tests/support/wait-until.js';
import {
  deliveredIncidentIds,
  incidentDeltaOf,
  isIncidentSnapshot,
  liveSubscriptions,
  pickXianlinPlace,
  postCase,
  type IncidentDelta,
  type IncidentSnapshot,
  type Place,
} from '../../tests/support/cluster-cases.js';

const countServerConnections = defineSql(
  'test.restart_count_server_connections',
  `SELECT count(*) FILTER (WHERE application_name = 'gridops-listen')::int AS listening,
          count(*) FILTER (WHERE application_name = 'gridops-leader')::int AS leader_sessions
     FROM pg_stat_activity WHERE datname = current_database()`,
);
const countIncidents = defineSql('test.restart_count_incidents', `SELECT count(*)::int AS n FROM incidents WHERE id = ANY($1::bigint[])`);

const status = async (url: string): Promise<{ status: number; code?: string }> => {
  try {
    const res = await fetch(url);
    const body = (await res.json()) as { code?: string };
    return { status: res.status, code: body.code };
  } catch {
    return { status: 0 };
  }
};

describe.runIf(testDatabaseModes().includes('postgres'))('a database restart under two servers on postgres', () => {
  let cluster: PostgresCluster;
  let url: string;
  let a: ServerProcess;
  let b: ServerProcess;
  let place: Place;
  const live = liveSubscriptions();
  const subscribe = live.subscribe.bind(live);
  const withDb = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
    const db = await openPostgresDatabase({ url, poolSize: 1, statementTimeoutMs: 30_000 });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  const post = (server: ServerProcess, headers: Record<string, string>) => postCase(server, headers, place, '路灯不亮');
  const leaders = async () => (await Promise.all([a, b].map((p) => p.metric('gridops_scheduler_leader')))).filter((v) => v === 1).length;

  beforeAll(async () => {
    cluster = await startCopyOfTestCluster({ label: 'restart-pg' });
    await cluster.createDatabase('gridops_restart', 'gridops_template');
    url = cluster.url('gridops_restart');
    [place] = await withDb((db) => db.query<Place>(pickXianlinPlace));
    const env = { DATABASE_URL: url, LEADER_RETRY_MS: '1000', SHUTDOWN_DRAIN_MS: '2000' };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 180_000);
  afterAll(async () => {
    live.closeAll();
    for (const p of [a, b]) p?.kill('SIGKILL');
    await Promise.all([a, b].map((p) => p?.exited));
    await cluster?.stop();
  });

  it('recovers without an operator: readiness, pool, LISTEN, leadership, and live clients get what they missed', async () => {
    await until(async () => (await leaders()) === 1, 15_000, 'one leader before the restart');
    const onA = await signIn(a.baseUrl, 'dispatcher.xianlin');
    const onB = await signIn(b.baseUrl, 'dispatcher.xianlin');
    const stays = await subscribe(a, onA.cookie, null);
    const leaves = await subscribe(a, onA.cookie, null);
    await stays.waitFor(isIncidentSnapshot, 10_000);
    const snapshot = (await leaves.waitFor(isIncidentSnapshot, 10_000)) as IncidentSnapshot;
    const before = await post(b, onB);
    await stays.waitFor(incidentDeltaOf(before), 10_000);
    const lastSeen = (await leaves.waitFor(incidentDeltaOf(before), 10_000)) as IncidentDelta;

    const stoppedAt = Date.now();
    await cluster.stopServer();
    // This client's socket goes away during the outage (its network, its tab): it resumes after, elsewhere.
    leaves.close();
    // Down: alive, not ready, nobody leads (the advisory lock died with its session).
    for (const server of [a, b]) {
      expect((await status(`${server.baseUrl}/api/health/live`)).status).toBe(200);
      expect(
        await until(
          async () => {
            const ready = await status(`${server.baseUrl}/api/health/ready`);
            return ready.status === 503 && ready.code === 'database_unreachable';
          },
          10_000,
          'not ready while the database is down',
        ),
      ).toBe(true);
    }
    await until(async () => (await leaders()) === 0, 10_000, 'no leader while the database is down');
    expect(await a.metric('gridops_live_log_listening')).toBe(0);
    const refused = await fetch(`${a.baseUrl}/api/incidents`, {
      method: 'POST',
      headers: { ...onA, 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'city_management', description: '路灯不亮', lon: place.lon, lat: place.lat }),
    });
    // A change tried meanwhile: 503 database_unavailable with Retry-After (retry later), no raw error, nothing half-done.
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    const refusedBody = await refused.text();
    expect(JSON.parse(refusedBody)).toMatchObject({ code: 'database_unavailable' });
    expect(refusedBody).not.toMatch(/ECONNREFUSED|terminating connection|127\.0\.0\.1|\.ts:\d+/);

    await new Promise((resolve) => setTimeout(resolve, 1500));
    await cluster.startServer();
    const restartedAt = Date.now();

    // Back: ready, LISTEN again, exactly one leader; the sign-in sessions (in the database) still hold.
    for (const server of [a, b]) {
      await until(async () => (await status(`${server.baseUrl}/api/health/ready`)).status === 200, 30_000, 'ready again');
      await until(async () => (await server.metric('gridops_live_log_listening')) === 1, 30_000, 'LISTEN again');
    }
    await until(async () => (await leaders()) === 1, 30_000, 'one leader again');
    const recoveredMs = Date.now() - restartedAt;
    const connections = await withDb((db) => db.query<{ listening: number; leader_sessions: number }>(countServerConnections));
    expect(connections[0]!.listening).toBeGreaterThanOrEqual(2);
    expect(connections[0]!.leader_sessions).toBeGreaterThanOrEqual(1);

    // Changes after the restart, through both instances, reach the client that stayed and the one that resumes.
    const after = [await post(b, onB), await post(a, onA), await post(b, onB)];
    for (const id of after) await stays.waitFor(incidentDeltaOf(id), 10_000);
    expect(deliveredIncidentIds(stays)).toEqual([before, ...after]);
    const resumed = await subscribe(b, onB.cookie, { epoch: snapshot.epoch, seq: lastSeen.seq });
    for (const id of after) await resumed.waitFor(incidentDeltaOf(id), 10_000);
    expect(deliveredIncidentIds(resumed)).toEqual(after);
    expect(resumed.messages.some(isIncidentSnapshot)).toBe(false);
    expect((await withDb((db) => db.query<{ n: number }>(countIncidents, [[before, ...after]])))[0]!.n).toBe(4);
    console.info(
      `[restart] database down ${restartedAt - stoppedAt} ms; both instances ready, listening and one leading ${recoveredMs} ms after it was back`,
    );
  }, 180_000);
});
