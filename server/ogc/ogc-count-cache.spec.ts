/** The count cache: reuse while the table's revision is unchanged, count again after a change; live tables always. */
import { describe, expect, it } from 'vitest';
import type { Queryable, SqlStatement } from '../db/database.js';
import { findCollection } from './ogc-collections.js';
import { createCountCache, readTableRevision } from './ogc-count-cache.js';
import { countQuery, LIVE_COUNT_CAP } from './ogc.sql.js';

function fakeDb(state: { revision: string; n: number }) {
  const counted: unknown[][] = [];
  const db: Queryable = {
    async query<T>(statement: SqlStatement, params: readonly unknown[] = []): Promise<T[]> {
      if (statement === readTableRevision) return [{ revision: state.revision }] as T[];
      counted.push([...params]);
      return [{ n: state.n }] as T[];
    },
  };
  return { db, counted };
}

describe('createCountCache', () => {
  const grids = findCollection('grids')!;
  const incidents = findCollection('incidents')!;

  it('counts a revisioned table once per (scope, query, revision)', async () => {
    const state = { revision: '1', n: 41_149 };
    const { db, counted } = fakeDb(state);
    const cache = createCountCache();
    const count = (cap: number) => countQuery(grids, {}, cap);
    expect(await cache.numberMatched(db, 'city', grids, count)).toBe(41_149);
    expect(await cache.numberMatched(db, 'city', grids, count)).toBe(41_149);
    expect(counted).toHaveLength(1);
    expect(await cache.numberMatched(db, '320113007', grids, count)).toBe(41_149);
    expect(counted).toHaveLength(2);
    state.revision = '2';
    state.n = 41_150;
    expect(await cache.numberMatched(db, 'city', grids, count)).toBe(41_150);
    expect(counted).toHaveLength(3);
  });

  it('counts live tables every time, and omits a count past their cap', async () => {
    const state = { revision: '1', n: 12 };
    const { db, counted } = fakeDb(state);
    const cache = createCountCache();
    const count = (cap: number) => countQuery(incidents, {}, cap);
    await cache.numberMatched(db, 'city', incidents, count);
    await cache.numberMatched(db, 'city', incidents, count);
    expect(counted).toHaveLength(2);
    expect(counted[0]).toEqual([LIVE_COUNT_CAP + 1]);
    state.n = LIVE_COUNT_CAP + 1;
    expect(await cache.numberMatched(db, 'city', incidents, count)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries counts', async () => {
    const { db } = fakeDb({ revision: '1', n: 3 });
    const cache = createCountCache(2);
    for (const scope of ['a', 'b', 'c']) await cache.numberMatched(db, scope, grids, (cap) => countQuery(grids, {}, cap));
    expect(cache.size).toBe(2);
  });
});
