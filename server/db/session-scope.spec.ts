/**
 * The scope a driver keeps at session level (queryInScope) never outlives its use: switching jurisdictions,
 * going back to unscoped queries and transactions always see what they should, on every mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { defineSql, withScope, type Database } from './database.js';

const countMicroGrids = defineSql('test.scope_count_micro_grids', `SELECT count(*)::int AS n FROM units WHERE level = 'micro_grid'`);
const whoAmI = defineSql('test.scope_who_am_i', `SELECT current_user AS role, current_setting('gridops.jurisdiction', true) AS jurisdiction`);

const xianlin = { jurisdiction: '320113007', accountId: null, role: 'dispatcher' };
const xuanwu = { jurisdiction: '320102', accountId: null, role: 'dispatcher' };
const city = { jurisdiction: 'city', accountId: null, role: 'dispatcher' };

describe.each(testDatabaseModes())('session scope on %s', (mode) => {
  let db: Database;
  let total: number;
  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
    [{ n: total }] = await db.query<{ n: number }>(countMicroGrids);
  });
  afterAll(() => db.close());

  it('switches between scopes and back to the owner without leaking one into the next', async () => {
    const n = async (scope?: typeof xianlin) =>
      (scope ? await db.queryInScope<{ n: number }>(scope, countMicroGrids) : await db.query<{ n: number }>(countMicroGrids))[0].n;
    expect(total).toBeGreaterThan(500);
    for (let i = 0; i < 3; i++) {
      expect(await n(xianlin)).toBe(total);
      expect(await n(xuanwu)).toBe(0);
      expect(await n(city)).toBe(total);
      expect(await n(xuanwu)).toBe(0);
      expect(await n()).toBe(total);
    }
    const [owner] = await db.query<{ role: string; jurisdiction: string | null }>(whoAmI);
    expect(owner.role).not.toBe('gridops_app');
    expect(owner.jurisdiction ?? '').toBe('');
  });

  it('keeps scoped transactions and the session scope apart', async () => {
    await db.queryInScope(xuanwu, countMicroGrids);
    const inTransaction = await withScope(db, xianlin, (tx) => tx.query<{ n: number }>(countMicroGrids));
    expect(inTransaction[0].n).toBe(total);
    // An unscoped transaction after a scoped query runs as the owner.
    const unscoped = await db.withTransaction((tx) => tx.query<{ role: string }>(whoAmI));
    expect(unscoped[0].role).not.toBe('gridops_app');
    expect((await db.queryInScope<{ n: number }>(xuanwu, countMicroGrids))[0].n).toBe(0);
  });

  it('stays correct under concurrent requests of different scopes', async () => {
    const runs = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? xianlin : xuanwu));
    const results = await Promise.all(runs.map((scope) => db.queryInScope<{ n: number }>(scope, countMicroGrids)));
    results.forEach((rows, i) => expect(rows[0].n).toBe(i % 2 === 0 ? total : 0));
  });
});
