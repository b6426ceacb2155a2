/**
 * The conformance walk: every class /ogc/conformance claims has a check here that exercises it against the
 * running server, and a claimed class without a check fails the test. In every database mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { screenTokenHeaders } from '../../tests/support/test-auth.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';

type Get = (path: string, headers?: Record<string, string>) => Promise<Response>;
interface Page {
  type: string;
  numberReturned: number;
  features: Array<{ id: unknown; properties: Record<string, unknown>; geometry: { coordinates: unknown } | null }>;
  links: Array<{ rel: string; href: string }>;
}

const CORE = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/';
const CQL2 = 'http://www.opengis.net/spec/cql2/1.0/conf/';
const PART3 = 'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/';

const json = async <T>(response: Response): Promise<T> => {
  expect(response.status, response.url).toBe(200);
  return (await response.json()) as T;
};
const filtered = (get: Get, collection: string, filter: string, lang = 'cql2-text') =>
  get(`/ogc/collections/${collection}/items?limit=50&filter-lang=${lang}&filter=${encodeURIComponent(filter)}`).then((r) => json<Page>(r));

const CHECKS: Record<string, (get: Get) => Promise<void>> = {
  [`${CORE}core`]: async (get) => {
    const landing = await json<{ links: Array<{ rel: string }> }>(await get('/ogc'));
    expect(landing.links.map((l) => l.rel)).toEqual(expect.arrayContaining(['self', 'service-desc', 'conformance', 'data']));
    const page = await json<Page>(await get('/ogc/collections/grids/items?limit=2'));
    expect(page.numberReturned).toBe(2);
    expect(page.links.some((l) => l.rel === 'next')).toBe(true);
    expect((await get('/ogc/collections/nope/items')).status).toBe(404);
  },
  [`${CORE}geojson`]: async (get) => {
    const response = await get('/ogc/collections/roads/items?limit=1');
    expect(response.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect((await json<Page>(response)).type).toBe('FeatureCollection');
  },
  [`${CORE}html`]: async (get) => {
    const response = await get('/ogc/collections/grids/items?f=html&limit=2');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/<table>/);
  },
  [`${CORE}oas30`]: async (get) => {
    const api = await json<{ openapi: string; paths: Record<string, unknown> }>(await get('/ogc/api'));
    expect(api.openapi).toMatch(/^3\.0\./);
    expect(Object.keys(api.paths)).toContain('/collections/micro_grids/items');
  },
  ['http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs']: async (get) => {
    const collection = await json<{ crs: string[]; storageCrs: string }>(await get('/ogc/collections/grids'));
    expect(collection.crs).toContain('http://www.opengis.net/def/crs/EPSG/0/3857');
    const response = await get('/ogc/collections/grids/items?limit=1&crs=http://www.opengis.net/def/crs/EPSG/0/3857');
    expect(response.headers.get('content-crs')).toBe('<http://www.opengis.net/def/crs/EPSG/0/3857>');
  },
  [`${PART3}queryables`]: async (get) => {
    const q = await json<{ properties: Record<string, unknown> }>(await get('/ogc/collections/grids/queryables'));
    expect(Object.keys(q.properties)).toEqual(expect.arrayContaining(['geometry', 'code', 'households']));
  },
  [`${PART3}filter`]: async (get) => {
    expect((await filtered(get, 'grids', 'households > 0')).numberReturned).toBeGreaterThan(0);
  },
  [`${PART3}features-filter`]: async (get) => {
    const page = await filtered(get, 'grids', 'households < 0');
    expect(page.numberReturned).toBe(0);
  },
  [`${CQL2}cql2-text`]: async (get) => {
    const all = await filtered(get, 'grids', "kind = 'comprehensive' OR NOT kind = 'comprehensive'");
    expect(all.numberReturned).toBeGreaterThan(0);
  },
  [`${CQL2}cql2-json`]: async (get) => {
    const page = await filtered(get, 'grids', JSON.stringify({ op: '>=', args: [{ property: 'households' }, 0] }), 'cql2-json');
    expect(page.numberReturned).toBeGreaterThan(0);
  },
  [`${CQL2}basic-cql2`]: async (get) => {
    const page = await filtered(get, 'incidents', "grade = 'red' AND closed_at IS NULL OR grade <> 'red'");
    expect(page.features.every((f) => f.properties.grade !== 'red' || f.properties.closed_at === null)).toBe(true);
  },
  [`${CQL2}advanced-comparison-operators`]: async (get) => {
    const page = await filtered(
      get,
      'grids',
      "households BETWEEN 1 AND 100000 AND code LIKE '3201%' AND kind IN ('comprehensive_grid', 'dedicated_grid')",
    );
    expect(page.numberReturned).toBeGreaterThan(0);
    expect(page.features.every((f) => String(f.properties.code).startsWith('3201'))).toBe(true);
  },
  [`${CQL2}basic-spatial-functions`]: async (get) => {
    const page = await json<Page>(await get('/ogc/collections/grids/items?limit=1'));
    const first = (page.features[0].geometry!.coordinates as number[][][][])[0][0][0];
    // A vertex is rounded to 7 decimals in GeoJSON: a box of ±1e-6° around it surely touches the grid.
    const [x, y] = first;
    const hit = await filtered(get, 'grids', `S_INTERSECTS(geometry, BBOX(${x - 1e-6}, ${y - 1e-6}, ${x + 1e-6}, ${y + 1e-6}))`);
    expect(hit.features.map((f) => f.id)).toContain(page.features[0].id);
  },
};

describe.each(testDatabaseModes())('OGC conformance walk on %s', (mode) => {
  let server: TestServer;
  let get: Get;

  beforeAll(async () => {
    server = await startTestServer(mode);
    const auth = await screenTokenHeaders(server.db);
    get = (path, headers = {}) => fetch(`${server.baseUrl}${path}`, { headers: { ...auth, ...headers } });
  });
  afterAll(() => server?.close());

  it('exercises every conformance class it claims', async () => {
    const { conformsTo } = await json<{ conformsTo: string[] }>(await get('/ogc/conformance'));
    expect(conformsTo.length).toBeGreaterThan(0);
    const unchecked = conformsTo.filter((c) => !CHECKS[c]);
    expect(unchecked, 'claimed without a check').toEqual([]);
    for (const c of conformsTo) {
      await CHECKS[c](get).catch((error: Error) => {
        throw new Error(`${c}: ${error.message}`);
      });
    }
  });
});
