/**
 * The statistics API on the seeded Xianlin subset, on every database mode: every figure equals a direct count
 * over the incident tables (stats-test-support.ts) for random units of every level and random periods, also
 * right after live events through the real routes (intake, the lifecycle, a summons); rankings, series and
 * drill-downs agree with the summary; bad input gets stable codes; jurisdiction holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { screenTokenHeaders, signIn } from '../../tests/support/test-auth.js';
import { seededRandom } from '../simulator/simulator-random.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { casesResponseSchema, rankingResponseSchema, seriesResponseSchema, summaryResponseSchema } from './stats-contract.js';
import { dateOfDay, dayNumber, shanghaiDate } from './stats-period.js';
import { directSummary } from './stats-test-support.js';
import { callRoute } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import { createIncidentRoute, incidentEventRoute } from '../incidents/incidents-contract.js';
import { summonRoute } from '../incidents/summonses-contract.js';
import {
  safetyIndexRoute,
  statsCasesRoute,
  statsPublishRoute,
  statsRankingRoute,
  statsSeriesRoute,
  statsSummaryRoute,
} from './stats-routes-contract.js';

const unitsWithIncidents = defineSql(
  'test.stats_units_with_incidents',
  `SELECT level, code FROM (
     SELECT u.level, u.code, row_number() OVER (PARTITION BY u.level ORDER BY md5(u.code)) AS k
       FROM units u WHERE u.level IN ('community', 'grid', 'micro_grid') AND u.street_code = '320113007'
        AND EXISTS (SELECT 1 FROM incidents i WHERE i.micro_grid_code LIKE u.code || '%')) x
    WHERE k <= 2`,
);
const historyDays = defineSql(
  'test.stats_history_days',
  `SELECT to_char(min(reported_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') AS first,
          to_char(max(reported_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') AS last FROM incidents`,
);
const households = defineSql('test.stats_households', `SELECT households FROM units WHERE code = $1`);
const pickPlaces = defineSql(
  'test.stats_places',
  `SELECT m.code, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat,
          (SELECT code FROM workers w WHERE w.home_unit_code = m.code AND w.duty_status <> 'off_duty' ORDER BY code LIMIT 1) AS worker
     FROM units m WHERE m.level = 'micro_grid' AND m.street_code = '320113007'
      AND EXISTS (SELECT 1 FROM workers w WHERE w.home_unit_code = m.code AND w.duty_status <> 'off_duty')
      AND NOT EXISTS (SELECT 1 FROM workers w JOIN incidents i ON i.assigned_worker_code = w.code AND i.state IN ('dispatched', 'on_scene')
                       WHERE w.home_unit_code = m.code)
    ORDER BY md5(m.code) LIMIT 3`,
);

describe.each(testDatabaseModes())('statistics on %s', (mode) => {
  let server: TestServer;
  let admin: Record<string, string>;
  let dispatcher: Record<string, string>;
  let units: { level: string; code: string }[];
  let first: string;
  let last: string;

  // A GET is safe to repeat: once more when a kept-alive socket was closed by the server while the test counted.
  const get = <R extends ApiRoute>(route: R, path: string, headers = admin) =>
    callRoute(server.baseUrl, route, path, headers).catch(() => callRoute(server.baseUrl, route, path, headers));
  const post = <R extends ApiRoute>(route: R, path: string, headers: Record<string, string>, body: unknown) =>
    callRoute(server.baseUrl, route, path, headers, body);

  /** The API's summary against the direct count, figure by figure. */
  const expectEqualToDirect = async (unit: string, period: string, label: string) => {
    const res = await get(statsSummaryRoute, `/api/stats/summary?unit=${unit}&${period}`);
    expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(200);
    const api = summaryResponseSchema.parse(res.body);
    const direct = await directSummary(server.db, unit, api.period.from, api.period.to, new Date(api.asOf));
    const { bySource, byCategory, byGrade, stages, byHour: _h, ids: _i, ...totals } = direct;
    const [hh] = unit === 'city' ? [{ households: api.unit.households }] : await server.db.query<{ households: number }>(households, [unit]);
    expect({ ...api.totals, per1000Households: undefined }, label).toEqual({ ...totals, per1000Households: undefined });
    expect(api.totals.per1000Households, label).toBe(hh.households > 0 ? Number(((direct.incidents * 1000) / hh.households).toFixed(3)) : null);
    const nonZero = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v > 0));
    expect(nonZero(api.bySource), label).toEqual(bySource);
    expect(nonZero(api.byCategory), label).toEqual(byCategory);
    expect(nonZero(api.byGrade), label).toEqual(byGrade);
    expect(api.stages, label).toEqual(stages);
    return { api, direct };
  };

  beforeAll(async () => {
    server = await startTestServer(mode);
    admin = await signIn(server.baseUrl, 'admin.city');
    dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    units = await server.db.query(unitsWithIncidents);
    [{ first, last }] = await server.db.query<{ first: string; last: string }>(historyDays);
  }, 120_000);
  afterAll(() => server?.close());

  it('equals a direct count on random units of every level and random periods of the seeded history', async () => {
    const random = seededRandom(19);
    const span = dayNumber(last)! - dayNumber(first)!;
    const randomDate = () => dateOfDay(dayNumber(first)! + Math.floor(random() * (span + 1)));
    const all = [{ level: 'city', code: 'city' }, { level: 'district', code: '320113' }, { level: 'street', code: '320113007' }, ...units];
    expect(units.filter((u) => u.level === 'micro_grid').length).toBeGreaterThan(0);
    let checked = 0;
    for (const unit of all) {
      const from = randomDate();
      const periods = [`period=${(['day', 'week', 'month'] as const)[checked % 3]}&date=${randomDate()}`, `period=month&date=${randomDate()}`];
      if (unit.level === 'city' || unit.level === 'micro_grid') {
        periods.push(`period=range&from=${from}&to=${dateOfDay(Math.min(dayNumber(from)! + 40, dayNumber(last)!))}`);
      }
      for (const period of periods) {
        const { direct } = await expectEqualToDirect(unit.code, period, `${unit.code} ${period}`);
        checked += direct.incidents;
      }
    }
    // The whole history at once, for the street (its medians come from the rollup's histograms).
    const whole = await expectEqualToDirect('320113007', `period=range&from=${first}&to=${last}`, 'whole history');
    expect(whole.direct.incidents).toBeGreaterThan(5000);
    expect(whole.api.stages.find((s) => s.stage === 'resolve')!.medianMinutes).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(1000);
  }, 120_000);

  it('still equals the direct count right after live events through the real routes', async () => {
    const places = await server.db.query<{ code: string; lon: number; lat: number; worker: string }>(pickPlaces);
    const today = shanghaiDate(new Date());
    const before = (await get(statsSummaryRoute, `/api/stats/summary?unit=320113007&period=day&date=${today}`)).body.totals.incidents;
    const ids: number[] = [];
    for (const [k, place] of places.entries()) {
      const res = await post(createIncidentRoute, '/api/incidents', dispatcher, {
        category: k === 0 ? 'fire_safety' : 'dispute',
        description: '统计测试',
        lon: place.lon,
        lat: place.lat,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.incident.id);
    }
    // One accepted and dispatched, one rejected, one summoned department (吹哨报到).
    expect((await post(incidentEventRoute, `/api/incidents/${ids[0]}/events`, dispatcher, { type: 'accept' })).status).toBe(200);
    expect(
      (await post(incidentEventRoute, `/api/incidents/${ids[0]}/events`, dispatcher, { type: 'dispatch', workerCode: places[0].worker })).status,
    ).toBe(200);
    expect((await post(incidentEventRoute, `/api/incidents/${ids[1]}/events`, dispatcher, { type: 'reject', reason: '重复' })).status).toBe(200);
    expect(
      (await post(summonRoute, `/api/incidents/${ids[2]}/summons`, dispatcher, { departmentCode: 'urban_management', note: '请城管到场' })).status,
    ).toBe(201);

    const { api } = await expectEqualToDirect('320113007', `period=day&date=${today}`, 'street today after live events');
    expect(api.totals.incidents).toBe(before + 3);
    expect(api.totals.rejected).toBeGreaterThanOrEqual(1);
    expect(api.totals.summonses).toBeGreaterThanOrEqual(1);
    await expectEqualToDirect('city', `period=day&date=${today}`, 'city today');
    await expectEqualToDirect('320113', `period=week&date=${today}`, 'district this week');
    await expectEqualToDirect(places[0].code, `period=month&date=${today}`, 'micro-grid this month');
    await expectEqualToDirect(places[0].code.slice(0, 12), `period=day&date=${today}`, 'community today');

    // The drill-down lists exactly the cases the figure counts.
    const red = await get(statsCasesRoute, `/api/stats/cases?unit=320113007&period=day&date=${today}&metric=category.fire_safety&limit=500`);
    const cases = casesResponseSchema.parse(red.body);
    expect(cases.total).toBe(api.byCategory.fire_safety);
    expect(cases.items.map((i) => i.id)).toContain(ids[0]);
    const rejected = await get(statsCasesRoute, `/api/stats/cases?unit=320113007&period=day&date=${today}&metric=rejected`);
    expect(rejected.body.total).toBe(api.totals.rejected);
    const overdue = await get(statsCasesRoute, `/api/stats/cases?unit=320113007&metric=overdue_now&limit=5`);
    expect(overdue.body.total).toBe(api.totals.overdueNow);
  }, 120_000);

  it('ranks the children, whose figures add up to the parent, and gives series that add up to the summary', async () => {
    const month = `period=month&date=${last}`;
    const parent = (await get(statsSummaryRoute, `/api/stats/summary?unit=320113007&${month}`)).body;
    for (const [unit, childLevel] of [
      ['city', 'district'],
      ['320113', 'street'],
      ['320113007', 'community'],
    ] as const) {
      const res = await get(statsRankingRoute, `/api/stats/ranking?unit=${unit}&${month}&metric=closureRate&order=desc`);
      expect(res.status).toBe(200);
      const ranking = rankingResponseSchema.parse(res.body);
      expect(ranking.rows.every((r) => r.level === childLevel)).toBe(true);
      const values = ranking.rows.map((r) => r.value).filter((v): v is number => v !== null);
      expect(values).toEqual([...values].sort((a, b) => b - a));
      if (unit === '320113007') expect(ranking.rows.reduce((s, r) => s + r.incidents, 0)).toBe(parent.totals.incidents);
    }
    const community = (await get(statsRankingRoute, `/api/stats/ranking?unit=320113007&${month}`)).body.rows[0].code;
    const grids = (await get(statsRankingRoute, `/api/stats/ranking?unit=${community}&${month}&metric=incidents`)).body;
    const communitySummary = (await get(statsSummaryRoute, `/api/stats/summary?unit=${community}&${month}`)).body;
    expect(grids.rows.reduce((s: number, r: { incidents: number }) => s + r.incidents, 0)).toBe(communitySummary.totals.incidents);

    const daily = seriesResponseSchema.parse(
      (await get(statsSeriesRoute, `/api/stats/series?unit=320113007&granularity=day&${month}&compare=week`)).body,
    );
    expect(daily.buckets).toHaveLength(parent.period.days);
    expect(daily.buckets.reduce((s, b) => s + b.incidents, 0)).toBe(parent.totals.incidents);
    expect(daily.compare!.buckets).toHaveLength(parent.period.days);
    const hourly = seriesResponseSchema.parse(
      (await get(statsSeriesRoute, `/api/stats/series?unit=320113007&granularity=hour&date=${last}&compare=week`)).body,
    );
    expect(hourly.buckets).toHaveLength(24);
    const direct = await directSummary(server.db, '320113007', last, last, new Date());
    expect(hourly.buckets.map((b) => b.incidents)).toEqual(direct.byHour);
    expect(hourly.compare!.period.from).toBe(dateOfDay(dayNumber(last)! - 7));
  }, 60_000);

  it('refuses bad input with stable codes and keeps to the jurisdiction', async () => {
    const cases: [ApiRoute, string, number, string][] = [
      [statsSummaryRoute, '/api/stats/summary?unit=city&period=range&from=2025-01-01&to=2026-03-01', 400, 'period_too_long'],
      [statsSummaryRoute, '/api/stats/summary?unit=city&period=day&date=2026-02-30', 400, 'invalid_period'],
      [statsSummaryRoute, '/api/stats/summary?unit=city&period=range&from=2026-03-01', 400, 'invalid_period'],
      [statsSummaryRoute, '/api/stats/summary?unit=city&period=range&from=2026-03-02&to=2026-03-01', 400, 'invalid_period'],
      [statsSummaryRoute, '/api/stats/summary?unit=city&period=day&date=yesterday', 400, 'invalid_query'],
      [statsSummaryRoute, '/api/stats/summary?unit=320199999', 404, 'unknown_unit'],
      [statsSummaryRoute, '/api/stats/summary?unit=drop%20table', 400, 'invalid_query'],
      [statsCasesRoute, '/api/stats/cases?unit=city&metric=grade.purple', 400, 'unknown_metric'],
      [statsCasesRoute, '/api/stats/cases?unit=city&metric=everything', 400, 'invalid_query'],
      [safetyIndexRoute, '/api/stats/safety-index?unit=city&month=2026-13', 400, 'invalid_period'],
      [safetyIndexRoute, '/api/stats/safety-index?unit=city&month=26-01', 400, 'invalid_query'],
    ];
    for (const [route, path, status, code] of cases) {
      const res = await get(route, path);
      expect([res.status, res.body.code], path).toEqual([status, code]);
    }
    // A Xianlin dispatcher and a Xianlin wall see Xianlin, not its district or the city, nor Xuanwu.
    const wall = await screenTokenHeaders(server.db, '320113007');
    for (const headers of [dispatcher, wall]) {
      expect((await get(statsSummaryRoute, '/api/stats/summary?unit=320113007', headers)).status).toBe(200);
      for (const outside of ['city', '320113', '320102']) {
        const res = await get(statsSummaryRoute, `/api/stats/summary?unit=${outside}`, headers);
        expect([res.status, res.body.code]).toEqual([403, 'outside_jurisdiction']);
      }
    }
    expect((await post(statsPublishRoute, '/api/stats/publish', wall, { kind: 'safety_index', month: '2026-01' })).status).toBe(403);
    const worker = await signIn(server.baseUrl, 'worker.xianlin');
    expect((await get(statsSummaryRoute, '/api/stats/summary?unit=320113007', worker)).status).toBe(403);
  });
});
