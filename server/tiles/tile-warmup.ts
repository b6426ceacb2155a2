/**
 * Tile seeding at start-up: render into the tile cache the tiles a screen asks for when it first opens, so
 * that the first visitor after `npm start` does not wait for the embedded database to render them.
 *
 * Which tiles: for the whole city (a city screen token, a city leader's console) and for each district (its
 * dispatchers' console), the view `fitBounds(TileJSON bounds, { padding: 24 })` gives on the maps of a
 * 1920×1080 screen (`WARMUP_MAP_SIZES`), for the console's vector sources (`consoleTileSources`);
 * per view, the tiles MapLibre requests (view-tiles.ts, checked against the requests of a headless
 * Chromium). Basemap layers are shared by every jurisdiction and rendered once (fetch-scoped-tile.ts).
 *
 * How: each tile goes through `fetchScopedTile`, the tiles route's own path, in the jurisdiction's scope
 * (row-level security decides what it holds, exactly as for a request of that jurisdiction), so the cache
 * key, the layer list and the bytes are those a request gets. One tile at a time — PGlite is one session, so
 * a user's request waits for one tile at most, not for the whole warm-up — and the process's AbortSignal
 * stops it between two tiles. A failed tile is logged and skipped; the warm-up never throws. One line is
 * logged at the end: counts, bytes, milliseconds (no personal data: jurisdiction codes and tile numbers).
 *
 * Every warmed tile stays until evicted or its data changes: a boundary edit (layer version), a device's new
 * state (cameras and sensors: their revision in the database, layer-revisions.ts).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Capabilities, Database, DataScope } from '../db/database.js';
import { withScope } from '../db/database.js';
import { fetchScopedTile, tileEncoderOf, type ScopedTransactions } from './fetch-scoped-tile.js';
import type { TileCoordinates } from './render-tile.js';
import { tileCacheOf } from './tile-cache.js';
import { DETAIL_MAX_ZOOM, layerShownAt, TILE_LAYERS, type TileLayerName } from './tile-layers.js';
import { jurisdictionBounds, visibleDistricts } from './tiles.sql.js';
import { fitBoundsView, tilesInView, type BoundingBox } from './view-tiles.js';

const BASEMAP_LAYERS: readonly TileLayerName[] = ['water', 'landuse', 'roads'];
const UNIT_LAYERS: readonly TileLayerName[] = ['unit_boundaries', 'micro_grids', 'unit_labels'];

/**
 * The console map's vector sources, each one tile URL of these layers (client/map/basemap-style.ts
 * vectorSourceLayers; the spec checks they agree): the offline basemap comes in the units source, an external
 * one (a WGS84 one: the console refuses a GCJ-02 one and draws the offline basemap) replaces it.
 */
export function consoleTileSources(drawsExternalBasemap: boolean): readonly (readonly TileLayerName[])[] {
  return [drawsExternalBasemap ? UNIT_LAYERS : [...BASEMAP_LAYERS, ...UNIT_LAYERS], ['cameras', 'sensors']];
}

/** The console's vector sources use MapLibre's default 512-pixel tiles (a source `tileSize` there must be repeated here). */
export const CONSOLE_TILE_SIZE = 512;

/** How the console map fits a jurisdiction (client/map/console-map.ts: fitBounds padding 24, minZoom 6, maxZoom 19). */
export const CONSOLE_FIT = { padding: 24, minZoom: 6, maxZoom: 19 } as const;

export interface MapSize {
  width: number;
  height: number;
}

/**
 * The maps of a 1920×1080 screen: the console's map area (client/console.css: 380 px queue, 440 px panels,
 * 56 px header) and a full-screen map (a video wall page, the browser benchmark's page).
 */
export const WARMUP_MAP_SIZES: readonly MapSize[] = [
  { width: 1100, height: 1024 },
  { width: 1920, height: 1080 },
];

export interface JurisdictionBounds {
  /** A unit code or 'city'. */
  jurisdiction: string;
  bounds: BoundingBox;
}

export interface WarmupTile {
  jurisdiction: string;
  /** The source's whole layer list, as its tile URL names it. */
  layers: readonly TileLayerName[];
  tile: TileCoordinates;
}

/**
 * The tiles to warm, in order: jurisdiction by jurisdiction, map size by map size, nearest the view's centre
 * first, the sources of each tile together. A tile of basemap layers only (at its zoom) is listed once,
 * for the first jurisdiction that needs it: its cache key is the same for everyone.
 */
export function planTileWarmup(
  jurisdictions: readonly JurisdictionBounds[],
  mapSizes: readonly MapSize[] = WARMUP_MAP_SIZES,
  sources: readonly (readonly TileLayerName[])[] = consoleTileSources(false),
): WarmupTile[] {
  const planned: WarmupTile[] = [];
  const seen = new Set<string>();
  for (const { jurisdiction, bounds } of jurisdictions) {
    for (const size of mapSizes) {
      const view = fitBoundsView(bounds, { ...size, ...CONSOLE_FIT });
      for (const tile of tilesInView(view, { tileSize: CONSOLE_TILE_SIZE, maxZoom: DETAIL_MAX_ZOOM })) {
        for (const layers of sources) {
          const shown = layers.filter((layer) => layerShownAt(layer, tile.z));
          if (shown.length === 0) continue;
          const scope = shown.some((layer) => TILE_LAYERS[layer].scoped) ? jurisdiction : '*';
          const identity = `${scope}|${shown.join(',')}|${tile.z}/${tile.x}/${tile.y}`;
          if (seen.has(identity)) continue;
          seen.add(identity);
          planned.push({ jurisdiction, layers, tile });
        }
      }
    }
  }
  return planned;
}

