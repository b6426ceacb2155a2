import { describe, expect, it } from 'vitest';
import type { LiveIncident, LiveWorker } from '../live/live-client.js';
import { liveIncident } from '../../tests/support/live-incident.js';
import { ARC_LIFETIME_MS, createWallStore, FEED_SIZE, MAX_ARCS } from './wall-store.js';

const incident = (id: number, patch: Partial<LiveIncident> = {}): LiveIncident =>
  liveIncident({
    id,
    number: `NJ20261207-${String(id).padStart(7, '0')}`,
    category: 'dispute',
    reportedAt: new Date(1_700_000_000_000 + id * 1000).toISOString(),
    generated: true,
    ...patch,
  });
const worker = (code: string): LiveWorker => ({
  code,
  name: code,
  role: 'grid_worker',
  lon: 118.9,
  lat: 32.09,
  at: new Date().toISOString(),
  dutyStatus: 'on_duty',
  busy: false,
  stale: false,
  microGridCode: 'x',
});

describe('wall store', () => {
  it('keeps the open cases, tells new ones from known ones and bounds the feed', () => {
    const store = createWallStore();
    store.snapshotIncidents([incident(1), incident(2, { state: 'closed' })]);
    expect(store.openIncidents().map((i) => i.id)).toEqual([1]);
    expect(store.deltaIncidents([incident(1, { state: 'accepted' }), incident(3, { grade: 'red', source: 'iot' })], 10)).toEqual([3]);
    expect(store.openAlarms()).toBe(1);
    expect(store.feed()[0].incident.id).toBe(3);
    expect(store.feed().find((f) => f.incident.id === 1)?.incident.state).toBe('accepted');
    store.deltaIncidents([incident(3, { state: 'closed' })], 20);
    expect(store.openIncidents().map((i) => i.id)).toEqual([1]);
    for (let id = 100; id < 100 + FEED_SIZE * 3; id++) store.deltaIncidents([incident(id)], id);
    expect(store.feed()).toHaveLength(FEED_SIZE);
    expect(store.feed()[0].incident.id).toBe(100 + FEED_SIZE * 3 - 1);
  });

  it('draws an arc from the worker to the case when it is dispatched, bounded and fading out', () => {
    const store = createWallStore();
    store.snapshotWorkers([worker('w1')]);
    store.snapshotIncidents([incident(1, { state: 'accepted' })]);
    store.deltaIncidents([incident(1, { state: 'dispatched', assignedWorkerCode: 'w1', grade: 'red' })], 1000);
    expect(store.arcs(1000)).toEqual([{ incidentId: 1, from: [118.9, 32.09], to: [118.93, 32.1], grade: 'red', startedAt: 1000 }]);
    // The same dispatch again (a replayed delta) draws no second arc.
    store.deltaIncidents([incident(1, { state: 'dispatched', assignedWorkerCode: 'w1' })], 2000);
    expect(store.arcs(2000)).toHaveLength(1);
    expect(store.arcs(1000 + ARC_LIFETIME_MS)).toHaveLength(0);
    for (let id = 10; id < 10 + MAX_ARCS * 2; id++) store.deltaIncidents([incident(id, { state: 'dispatched', assignedWorkerCode: 'w1' })], 5000);
    expect(store.arcs(5000)).toHaveLength(MAX_ARCS);
  });
});
