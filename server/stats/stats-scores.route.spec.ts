/**
 * The safety index and the scorecards through the API on the seeded Xianlin subset, on every database mode:
 * computed for every month of the history, recomputed here from the summary's counts with the documented formula,
 * drilled down to their cases, published once (audited, never recomputed, a second publication refused); and the
 * wall's "now" counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { nowResponseSchema, scoreResponseSchema } from './stats-contract.js';
import { SAFETY_RATE_SCALE } from './stats-scores.js';
import { callRoute } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import { safetyIndexRoute, scorecardsRoute, statsCasesRoute, statsNowRoute, statsPublishRoute, statsSummaryRoute } from './stats-routes-contract.js';

const historyMonths = defineSql(
  'test.stats_history_months',
  `SELECT DISTINCT to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month FROM incidents ORDER BY 1`,
);
const auditOf = defineSql(
  'test.stats_publish_audit',
  `SELECT action, success, after FROM audit_log WHERE entity_type = 'stats_publication' ORDER BY id`,
);
const directNow = defineSql(
  'test.stats_direct_now',
  `SELECT (SELECT count(*) FROM workers WHERE home_unit_code LIKE '320113007%' AND duty_status <> 'off_duty')::int AS on_duty,
          (SELECT count(*) FROM cameras WHERE micro_grid_code LIKE '320113007%')::int AS cameras`,
);
const changeOneCase = defineSql(
  'test.stats_change_case',
  `UPDATE incidents SET satisfaction = 1 WHERE id = (SELECT min(id) FROM incidents
     WHERE street_code = '320113007' AND to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') = $1 AND satisfaction = 5)`,
);

describe.each(testDatabaseModes())('safety index and scorecards on %s', (mode) => {
  let server: TestServer;
  let admin: Record<string, string>;
  let months: string[];

  const call = <R extends ApiRoute>(route: R, path: string, headers = admin, body?: unknown) => callRoute(server.baseUrl, route, path, headers, body);

  beforeAll(async () => {
    server = await startTestServer(mode);
    admin = await signIn(server.baseUrl, 'admin.city');
    months = (await server.db.query<{ month: string }>(historyMonths)).map((r) => r.month);
  }, 120_000);
  afterAll(() => server?.close());

  it('scores every month of the history, 0–100, and its components follow from the summary by the documented formula', async () => {
    expect(months.length).toBeGreaterThanOrEqual(12);
    const complete = months.slice(1, -1);
    for (const month of complete) {
      const res = await call(safetyIndexRoute, `/api/stats/safety-index?unit=320113007&month=${month}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const scores = scoreResponseSchema.parse(res.body);
      expect(scores.unit.score, month).not.toBeNull();
      expect(scores.unit.score!).toBeGreaterThanOrEqual(0);
      expect(scores.unit.score!).toBeLessThanOrEqual(100);
      expect(scores.children.length).toBeGreaterThan(0);
      expect(scores.trend).toHaveLength(12);
      expect(scores.trend.at(-1)).toEqual({ month, score: scores.unit.score });
    }
    // One month by hand, from the summary's counts and the households.
    const month = complete.at(-1)!;
    const summary = (await call(statsSummaryRoute, `/api/stats/summary?unit=320113007&period=month&date=${month}-01`)).body;
    const index = scoreResponseSchema.parse((await call(safetyIndexRoute, `/api/stats/safety-index?unit=320113007&month=${month}`)).body);
    const t = summary.totals;
    const byKey = Object.fromEntries(index.unit.components.map((c) => [c.key, c]));
    expect(byKey.on_time_closure.raw).toBeCloseTo(summary.stages[4].onTime / t.incidents, 4);
    expect(byKey.repeat_share.raw).toBeCloseTo(t.repeats / t.incidents, 4);
    expect(byKey.satisfaction.raw).toBeCloseTo(t.satisfactionMean ?? Number.NaN, 2);
    expect(byKey.safety_rate.score).toBeCloseTo(100 * Math.exp(-byKey.safety_rate.raw! / SAFETY_RATE_SCALE), 0);
    const weighted = index.unit.components.reduce((s, c) => s + c.weight * c.score!, 0) / index.unit.components.reduce((s, c) => s + c.weight, 0);
    expect(index.unit.score).toBeCloseTo(weighted, 0);
    // Every component drills down to its cases.
    for (const c of index.unit.components) {
      const cases = await call(statsCasesRoute, `/api/stats/cases?unit=320113007&period=month&date=${month}-01&metric=${c.casesMetric}&limit=5`);
      expect(cases.status, c.casesMetric).toBe(200);
    }
    const repeats = await call(statsCasesRoute, `/api/stats/cases?unit=320113007&period=month&date=${month}-01&metric=repeat`);
    expect(repeats.body.total).toBe(t.repeats);

    const cards = scoreResponseSchema.parse((await call(scorecardsRoute, `/api/stats/scorecards?unit=320113007&month=${month}`)).body);
    expect(cards.kind).toBe('scorecard');
    expect(cards.children.every((c) => c.level === 'community')).toBe(true);
    expect(cards.unit.components.map((c) => c.key)).toContain('resolve_on_time');
    expect((await call(scorecardsRoute, `/api/stats/scorecards?unit=${cards.children[0].code}001&month=${month}`)).body.code).toBe(
      'no_scorecard_for_level',
    );
  }, 120_000);

  it('publishes a month once, audited, and answers the stored figures even after its cases change', async () => {
    const month = months.at(-2)!;
    const before = scoreResponseSchema.parse((await call(safetyIndexRoute, `/api/stats/safety-index?unit=320113007&month=${month}`)).body);
    expect(before.published).toBeNull();
    const dispatcher = await signIn(server.baseUrl, 'dispatcher.city');
    expect((await call(statsPublishRoute, '/api/stats/publish', dispatcher, { kind: 'safety_index', month })).status).toBe(403);
    const xianlinAdmin = await signIn(server.baseUrl, 'admin.xianlin');
    expect((await call(statsPublishRoute, '/api/stats/publish', xianlinAdmin, { kind: 'safety_index', month })).body.code).toBe(
      'publish_requires_city',
    );

    const done = await call(statsPublishRoute, '/api/stats/publish', admin, { kind: 'safety_index', month });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body).toMatchObject({ kind: 'safety_index', month, formulaVersion: 1 });
    expect(done.body.units).toBeGreaterThan(200);
    const again = await call(statsPublishRoute, '/api/stats/publish', admin, { kind: 'safety_index', month });
    expect([again.status, again.body.code]).toEqual([409, 'already_published']);
    const audit = await server.db.query<{ action: string; success: boolean }>(auditOf);
    // The refusals by role and jurisdiction stop before the change; the repeated publication is a failed attempt.
    expect(audit.map((a) => [a.action, a.success])).toEqual([
      ['stats.publish', true],
      ['stats.publish', false],
    ]);

    // A rating of that month changes: the published index does not move.
    await server.db.query(changeOneCase, [month]);
    const after = scoreResponseSchema.parse((await call(safetyIndexRoute, `/api/stats/safety-index?unit=320113007&month=${month}`)).body);
    expect(after.published).toMatchObject({ formulaVersion: 1, by: 'admin.city' });
    expect(after.unit.score).toBe(before.unit.score);
    expect(after.unit.components).toEqual(before.unit.components);
    expect(after.children.map((c) => c.score)).toEqual(before.children.map((c) => c.score));
  }, 120_000);

  it("gives the wall's counts of right now in the jurisdiction", async () => {
    const res = await call(statsNowRoute, '/api/stats/now?unit=320113007');
    const now = nowResponseSchema.parse(res.body);
    const [direct] = await server.db.query<{ on_duty: number; cameras: number }>(directNow);
    expect(now.workersOnDuty).toBe(direct.on_duty);
    expect(now.camerasTotal).toBe(direct.cameras);
    expect(now.workersTotal).toBeGreaterThanOrEqual(now.workersOnDuty);
  });
});
