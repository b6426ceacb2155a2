/**
 * The spatial extents of all collections, computed by one full-scan query (ogc.extents) and kept for
 * a short time: /collections is read by every client on connect, and scanning 320,000 road edges each
 * time would stall the embedded database, which runs one query at a time. Concurrent callers share one
 * computation; a failure is not cached.
 */
import type { Clock } from '../clock/clock.js';
import type { Queryable } from '../db/database.js';
import type { Extent } from './ogc-documents.js';
import { selectExtents } from './ogc.sql.js';

export const EXTENT_TTL_MS = 60_000;

interface ExtentRow {
  id: string;
  minx: number | null;
  miny: number | null;
  maxx: number | null;
  maxy: number | null;
}

export interface ExtentCache {
  extents(): Promise<ReadonlyMap<string, Extent>>;
}

export function createExtentCache(db: Queryable, clock: Clock, ttlMs = EXTENT_TTL_MS): ExtentCache {
  let cached: { at: number; value: Promise<ReadonlyMap<string, Extent>> } | undefined;
  const load = async (): Promise<ReadonlyMap<string, Extent>> => {
    const rows = await db.query<ExtentRow>(selectExtents);
    return new Map(
      rows.map((r): [string, Extent] => [
        r.id,
        r.minx === null || r.miny === null || r.maxx === null || r.maxy === null ? null : [r.minx, r.miny, r.maxx, r.maxy],
      ]),
    );
  };
  return {
    extents() {
      const now = clock.now().getTime();
      if (!cached || now - cached.at >= ttlMs || now < cached.at) {
        const value = load();
        const entry = { at: now, value };
        cached = entry;
        value.catch(() => {
          if (cached === entry) cached = undefined;
        });
      }
      return cached.value;
    },
  };
}
