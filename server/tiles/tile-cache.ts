/**
 * The in-memory tile cache: an LRU bounded by bytes, keyed by jurisdiction + layers with their versions +
 * z/x/y. Tiles are scoped by row-level security, so two jurisdictions never share an entry — except tiles
 * of basemap layers only (water, landuse, roads: tables without row-level security), shared by all. An edited
 * boundary calls `bumpLayerVersion(layer)`: keys of that layer change, so its old tiles are never served
 * again and age out of the LRU. Concurrent requests for the same missing tile render it once. Layers whose
 * tables change outside this server (cameras, sensors) are keyed by their revision in the database too
 * (layer-revisions.ts, fetchRevisioned); workers, which move all the time, live 30 s (fetch's ttlMs).
 *
 * One cache per database (`tileCacheOf(db)`), so that the tiles route and an editor of the same
 * application share it without a global.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { LRUCache } from 'lru-cache';
import { nowMs, systemClock, type Clock } from '../clock/clock.js';
import type { Database } from '../db/database.js';
import { LayerRevisions, type LayerRevisionMap } from './layer-revisions.js';
import type { TileCoordinates } from './render-tile.js';
import { isUnitLayer, TILE_LAYERS, UNIT_LAYERS, type TileLayerName } from './tile-layers.js';

const gzip = promisify(zlib.gzip);

/** A rendered tile: gzip-compressed MVT and its ETag, or no body when it has no feature. */
export interface CachedTile {
  gzipped: Buffer | null;
  etag: string | null;
}

/** stale: expired less than `staleMs` ago, served while it is rendered again in the background. */
export type TileCacheStatus = 'hit' | 'miss' | 'inflight' | 'stale';

interface RenderContext {
  render: () => Promise<Uint8Array>;
}

/** Bookkeeping per entry beside its bytes (key, object), so that many empty tiles still count. */
const ENTRY_OVERHEAD_BYTES = 200;
export const DEFAULT_TILE_CACHE_BYTES = 128 * 1024 * 1024;
/**
 * A tile whose database revision changed (fetchRevisioned) is rendered again at most this often while its
 * previous one is answered, and that previous one only while it was known current less than
 * REVISION_STALE_MAX_MS ago: what a screen is answered is never older than that.
 */
export const REVISION_REFRESH_MS = 10_000;
export const REVISION_STALE_MAX_MS = 60_000;
/**
 * That background render waits this long first, so that the burst of tile requests of the screen that set it off
 * is answered before it: on the embedded database a render runs in this process's one thread.
 */
export const REVISION_REFRESH_DELAY_MS = 2_000;

/** The newest tile of a family (the same layers, jurisdiction and address, whatever the revisions). */
interface NewestTile {
  key: string;
  renderedAt: number;
  /** When its revisions were last seen to be the database's (its rendering, or a request that hit it). */
  currentAt: number;
}

/** Compress an uncompressed MVT and name it by its content. */
export async function packTile(mvt: Uint8Array): Promise<CachedTile> {
  if (mvt.length === 0) return { gzipped: null, etag: null };
  const gzipped = await gzip(mvt, { level: 6 });
  const digest = crypto.createHash('sha256').update(mvt).digest('base64url').slice(0, 22);
  return { gzipped, etag: `"${digest}"` };
}

export class TileCache {
  private readonly versions = new Map<TileLayerName, number>();
  private readonly lru: LRUCache<string, CachedTile, RenderContext>;
  /** The database's revisions of layers changed outside this server (cameras, sensors), read at most once a second. */
  readonly revisions: LayerRevisions;
  private readonly newest = new LRUCache<string, NewestTile>({ max: 100_000 });
  private readonly refreshing = new Set<string>();
  private readonly now: () => number;
  private readonly refreshDelayMs: number;

  /** Layers keyed by their database revision besides the TILE_LAYERS `revisioned` ones (the unit layers on PostgreSQL). */
  private readonly sharedRevisions: ReadonlySet<TileLayerName>;

  constructor(
    options: {
      maxBytes?: number;
      revisionMaxAgeMs?: number;
      clock?: Clock;
      refreshDelayMs?: number;
      revisionedLayers?: readonly TileLayerName[];
    } = {},
  ) {
    const clock = options.clock ?? systemClock;
    this.sharedRevisions = new Set(options.revisionedLayers ?? []);
    this.now = () => nowMs(clock);
    this.refreshDelayMs = options.refreshDelayMs ?? REVISION_REFRESH_DELAY_MS;
    this.revisions = new LayerRevisions(options.revisionMaxAgeMs, clock);
    this.lru = new LRUCache<string, CachedTile, RenderContext>({
      maxSize: options.maxBytes ?? DEFAULT_TILE_CACHE_BYTES,
      sizeCalculation: (tile, key) => (tile.gzipped?.length ?? 0) + key.length + ENTRY_OVERHEAD_BYTES,
      fetchMethod: async (_key, _stale, { context }) => packTile(await context.render()),
      // Times to live by the same clock (no cached reading of it), so that a test can move it.
      perf: { now: this.now },
      ttlResolution: 0,
    });
  }

  /** The layer's tiles are keyed by its revision in the database (tile_layer_revisions). */
  revisioned(layer: TileLayerName): boolean {
    return TILE_LAYERS[layer].revisioned === true || this.sharedRevisions.has(layer);
  }

  layerVersion(layer: TileLayerName): number {
    return this.versions.get(layer) ?? 0;
  }

