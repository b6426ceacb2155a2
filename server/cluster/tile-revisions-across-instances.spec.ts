/**
 * Tile caches of two instances on one real PostgreSQL stay correct through a boundary change made through the other
 * one (issue 24, migration 0023): the unit layers' tiles are keyed by their database revision, so instance B draws a
 * unit again after instance A's database change instead of serving its cached tile for ever. (The embedded database
 * is one process: the publishing instance's own bumpLayerVersion covers it, tiles.route.spec.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { tileContaining } from '../tiles/tile-address.js';
import { decodeTile } from '../../tests/support/tile-test-support.js';
import { screenTokenHeaders } from '../../tests/support/test-auth.js';
import { openSharedPostgresCopies, testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';

const XIANLIN = tileContaining(118.93, 32.105, 14);
const TILE = `/tiles/micro_grids/${XIANLIN.z}/${XIANLIN.x}/${XIANLIN.y}`;
const rename = defineSql(
  'test.cluster_rename_micro_grid',
  `UPDATE units SET name = $1 WHERE code = (SELECT code FROM units WHERE level = 'micro_grid' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(118.93, 32.105), 4326)) LIMIT 1) RETURNING code`,
);

describe.runIf(testDatabaseModes().includes('postgres'))('tile caches across two instances on postgres', () => {
  let shared: Awaited<ReturnType<typeof openSharedPostgresCopies>>;
  let b: TestServer;
  let headers: Record<string, string>;
  beforeAll(async () => {
    shared = await openSharedPostgresCopies(2);
    b = await startTestServer('postgres', { db: shared.dbs[1] });
    headers = await screenTokenHeaders(shared.dbs[1]!, null);
  });
  afterAll(async () => {
    await b?.close();
    await shared?.close();
  });

  const names = async () => {
    const res = await fetch(`${b.baseUrl}${TILE}`, { headers: { ...headers, 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    const layer = decodeTile(new Uint8Array(await res.arrayBuffer()), false).micro_grids!;
    return { status: res.headers.get('x-tile-cache'), names: layer.features.map((f) => String(f.properties.name)) };
  };

  it('draws a unit renamed through the other instance', async () => {
    const first = await names();
    expect((await names()).status).toBe('hit');
    const [{ code }] = await shared.dbs[0]!.query<{ code: string }>(rename, ['改名后的微网格']);
    expect(code).toMatch(/^320113007/);
    expect(first.names).not.toContain('改名后的微网格');
    const started = Date.now();
    let latest = await names();
    while (!latest.names.includes('改名后的微网格') && Date.now() - started < 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      latest = await names();
    }
    expect(latest.names).toContain('改名后的微网格');
  });
});
