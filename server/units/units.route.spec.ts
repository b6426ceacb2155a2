/** The units API on the seeded Xianlin subset, on every database mode. */
import gcoord from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { signIn } from '../../tests/support/test-auth.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { callRoute } from '../../tests/support/api-answer.js';
import { healthRoute } from '../health/health-contract.js';
import type { ApiRoute } from '../contract/api-route.js';
import { locateRoute, readUnitRoute, searchUnitsRoute, unitAncestorsRoute, unitChildrenRoute } from './units-contract.js';

/** A micro-grid of 仙林街道 whose label point lies more than 60 m inside, and a point 10 m inside its edge. */
const pickTestPoints = defineSql(
  'test.pick_locate_points',
  `WITH m AS (
     SELECT code, label_point, ST_ClosestPoint(ST_Boundary(geom), label_point) AS edge,
            ST_Distance(ST_Boundary(geom)::geography, label_point::geography) AS inside_m
       FROM units WHERE level = 'micro_grid' AND street_code = '320113007')
   SELECT code, ST_X(label_point) AS lon, ST_Y(label_point) AS lat,
          ST_X(near) AS near_lon, ST_Y(near) AS near_lat
     FROM (SELECT *, ST_LineInterpolatePoint(ST_MakeLine(edge, label_point), 10 / inside_m) AS near FROM m WHERE inside_m > 60) t
    ORDER BY code LIMIT 1`,
);

/** A unit read in full: inside the caller's jurisdiction a unit never comes back by name only. */
function inFull<T extends object>(unit: T): Exclude<T, { nameOnly: true }> {
  if ('nameOnly' in unit) throw new Error('the unit came back by name only');
  return unit as Exclude<T, { nameOnly: true }>;
}

