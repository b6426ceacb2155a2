/** SQL of idempotency keys (server/http/idempotency.ts, table idempotency_keys of migration 0020). */
import { defineSql } from '../db/database.js';

/** $1 caller, $2 key, $3 fingerprint, $4 now: claim a new key. Result: one row when claimed, none when it exists. Uses the primary key. */
export const claimIdempotencyKey = defineSql(
  'idempotency.claim',
  `INSERT INTO idempotency_keys (caller, key, fingerprint, state, created_at) VALUES ($1, $2, $3, 'pending', $4)
   ON CONFLICT (caller, key) DO NOTHING RETURNING key`,
);

/** $1 caller, $2 key: the key's row (fingerprint, state, stored status and answer, created_at). Uses the primary key. */
export const readIdempotencyKey = defineSql(
  'idempotency.read',
  `SELECT fingerprint, state, status_code, response, created_at FROM idempotency_keys WHERE caller = $1 AND key = $2`,
);

/**
 * $1 caller, $2 key, $3 now, $4 abandoned before: take over a key still pending since before $4 (its server
 * died). Result: one row when taken over. Uses the primary key.
 */
export const takeOverIdempotencyKey = defineSql(
  'idempotency.take_over',
  `UPDATE idempotency_keys SET created_at = $3 WHERE caller = $1 AND key = $2 AND state = 'pending' AND created_at < $4 RETURNING key`,
);

/** $1 caller, $2 key, $3 status, $4 answer (JSON text), $5 now: the first answer, kept for replays. Uses the primary key. */
export const completeIdempotencyKey = defineSql(
  'idempotency.complete',
  `UPDATE idempotency_keys SET state = 'done', status_code = $3, response = $4::jsonb, completed_at = $5
    WHERE caller = $1 AND key = $2 AND state = 'pending'`,
);

/** $1 caller, $2 key: free a pending key (the request failed or was dropped) so a retry runs again. Uses the primary key. */
export const releaseIdempotencyKey = defineSql(
  'idempotency.release',
  `DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2 AND state = 'pending'`,
);

/** $1 older than: forget keys past their keeping time. Uses idempotency_keys_created_idx. */
export const expireIdempotencyKeys = defineSql('idempotency.expire', `DELETE FROM idempotency_keys WHERE created_at < $1`);
