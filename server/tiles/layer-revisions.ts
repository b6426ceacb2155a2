/**
 * The database's revisions of the tile layers whose tables change outside this server: the cameras' and
 * sensors' state comes from the device platforms or an import (migration 0009 bumps a layer's revision by a
 * statement trigger on every change). The tile cache keys those layers' tiles by their revision
 * (tile-cache.ts keyOf), so a cached tile lives as long as the data it was drawn from: an unchanged layer is
 * never rendered again; after a change its tiles are rendered anew, at most once per tile per 10 s while the
 * previous one is answered (TileCache.fetchRevisioned).
 *
 * Read at most once per `maxAgeMs`, by one query that concurrent tile requests share: a change reaches new
 * tiles within that time (and a browser within its tiles' max-age on top, tile-layers.ts).
 */
import { nowMs, systemClock, type Clock } from '../clock/clock.js';
import { defineSql } from '../db/database.js';

export const REVISION_MAX_AGE_MS = 1_000;

/** Every layer's revision (a small table without row-level security, readable by the application role). */
export const readLayerRevisions = defineSql('tiles.layer_revisions', `SELECT layer, revision::text AS revision FROM tile_layer_revisions`);

export type LayerRevisionMap = ReadonlyMap<string, string>;

export class LayerRevisions {
  private last: { revisions: LayerRevisionMap; readAt: number } | null = null;
  private reading: Promise<LayerRevisionMap> | null = null;

  constructor(
    private readonly maxAgeMs = REVISION_MAX_AGE_MS,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The revisions: the last reading if it started less than maxAgeMs ago, else a new one through `read`. */
  current(read: () => Promise<{ layer: string; revision: string }[]>): Promise<LayerRevisionMap> {
    if (this.last && nowMs(this.clock) - this.last.readAt < this.maxAgeMs) return Promise.resolve(this.last.revisions);
    if (!this.reading) {
      // The time the reading starts: a change committed while it runs is read by the next one.
      const readAt = nowMs(this.clock);
      this.reading = read()
        .then((rows) => {
          const revisions = new Map(rows.map((row) => [row.layer, row.revision]));
          this.last = { revisions, readAt };
          return revisions;
        })
        .finally(() => {
          this.reading = null;
        });
    }
    return this.reading;
  }
}
