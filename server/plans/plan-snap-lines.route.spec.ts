/**
 * GET /api/plans/snap-lines on the seeded Xianlin subset, on every database mode: the roads and river banks the
 * planner's split and reshape tools snap to, near one community — road centre lines from road_edges and water
 * outlines, clipped to the community's box (grown by ~50 m); refused for a grid, an unknown code, bad input and
 * other roles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { callRoute } from '../../tests/support/api-answer.js';
import { snapLinesRoute } from './plans-contract.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';

/** The 仙林街道 community with the most road edges in its box, its box, and the road edges there (road_edges_geom_idx). */
const pickCommunity = defineSql(
  'test.snap.community',
  `SELECT k.code, ST_XMin(b.box) AS west, ST_XMax(b.box) AS east, ST_YMin(b.box) AS south, ST_YMax(b.box) AS north,
          (SELECT count(*) FROM road_edges r WHERE r.geom && b.box)::integer AS roads,
          (SELECT count(*) FROM osm_water w WHERE w.geom && b.box)::integer AS waters,
          (SELECT g.code FROM units g WHERE g.parent_code = k.code ORDER BY g.code LIMIT 1) AS grid
     FROM units k CROSS JOIN LATERAL (SELECT ST_Expand(k.geom, 0.0005) AS box) b
    WHERE k.level = 'community' AND k.street_code = '320113007'
    ORDER BY roads DESC, k.code LIMIT 1`,
);

describe.each(testDatabaseModes())('snap lines for the planner on %s', (mode) => {
  let server: TestServer;
  let planner: Record<string, string>;
  const get = (path: string, headers = planner) => callRoute(server.baseUrl, snapLinesRoute, path, headers);

  beforeAll(async () => {
    server = await startTestServer(mode);
    planner = await signIn(server.baseUrl, 'planner.city');
  });
  afterAll(() => server?.close());

  it('serves the roads and river banks of a community’s box, clipped to it', async () => {
    const [k] = await server.db.query<{
      code: string;
      west: number;
      east: number;
      south: number;
      north: number;
      roads: number;
      waters: number;
      grid: string;
    }>(pickCommunity);
    expect(k.roads, 'roads near a Xianlin community').toBeGreaterThan(0);
    const answer = await get(`/api/plans/snap-lines?community=${k.code}`);
    expect(answer.status).toBe(200);
    const features = answer.body.features;
    const roads = features.filter((f) => f.properties.kind === 'road');
    const waters = features.filter((f) => f.properties.kind === 'water');
    // A road edge only touching the box's corner can clip to nothing: nearly all of them are there.
    expect(roads.length).toBeGreaterThan(0);
    expect(roads.length).toBeLessThanOrEqual(k.roads);
    expect(waters.length).toBeLessThanOrEqual(k.waters);
    for (const f of features) {
      expect(f.geometry.type).toBe('MultiLineString');
      for (const [x, y] of f.geometry.coordinates.flat()) {
        expect(x).toBeGreaterThanOrEqual(k.west - 1e-7);
        expect(x).toBeLessThanOrEqual(k.east + 1e-7);
        expect(y).toBeGreaterThanOrEqual(k.south - 1e-7);
        expect(y).toBeLessThanOrEqual(k.north + 1e-7);
      }
    }
    expect(typeof roads[0].properties.class).toBe('string');

    expect((await get(`/api/plans/snap-lines?community=${k.grid}`)).body.code).toBe('unit_not_found');
    expect((await get('/api/plans/snap-lines?community=320102999999')).body.code).toBe('unit_not_found');
    expect((await get('/api/plans/snap-lines?community=abc')).body.code).toBe('invalid_query');
    const dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    expect((await get(`/api/plans/snap-lines?community=${k.code}`, dispatcher)).status).toBe(403);
  });
});
