/**
 * Bad requests to /ogc on a real database: every one is a 4xx with a stable code and a readable
 * message, never a 5xx and never a database message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { screenTokenHeaders } from '../../tests/support/test-auth.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';

const ITEMS = '/ogc/collections/micro_grids/items';

const BAD_REQUESTS: Array<[path: string, status: number, code: string]> = [
  ['/ogc/collections/nope', 404, 'unknown_collection'],
  ['/ogc/collections/nope/items', 404, 'unknown_collection'],
  ['/ogc/collections/nope/items/1', 404, 'unknown_collection'],
  ['/ogc/collections/__proto__/items', 404, 'unknown_collection'],
  ['/ogc/collections/micro_grids/items/does-not-exist', 404, 'feature_not_found'],
  ['/ogc/collections/micro_grids/items/320113', 404, 'feature_not_found'],
  [`/ogc/collections/micro_grids/items/${'9'.repeat(500)}`, 404, 'feature_not_found'],
  ['/ogc/collections/roads/items/abc', 404, 'feature_not_found'],
  ['/ogc/collections/roads/items/-1', 404, 'feature_not_found'],
  ['/ogc/collections/roads/items/99999999999', 404, 'feature_not_found'],
  ['/ogc/collections/roads/items/2147483647', 404, 'feature_not_found'],
  ["/ogc/collections/cameras/items/x'%20OR%201=1--", 404, 'feature_not_found'],
  [`${ITEMS}?bbox=1,2,3`, 400, 'invalid_bbox'],
  [`${ITEMS}?bbox=1,2,3,4,5,6`, 400, 'invalid_bbox'],
  [`${ITEMS}?bbox=a,b,c,d`, 400, 'invalid_bbox'],
  [`${ITEMS}?bbox=`, 400, 'invalid_bbox'],
  [`${ITEMS}?bbox=119,32,118,33`, 400, 'invalid_bbox'],
  [`${ITEMS}?bbox=118,33,119,32`, 400, 'invalid_bbox'],
  [`${ITEMS}?bbox=118,32,190,33`, 400, 'invalid_bbox'],
  [`${ITEMS}?bbox=118,-95,119,33`, 400, 'invalid_bbox'],
  [`${ITEMS}?bbox=1e999,32,119,33`, 400, 'invalid_bbox'],
  [`${ITEMS}?bbox=118,32,119,33&bbox=118,32,119,33`, 400, 'invalid_bbox'],
  [`${ITEMS}?limit=0`, 400, 'invalid_limit'],
  [`${ITEMS}?limit=-5`, 400, 'invalid_limit'],
  [`${ITEMS}?limit=ten`, 400, 'invalid_limit'],
  [`${ITEMS}?limit=1.5`, 400, 'invalid_limit'],
  [`${ITEMS}?limit=`, 400, 'invalid_limit'],
  [`${ITEMS}?limit=1&limit=2`, 400, 'invalid_limit'],
  [`${ITEMS}?offset=-1`, 400, 'invalid_offset'],
  [`${ITEMS}?offset=99999999999999999999`, 400, 'invalid_offset'],
  [`${ITEMS}?offset=1&offset=2`, 400, 'invalid_offset'],
  [`${ITEMS}?datetime=yesterday`, 400, 'invalid_datetime'],
  [`${ITEMS}?datetime=2026-02-30T00:00:00Z`, 400, 'invalid_datetime'],
  [`${ITEMS}?f=xml`, 400, 'unsupported_format'],
  [`${ITEMS}?filter=grade%20%3D`, 400, 'invalid_filter'],
  [`${ITEMS}?crs=EPSG:9999`, 400, 'unsupported_crs'],
  [`${ITEMS}?cursor=%21%21`, 400, 'invalid_cursor'],
  [`${ITEMS}?bboxx=1,2,3,4`, 400, 'unknown_parameter'],
  ['/ogc?limit=1', 400, 'unknown_parameter'],
  ['/ogc/collections?f=xml', 400, 'unsupported_format'],
  ['/ogc/collections/roads/items/1?limit=1', 400, 'unknown_parameter'],
];

describe.each(testDatabaseModes())('OGC API – Features errors on %s', (mode) => {
  let server: TestServer;
  let auth: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer(mode);
    auth = await screenTokenHeaders(server.db);
  });
  afterAll(() => server?.close());

  it.each(BAD_REQUESTS)('%s → %i %s', async (path, status, code) => {
    const response = await fetch(`${server.baseUrl}${path}`, { headers: auth });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe(code);
    expect(body.message.length).toBeGreaterThan(10);
    expect(body.message).not.toMatch(/syntax|SQLSTATE|relation|column/i);
  });

  it('still answers after a burst of bad requests', async () => {
    const responses = await Promise.all(BAD_REQUESTS.map(([path]) => fetch(`${server.baseUrl}${path}`, { headers: auth })));
    expect(responses.every((r) => r.status < 500)).toBe(true);
    const ok = await fetch(`${server.baseUrl}/ogc/collections/micro_grids/items?limit=1`, { headers: auth });
    expect(ok.status).toBe(200);
  });
});
