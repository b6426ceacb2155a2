/**
 * Embedded driver: PGlite (PostgreSQL 18 compiled to WebAssembly) with PostGIS, on a worker thread of its own
 * (pglite-worker.ts; issue 18) so that a long statement never blocks the HTTP thread's event loop: health
 * checks, the live channel and requests that need no database keep answering while it runs.
 *
 * PGlite is one session, so this side serialises everything (a query waits for a running transaction to
 * finish), keeps the session scope (`queryInScope`) and sends one message per statement to the worker.
 * The data directory is locked here, on the main thread, so that a second process cannot open it (the lock's
 * keep-alive must not depend on the busy thread).
 *
 * Deadline (`statementTimeoutMs`, STATEMENT_TIMEOUT_MS for the server; 0 = none): a query's wait for the
 * session plus its run, a transaction's wait for the session, and each statement of a transaction must end
 * within it, or the caller gets a DatabaseError with SQLSTATE 57014 — the same as a real PostgreSQL's
 * statement timeout, which the error middleware answers 503 `database_timeout`. PGlite cannot be interrupted
 * inside a statement (it has no statement_timeout: no timer runs while the WebAssembly code does), so the
 * statement that ran out of time finishes in the worker and its result is dropped; a transaction it belonged
 * to is rolled back. Until then the session stays taken: later operations queue behind it, and each one whose
 * deadline passes while it waits is answered 57014 at its deadline and never runs, so the backlog cannot
 * grow beyond what the deadline allows. Killing the worker instead was rejected: an in-memory database
 * (the test copies) would be lost, and reopening the city's data directory takes seconds of start-up and a
 * crash recovery on every timeout. `maintenance(fn)`, `execScript` and `dump` have no deadline.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import lockfile from 'proper-lockfile';
import { Database, DatabaseError, DataScope, Queryable, QueryTimingListener, RESET_SESSION_SCOPE, scopePreamble, SqlStatement } from './database.js';
import type { WorkerAnswer, WorkerRequest } from './pglite-worker.js';

/** SQLSTATE query_canceled: what a real PostgreSQL's statement timeout raises. */
const QUERY_CANCELED = '57014';

function deadlineError(name: string, timeoutMs: number): DatabaseError {
  return new DatabaseError(name, QUERY_CANCELED, `no answer within the deadline of ${timeoutMs} ms (embedded database busy or statement too slow)`);
}

class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

type WorkerCommand = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;
type WorkerReply = Exclude<WorkerAnswer, { error: unknown }>;

