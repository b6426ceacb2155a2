/**
 * The tiles API over HTTP on every database mode: status codes, headers, cache, jurisdiction, TileJSON.
 * What the tiles contain is checked in tiles-content.spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_SCREEN_TOKEN } from '../auth/bootstrap-accounts.js';
import { defineSql } from '../db/database.js';
import { screenTokenHeaders, signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { REVISION_MAX_AGE_MS } from './layer-revisions.js';
import { tileContaining } from './tile-address.js';
import { tileCacheOf } from './tile-cache.js';
import { TILE_ATTRIBUTION, TILE_LAYER_NAMES, UNSCOPED_TABLES } from './tile-layers.js';
import { decodeTile, getRaw } from '../../tests/support/tile-test-support.js';

const XIANLIN = tileContaining(118.93, 32.105, 14);
const MICRO_GRIDS = `/tiles/micro_grids/${XIANLIN.z}/${XIANLIN.x}/${XIANLIN.y}`;

const rowSecurity = defineSql(
  'test.tiles.row_security',
  `SELECT relname, relrowsecurity FROM pg_class WHERE relname = ANY ($1::text[]) AND relkind = 'r' ORDER BY relname`,
);

/** What a device platform does outside this server: a camera goes offline (or online again). */
const toggleCamera = defineSql('test.tiles.toggle_camera', `UPDATE cameras SET online = NOT online WHERE code = $1`);

