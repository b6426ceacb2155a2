/**
 * GET /api/stats/recent on the seeded Xianlin subset, every database mode: every case of the last hours in the
 * caller's scope (the wall's density), equal to a direct count, a new case first, refused outside the jurisdiction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { defineSql } from '../db/database.js';
import { recentResponseSchema } from './stats-contract.js';

/** Cases reported since $1 in unit $2 (or every unit), counted as the owner (no row-level security). */
const countSince = defineSql(
  'test.stats_recent_count',
  `SELECT count(*)::int AS n FROM incidents WHERE reported_at >= $1 AND ($2::text IS NULL OR micro_grid_code LIKE $2 || '%')`,
);
const pickPoint = defineSql(
  'test.stats_recent_point',
  `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM units WHERE level = 'micro_grid' AND street_code = '320113007' ORDER BY code LIMIT 1`,
);

describe.each(testDatabaseModes())('stats recent points on %s', (mode) => {
  let server: TestServer;
  let city: Record<string, string>;
  const get = async (path: string, headers: Record<string, string>) => {
    const res = await fetch(`${server.baseUrl}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  beforeAll(async () => {
    server = await startTestServer(mode);
    city = await signIn(server.baseUrl, 'dispatcher.city');
  });
  afterAll(() => server?.close());

  it('gives every case of the last hours, newest first, a new one at the top, equal to a direct count', async () => {
    const [point] = await server.db.query<{ lon: number; lat: number }>(pickPoint);
    const created = await fetch(`${server.baseUrl}/api/incidents`, {
      method: 'POST',
      headers: { ...city, 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'fire_safety', description: '密度测试：楼道堆物', lon: point.lon, lat: point.lat }),
    });
    expect(created.status).toBe(201);
    for (const hours of [24, 72]) {
      const answer = recentResponseSchema.parse((await get(`/api/stats/recent?unit=city&hours=${hours}`, city)).body);
      const [{ n }] = await server.db.query<{ n: number }>(countSince, [answer.since, null]);
      expect(answer.points).toHaveLength(n);
      expect(answer.truncated).toBe(false);
      expect(n).toBeGreaterThan(1);
      const times = answer.points.map((p) => Date.parse(p[3]));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(times.every((t) => t >= Date.parse(answer.since))).toBe(true);
      expect(answer.points[0][0]).toBeCloseTo(point.lon, 6);
      expect(answer.points[0][1]).toBeCloseTo(point.lat, 6);
    }
  });

  it('stays inside the caller’s jurisdiction and refuses a unit outside it', async () => {
    const xianlin = await signIn(server.baseUrl, 'dispatcher.xianlin');
    const mine = recentResponseSchema.parse((await get('/api/stats/recent?unit=320113007', xianlin)).body);
    const [{ n }] = await server.db.query<{ n: number }>(countSince, [mine.since, '320113007']);
    expect(mine.unit.code).toBe('320113007');
    expect(mine.points).toHaveLength(n);
    const xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
    const refused = await get('/api/stats/recent?unit=320113007', xuanwu);
    expect(refused.status).toBe(403);
    expect((await get('/api/stats/recent?hours=100', city)).status).toBe(400);
  });
});