  /** Invalidate every cached tile of a layer (unit layers also invalidate unit_boundaries and unit_labels, drawn from the same units). */
  bumpLayerVersion(layer: TileLayerName): void {
    this.versions.set(layer, this.layerVersion(layer) + 1);
    if (isUnitLayer(layer)) {
      for (const derived of ['unit_boundaries', 'unit_labels'] as const) this.versions.set(derived, this.layerVersion(derived) + 1);
    }
  }

  /**
   * Tiles of basemap layers only (no row-level security) are the same for every jurisdiction: '*'. A layer
   * with a database revision (`revisions`, TILE_LAYERS revisioned) is keyed by it too.
   */
  keyOf(jurisdiction: string, layers: readonly TileLayerName[], { z, x, y }: TileCoordinates, revisions?: LayerRevisionMap): string {
    const scope = layers.some((l) => TILE_LAYERS[l].scoped) ? jurisdiction : '*';
    const version = (l: TileLayerName) => `${this.layerVersion(l)}${revisions?.has(l) ? `.${revisions.get(l)}` : ''}`;
    return `${scope}|${layers.map((l) => `${l}@${version(l)}`).join(',')}|${z}/${x}/${y}`;
  }

  /**
   * The cached tile under `key`, or render, pack and keep it (for ttlMs when given). A tile that expired less
   * than `staleMs` ago is answered at once while it is rendered again in the background (stale-while-revalidate:
   * a screen that comes back never waits for it); one that expired longer ago is rendered before answering. A
   * failed background render drops the tile: the next request renders it (and fails if the database still does).
   */
  async fetch(key: string, render: () => Promise<Uint8Array>, ttlMs?: number, staleMs = 0): Promise<{ tile: CachedTile; status: TileCacheStatus }> {
    const status: LRUCache.Status<string, CachedTile, RenderContext> = {};
    // Negative once expired (0 for a missing key, Infinity without a time to live).
    const remaining = this.lru.getRemainingTTL(key);
    const allowStale = remaining < 0 && -remaining < staleMs;
    const tile = await this.lru.fetch(key, { context: { render }, status, allowStale, ...(ttlMs ? { ttl: ttlMs } : {}) });
    if (!tile) throw new Error(`tile cache returned nothing for ${key}`);
    if (status.returnedStale) return { tile, status: 'stale' };
    return { tile, status: status.fetch === 'hit' ? 'hit' : status.fetch === 'inflight' ? 'inflight' : 'miss' };
  }

  /**
   * A tile keyed by database revisions (cameras, sensors: layer-revisions.ts), `family` being its key without
   * them. When a revision has changed, the family's newest tile is answered at once (`stale`) if it was known
   * current less than REVISION_STALE_MAX_MS ago, and the tile of the new revision is rendered in the background
   * (after REVISION_REFRESH_DELAY_MS) once that newest one was rendered REVISION_REFRESH_MS ago, one render per
   * family at a time: a device platform that changes a state every second costs each screen's tile one render
   * per 10 s, not one per request.
   * Otherwise as fetch().
   */
  async fetchRevisioned(
    key: string,
    family: string,
    render: () => Promise<Uint8Array>,
    ttlMs?: number,
    staleMs?: number,
  ): Promise<{ tile: CachedTile; status: TileCacheStatus }> {
    const newest = this.newest.get(family);
    const now = this.now();
    if (newest && newest.key !== key && !this.lru.has(key)) {
      const previous = this.lru.get(newest.key);
      if (previous && now - newest.currentAt < REVISION_STALE_MAX_MS) {
        if (now - newest.renderedAt >= REVISION_REFRESH_MS && !this.refreshing.has(family)) {
          this.refreshing.add(family);
          const refresh = () =>
            this.fetch(key, render, ttlMs, staleMs)
              .then(() => this.newest.set(family, { key, renderedAt: this.now(), currentAt: this.now() }))
              // A failed render keeps nothing (fetch); the previous tile is answered until it is too old.
              .catch(() => undefined)
              .finally(() => this.refreshing.delete(family));
          setTimeout(refresh, this.refreshDelayMs).unref();
        }
        return { tile: previous, status: 'stale' };
      }
    }
    const result = await this.fetch(key, render, ttlMs, staleMs);
    if (newest?.key === key) newest.currentAt = now;
    else this.newest.set(family, { key, renderedAt: now, currentAt: now });
    return result;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize };
  }

  clear(): void {
    this.lru.clear();
    this.newest.clear();
  }
}

const caches = new WeakMap<Database, TileCache>();

/** The tile cache of an application's database (created on first use). */
export function tileCacheOf(db: Database): TileCache {
  let cache = caches.get(db);
  if (!cache) {
    // Several instances may share a real PostgreSQL: a boundary published through another one reaches this cache
    // through the unit layers' revisions (migration 0023). One process on the embedded database: its own bumps suffice.
    cache = new TileCache({ revisionedLayers: db.mode === 'postgres' ? [...UNIT_LAYERS, 'unit_boundaries', 'unit_labels'] : [] });
    caches.set(db, cache);
  }
  return cache;
}

/** Invalidate a layer's cached tiles, e.g. after a boundary edit: `bumpLayerVersion(deps.db, 'micro_grids')`. */
export function bumpLayerVersion(db: Database, layer: TileLayerName): void {
  tileCacheOf(db).bumpLayerVersion(layer);
}
