/**
 * The basemap for pages without an account (issue 23: the citizens' page /report picks its place on a map):
 * `GET /public/tiles/{layers}/{z}/{x}/{y}` serves only the layers that have no row-level security — the OSM
 * water, landuse and roads (tile-layers.ts `scoped: false`) — the very tiles every signed-in user gets from the
 * shared '*' cache (fetch-scoped-tile.ts). Scoped layers in the address (units, incidents, workers, devices) are
 * left out, never an error, so that the map style shared with the console (client/map/basemap-style.ts) works
 * unchanged: nothing of them is rendered or sent. 204 when nothing remains; 400/404 as tile-address.ts.
 */
import { Router } from 'express';
import type { Capabilities, Database } from '../db/database.js';
import { withScope } from '../db/database.js';
import { publicRoute } from '../auth/route-access.js';
import { parseTileCoordinates, parseTileLayers } from './tile-address.js';
import { fetchScopedTile, tileEncoderOf } from './fetch-scoped-tile.js';
import { tileCacheOf } from './tile-cache.js';
import { TILE_LAYERS } from './tile-layers.js';
import { MEDIA_MVT } from './tiles.route.js';

/** Rendering scope: the whole city as the public intake role (the basemap tables have no row-level security). */
const PUBLIC_SCOPE = { jurisdiction: 'city', accountId: null, role: 'public_intake' } as const;

/** What the router uses of the application's dependencies. */
/** `readDb`: the read replica (DATABASE_READ_URL) the tiles are rendered from; `db` when absent (the cache stays keyed by `db`). */
export interface PublicTilesRouterDeps {
  db: Database;
  readDb?: Database;
  capabilities: Capabilities;
}

export function publicTilesRouter({ db, readDb, capabilities }: PublicTilesRouterDeps): Router {
  const router = Router();
  const cache = tileCacheOf(db);
  const encoder = tileEncoderOf(capabilities);
  const scoped = { transaction: <T>(fn: Parameters<typeof withScope<T>>[2]) => withScope(readDb ?? db, PUBLIC_SCOPE, fn) };

  router.get('/public/tiles/:layers/:z/:x/:y', publicRoute(), async (req, res) => {
    const layers = parseTileLayers(req.params.layers as string).filter((l) => !TILE_LAYERS[l].scoped);
    const tile = parseTileCoordinates(req.params.z as string, req.params.x as string, req.params.y as string);
    const fetched = layers.length === 0 ? null : await fetchScopedTile(cache, scoped, encoder, '*', layers, tile);
    if (!fetched?.tile.gzipped || !fetched.tile.etag) {
      res.status(204).end();
      return;
    }
    const maxAge = Math.min(...layers.map((l) => TILE_LAYERS[l].maxAgeSeconds));
    res.set('Cache-Control', `public, max-age=${maxAge}`).set('X-Tile-Cache', fetched.status);
    res.set('Content-Type', MEDIA_MVT).set('Content-Encoding', 'gzip').set('ETag', fetched.tile.etag);
    res.send(fetched.tile.gzipped);
  });

  return router;
}
