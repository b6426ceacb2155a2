/**
 * /ogc on the seeded Xianlin database, in every database mode: documents, items, paging, bbox, single
 * features, and what the module must never publish. Expected numbers come from the database itself.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { screenTokenHeaders } from '../../tests/support/test-auth.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { defineSql } from '../db/database.js';
import { OGC_COLLECTIONS } from './ogc-collections.js';

interface Feature {
  type: string;
  id: string | number;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown>;
  links?: Link[];
}
interface Link {
  href: string;
  rel: string;
  type?: string;
}
interface Page {
  type: string;
  numberMatched: number;
  numberReturned: number;
  timeStamp: string;
  links: Link[];
  features: Feature[];
}

const countRows = (table: string, where = '') =>
  defineSql(`ogc_test.count_${table}_${where.replace(/\W+/g, '_')}`, `SELECT count(*)::int AS n FROM ${table} ${where}`);
const microGridCodes = defineSql('ogc_test.micro_grid_codes', `SELECT code FROM units WHERE level = 'micro_grid' ORDER BY code`);
const microGridExtent = defineSql(
  'ogc_test.micro_grid_extent',
  `SELECT ST_XMin(e) AS minx, ST_YMin(e) AS miny, ST_XMax(e) AS maxx, ST_YMax(e) AS maxy
     FROM (SELECT ST_Extent(geom) AS e FROM units WHERE level = 'micro_grid') s`,
);
const countIntersecting = defineSql(
  'ogc_test.count_intersecting',
  `SELECT count(*)::int AS n FROM units WHERE level = 'micro_grid' AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
);
const firstWorkerTime = defineSql(
  'ogc_test.worker_time',
  `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY last_position_at) AS t FROM workers WHERE last_position_at IS NOT NULL`,
);
const workersSince = defineSql('ogc_test.workers_since', `SELECT count(*)::int AS n FROM workers WHERE last_position_at >= $1`);

const UNIT_TABLE_LEVEL: Record<string, string> = {
  districts: 'district',
  streets: 'street',
  communities: 'community',
  grids: 'grid',
  micro_grids: 'micro_grid',
};

/** [minx, miny, maxx, maxy] of any GeoJSON coordinates. */
function boundsOf(coordinates: unknown): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  visit(coordinates);
  return b;
}