export interface TileWarmupResult {
  jurisdictions: number;
  /** Tiles planned. */
  tiles: number;
  /** Rendered now; found already in the cache (or being rendered by a request); failed. */
  rendered: number;
  cached: number;
  failed: number;
  /** Of the rendered and cached: tiles without a feature (no body). */
  empty: number;
  /** gzip bytes of the warmed tiles. */
  bytes: number;
  ms: number;
  /** Stopped by the signal before the end. */
  aborted: boolean;
}

export interface TileWarmupOptions {
  db: Database;
  capabilities: Pick<Capabilities, 'asMvt'>;
  logger: Logger;
  /** Aborted when the process shuts down: the warm-up stops after the tile being rendered. */
  signal?: AbortSignal;
  /** Jurisdictions to open (unit codes or 'city'); default the whole city and every district. */
  jurisdictions?: readonly string[];
  mapSizes?: readonly MapSize[];
  /** Whether the console draws an external basemap (a configured WGS84 one) instead of the offline one. */
  drawsExternalBasemap?: boolean;
  /** Called after each tile (done of total), e.g. for progress. */
  onTile?: (done: number, total: number) => void;
}

/** A read-only screen of the jurisdiction: the tile tables' policies depend on the jurisdiction alone (migration 0004). */
function screenScope(jurisdiction: string): DataScope {
  return { jurisdiction, accountId: null, role: 'screen', workerCode: null };
}

const MAX_LOGGED_FAILURES = 3;

/** Warm the tile cache of `db` for the first views of the city and its districts; never throws. */
export async function warmTileCache(options: TileWarmupOptions): Promise<TileWarmupResult> {
  const { db, logger, signal } = options;
  const started = performance.now();
  const result: TileWarmupResult = { jurisdictions: 0, tiles: 0, rendered: 0, cached: 0, failed: 0, empty: 0, bytes: 0, ms: 0, aborted: false };
  const cache = tileCacheOf(db);
  const encoder = tileEncoderOf(options.capabilities);
  const scopes = new Map<string, ScopedTransactions>();
  const scopedOf = (jurisdiction: string) => {
    let scoped = scopes.get(jurisdiction);
    if (!scoped) {
      const scope = screenScope(jurisdiction);
      scoped = { transaction: (fn) => withScope(db, scope, fn) };
      scopes.set(jurisdiction, scoped);
    }
    return scoped;
  };
  const fail = (error: unknown, context: Record<string, unknown>) => {
    result.failed += 1;
    if (result.failed <= MAX_LOGGED_FAILURES) {
      const e = error as { name?: string; sqlState?: string; statementName?: string };
      logger.warn({ ...context, error: e?.name, statement: e?.statementName, sqlState: e?.sqlState }, 'tile warm-up: skipped a tile that failed');
    }
  };
  try {
    const codes = options.jurisdictions ?? [
      'city',
      ...(await db.queryInScope<{ code: string }>(screenScope('city'), visibleDistricts)).map((row) => row.code),
    ];
    const opened: JurisdictionBounds[] = [];
    for (const jurisdiction of codes) {
      if (signal?.aborted) {
        result.aborted = true;
        break;
      }
      const [row] = await db.queryInScope<{ west: number | null; south: number | null; east: number | null; north: number | null }>(
        screenScope(jurisdiction),
        jurisdictionBounds,
        [jurisdiction],
      );
      // Nothing visible (an unknown code): the console would open on Nanjing's default view, not warmed here.
      if (!row || row.west == null || row.south == null || row.east == null || row.north == null) continue;
      if (!(row.east > row.west && row.north > row.south)) continue;
      opened.push({ jurisdiction, bounds: [row.west, row.south, row.east, row.north] });
    }
    result.jurisdictions = opened.length;
    const plan = planTileWarmup(opened, options.mapSizes, consoleTileSources(options.drawsExternalBasemap ?? false));
    result.tiles = plan.length;
    for (const [index, { jurisdiction, layers, tile }] of plan.entries()) {
      if (signal?.aborted) {
        result.aborted = true;
        break;
      }
      // Let requests that arrived meanwhile reach the database queue first.
      await nextTurn();
      try {
        const fetched = await fetchScopedTile(cache, scopedOf(jurisdiction), encoder, jurisdiction, layers, tile);
        if (fetched) {
          if (fetched.status === 'miss') result.rendered += 1;
          else result.cached += 1;
          if (fetched.tile.gzipped) result.bytes += fetched.tile.gzipped.length;
          else result.empty += 1;
        }
      } catch (error) {
        fail(error, { jurisdiction, layers: layers.join(','), z: tile.z, x: tile.x, y: tile.y });
      }
      options.onTile?.(index + 1, plan.length);
    }
  } catch (error) {
    // Listing the jurisdictions failed (e.g. the database went away): nothing more to warm.
    fail(error, { step: 'jurisdictions' });
  }
  result.ms = Math.round(performance.now() - started);
  logger.info(
    { ...result, mapSizes: (options.mapSizes ?? WARMUP_MAP_SIZES).map((s) => `${s.width}x${s.height}`) },
    result.aborted ? 'tile warm-up stopped before the end' : 'tile cache warmed',
  );
  return result;
}
