/** SQL of account and screen-token administration; runs in the administrator's scope (RLS). */
import { defineSql } from '../db/database.js';

const accountColumns = `id, username, display_name, role, jurisdiction_code, worker_code, active, failed_attempts, locked_until, development, created_at`;

/** Accounts visible to the caller. Result: account columns (never the password hash). */
export const listAccounts = defineSql('accounts.list', `SELECT ${accountColumns} FROM accounts ORDER BY id`);

/** $1 id. */
export const readAccount = defineSql('accounts.read', `SELECT ${accountColumns} FROM accounts WHERE id = $1`);

/** $1 username, $2 display name, $3 password hash, $4 role, $5 jurisdiction code or NULL, $6 worker code or NULL. */
export const insertAccount = defineSql(
  'accounts.insert',
  `INSERT INTO accounts (username, display_name, password_hash, role, jurisdiction_code, worker_code)
   VALUES ($1, $2, $3, $4, $5, $6)
   RETURNING ${accountColumns}`,
);

/**
 * $1 id, $2 display name, $3 role, $4 jurisdiction ('' = keep, NULL = city), $5 active, $6 password hash.
 * NULL for the others keeps the value.
 */
export const updateAccount = defineSql(
  'accounts.update',
  `UPDATE accounts SET
      display_name = coalesce($2, display_name),
      role = coalesce($3, role),
      jurisdiction_code = CASE WHEN $4::text = '' THEN jurisdiction_code ELSE $4 END,
      active = coalesce($5, active),
      password_hash = coalesce($6, password_hash),
      failed_attempts = CASE WHEN $6 IS NULL THEN failed_attempts ELSE 0 END,
      locked_until = CASE WHEN $6 IS NULL THEN locked_until ELSE NULL END
    WHERE id = $1
   RETURNING ${accountColumns}`,
);

/** $1 code: whether the unit exists and is visible to the caller. */
export const unitVisible = defineSql('accounts.unit_visible', `SELECT code, level FROM units WHERE code = $1`);

const tokenColumns = `id, label, jurisdiction_code, created_by, created_at, revoked_at`;

export const listScreenTokens = defineSql('screen_tokens.list', `SELECT ${tokenColumns} FROM screen_tokens ORDER BY id`);

/** $1 token hash, $2 label, $3 jurisdiction or NULL, $4 creator account id. */
export const insertScreenToken = defineSql(
  'screen_tokens.insert',
  `INSERT INTO screen_tokens (token_hash, label, jurisdiction_code, created_by) VALUES ($1, $2, $3, $4) RETURNING ${tokenColumns}`,
);

/** $1 id. Result: the revoked token (none if absent or already revoked). */
export const revokeScreenToken = defineSql(
  'screen_tokens.revoke',
  `UPDATE screen_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${tokenColumns}`,
);
