/**
 * Tile figures for the benchmark (issue 5's targets), on one database: the application served in this
 * process, requests over loopback HTTP as a city-wide screen would make them.
 *   - uncached z14 micro_grids tiles over 仙林街道: every round first bumps the layer's version, so each
 *     request renders (client time, request to last byte);
 *   - the city overview: every z10 tile over Nanjing's districts, one composite request per tile
 *     (districts, streets, roads, water, landuse), gzip bytes as sent.
 * For scripts/bench.ts: `await measureTiles(db, capabilities, headers)`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.js';
import { systemClock } from '../../server/clock/clock.js';
import { loadConfig } from '../../server/config/load-config.js';
import { defineSql, type Capabilities, type Database } from '../../server/db/database.js';
import { createLogger } from '../../server/logging/logger.js';
import { tileContaining } from '../../server/tiles/tile-address.js';
import { tileCacheOf } from '../../server/tiles/tile-cache.js';
import type { TileCoordinates } from '../../server/tiles/render-tile.js';

export const OVERVIEW_LAYERS = 'districts,streets,roads,water,landuse';

export interface TileFigures {
  microGridTiles: number;
  rounds: number;
  /** Milliseconds over all rounds' requests (nearest rank). */
  microGridP50: number;
  microGridP95: number;
  microGridMax: number;
  overviewTiles: number;
  overviewGzipBytes: number;
  overviewMilliseconds: number;
}

const extentOf = defineSql(
  'bench.tiles.extent',
  `SELECT ST_XMin(e) AS west, ST_YMin(e) AS south, ST_XMax(e) AS east, ST_YMax(e) AS north
     FROM (SELECT ST_Extent(geom)::geometry AS e FROM units WHERE CASE WHEN $1 = 'city' THEN level = 'district' ELSE code = $1 END) t`,
);

const nearestRank = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

async function tilesCovering(db: Database, unit: string, z: number): Promise<TileCoordinates[]> {
  const [e] = await db.query<{ west: number; south: number; east: number; north: number }>(extentOf, [unit]);
  const from = tileContaining(e.west, e.north, z);
  const to = tileContaining(e.east, e.south, z);
  const tiles: TileCoordinates[] = [];
  for (let x = from.x; x <= to.x; x++) for (let y = from.y; y <= to.y; y++) tiles.push({ z, x, y });
  return tiles;
}

function get(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      })
      .on('error', reject);
  });
}

export async function measureTiles(
  db: Database,
  capabilities: Capabilities,
  headers: Record<string, string>,
  options: { rounds?: number; street?: string } = {},
): Promise<TileFigures> {
  const rounds = options.rounds ?? 5;
  const app = createApp({
    config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
    db,
    capabilities,
    logger: createLogger('silent'),
    clock: systemClock,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fetchTile = async (layers: string, t: TileCoordinates) => {
    const res = await get(`${base}/tiles/${layers}/${t.z}/${t.x}/${t.y}`, headers);
    if (res.status !== 200 && res.status !== 204) throw new Error(`tile ${layers}/${t.z}/${t.x}/${t.y}: HTTP ${res.status}`);
    return res;
  };
  try {
    const microGridTiles = await tilesCovering(db, options.street ?? '320113007', 14);
    const times: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      tileCacheOf(db).bumpLayerVersion('micro_grids');
      for (const t of microGridTiles) {
        const started = performance.now();
        await fetchTile('micro_grids', t);
        // Round 0 warms the database's own buffers and is not counted.
        if (round > 0) times.push(performance.now() - started);
      }
    }
    times.sort((a, b) => a - b);
    const overviewTiles = await tilesCovering(db, 'city', 10);
    const started = performance.now();
    let overviewGzipBytes = 0;
    for (const t of overviewTiles) overviewGzipBytes += (await fetchTile(OVERVIEW_LAYERS, t)).bytes;
    return {
      microGridTiles: microGridTiles.length,
      rounds,
      microGridP50: nearestRank(times, 50),
      microGridP95: nearestRank(times, 95),
      microGridMax: times[times.length - 1],
      overviewTiles: overviewTiles.length,
      overviewGzipBytes,
      overviewMilliseconds: performance.now() - started,
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
