/**
 * The public basemap tiles (the citizens' page's map) on every database mode: without an account, the OSM layers
 * only — the scoped layers asked for in the same address are left out, nothing of them is sent — and the same
 * bytes a signed-in user's basemap tile has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { decodeTile, getRaw } from '../../tests/support/tile-test-support.js';
import { tileContaining } from './tile-address.js';

const xianlinPoint = defineSql(
  'test.public_tiles_point',
  `SELECT ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat
     FROM accounts a JOIN workers w ON w.code = a.worker_code JOIN units m ON m.code = w.home_unit_code WHERE a.username = 'worker.xianlin'`,
);

describe.each(testDatabaseModes())('public basemap tiles on %s', (mode) => {
  let server: TestServer;
  let address: string;

  beforeAll(async () => {
    server = await startTestServer(mode);
    const [point] = await server.db.query<{ lon: number; lat: number }>(xianlinPoint);
    const { z, x, y } = tileContaining(point.lon, point.lat, 15);
    address = `${z}/${x}/${y}`;
  });
  afterAll(() => server.close());

  it('serves the OSM layers without an account and leaves every scoped layer out', async () => {
    const tile = await getRaw(`${server.baseUrl}/public/tiles/water,landuse,roads,unit_boundaries,micro_grids,unit_labels/${address}`);
    expect(tile.status).toBe(200);
    expect(tile.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(tile.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    const layers = decodeTile(tile.body);
    expect(layers.roads?.features.length).toBeGreaterThan(0);
    expect(Object.keys(layers).filter((l) => !['water', 'landuse', 'roads'].includes(l))).toEqual([]);
    // The very bytes of the signed-in basemap tile (the shared '*' cache).
    const dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    const signedIn = await getRaw(`${server.baseUrl}/tiles/water,landuse,roads/${address}`, dispatcher);
    expect(signedIn.headers.etag).toBe(tile.headers.etag);
  });

  it('answers 204 for scoped layers alone and 400 for an unknown layer', async () => {
    for (const layers of ['workers', 'cameras,sensors', 'micro_grids,unit_labels']) {
      expect((await getRaw(`${server.baseUrl}/public/tiles/${layers}/${address}`)).status, layers).toBe(204);
    }
    const unknown = await getRaw(`${server.baseUrl}/public/tiles/secrets/${address}`);
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
  });
});
