/** SQL of account bootstrapping (start-up and seed, as the database owner). */
import { defineSql } from '../db/database.js';

/** Administrators that are not development accounts: the first start creates one if there is none. */
export const countAdministrators = defineSql(
  'bootstrap.count_admins',
  `SELECT count(*)::int AS n FROM accounts WHERE role = 'admin' AND NOT development`,
);

/** $1 username, $2 display name, $3 password hash, $4 role, $5 jurisdiction or NULL, $6 worker code or NULL, $7 development. */
export const insertBootstrapAccount = defineSql(
  'bootstrap.insert_account',
  `INSERT INTO accounts (username, display_name, password_hash, role, jurisdiction_code, worker_code, development)
   VALUES ($1, $2, $3, $4, $5, $6, $7)
   ON CONFLICT (username) DO NOTHING
   RETURNING id`,
);

/** $1 token hash, $2 label, $3 jurisdiction. */
export const insertBootstrapScreenToken = defineSql(
  'bootstrap.insert_screen_token',
  `INSERT INTO screen_tokens (token_hash, label, jurisdiction_code) VALUES ($1, $2, $3) ON CONFLICT (token_hash) DO NOTHING RETURNING id`,
);

/** A field worker of 仙林街道 to link the development field-worker account to. Result: code, grid_code. */
export const pickXianlinWorker = defineSql(
  'bootstrap.pick_xianlin_worker',
  `SELECT w.code, u.grid_code FROM workers w JOIN units u ON u.code = w.home_unit_code
    WHERE u.street_code = '320113007' ORDER BY w.code LIMIT 1`,
);
