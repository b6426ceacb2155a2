/**
 * Vector tiles: `GET /tiles/{layers}/{z}/{x}/{y}` (MVT, gzip) and `GET /tiles/tilejson.json`, for every
 * signed-in role including screen tokens. `{layers}` is one layer of tile-layers.ts or several joined by
 * commas (one tile holding each of them). Tiles are rendered in the caller's scope (row-level security)
 * and cached per jurisdiction; see tile-cache.ts.
 *
 * Answers: 200 with the tile; 204 when it has no feature (outside the layers' zoom ranges, nothing there,
 * or nothing the caller may see); 304 for a matching If-None-Match; 400/404 with the codes of
 * tile-address.ts. Header X-Tile-Cache: hit | miss | inflight | stale (tile-cache.ts).
 */
import { Request, Router } from 'express';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { Capabilities } from '../db/database.js';
import type { AppConfig } from '../config/load-config.js';
import { authOf, readScopedDb } from '../auth/request-context.js';
import { access } from '../auth/route-access.js';
import { validateRequestPart } from '../http/validate-request.js';
import { parseTileCoordinates, parseTileLayers } from './tile-address.js';
import { fetchScopedTile, tileEncoderOf } from './fetch-scoped-tile.js';
import { tileCacheOf } from './tile-cache.js';
import { buildTileJson, type Bounds } from './tile-json.js';
import { TILE_LAYER_NAMES, TILE_LAYERS } from './tile-layers.js';
import { jurisdictionBounds } from './tiles.sql.js';
import { READERS } from '../contract/incident-vocabulary.js';

export const MEDIA_MVT = 'application/vnd.mapbox-vector-tile';

const TileJsonQuery = z.object({ layers: z.string().max(400).optional() }).strict();

// A host name, IPv4 or bracketed IPv6 address, with an optional port; anything else in the Host header is
// not echoed into the TileJSON's URL (the configured address is used instead).
const HOST = /^([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(:\d{1,5})?$/;

/** What the router uses of the application's dependencies. */
export interface TilesRouterDeps {
  db: Database;
  capabilities: Capabilities;
  config: Pick<AppConfig, 'host' | 'port' | 'basemap'>;
}

export function tilesRouter({ db, capabilities, config }: TilesRouterDeps): Router {
  const router = Router();
  const cache = tileCacheOf(db);
  const encoder = tileEncoderOf(capabilities);
  const fallbackHost = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const baseUrlOf = (req: Request) => {
    const host = req.get('host');
    return `${req.protocol === 'https' ? 'https' : 'http'}://${host !== undefined && HOST.test(host) ? host : fallbackHost}`;
  };

  router.get('/tiles/tilejson.json', access(...READERS), async (req, res) => {
    const query = validateRequestPart(TileJsonQuery, req.query, 'invalid_query');
    const layers = query.layers === undefined ? [...TILE_LAYER_NAMES] : parseTileLayers(query.layers);
    const [row] = await readScopedDb(req).query<Partial<Bounds>>(jurisdictionBounds, [authOf(req).jurisdiction]);
    const bounds = row && row.west != null && row.south != null && row.east != null && row.north != null ? (row as Bounds) : null;
    res.set('Cache-Control', 'private, max-age=60').set('Vary', 'Cookie, Authorization');
    res.json(buildTileJson({ baseUrl: baseUrlOf(req), layers, bounds, basemap: config.basemap }));
  });

  router.get('/tiles/:layers/:z/:x/:y', access(...READERS), async (req, res) => {
    const layers = parseTileLayers(req.params.layers as string);
    const tile = parseTileCoordinates(req.params.z as string, req.params.x as string, req.params.y as string);
    const maxAge = Math.min(...layers.map((l) => TILE_LAYERS[l].maxAgeSeconds));
    res.set('Cache-Control', `private, max-age=${maxAge}`).set('Vary', 'Cookie, Authorization');
    const fetched = await fetchScopedTile(cache, readScopedDb(req), encoder, authOf(req).jurisdiction, layers, tile);
    if (!fetched) {
      res.status(204).end();
      return;
    }
    const { tile: cached, status } = fetched;
    res.set('X-Tile-Cache', status);
    if (!cached.gzipped || !cached.etag) {
      res.status(204).end();
      return;
    }
    res.set('Content-Type', MEDIA_MVT).set('Content-Encoding', 'gzip').set('ETag', cached.etag);
    // res.send answers 304 itself when If-None-Match matches the ETag.
    res.send(cached.gzipped);
  });

  return router;
}
