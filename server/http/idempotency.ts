/**
 * `Idempotency-Key` on the POST routes a phone may send twice (its offline queue retries when an answer was
 * lost): the first answer is kept and a repeat of the key gets it again — same status, same body, header
 * `Idempotent-Replayed: true` — without the change being applied a second time.
 *
 *  - Which routes: IDEMPOTENT_ROUTES (patrol reports, incident events and photos, the field app's posts, the
 *    Open311 intake). Elsewhere the header is ignored.
 *  - Whose key: the account (a key survives a new session after the old one expired offline), or, on the public
 *    Open311 intake, the key alone (16–100 characters; clients use a random UUID, which is the secret).
 *  - The key is claimed (row `pending`) before the route runs; the answer is stored before it is sent. A 5xx
 *    answer or a dropped request frees the key, so a retry runs again. A repeat while the first is still
 *    running gets 409 `idempotency_in_progress` (retry later); the key on another route 422
 *    `idempotency_key_reused`.
 *  - The window left: a server crash after the change commits and before its answer is stored leaves the key
 *    `pending`; after PENDING_ABANDONED_MS the key is taken over and the request runs again. The routes' own
 *    rules refuse most repeats then (a second "acknowledge" is a 409), a patrol report would be filed twice.
 *  - Keys older than IDEMPOTENCY_KEEP_HOURS are deleted every EXPIRE_EVERY claims.
 * Session requests are handled only with their CSRF token (access() refuses them otherwise anyway), so a
 * forged request can neither claim nor replay a key. The table is the server's own (migration 0020), read with
 * the owner connection like the session lookup in authenticate.ts.
 */
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { equalSecrets } from '../auth/secrets.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  expireIdempotencyKeys,
  readIdempotencyKey,
  releaseIdempotencyKey,
  takeOverIdempotencyKey,
} from './idempotency.sql.js';

export const IDEMPOTENT_ROUTES: readonly RegExp[] = [
  /^\/api\/patrol-reports$/,
  /^\/api\/incidents\/\d{1,15}\/(events|photos)$/,
  /^\/api\/field\/(position|duty|cases\/\d{1,15}\/arrive)$/,
  /^\/open311\/v2\/requests\.json$/,
];
const KEY_SHAPE = /^[A-Za-z0-9_-]{16,100}$/;
export const PENDING_ABANDONED_MS = 5 * 60_000;
const EXPIRE_EVERY = 500;

type KeyRow = { fingerprint: string; state: 'pending' | 'done'; status_code: number | null; response: unknown; created_at: Date };

export interface IdempotencyDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  keepHours: number;
}

export function idempotentRequests({ db, clock, logger, keepHours }: IdempotencyDeps): RequestHandler {
  let claims = 0;
  return async (req, res, next) => {
    const key = req.get('idempotency-key');
    if (req.method !== 'POST' || key === undefined || !IDEMPOTENT_ROUTES.some((r) => r.test(req.path))) return next();
    try {
      if (!KEY_SHAPE.test(key))
        throw new AppError(400, 'invalid_idempotency_key', 'An Idempotency-Key is 16 to 100 letters, digits, - or _ (a UUID)');
      const auth = req.auth;
      const isPublic = req.path.startsWith('/open311/');
      if (!isPublic) {
        // Without a valid session and CSRF token, access() refuses the request: no key is touched.
        const sent = req.get('x-csrf-token');
        if (!auth || auth.via !== 'session' || auth.accountId === null || !sent || !auth.csrfToken || !equalSecrets(sent, auth.csrfToken))
          return next();
      }
      const caller = isPublic ? 'p:' : `a:${auth!.accountId}`;
      const fingerprint = `POST ${req.path}`;
      const now = clock.now();
      const claimed = await db.query(claimIdempotencyKey, [caller, key, fingerprint, now]);
      if (claimed.length === 0) {
        const [row] = await db.query<KeyRow>(readIdempotencyKey, [caller, key]);
        if (row && row.fingerprint !== fingerprint)
          throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another request');
        if (row && row.state === 'done') {
          res.setHeader('Idempotent-Replayed', 'true');
          res.status(row.status_code!).json(row.response);
          return;
        }
        const abandoned = row ? now.getTime() - new Date(row.created_at).getTime() > PENDING_ABANDONED_MS : true;
        const taken = abandoned ? await db.query(takeOverIdempotencyKey, [caller, key, now, new Date(now.getTime() - PENDING_ABANDONED_MS)]) : [];
        if (taken.length === 0)
          throw new AppError(409, 'idempotency_in_progress', 'The first request with this Idempotency-Key is still being handled; try again shortly');
      }
      if (++claims % EXPIRE_EVERY === 0) {
        db.query(expireIdempotencyKeys, [new Date(now.getTime() - keepHours * 3_600_000)]).catch(() =>
          logger.warn('idempotency: expiring old keys failed'),
        );
      }
      keepAnswer(res, db, caller, key, clock, logger);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Stores the answer before it is sent (JSON answers: every idempotent route answers JSON); frees the key on 5xx or a drop. */
function keepAnswer(res: Response, db: Database, caller: string, key: string, clock: Clock, logger: Logger): void {
  let settled = false;
  const release = () => {
    if (settled) return;
    settled = true;
    db.query(releaseIdempotencyKey, [caller, key]).catch(() => logger.warn('idempotency: releasing a key failed'));
  };
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    if (settled || res.statusCode >= 500) {
      release();
      return send(body);
    }
    settled = true;
    db.query(completeIdempotencyKey, [caller, key, res.statusCode, JSON.stringify(body ?? null), clock.now()])
      .catch(() => logger.warn('idempotency: storing an answer failed'))
      .finally(() => send(body));
    return res;
  };
  res.on('close', () => {
    if (!res.writableFinished) release();
  });
}
