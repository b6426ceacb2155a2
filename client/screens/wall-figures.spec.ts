import { describe, expect, it } from 'vitest';
import type { LiveIncident } from '../live/live-client.js';
import { countArrivals } from './wall-figures.js';
import type { StatsSummary } from './stats-client.js';

const summary = {
  totals: { incidents: 10, openNow: 4 },
  byGrade: { blue: 5, yellow: 3, orange: 1, red: 1 },
  bySource: { hotline_12345: 6, patrol: 4 },
} as unknown as StatsSummary;
const arrival = (patch: Partial<LiveIncident>) =>
  ({
    id: 1,
    grade: 'red',
    source: 'patrol',
    state: 'reported',
    microGridCode: '320113007001001001',
    reportedAt: '2026-12-07T03:00:00Z',
    ...patch,
  }) as LiveIncident;

describe('counting arrivals on the wall', () => {
  it('counts today’s cases inside the focus, by grade and source', () => {
    const next = countArrivals(summary, [arrival({}), arrival({ id: 2, grade: 'blue', source: 'iot' })], '320113007', '2026-12-07');
    expect(next.totals.incidents).toBe(12);
    expect(next.totals.openNow).toBe(6);
    expect(next.byGrade).toMatchObject({ red: 2, blue: 6 });
    expect(next.bySource).toMatchObject({ patrol: 5, iot: 1 });
    expect(summary.totals.incidents).toBe(10);
  });

  it('leaves out other units, other days and finished cases', () => {
    const same = countArrivals(
      summary,
      [arrival({ microGridCode: '320102001001001001' }), arrival({ reportedAt: '2026-12-06T03:00:00Z' }), arrival({ state: 'closed' })],
      '320113007',
      '2026-12-07',
    );
    expect(same).toBe(summary);
    expect(countArrivals(summary, [arrival({ microGridCode: '320102001001001001' })], 'city', '2026-12-07').totals.incidents).toBe(11);
  });
});
