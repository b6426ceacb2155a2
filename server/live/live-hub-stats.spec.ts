/** The hub's `stats` topic (issue 19): an empty snapshot with the resume point, scoped deltas, resume after a gap. */
import { describe, expect, it } from 'vitest';
import { createLiveHub } from './live-hub.js';
import { LiveOutbox, type OutboxSocket } from './live-outbox.js';
import type { LiveStatsChange, ServerMessage } from './live-protocol.js';
import type { LiveViewer } from './live-scope.js';

class FakeSocket implements OutboxSocket {
  bufferedAmount = 0;
  readonly sent: ServerMessage[] = [];
  send(data: string) {
    this.sent.push(JSON.parse(data) as ServerMessage);
  }
  close() {}
  take(): ServerMessage[] {
    return this.sent.splice(0);
  }
}

const change = (incidentId: number, microGridCode: string): LiveStatsChange => ({
  incidentId,
  microGridCode,
  day: '2026-12-07',
  kind: 'reported',
  at: '2026-12-07T02:00:00.000Z',
});
const viewer = (role: string, jurisdiction: string): LiveViewer => ({
  role,
  jurisdiction,
  workerCode: role === 'field_worker' ? 'W00000000000000000001' : null,
});

describe('live hub, stats topic', () => {
  it('snapshots empty at the current sequence, then sends the changes of the jurisdiction only', () => {
    const hub = createLiveHub({ epoch: 'e1' });
    hub.publishStatsChange(change(1, '320113007001001001'));
    const sockets = ['320113007', '320102', 'city'].map((j) => {
      const socket = new FakeSocket();
      const client = hub.addClient(viewer('screen', j), new LiveOutbox(socket));
      const outcome = hub.subscribe(client, 'stats', null);
      expect(outcome.kind).toBe('snapshot');
      if (outcome.kind === 'snapshot') hub.completeSnapshot(client, 'stats', outcome.ticket, outcome.seq, [], false);
      return socket;
    });
    for (const s of sockets) expect(s.take()).toEqual([{ type: 'snapshot', topic: 'stats', epoch: 'e1', seq: 1, items: [], truncated: false }]);
    hub.publishStatsChange(change(2, '320113007001001002'));
    hub.publishStatsChange(change(3, '320102001001001001'));
    const [xianlin, xuanwu, city] = sockets.map((s) => s.take());
    expect(xianlin).toEqual([{ type: 'delta', topic: 'stats', seq: 2, items: [change(2, '320113007001001002')] }]);
    expect(xuanwu).toEqual([{ type: 'delta', topic: 'stats', seq: 3, items: [change(3, '320102001001001001')] }]);
    expect(city.map((m) => (m.type === 'delta' ? m.seq : null))).toEqual([2, 3]);
  });

  it('resumes from a sequence number with what was missed, and gives a field worker nothing', () => {
    const hub = createLiveHub({ epoch: 'e2' });
    for (let i = 1; i <= 3; i++) hub.publishStatsChange(change(i, '320113007001001001'));
    const socket = new FakeSocket();
    const client = hub.addClient(viewer('dispatcher', '320113007'), new LiveOutbox(socket));
    expect(hub.subscribe(client, 'stats', { epoch: 'e2', seq: 1 }).kind).toBe('resumed');
    expect(socket.take()).toEqual([
      { type: 'delta', topic: 'stats', seq: 3, items: [change(2, '320113007001001001'), change(3, '320113007001001001')] },
    ]);
    const phone = new FakeSocket();
    const worker = hub.addClient(viewer('field_worker', '320113007001001'), new LiveOutbox(phone));
    expect(hub.subscribe(worker, 'stats', { epoch: 'e2', seq: 3 }).kind).toBe('resumed');
    hub.publishStatsChange(change(4, '320113007001001001'));
    expect(phone.take().filter((m) => m.type === 'delta' && m.items.length > 0)).toEqual([]);
  });
});
