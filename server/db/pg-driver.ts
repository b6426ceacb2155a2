/** Production driver: a node-postgres Pool against a real PostgreSQL/PostGIS. The only file importing `pg`. */
import pg from 'pg';
import { redactDatabaseUrl } from '../config/load-config.js';
import {
  Database,
  DatabaseError,
  type DatabaseListener,
  DataScope,
  type DedicatedSession,
  Queryable,
  QueryTimingListener,
  RESET_SESSION_SCOPE,
  scopePreamble,
  SqlStatement,
} from './database.js';

// Return bigint counts and numerics as JS numbers: every count here fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/**
 * The SQLSTATE of a failure. A connection that cannot be made (ECONNREFUSED, …: a socket error, not a server
 * answer) is 08001; one lost underneath a query (pg's "Connection terminated", ECONNRESET, EPIPE) is 08006, so that
 * a database restart reads as "unavailable" (DatabaseError.isUnavailable), not as a bug.
 */
export function sqlStateOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code && /^[0-9A-Z]{5}$/.test(code)) return code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT') return '08001';
  if (code === 'ECONNRESET' || code === 'EPIPE') return '08006';
  if (typeof e?.message === 'string' && /^Connection terminated|^Client has encountered a connection error/.test(e.message)) return '08006';
  return code;
}

function wrap(statement: SqlStatement, error: unknown): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const e = error as { message?: string };
  return new DatabaseError(statement.name, sqlStateOf(error), e?.message ?? String(error), { cause: error });
}

/** pool.connect() with its failure as a DatabaseError (08001 when the database cannot be reached). */
async function connectPool(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw wrap({ name: 'pool.connect', text: '' }, error);
  }
}

function makeQueryable(client: pg.PoolClient, onTiming?: QueryTimingListener): Queryable {
  return {
    async query<T>(statement: SqlStatement, params: readonly unknown[] = []): Promise<T[]> {
      const started = performance.now();
      try {
        // Named: prepared once per connection, so hot statements are not planned from scratch every time.
        const result = await client.query({ name: statement.name, text: statement.text, values: params as unknown[] });
        onTiming?.(statement.name, performance.now() - started, result.rowCount ?? 0);
        return result.rows as T[];
      } catch (error) {
        throw wrap(statement, error);
      }
    },
  };
}

/** Connections of maintenance work (the seed, migrations) at most: it runs one statement at a time. */
const MAINTENANCE_POOL_SIZE = 2;