describe.each(testDatabaseModes())('units API on %s', (mode) => {
  let server: TestServer;
  let point: { code: string; lon: number; lat: number; near_lon: number; near_lat: number };
  let headers: Record<string, string> = {};
  const get = <R extends ApiRoute>(route: R, path: string) => callRoute(server.baseUrl, route, path, headers);

  beforeAll(async () => {
    server = await startTestServer(mode);
    [point] = await server.db.query(pickTestPoints);
    headers = await signIn(server.baseUrl, 'dispatcher.city');
  });
  afterAll(() => server.close());

  it('locates a point to its whole chain, district to micro-grid', async () => {
    const { status, body } = await get(locateRoute, `/api/locate?lon=${point.lon}&lat=${point.lat}`);
    expect(status).toBe(200);
    expect(body.microGrid.code).toBe(point.code);
    expect(body.district).toEqual({ code: '320113', name: '栖霞区' });
    expect(body.street).toMatchObject({ code: '320113007', name: '仙林街道' });
    expect(body.community.code).toBe(point.code.slice(0, 12));
    expect(body.grid.code).toBe(point.code.slice(0, 15));
    expect(body.microGrid.households).toBeGreaterThanOrEqual(30);
    expect(body.generated).toBe(true);
    expect(body.nearBoundary).toBeNull();
    expect(body.boundaryDistanceM).toBeGreaterThan(30);
    expect(body.workers.length).toBeGreaterThan(0);
    for (const w of body.workers) expect(w).not.toHaveProperty('phone');
  });

  it('converts GCJ-02 and BD-09 input before locating', async () => {
    for (const [crs, system] of [
      ['gcj02', gcoord.GCJ02],
      ['bd09', gcoord.BD09],
    ] as const) {
      const [lon, lat] = gcoord.transform([point.lon, point.lat], gcoord.WGS84, system) as number[];
      const { status, body } = await get(locateRoute, `/api/locate?lon=${lon}&lat=${lat}&crs=${crs}`);
      expect(status).toBe(200);
      expect(body.microGrid.code).toBe(point.code);
      expect(body.input.crs).toBe(crs);
      expect(Math.abs(body.wgs84.lon - point.lon)).toBeLessThan(1e-5);
    }
  });

  it('flags a point 10 m from a micro-grid edge as a border case, with the neighbour across it', async () => {
    const { body } = await get(locateRoute, `/api/locate?lon=${point.near_lon}&lat=${point.near_lat}`);
    expect(body.microGrid.code).toBe(point.code);
    const near = body.nearBoundary;
    if (!near) throw new Error('expected a border case');
    expect(near.distanceM).toBeGreaterThan(8);
    expect(near.distanceM).toBeLessThan(12);
    if (near.neighbours.length > 0) {
      expect(near.neighbours[0].code).not.toBe(point.code);
      expect(near.neighbours[0].distanceM).toBeLessThanOrEqual(30);
    }
  });

  it('answers 404 outside Nanjing and 400 for bad input, with stable codes', async () => {
    const outside = await get(locateRoute, '/api/locate?lon=116.397&lat=39.909');
    expect(outside.status).toBe(404);
    expect(outside.body.code).toBe('outside_nanjing');
    for (const query of [
      'lon=abc&lat=32.1',
      'lon=118.9',
      'lon=200&lat=32.1',
      'lon=118.9&lat=32.1&crs=utm',
      'lon=118.9&lat=32.1&x=1',
      'lon=1e309&lat=32',
      'lon=NaN&lat=32',
    ]) {
      const bad = await get(locateRoute, `/api/locate?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.code).toBe('invalid_coordinates');
      expect(bad.body.message).toMatch(/Invalid request/);
    }
  });

  it('reads a unit, its children and its ancestors', async () => {
    const street = await get(readUnitRoute, '/api/units/320113007');
    expect(street.status).toBe(200);
    expect(street.body).toMatchObject({
      code: '320113007',
      name: '仙林街道',
      level: 'street',
      parent_code: '320113',
      generated: true,
      child_count: 10,
    });
    const [minLon, minLat, maxLon, maxLat] = inFull(street.body).bbox;
    // Where 仙林街道 really is: east of Zijin Mountain.
    expect(minLon).toBeGreaterThan(118.89);
    expect(maxLon).toBeLessThan(118.99);
    expect(minLat).toBeGreaterThan(32.07);
    expect(maxLat).toBeLessThan(32.14);

    const children = await get(unitChildrenRoute, '/api/units/320113007/children');
    expect(children.body.children.map((c) => c.name)).toContain('仙林新村社区居委会');
    expect(children.body.children).toHaveLength(10);

    const ancestors = await get(unitAncestorsRoute, `/api/units/${point.code}/ancestors`);
    expect(ancestors.body.ancestors.map((a) => a.level)).toEqual(['district', 'street', 'community', 'grid']);
    expect(ancestors.body.ancestors[0]).toMatchObject({ code: '320113', generated: false });

    const withGeometry = await get(readUnitRoute, `/api/units/${point.code}?geometry=true`);
    expect(inFull(withGeometry.body).geometry?.type).toBe('MultiPolygon');
  });

  it('searches by Chinese name and by code prefix', async () => {
    const byName = await get(searchUnitsRoute, `/api/units/search?q=${encodeURIComponent('仙林')}`);
    expect(byName.body.units[0]).toMatchObject({ code: '320113007', name: '仙林街道' });
    const byCode = await get(searchUnitsRoute, '/api/units/search?q=320113007&level=grid&limit=5');
    expect(byCode.body.units).toHaveLength(5);
    for (const u of byCode.body.units) expect(u.code.startsWith('320113007')).toBe(true);
    const wildcard = await get(searchUnitsRoute, `/api/units/search?q=${encodeURIComponent('%')}`);
    expect(wildcard.body.units).toHaveLength(0);
  });

  it('answers 404 for an unknown unit and 400 for a malformed code or query', async () => {
    expect((await get(readUnitRoute, '/api/units/999999999')).body.code).toBe('unit_not_found');
    const bad = await get(readUnitRoute, '/api/units/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_unit_code');
    expect((await get(searchUnitsRoute, '/api/units/search')).body.code).toBe('invalid_search');
    expect((await get(searchUnitsRoute, '/api/units/search?q=a&limit=1000')).status).toBe(400);
  });

  it('refuses anonymous callers', async () => {
    const res = await fetch(`${server.baseUrl}/api/locate?lon=${point.lon}&lat=${point.lat}`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('authentication_required');
  });

  it('reports health with the mode, PostGIS version and counts per level', async () => {
    const { status, body } = await get(healthRoute, '/api/health');
    expect(status).toBe(200);
    expect(body.database.mode).toBe(mode);
    expect(body.database.postgis).toMatch(/^3\.\d+/);
    expect(body.counts).toMatchObject({ district: 11, street: 21, community: 10 });
    expect(body.counts.micro_grid).toBeGreaterThan(500);
    expect(body.capabilities.asMvt).toBe(mode === 'postgres');
    expect(body.seed?.area).toBe('xianlin');
  });
});