/** The worker thread and its pending answers. */
class WorkerLink {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (a: WorkerReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor() {
    // From the TypeScript sources (tsx, Vitest) the worker is TypeScript too: a two-line entry registers tsx's
    // loader in the thread, then imports it (Node 20 does not apply an --import loader to a worker's entry).
    if (import.meta.url.endsWith('.ts')) {
      const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
      const tsx = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
      const entry = new URL('./pglite-worker.ts', import.meta.url).href;
      const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
      this.worker = new Worker(bootstrap, { eval: true });
    } else {
      this.worker = new Worker(new URL('./pglite-worker.js', import.meta.url));
    }
    this.worker.unref();
    this.worker.on('message', (answer: WorkerAnswer) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in answer) {
        const error = new Error(answer.error.message) as Error & { code?: string };
        error.code = answer.error.code;
        waiting.reject(error);
      } else {
        waiting.resolve(answer);
      }
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiting of this.pending.values()) waiting.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('error', (error) => fail(new Error(`the embedded database's thread failed: ${error.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`the embedded database's thread ended (exit code ${code})`)));
  }

  call(command: WorkerCommand, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...command, id }, transfer);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

export class EmbeddedDatabaseLockedError extends Error {}

export type EmbeddedDatabase = Database & { dump(): Promise<Blob> };

export async function openEmbeddedDatabase(options: {
  /** A directory, or undefined for an in-memory database. */
  dataDir?: string;
  /** A dump (from dumpEmbeddedDatabase) to start from, in memory. */
  loadDump?: Blob;
  onTiming?: QueryTimingListener;
  /** The requests' deadline in milliseconds (see the header); 0 or absent = none. */
  statementTimeoutMs?: number;
}): Promise<EmbeddedDatabase> {
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
  const link = new WorkerLink();
  try {
    const dump = options.loadDump ? await options.loadDump.arrayBuffer() : undefined;
    await link.call({ op: 'open', dataDir: options.dataDir, dump }, dump ? [dump] : []);
  } catch (error) {
    await link.terminate();
    await release?.();
    throw error;
  }

  const queue = new SerialQueue();

  const wrap = (name: string, error: unknown): DatabaseError => {
    if (error instanceof DatabaseError) return error;
    const e = error as { code?: string; message?: string };
    return new DatabaseError(name, e?.code, e?.message ?? String(error), { cause: error });
  };
  /** One statement on the worker; the caller holds the queue. */
  const runStatement = async <T>(statement: SqlStatement, params: readonly unknown[]): Promise<T[]> => {
    const started = performance.now();
    try {
      const { rows = [] } = await link.call({ op: 'query', text: statement.text, params: [...params] });
      options.onTiming?.(statement.name, performance.now() - started, rows.length);
      return rows as T[];
    } catch (error) {
      throw wrap(statement.name, error);
    }
  };
  const exec = async (name: string, text: string): Promise<void> => {
    try {
      await link.call({ op: 'exec', text });
    } catch (error) {
      throw wrap(name, error);
    }
  };

  // The session scope of the one session (the preamble text), null when unscoped. Only touched inside the queue.
  let sessionScope: string | null = null;
  const enter = async (wanted: string | null) => {
    if (sessionScope === wanted) return;
    try {
      await exec('scope.session', wanted ?? RESET_SESSION_SCOPE);
      sessionScope = wanted;
    } catch (error) {
      // Unknown state: force a reset before the next unscoped use.
      sessionScope = 'unknown';
      throw error;
    }
  };

  /**
   * Run work on the session in its turn and answer the caller by the deadline: `whole` → the wait and the work
   * together; otherwise only the wait (a transaction times its statements itself and calls `fail`). Work whose
   * deadline passed while it waited never starts.
   */
  const scheduled = <T>(name: string, timeoutMs: number, whole: boolean, work: (fail: (error: Error) => void) => Promise<T>): Promise<T> => {
    if (timeoutMs <= 0) return queue.run(() => work(() => undefined));
    return new Promise<T>((resolve, reject) => {
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        reject(deadlineError(name, timeoutMs));
      }, timeoutMs);
      void queue.run(async () => {
        if (expired) return;
        if (!whole) clearTimeout(timer);
        try {
          resolve(await work(reject));
        } catch (error) {
          reject(error as Error);
        } finally {
          clearTimeout(timer);
        }
      });
    });
  };

  /** A statement of a transaction within the deadline; on expiry the caller learns at once, the worker finishes. */
  const timedStatement = <T>(statement: SqlStatement, params: readonly unknown[], timeoutMs: number): Promise<T[]> => {
    const running = runStatement<T>(statement, params);
    if (timeoutMs <= 0) return running;
    return new Promise<T[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(deadlineError(statement.name, timeoutMs)), timeoutMs);
      running.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  };

  const view = (timeoutMs: number): Database => {
    const self: Database = {
      mode: 'embedded',
      description: options.dataDir ? `embedded PGlite at ${options.dataDir}` : 'embedded PGlite in memory',
      query: <T>(statement: SqlStatement, params: readonly unknown[] = []) =>
        scheduled(statement.name, timeoutMs, true, async () => {
          await enter(null);
          return runStatement<T>(statement, params);
        }),
      queryInScope: <T>(scope: DataScope, statement: SqlStatement, params: readonly unknown[] = []) =>
        scheduled(statement.name, timeoutMs, true, async () => {
          await enter(scopePreamble(scope, 'session'));
          return runStatement<T>(statement, params);
        }),
      withTransaction: <T>(fn: (tx: Queryable) => Promise<T>, txOptions?: { preamble?: string }) =>
        scheduled('transaction', timeoutMs, false, async (fail) => {
          // A scoped transaction overrides every setting locally; an unscoped one needs an unscoped session.
          if (!txOptions?.preamble) await enter(null);
          await exec('transaction.begin', txOptions?.preamble ? `BEGIN; ${txOptions.preamble}` : 'BEGIN');
          // A statement past its deadline dooms the transaction: the caller is answered now, every later
          // statement is refused, and the transaction is rolled back once the worker is done with it.
          let doomed: Error | undefined;
          const tx: Queryable = {
            query: <R>(statement: SqlStatement, params: readonly unknown[] = []) => {
              if (doomed) return Promise.reject(doomed);
              return timedStatement<R>(statement, params, timeoutMs).catch((error: unknown) => {
                if (error instanceof DatabaseError && error.isTimeout && !doomed) {
                  doomed = error;
                  fail(error);
                }
                throw error;
              });
            },
          };
          try {
            const result = await fn(tx);
            if (doomed) throw doomed;
            await exec('transaction.commit', 'COMMIT');
            return result;
          } catch (error) {
            await exec('transaction.rollback', 'ROLLBACK').catch(() => undefined);
            throw error;
          }
        }),
      execScript: (name: string, script: string) =>
        queue.run(async () => {
          await enter(null);
          await exec(name, script);
        }),
      maintenance: (fn) => fn(timeoutMs > 0 ? view(0) : self),
      close,
    };
    return self;
  };

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      try {
        await queue.run(() => link.call({ op: 'close' }));
      } finally {
        await link.terminate();
        await release?.();
      }
    })();
    return closing;
  }

  const timed = view(Math.max(0, options.statementTimeoutMs ?? 0));
  return {
    ...timed,
    dump: () =>
      queue.run(async () => {
        await enter(null);
        const { dump } = await link.call({ op: 'dump' });
        if (!dump) throw new DatabaseError('dump', undefined, 'the embedded database sent no dump');
        return new Blob([dump], { type: 'application/x-gzip' });
      }),
  };
}
