/**
 * The browser client against a real `ws` server in Node, scripted per test: subscribe and resume positions,
 * reconnect with back-off, the final close of an ended session, the debounced viewport, the keep-alive.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { connectLive, type LiveConnection, type LiveSocketConstructor, type LiveStatus, reconnectDelay } from './live-client.js';

interface ServerSide {
  ws: WebSocket;
  protocol: string | undefined;
  received: Record<string, unknown>[];
}

let server: WebSocketServer;
let url: string;
let connections: ServerSide[];
let onConnection: (side: ServerSide) => void;
let live: LiveConnection | null;

const waitFor = async (check: () => boolean, timeoutMs = 3000) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
const sendJson = (side: ServerSide, message: object) => side.ws.send(JSON.stringify(message));

beforeEach(async () => {
  connections = [];
  onConnection = () => {};
  live = null;
  server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (p) => (p.has('gridops.live') ? 'gridops.live' : false) });
  server.on('connection', (ws, req) => {
    const side: ServerSide = { ws, protocol: req.headers['sec-websocket-protocol'], received: [] };
    ws.on('message', (data) => side.received.push(JSON.parse(data.toString()) as Record<string, unknown>));
    connections.push(side);
    onConnection(side);
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/live`;
});

afterEach(async () => {
  live?.close();
  for (const side of connections) side.ws.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function start(extra: Partial<Parameters<typeof connectLive>[0]> = {}) {
  const statuses: string[] = [];
  const snapshots: [string, unknown[]][] = [];
  const deltas: [string, unknown[]][] = [];
  live = connectLive({
    url,
    WebSocket: WebSocket as unknown as LiveSocketConstructor,
    topics: ['incidents', 'workers'],
    bbox: [118.9, 32.08, 118.98, 32.13],
    backoff: { initialMs: 20, maxMs: 80 },
    onSnapshot: (topic, items) => snapshots.push([topic, items]),
    onDelta: (topic, items) => deltas.push([topic, items]),
    onStatus: (status: LiveStatus, detail?: string) => statuses.push(detail ? `${status}:${detail}` : status),
    ...extra,
  });
  return { statuses, snapshots, deltas };
}

const hello = (side: ServerSide, epoch = 'e1') =>
  sendJson(side, { type: 'hello', epoch, account: { role: 'dispatcher', jurisdiction: '320113007' } });

describe('live client', () => {
  it('subscribes to its topics, reports snapshots and deltas, and tracks the position per topic', async () => {
    const seen = start();
    await waitFor(() => connections.length === 1 && connections[0].received.length === 2);
    const side = connections[0];
    expect(side.protocol).toBe('gridops.live');
    expect(side.received).toEqual([
      { op: 'subscribe', topic: 'incidents', since: null },
      { op: 'subscribe', topic: 'workers', since: null, bbox: [118.9, 32.08, 118.98, 32.13] },
    ]);
    hello(side);
    sendJson(side, { type: 'snapshot', topic: 'incidents', epoch: 'e1', seq: 4, items: [{ id: 1 }], truncated: false });
    sendJson(side, { type: 'delta', topic: 'incidents', seq: 6, items: [{ id: 2 }] });
    sendJson(side, { type: 'snapshot', topic: 'workers', epoch: 'e1', seq: 9, items: [], truncated: false });
    await waitFor(() => live!.position('workers') !== null);
    expect(seen.statuses).toEqual(['connecting', 'open']);
    expect(seen.snapshots).toEqual([
      ['incidents', [{ id: 1 }]],
      ['workers', []],
    ]);
    expect(seen.deltas).toEqual([['incidents', [{ id: 2 }]]]);
    expect(live!.position('incidents')).toEqual({ epoch: 'e1', seq: 6 });
  });

  it('offers a screen token as a second subprotocol', async () => {
    start({ token: 'gst_abcdefghijklmnopqrstuvwxyz' });
    await waitFor(() => connections.length === 1);
    expect(connections[0].protocol?.split(',').map((p) => p.trim())).toEqual(['gridops.live', 'bearer.gst_abcdefghijklmnopqrstuvwxyz']);
  });

  it('reconnects after a lost connection and resumes from the last position of each topic', async () => {
    const seen = start();
    await waitFor(() => connections.length === 1 && connections[0].received.length === 2);
    hello(connections[0]);
    sendJson(connections[0], { type: 'snapshot', topic: 'incidents', epoch: 'e1', seq: 3, items: [], truncated: false });
    sendJson(connections[0], { type: 'delta', topic: 'incidents', seq: 5, items: [] });
    await waitFor(() => live!.position('incidents')?.seq === 5);
    connections[0].ws.terminate();
    await waitFor(() => connections.length === 2 && connections[1].received.length === 2);
    expect(connections[1].received[0]).toEqual({ op: 'subscribe', topic: 'incidents', since: { epoch: 'e1', seq: 5 } });
    expect(connections[1].received[1]).toMatchObject({ op: 'subscribe', topic: 'workers', since: null });
    hello(connections[1]);
    await waitFor(() => seen.statuses.at(-1) === 'open');
    expect(seen.statuses[0]).toBe('connecting');
    expect(seen.statuses[1]).toBe('open');
    expect(seen.statuses[2]).toMatch(/^reconnecting/);
  });

  it('keeps trying with back-off while the server refuses, and stops for good when the session ended', async () => {
    const seen = start();
    let refusals = 0;
    onConnection = (side) => {
      if (refusals < 2) {
        refusals += 1;
        side.ws.close(1011, 'unavailable');
      } else side.ws.close(4401, 'session_ended');
    };
    await waitFor(() => seen.statuses.at(-1) === 'closed:session_ended');
    expect(connections).toHaveLength(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connections).toHaveLength(3);
    expect(live!.status()).toBe('closed');
  });

  it('sends one viewport message for a burst of viewport changes', async () => {
    start({ viewportDebounceMs: 50 });
    await waitFor(() => connections.length === 1 && connections[0].received.length === 2);
    hello(connections[0]);
    live!.setViewport([118.0, 32.0, 118.1, 32.1]);
    live!.setViewport([118.2, 32.0, 118.3, 32.1]);
    live!.setViewport([118.4, 32.0, 118.5, 32.1]);
    await waitFor(() => connections[0].received.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(connections[0].received.slice(2)).toEqual([{ op: 'viewport', bbox: [118.4, 32.0, 118.5, 32.1] }]);
  });

  it('pings to keep the connection alive and reconnects when the server stays silent', async () => {
    const seen = start({ pingMs: 40 });
    await waitFor(() => connections.length === 1);
    hello(connections[0]);
    await waitFor(() => connections[0].received.filter((m) => m.op === 'ping').length >= 1);
    // No pong and nothing else from this server: after 2.4 ping intervals the client gives up on it.
    await waitFor(() => connections.length === 2);
    expect(seen.statuses).toContain('reconnecting:no_answer');
  });

  it('draws reconnect delays from the upper half of a doubling, capped interval', () => {
    expect(reconnectDelay(0, () => 0)).toBe(250);
    expect(reconnectDelay(0, () => 1)).toBe(500);
    expect(reconnectDelay(3, () => 0.5)).toBe(3000);
    expect(reconnectDelay(12, () => 1)).toBe(30_000);
    expect(reconnectDelay(12, () => 0)).toBe(15_000);
  });
});
