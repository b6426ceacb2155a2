/** Production driver: a node-postgres Pool against a real PostgreSQL/PostGIS. The only file importing `pg`. */
import pg from 'pg';
import { redactDatabaseUrl } from '../config/load-config.js';
import { Database, DatabaseError, DataScope, Queryable, QueryTimingListener, RESET_SESSION_SCOPE, scopePreamble, SqlStatement } from './database.js';

// Return bigint counts and numerics as JS numbers: every count here fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

function wrap(statement: SqlStatement, error: unknown): DatabaseError {
  const e = error as { code?: string; message?: string };
  return new DatabaseError(statement.name, e?.code, e?.message ?? String(error), { cause: error });
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
}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    // As a start-up option of each connection (-c), so that 0 also means none: pg leaves a falsy
    // `statement_timeout` out, and the role's or the database's own setting would then apply.
    options: `-c statement_timeout=${Math.max(0, Math.round(options.statementTimeoutMs))}`,
    application_name: 'gridops',
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => undefined);
  // The session scope each pooled connection is in (the preamble text), absent when unscoped.
  const sessionScope = new WeakMap<pg.PoolClient, string>();
  const connectIn = async (wanted: string | null): Promise<pg.PoolClient> => {
    const client = await pool.connect();
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
      const client = txOptions?.preamble ? await pool.connect() : await connectIn(null);
      try {
        // BEGIN and the preamble in one simple-protocol round trip.
        await client.query(txOptions?.preamble ? `BEGIN; ${txOptions.preamble}` : 'BEGIN');
        const result = await fn(makeQueryable(client, options.onTiming));
        await client.query('COMMIT');
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
      const untimed = await openPostgresDatabase({ ...options, poolSize: Math.min(options.poolSize, MAINTENANCE_POOL_SIZE), statementTimeoutMs: 0 });
      try {
        return await fn(untimed);
      } finally {
        await untimed.close();
      }
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
  return database;
}
