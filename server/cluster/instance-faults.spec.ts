/**
 * Faults with real server processes on one real PostgreSQL (issue 24):
 * - kill -9 of the scheduler leader: its live client reconnects to the other instance and resumes from its last
 *   number without a missed event; the other instance takes the leadership within 30 s (measured);
 * - SIGTERM (graceful): live clients are closed with 1001, the process exits 0 and releases the leadership at once;
 * - every connection of the database dropped (what a database restart does to the servers): the pool reconnects,
 *   LISTEN is re-established, leadership is taken again and changes reach live clients, without an operator.
 * Real PostgreSQL only. Processes start in a few seconds each; the whole file takes about a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, type Database } from '../db/database.js';
import { startServerProcess, type ServerProcess } from '../../tests/support/server-process.js';
import { signIn } from '../../tests/support/test-auth.js';
import { openSharedPostgresCopies, testDatabaseModes } from '../../tests/support/test-database.js';
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

const dropConnections = defineSql(
  'test.faults_drop_connections',
  `SELECT count(pg_terminate_backend(pid))::int AS dropped FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'gridops%'`,
);

describe.runIf(testDatabaseModes().includes('postgres'))('instance faults on postgres', () => {
  let shared: Awaited<ReturnType<typeof openSharedPostgresCopies>>;
  let db: Database;
  let place: Place;
  const processes: ServerProcess[] = [];
  const live = liveSubscriptions();
  const subscribe = live.subscribe.bind(live);
  const start = async () => {
    const server = await startServerProcess({ DATABASE_URL: shared.url, LEADER_RETRY_MS: '1000', SHUTDOWN_DRAIN_MS: '2000' });
    processes.push(server);
    return server;
  };
  const post = (server: ServerProcess, headers: Record<string, string>) => postCase(server, headers, place);
  const leaderOf = async (candidates: ServerProcess[]) => {
    const flags = await Promise.all(candidates.map((p) => p.metric('gridops_scheduler_leader')));
    const leaders = candidates.filter((_, i) => flags[i] === 1);
    return leaders.length === 1 ? leaders[0]! : null;
  };

  beforeAll(async () => {
    shared = await openSharedPostgresCopies(1);
    db = shared.dbs[0]!;
    [place] = await db.query<Place>(pickXianlinPlace);
  }, 60_000);
  afterAll(async () => {
    live.closeAll();
    for (const p of processes) p.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await shared?.close();
  });

  it('kill -9 of the leader: its client resumes on the other instance without a gap; leadership moves within 30 s', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const leader = await until(() => leaderOf([a, b]), 15_000, 'one leader');
    const survivor = leader === a ? b : a;
    const onLeader = await signIn(leader.baseUrl, 'dispatcher.xianlin');
    const onSurvivor = await signIn(survivor.baseUrl, 'dispatcher.xianlin');
    const client = await subscribe(leader, onLeader.cookie, null);
    const snapshot = (await client.waitFor(isIncidentSnapshot, 10_000)) as IncidentSnapshot;
    const seen = (await client.waitFor(incidentDeltaOf(await post(leader, onLeader)), 10_000)) as IncidentDelta;

    const closed = client.closed;
    const killedAt = Date.now();
    leader.kill('SIGKILL');
    expect((await closed).code).toBe(1006);
    const missed = [await post(survivor, onSurvivor), await post(survivor, onSurvivor)];

    const resumed = await subscribe(survivor, onSurvivor.cookie, { epoch: snapshot.epoch, seq: seen.seq });
    // The replay from the survivor's ring, then whatever its log reader had not read yet: each once, in order.
    for (const id of missed) await resumed.waitFor(incidentDeltaOf(id), 10_000);
    expect(deliveredIncidentIds(resumed)).toEqual(missed);
    expect(resumed.messages.some(isIncidentSnapshot)).toBe(false);

    await until(async () => (await survivor.metric('gridops_scheduler_leader')) === 1, 30_000, 'takeover');
    const failoverMs = Date.now() - killedAt;
    expect(failoverMs).toBeLessThan(30_000);
    console.info(`[faults] leader killed: survivor leads after ${failoverMs} ms (LEADER_RETRY_MS=1000)`);
  }, 120_000);

  it('SIGTERM: live clients get 1001, the process exits 0 and hands the leadership over at once', async () => {
    const c = await start();
    const alive = processes.filter((p) => p !== c && p.child.exitCode === null && p.child.signalCode === null);
    const leader = await until(() => leaderOf([...alive, c]), 15_000, 'one leader');
    expect(leader).not.toBe(c);
    const cookie = (await signIn(leader.baseUrl, 'dispatcher.xianlin')).cookie;
    const client = await subscribe(leader, cookie, null);
    await client.waitFor(isIncidentSnapshot, 10_000);
    const stoppedAt = Date.now();
    leader.kill('SIGTERM');
    expect((await client.closed).code).toBe(1001);
    expect(await leader.exited).toBe(0);
    await until(async () => (await c.metric('gridops_scheduler_leader')) === 1, 10_000, 'handover');
    console.info(`[faults] leader stopped gracefully: the other leads after ${Date.now() - stoppedAt} ms`);
  }, 120_000);

  it('every database connection dropped: pool, LISTEN and leadership come back; changes still reach clients', async () => {
    const c = processes.at(-1)!;
    const headers = await signIn(c.baseUrl, 'dispatcher.xianlin');
    const client = await subscribe(c, headers.cookie, null);
    await client.waitFor(isIncidentSnapshot, 10_000);
    expect(await c.metric('gridops_live_log_listening')).toBe(1);

    const [{ dropped }] = await db.query<{ dropped: number }>(dropConnections);
    expect(dropped).toBeGreaterThanOrEqual(2);
    await until(async () => (await fetch(`${c.baseUrl}/api/health/ready`)).status === 200, 15_000, 'ready again');
    await until(async () => (await c.metric('gridops_live_log_listening')) === 1, 15_000, 'LISTEN again');
    await until(async () => (await c.metric('gridops_scheduler_leader')) === 1, 15_000, 'leader again');
    const id = await post(c, headers);
    await client.waitFor(incidentDeltaOf(id), 10_000);
    expect(client.messages.filter(incidentDeltaOf(id))).toHaveLength(1);
  }, 120_000);
});
