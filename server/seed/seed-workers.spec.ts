/**
 * Generated workers: the per-micro-grid rule (pure, at city scale) and the seeded Xianlin rows on
 * every database mode: one micro-grid worker per micro-grid, positions inside the home micro-grid,
 * fresh and stale times, and the same rows from a second run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, defineSql } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { TOTAL_MICRO_GRIDS } from './seed-hierarchy.js';
import { xianlinContext } from '../../tests/support/seed-test-support.js';
import { CITY_THRESHOLDS } from './seed-thresholds.js';
import { INCIDENT_CATEGORIES, MicroGridForWorkers, planWorkers, seedWorkers } from './seed-workers.js';
import { unitRandom } from './unit-random.js';

describe('planWorkers (pure)', () => {
  // A synthetic city of the real size: households 30–300.
  const city: MicroGridForWorkers[] = Array.from({ length: TOTAL_MICRO_GRIDS }, (_, i) => ({
    code: `3201${String(i).padStart(14, '0')}`,
    households: 30 + Math.floor(unitRandom(`test-households:${i}`) * 271),
  }));
  const { workers, threshold } = planWorkers('nanjing', city);

  it('gives the whole city exactly 44,688 workers: one micro-grid worker per micro-grid and 3,539 more', () => {
    expect(workers).toHaveLength(44_688);
    expect(workers.filter((w) => w.role === 'micro_grid_worker')).toHaveLength(TOTAL_MICRO_GRIDS);
    expect(new Set(workers.map((w) => w.code)).size).toBe(workers.length);
  });

  it('puts the second workers in the micro-grids with the most households', () => {
    const second = new Set(workers.filter((w) => w.code.endsWith('02')).map((w) => w.homeUnitCode));
    const fewest = Math.min(...city.filter((m) => second.has(m.code)).map((m) => m.households));
    const most = Math.max(...city.filter((m) => !second.has(m.code)).map((m) => m.households));
    expect(fewest).toBeGreaterThanOrEqual(most);
  });

  it('gives a subset, from the city-wide threshold alone, exactly the workers the city has there', () => {
    const subset = city.filter((m) => m.code.endsWith('7'));
    const inSubset = new Set(subset.map((m) => m.code));
    const { workers: subsetWorkers } = planWorkers('xianlin', subset, threshold!);
    expect(subsetWorkers).toEqual(workers.filter((w) => inSubset.has(w.homeUnitCode)));
  });

  it('mixes duty states and position ages as designed', () => {
    const share = (p: (w: (typeof workers)[number]) => boolean) => workers.filter(p).length / workers.length;
    expect(share((w) => w.dutyStatus === 'on_duty')).toBeCloseTo(0.6, 1);
    expect(share((w) => w.dutyStatus === 'busy')).toBeCloseTo(0.15, 1);
    expect(share((w) => w.dutyStatus === 'off_duty')).toBeCloseTo(0.25, 1);
    expect(share((w) => w.positionAgeSeconds > 600)).toBeCloseTo(0.1, 1);
    expect(Math.max(...workers.map((w) => w.positionAgeSeconds))).toBeLessThanOrEqual(1800);
  });

  it('generates Chinese names, fictional 170/171 phone numbers and skills from the incident categories', () => {
    for (const w of workers.slice(0, 2_000)) {
      expect(w.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
      expect(w.phone).toMatch(/^17[01]-\d{4}-\d{4}$/);
      expect(w.skills.length).toBeGreaterThan(0);
      for (const skill of w.skills) expect(INCIDENT_CATEGORIES).toContain(skill);
    }
  });
});

const workerChecks = defineSql(
  'test.workers.checks',
  `SELECT (SELECT count(*) FROM units WHERE level = 'micro_grid')::int AS micro_grids,
          (SELECT count(*) FROM workers)::int AS workers,
          (SELECT count(*) FROM workers WHERE role = 'micro_grid_worker')::int AS micro_grid_workers,
          (SELECT count(DISTINCT home_unit_code) FROM workers WHERE role = 'micro_grid_worker')::int AS micro_grids_with_worker,
          (SELECT count(*) FROM workers w JOIN units u ON u.code = w.home_unit_code
            WHERE u.level <> 'micro_grid' OR NOT ST_Intersects(u.geom, w.last_position))::int AS outside_home,
          (SELECT min(u.households) FROM workers w JOIN units u ON u.code = w.home_unit_code WHERE w.code LIKE '%02')::int AS second_min_households,
          (SELECT extract(epoch FROM max(last_position_at) - min(last_position_at)) FROM workers)::float8 AS time_spread_s,
          (SELECT count(*) FROM workers WHERE NOT generated)::int AS not_generated`,
);
const workerDigest = defineSql(
  'test.workers.digest',
  `SELECT md5(string_agg(concat_ws('|', id, code, name, phone, role, skills::text, home_unit_code, duty_status,
                                   ST_AsText(last_position)), ',' ORDER BY code)) AS digest
     FROM workers`,
);

describe.each(testDatabaseModes())('seedWorkers on %s (Xianlin)', (mode) => {
  let seeded: Database;
  beforeAll(async () => {
    seeded = await openSeededTestDatabase(mode);
  });
  afterAll(async () => seeded?.close());

  it('gives every micro-grid one micro-grid worker, at a position inside it', async () => {
    const [c] = await seeded.query<Record<string, number>>(workerChecks);
    expect(c.micro_grids).toBeGreaterThan(0);
    expect(c.micro_grid_workers).toBe(c.micro_grids);
    expect(c.micro_grids_with_worker).toBe(c.micro_grids);
    expect(c.outside_home).toBe(0);
    expect(c.not_generated).toBe(0);
    expect(c.time_spread_s).toBeLessThanOrEqual(1800);
    // Second workers only where the city-wide rule puts them.
    if (c.workers > c.micro_grids) expect(c.second_min_households).toBeGreaterThanOrEqual(-CITY_THRESHOLDS.secondWorker[0]);
  });

  it('gives the same rows when run again', async () => {
    const [before] = await seeded.query<{ digest: string }>(workerDigest);
    // This copy is throwaway: CASCADE empties whatever refers to the table too.
    await seeded.execScript('test.workers.truncate', 'TRUNCATE workers CASCADE');
    await seedWorkers(xianlinContext(seeded));
    const [after] = await seeded.query<{ digest: string }>(workerDigest);
    expect(after.digest).toBe(before.digest);
  });
});