describe.each(testDatabaseModes())('tiles API on %s', (mode) => {
  let server: TestServer;
  let city: Record<string, string>;
  const get = (path: string, headers: Record<string, string> = city) => getRaw(`${server.baseUrl}${path}`, headers);
  const codesOf = (body: Buffer, layer: string) => (decodeTile(body)[layer]?.features ?? []).map((f) => String(f.properties.code));

  beforeAll(async () => {
    server = await startTestServer(mode);
    city = await signIn(server.baseUrl, 'dispatcher.city');
  });
  afterAll(() => server.close());

  it('serves a gzip-compressed MVT with private caching headers and an ETag', async () => {
    const res = await get(MICRO_GRIDS);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['cache-control']).toBe('private, max-age=60');
    expect(res.headers.vary).toContain('Authorization');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect([...res.body.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(codesOf(res.body, 'micro_grids').length).toBeGreaterThan(20);
  });

  it('serves a cached tile again, answers 304 to its ETag, and renders anew after bumpLayerVersion', async () => {
    const first = await get(MICRO_GRIDS);
    const again = await get(MICRO_GRIDS);
    expect(again.headers['x-tile-cache']).toBe('hit');
    expect(again.headers.etag).toBe(first.headers.etag);
    const notModified = await get(MICRO_GRIDS, { ...city, 'if-none-match': String(first.headers.etag) });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    tileCacheOf(server.db).bumpLayerVersion('micro_grids');
    const fresh = await get(MICRO_GRIDS);
    expect(fresh.headers['x-tile-cache']).toBe('miss');
    expect(fresh.headers.etag).toBe(first.headers.etag);
    // Another layer's tiles stay cached.
    await get(`/tiles/roads/${XIANLIN.z}/${XIANLIN.x}/${XIANLIN.y}`);
    tileCacheOf(server.db).bumpLayerVersion('micro_grids');
    expect((await get(`/tiles/roads/${XIANLIN.z}/${XIANLIN.x}/${XIANLIN.y}`)).headers['x-tile-cache']).toBe('hit');
  });

  it('keeps camera and sensor tiles until their data changes in the database, then keys them anew', async () => {
    const { x, y, z } = XIANLIN;
    const devices = `/tiles/cameras,sensors/${z}/${x}/${y}`;
    const onlineOf = (body: Buffer) =>
      new Map((decodeTile(body).cameras?.features ?? []).map((f) => [String(f.properties.code), f.properties.online]));
    const first = await get(devices);
    await get(`/tiles/sensors/${z}/${x}/${y}`);
    const [code, online] = [...onlineOf(first.body)][0];
    expect(typeof online).toBe('boolean');
    expect((await get(devices)).headers['x-tile-cache']).toBe('hit');

    // What a device platform does, outside this server: the trigger bumps the cameras' revision.
    await server.db.query(toggleCamera, [code]);
    await new Promise((resolve) => setTimeout(resolve, REVISION_MAX_AGE_MS + 100));
    // A new key: the tile of the previous revision, seconds old, is answered at once while it is young
    // (tile-cache.spec.ts: when the new one is rendered); a tile not cached yet is drawn with the new state.
    const changed = await get(devices);
    expect(changed.headers['x-tile-cache']).toBe('stale');
    expect(changed.headers.etag).toBe(first.headers.etag);
    const camerasOnly = await get(`/tiles/cameras/${z}/${x}/${y}`);
    expect(camerasOnly.headers['x-tile-cache']).toBe('miss');
    expect(onlineOf(camerasOnly.body).get(code)).toBe(!online);
    // The sensors did not change: their tile is still the cached one.
    expect((await get(`/tiles/sensors/${z}/${x}/${y}`)).headers['x-tile-cache']).toBe('hit');
  });

  it('answers 204 for an empty tile far away and for a layer outside its zoom range', async () => {
    const beijing = tileContaining(116.397, 39.909, 14);
    for (const path of [
      `/tiles/micro_grids/14/${beijing.x}/${beijing.y}`,
      `/tiles/micro_grids,grids,roads/14/${beijing.x}/${beijing.y}`,
      `/tiles/micro_grids/13/${XIANLIN.x >> 1}/${XIANLIN.y >> 1}`,
      `/tiles/landuse/9/${XIANLIN.x >> 5}/${XIANLIN.y >> 5}`,
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(204);
      expect(res.body.length, path).toBe(0);
      expect(res.headers['content-encoding'], path).toBeUndefined();
    }
  });

  it('answers 400 for a bad z/x/y, 404 for an unknown layer, 401 without signing in', async () => {
    const cases: [string, number, string][] = [
      ['/tiles/micro_grids/23/0/0', 400, 'invalid_tile_zoom'],
      ['/tiles/micro_grids/1.5/0/0', 400, 'invalid_tile_zoom'],
      ['/tiles/micro_grids/-1/0/0', 400, 'invalid_tile_zoom'],
      ['/tiles/micro_grids/3/8/0', 400, 'invalid_tile_coordinates'],
      ['/tiles/micro_grids/3/0/8', 400, 'invalid_tile_coordinates'],
      ['/tiles/micro_grids/14/x/1', 400, 'invalid_tile_coordinates'],
      ['/tiles/micro_grids/14/1/1.0', 400, 'invalid_tile_coordinates'],
      ['/tiles/units/14/1/1', 404, 'unknown_tile_layer'],
      ['/tiles/micro_grids,pg_user/14/1/1', 404, 'unknown_tile_layer'],
      ['/tiles/roads,roads/14/1/1', 400, 'duplicate_tile_layer'],
    ];
    for (const [path, status, code] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      expect(JSON.parse(res.body.toString()).code, path).toBe(code);
    }
    const anonymous = await get(MICRO_GRIDS, {});
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body.toString()).code).toBe('authentication_required');
    expect((await get('/tiles/tilejson.json', {})).status).toBe(401);
  });

  it('shows each jurisdiction only its own units, workers, cameras and sensors', async () => {
    await get(MICRO_GRIDS); // cached for the city: another jurisdiction must not get this entry
    const xuanwu = await screenTokenHeaders(server.db, '320102');
    const xianlin = { authorization: `Bearer ${DEVELOPMENT_SCREEN_TOKEN}` };
    const scopedLayers = 'districts,streets,communities,grids,micro_grids,unit_labels,cameras,sensors,workers';
    const outside = await get(`/tiles/${scopedLayers}/${XIANLIN.z}/${XIANLIN.x}/${XIANLIN.y}`, xuanwu);
    expect(outside.status).toBe(204);
    const inside = await get(`/tiles/${scopedLayers}/${XIANLIN.z}/${XIANLIN.x}/${XIANLIN.y}`, xianlin);
    expect(inside.status).toBe(200);
    const layers = decodeTile(inside.body);
    expect(layers.micro_grids.features.length).toBeGreaterThan(20);
    expect(Object.keys(layers)).toEqual(expect.arrayContaining(['districts', 'streets', 'micro_grids', 'cameras', 'workers']));
    for (const name of ['districts', 'streets', 'communities', 'grids', 'micro_grids', 'unit_labels']) {
      for (const feature of layers[name]?.features ?? []) {
        const code = String(feature.properties.code);
        // Its own subtree, or an ancestor (the district) for the names of its chain.
        expect(code === '320113' || code.startsWith('320113007'), `${name} ${code}`).toBe(true);
      }
    }
    // A Xuanwu screen sees Xuanwu's district at z9 and nothing of Qixia.
    const nanjing = tileContaining(118.8, 32.05, 9);
    const districts = await get(`/tiles/districts/9/${nanjing.x}/${nanjing.y}`, xuanwu);
    expect(codesOf(districts.body, 'districts')).toEqual(['320102']);
  });

  it('shares basemap tiles between jurisdictions only because their tables have no row-level security', async () => {
    const rows = await server.db.query<{ relname: string; relrowsecurity: boolean }>(rowSecurity, [
      [...UNSCOPED_TABLES, 'units', 'workers', 'cameras', 'sensors'],
    ]);
    const secured = Object.fromEntries(rows.map((r) => [r.relname, r.relrowsecurity]));
    expect(secured).toEqual({ cameras: true, osm_landuse: false, osm_water: false, road_edges: false, sensors: true, units: true, workers: true });
    const path = `/tiles/water,roads/${XIANLIN.z}/${XIANLIN.x}/${XIANLIN.y}`;
    await get(path);
    const other = await get(path, { authorization: `Bearer ${DEVELOPMENT_SCREEN_TOKEN}` });
    expect(other.headers['x-tile-cache']).toBe('hit');
  });

  it('describes the layers in TileJSON 3.0.0 with the attribution and the jurisdiction’s bounds', async () => {
    const res = await fetch(`${server.baseUrl}/tiles/tilejson.json`, { headers: city });
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc).toMatchObject({ tilejson: '3.0.0', attribution: TILE_ATTRIBUTION, scheme: 'xyz', minzoom: 0, maxzoom: 14 });
    expect(TILE_ATTRIBUTION).toBe('© OpenStreetMap contributors · 行政区边界：高德 / poi86.com · 街道以下边界为生成数据');
    expect(doc.tiles).toEqual([`${server.baseUrl}/tiles/${TILE_LAYER_NAMES.join(',')}/{z}/{x}/{y}`]);
    expect(doc.vector_layers.map((l: { id: string }) => l.id)).toEqual([...TILE_LAYER_NAMES]);
    const microGrids = doc.vector_layers.find((l: { id: string }) => l.id === 'micro_grids');
    expect(microGrids).toMatchObject({ minzoom: 14, maxzoom: 14, fields: { code: 'String', households: 'Number', generated: 'Boolean' } });
    const [west, south, east, north] = doc.bounds;
    expect(west < 118.93 && east > 118.93 && south < 32.105 && north > 32.105).toBe(true);
    // No BASEMAP_URL configured: the map draws the offline basemap.
    expect(doc['gridops:basemap']).toBeNull();

    const xianlin = await (
      await fetch(`${server.baseUrl}/tiles/tilejson.json?layers=micro_grids,roads`, {
        headers: { authorization: `Bearer ${DEVELOPMENT_SCREEN_TOKEN}` },
      })
    ).json();
    expect(xianlin.vector_layers.map((l: { id: string }) => l.id)).toEqual(['micro_grids', 'roads']);
    expect(xianlin.minzoom).toBe(8);
    expect(xianlin.bounds[2] - xianlin.bounds[0]).toBeLessThan(east - west);
    const template = xianlin.tiles[0].replace('{z}', String(XIANLIN.z)).replace('{x}', String(XIANLIN.x)).replace('{y}', String(XIANLIN.y));
    const tile = await getRaw(template, { authorization: `Bearer ${DEVELOPMENT_SCREEN_TOKEN}` });
    expect(tile.status).toBe(200);
    expect(Object.keys(decodeTile(tile.body)).sort()).toEqual(['micro_grids', 'roads']);

    expect((await fetch(`${server.baseUrl}/tiles/tilejson.json?layers=bogus`, { headers: city })).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/tiles/tilejson.json?format=x`, { headers: city })).status).toBe(400);
  });
});
