/**
 * What authentication attaches to a request: who is calling, and a database handle scoped to them.
 * Route handlers use `scopedDb(req)`; they never receive the unscoped database.
 */
import type { Request } from 'express';
import { DataScope, Database, Queryable, withScope } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { Role } from '../contract/incident-vocabulary.js';

export interface AuthContext {
  accountId: number | null;
  username: string | null;
  displayName: string;
  role: Role;
  /** A unit code or 'city'. */
  jurisdiction: string;
  /** The worker a field-worker account acts as. */
  workerCode: string | null;
  via: 'session' | 'screen_token';
  csrfToken?: string;
  sessionTokenHash?: string;
  screenTokenId?: number;
}

export interface ScopedDb extends Queryable {
  /** Several statements in one transaction, in the caller's scope. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
    scoped?: ScopedDb;
    /** The same scope on the read replica (DATABASE_READ_URL); absent when there is none. */
    readScoped?: ScopedDb;
  }
}

export function scopeOf(auth: AuthContext): DataScope {
  return { jurisdiction: auth.jurisdiction, accountId: auth.accountId, role: auth.role, workerCode: auth.workerCode };
}

export function createScopedDb(db: Database, auth: AuthContext): ScopedDb {
  const scope = scopeOf(auth);
  return {
    query: (statement, params) => db.queryInScope(scope, statement, params),
    transaction: (fn) => withScope(db, scope, fn),
  };
}

/** The caller's scoped database; only routes behind access() reach here, so a missing one is a bug. */
export function scopedDb(req: Request): ScopedDb {
  if (!req.scoped) throw new AppError(500, 'internal_error', 'request has no database scope');
  return req.scoped;
}

/**
 * The caller's scoped database for reads that may lag the primary by a replication delay (statistics, tiles, OGC
 * reads): the read replica when DATABASE_READ_URL is set, else the same as scopedDb(req). Never write through it (the
 * replica pool is read-only: a write fails).
 */
export function readScopedDb(req: Request): ScopedDb {
  return req.readScoped ?? scopedDb(req);
}

export function authOf(req: Request): AuthContext {
  if (!req.auth) throw new AppError(401, 'authentication_required', 'Sign in first');
  return req.auth;
}
