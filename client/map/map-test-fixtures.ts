/** A LiveIncident for the map's unit tests, with the fields a test cares about overridden. */
import type { LiveIncident } from './map-data.js';

export function incident(overrides: Partial<LiveIncident> = {}): LiveIncident {
  return {
    id: 1,
    number: 'GX-1',
    state: 'reported',
    grade: 'blue',
    category: 'city_management',
    source: 'hotline',
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
    reportedAt: '2026-11-23T08:00:00Z',
    generated: false,
    ...overrides,
  };
}
