/**
 * Two instances behind the sample nginx configuration (deploy/nginx/gridops.conf), one real PostgreSQL (issue 24):
 * dispatchers whose live connections landed on different instances all see a case posted through the proxy, once;
 * when one instance is killed (-9), its clients reconnect through the proxy to the other and resume without a gap,
 * and posting through the proxy goes on. /metrics is not reachable through the proxy. Needs nginx (.ci/run installs
 * nginx-light).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import type { LiveIncident, ServerMessage } from '../live/live-protocol.js';
import { openLive, type LiveTestSocket } from '../../tests/support/live-test-support.js';
import { NGINX, startNginxProxy, type NginxProxy } from '../../tests/support/nginx-proxy.js';
import { startServerProcess, type ServerProcess } from '../../tests/support/server-process.js';
import { signIn } from '../../tests/support/test-auth.js';
import { openSharedPostgresCopies, testDatabaseModes } from '../../tests/support/test-database.js';

const pickPlace = defineSql(
  'test.proxy_pick_place',
  `SELECT ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat FROM units m
    WHERE m.level = 'micro_grid' AND m.street_code = '320113007' ORDER BY m.code LIMIT 1`,
);

type Delta = Extract<ServerMessage, { type: 'delta'; topic: 'incidents' }>;
type Snapshot = Extract<ServerMessage, { type: 'snapshot'; topic: 'incidents' }>;
const isSnapshot = (m: ServerMessage) => m.type === 'snapshot' && m.topic === 'incidents';
const deltaOf = (id: number) => (m: ServerMessage) =>
  m.type === 'delta' && m.topic === 'incidents' && (m.items as LiveIncident[]).some((i) => i.id === id);
const countOf = (socket: LiveTestSocket, id: number) => socket.messages.filter(deltaOf(id)).length;

describe.runIf(testDatabaseModes().includes('postgres') && NGINX !== null)('two instances behind the sample nginx proxy', () => {
  let shared: Awaited<ReturnType<typeof openSharedPostgresCopies>>;
  let a: ServerProcess;
  let b: ServerProcess;
  let proxy: NginxProxy;
  let place: { lon: number; lat: number };
  const sockets: LiveTestSocket[] = [];

  beforeAll(async () => {
    shared = await openSharedPostgresCopies(1);
    [place] = await shared.dbs[0]!.query(pickPlace);
    [a, b] = await Promise.all([0, 1].map(() => startServerProcess({ DATABASE_URL: shared.url, LEADER_RETRY_MS: '1000' })));
    proxy = await startNginxProxy([a.port, b.port]);
  }, 120_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await proxy?.stop();
    for (const p of [a, b]) p?.kill('SIGKILL');
    await Promise.all([a, b].map((p) => p?.exited));
    await shared?.close();
  });

  it('serves one city through the proxy: live on both instances, and through the loss of one', async () => {
    const headers = await signIn(proxy.baseUrl, 'dispatcher.xianlin');
    const post = async (): Promise<number> => {
      const res = await fetch(`${proxy.baseUrl}/api/incidents`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ category: 'city_management', description: '垃圾满溢', lon: place.lon, lat: place.lat }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { incident: { id: number } }).incident.id;
    };
    // Round robin: four connections land on both instances (checked on each instance's own /metrics).
    const clients: LiveTestSocket[] = [];
    for (let i = 0; i < 4; i += 1) {
      const socket = await openLive(proxy.baseUrl, { cookie: headers.cookie, origin: proxy.baseUrl });
      sockets.push(socket);
      clients.push(socket);
      socket.send({ op: 'subscribe', topic: 'incidents', since: null });
      await socket.waitFor(isSnapshot, 10_000);
    }
    expect(await a.metric('gridops_live_clients')).toBeGreaterThanOrEqual(1);
    expect(await b.metric('gridops_live_clients')).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${proxy.baseUrl}/metrics`)).status).toBe(404);

    const first = await post();
    for (const socket of clients) await socket.waitFor(deltaOf(first), 10_000);
    const epoch = (clients[0]!.messages.find(isSnapshot) as Snapshot).epoch;
    const lastSeq = (socket: LiveTestSocket) =>
      Math.max(...socket.messages.filter((m): m is Delta => m.type === 'delta' && m.topic === 'incidents').map((m) => m.seq));

    // Instance A dies: its clients see the connection drop, reconnect through the proxy (to B) and resume.
    const seqs = clients.map(lastSeq);
    const closings = clients.map((socket) => socket.closed.then(() => true));
    const onA = (await a.metric('gridops_live_clients')) ?? 0;
    expect(onA).toBeGreaterThanOrEqual(1);
    a.kill('SIGKILL');
    await a.exited;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closedFlags = await Promise.all(closings.map((p) => Promise.race([p, new Promise<boolean>((r) => setTimeout(() => r(false), 50))])));
    expect(closedFlags.filter(Boolean)).toHaveLength(onA);

    const missed = [await post(), await post()];
    const resumed: LiveTestSocket[] = [];
    for (let i = 0; i < clients.length; i += 1) {
      if (!closedFlags[i]) continue;
      const socket = await openLive(proxy.baseUrl, { cookie: headers.cookie, origin: proxy.baseUrl });
      sockets.push(socket);
      socket.send({ op: 'subscribe', topic: 'incidents', since: { epoch, seq: seqs[i]! } });
      resumed.push(socket);
    }
    const survivors = clients.filter((_, i) => !closedFlags[i]);
    for (const socket of [...resumed, ...survivors]) {
      for (const id of missed) await socket.waitFor(deltaOf(id), 10_000);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const socket of resumed) {
      expect(socket.messages.some(isSnapshot)).toBe(false);
      for (const id of missed) expect(countOf(socket, id)).toBe(1);
    }
    for (const socket of survivors) for (const id of [first, ...missed]) expect(countOf(socket, id)).toBe(1);
    expect(await b.metric('gridops_live_clients')).toBe(4);
  }, 120_000);
});
