/** The hub without sockets or a database: sequence numbers, resume vs snapshot, scope filters, back-pressure. */
import { describe, expect, it } from 'vitest';
import { createLiveHub, type HubClient, type LiveHub } from './live-hub.js';
import { LiveOutbox, type OutboxSocket } from './live-outbox.js';
import { LIVE_CLOSE, type LiveIncident, type LiveWorker, type ServerMessage } from './live-protocol.js';
import type { HubWorker, LiveViewer } from './live-scope.js';
import { liveIncident } from '../../tests/support/live-incident.js';

class FakeSocket implements OutboxSocket {
  bufferedAmount = 0;
  readonly sent: ServerMessage[] = [];
  closedWith: { code: number; reason: string } | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data) as ServerMessage);
  }
  close(code: number, reason: string) {
    this.closedWith = { code, reason };
  }
  take(): ServerMessage[] {
    return this.sent.splice(0);
  }
}

const XIANLIN_MICRO_GRID = '320113007001001001';
const XUANWU_MICRO_GRID = '320102001001001001';

const incident = (id: number, extra: Partial<LiveIncident> = {}): LiveIncident => liveIncident({ id, ...extra });

function worker(code: string, lon: number, lat: number, homeUnitCode = XIANLIN_MICRO_GRID): HubWorker {
  const item: LiveWorker = {
    code,
    name: '测试',
    role: 'micro_grid_worker',
    lon,
    lat,
    at: '2026-11-23T08:00:00.000Z',
    dutyStatus: 'on_duty',
    busy: false,
    stale: false,
    microGridCode: homeUnitCode,
  };
  return { item, homeUnitCode };
}

const dispatcher = (jurisdiction: string): LiveViewer => ({ role: 'dispatcher', jurisdiction, workerCode: null });

function connect(hub: LiveHub, viewer: LiveViewer): { client: HubClient; socket: FakeSocket } {
  const socket = new FakeSocket();
  const client = hub.addClient(viewer, new LiveOutbox(socket));
  return { client, socket };
}

/** Subscribe to a topic from scratch with an empty snapshot, and clear what was sent. */
function subscribeLive(hub: LiveHub, client: HubClient, socket: FakeSocket, topic: 'incidents' | 'workers') {
  const outcome = hub.subscribe(client, topic, null);
  if (outcome.kind !== 'snapshot') throw new Error('expected a snapshot');
  if (topic === 'incidents') hub.completeSnapshot(client, 'incidents', outcome.ticket, outcome.seq, [], false);
  else hub.completeSnapshot(client, 'workers', outcome.ticket, outcome.seq, [], false);
  socket.take();
}

