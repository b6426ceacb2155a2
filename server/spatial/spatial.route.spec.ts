/**
 * POST /api/spatial/summary on both modes: the counts of the pieces-joined statement (spatial.sql.ts) equal a
 * plain reference — every table tested against the whole area — for a 10,000-vertex area, a small one and the
 * whole globe, in the city's and in 仙林街道's scope; an invalid area is a 400 naming PostGIS's reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { defineSql, type DataScope } from '../db/database.js';

const XIANLIN = '320113007';

const streetShape = defineSql(
  'test.summary_street_shape',
  `SELECT ST_X(c) AS lon, ST_Y(c) AS lat, sqrt(ST_Area(geom::geography) / pi()) AS radius_m
     FROM (SELECT geom, ST_Centroid(geom) AS c FROM units WHERE code = $1) d`,
);

/** The reference: each count against the whole area, no pieces, no DISTINCT. $1 GeoJSON. */
const reference = defineSql(
  'test.summary_reference',
  `WITH area AS MATERIALIZED (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g)
   SELECT (SELECT count(*) FROM units u WHERE u.level = 'micro_grid' AND ST_Intersects(u.geom, area.g))::int AS "microGrids",
          (SELECT coalesce(sum(u.households), 0) FROM units u
            WHERE u.level = 'micro_grid' AND ST_Intersects(u.geom, area.g) AND ST_Intersects(u.label_point, area.g))::int AS households,
          (SELECT count(*) FROM workers w WHERE ST_Intersects(w.last_position, area.g))::int AS workers,
          (SELECT count(*) FROM workers w WHERE ST_Intersects(w.last_position, area.g) AND w.duty_status = 'on_duty')::int AS "workersOnDuty",
          (SELECT count(*) FROM cameras c WHERE ST_Intersects(c.geom, area.g))::int AS cameras,
          (SELECT count(*) FROM sensors s WHERE ST_Intersects(s.geom, area.g))::int AS sensors
     FROM area`,
);

/** A closed wobbly circle of `positions` positions (never self-crossing). */
function circle(lon: number, lat: number, radiusM: number, positions: number) {
  const ring = Array.from({ length: positions - 1 }, (_, i) => {
    const a = (2 * Math.PI * i) / (positions - 1);
    const r = radiusM * (1 + 0.06 * Math.sin(7 * a));
    return [lon + (r * Math.cos(a)) / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + (r * Math.sin(a)) / 110_574].map(
      (v) => Math.round(v * 1e6) / 1e6,
    );
  });
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
}

describe.each(testDatabaseModes())('spatial summary on %s', (mode) => {
  let server: TestServer;
  const callers: Record<string, { headers: Record<string, string>; scope: DataScope }> = {};
  let areas: Record<string, unknown>;
  beforeAll(async () => {
    server = await startTestServer(mode);
    callers.city = { headers: await signIn(server.baseUrl, 'dispatcher.city'), scope: { jurisdiction: 'city', accountId: null, role: 'dispatcher' } };
    callers.xianlin = {
      headers: await signIn(server.baseUrl, 'dispatcher.xianlin'),
      scope: { jurisdiction: XIANLIN, accountId: null, role: 'dispatcher' },
    };
    const [shape] = await server.db.query<{ lon: number; lat: number; radius_m: number }>(streetShape, [XIANLIN]);
    areas = {
      'a 10,000-vertex area over 仙林街道': circle(shape.lon, shape.lat, shape.radius_m * 1.2, 10_000),
      'a 1,000-vertex area on its edge': circle(shape.lon + 0.02, shape.lat, shape.radius_m * 0.6, 1_000),
      'a 16-vertex area': circle(shape.lon, shape.lat - 0.005, shape.radius_m * 0.4, 16),
      'the whole globe': {
        type: 'Polygon',
        coordinates: [
          [
            [-180, -90],
            [180, -90],
            [180, 90],
            [-180, 90],
            [-180, -90],
          ],
        ],
      },
    };
  });
  afterAll(() => server?.close());

  const post = async (caller: string, geometry: unknown) => {
    const response = await fetch(`${server.baseUrl}/api/spatial/summary`, {
      method: 'POST',
      headers: { ...callers[caller].headers, 'content-type': 'application/json' },
      body: JSON.stringify({ geometry }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('counts what the plain reference counts, in each caller’s scope', async () => {
    for (const caller of ['city', 'xianlin']) {
      for (const [name, geometry] of Object.entries(areas)) {
        const { status, body } = await post(caller, geometry);
        expect(status, `${caller}: ${name}`).toBe(200);
        const [expected] = await server.db.queryInScope<Record<string, number>>(callers[caller].scope, reference, [JSON.stringify(geometry)]);
        expect(body, `${caller}: ${name}`).toMatchObject(expected);
        expect(body.areaM2 as number).toBeGreaterThan(0);
      }
    }
    const { body } = await post('city', areas['a 10,000-vertex area over 仙林街道']);
    expect(body.microGrids as number).toBeGreaterThan(500);
    expect(body.vertices).toBe(10_000);
  });

  it('refuses a self-crossing area with PostGIS’s reason, and counts nothing for it', async () => {
    // More than the 1,000 vertices the server checks itself: PostGIS finds the crossing.
    const ring = circle(118.92, 32.1, 800, 1_500).coordinates[0];
    [ring[10], ring[700]] = [ring[700], ring[10]];
    const { status, body } = await post('city', { type: 'Polygon', coordinates: [ring] });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      code: 'invalid_geometry',
      details: { reason: 'invalid_topology' },
      message: expect.stringMatching(/^PostGIS: .*intersection\[[\d.]+ [\d.]+\]$/i),
    });
  });
});
