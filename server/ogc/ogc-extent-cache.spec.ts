import { describe, expect, it } from 'vitest';
import type { Queryable, SqlStatement } from '../db/database.js';
import { MovableClock } from '../../tests/support/movable-clock.js';
import { createExtentCache } from './ogc-extent-cache.js';

/** A Queryable that answers the extents query from a list of results (an Error is thrown), counting calls. */
function fakeDb(results: Array<Record<string, unknown>[] | Error>) {
  const calls: string[] = [];
  const db: Queryable = {
    async query<T>(statement: SqlStatement): Promise<T[]> {
      calls.push(statement.name);
      const next = results.shift();
      if (next === undefined) throw new Error('no more results');
      if (next instanceof Error) throw next;
      return next as T[];
    },
  };
  return { db, calls };
}

const row = (id: string, minx: number | null) => ({
  id,
  minx,
  miny: minx === null ? null : 32,
  maxx: minx === null ? null : 119,
  maxy: minx === null ? null : 33,
});

describe('createExtentCache', () => {
  it('maps rows to extents, null for an empty collection', async () => {
    const { db } = fakeDb([[row('districts', 118), row('workers', null)]]);
    const extents = await createExtentCache(db, new MovableClock(0)).extents();
    expect(extents.get('districts')).toEqual([118, 32, 119, 33]);
    expect(extents.get('workers')).toBeNull();
  });

  it('queries once within the time to live, shares one query between concurrent callers, and again after it', async () => {
    const { db, calls } = fakeDb([[row('districts', 118)], [row('districts', 117)]]);
    const clock = new MovableClock(0);
    const cache = createExtentCache(db, clock, 1000);
    const [a, b] = await Promise.all([cache.extents(), cache.extents()]);
    expect(a).toBe(b);
    clock.advanceMs(999);
    expect((await cache.extents()).get('districts')?.[0]).toBe(118);
    expect(calls).toEqual(['ogc.extents']);
    clock.advanceMs(1);
    expect((await cache.extents()).get('districts')?.[0]).toBe(117);
    expect(calls).toEqual(['ogc.extents', 'ogc.extents']);
  });

  it('does not keep a failure', async () => {
    const { db, calls } = fakeDb([new Error('boom'), [row('districts', 118)]]);
    const cache = createExtentCache(db, new MovableClock(0), 1000);
    await expect(cache.extents()).rejects.toThrow('boom');
    expect((await cache.extents()).get('districts')).toEqual([118, 32, 119, 33]);
    expect(calls).toHaveLength(2);
  });
});
