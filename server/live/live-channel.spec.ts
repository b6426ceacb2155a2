/**
 * The live channel on the real application and the seeded Xianlin subset, on every database mode: authentication
 * of the upgrade (cookie with Origin, screen token), jurisdiction of snapshots and deltas, resume and snapshot,
 * malformed frames, and the re-check that closes ended sessions and revoked tokens.
 * Domain events are emitted here directly (after a real intake through the API), so these tests do not depend on
 * which routes publish them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { defineSql } from '../db/database.js';
import { screenTokenHeaders, signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { connectLive, type LiveSocketConstructor } from '../../client/live/live-client.js';
import { LIVE_CLOSE, type LiveIncident, type LiveTopic, type LiveWorker, type ServerMessage } from './live-protocol.js';
import { openLive, upgradeStatus, type LiveTestSocket } from '../../tests/support/live-test-support.js';

const pickPlace = defineSql(
  'test.live_pick_place',
  `SELECT m.code, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat,
          (SELECT code FROM workers w WHERE w.home_unit_code = m.code ORDER BY code LIMIT 1) AS worker
     FROM units m WHERE m.level = 'micro_grid' AND m.street_code = '320113007'
      AND EXISTS (SELECT 1 FROM workers w WHERE w.home_unit_code = m.code)
    ORDER BY m.code LIMIT 1`,
);
const fieldWorker = defineSql(
  'test.live_field_worker',
  `SELECT w.code, w.home_unit_code, ST_X(w.last_position) AS lon, ST_Y(w.last_position) AS lat
     FROM accounts a JOIN workers w ON w.code = a.worker_code WHERE a.username = 'worker.xianlin'`,
);
const setOnDuty = defineSql('test.live_set_on_duty', `UPDATE workers SET duty_status = 'on_duty', last_position_at = now() WHERE code = $1`);
const assignIncident = defineSql('test.live_assign_incident', `UPDATE incidents SET assigned_worker_code = $2, state = $3 WHERE id = $1`);
const revokeToken = defineSql('test.live_revoke_tokens', `UPDATE screen_tokens SET revoked_at = now() WHERE label = $1`);

const isSnapshot = (topic: string) => (m: ServerMessage) => m.type === 'snapshot' && m.topic === topic;
type IncidentSnapshotMessage = Extract<ServerMessage, { type: 'snapshot'; topic: 'incidents' }>;
function deltaWith(topic: 'incidents', key: (item: LiveIncident) => boolean): (m: ServerMessage) => boolean;
function deltaWith(topic: 'workers', key: (item: LiveWorker) => boolean): (m: ServerMessage) => boolean;
function deltaWith(topic: LiveTopic, key: (item: never) => boolean) {
  return (m: ServerMessage) => m.type === 'delta' && m.topic === topic && (m.items as never[]).some(key);
}

describe.each(testDatabaseModes())('live channel on %s', (mode) => {
  let server: TestServer;
  let place: { code: string; lon: number; lat: number; worker: string };
  let xianlin: Record<string, string>;
  let xuanwu: Record<string, string>;
  const sockets: LiveTestSocket[] = [];

  const asXianlin = () => ({ cookie: xianlin.cookie, origin: server.baseUrl });
  /** Every event so far has reached the hub, and everything the hub sent these sockets has arrived. */
  const settled = async (...targets: LiveTestSocket[]) => {
    await server.live.source.idle();
    for (const socket of targets) await socket.roundTrip();
  };
  const open = async (credentials: Parameters<typeof openLive>[1]) => {
    const socket = await openLive(server.baseUrl, credentials);
    sockets.push(socket);
    return socket;
  };
  /** A real intake through the API, then the event its route would publish. */
  const reportIncident = async (): Promise<number> => {
    const res = await fetch(`${server.baseUrl}/api/incidents`, {
      method: 'POST',
      headers: { ...xianlin, 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'city_management', description: '路灯不亮', lon: place.lon, lat: place.lat }),
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { incident: { id: number } }).incident.id;
    server.events.emit({ type: 'incident.changed', incidentId: id, microGridCode: place.code, change: 'reported' });
    await server.live.source.idle();
    return id;
  };

  beforeAll(async () => {
    server = await startTestServer(mode, { live: { recheckMs: 300, flushMs: 50, bufferSize: { incidents: 5, workers: 240 } } });
    [place] = await server.db.query(pickPlace);
    xianlin = await signIn(server.baseUrl, 'dispatcher.xianlin');
    xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  it('refuses an upgrade without credentials (401), with a foreign or missing Origin (403), and other paths (404)', async () => {
    expect(await upgradeStatus(server.baseUrl, {})).toMatchObject({ status: 401, body: expect.stringContaining('authentication_required') });
    expect((await upgradeStatus(server.baseUrl, { cookie: xianlin.cookie, origin: 'https://evil.example' })).status).toBe(403);
    expect((await upgradeStatus(server.baseUrl, { cookie: xianlin.cookie })).status).toBe(403);
    expect(
      (await upgradeStatus(server.baseUrl, { cookie: 'gridops_session=ses_notarealsessiontokenatall1234', origin: server.baseUrl })).status,
    ).toBe(401);
    expect((await upgradeStatus(server.baseUrl, { protocols: ['gridops.live', 'bearer.gst_notarealscreentokenatall12345'] })).status).toBe(401);
    expect((await upgradeStatus(server.baseUrl, asXianlin(), '/elsewhere')).status).toBe(404);
    expect((await upgradeStatus(server.baseUrl, asXianlin())).status).toBe(101);
  });

  it('sends hello and a snapshot in scope, then a delta for a new incident — not to a Xuanwu dispatcher', async () => {
    const mine = await open(asXianlin());
    const other = await open({ cookie: xuanwu.cookie, origin: server.baseUrl });
    expect(await mine.waitFor((m) => m.type === 'hello')).toEqual({
      type: 'hello',
      epoch: server.live.epoch,
      account: { role: 'dispatcher', jurisdiction: '320113007' },
    });
    mine.send({ op: 'subscribe', topic: 'incidents', since: null });
    other.send({ op: 'subscribe', topic: 'incidents', since: null });
    const snapshot = (await mine.waitFor(isSnapshot('incidents'))) as Extract<ServerMessage, { type: 'snapshot' }>;
    expect(snapshot.epoch).toBe(server.live.epoch);
    for (const item of snapshot.items as LiveIncident[]) expect(item.microGridCode.startsWith('320113007')).toBe(true);
    await other.waitFor(isSnapshot('incidents'));

    const id = await reportIncident();
    const delta = (await mine.waitFor(deltaWith('incidents', (i) => i.id === id))) as Extract<ServerMessage, { type: 'delta' }>;
    expect(delta.seq).toBeGreaterThan(snapshot.seq);
    expect(delta.items[0]).toMatchObject({
      id,
      state: 'reported',
      grade: 'blue',
      category: 'city_management',
      microGridCode: place.code,
      streetCode: '320113007',
      assignedWorkerCode: null,
      overdue: false,
      generated: false,
    });
    expect(Object.keys(delta.items[0]).sort()).toEqual(
      [
        'assignedWorkerCode',
        'category',
        'communityCode',
        'deadlineAt',
        'districtCode',
        'escalationLevel',
        'generated',
        'grade',
        'id',
        'lat',
        'lon',
        'microGridCode',
        'number',
        'overdue',
        'reportedAt',
        'source',
        'state',
        'streetCode',
      ].sort(),
    );
    await settled(other);
    expect(other.messages.some(deltaWith('incidents', (i) => i.id === id))).toBe(false);

    // A new subscriber's snapshot holds it (read through RLS); the Xuanwu one's does not.
    const later = await open(asXianlin());
    later.send({ op: 'subscribe', topic: 'incidents', since: null });
    expect(((await later.waitFor(isSnapshot('incidents'))) as IncidentSnapshotMessage).items.map((i) => i.id)).toContain(id);
    const otherLater = await open({ cookie: xuanwu.cookie, origin: server.baseUrl });
    otherLater.send({ op: 'subscribe', topic: 'incidents', since: null });
    expect(((await otherLater.waitFor(isSnapshot('incidents'))) as IncidentSnapshotMessage).items.map((i) => i.id)).not.toContain(id);
  });

  it('accepts a screen token as a subprotocol or a header, scoped to its jurisdiction, and drops it once revoked', async () => {
    const { authorization } = await screenTokenHeaders(server.db, '320113007');
    const token = authorization.slice('Bearer '.length);
    const viaProtocol = await open({ protocols: ['gridops.live', `bearer.${token}`] });
    expect(viaProtocol.ws.protocol).toBe('gridops.live');
    expect(await viaProtocol.waitFor((m) => m.type === 'hello')).toMatchObject({ account: { role: 'screen', jurisdiction: '320113007' } });
    viaProtocol.send({ op: 'subscribe', topic: 'incidents', since: null });
    await viaProtocol.waitFor(isSnapshot('incidents'));
    const viaHeader = await open({ authorization });
    await viaHeader.waitFor((m) => m.type === 'hello');

    await server.db.query(revokeToken, ['test 320113007']);
    expect(await viaProtocol.closed).toEqual({ code: LIVE_CLOSE.sessionEnded, reason: 'session_ended' });
    expect((await viaHeader.closed).code).toBe(LIVE_CLOSE.sessionEnded);
  });

  it('closes the connection of a session that signed out', async () => {
    const session = await signIn(server.baseUrl, 'supervisor.xianlin');
    const socket = await open({ cookie: session.cookie, origin: server.baseUrl });
    await socket.waitFor((m) => m.type === 'hello');
    const res = await fetch(`${server.baseUrl}/api/auth/logout`, { method: 'POST', headers: session });
    expect(res.status).toBeLessThan(300);
    expect((await socket.closed).code).toBe(LIVE_CLOSE.sessionEnded);
  });

  it('answers malformed frames with error codes and keeps the connection', async () => {
    const socket = await open(asXianlin());
    socket.send('not json');
    socket.send({ op: 'subscribe', topic: 'cameras' });
    socket.send({ op: 'viewport', bbox: [119, 32, 118, 33] });
    socket.send({ op: 'unsubscribe', topic: 'workers' });
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    socket.send({ op: 'ping' });
    await socket.waitFor((m) => m.type === 'pong');
    expect(socket.messages.filter((m) => m.type === 'error').map((m) => (m as { code: string }).code)).toEqual([
      'invalid_json',
      'invalid_message',
      'invalid_message',
      'not_subscribed',
      'binary_not_supported',
    ]);
    socket.send('x'.repeat(5000));
    expect((await socket.closed).code).toBe(1009);
  });

  it('replays missed deltas to a client that reconnects, and sends a snapshot when it was away too long', async () => {
    const first = await open(asXianlin());
    first.send({ op: 'subscribe', topic: 'incidents', since: null });
    const snapshot = (await first.waitFor(isSnapshot('incidents'))) as Extract<ServerMessage, { type: 'snapshot' }>;
    first.close();
    const missed = await reportIncident();

    const second = await open(asXianlin());
    second.send({ op: 'subscribe', topic: 'incidents', since: { epoch: snapshot.epoch, seq: snapshot.seq } });
    const replay = (await second.waitFor((m) => m.type === 'delta' || m.type === 'snapshot')) as Extract<ServerMessage, { type: 'delta' }>;
    expect(replay.type).toBe('delta');
    expect(replay.seq).toBe(server.live.hub.currentSeq('incidents'));
    expect((replay.items as LiveIncident[]).map((i) => i.id)).toContain(missed);

    // More changes than the ring holds (5 in this server): the old position gets a fresh snapshot.
    for (let n = 0; n < 6; n += 1) {
      server.events.emit({ type: 'incident.changed', incidentId: missed, microGridCode: place.code, change: 'note' });
      await server.live.source.idle();
    }
    const third = await open(asXianlin());
    third.send({ op: 'subscribe', topic: 'incidents', since: { epoch: snapshot.epoch, seq: replay.seq } });
    const fresh = (await third.waitFor((m) => m.type === 'delta' || m.type === 'snapshot')) as Extract<ServerMessage, { type: 'snapshot' }>;
    expect(fresh).toMatchObject({ type: 'snapshot', topic: 'incidents', epoch: server.live.epoch, seq: server.live.hub.currentSeq('incidents') });
    expect((fresh.items as LiveIncident[]).map((i) => i.id)).toContain(missed);
    // Another epoch (a restarted server) also gets a snapshot.
    third.send({ op: 'subscribe', topic: 'incidents', since: { epoch: 'another-epoch', seq: 1 } });
    await third.waitFor((m) => isSnapshot('incidents')(m) && third.messages.filter(isSnapshot('incidents')).indexOf(m) === 1);
    await settled(third);
    expect(third.messages.filter(isSnapshot('incidents'))).toHaveLength(2);
  });

  it('publishes worker positions from events in scope and viewport, with names from the database', async () => {
    const bbox: [number, number, number, number] = [118.85, 32.05, 119.0, 32.15];
    const mine = await open(asXianlin());
    const other = await open({ cookie: xuanwu.cookie, origin: server.baseUrl });
    mine.send({ op: 'subscribe', topic: 'workers', since: null, bbox });
    other.send({ op: 'subscribe', topic: 'workers', since: null });
    const snapshot = (await mine.waitFor(isSnapshot('workers'))) as Extract<ServerMessage, { type: 'snapshot' }>;
    expect(snapshot.items.length).toBeGreaterThan(0);
    for (const w of snapshot.items as LiveWorker[]) {
      expect(w.dutyStatus).not.toBe('off_duty');
      expect(w.lon >= bbox[0] && w.lon <= bbox[2] && w.lat >= bbox[1] && w.lat <= bbox[3]).toBe(true);
      expect(typeof w.stale).toBe('boolean');
    }
    await other.waitFor(isSnapshot('workers'));
    const at = new Date().toISOString();
    server.events.emit({ type: 'worker.moved', workerCode: place.worker, microGridCode: place.code, lon: place.lon, lat: place.lat, at });
    server.events.emit({ type: 'worker.status', workerCode: place.worker, microGridCode: place.code, dutyStatus: 'on_duty', busy: false });
    await server.live.source.idle();
    const delta = (await mine.waitFor(deltaWith('workers', (w) => w.code === place.worker))) as Extract<ServerMessage, { type: 'delta' }>;
    expect((delta.items as LiveWorker[]).find((w) => w.code === place.worker)).toMatchObject({
      code: place.worker,
      lon: place.lon,
      lat: place.lat,
      at,
      dutyStatus: 'on_duty',
      busy: false,
      stale: false,
      microGridCode: place.code,
    });
    expect((delta.items[0] as LiveWorker).name.length).toBeGreaterThan(0);
    await settled(other);
    expect(other.messages.some(deltaWith('workers', (w) => w.code === place.worker))).toBe(false);
  });

  it('shows a field worker only the cases assigned to them and their own position', async () => {
    const [self] = await server.db.query<{ code: string; home_unit_code: string; lon: number; lat: number }>(fieldWorker);
    await server.db.query(setOnDuty, [self.code]);
    const session = await signIn(server.baseUrl, 'worker.xianlin');
    const socket = await open({ cookie: session.cookie, origin: server.baseUrl });
    const id = await reportIncident();
    socket.send({ op: 'subscribe', topic: 'incidents', since: null });
    socket.send({ op: 'subscribe', topic: 'workers', since: null });
    const incidents = (await socket.waitFor(isSnapshot('incidents'))) as Extract<ServerMessage, { type: 'snapshot' }>;
    for (const item of incidents.items as LiveIncident[]) expect(item.assignedWorkerCode).toBe(self.code);
    expect((incidents.items as LiveIncident[]).map((i) => i.id)).not.toContain(id);
    const workers = (await socket.waitFor(isSnapshot('workers'))) as Extract<ServerMessage, { type: 'snapshot' }>;
    expect((workers.items as LiveWorker[]).map((w) => w.code)).toEqual([self.code]);

    await server.db.query(assignIncident, [id, self.code, 'dispatched']);
    server.events.emit({ type: 'incident.changed', incidentId: id, microGridCode: place.code, change: 'dispatch' });
    await socket.waitFor(deltaWith('incidents', (i) => i.id === id && i.assignedWorkerCode === self.code && !i.removed));
    await server.db.query(assignIncident, [id, null, 'accepted']);
    server.events.emit({ type: 'incident.changed', incidentId: id, microGridCode: place.code, change: 'decline' });
    await socket.waitFor(deltaWith('incidents', (i) => i.id === id && i.removed === true && i.assignedWorkerCode === null));

    const at = new Date().toISOString();
    if (place.worker !== self.code)
      server.events.emit({ type: 'worker.moved', workerCode: place.worker, microGridCode: place.code, lon: place.lon, lat: place.lat, at });
    server.events.emit({ type: 'worker.moved', workerCode: self.code, microGridCode: self.home_unit_code, lon: self.lon, lat: self.lat, at });
    await server.live.source.idle();
    await socket.waitFor(deltaWith('workers', (w) => w.code === self.code));
    await settled(socket);
    const seenWorkers = socket.messages.flatMap((m) =>
      m.type === 'delta' && m.topic === 'workers' ? (m.items as LiveWorker[]).map((w) => w.code) : [],
    );
    expect(new Set(seenWorkers)).toEqual(new Set([self.code]));
  });

  it('works end to end with the browser client: resumes after a dropped connection without a new snapshot', async () => {
    const instances: WebSocket[] = [];
    const cookie = xianlin.cookie;
    const origin = server.baseUrl;
    class CookieSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie }, origin });
        instances.push(this);
      }
    }
    const snapshots: string[] = [];
    const deltas: LiveIncident[] = [];
    const statuses: string[] = [];
    const live = connectLive({
      url: `${server.baseUrl.replace('http', 'ws')}/live`,
      WebSocket: CookieSocket as unknown as LiveSocketConstructor,
      topics: ['incidents'],
      backoff: { initialMs: 1500, maxMs: 1500 },
      onSnapshot: (topic, _items) => {
        snapshots.push(topic);
      },
      onDelta: (topic, items) => {
        if (topic === 'incidents') deltas.push(...items);
      },
      onStatus: (status) => statuses.push(status),
    });
    try {
      await expect.poll(() => snapshots.length, { timeout: 10_000 }).toBe(1);
      instances[0].terminate();
      await expect.poll(() => statuses.at(-1)).toBe('reconnecting');
      const missed = await reportIncident();
      await expect.poll(() => deltas.some((i) => i.id === missed), { timeout: 10_000 }).toBe(true);
      expect(statuses).toEqual(['connecting', 'open', 'reconnecting', 'open']);
      expect(snapshots).toEqual(['incidents']);
      expect(instances).toHaveLength(2);
    } finally {
      live.close();
    }
  });
});
