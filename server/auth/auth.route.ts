/** Sign in, sign out, who am I. */
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { rateLimitStore } from '../http/postgres-rate-limit-store.js';
import type { Database } from '../db/database.js';
import type { AppConfig } from '../config/load-config.js';
import { appendAudit } from '../audit/record-audit.js';
import { markRefusalAudited } from '../audit/refusal-audit.js';
import { AppError } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { createSession, deleteExpiredSessions, deleteSession, findAccountForLogin, recordLoginFailure, recordLoginSuccess } from './auth.sql.js';
import { forgetCachedCredentials, SESSION_COOKIE } from './authenticate.js';
import { authOf, scopedDb } from './request-context.js';
import { contractAccess } from './route-access.js';
import { hashPassword, hashToken, newToken, verifyPassword } from './secrets.js';
import { loginRoute, logoutRoute, meRoute } from './auth-contract.js';

interface LoginAccount {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  jurisdiction: string;
  active: boolean;
  locked: boolean;
  locked_until: Date | null;
}

/** Compared against when the username is unknown, so that timing does not reveal which names exist. */
const dummyHash = hashPassword('gridops-timing-equaliser');

/** What the router uses of the application's dependencies. */
export interface AuthRouterDeps {
  db: Database;
  config: Pick<AppConfig, 'loginRateLimit' | 'sessionHours' | 'env'>;
}

export function authRouter({ db, config }: AuthRouterDeps): Router {
  const router = Router();
  const loginLimiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: config.loginRateLimit,
    // Shared by every instance on a real PostgreSQL (migration 0022), in memory on the embedded database.
    store: rateLimitStore(db, 'login'),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError(429, 'too_many_login_attempts', 'Too many sign-in attempts; wait a few minutes')),
  });

  router.post(loginRoute.path, contractAccess(loginRoute), loginLimiter, async (req, res) => {
    const input = validateRequestPart(loginRoute.body, req.body, 'invalid_login');
    const [account] = await db.query<LoginAccount>(findAccountForLogin, [input.username]);
    const audit = (success: boolean, reason: string | null, accountId: number | null) => {
      // This refusal has its record (with the username tried): the refusal audit does not write a second.
      if (!success) markRefusalAudited(req);
      return appendAudit(db, {
        actorAccountId: accountId,
        actorUsername: input.username,
        actorRole: account?.role ?? null,
        action: 'auth.login',
        entityType: 'account',
        entityId: accountId === null ? null : String(accountId),
        jurisdictionCode: account && account.jurisdiction !== 'city' ? account.jurisdiction : null,
        clientAddress: req.ip ?? null,
        success,
        reason,
      });
    };
    if (!account || !account.active) {
      await verifyPassword(await dummyHash, input.password);
      await audit(false, 'invalid_credentials', account?.id ?? null);
      throw new AppError(401, 'invalid_credentials', 'Wrong username or password');
    }
    if (account.locked) {
      await audit(false, 'account_locked', account.id);
      throw new AppError(423, 'account_locked', 'Too many failed sign-ins: the account is locked for a while', {
        lockedUntil: account.locked_until,
      });
    }
    if (!(await verifyPassword(account.password_hash, input.password))) {
      await db.query(recordLoginFailure, [account.id]);
      await audit(false, 'invalid_credentials', account.id);
      throw new AppError(401, 'invalid_credentials', 'Wrong username or password');
    }
    const token = newToken('gss');
    const csrfToken = newToken('csrf');
    await db.withTransaction(async (tx) => {
      await tx.query(recordLoginSuccess, [account.id]);
      await tx.query(deleteExpiredSessions);
      await tx.query(createSession, [hashToken(token), account.id, csrfToken, config.sessionHours]);
    });
    await audit(true, null, account.id);
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: config.env === 'production',
      path: '/',
      maxAge: config.sessionHours * 3_600_000,
    });
    res.json({
      account: {
        id: account.id,
        username: account.username,
        displayName: account.display_name,
        role: account.role,
        jurisdiction: account.jurisdiction,
      },
      csrfToken,
    });
  });

  router.post(logoutRoute.path, contractAccess(logoutRoute), async (req, res) => {
    const auth = authOf(req);
    await scopedDb(req).transaction(async (tx) => {
      await tx.query(deleteSession, [auth.sessionTokenHash]);
      await appendAudit(tx, {
        actorAccountId: auth.accountId,
        actorUsername: auth.username,
        actorRole: auth.role,
        action: 'auth.logout',
        entityType: 'account',
        entityId: String(auth.accountId),
        jurisdictionCode: auth.jurisdiction === 'city' ? null : auth.jurisdiction,
        clientAddress: req.ip ?? null,
        success: true,
      });
    });
    forgetCachedCredentials(req);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get(meRoute.path, contractAccess(meRoute), (req, res) => {
    const auth = authOf(req);
    res.json({
      account: {
        id: auth.accountId,
        username: auth.username,
        displayName: auth.displayName,
        role: auth.role,
        jurisdiction: auth.jurisdiction,
        via: auth.via,
      },
      csrfToken: auth.csrfToken ?? null,
    });
  });

  return router;
}