export async function openPostgresDatabase(options: {
  url: string;
  poolSize: number;
  /** Requests' statement timeout; 0 = none (set on each connection: a role's or database's setting is overridden). */
  statementTimeoutMs: number;
  onTiming?: QueryTimingListener;
  /**
   * Append every committed incident change to the live event log (migration 0021: `-c gridops.live_log=on` on each
   * pooled connection). Set for a deployment's request pool; never for maintenance (seed, migrations).
   */
  liveLog?: boolean;
  /** application_name of the pool's connections (pg_stat_activity); 'gridops' when absent. */
  applicationName?: string;
  /**
   * A read-only pool (the read replica, DATABASE_READ_URL): `default_transaction_read_only` on each connection, so a
   * write sent through it by mistake fails (25006) on a primary too, not only on a hot standby.
   */
  readOnly?: boolean;
}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    // As a start-up option of each connection (-c), so that 0 also means none: pg leaves a falsy
    // `statement_timeout` out, and the role's or the database's own setting would then apply.
    options:
      `-c statement_timeout=${Math.max(0, Math.round(options.statementTimeoutMs))}${options.liveLog ? ' -c gridops.live_log=on' : ''}` +
      (options.readOnly ? ' -c default_transaction_read_only=on' : ''),
    application_name: options.applicationName ?? 'gridops',
  });
  /** Dedicated connections (LISTEN, advisory-lock sessions), closed with the database. */
  const dedicated = new Set<{ close(): Promise<void> }>();
  const openClient = async (purpose: string): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: options.url, application_name: `gridops-${purpose}`, keepAlive: true });
    // A failed connection must not crash the process: the owner notices through 'end'.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => undefined);
  // The session scope each pooled connection is in (the preamble text), absent when unscoped.
  const sessionScope = new WeakMap<pg.PoolClient, string>();
  const connectIn = async (wanted: string | null): Promise<pg.PoolClient> => {
    const client = await connectPool(pool);
    const current = sessionScope.get(client) ?? null;
    if (current === wanted) return client;
    try {
      await client.query(wanted ?? RESET_SESSION_SCOPE);
    } catch (error) {
      // A connection whose scope is unknown is not reused.
      sessionScope.delete(client);
      client.release(error as Error);
      throw wrap({ name: 'scope.session', text: '' }, error);
    }
    if (wanted === null) sessionScope.delete(client);
    else sessionScope.set(client, wanted);
    return client;
  };
  const runOn = async <T>(wanted: string | null, statement: SqlStatement, params: readonly unknown[]): Promise<T[]> => {
    const client = await connectIn(wanted);
    try {
      return await makeQueryable(client, options.onTiming).query<T>(statement, params);
    } finally {
      client.release();
    }
  };
  const database: Database = {
    mode: 'postgres',
    description: redactDatabaseUrl(options.url),
    query: <T>(statement: SqlStatement, params: readonly unknown[] = []) => runOn<T>(null, statement, params),
    queryInScope: <T>(scope: DataScope, statement: SqlStatement, params: readonly unknown[] = []) =>
      runOn<T>(scopePreamble(scope, 'session'), statement, params),
    async withTransaction<T>(fn: (tx: Queryable) => Promise<T>, txOptions?: { preamble?: string }): Promise<T> {
      // A scoped transaction overrides every setting locally; an unscoped one needs an unscoped session.
      const client = txOptions?.preamble ? await connectPool(pool) : await connectIn(null);
      try {
        // BEGIN and the preamble in one simple-protocol round trip.
        await client.query(txOptions?.preamble ? `BEGIN; ${txOptions.preamble}` : 'BEGIN').catch((error: unknown) => {
          throw wrap({ name: 'transaction.begin', text: '' }, error);
        });
        const result = await fn(makeQueryable(client, options.onTiming));
        await client.query('COMMIT').catch((error: unknown) => {
          throw wrap({ name: 'transaction.commit', text: '' }, error);
        });
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async execScript(name: string, script: string): Promise<void> {
      const client = await connectIn(null);
      try {
        await client.query('SET statement_timeout = 0');
        await client.query(script);
      } catch (error) {
        throw wrap({ name, text: '' }, error);
      } finally {
        await client.query('RESET statement_timeout').catch(() => undefined);
        client.release();
      }
    },
    async maintenance<T>(fn: (db: Database) => Promise<T>): Promise<T> {
      if (options.statementTimeoutMs === 0) return fn(database);
      const untimed = await openPostgresDatabase({
        ...options,
        poolSize: Math.min(options.poolSize, MAINTENANCE_POOL_SIZE),
        statementTimeoutMs: 0,
        liveLog: false,
      });
      try {
        return await fn(untimed);
      } finally {
        await untimed.close();
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async listen(channel, handlers): Promise<DatabaseListener> {
      if (!/^[a-z_]{1,63}$/.test(channel)) throw new Error(`invalid channel ${channel}`);
      let client: pg.Client | null = null;
      let closed = false;
      let delayMs = 250;
      let timer: NodeJS.Timeout | null = null;
      const connect = async (): Promise<void> => {
        const next = await openClient('listen');
        next.on('notification', (message) => {
          if (message.channel === channel) handlers.onNotify(message.payload ?? '');
        });
        next.on('end', () => {
          if (client !== next) return;
          client = null;
          if (!closed) schedule();
        });
        await next.query(`LISTEN ${channel}`);
        if (closed) {
          await next.end().catch(() => undefined);
          return;
        }
        client = next;
        delayMs = 250;
      };
      const schedule = () => {
        timer = setTimeout(() => {
          timer = null;
          connect().then(
            () => handlers.onReconnect?.(),
            () => {
              delayMs = Math.min(delayMs * 2, 5000);
              if (!closed) schedule();
            },
          );
        }, delayMs);
        timer.unref();
      };
      await connect();
      const listener = {
        get connected() {
          return client !== null;
        },
        async close() {
          closed = true;
          dedicated.delete(listener);
          if (timer) clearTimeout(timer);
          const current = client;
          client = null;
          await current?.end().catch(() => undefined);
        },
      };
      dedicated.add(listener);
      return listener;
    },
    async dedicatedSession(purpose): Promise<DedicatedSession> {
      const client = await openClient(purpose);
      let lost = false;
      client.on('end', () => {
        lost = true;
      });
      const queryable = makeQueryable(client as unknown as pg.PoolClient, options.onTiming);
      const session: DedicatedSession = {
        get lost() {
          return lost;
        },
        async query<T>(statement: SqlStatement, params: readonly unknown[] = []): Promise<T[]> {
          if (lost) throw new DatabaseError(statement.name, '08003', 'the dedicated session was lost');
          return queryable.query<T>(statement, params);
        },
        async close() {
          dedicated.delete(session);
          lost = true;
          await client.end().catch(() => undefined);
        },
      };
      dedicated.add(session);
      return session;
    },
    async close(): Promise<void> {
      await Promise.all([...dedicated].map((d) => d.close()));
      await pool.end();
    },
  };
  return database;
}
