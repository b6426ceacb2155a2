/**
 * OGC API – Features Parts 2 and 3 and the new collections on the seeded Xianlin database, in every database
 * mode: CQL2 filters (text and JSON) against SQL counts, queryables, crs / bbox-crs / Content-Crs, ETag and
 * 304, f=html, the incidents collection (no personal data, scoped to the caller's jurisdiction) and the
 * cameras' fields of view. Expected numbers come from the database itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { screenTokenHeaders } from '../../tests/support/test-auth.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { defineSql } from '../db/database.js';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';

interface Page {
  numberMatched?: number;
  numberReturned: number;
  links: Array<{ rel: string; href: string; type?: string }>;
  features: Array<{ id: string | number; geometry: { type: string; coordinates: number[] } | null; properties: Record<string, unknown> }>;
}

const incidentFacts = defineSql(
  'ogc_test.incident_facts',
  `SELECT count(*)::int AS total,
          count(*) FILTER (WHERE grade IN ('red', 'orange'))::int AS red_orange,
          count(*) FILTER (WHERE grade IN ('red', 'orange') AND reported_at >= $1::timestamptz)::int AS red_orange_since,
          count(*) FILTER (WHERE closed_at IS NULL)::int AS open_rows,
          percentile_disc(0.5) WITHIN GROUP (ORDER BY reported_at) AS median_reported
     FROM incidents`,
);
const incidentsSince = defineSql('ogc_test.incidents_since', `SELECT count(*)::int AS n FROM incidents WHERE reported_at >= $1::timestamptz`);
const busiestCommunity = defineSql(
  'ogc_test.busiest_community',
  `SELECT community_code AS code, count(*)::int AS n FROM incidents GROUP BY community_code ORDER BY n DESC, code LIMIT 1`,
);
const microGridSample = defineSql(
  'ogc_test.micro_grid_sample',
  `SELECT code, parent_code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat,
          ST_X(ST_Transform(ST_PointOnSurface(geom), 3857)) AS mx, ST_Y(ST_Transform(ST_PointOnSurface(geom), 3857)) AS my
     FROM units WHERE level = 'micro_grid' ORDER BY code LIMIT 1`,
);
const countMicroGrids = defineSql('ogc_test.count_mg_parent', `SELECT count(*)::int AS n FROM units WHERE level = 'micro_grid' AND parent_code = $1`);
const containing = defineSql(
  'ogc_test.mg_containing',
  `SELECT count(*)::int AS n FROM units WHERE level = 'micro_grid' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
);
const firstStreet = defineSql(
  'ogc_test.first_street',
  `SELECT code, ST_XMin(geom) AS minx, ST_YMin(geom) AS miny, ST_XMax(geom) AS maxx, ST_YMax(geom) AS maxy FROM units WHERE level = 'street' ORDER BY code LIMIT 1`,
);
const cameraFov = defineSql('ogc_test.camera_fov', `SELECT code, ST_NPoints(fov) AS n FROM cameras ORDER BY id LIMIT 1`);
const hideHouseholds = defineSql('ogc_test.hide_households', `UPDATE units SET households = -1 WHERE code = $1`);
const countWithHouseholds = defineSql(
  'ogc_test.count_with_households',
  `SELECT count(*)::int AS n FROM units WHERE level = 'micro_grid' AND parent_code = $1 AND households >= 0`,
);
const srid4490 = defineSql('ogc_test.srid_4490', `SELECT count(*)::int AS n FROM spatial_ref_sys WHERE srid IN (4490, 3857)`);

describe.each(testDatabaseModes())('OGC filters, CRS, caching and incidents on %s', (mode) => {
  let server: TestServer;
  let auth: Record<string, string> = {};
  const items = async (collection: string, query: Record<string, string>, headers = auth) => {
    const response = await fetch(`${server.baseUrl}/ogc/collections/${collection}/items?${new URLSearchParams(query)}`, { headers });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined) as Page & {
        code?: string;
        message?: string;
        details?: { position?: unknown };
      },
    };
  };

  beforeAll(async () => {
    server = await startTestServer(mode);
    auth = await screenTokenHeaders(server.db);
  });
  afterAll(() => server?.close());

  it('has CGCS2000 and Web Mercator in spatial_ref_sys', async () => {
    expect((await server.db.query<{ n: number }>(srid4490))[0].n).toBe(2);
  });

  it('filters incidents with CQL2 text and JSON exactly as SQL counts them', async () => {
    const [facts] = await server.db.query<{ total: number; red_orange: number; median_reported: Date }>(incidentFacts, ['2000-01-01T00:00:00Z']);
    expect(facts.total).toBeGreaterThan(0);
    const since = new Date(facts.median_reported).toISOString();
    const [expectedSince] = await server.db.query<{ red_orange_since: number }>(incidentFacts, [since]);
    const text = await items('incidents', { filter: `grade IN ('red','orange') AND reported_at >= TIMESTAMP('${since}')`, limit: '1' });
    expect(text.status).toBe(200);
    expect(text.body.numberMatched).toBe(expectedSince.red_orange_since);
    const json = await items('incidents', {
      'filter-lang': 'cql2-json',
      filter: JSON.stringify({
        op: 'and',
        args: [
          { op: 'in', args: [{ property: 'grade' }, ['red', 'orange']] },
          { op: 't_after', args: [{ property: 'reported_at' }, { timestamp: since }] },
        ],
      }),
      limit: '1',
    });
    // t_after is strict; >= includes the median itself.
    expect(json.body.numberMatched).toBeLessThanOrEqual(expectedSince.red_orange_since);
    expect(json.body.numberMatched).toBeGreaterThan(0);
    const all = await items('incidents', { filter: "grade IN ('red','orange')", limit: '10000' });
    expect(all.body.numberMatched).toBe(facts.red_orange);
    expect(all.body.features.every((f) => ['red', 'orange'].includes(String(f.properties.grade)))).toBe(true);
    const [{ n }] = await server.db.query<{ n: number }>(incidentsSince, [since]);
    expect((await items('incidents', { datetime: `${since}/..`, limit: '1' })).body.numberMatched).toBe(n);
  });

  it('filters micro-grids by an indexed property, LIKE and a point in CRS84', async () => {
    const [mg] = await server.db.query<{ code: string; parent_code: string; lon: number; lat: number }>(microGridSample);
    const [{ n }] = await server.db.query<{ n: number }>(countMicroGrids, [mg.parent_code]);
    expect((await items('micro_grids', { filter: `parent_code = '${mg.parent_code}'` })).body.numberMatched).toBe(n);
    expect((await items('micro_grids', { filter: `code LIKE '${mg.code.slice(0, -2)}%'` })).body.numberMatched).toBeGreaterThanOrEqual(1);
    const [{ n: hits }] = await server.db.query<{ n: number }>(containing, [mg.lon, mg.lat]);
    const point = await items('micro_grids', { filter: `S_INTERSECTS(geometry, POINT(${mg.lon} ${mg.lat}))` });
    expect(point.body.numberMatched).toBe(hits);
    expect(point.body.features.map((f) => f.id)).toContain(mg.code);
  });

  it('answers a faulty filter with 400, a stable code and the position', async () => {
    const syntax = await items('incidents', { filter: "grade IN ('red' AND" });
    expect(syntax.status).toBe(400);
    expect(syntax.body).toMatchObject({ code: 'invalid_filter', details: { position: 17 } });
    expect(syntax.body.message).toContain('position 17');
    const unknown = await items('incidents', { filter: "reporter_phone = '1'" });
    expect(unknown.body).toMatchObject({ code: 'unknown_queryable', details: { position: 1 } });
    const deep = await items('incidents', { filter: `${'NOT '.repeat(100)}grade = 'red'` });
    expect(deep.body.code).toBe('filter_too_complex');
    const lang = await items('incidents', { filter: 'x', 'filter-lang': 'ecql' });
    expect(lang.body.code).toBe('unsupported_filter_lang');
    // Never a database message or stack.
    expect(syntax.text).not.toMatch(/postgres|SQL|at .*\.ts/i);
  });

  it('serves queryables as JSON Schema and links them from the collection', async () => {
    const response = await fetch(`${server.baseUrl}/ogc/collections/incidents/queryables`, { headers: auth });
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { properties: Record<string, { type?: string; format?: string }> };
    expect(doc.properties.grade).toMatchObject({ type: 'string' });
    expect(doc.properties.reported_at).toMatchObject({ type: 'string', format: 'date-time' });
    expect(Object.keys(doc.properties)).not.toContain('description');
    const collection = (await (await fetch(`${server.baseUrl}/ogc/collections/incidents`, { headers: auth })).json()) as {
      links: Array<{ rel: string; href: string }>;
      crs: string[];
      storageCrs: string;
    };
    expect(collection.links.find((l) => l.rel === 'queryables')?.href).toBe(`${server.baseUrl}/ogc/collections/incidents/queryables`);
    expect(collection.crs).toContain('http://www.opengis.net/def/crs/EPSG/0/4490');
    expect(collection.storageCrs).toBe('http://www.opengis.net/def/crs/OGC/1.3/CRS84');
  });

  it('answers in CGCS2000 (latitude first) and Web Mercator, and reads bbox in them', async () => {
    const [mg] = await server.db.query<{ code: string; lon: number; lat: number; mx: number; my: number }>(microGridSample);
    const [street] = await server.db.query<{ code: string; minx: number; miny: number; maxx: number; maxy: number }>(firstStreet);
    const cgcs = await fetch(`${server.baseUrl}/ogc/collections/streets/items/${street.code}?crs=http://www.opengis.net/def/crs/EPSG/0/4490`, {
      headers: auth,
    });
    expect(cgcs.headers.get('content-crs')).toBe('<http://www.opengis.net/def/crs/EPSG/0/4490>');
    const feature = (await cgcs.json()) as { geometry: { coordinates: number[][][][] } };
    const [lat, lon] = feature.geometry.coordinates[0][0][0];
    expect(lat).toBeGreaterThanOrEqual(street.miny - 1e-6);
    expect(lat).toBeLessThanOrEqual(street.maxy + 1e-6);
    expect(lon).toBeGreaterThanOrEqual(street.minx - 1e-6);
    const plain = await items('micro_grids', { limit: '1' });
    expect(plain.headers.get('content-crs')).toBe('<http://www.opengis.net/def/crs/OGC/1.3/CRS84>');
    // A bbox around the sample point, given latitude first in EPSG:4490 and in metres in EPSG:3857, finds it.
    const d = 1e-5;
    const inCgcs = await items('micro_grids', {
      bbox: [mg.lat - d, mg.lon - d, mg.lat + d, mg.lon + d].join(','),
      'bbox-crs': 'http://www.opengis.net/def/crs/EPSG/0/4490',
    });
    expect(inCgcs.body.features.map((f) => f.id)).toContain(mg.code);
    const m = 1;
    const inMercator = await items('micro_grids', {
      bbox: [mg.mx - m, mg.my - m, mg.mx + m, mg.my + m].join(','),
      'bbox-crs': 'http://www.opengis.net/def/crs/EPSG/0/3857',
      crs: 'http://www.opengis.net/def/crs/EPSG/0/3857',
    });
    expect(inMercator.body.features.map((f) => f.id)).toContain(mg.code);
    expect(inMercator.headers.get('content-crs')).toBe('<http://www.opengis.net/def/crs/EPSG/0/3857>');
    const x = (inMercator.body.features[0].geometry as unknown as { coordinates: number[][][][] }).coordinates[0][0][0][0];
    expect(Math.abs(x)).toBeGreaterThan(1e7);
    expect((await items('micro_grids', { crs: 'EPSG:2000' })).body.code).toBe('unsupported_crs');
  });

  it('sends an ETag and answers 304 when the page has not changed', async () => {
    const first = await items('micro_grids', { limit: '5' });
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const again = await fetch(`${server.baseUrl}/ogc/collections/micro_grids/items?limit=5`, { headers: { ...auth, 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const other = await fetch(`${server.baseUrl}/ogc/collections/micro_grids/items?limit=6`, { headers: { ...auth, 'If-None-Match': etag! } });
    expect(other.status).toBe(200);
    const landing = await fetch(`${server.baseUrl}/ogc`);
    expect(landing.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('renders landing, collections and items as escaped HTML', async () => {
    for (const path of [
      '/ogc?f=html',
      '/ogc/collections?f=html',
      '/ogc/collections/incidents?f=html',
      '/ogc/collections/incidents/items?f=html&limit=3',
    ]) {
      const response = await fetch(`${server.baseUrl}${path}`, { headers: auth });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(/^text\/html/);
      const html = await response.text();
      expect(html, path).toMatch(/^<!doctype html>/);
      expect(html, path).not.toMatch(/<script/i);
    }
    const page = await (await fetch(`${server.baseUrl}/ogc/collections/micro_grids/items?f=html&limit=2`, { headers: auth })).text();
    expect(page).toContain('<table>');
    expect(page).toMatch(/rel="next"/);
    // The filter text (with quotes and angle brackets) comes back only escaped.
    const hostile = await (
      await fetch(`${server.baseUrl}/ogc/collections/incidents/items?f=html&filter=${encodeURIComponent("category = '<b>x</b>'")}`, { headers: auth })
    ).text();
    expect(hostile).not.toContain('<b>x</b>');
  });

  it('publishes incidents without personal data, only in the caller’s jurisdiction', async () => {
    const everything = await items('incidents', { limit: '10000' });
    expect(everything.text).not.toMatch(/reporter|phone|"description"|"address"/);
    const [community] = await server.db.query<{ code: string; n: number }>(busiestCommunity);
    const scoped = await screenTokenHeaders(server.db, community.code);
    const mine = await items('incidents', { limit: '10000' }, scoped);
    expect(mine.body.numberMatched).toBe(community.n);
    expect(mine.body.features.every((f) => f.properties.community_code === community.code)).toBe(true);
    expect(mine.body.numberMatched).toBeLessThan(everything.body.numberMatched!);
    // A filter cannot reach past row-level security.
    const other = await items('incidents', { filter: `community_code <> '${community.code}'` }, scoped);
    expect(other.body.numberMatched).toBe(0);
  });

  it('serves cameras’ fields of view as polygons', async () => {
    const [camera] = await server.db.query<{ code: string; n: number }>(cameraFov);
    const response = await fetch(`${server.baseUrl}/ogc/collections/camera_views/items/${camera.code}`, { headers: auth });
    const feature = (await response.json()) as { geometry: { type: string; coordinates: number[][][] }; properties: Record<string, unknown> };
    expect(feature.geometry.type).toBe('Polygon');
    expect(feature.geometry.coordinates[0]).toHaveLength(camera.n);
    expect(feature.properties).toHaveProperty('ptz');
  });

  it('pages deep by cursor with the same features as offset paging', async () => {
    const byOffset = await items('micro_grids', { offset: '200', limit: '5' });
    const walk = await items('micro_grids', { limit: '200' });
    const next = walk.body.links.find((l) => l.rel === 'next')!.href;
    const byCursor = (await (await fetch(next.replace('limit=200', 'limit=5'), { headers: auth })).json()) as Page;
    expect(byCursor.features.map((f) => f.id)).toEqual(byOffset.body.features.map((f) => f.id));
    const forged = await items('roads', { cursor: Buffer.from('abc').toString('base64url') });
    expect(forged.body.code).toBe('invalid_cursor');
  });

  it('keeps numberMatched exact after the units change (the cached count follows the table revision)', async () => {
    const [mg] = await server.db.query<{ code: string; parent_code: string }>(microGridSample);
    const filter = { filter: `parent_code = '${mg.parent_code}' AND households >= 0`, limit: '1' };
    const before = (await items('micro_grids', filter)).body.numberMatched!;
    expect((await items('micro_grids', filter)).body.numberMatched).toBe(before);
    await server.db.query(hideHouseholds, [mg.code]);
    const [{ n }] = await server.db.query<{ n: number }>(countWithHouseholds, [mg.parent_code]);
    expect(n).toBe(before - 1);
    expect((await items('micro_grids', filter)).body.numberMatched).toBe(n);
  });

  it('serves the console style as a valid MapLibre style whose tiles the same token reads', async () => {
    for (const theme of ['light', 'dark']) {
      const response = await fetch(`${server.baseUrl}/ogc/styles/console?theme=${theme}`, { headers: auth });
      expect(response.status).toBe(200);
      const style = (await response.json()) as { version: number; sources: Record<string, { tiles: string[] }>; layers: Array<{ id: string }> };
      expect(validateStyleMin(style as never)).toEqual([]);
      expect(style.layers.map((l) => l.id)).toEqual(expect.arrayContaining(['background', 'basemap-water', 'units-boundaries-line']));
      const template = style.sources.units.tiles[0];
      expect(template.startsWith(`${server.baseUrl}/tiles/`)).toBe(true);
      const tile = await fetch(template.replace('{z}', '12').replace('{x}', '3400').replace('{y}', '1662'), { headers: auth });
      expect(tile.status).toBe(200);
    }
    expect((await fetch(`${server.baseUrl}/ogc/styles/console?theme=pink`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${server.baseUrl}/ogc/styles/console`)).status).toBe(401);
  });
});
