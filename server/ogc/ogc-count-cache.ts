/**
 * numberMatched without counting on every request. For tables with a revision (units and road_edges:
 * migration 0026; cameras and sensors: tile_layer_revisions, migration 0009) a count is kept under the key
 * (caller's scope, statement, parameters, table revision): while the table is unchanged the count is exact;
 * any change bumps the revision and the next request counts again. The revision is read before counting, so
 * a change that commits in between is counted now and only re-counted once more. Live tables (incidents,
 * workers) are counted every time, with a lower cap (ogc.sql.ts). At most `maxEntries` counts are kept.
 */
import { defineSql, type Queryable } from '../db/database.js';
import type { OgcCollection } from './ogc-collections.js';
import { COUNT_CAP, LIVE_COUNT_CAP, type Query } from './ogc.sql.js';

/** Params: $1 table name. Result: revision (text), zero or one row. Both tables are tiny and have no RLS. */
export const readTableRevision = defineSql(
  'ogc.table_revision',
  `SELECT revision::text AS revision FROM table_revisions WHERE table_name = $1
   UNION ALL SELECT revision::text FROM tile_layer_revisions WHERE layer = $1`,
);

const REVISIONED_TABLES: ReadonlySet<string> = new Set(['units', 'road_edges', 'cameras', 'sensors']);

export interface CountCache {
  /** numberMatched for this query in this scope, or undefined when it passes the cap. */
  numberMatched(db: Queryable, scopeKey: string, c: OgcCollection, count: (cap: number) => Query): Promise<number | undefined>;
  readonly size: number;
}

export function createCountCache(maxEntries = 2000): CountCache {
  const entries = new Map<string, number>();
  const run = async (db: Queryable, q: Query) => (await db.query<{ n: number }>(q.statement, q.params))[0]?.n ?? 0;
  return {
    get size() {
      return entries.size;
    },
    async numberMatched(db, scopeKey, c, count) {
      if (!REVISIONED_TABLES.has(c.table)) {
        const n = await run(db, count(LIVE_COUNT_CAP));
        return n <= LIVE_COUNT_CAP ? n : undefined;
      }
      const [row] = await db.query<{ revision: string }>(readTableRevision, [c.table]);
      const q = count(COUNT_CAP);
      const key = row ? JSON.stringify([scopeKey, q.statement.name, q.params, row.revision]) : undefined;
      let n = key === undefined ? undefined : entries.get(key);
      if (n === undefined) {
        n = await run(db, q);
        if (key !== undefined) {
          entries.set(key, n);
          if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
        }
      } else if (key !== undefined) {
        // Most recently used last: the oldest entry is the one evicted.
        entries.delete(key);
        entries.set(key, n);
      }
      return n <= COUNT_CAP ? n : undefined;
    },
  };
}
