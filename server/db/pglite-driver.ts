/**
 * Embedded driver: PGlite (PostgreSQL 18 compiled to WebAssembly) with PostGIS, in this process.
 * PGlite is one session, so the driver serialises everything: a query waits for a running
 * transaction to finish. The data directory is locked so that a second process cannot open it.
 */
import fs from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import lockfile from 'proper-lockfile';
import { Database, DatabaseError, DataScope, Queryable, QueryTimingListener, RESET_SESSION_SCOPE, scopePreamble, SqlStatement } from './database.js';

function wrap(statement: SqlStatement, error: unknown): DatabaseError {
  const e = error as { code?: string; message?: string };
  return new DatabaseError(statement.name, e?.code, e?.message ?? String(error), { cause: error });
}

/** Convert PGlite's bigint/numeric results to numbers like the pg driver does. */
const parsers = {
  20: (v: string) => Number(v),
  1700: (v: string) => Number(v),
};

class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export class EmbeddedDatabaseLockedError extends Error {}

export async function openEmbeddedDatabase(options: {
  /** A directory, or undefined for an in-memory database. */
  dataDir?: string;
  /** A dump (from dumpEmbeddedDatabase) to start from, in memory. */
  loadDump?: Blob;
  onTiming?: QueryTimingListener;
}): Promise<Database & { dump(): Promise<Blob> }> {
  let release: (() => Promise<void>) | undefined;
  if (options.dataDir) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    try {
      release = await lockfile.lock(options.dataDir, { stale: 30_000, update: 10_000, realpath: false });
    } catch {
      throw new EmbeddedDatabaseLockedError(
        `the embedded database at ${options.dataDir} is in use by another process; stop it or set PGLITE_DATA_DIR`,
      );
    }
  }
  const pglite = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDump,
    extensions: { postgis },
    parsers,
  });
  const queue = new SerialQueue();
  const run = async <T>(
    target: PGlite | Transaction,
    statement: SqlStatement,
    params: readonly unknown[],
  ): Promise<T[]> => {
    const started = performance.now();
    try {
      const result = await target.query<T>(statement.text, params as unknown[]);
      options.onTiming?.(statement.name, performance.now() - started, result.rows.length);
      return result.rows;
    } catch (error) {
      throw wrap(statement, error);
    }
  };
  // The session scope of the one session (the preamble text), null when unscoped. Only touched inside the queue.
  let sessionScope: string | null = null;
  const enter = async (wanted: string | null) => {
    if (sessionScope === wanted) return;
    try {
      await pglite.exec(wanted ?? RESET_SESSION_SCOPE);
      sessionScope = wanted;
    } catch (error) {
      // Unknown state: force a reset before the next unscoped use.
      sessionScope = 'unknown';
      throw wrap({ name: 'scope.session', text: '' }, error);
    }
  };
  const database: Database & { dump(): Promise<Blob> } = {
    mode: 'embedded',
    description: options.dataDir ? `embedded PGlite at ${options.dataDir}` : 'embedded PGlite in memory',
    query: <T>(statement: SqlStatement, params: readonly unknown[] = []) =>
      queue.run(async () => {
        await enter(null);
        return run<T>(pglite, statement, params);
      }),
    queryInScope: <T>(scope: DataScope, statement: SqlStatement, params: readonly unknown[] = []) =>
      queue.run(async () => {
        await enter(scopePreamble(scope, 'session'));
        return run<T>(pglite, statement, params);
      }),
    withTransaction: <T>(fn: (tx: Queryable) => Promise<T>, txOptions?: { preamble?: string }) =>
      queue.run(async () => {
        // A scoped transaction overrides every setting locally; an unscoped one needs an unscoped session.
        if (!txOptions?.preamble) await enter(null);
        return pglite.transaction(async (tx) => {
          if (txOptions?.preamble) await tx.exec(txOptions.preamble);
          return fn({ query: <R>(s: SqlStatement, p: readonly unknown[] = []) => run<R>(tx, s, p) });
        });
      }),
    execScript: (name: string, script: string) =>
      queue.run(async () => {
        await enter(null);
        try {
          await pglite.exec(script);
        } catch (error) {
          throw wrap({ name, text: '' }, error);
        }
      }),
    dump: () =>
      queue.run(async () => {
        await enter(null);
        return pglite.dumpDataDir('gzip');
      }),
    // No statement timeout here to lift: maintenance runs on the one session like everything else.
    maintenance: (fn) => fn(database),
    async close(): Promise<void> {
      await queue.run(() => pglite.close());
      await release?.();
    },
  };
  return database;
}
