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
import type { LiveIncident, ServerMessage } from '../live/live-protocol.js';
import { openLive, type LiveTestSocket } from '../../tests/support/live-test-support.js';
import type { PostgresCluster } from '../../tests/support/postgres-cluster.js';
import { startServerProcess, type ServerProcess } from '../../tests/support/server-process.js';
import { signIn } from '../../tests/support/test-auth.js';
import { startCopyOfTestCluster, testDatabaseModes } from '../../tests/support/test-database.js';
import { until } from '../../tests/support/wait-until.js';
import { callRoute } from '../../tests/support/api-answer.js';
import { createIncidentRoute } from '../incidents/incidents-contract.js';

const pickPlace = defineSql(
  'test.restart_pick_place',
  `SELECT ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat FROM units m
    WHERE m.level = 'micro_grid' AND m.street_code = '320113007' ORDER BY m.code LIMIT 1`,
);
const countServerConnections = defineSql(
  'test.restart_count_server_connections',
  `SELECT count(*) FILTER (WHERE application_name = 'gridops-listen')::int AS listening,
          count(*) FILTER (WHERE application_name = 'gridops-leader')::int AS leader_sessions
     FROM pg_stat_activity WHERE datname = current_database()`,
);
const countIncidents = defineSql('test.restart_count_incidents', `SELECT count(*)::int AS n FROM incidents WHERE id = ANY($1::bigint[])`);

type Delta = Extract<ServerMessage, { type: 'delta'; topic: 'incidents' }>;
type Snapshot = Extract<ServerMessage, { type: 'snapshot'; topic: 'incidents' }>;
const isSnapshot = (m: ServerMessage) => m.type === 'snapshot' && m.topic === 'incidents';
const deltaOf = (id: number) => (m: ServerMessage) =>
  m.type === 'delta' && m.topic === 'incidents' && (m.items as LiveIncident[]).some((i) => i.id === id);
const deliveredIds = (socket: LiveTestSocket) =>
  socket.messages.filter((m): m is Delta => m.type === 'delta' && m.topic === 'incidents').flatMap((m) => m.items.map((i) => i.id));
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
  let place: { lon: number; lat: number };
  const sockets: LiveTestSocket[] = [];
  const withDb = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
    const db = await openPostgresDatabase({ url, poolSize: 1, statementTimeoutMs: 30_000 });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  const post = async (server: ServerProcess, headers: Record<string, string>): Promise<number> => {
    const res = await callRoute(server.baseUrl, createIncidentRoute, '/api/incidents', headers, {
      category: 'city_management',
      description: '路灯不亮',
      lon: place.lon,
      lat: place.lat,
    });
    expect(res.status).toBe(201);
    return res.body.incident.id;
  };
  const subscribe = async (server: ServerProcess, cookie: string, since: { epoch: string; seq: number } | null) => {
    const socket = await openLive(server.baseUrl, { cookie, origin: server.baseUrl });
    sockets.push(socket);
    socket.send({ op: 'subscribe', topic: 'incidents', since });
    return socket;
  };
  const leaders = async () => (await Promise.all([a, b].map((p) => p.metric('gridops_scheduler_leader')))).filter((v) => v === 1).length;

  beforeAll(async () => {
    cluster = await startCopyOfTestCluster({ label: 'restart-pg' });
    await cluster.createDatabase('gridops_restart', 'gridops_template');
    url = cluster.url('gridops_restart');
    [place] = await withDb((db) => db.query<{ lon: number; lat: number }>(pickPlace));
    const env = { DATABASE_URL: url, LEADER_RETRY_MS: '1000', SHUTDOWN_DRAIN_MS: '2000' };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 180_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
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
    await stays.waitFor(isSnapshot, 10_000);
    const snapshot = (await leaves.waitFor(isSnapshot, 10_000)) as Snapshot;
    const before = await post(b, onB);
    await stays.waitFor(deltaOf(before), 10_000);
    const lastSeen = (await leaves.waitFor(deltaOf(before), 10_000)) as Delta;

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
    for (const id of after) await stays.waitFor(deltaOf(id), 10_000);
    expect(deliveredIds(stays)).toEqual([before, ...after]);
    const resumed = await subscribe(b, onB.cookie, { epoch: snapshot.epoch, seq: lastSeen.seq });
    for (const id of after) await resumed.waitFor(deltaOf(id), 10_000);
    expect(deliveredIds(resumed)).toEqual(after);
    expect(resumed.messages.some(isSnapshot)).toBe(false);
    expect((await withDb((db) => db.query<{ n: number }>(countIncidents, [[before, ...after]])))[0]!.n).toBe(4);
    console.info(
      `[restart] database down ${restartedAt - stoppedAt} ms; both instances ready, listening and one leading ${recoveredMs} ms after it was back`,
    );
  }, 180_000);
});
