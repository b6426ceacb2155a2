/**
 * SQL of the video wall's screen session (screen-session.ts). Like auth.sql.ts, these run before a scope exists
 * (they establish it), as the database owner, and read only the screen token the caller names.
 */
import { defineSql } from '../db/database.js';

/**
 * $1 screen token id. Result: the token if not revoked, with its hash (the key its session cookies are signed with).
 * Uses screen_tokens_pkey.
 */
export const findScreenTokenById = defineSql(
  'screen_session.find_screen_token_by_id',
  `SELECT id, label, token_hash, coalesce(jurisdiction_code, 'city') AS jurisdiction
     FROM screen_tokens WHERE id = $1 AND revoked_at IS NULL`,
);

/** $1 screen token hash. Result: the token if not revoked, with its id. Uses screen_tokens_token_hash_key. */
export const findScreenTokenForExchange = defineSql(
  'screen_session.find_screen_token_for_exchange',
  `SELECT id, label, token_hash, coalesce(jurisdiction_code, 'city') AS jurisdiction
     FROM screen_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
);
