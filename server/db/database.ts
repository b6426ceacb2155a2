/**
 * The one database module. Everything that talks to PostgreSQL goes through a `Database`:
 * named statements (for timing logs; parameters are never logged), transactions, and the
 * capabilities detected at start-up. Two drivers implement it: a `pg` Pool (production, DATABASE_URL)
 * and an embedded PGlite instance (one session, serialised by the driver).
 */
export interface SqlStatement {
  readonly name: string;
  readonly text: string;
}

const definedStatements = new Map<string, string>();

/**
 * Declare a named SQL statement. Values are bind parameters ($1, $2 …) only. The name is also the name of
 * the prepared statement on a real PostgreSQL, so one name must always mean one text: a second, different
 * text under a used name throws here, at load time.
 */
export function defineSql(name: string, text: string): SqlStatement {
  const known = definedStatements.get(name);
  if (known !== undefined && known !== text) throw new Error(`SQL statement "${name}" is defined twice with different text`);
  definedStatements.set(name, text);
  return Object.freeze({ name, text });
}

export interface Queryable {
  query<T = Record<string, unknown>>(statement: SqlStatement, params?: readonly unknown[]): Promise<T[]>;
}

export type DatabaseMode = 'embedded' | 'postgres';

export interface Capabilities {
  postgisVersion: string;
  postgresVersion: string;
  geosVersion: string;
  asMvt: boolean;
  coverageFunctions: boolean;
  pgRouting: boolean;
  missingSpatialIndexes: string[];
  /** Spatial predicates are LEAKPROOF, so they use GiST indexes under row-level security (migration 0006). */
  spatialIndexesUnderRls: boolean;
}

export interface Database extends Queryable {
  readonly mode: DatabaseMode;
  /** user@db@host for the real database, the data directory for the embedded one. Never a password. */
  readonly description: string;
  /**
   * Run fn in one transaction. `preamble` is trusted SQL without parameters run in the same round trip as
   * BEGIN (the scope settings); never build it from request strings.
   */
  withTransaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { preamble?: string }): Promise<T>;
  /**
   * One statement in a scope without a transaction: the driver sets the scope at session level on the
   * connection it uses (`sessionScopePreamble`) and remembers it, so that consecutive requests of one scope
   * cost no extra round trip; an unscoped query on a scoped connection resets it first.
   */
  queryInScope<T = Record<string, unknown>>(scope: DataScope, statement: SqlStatement, params?: readonly unknown[]): Promise<T[]>;
  /** Run a multi-statement script without parameters (migrations, seed steps), without the statement timeout. */
  execScript(name: string, script: string): Promise<void>;
  /**
   * Run bulk maintenance (the seed, migrations, rebuilds) on a view of this database whose statements have no
   * statement timeout: STATEMENT_TIMEOUT_MS is for requests, and the whole city's seed has statements of
   * minutes. The real-database driver opens a short-lived pool of its own for fn (`statement_timeout = 0` on
   * each of its connections) and closes it after; requests keep the timed pool. The embedded driver lifts its
   * deadline and hands over a view of the same session without it. Never pass the maintenance view to request handlers.
   */
  maintenance<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * Real PostgreSQL only (absent on the embedded database, which is one process by definition): LISTEN on
   * `channel` over a dedicated connection outside the pool. The connection reconnects after a database restart
   * (back-off up to 5 s) and LISTENs again; `onReconnect` then runs, since notifications sent meanwhile are lost.
   */
  listen?(channel: string, handlers: { onNotify(payload: string): void; onReconnect?(): void }): Promise<DatabaseListener>;
  /**
   * Real PostgreSQL only: one dedicated session outside the pool (for session-level advisory locks: the lock lives
   * exactly as long as this connection). Statements fail once the connection is lost; `lost` is then true.
   */
  dedicatedSession?(purpose: string): Promise<DedicatedSession>;
  /** Real PostgreSQL only: the request pool's connections (metrics). */
  poolStats?(): { total: number; idle: number; waiting: number };
}

export interface DatabaseListener {
  /** True while the LISTEN connection is up. */
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface DedicatedSession extends Queryable {
  /** The connection ended or failed: everything held on it (advisory locks) is gone. */
  readonly lost: boolean;
  close(): Promise<void>;
}

/** Error raised by a driver: carries the PostgreSQL SQLSTATE; the message is for logs only. */
export class DatabaseError extends Error {
  constructor(
    readonly statementName: string,
    readonly sqlState: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${statementName}: ${message}`, options);
  }
  get isTimeout(): boolean {
    return this.sqlState === '57014';
  }
  /**
   * The database is not there (restarting, shutting down, connection lost or refused): class 08 and the shutdown
   * states 57P01–57P03. The request may be retried once it is back (503 `database_unavailable`).
   */
  get isUnavailable(): boolean {
    return this.sqlState !== undefined && (this.sqlState.startsWith('08') || /^57P0[123]$/.test(this.sqlState));
  }
}

/**
 * Who is asking: every request after authentication queries through a scope, so that row-level security
 * (migration 0004) limits it to its jurisdiction whatever a query forgets to filter.
 */
export interface DataScope {
  /** A unit code (the caller sees that unit's subtree), or 'city'. */
  jurisdiction: string;
  accountId: number | null;
  role: string;
  /** The worker a field-worker account acts as: it sees the cases assigned to it wherever they are. */
  workerCode?: string | null;
}

/**
 * The settings that enter a scope, as SQL text sent with BEGIN in one round trip. Every value is checked
 * against a strict pattern first, so nothing from a request reaches the text unvalidated.
 */
export function scopePreamble(scope: DataScope, level: 'transaction' | 'session' = 'transaction'): string {
  if (!/^(city|\d{6,18})$/.test(scope.jurisdiction)) throw new Error(`invalid jurisdiction ${scope.jurisdiction}`);
  if (scope.accountId !== null && !Number.isSafeInteger(scope.accountId)) throw new Error('invalid account id');
  if (!/^[a-z_]{1,20}$/.test(scope.role)) throw new Error(`invalid role ${scope.role}`);
  const worker = scope.workerCode ?? '';
  if (!/^(W\d{20})?$/.test(worker)) throw new Error('invalid worker code');
  const account = scope.accountId === null ? '' : String(scope.accountId);
  const local = level === 'transaction';
  return (
    `SELECT set_config('role', 'gridops_app', ${local}), set_config('gridops.jurisdiction', '${scope.jurisdiction}', ${local}), ` +
    `set_config('gridops.account_id', '${account}', ${local}), set_config('gridops.role', '${scope.role}', ${local}), ` +
    `set_config('gridops.worker_code', '${worker}', ${local}), ` +
    // Requests run the same few prepared statements over and over: plan them once. Without this, PostgreSQL
    // keeps re-planning statements under row-level security (custom plans), half the time of a locate.
    `set_config('plan_cache_mode', 'force_generic_plan', ${local})`
  );
}

/** Leaves a session scope: back to the connecting role, no jurisdiction (RLS then shows nothing). */
export const RESET_SESSION_SCOPE =
  `RESET ROLE; RESET plan_cache_mode; SELECT set_config('gridops.jurisdiction', '', false), set_config('gridops.account_id', '', false), ` +
  `set_config('gridops.role', '', false), set_config('gridops.worker_code', '', false)`;

/** Run fn in a transaction as the application role, with the caller's jurisdiction set for RLS. */
export function withScope<T>(db: Database, scope: DataScope, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.withTransaction(fn, { preamble: scopePreamble(scope) });
}

export type QueryTimingListener = (statementName: string, milliseconds: number, rows: number) => void;
