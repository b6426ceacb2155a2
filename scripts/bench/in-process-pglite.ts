/**
 * The benchmark's baseline for issue 18: the embedded database as it ran before it moved to a worker thread —
 * PGlite on the calling thread, one serialised session, no deadline. Only scripts/bench/ uses it, to measure
 * the same statements on both sides of the change in one run (round trip, whole tile, event-loop delay).
 * Scope settings are sent before each scoped statement (no session-scope memory: the bench runs unscoped).
 */
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { DatabaseError, scopePreamble, type Database, type Queryable, type SqlStatement } from '../../server/db/database.js';

class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export async function openInProcessPglite(dataDir: string): Promise<Database> {
  const pglite = await PGlite.create({ dataDir, extensions: { postgis }, parsers: { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) } });
  const queue = new SerialQueue();
  const run = async <T>(target: Pick<PGlite, 'query'>, statement: SqlStatement, params: readonly unknown[]): Promise<T[]> => {
    try {
      return (await target.query<T>(statement.text, params as unknown[])).rows;
    } catch (error) {
      const e = error as { code?: string; message?: string };
      throw new DatabaseError(statement.name, e?.code, e?.message ?? String(error), { cause: error });
    }
  };
  const database: Database = {
    mode: 'embedded',
    description: `in-process PGlite at ${dataDir} (bench baseline)`,
    query: <T>(statement: SqlStatement, params: readonly unknown[] = []) => queue.run(() => run<T>(pglite, statement, params)),
    queryInScope: <T>(scope: Parameters<Database['queryInScope']>[0], statement: SqlStatement, params: readonly unknown[] = []) =>
      queue.run(() =>
        pglite.transaction(async (tx) => {
          await tx.exec(scopePreamble(scope));
          return run<T>(tx, statement, params);
        }),
      ),
    withTransaction: <T>(fn: (tx: Queryable) => Promise<T>, options?: { preamble?: string }) =>
      queue.run(() =>
        pglite.transaction(async (tx) => {
          if (options?.preamble) await tx.exec(options.preamble);
          return fn({ query: <R>(s: SqlStatement, p: readonly unknown[] = []) => run<R>(tx, s, p) });
        }),
      ),
    execScript: (_name: string, script: string) => queue.run(async () => void (await pglite.exec(script))),
    maintenance: (fn) => fn(database),
    close: () => queue.run(() => pglite.close()),
  };
  return database;
}
