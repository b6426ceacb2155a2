/**
 * SQL of authentication. These statements run before a scope exists (they establish it), as the
 * database owner: they are the only unscoped reads of request-time code, and they read only the
 * account, session or token named by the caller's credential.
 */
import { defineSql } from '../db/database.js';

/** $1 session token hash. Result: the live session's account. Uses sessions_pkey. */
export const findSessionAccount = defineSql(
  'auth.find_session_account',
  `SELECT a.id, a.username, a.display_name, a.role, coalesce(a.jurisdiction_code, 'city') AS jurisdiction,
          a.worker_code, s.csrf_token, s.expires_at
     FROM sessions s JOIN accounts a ON a.id = s.account_id
    WHERE s.token_hash = $1 AND s.expires_at > now() AND a.active`,
);

/** $1 screen token hash. Result: the token if not revoked. Uses screen_tokens_token_hash_key. */
export const findScreenToken = defineSql(
  'auth.find_screen_token',
  `SELECT id, label, coalesce(jurisdiction_code, 'city') AS jurisdiction
     FROM screen_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
);

/** $1 username. Result: what login needs to decide. Uses accounts_username_key. */
export const findAccountForLogin = defineSql(
  'auth.find_account_for_login',
  `SELECT id, username, display_name, password_hash, role, coalesce(jurisdiction_code, 'city') AS jurisdiction, active,
          failed_attempts, locked_until, coalesce(locked_until > now(), false) AS locked
     FROM accounts WHERE username = $1`,
);

/**
 * $1 account id. Counts a failed login; from the 5th consecutive failure the account is locked for
 * 1, 2, 4 … up to 60 minutes. Result: failed_attempts, locked_until.
 */
export const recordLoginFailure = defineSql(
  'auth.record_login_failure',
  `UPDATE accounts SET failed_attempts = failed_attempts + 1,
          locked_until = CASE WHEN failed_attempts + 1 >= 5
                              THEN now() + least(60, power(2, failed_attempts + 1 - 5)) * interval '1 minute'
                              ELSE locked_until END
    WHERE id = $1
   RETURNING failed_attempts, locked_until`,
);

/** $1 account id. */
export const recordLoginSuccess = defineSql(
  'auth.record_login_success',
  `UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE id = $1`,
);

/** $1 token hash, $2 account id, $3 CSRF token, $4 lifetime in hours. */
export const createSession = defineSql(
  'auth.create_session',
  `INSERT INTO sessions (token_hash, account_id, csrf_token, expires_at)
   VALUES ($1, $2, $3, now() + $4 * interval '1 hour')`,
);

/** Expired sessions are removed at every login. */
export const deleteExpiredSessions = defineSql('auth.delete_expired_sessions', `DELETE FROM sessions WHERE expires_at < now()`);

/** $1 token hash — run in the caller's scope (RLS: only its own sessions). */
export const deleteSession = defineSql('auth.delete_session', `DELETE FROM sessions WHERE token_hash = $1`);
