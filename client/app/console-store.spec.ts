import { describe, expect, it } from 'vitest';
import type { LiveIncident, LiveWorker } from '../api/api-types.js';
import { liveIncident } from '../../tests/support/live-incident.js';
import { createConsoleStore } from './console-store.js';
import { MovableClock } from '../../tests/support/movable-clock.js';

const incident = (id: number, changes: Partial<LiveIncident> = {}): LiveIncident => liveIncident({ id, ...changes });
const worker = (code: string, at: string, lon = 118.93): LiveWorker => ({
  code,
  name: code,
  role: 'grid_worker',
  lon,
  lat: 32.1,
  at,
  dutyStatus: 'on_duty',
  busy: false,
  stale: false,
  microGridCode: 'm',
});

function setup() {
  const clock = new MovableClock(1_000_000);
  const drawn = { incidents: [] as LiveIncident[], workers: [] as LiveWorker[] };
  const changes: string[] = [];
  const store = createConsoleStore({
    sink: { setIncidents: (i) => (drawn.incidents = i), setWorkers: (w) => (drawn.workers = w) },
    clock,
    newForMs: 60_000,
  });
  store.subscribe((c) => changes.push(c));
  return { store, drawn, changes, advance: (ms: number) => clock.advanceMs(ms) };
}

describe('console store', () => {
  it('replaces incidents on a snapshot, adds and removes them on deltas, and hands them to the map', () => {
    const { store, drawn, changes } = setup();
    store.applySnapshot('incidents', [incident(1), incident(2)]);
    expect(drawn.incidents.map((i) => i.id)).toEqual([1, 2]);
    expect(store.isNew(1)).toBe(false);
    store.applyDelta('incidents', [incident(3, { grade: 'red' }), incident(1, { state: 'closed' })]);
    expect(drawn.incidents.map((i) => i.id).sort()).toEqual([2, 3]);
    expect(store.queue().map((i) => i.id)).toEqual([3, 2]);
    expect(changes).toEqual(['incidents', 'incidents']);
    store.applyDelta('incidents', [{ ...incident(2), removed: true }]);
    expect(drawn.incidents.map((i) => i.id)).toEqual([3]);
  });

  it('highlights cases that arrive live until seen or until they are no longer new', () => {
    const { store, advance } = setup();
    store.applySnapshot('incidents', [incident(1)]);
    store.applyDelta('incidents', [incident(2), incident(3)]);
    expect(store.isNew(2)).toBe(true);
    store.markSeen(2);
    expect(store.isNew(2)).toBe(false);
    advance(60_001);
    expect(store.isNew(3)).toBe(false);
    // An update of a known case is not new.
    store.applyDelta('incidents', [incident(1, { state: 'accepted' })]);
    expect(store.isNew(1)).toBe(false);
  });

  it('treats cases first seen in a snapshot after a reconnect as new', () => {
    const { store } = setup();
    store.applySnapshot('incidents', [incident(1)]);
    store.applySnapshot('incidents', [incident(1), incident(4)]);
    expect(store.isNew(4)).toBe(true);
    expect(store.isNew(1)).toBe(false);
  });

  it('keeps the newest fix per worker and ignores a late older one', () => {
    const { store, drawn } = setup();
    store.applySnapshot('workers', [worker('W1', '2026-11-23T08:00:00Z')]);
    store.applyDelta('workers', [worker('W1', '2026-11-23T08:00:10Z', 118.94)]);
    expect(drawn.workers[0].lon).toBe(118.94);
    store.applyDelta('workers', [worker('W1', '2026-11-23T08:00:05Z', 118.95)]);
    expect(drawn.workers[0].lon).toBe(118.94);
    expect(store.worker('W1')?.lon).toBe(118.94);
  });

  it('reports connection changes once each', () => {
    const { store, changes } = setup();
    store.setConnection('open');
    store.setConnection('open');
    store.setConnection('reconnecting');
    expect(changes).toEqual(['connection', 'connection']);
    expect(store.connection()).toBe('reconnecting');
  });
});