describe.each(testDatabaseModes())('OGC API – Features on %s', (mode) => {
  let server: TestServer;
  let auth: Record<string, string> = {};
  const get = async <T>(path: string) => {
    const response = await fetch(`${server.baseUrl}${path}`, { headers: auth });
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: (await response.json()) as T };
  };
  const count = async (table: string, where = '') => (await server.db.query<{ n: number }>(countRows(table, where)))[0].n;

  beforeAll(async () => {
    server = await startTestServer(mode);
    auth = await screenTokenHeaders(server.db);
  });
  afterAll(() => server?.close());

  it('serves a landing page whose absolute links lead to the API definition, conformance and collections', async () => {
    const landing = await get<{ links: Link[] }>('/ogc');
    expect(landing.status).toBe(200);
    expect(landing.type).toMatch(/^application\/json/);
    const byRel = Object.fromEntries(landing.body.links.map((l) => [l.rel, l]));
    expect(byRel.self.href).toBe(`${server.baseUrl}/ogc`);
    expect(byRel.data.href).toBe(`${server.baseUrl}/ogc/collections`);
    for (const rel of ['service-desc', 'conformance', 'data']) {
      const response = await fetch(byRel[rel].href, { headers: auth });
      expect(response.status, rel).toBe(200);
    }
    const api = await fetch(byRel['service-desc'].href, { headers: auth });
    expect(api.headers.get('content-type')).toMatch(/^application\/vnd\.oai\.openapi\+json; ?version=3\.0/);
    const conformance = await get<{ conformsTo: string[] }>('/ogc/conformance?f=json');
    expect(conformance.body.conformsTo).toEqual(
      expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      ]),
    );
  });

  it('builds links from the Host the client used', async () => {
    const { port } = new URL(server.baseUrl);
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/ogc', headers: { host: 'gridops.example:8443' } }, (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    const links = (JSON.parse(body) as { links: Link[] }).links;
    expect(links.every((l) => l.href.startsWith('http://gridops.example:8443/ogc'))).toBe(true);
  });

  it('lists every collection with a CRS84 extent that matches the data, and an items link', async () => {
    const { body, type } = await get<{
      collections: Array<{ id: string; description: string; extent: { spatial: { bbox: number[][]; crs: string } }; links: Link[] }>;
    }>('/ogc/collections');
    expect(type).toMatch(/^application\/json/);
    expect(body.collections.map((c) => c.id)).toEqual(OGC_COLLECTIONS.map((c) => c.id));
    const micro = body.collections.find((c) => c.id === 'micro_grids')!;
    const [e] = await server.db.query<{ minx: number; miny: number; maxx: number; maxy: number }>(microGridExtent);
    const [bbox] = micro.extent.spatial.bbox;
    [e.minx, e.miny, e.maxx, e.maxy].forEach((v, i) => expect(bbox[i]).toBeCloseTo(v, 6));
    expect(micro.extent.spatial.crs).toBe('http://www.opengis.net/def/crs/OGC/1.3/CRS84');
    expect(micro.description).toContain('GENERATED');
    expect(micro.links.find((l) => l.rel === 'items')).toEqual(
      expect.objectContaining({ href: `${server.baseUrl}/ogc/collections/micro_grids/items`, type: 'application/geo+json' }),
    );
    const one = await get<{ id: string }>('/ogc/collections/roads');
    expect(one.body.id).toBe('roads');
  });

  it.each(OGC_COLLECTIONS.map((c) => c.id))('pages %s as GeoJSON with numberMatched from the database', async (id) => {
    const c = OGC_COLLECTIONS.find((x) => x.id === id)!;
    const level = UNIT_TABLE_LEVEL[id];
    const expected = await count(c.table, level ? `WHERE level = '${level}'` : '');
    expect(expected).toBeGreaterThan(0);
    const page = await get<Page>(`/ogc/collections/${id}/items?limit=3`);
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^application\/geo\+json/);
    expect(page.body).toMatchObject({ type: 'FeatureCollection', numberMatched: expected, numberReturned: Math.min(3, expected) });
    expect(Date.parse(page.body.timeStamp)).not.toBeNaN();
    for (const f of page.body.features) {
      expect(f.type).toBe('Feature');
      expect(Object.keys(f.properties)).toEqual(c.properties.map((p) => p.name));
      expect(typeof f.id).toBe(c.idType === 'integer' ? 'number' : 'string');
      if (f.geometry) expect(f.geometry.type).toBe(c.geometryType);
    }
    expect(page.body.features.some((f) => f.geometry !== null)).toBe(true);
    const first = page.body.features[0];
    const single = await get<Feature>(`/ogc/collections/${id}/items/${encodeURIComponent(String(first.id))}`);
    expect(single.status).toBe(200);
    expect(single.type).toMatch(/^application\/geo\+json/);
    expect(single.body.properties).toEqual(first.properties);
    expect(single.body.links?.find((l) => l.rel === 'self')?.href).toBe(
      `${server.baseUrl}/ogc/collections/${id}/items/${encodeURIComponent(String(first.id))}`,
    );
  });

  it('walks every micro-grid exactly once by following next links, in primary-key order', async () => {
    const codes = (await server.db.query<{ code: string }>(microGridCodes)).map((r) => r.code);
    const limit = Math.max(1, Math.ceil(codes.length / 4));
    const seen: string[] = [];
    let url: string | undefined = `${server.baseUrl}/ogc/collections/micro_grids/items?limit=${limit}`;
    let pages = 0;
    while (url) {
      const page = (await (await fetch(url, { headers: auth })).json()) as Page;
      seen.push(...page.features.map((f) => String(f.id)));
      url = page.links.find((l) => l.rel === 'next')?.href;
      // Keyset pages: the next link carries a cursor, never an offset; numberMatched only on the first page.
      if (url) expect(url).toMatch(/[?&]cursor=[A-Za-z0-9_-]+/);
      if (pages > 0) expect(page.numberMatched).toBeUndefined();
      pages += 1;
      expect(pages).toBeLessThanOrEqual(5);
    }
    expect(seen).toEqual(codes);
    expect(pages).toBe(Math.ceil(codes.length / limit));
  });

  it('filters by bbox: exactly the micro-grids that intersect it', async () => {
    const [e] = await server.db.query<{ minx: number; miny: number; maxx: number; maxy: number }>(microGridExtent);
    // The south-west quarter of the micro-grids' extent.
    const bbox = [e.minx, e.miny, (e.minx + e.maxx) / 2, (e.miny + e.maxy) / 2];
    const [expected] = await server.db.query<{ n: number }>(countIntersecting, bbox);
    const total = await count('units', `WHERE level = 'micro_grid'`);
    expect(expected.n).toBeGreaterThan(0);
    expect(expected.n).toBeLessThan(total);
    const page = await get<Page>(`/ogc/collections/micro_grids/items?bbox=${bbox.join(',')}&limit=10000`);
    expect(page.body.numberMatched).toBe(expected.n);
    expect(page.body.numberReturned).toBe(expected.n);
    for (const f of page.body.features) {
      // Coordinates are rounded to 7 decimals: allow that much.
      const [minx, miny, maxx, maxy] = boundsOf(f.geometry?.coordinates);
      const eps = 1e-7;
      expect(minx <= bbox[2] + eps && maxx >= bbox[0] - eps && miny <= bbox[3] + eps && maxy >= bbox[1] - eps, String(f.id)).toBe(true);
    }
    expect(page.body.links.find((l) => l.rel === 'self')?.href).toContain(`bbox=${bbox.join(',')}`);
    const nowhere = await get<Page>('/ogc/collections/micro_grids/items?bbox=0,0,1,1');
    expect(nowhere.body).toMatchObject({ numberMatched: 0, numberReturned: 0, features: [] });
    expect(nowhere.body.links.some((l) => l.rel === 'next')).toBe(false);
  });

  it('filters workers by datetime on their last position time', async () => {
    const [{ t }] = await server.db.query<{ t: Date }>(firstWorkerTime);
    const since = new Date(t).toISOString();
    const [expected] = await server.db.query<{ n: number }>(workersSince, [since]);
    const page = await get<Page>(`/ogc/collections/workers/items?datetime=${since}/..&limit=1`);
    expect(page.status).toBe(200);
    expect(page.body.numberMatched).toBe(expected.n);
    expect(page.body.numberMatched).toBeLessThan(await count('workers'));
  });

  it('clamps a limit above 10,000 and pages past the end with an empty page', async () => {
    const total = await count('units', `WHERE level = 'micro_grid'`);
    const big = await get<Page>('/ogc/collections/micro_grids/items?limit=50000');
    expect(big.status).toBe(200);
    expect(big.body.numberReturned).toBe(Math.min(total, 10_000));
    expect(big.body.links.find((l) => l.rel === 'self')?.href).toContain('limit=10000');
    const past = await get<Page>(`/ogc/collections/micro_grids/items?offset=${total}`);
    expect(past.body).toMatchObject({ numberMatched: total, numberReturned: 0 });
    expect(past.body.links.some((l) => l.rel === 'next')).toBe(false);
  });

  it('never publishes worker names, phone numbers or camera stream URLs', async () => {
    const workers = await fetch(`${server.baseUrl}/ogc/collections/workers/items?limit=10000`, { headers: auth });
    const text = await workers.text();
    expect(text).not.toMatch(/"name"|"phone"/);
    const cameras = await fetch(`${server.baseUrl}/ogc/collections/cameras/items?limit=10000`, { headers: auth });
    expect(await cameras.text()).not.toMatch(/stream/);
  });
});
