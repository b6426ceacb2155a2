/**
 * The `unit_statistics` collection (migration 0044) on the seeded Xianlin subset, in every database mode: its
 * figures are the statistics API's for the same unit and month, row-level security scopes it like every other
 * read, and CQL2 and datetime filters work on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { signIn } from '../../tests/support/test-auth.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { defineSql } from '../db/database.js';
import { summaryResponseSchema } from '../stats/stats-contract.js';

interface Page {
  numberMatched?: number;
  numberReturned: number;
  features: { id: string; geometry: { type: string } | null; properties: Record<string, number | string | null> }[];
}

/** The months of 仙林街道's history that have incidents, oldest first (as the owner: no row-level security). */
const xianlinMonths = defineSql(
  'test.ogc_stats_months',
  `SELECT to_char(date_trunc('month', day), 'YYYY-MM') AS month, sum(incidents)::int AS incidents
     FROM stats_daily WHERE unit_code = '320113007' GROUP BY 1 HAVING sum(incidents) > 0 ORDER BY 1`,
);
const monthRows = defineSql('test.ogc_stats_month_rows', `SELECT count(*)::int AS n FROM ogc_unit_month_stats WHERE month = $1 AND level = 'street'`);

describe.each(testDatabaseModes())('OGC unit_statistics on %s', (mode) => {
  let server: TestServer;
  let city: Record<string, string>;
  let street: Record<string, string>;
  let months: { month: string; incidents: number }[];
  const get = async (path: string, headers: Record<string, string>) => {
    const res = await fetch(`${server.baseUrl}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as Page & Record<string, unknown> };
  };

  beforeAll(async () => {
    server = await startTestServer(mode);
    city = await signIn(server.baseUrl, 'dispatcher.city');
    street = await signIn(server.baseUrl, 'dispatcher.xianlin');
    months = await server.db.query(xianlinMonths);
  });
  afterAll(() => server?.close());

  it('gives a street’s month the figures the statistics API gives for it', async () => {
    expect(months.length).toBeGreaterThan(2);
    for (const { month, incidents } of [months[0], months.at(-2)!]) {
      const feature = await get(`/ogc/collections/unit_statistics/items/${encodeURIComponent(`320113007:${month}`)}`, street);
      expect(feature.status).toBe(200);
      const f = feature.body as unknown as Page['features'][number];
      const summary = summaryResponseSchema.parse(
        await (await fetch(`${server.baseUrl}/api/stats/summary?unit=320113007&period=month&date=${month}-01`, { headers: street })).json(),
      );
      expect(f.properties).toMatchObject({
        code: '320113007',
        level: 'street',
        month,
        incidents,
        closed: summary.totals.closed,
        resolved: summary.totals.resolved,
        escalated: summary.totals.escalated,
        repeats: summary.totals.repeats,
        grade_red: summary.byGrade.red,
        closure_rate: summary.totals.closureRate,
        on_time_rate: summary.totals.onTimeRate,
        satisfaction_mean: summary.totals.satisfactionMean,
        per_1000_households: summary.totals.per1000Households,
      });
      expect(summary.totals.incidents).toBe(incidents);
      expect(f.geometry?.type).toBe('MultiPolygon');
    }
  });

  it('shows a street’s dispatcher its own street only, the city every district and street', async () => {
    const mine = await get('/ogc/collections/unit_statistics/items?limit=1000', street);
    expect(mine.status).toBe(200);
    expect(new Set(mine.body.features.map((f) => f.properties.code))).toEqual(new Set(['320113007']));
    expect(mine.body.numberMatched).toBe(mine.body.features.length);
    const all = await get('/ogc/collections/unit_statistics/items?limit=10000', city);
    const levels = new Set(all.body.features.map((f) => f.properties.level));
    expect(levels).toEqual(new Set(['district', 'street']));
    expect(all.body.features.length).toBeGreaterThan(mine.body.features.length);
  });

  it('filters by CQL2 and by datetime on the month', async () => {
    const month = months.at(-2)!.month;
    const filter = encodeURIComponent(`level = 'street' AND month = '${month}' AND incidents > 0`);
    const streets = await get(`/ogc/collections/unit_statistics/items?filter=${filter}&limit=1000`, city);
    expect(streets.status).toBe(200);
    const [{ n }] = await server.db.query<{ n: number }>(monthRows, [month]);
    expect(streets.body.features.length).toBeGreaterThan(0);
    expect(streets.body.features.length).toBeLessThanOrEqual(n);
    expect(
      streets.body.features.every((f) => f.properties.level === 'street' && f.properties.month === month && Number(f.properties.incidents) > 0),
    ).toBe(true);
    // The month's start in Asia/Shanghai is the previous day 16:00 UTC; an interval inside the month selects it alone.
    const start = new Date(`${month}-01T00:00:00+08:00`).toISOString();
    const byTime = await get(`/ogc/collections/unit_statistics/items?datetime=${start}&limit=1000`, street);
    expect(byTime.body.features.map((f) => f.properties.month)).toEqual([month]);
  });
});
