import { describe, expect, it } from 'vitest';
import { countOpenByMicroGrid, isPulsing, NEW_INCIDENT_MINUTES } from './incident-load.js';
import { liveIncident as incident } from '../../tests/support/live-incident.js';

describe('countOpenByMicroGrid', () => {
  it('counts open cases per micro-grid and ignores closed and rejected ones', () => {
    const counts = countOpenByMicroGrid([
      incident({ id: 1 }),
      incident({ id: 2, state: 'dispatched' }),
      incident({ id: 3, microGridCode: 'B' }),
      incident({ id: 4, state: 'closed' }),
      incident({ id: 5, state: 'rejected', microGridCode: 'C' }),
    ]);
    expect([...counts]).toEqual([
      ['320113007001001001', 2],
      ['B', 1],
    ]);
  });
});

describe('isPulsing', () => {
  const now = Date.parse('2026-11-23T08:05:00Z');
  it('pulses new open red and orange cases only', () => {
    expect(isPulsing(incident({ grade: 'red' }), now)).toBe(true);
    expect(isPulsing(incident({ grade: 'orange' }), now)).toBe(true);
    expect(isPulsing(incident({ grade: 'yellow' }), now)).toBe(false);
    expect(isPulsing(incident({ grade: 'red', state: 'closed' }), now)).toBe(false);
  });
  it(`stops after ${NEW_INCIDENT_MINUTES} minutes`, () => {
    const old = new Date(now - (NEW_INCIDENT_MINUTES * 60_000 + 1)).toISOString();
    expect(isPulsing(incident({ grade: 'red', reportedAt: old }), now)).toBe(false);
    expect(isPulsing(incident({ grade: 'red', reportedAt: 'not a date' }), now)).toBe(false);
  });
});
