/**
 * Two server instances on one real PostgreSQL (issue 24): an incident posted through either reaches the clients of
 * both through the live event log (migration 0021), in order, exactly once, only in jurisdiction; a client of an
 * instance that went away resumes on the other from its last number without a snapshot. Real PostgreSQL only (the
 * embedded database is one process).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import type { LiveWorker, ServerMessage } from '../live/live-protocol.js';
import {
  incidentDeltaOf,
  incidentDeltas,
  isIncidentSnapshot,
  liveSubscriptions,
  pickXianlinPlace,
  postCase,
  type IncidentDelta,
  type IncidentSnapshot,
  type Place,
} from '../../tests/support/cluster-cases.js';
import { signIn } from '../../tests/support/test-auth.js';
import { openSharedPostgresCopies, testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';

const pickWorker = defineSql(
  'test.cluster_pick_worker',
  `SELECT w.code, w.home_unit_code FROM workers w WHERE w.home_unit_code LIKE '320113007%' ORDER BY w.code LIMIT 1`,
);
describe.runIf(testDatabaseModes().includes('postgres'))('live updates across two instances on postgres', () => {
  let shared: Awaited<ReturnType<typeof openSharedPostgresCopies>>;
  let a: TestServer;
  let b: TestServer;
  let aOpen = true;
  let place: Place;
  const live = liveSubscriptions();
  const open = live.open.bind(live);
  const post = (server: TestServer, headers: Record<string, string>) => postCase(server, headers, place, '井盖缺失');

  beforeAll(async () => {
    shared = await openSharedPostgresCopies(2);
    a = await startTestServer('postgres', { db: shared.dbs[0], cluster: true });
    b = await startTestServer('postgres', { db: shared.dbs[1], cluster: true });
    [place] = await shared.dbs[0]!.query<Place>(pickXianlinPlace);
  });
  afterAll(async () => {
    live.closeAll();
    if (aOpen) await a?.close();
    await b?.close();
    await shared?.close();
  });

  it('delivers changes posted through either instance to the clients of both, in order, exactly once, in jurisdiction', async () => {
    expect(a.live.epoch).toBe(b.live.epoch);
    const onA = await signIn(a.baseUrl, 'dispatcher.xianlin');
    const onB = await signIn(b.baseUrl, 'dispatcher.xianlin');
    const xuanwu = await signIn(b.baseUrl, 'dispatcher.xuanwu');
    const mine = await open(b, onB.cookie);
    const other = await open(b, xuanwu.cookie);
    mine.send({ op: 'subscribe', topic: 'incidents', since: null });
    other.send({ op: 'subscribe', topic: 'incidents', since: null });
    const snapshot = (await mine.waitFor(isIncidentSnapshot)) as IncidentSnapshot;
    await other.waitFor(isIncidentSnapshot);

    // No event is emitted by hand: the commit itself appends to the log, and B reads it.
    const ids: number[] = [];
    for (let i = 0; i < 6; i += 1) ids.push(await post(i % 2 === 0 ? a : b, i % 2 === 0 ? onA : onB));
    for (const id of ids) await mine.waitFor(incidentDeltaOf(id), 5000);
    await b.live.log!.catchUp();
    await new Promise((resolve) => setTimeout(resolve, 300));

    const deltas = incidentDeltas(mine);
    const seqs = deltas.map((d) => d.seq);
    expect(seqs[0]).toBeGreaterThan(snapshot.seq);
    for (let i = 1; i < seqs.length; i += 1) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
    const received = deltas.flatMap((d) => d.items.map((item) => item.id)).filter((id) => ids.includes(id));
    // Each posted incident exactly once, in the order posted (the order of their commits).
    expect(received).toEqual(ids);
    expect(
      incidentDeltas(other)
        .flatMap((d) => d.items)
        .filter((item) => ids.includes(item.id)),
    ).toEqual([]);
  });

  it('relays worker positions reported on one instance to the clients of the other', async () => {
    const onB = await signIn(b.baseUrl, 'dispatcher.xianlin');
    const client = await open(b, onB.cookie);
    client.send({ op: 'subscribe', topic: 'workers', since: null });
    await client.waitFor((m) => m.type === 'snapshot' && m.topic === 'workers');
    const [worker] = await shared.dbs[0]!.query<{ code: string; home_unit_code: string }>(pickWorker);
    const at = new Date().toISOString();
    // What the field app's route or the simulator announces on the instance that received the fix.
    a.events.emit({ type: 'worker.moved', workerCode: worker!.code, microGridCode: worker!.home_unit_code, lon: 118.9301, lat: 32.1051, at });
    await a.live.relay!.flush();
    const delta = (await client.waitFor(
      (m) => m.type === 'delta' && m.topic === 'workers' && (m.items as LiveWorker[]).some((w) => w.code === worker!.code && w.at === at),
      5000,
    )) as Extract<ServerMessage, { type: 'delta'; topic: 'workers' }>;
    expect(delta.items.find((w) => w.code === worker!.code)).toMatchObject({ lon: 118.9301, lat: 32.1051 });
  });

  it('resumes a client of an instance that went away on the other, from its last number, without a snapshot', async () => {
    const onA = await signIn(a.baseUrl, 'dispatcher.xianlin');
    const onB = await signIn(b.baseUrl, 'dispatcher.xianlin');
    const first = await open(a, onA.cookie);
    first.send({ op: 'subscribe', topic: 'incidents', since: null });
    const snapshot = (await first.waitFor(isIncidentSnapshot)) as IncidentSnapshot;
    const before = await post(a, onA);
    const seen = (await first.waitFor(incidentDeltaOf(before), 5000)) as IncidentDelta;

    // A goes away; its client is closed with 1001 (going away) and reconnects to B.
    const closed = first.closed;
    await a.close();
    aOpen = false;
    expect((await closed).code).toBe(1001);
    const missed = [await post(b, onB), await post(b, onB)];
    await b.live.log!.catchUp();

    const again = await open(b, onB.cookie);
    again.send({ op: 'subscribe', topic: 'incidents', since: { epoch: snapshot.epoch, seq: seen.seq } });
    const replay = (await again.waitFor((m) => m.type === 'delta' && m.topic === 'incidents', 5000)) as IncidentDelta;
    expect(replay.items.map((i) => i.id)).toEqual(missed);
    expect(again.messages.some(isIncidentSnapshot)).toBe(false);
    expect(replay.items.some((i) => i.id === before)).toBe(false);
  });
});
