/**
 * Authentication middleware: a session cookie (people) or a bearer screen token (video walls).
 * On success it attaches req.auth and req.scoped; without credentials the request goes on anonymous
 * and access() decides. Bad or expired credentials are treated as none.
 */
import type { Request, RequestHandler } from 'express';
import { parse as parseCookies } from 'cookie';
import { LRUCache } from 'lru-cache';
import type { Database } from '../db/database.js';
import { findScreenToken, findSessionAccount } from './auth.sql.js';
import { AuthContext, createScopedDb } from './request-context.js';
import { hashToken } from './secrets.js';
import { isRole } from '../contract/incident-vocabulary.js';
import { identifyScreenSession, isScreenSessionValue, screenPrincipal } from './screen-session.js';

export const SESSION_COOKIE = 'gridops_session';
const TOKEN_SHAPE = /^[a-z]{2,4}_[A-Za-z0-9_-]{20,100}$/;

/**
 * Credentials checked in the last few seconds, by the hash of the cookie or token header: saves a database
 * round trip on most requests. Logout, account changes and token revocation clear it at once on this
 * instance; on other instances of a scaled-out deployment a revoked credential works for at most this long.
 */
export const AUTH_CACHE_MS = 5_000;
export type AuthCache = LRUCache<string, AuthContext | 'none'>;

export function createAuthCache(): AuthCache {
  return new LRUCache<string, AuthContext | 'none'>({ max: 10_000, ttl: AUTH_CACHE_MS });
}

/** Forget every cached credential (after a logout, an account change or a revocation). */
export function forgetCachedCredentials(req: Request): void {
  (req.app.locals.authCache as AuthCache | undefined)?.clear();
}

/** `readDb`: the read replica (DATABASE_READ_URL), for readScopedDb(req); absent or `db` → none. */
export function authenticate(db: Database, cache: AuthCache, readDb?: Database): RequestHandler {
  return async (req, _res, next) => {
    try {
      const key = hashToken(`${req.headers.authorization ?? ''}\n${req.headers.cookie ?? ''}`);
      let cached = cache.get(key);
      if (cached === undefined) {
        cached = (await identifyCredentials(db, req.headers.cookie, req.headers.authorization)) ?? 'none';
        cache.set(key, cached);
      }
      const auth = cached === 'none' ? null : cached;
      if (auth) {
        req.auth = auth;
        req.scoped = createScopedDb(db, auth);
        if (readDb && readDb !== db) req.readScoped = createScopedDb(readDb, auth);
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * The token of `Authorization: Bearer gst_…`, or of HTTP Basic with the token as the password (any user name):
 * GIS clients such as QGIS 3.22 and ArcGIS Pro offer a user name and password where they offer no header.
 */
function screenTokenOf(authorization?: string): string | undefined {
  const bearer = authorization?.match(/^Bearer (\S+)$/)?.[1];
  if (bearer) return bearer;
  const basic = authorization?.match(/^Basic ([A-Za-z0-9+/]{4,400}={0,2})$/)?.[1];
  if (!basic) return undefined;
  const credentials = Buffer.from(basic, 'base64').toString('utf8');
  const colon = credentials.indexOf(':');
  return colon >= 0 ? credentials.slice(colon + 1) : undefined;
}

/**
 * Who a cookie header or an Authorization header belongs to, or null (none, bad or expired). Shared by the
 * request middleware and the live channel's WebSocket upgrade, which re-checks it periodically. A bearer screen
 * token takes precedence over a cookie. The lookup is the only unscoped read a request makes.
 */
export async function identifyCredentials(db: Database, cookieHeader?: string, authorization?: string): Promise<AuthContext | null> {
  const bearer = screenTokenOf(authorization);
  if (bearer && TOKEN_SHAPE.test(bearer) && bearer.startsWith('gst_')) {
    const [token] = await db.query<{ id: number; label: string; jurisdiction: string }>(findScreenToken, [hashToken(bearer)]);
    return token ? screenPrincipal(token) : null;
  }
  const sessionToken = cookieHeader ? parseCookies(cookieHeader)[SESSION_COOKIE] : undefined;
  if (!sessionToken || !TOKEN_SHAPE.test(sessionToken)) return null;
  // A video wall's screen session (a signed cookie from POST /api/auth/screen-session, screen-session.ts).
  if (isScreenSessionValue(sessionToken)) return identifyScreenSession(db, sessionToken);
  const tokenHash = hashToken(sessionToken);
  const [row] = await db.query<{
    id: number;
    username: string;
    display_name: string;
    role: string;
    jurisdiction: string;
    worker_code: string | null;
    csrf_token: string;
  }>(findSessionAccount, [tokenHash]);
  if (!row || !isRole(row.role)) return null;
  return {
    accountId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    jurisdiction: row.jurisdiction,
    workerCode: row.worker_code,
    via: 'session',
    csrfToken: row.csrf_token,
    sessionTokenHash: tokenHash,
  };
}
