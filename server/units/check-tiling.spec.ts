/** The tiling check on the seeded Xianlin subset, and proof that it catches broken tilings. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, type Database } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { checkTiling } from './check-tiling.js';

const growFirstMicroGrid = defineSql(
  'test.grow_first_micro_grid',
  `UPDATE units SET geom = ST_Multi(ST_Buffer(geom, 0.0005))
    WHERE code = (SELECT min(m.code) FROM units m
                   WHERE m.level = 'micro_grid'
                     AND EXISTS (SELECT 1 FROM units s WHERE s.parent_code = m.parent_code AND s.code <> m.code))`,
);

describe.each(testDatabaseModes())('tiling of the Xianlin subset on %s', (mode) => {
  let db: Database;
  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
  });
  afterAll(() => db.close());

  it('every level exactly tiles its parent', async () => {
    const report = await checkTiling(db);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const byLevel = Object.fromEntries(report.levels.map((l) => [l.level, l]));
    expect(byLevel.street.units).toBe(21);
    expect(byLevel.community.units).toBe(10);
    expect(byLevel.grid.units).toBeGreaterThan(100);
    expect(byLevel.micro_grid.units).toBeGreaterThan(byLevel.grid.units * 2);
    for (const level of report.levels) {
      expect(level.invalid).toBe(0);
      expect(level.worstRelativeAreaDifference).toBeLessThan(1e-4);
      expect(level.worstOverlapM2).toBeLessThan(1);
    }
  });

  it('catches a micro-grid grown over its siblings', async () => {
    await db.query(growFirstMicroGrid);
    const report = await checkTiling(db);
    expect(report.ok).toBe(false);
    const micro = report.levels.find((l) => l.level === 'micro_grid')!;
    expect(micro.overlappingPairs).toBeGreaterThan(0);
    expect(micro.worstOverlapM2).toBeGreaterThan(1);
    expect(report.problems.join('\n')).toMatch(/micro_grid: \d+ sibling pairs overlapping/);
  });
});
