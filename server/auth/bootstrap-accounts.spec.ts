/** The first administrator exists after the first start, whether or not development accounts do. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, type Database } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { ensureAdministrator } from './bootstrap-accounts.js';
import { verifyPassword } from './secrets.js';

const readAdmin = defineSql(
  'test.read_bootstrap_admin',
  `SELECT password_hash, jurisdiction_code, development FROM accounts WHERE username = 'admin'`,
);

describe.each(testDatabaseModes())('first administrator on %s', (mode) => {
  let db: Database;
  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
  });
  afterAll(() => db.close());

  it('is created once, beside the development administrators, with a generated password shown once', async () => {
    const first = await ensureAdministrator(db, undefined);
    expect(first.created).toBe(true);
    expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const [admin] = await db.query<{ password_hash: string; jurisdiction_code: string | null; development: boolean }>(readAdmin);
    expect(admin).toMatchObject({ jurisdiction_code: null, development: false });
    expect(await verifyPassword(admin.password_hash, first.generatedPassword!)).toBe(true);
    expect(await ensureAdministrator(db, 'another-password-123')).toEqual({ created: false });
  });
});