describe('live hub', () => {
  it('numbers deltas per topic, from 1 in each epoch', () => {
    const hub = createLiveHub({ epoch: 'e1' });
    expect(hub.publishIncident(incident(1))).toBe(1);
    expect(hub.publishIncident(incident(2))).toBe(2);
    hub.stageWorker(worker('W1', 118.93, 32.1));
    expect(hub.flushWorkers()).toBe(1);
    expect(hub.flushWorkers()).toBeNull();
    expect(hub.currentSeq('incidents')).toBe(2);
    expect(hub.currentSeq('workers')).toBe(1);
    expect(createLiveHub().epoch).not.toBe(createLiveHub().epoch);
  });

  it('sends a snapshot at the sequence number it was requested, then the deltas published while it was read', () => {
    const hub = createLiveHub({ epoch: 'e1' });
    hub.publishIncident(incident(1));
    const { client, socket } = connect(hub, dispatcher('city'));
    const outcome = hub.subscribe(client, 'incidents', null);
    expect(outcome).toMatchObject({ kind: 'snapshot', seq: 1 });
    if (outcome.kind !== 'snapshot') return;
    hub.publishIncident(incident(2));
    expect(socket.sent).toEqual([]);
    hub.completeSnapshot(client, 'incidents', outcome.ticket, outcome.seq, [incident(1)], false);
    expect(socket.take()).toEqual([
      { type: 'snapshot', topic: 'incidents', epoch: 'e1', seq: 1, items: [incident(1)], truncated: false },
      { type: 'delta', topic: 'incidents', seq: 2, items: [incident(2)] },
    ]);
    hub.publishIncident(incident(3, { state: 'accepted' }));
    expect(socket.take()).toEqual([{ type: 'delta', topic: 'incidents', seq: 3, items: [incident(3, { state: 'accepted' })] }]);
  });

  it('ignores a superseded snapshot and asks again when the ring overflowed while it was read', () => {
    const hub = createLiveHub({ epoch: 'e1', bufferSize: { incidents: 2 } });
    const { client, socket } = connect(hub, dispatcher('city'));
    const first = hub.subscribe(client, 'incidents', null);
    const second = hub.subscribe(client, 'incidents', null);
    if (first.kind !== 'snapshot' || second.kind !== 'snapshot') throw new Error('expected snapshots');
    expect(hub.completeSnapshot(client, 'incidents', first.ticket, first.seq, [], false)).toEqual({ kind: 'none' });
    for (let id = 1; id <= 3; id += 1) hub.publishIncident(incident(id));
    const again = hub.completeSnapshot(client, 'incidents', second.ticket, second.seq, [], false);
    expect(again).toMatchObject({ kind: 'snapshot', seq: 3 });
    expect(socket.sent).toEqual([]);
  });

  it('resumes a recent position of the same epoch by replaying the missed deltas, newest item per incident', () => {
    const hub = createLiveHub({ epoch: 'e1' });
    hub.publishIncident(incident(1));
    hub.publishIncident(incident(2));
    hub.publishIncident(incident(1, { state: 'accepted' }));
    hub.publishIncident(incident(3, { microGridCode: XUANWU_MICRO_GRID }));
    const { client, socket } = connect(hub, dispatcher('320113007'));
    expect(hub.subscribe(client, 'incidents', { epoch: 'e1', seq: 1 })).toEqual({ kind: 'resumed' });
    expect(socket.take()).toEqual([{ type: 'delta', topic: 'incidents', seq: 4, items: [incident(2), incident(1, { state: 'accepted' })] }]);
    // Up to date: an empty delta confirms the position.
    const other = connect(hub, dispatcher('city'));
    expect(hub.subscribe(other.client, 'incidents', { epoch: 'e1', seq: 4 })).toEqual({ kind: 'resumed' });
    expect(other.socket.take()).toEqual([{ type: 'delta', topic: 'incidents', seq: 4, items: [] }]);
  });

  it('answers a position older than the ring, of another epoch or from the future with a snapshot', () => {
    const hub = createLiveHub({ epoch: 'e1', bufferSize: { incidents: 3 } });
    for (let id = 1; id <= 5; id += 1) hub.publishIncident(incident(id));
    const { client } = connect(hub, dispatcher('city'));
    expect(hub.subscribe(client, 'incidents', { epoch: 'e1', seq: 1 })).toMatchObject({ kind: 'snapshot', seq: 5 });
    expect(hub.subscribe(client, 'incidents', { epoch: 'e1', seq: 2 })).toEqual({ kind: 'resumed' });
    expect(hub.subscribe(client, 'incidents', { epoch: 'e0', seq: 4 })).toMatchObject({ kind: 'snapshot' });
    expect(hub.subscribe(client, 'incidents', { epoch: 'e1', seq: 9 })).toMatchObject({ kind: 'snapshot' });
    // A restarted server (new epoch) does not honour the old epoch's numbers.
    const restarted = createLiveHub({ epoch: 'e2' });
    restarted.publishIncident(incident(1));
    expect(
      restarted.subscribe(restarted.addClient(dispatcher('city'), new LiveOutbox(new FakeSocket())), 'incidents', { epoch: 'e1', seq: 1 }),
    ).toMatchObject({ kind: 'snapshot' });
  });

  it('filters incidents by jurisdiction prefix like RLS; a field worker sees only cases assigned to them', () => {
    const hub = createLiveHub({ epoch: 'e1' });
    const city = connect(hub, dispatcher('city'));
    const xianlin = connect(hub, { role: 'screen', jurisdiction: '320113007', workerCode: null });
    const xuanwu = connect(hub, dispatcher('320102'));
    const fieldWorker = connect(hub, { role: 'field_worker', jurisdiction: '320113007001001', workerCode: 'W1' });
    for (const c of [city, xianlin, xuanwu, fieldWorker]) subscribeLive(hub, c.client, c.socket, 'incidents');

    hub.publishIncident(incident(1));
    expect(city.socket.take()).toHaveLength(1);
    expect(xianlin.socket.take()).toHaveLength(1);
    expect(xuanwu.socket.take()).toEqual([]);
    expect(fieldWorker.socket.take()).toEqual([]);

    hub.publishIncident(incident(1, { state: 'dispatched', assignedWorkerCode: 'W1' }));
    expect(fieldWorker.socket.take()).toEqual([
      { type: 'delta', topic: 'incidents', seq: 2, items: [incident(1, { state: 'dispatched', assignedWorkerCode: 'W1' })] },
    ]);
    // Declined and offered to someone else: the worker is told to drop it, without learning who has it now.
    hub.publishIncident(incident(1, { state: 'dispatched', assignedWorkerCode: 'W2' }));
    expect(fieldWorker.socket.take()).toEqual([
      { type: 'delta', topic: 'incidents', seq: 3, items: [incident(1, { state: 'dispatched', assignedWorkerCode: null, removed: true })] },
    ]);
    hub.publishIncident(incident(1, { state: 'on_scene', assignedWorkerCode: 'W2' }));
    expect(fieldWorker.socket.take()).toEqual([]);
    expect(xuanwu.socket.take()).toEqual([]);
  });

  it('filters snapshots by the same rules', () => {
    const hub = createLiveHub({ epoch: 'e1' });
    const xuanwu = connect(hub, dispatcher('320102'));
    const outcome = hub.subscribe(xuanwu.client, 'incidents', null);
    if (outcome.kind !== 'snapshot') throw new Error('expected a snapshot');
    hub.completeSnapshot(
      xuanwu.client,
      'incidents',
      outcome.ticket,
      outcome.seq,
      [incident(1), incident(2, { microGridCode: XUANWU_MICRO_GRID })],
      false,
    );
    const [snapshot] = xuanwu.socket.take();
    expect(snapshot).toMatchObject({ type: 'snapshot', items: [{ id: 2 }] });
  });

  it('filters workers by home unit and viewport, and sends a worker leaving the viewport once', () => {
    const hub = createLiveHub({ epoch: 'e1' });
    const xianlin = connect(hub, dispatcher('320113007'));
    const xuanwu = connect(hub, dispatcher('320102'));
    const self = connect(hub, { role: 'field_worker', jurisdiction: '320113007001001', workerCode: 'W1' });
    for (const c of [xianlin, xuanwu, self]) subscribeLive(hub, c.client, c.socket, 'workers');
    const view = hub.setViewport(xianlin.client, [118.9, 32.08, 118.98, 32.13]);
    if (view.kind !== 'snapshot') throw new Error('expected a workers snapshot for the new viewport');
    hub.completeSnapshot(xianlin.client, 'workers', view.ticket, view.seq, [worker('W1', 118.93, 32.1), worker('W9', 118.5, 32.0)], false);
    expect(xianlin.socket.take()).toEqual([
      { type: 'snapshot', topic: 'workers', epoch: 'e1', seq: 0, items: [worker('W1', 118.93, 32.1).item], truncated: false },
    ]);

    hub.stageWorker(worker('W1', 118.94, 32.1));
    hub.stageWorker(worker('W2', 118.95, 32.11));
    hub.stageWorker(worker('W3', 118.6, 32.0));
    hub.stageWorker(worker('WX', 118.8, 32.05, XUANWU_MICRO_GRID));
    hub.flushWorkers();
    expect(xianlin.socket.take()).toEqual([
      { type: 'delta', topic: 'workers', seq: 1, items: [worker('W1', 118.94, 32.1).item, worker('W2', 118.95, 32.11).item] },
    ]);
    expect(xuanwu.socket.take()).toEqual([{ type: 'delta', topic: 'workers', seq: 1, items: [worker('WX', 118.8, 32.05, XUANWU_MICRO_GRID).item] }]);
    expect(self.socket.take()).toEqual([{ type: 'delta', topic: 'workers', seq: 1, items: [worker('W1', 118.94, 32.1).item] }]);

    hub.stageWorker(worker('W2', 118.7, 32.0));
    hub.flushWorkers();
    expect(xianlin.socket.take()).toEqual([{ type: 'delta', topic: 'workers', seq: 2, items: [worker('W2', 118.7, 32.0).item] }]);
    hub.stageWorker(worker('W2', 118.71, 32.0));
    hub.flushWorkers();
    expect(xianlin.socket.take()).toEqual([]);
  });

  it('coalesces worker positions under back-pressure, newest per worker, and never drops incidents', () => {
    const hub = createLiveHub({ epoch: 'e1' });
    const { client, socket } = connect(hub, dispatcher('city'));
    subscribeLive(hub, client, socket, 'incidents');
    subscribeLive(hub, client, socket, 'workers');
    socket.bufferedAmount = 1024 * 1024; // over the high-water mark (256 KiB), under the hard limit (8 MiB)
    for (let round = 1; round <= 20; round += 1) {
      hub.stageWorker(worker('W1', 118.9 + round / 1000, 32.1));
      hub.stageWorker(worker('W2', 118.9, 32.1 + round / 1000));
      hub.flushWorkers();
      if (round % 5 === 0) hub.publishIncident(incident(round));
    }
    expect(socket.sent).toEqual([]);
    expect(client.outbox.pendingWorkers).toBe(2);
    expect(client.outbox.queuedMessages).toBe(4);
    expect(client.outbox.coalescedWorkers).toBe(38);
    socket.bufferedAmount = 0;
    hub.flushWorkers();
    const sent = socket.take();
    expect(sent.map((m) => (m.type === 'delta' ? `${m.topic}:${m.seq}` : m.type))).toEqual([
      'incidents:1',
      'incidents:2',
      'incidents:3',
      'incidents:4',
      'workers:20',
    ]);
    expect(sent[4]).toMatchObject({
      items: [
        { code: 'W1', lon: 118.9 + 20 / 1000 },
        { code: 'W2', lat: 32.1 + 20 / 1000 },
      ],
    });
    expect(socket.closedWith).toBeNull();
  });

  it('closes a client that falls too far behind on incidents with a code telling it to resume', () => {
    const hub = createLiveHub({ epoch: 'e1' });
    const socket = new FakeSocket();
    const client = hub.addClient(
      dispatcher('city'),
      new LiveOutbox(socket, { highWaterBytes: 1000, maxQueuedMessages: 3, maxBufferedBytes: 1_000_000 }),
    );
    subscribeLive(hub, client, socket, 'incidents');
    socket.bufferedAmount = 5000;
    for (let id = 1; id <= 3; id += 1) hub.publishIncident(incident(id));
    expect(socket.closedWith).toBeNull();
    hub.publishIncident(incident(4));
    expect(socket.closedWith).toEqual({ code: LIVE_CLOSE.resumeRequired, reason: 'resume_required' });
    // The client resumes from the last sequence number it received (0) and gets all four.
    const again = connect(hub, dispatcher('city'));
    expect(hub.subscribe(again.client, 'incidents', { epoch: 'e1', seq: 0 })).toEqual({ kind: 'resumed' });
    expect(again.socket.take()).toMatchObject([{ type: 'delta', seq: 4, items: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }] }]);
  });

  it('stops sending a topic after unsubscribe and forgets removed clients', () => {
    const hub = createLiveHub({ epoch: 'e1' });
    const { client, socket } = connect(hub, dispatcher('city'));
    subscribeLive(hub, client, socket, 'incidents');
    expect(hub.unsubscribe(client, 'incidents')).toBe(true);
    expect(hub.unsubscribe(client, 'incidents')).toBe(false);
    hub.publishIncident(incident(1));
    expect(socket.sent).toEqual([]);
    expect(hub.clientCount).toBe(1);
    hub.removeClient(client);
    expect(hub.clientCount).toBe(0);
  });
});
