/**
 * The start-up tile warm-up: which tiles it plans (pure), and on every database mode that the tiles it
 * renders are the ones the tiles route then serves from the cache, in the right scope, that it stops on its
 * signal and that a failing tile does not stop it.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BASEMAP_TILE_LAYERS, TILE_MAX_ZOOM, UNIT_TILE_LAYERS, vectorSourceLayers } from '../../client/map/basemap-style.js';
import { detectCapabilities } from '../db/capabilities.js';
import { DatabaseError, defineSql, type Capabilities, type Database } from '../db/database.js';
import { createLogger } from '../logging/logger.js';
import { screenTokenHeaders } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { tileCacheOf } from './tile-cache.js';
import { DETAIL_MAX_ZOOM } from './tile-layers.js';
import { decodeTile, getRaw } from '../../tests/support/tile-test-support.js';
import { consoleTileSources, planTileWarmup, warmTileCache, WARMUP_MAP_SIZES, type WarmupTile } from './tile-warmup.js';
import type { BoundingBox } from './view-tiles.js';

const CITY: BoundingBox = [118.357927, 31.230207, 119.236384, 32.616407];
const QIXIA: BoundingBox = [118.759516, 32.027716, 119.236384, 32.247061];
const CONSOLE_MAP = [{ width: 1100, height: 1024 }];
const QIXIA_CODE = '320113';
const XUANWU_CODE = '320102';

const urlOf = ({ layers, tile }: WarmupTile) => `/tiles/${layers.join(',')}/${tile.z}/${tile.x}/${tile.y}`;

describe('planTileWarmup', () => {
  it('names the console map’s sources, with the offline basemap and with an external one, up to the zoom the client asks the server for', () => {
    for (const external of [false, true]) expect(consoleTileSources(external)).toEqual(Object.values(vectorSourceLayers(external)));
    expect(consoleTileSources(false)[0]).toEqual([...BASEMAP_TILE_LAYERS, ...UNIT_TILE_LAYERS]);
    expect(TILE_MAX_ZOOM).toBe(DETAIL_MAX_ZOOM);
    expect(WARMUP_MAP_SIZES).toEqual([
      { width: 1100, height: 1024 },
      { width: 1920, height: 1080 },
    ]);
  });

  it('plans the tiles of each source that a console opening on a jurisdiction requests, centre first', () => {
    const plan = planTileWarmup([{ jurisdiction: QIXIA_CODE, bounds: QIXIA }], CONSOLE_MAP);
    // What MapLibre requested for dispatcher.qixia's first view (view-tiles.spec.ts): 3×3 tiles at z10, each source.
    expect(plan).toHaveLength(18);
    expect(plan.slice(0, 2).map(urlOf)).toEqual([
      '/tiles/water,landuse,roads,unit_boundaries,micro_grids,unit_labels/10/850/415',
      '/tiles/cameras,sensors/10/850/415',
    ]);
    expect(new Set(plan.map((p) => p.jurisdiction))).toEqual(new Set([QIXIA_CODE]));
  });

  it('lists a basemap-only tile once for every jurisdiction, and scoped tiles once per jurisdiction', () => {
    // Sources as a client with a basemap source of its own would have them.
    const sources = [[...BASEMAP_TILE_LAYERS], [...UNIT_TILE_LAYERS]];
    const once = planTileWarmup([{ jurisdiction: 'city', bounds: CITY }], CONSOLE_MAP, sources);
    const twice = planTileWarmup(
      [
        { jurisdiction: 'city', bounds: CITY },
        { jurisdiction: QIXIA_CODE, bounds: CITY },
      ],
      CONSOLE_MAP,
      sources,
    );
    // z8: the basemap source is water and roads only (landuse from z10), cached under '*'.
    const basemap = once.filter((p) => p.layers[0] === 'water');
    expect(basemap).toHaveLength(6);
    expect(twice).toHaveLength(once.length + once.length - basemap.length);
    expect(twice.filter((p) => p.jurisdiction === QIXIA_CODE && p.layers[0] === 'water')).toEqual([]);
  });

  it('adds the full-screen map’s tiles to the console’s without repeating the ones they share', () => {
    const console = planTileWarmup([{ jurisdiction: 'city', bounds: CITY }], CONSOLE_MAP);
    const both = planTileWarmup([{ jurisdiction: 'city', bounds: CITY }]);
    expect(both.slice(0, console.length)).toEqual(console);
    expect(new Set(both.map(urlOf)).size).toBe(both.length);
  });
});

const districtCount = defineSql('test.tile_warmup.district_count', `SELECT count(*)::int AS n FROM units WHERE level = 'district'`);

/** A pino logger whose lines are kept as parsed objects. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe.each(testDatabaseModes())('warmTileCache on %s', (mode) => {
  let server: TestServer;
  let capabilities: Capabilities;
  let city: Record<string, string>;
  let qixia: Record<string, string>;
  let xuanwu: Record<string, string>;
  const get = (path: string, headers: Record<string, string>) => getRaw(`${server.baseUrl}${path}`, headers);
  const codesOf = (body: Buffer, layer: string) =>
    (body.length ? (decodeTile(body)[layer]?.features ?? []) : []).map((f) => String(f.properties.code));

  beforeAll(async () => {
    server = await startTestServer(mode);
    capabilities = await detectCapabilities(server.db);
    [city, qixia, xuanwu] = await Promise.all([
      screenTokenHeaders(server.db, null),
      screenTokenHeaders(server.db, QIXIA_CODE),
      screenTokenHeaders(server.db, XUANWU_CODE),
    ]);
  });
  afterAll(() => server.close());
  beforeEach(() => tileCacheOf(server.db).clear());

  it('renders the city’s first view so that the route then answers from the cache, with the same bytes', async () => {
    const { logger, lines } = capturingLogger();
    const result = await warmTileCache({ db: server.db, capabilities, logger, jurisdictions: ['city'], mapSizes: CONSOLE_MAP });
    expect(result).toMatchObject({ jurisdictions: 1, tiles: 12, failed: 0, aborted: false });
    expect(result.rendered + result.cached).toBe(12);
    expect(result.bytes).toBeGreaterThan(0);
    // One line, at the end, with the figures and nothing else.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'tile cache warmed', tiles: 12, failed: 0, bytes: result.bytes });

    const plan = planTileWarmup([{ jurisdiction: 'city', bounds: CITY }], CONSOLE_MAP);
    const etags = new Map<string, string | undefined>();
    for (const entry of plan) {
      const res = await get(urlOf(entry), city);
      expect(res.headers['x-tile-cache'], urlOf(entry)).toBe('hit');
      etags.set(urlOf(entry), res.headers.etag as string | undefined);
    }
    // Rendered by a request instead, each tile is the same.
    tileCacheOf(server.db).clear();
    for (const entry of plan) {
      const res = await get(urlOf(entry), city);
      expect(res.headers['x-tile-cache'], urlOf(entry)).toBe('miss');
      expect(res.headers.etag, urlOf(entry)).toBe(etags.get(urlOf(entry)));
    }
  });

  it('opens the whole city and every district by default, in their own scopes', async () => {
    const [{ n }] = await server.db.query<{ n: number }>(districtCount);
    const result = await warmTileCache({ db: server.db, capabilities, logger: capturingLogger().logger, mapSizes: [{ width: 300, height: 200 }] });
    expect(result.jurisdictions).toBe(1 + n);
    expect(result.failed).toBe(0);
  });

  it('renders a district’s tiles under its own row-level security and keeps them apart from other scopes', async () => {
    const result = await warmTileCache({
      db: server.db,
      capabilities,
      logger: capturingLogger().logger,
      jurisdictions: [QIXIA_CODE],
      mapSizes: CONSOLE_MAP,
    });
    expect(result).toMatchObject({ jurisdictions: 1, tiles: 18, failed: 0 });
    const units = planTileWarmup([{ jurisdiction: QIXIA_CODE, bounds: QIXIA }], CONSOLE_MAP).filter((p) => p.layers.includes('unit_boundaries'));
    let neighbours = 0;
    let ownLabels = 0;
    for (const entry of units) {
      const own = await get(urlOf(entry), qixia);
      expect(own.headers['x-tile-cache'], urlOf(entry)).toBe('hit');
      // Qixia's warmed tile holds Qixia and nothing else.
      const ownCodes = codesOf(own.body, 'unit_labels');
      ownLabels += ownCodes.length;
      expect(
        ownCodes.every((code) => code.startsWith(QIXIA_CODE)),
        urlOf(entry),
      ).toBe(true);
      // The same tile for Xuanwu is not Qixia's entry, and shows Xuanwu alone.
      const other = await get(urlOf(entry), xuanwu);
      expect(other.headers['x-tile-cache'], urlOf(entry)).toBe('miss');
      expect(
        codesOf(other.body, 'unit_labels').every((code) => code.startsWith(XUANWU_CODE)),
        urlOf(entry),
      ).toBe(true);
      // The city sees the neighbours that Qixia's tile left out.
      const whole = await get(urlOf(entry), city);
      expect(whole.headers['x-tile-cache'], urlOf(entry)).toBe('miss');
      if (codesOf(whole.body, 'unit_labels').some((code) => !code.startsWith(QIXIA_CODE))) neighbours += 1;
    }
    expect(neighbours).toBeGreaterThan(0);
    expect(ownLabels).toBeGreaterThan(0);
    // The basemap layers have no row-level security: the basemap part of Qixia's warmed tiles serves every jurisdiction.
    const [first] = planTileWarmup([{ jurisdiction: QIXIA_CODE, bounds: QIXIA }], CONSOLE_MAP);
    const basemapOnly = urlOf({ ...first, layers: [...BASEMAP_TILE_LAYERS] });
    expect((await get(basemapOnly, xuanwu)).headers['x-tile-cache'], basemapOnly).toBe('hit');
  });

  it('stops between two tiles when its signal is aborted', async () => {
    const before = new AbortController();
    before.abort();
    const { logger, lines } = capturingLogger();
    const none = await warmTileCache({ db: server.db, capabilities, logger, signal: before.signal, jurisdictions: ['city'], mapSizes: CONSOLE_MAP });
    expect(none).toMatchObject({ rendered: 0, cached: 0, aborted: true });
    expect(tileCacheOf(server.db).size.entries).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(['tile warm-up stopped before the end']);

    const during = new AbortController();
    const result = await warmTileCache({
      db: server.db,
      capabilities,
      logger: capturingLogger().logger,
      signal: during.signal,
      jurisdictions: ['city', QIXIA_CODE],
      mapSizes: CONSOLE_MAP,
      onTile: (done) => done === 2 && during.abort(),
    });
    expect(result).toMatchObject({ tiles: 12 + 18, rendered: 2, aborted: true });
    // The two tiles, and the basemap part of the first (cached on its own for every jurisdiction).
    expect(tileCacheOf(server.db).size.entries).toBe(3);
  });

  it('logs a failing tile, skips it and warms the rest', async () => {
    let calls = 0;
    // A database whose first tile transaction fails (a statement timeout); everything else goes through.
    const flaky: Database = {
      ...server.db,
      query: (statement, params) => server.db.query(statement, params),
      queryInScope: (scope, statement, params) => server.db.queryInScope(scope, statement, params),
      withTransaction: (fn, options) => {
        calls += 1;
        if (calls === 1) return Promise.reject(new DatabaseError('tiles.roads.rows', '57014', 'canceling statement due to statement timeout'));
        return server.db.withTransaction(fn, options);
      },
    };
    const { logger, lines } = capturingLogger();
    const result = await warmTileCache({ db: flaky, capabilities, logger, jurisdictions: ['city'], mapSizes: CONSOLE_MAP });
    expect(result).toMatchObject({ tiles: 12, failed: 1, rendered: 11, aborted: false });
    const warning = lines.find((l) => l.level === 40);
    expect(warning).toMatchObject({
      msg: 'tile warm-up: skipped a tile that failed',
      jurisdiction: 'city',
      sqlState: '57014',
      statement: 'tiles.roads.rows',
    });
    expect(JSON.stringify(lines)).not.toContain('canceling statement');
    expect(lines.at(-1)).toMatchObject({ msg: 'tile cache warmed', failed: 1 });
  });
});
