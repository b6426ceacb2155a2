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

/** Declare a named SQL statement. Values are bind parameters ($1, $2 …) only. */
export function defineSql(name: string, text: string): SqlStatement {
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
}

export interface Database extends Queryable {
  readonly mode: DatabaseMode;
  /** user@db@host for the real database, the data directory for the embedded one. Never a password. */
  readonly description: string;
  withTransaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Run a multi-statement script without parameters (migrations, seed steps). */
  execScript(name: string, script: string): Promise<void>;
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
}

export type QueryTimingListener = (statementName: string, milliseconds: number, rows: number) => void;
