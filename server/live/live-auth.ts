/**
 * Authentication of a live-channel upgrade, with the same credential lookup as every HTTP request
 * (`identifyCredentials` in server/auth/authenticate.ts):
 * - a screen token, as `Authorization: Bearer gst_…` (non-browser clients) or as the subprotocol `bearer.gst_…`
 *   (browsers cannot set headers on a WebSocket); a token is not sent by the browser on its own, so no Origin check;
 * - otherwise the session cookie. A browser sends the cookie with a WebSocket opened by any site, so the Origin must
 *   be this server's (cross-site WebSocket hijacking): an absent Origin or one whose host differs from the Host
 *   header is refused with 403. Behind a reverse proxy, the proxy must pass the original Host.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseCookies } from 'cookie';
import { identifyCredentials, SESSION_COOKIE } from '../auth/authenticate.js';
import type { AuthContext } from '../auth/request-context.js';
import type { Database } from '../db/database.js';

/** What was presented, kept to re-check the connection while it is open. */
export interface UpgradeCredentials {
  cookie?: string;
  authorization?: string;
}

export type UpgradeDecision =
  { ok: true; auth: AuthContext; credentials: UpgradeCredentials } | { ok: false; status: 401 | 403; code: string; message: string };

/** A screen token offered as the subprotocol `bearer.<token>`, as an Authorization header value. */
export function bearerFromSubprotocols(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const offered = header
    .split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith('bearer.'));
  return offered ? `Bearer ${offered.slice('bearer.'.length)}` : undefined;
}

/** The Origin names this server: same host (and port) as the Host header the browser sent. */
export function originMatchesHost(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

export async function authenticateUpgrade(db: Database, req: IncomingMessage): Promise<UpgradeDecision> {
  const header = req.headers.authorization;
  const authorization = header?.startsWith('Bearer ') ? header : bearerFromSubprotocols(req.headers['sec-websocket-protocol']);
  if (authorization) {
    const auth = await identifyCredentials(db, undefined, authorization);
    if (!auth) return { ok: false, status: 401, code: 'invalid_token', message: 'The screen token is not valid' };
    return { ok: true, auth, credentials: { authorization } };
  }
  const cookie = req.headers.cookie;
  if (!cookie || !parseCookies(cookie)[SESSION_COOKIE]) {
    return { ok: false, status: 401, code: 'authentication_required', message: 'Sign in first' };
  }
  if (!originMatchesHost(req.headers.origin, req.headers.host)) {
    return { ok: false, status: 403, code: 'origin_not_allowed', message: 'The live channel accepts a session only from its own origin' };
  }
  const auth = await identifyCredentials(db, cookie, undefined);
  if (!auth) return { ok: false, status: 401, code: 'session_expired', message: 'The session has ended; sign in again' };
  return { ok: true, auth, credentials: { cookie } };
}

/** The same account in the same scope (role, jurisdiction, worker)? */
export function sameScope(a: AuthContext, b: AuthContext): boolean {
  return a.role === b.role && a.jurisdiction === b.jurisdiction && a.workerCode === b.workerCode;
}
