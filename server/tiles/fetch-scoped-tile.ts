/**
 * The one path from a tile address to cached bytes, shared by the tiles route and the start-up warm-up
 * (tile-warmup.ts), so that a warmed tile has exactly the cache key, layer list and scope a request has.
 *
 * A tile of basemap layers (no row-level security) and scoped layers together — the console's one source of
 * basemap and units (client/map/basemap-style.ts) — is cached per jurisdiction, but its basemap part is
 * rendered once for everyone: it is the cached basemap-only tile ('*'), joined to the scoped part. MVT tiles
 * join by concatenation (a tile is a repeated `layers` field; PostGIS documents the same for ST_AsMVT).
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Queryable } from '../db/database.js';
import type { Capabilities } from '../db/database.js';
import { readLayerRevisions } from './layer-revisions.js';
import type { CachedTile, TileCache, TileCacheStatus } from './tile-cache.js';
import { layerShownAt, TILE_LAYERS, type TileLayerName } from './tile-layers.js';
import { renderTile, type TileCoordinates, type TileEncoder } from './render-tile.js';

const gunzip = promisify(zlib.gunzip);

/** Something that runs statements in one transaction in a jurisdiction's scope (a request's `scopedDb(req)`). */
export interface ScopedTransactions {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

/** ST_AsMVT in the database where it works (real PostGIS), else the server's encoder (embedded PostGIS). */
export function tileEncoderOf(capabilities: Pick<Capabilities, 'asMvt'>): TileEncoder {
  return capabilities.asMvt ? 'postgis' : 'server';
}

/**
 * The tile of `layers` at `tile` as `jurisdiction` sees it: from the cache, or rendered in one transaction of
 * `scoped` — the jurisdiction's own scope, so row-level security decides what it holds — and kept. Layers not
 * drawn at this zoom are left out of the tile (and of its key); null when none is drawn (nothing rendered or
 * cached: the route answers 204).
 */
export async function fetchScopedTile(
  cache: TileCache,
  scoped: ScopedTransactions,
  encoder: TileEncoder,
  jurisdiction: string,
  layers: readonly TileLayerName[],
  tile: TileCoordinates,
): Promise<{ tile: CachedTile; status: TileCacheStatus } | null> {
  const shown = layers.filter((layer) => layerShownAt(layer, tile.z));
  if (shown.length === 0) return null;
  const ttls = shown.map((l) => TILE_LAYERS[l].serverTtlMs).filter((t): t is number => t !== undefined);
  const shared = shown.filter((l) => !TILE_LAYERS[l].scoped);
  const own = shown.filter((l) => TILE_LAYERS[l].scoped);
  const render =
    shared.length > 0 && own.length > 0
      ? async () => {
          const sharedPart = await fetchScopedTile(cache, scoped, encoder, jurisdiction, shared, tile);
          const ownPart = await scoped.transaction((tx) => renderTile(tx, encoder, own, tile));
          const sharedBytes = sharedPart?.tile.gzipped ? await gunzip(sharedPart.tile.gzipped) : new Uint8Array(0);
          return Buffer.concat([sharedBytes, ownPart]);
        }
      : () => scoped.transaction((tx) => renderTile(tx, encoder, shown, tile));
  const ttl = ttls.length ? Math.min(...ttls) : undefined;
  // Layers changed outside this server (cameras, sensors; the unit layers on a shared PostgreSQL) are keyed by their
  // revision in the database.
  const revisions = shown.some((l) => cache.revisioned(l))
    ? await cache.revisions.current(() => scoped.transaction((tx) => tx.query<{ layer: string; revision: string }>(readLayerRevisions)))
    : undefined;
  // A tile with a time to live (workers) is served up to one more of it past expiry while it is rendered again.
  if (!revisions) return cache.fetch(cache.keyOf(jurisdiction, shown, tile), render, ttl, ttl);
  return cache.fetchRevisioned(cache.keyOf(jurisdiction, shown, tile, revisions), cache.keyOf(jurisdiction, shown, tile), render, ttl, ttl);
}
