/** GET /api/whats-here on the seeded Xianlin subset, on every database mode. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovableClock } from '../../tests/support/movable-clock.js';
import { defineSql } from '../db/database.js';
import { screenTokenHeaders, signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { callRoute } from '../../tests/support/api-answer.js';
import { createIncidentRoute } from '../incidents/incidents-contract.js';
import { coveringCamerasRoute } from '../video/cameras-contract.js';
import { whatsHereRoute } from './spatial-contract.js';

/** A 仙林街道 micro-grid with responsible workers, its label point, and a point 500 m east of it. */
const pickPoint = defineSql(
  'test.whats_here_point',
  `SELECT m.code, m.name, m.grid_code, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat,
          ST_X(ST_Project(m.label_point::geography, 500, radians(90))::geometry) AS far_lon
     FROM units m
    WHERE m.level = 'micro_grid' AND m.street_code = '320113007'
      AND EXISTS (SELECT 1 FROM workers w WHERE w.home_unit_code = m.code)
    ORDER BY m.code LIMIT 1`,
);
/** The five nearest cameras by exact distance on the sphere, by brute force (no index, no scope). */
const bruteForceCameras = defineSql(
  'test.whats_here_cameras',
  `SELECT code, ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, false) AS d
     FROM cameras ORDER BY d, code LIMIT 5`,
);
const responsibleWorkers = defineSql('test.whats_here_workers', `SELECT code FROM workers WHERE home_unit_code = $1 ORDER BY code`);

describe.each(testDatabaseModes())('GET /api/whats-here on %s', (mode) => {
  let server: TestServer;
  const clock = new MovableClock(Date.parse('2026-11-23T08:00:00Z'));
  let point: { code: string; name: string; grid_code: string; lon: number; lat: number; far_lon: number };
  let dispatcher: Record<string, string>;
  const get = (query: string, headers = dispatcher) => callRoute(server.baseUrl, whatsHereRoute, `/api/whats-here?${query}`, headers);
  const newCase = (body: unknown) => callRoute(server.baseUrl, createIncidentRoute, '/api/incidents', dispatcher, body);

  beforeAll(async () => {
    server = await startTestServer(mode, { clock });
    [point] = await server.db.query(pickPoint);
    dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
  });
  afterAll(() => server.close());

  it('answers the micro-grid chain, its responsible workers without phones, and the nearest cameras', async () => {
    const { status, body } = await get(`lon=${point.lon}&lat=${point.lat}`);
    expect(status).toBe(200);
    expect(body.microGrid).toMatchObject({ code: point.code, name: point.name });
    expect(body.chain.map((u) => u.level)).toEqual(['district', 'street', 'community', 'grid', 'micro_grid']);
    expect(body.chain[0]).toEqual({ level: 'district', code: '320113', name: '栖霞区' });
    expect(body.chain[1]).toMatchObject({ code: '320113007', name: '仙林街道' });
    expect(body.chain[3].code).toBe(point.grid_code);
    expect(body.generated).toBe(true);

    const expectedWorkers = (await server.db.query<{ code: string }>(responsibleWorkers, [point.code])).map((w) => w.code);
    expect(body.workers.map((w) => w.code).sort()).toEqual(expectedWorkers);
    for (const w of body.workers) {
      expect(w).not.toHaveProperty('phone');
      expect(typeof w.stale).toBe('boolean');
      expect(['on_duty', 'busy', 'off_duty']).toContain(w.dutyStatus);
    }

    const expectedCameras = await server.db.query<{ code: string; d: number }>(bruteForceCameras, [point.lon, point.lat]);
    expect(body.cameras).toHaveLength(5);
    expect(body.cameras.map((c) => c.code)).toEqual(expectedCameras.map((c) => c.code));
    body.cameras.forEach((c, i) => {
      expect(Math.abs(c.distanceM - expectedCameras[i].d)).toBeLessThan(0.1);
      if (i > 0) expect(c.distanceM).toBeGreaterThanOrEqual(body.cameras[i - 1].distanceM);
      expect(c).not.toHaveProperty('streamUrl');
    });
    // The covering cameras come from the same ranking as GET /api/cameras/covering.
    const covering = await callRoute(server.baseUrl, coveringCamerasRoute, `/api/cameras/covering?lon=${point.lon}&lat=${point.lat}`, dispatcher);
    expect(body.coveringCameras).toEqual(covering.body.cameras);
    for (const c of body.coveringCameras) expect(c.covers || c.distanceM <= 300).toBe(true);
  });

  it('lists incidents within 300 m from the last 30 days, nearest first, and not farther or older ones', async () => {
    const near = await newCase({ category: 'city_management', description: '路灯不亮', lon: point.lon, lat: point.lat });
    expect(near.status).toBe(201);
    const far = await newCase({ category: 'city_management', description: '路灯不亮', lon: point.far_lon, lat: point.lat });
    // 500 m east may fall outside 仙林街道; if it is inside, it must still not be listed.
    expect([201, 422]).toContain(far.status);

    const { body } = await get(`lon=${point.lon}&lat=${point.lat}`);
    const listed = body.incidents.map((i) => i.id);
    expect(listed).toContain(near.body.incident.id);
    if (far.status === 201) expect(listed).not.toContain(far.body.incident.id);
    const mine = body.incidents.find((i) => i.id === near.body.incident.id);
    expect(mine).toMatchObject({ number: near.body.incident.number, category: 'city_management', state: 'reported' });
    expect(mine?.distanceM).toBeLessThan(1);
    for (const i of body.incidents) expect(i.distanceM).toBeLessThanOrEqual(300);
    expect(body).toMatchObject({ radiusM: 300, days: 30 });

    clock.advanceDays(31);
    const later = await get(`lon=${point.lon}&lat=${point.lat}`);
    expect(later.body.incidents.map((i) => i.id)).not.toContain(near.body.incident.id);
    clock.advanceDays(-31);
  });

  it('converts GCJ-02 input and is open to screen tokens', async () => {
    const gcoord = (await import('gcoord')).default;
    const [lon, lat] = gcoord.transform([point.lon, point.lat], gcoord.WGS84, gcoord.GCJ02) as number[];
    const screen = await screenTokenHeaders(server.db, '320113007');
    const { status, body } = await get(`lon=${lon}&lat=${lat}&crs=gcj02`, screen);
    expect(status).toBe(200);
    expect(body.microGrid.code).toBe(point.code);
  });

  it('stays inside the jurisdiction: another district answers 404 outside_jurisdiction', async () => {
    const xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
    const { status, body } = await get(`lon=${point.lon}&lat=${point.lat}`, xuanwu);
    expect(status).toBe(404);
    expect(body.code).toBe('outside_jurisdiction');
    expect(JSON.stringify(body)).not.toContain(point.name);
  });

  it('refuses bad input with 400 invalid_coordinates and anonymous callers with 401', async () => {
    for (const query of ['lon=abc&lat=32.1', 'lon=118.9', 'lon=200&lat=32.1', 'lon=118.9&lat=32.1&crs=utm', 'lon=118.9&lat=32.1&x=1']) {
      const bad = await get(query);
      expect(bad.status, query).toBe(400);
      expect(bad.body.code).toBe('invalid_coordinates');
    }
    const city = await signIn(server.baseUrl, 'dispatcher.city');
    const outside = await get('lon=116.397&lat=39.909', city);
    expect(outside.status).toBe(404);
    expect(outside.body.code).toBe('outside_nanjing');
    const anonymous = await fetch(`${server.baseUrl}/api/whats-here?lon=${point.lon}&lat=${point.lat}`);
    expect(anonymous.status).toBe(401);
  });
});
