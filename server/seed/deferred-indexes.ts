/**
 * Bulk loads with the indexes built afterwards. Inserting millions of rows into a table with its secondary
 * indexes and foreign keys costs a B-tree (or GiST) insertion per index and a key lookup per foreign key and
 * row; building an index once from the finished table is a sort, and validating a foreign key once is one
 * join. So the seed drops the secondary indexes, unique constraints and foreign keys of the tables it fills,
 * loads, and builds them again from the catalogue's own definitions — the same names and definitions as the
 * migrations made (deferred-indexes.spec.ts compares the catalogue before and after).
 *
 * Not inside a transaction: the drop and the rebuild are scripts on the database (Database.execScript), and the
 * rebuild runs also when the load fails, so a failed seed never leaves a table without its indexes. The load's
 * own statements must not need the dropped indexes (primary keys stay).
 */
import type { Database } from '../db/database.js';
import { listDeferrableIndexes } from './deferred-indexes.sql.js';

export interface DeferredIndex {
  kind: 'index' | 'unique' | 'foreign key';
  name: string;
  drop_sql: string;
  create_sql: string;
}

/** The drop and rebuild scripts of the tables' deferrable indexes (listDeferrableIndexes). */
export async function deferrableIndexes(db: Database, tables: readonly string[]): Promise<DeferredIndex[]> {
  return db.query<DeferredIndex>(listDeferrableIndexes, [tables]);
}

/** Run `load` with the secondary indexes, unique constraints and foreign keys of `tables` dropped; rebuild them after. */
export async function withIndexesDeferred<T>(
  db: Database,
  tables: readonly string[],
  load: () => Promise<T>,
  progress?: (step: string, detail?: Record<string, unknown>) => void,
): Promise<T> {
  const deferred = await deferrableIndexes(db, tables);
  if (deferred.length === 0) return load();
  const script = (lines: string[]) => lines.map((line) => `${line};`).join('\n');
  await db.execScript('seed.drop_deferred_indexes', script(deferred.map((d) => d.drop_sql).reverse()));
  const rebuild = () => db.execScript('seed.build_deferred_indexes', script(deferred.map((d) => d.create_sql)));
  let result: T;
  try {
    result = await load();
  } catch (error) {
    // Put the indexes back, but report the load's failure, not a consequence of it.
    await rebuild().catch(() => undefined);
    throw error;
  }
  const started = performance.now();
  await rebuild();
  progress?.(`indexes of ${tables.join(', ')} built`, { count: deferred.length, ms: Math.round(performance.now() - started) });
  return result;
}
