/** SQL of the shared rate-limit store (migration 0022; postgres-rate-limit-store.ts). Times are the database's. */
import { defineSql } from '../db/database.js';

/**
 * $1 key hash, $2 window in milliseconds. Count one hit: a new window when none is running, else one more in it.
 * Result: hits, reset_at. Uses rate_limit_hits_pkey (one upsert, atomic across instances).
 */
export const countRateLimitHit = defineSql(
  'rate_limit.hit',
  `INSERT INTO rate_limit_hits AS r (key_hash, hits, reset_at) VALUES ($1, 1, now() + $2 * interval '1 millisecond')
   ON CONFLICT (key_hash) DO UPDATE
      SET hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
          reset_at = CASE WHEN r.reset_at <= now() THEN excluded.reset_at ELSE r.reset_at END
   RETURNING hits, reset_at`,
);

/** $1 key hash. One hit less in a running window (express-rate-limit's skip of successful attempts). Uses the pkey. */
export const uncountRateLimitHit = defineSql(
  'rate_limit.unhit',
  `UPDATE rate_limit_hits SET hits = greatest(0, hits - 1) WHERE key_hash = $1 AND reset_at > now()`,
);

/** $1 key hash: forget the window. Uses the pkey. */
export const resetRateLimitKey = defineSql('rate_limit.reset', `DELETE FROM rate_limit_hits WHERE key_hash = $1`);

/** Delete ended windows. Uses rate_limit_hits_reset_idx. */
export const sweepRateLimits = defineSql('rate_limit.sweep', `DELETE FROM rate_limit_hits WHERE reset_at < now()`);
