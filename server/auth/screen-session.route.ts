/**
 * A video wall signs in with its screen token (screen-session.ts):
 *   POST /api/auth/screen-session {token}  → 200 {screen: {label, jurisdiction}} and the httpOnly session cookie;
 *                                             401 invalid_token; 400 invalid_screen_token (not a gst_ token);
 *                                             429 too_many_login_attempts (shares the sign-in rate limit's size)
 *   GET /api/auth/screen-session           → 200 {account: {role, jurisdiction, displayName, via} | null} (the page's check)
 *   POST /api/auth/screen-session/end      → 204, the cookie cleared (the wall's "sign out"; nothing stored changes)
 * Both public: they are how a wall gets credentials. Every exchange, good or bad, is audited (no token in it).
 */
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { rateLimitStore } from '../http/postgres-rate-limit-store.js';
import { appendAudit } from '../audit/record-audit.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { SESSION_COOKIE } from './authenticate.js';
import { endScreenSessionRoute, screenSessionExchangeRoute, screenSessionRoute } from './accounts-contract.js';
import { contractAccess } from './route-access.js';
import { hashToken } from './secrets.js';
import { encodeScreenSession, SCREEN_SESSION_HOURS } from './screen-session.js';
import { findScreenTokenForExchange } from './screen-session.sql.js';
import { markRefusalAudited } from '../audit/refusal-audit.js';

/** What this router needs (narrow, not AppDependencies). */
export interface ScreenSessionDeps {
  db: Database;
  config: { env: string; loginRateLimit: number };
  clock: { now(): Date };
}

export function screenSessionRouter({ db, config, clock }: ScreenSessionDeps): Router {
  const router = Router();
  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: config.loginRateLimit,
    // Shared by every instance on a real PostgreSQL (migration 0022), in memory on the embedded database.
    store: rateLimitStore(db, 'screen_session'),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError(429, 'too_many_login_attempts', 'Too many sign-in attempts; wait a few minutes')),
  });
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure: config.env === 'production', path: '/' };

  router.post(screenSessionExchangeRoute.path, contractAccess(screenSessionExchangeRoute), limiter, async (req, res) => {
    const input = validateRequestPart(screenSessionExchangeRoute.body, req.body, 'invalid_screen_token');
    const [token] = await db.query<{ id: number; label: string; token_hash: string; jurisdiction: string }>(findScreenTokenForExchange, [
      hashToken(input.token),
    ]);
    await appendAudit(db, {
      actorAccountId: null,
      actorUsername: null,
      actorRole: 'screen',
      action: 'auth.screen_session',
      entityType: 'screen_token',
      entityId: token ? String(token.id) : null,
      jurisdictionCode: token && token.jurisdiction !== 'city' ? token.jurisdiction : null,
      clientAddress: req.ip ?? null,
      success: Boolean(token),
      reason: token ? null : 'invalid_token',
    });
    if (!token) {
      // Recorded above as a failed exchange: no second record from the error middleware.
      markRefusalAudited(req);
      throw new AppError(401, 'invalid_token', 'The screen token is not valid');
    }
    const expiresAt = new Date(clock.now().getTime() + SCREEN_SESSION_HOURS * 3_600_000);
    res.cookie(SESSION_COOKIE, encodeScreenSession(token.id, token.token_hash, expiresAt), { ...cookieOptions, expires: expiresAt });
    res.json({ screen: { label: token.label, jurisdiction: token.jurisdiction, expiresAt: expiresAt.toISOString() } });
  });

  // Who the page is signed in as, or null — 200 either way, so a wall that has not signed in yet shows its form
  // without a failed request in the browser's console.
  router.get(screenSessionRoute.path, contractAccess(screenSessionRoute), (req, res) => {
    const auth = req.auth;
    res.json({ account: auth ? { role: auth.role, jurisdiction: auth.jurisdiction, displayName: auth.displayName, via: auth.via } : null });
  });

  router.post(endScreenSessionRoute.path, contractAccess(endScreenSessionRoute), (_req, res) => {
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.status(204).end();
  });

  return router;
}
