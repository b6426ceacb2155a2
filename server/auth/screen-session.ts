/**
 * The video wall's sign-in: a screen token (gst_…) is exchanged ONCE, in the body of
 * `POST /api/auth/screen-session`, for an httpOnly, SameSite=Strict cookie; the token never appears in a URL, a
 * page or a log, and the wall's browser never keeps it (the page forgets the form field after the exchange).
 *
 * The cookie is the session cookie (`gridops_session`, so the live channel's upgrade takes it like a person's,
 * Origin check included) holding a signed screen session instead of a session token:
 *
 *   gsw_<token id>_<expires, unix seconds>_<HMAC-SHA256(key = the token's stored hash, "<id>.<expires>"), base64url>
 *
 * No table is needed (no migration): every request looks the token up by id, so revoking the token ends every
 * wall signed in with it at once (within the auth cache's 5 s), and its jurisdiction is the token's. The cookie
 * is not the token: it cannot be exchanged again, expires after SCREEN_SESSION_HOURS, and is signed with the
 * token's SHA-256 as stored, so only the server that holds the token table can mint one — as with any session
 * store, a reader of that table could too (the sessions table has the same property).
 * A screen session is role `screen`, via `screen_token`: access() refuses it every state change.
 */
import { createHmac } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import type { AuthContext } from './request-context.js';
import { equalSecrets } from './secrets.js';
import { findScreenTokenById } from './screen-session.sql.js';

export const SCREEN_SESSION_PREFIX = 'gsw_';
/** A wall stays signed in for 30 days, then needs its token again. */
export const SCREEN_SESSION_HOURS = 24 * 30;
const SHAPE = /^gsw_(\d{1,10})_(\d{10})_([A-Za-z0-9_-]{43})$/;

function signature(tokenHash: string, tokenId: number, expires: number): string {
  return createHmac('sha256', tokenHash).update(`${tokenId}.${expires}`).digest('base64url');
}

/** The cookie value of a new screen session for a token (its id and stored hash), valid until `expiresAt`. */
export function encodeScreenSession(tokenId: number, tokenHash: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${SCREEN_SESSION_PREFIX}${tokenId}_${expires}_${signature(tokenHash, tokenId, expires)}`;
}

/** The parts of a well-formed, unexpired cookie value (not yet checked against the token), or null. */
export function parseScreenSession(value: string, nowMs: number): { tokenId: number; expires: number; mac: string } | null {
  const match = SHAPE.exec(value);
  if (!match) return null;
  const tokenId = Number(match[1]);
  const expires = Number(match[2]);
  if (expires * 1000 <= nowMs) return null;
  return { tokenId, expires, mac: match[3] };
}

/** Whether a parsed cookie was signed with this token's hash. */
export function screenSessionSignedBy(parsed: { tokenId: number; expires: number; mac: string }, tokenHash: string): boolean {
  return equalSecrets(parsed.mac, signature(tokenHash, parsed.tokenId, parsed.expires));
}

export function isScreenSessionValue(value: string): boolean {
  return value.startsWith(SCREEN_SESSION_PREFIX);
}

/** Who a screen-session cookie belongs to (a token not revoked, a valid signature, not expired), or null. */
export async function identifyScreenSession(db: Queryable, value: string, nowMs = Date.now()): Promise<AuthContext | null> {
  const parsed = parseScreenSession(value, nowMs);
  if (!parsed) return null;
  const [token] = await db.query<{ id: number; label: string; token_hash: string; jurisdiction: string }>(findScreenTokenById, [parsed.tokenId]);
  if (!token || !screenSessionSignedBy(parsed, token.token_hash)) return null;
  return screenPrincipal(token);
}

/** Who a wall screen is, by its token (the bearer token or a session signed with it): the token's label and area. */
export function screenPrincipal(token: { id: number; label: string; jurisdiction: string }): AuthContext {
  return {
    accountId: null,
    username: null,
    displayName: token.label,
    role: 'screen',
    jurisdiction: token.jurisdiction,
    workerCode: null,
    via: 'screen_token',
    screenTokenId: token.id,
  };
}
