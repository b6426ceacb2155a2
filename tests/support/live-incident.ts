/**
 * A LiveIncident (the live channel's incident, server/live/live-protocol.ts) for unit tests of the hub, the
 * console's stores and the map's layers: a reported blue case in a Xianlin micro-grid, numbered by its id, with
 * the fields a test cares about overridden.
 */
import type { LiveIncident } from '../../server/live/live-protocol.js';

export function liveIncident(overrides: Partial<LiveIncident> = {}): LiveIncident {
  const id = overrides.id ?? 1;
  return {
    id,
    number: `NJ20261123-${String(id).padStart(7, '0')}`,
    state: 'reported',
    grade: 'blue',
    category: 'city_management',
    source: 'hotline_12345',
    lon: 118.93,
    lat: 32.1,
    microGridCode: '320113007001001001',
    communityCode: '320113007001',
    streetCode: '320113007',
    districtCode: '320113',
    assignedWorkerCode: null,
    escalationLevel: 0,
    overdue: false,
    deadlineAt: null,
    reportedAt: '2026-11-23T08:00:00.000Z',
    generated: false,
    ...overrides,
  };
}
