/**
 * The validation rules that need particular data, on the seeded Xianlin subset on every mode: minimum area and
 * width, households per micro-grid (warning; submission then needs a reason), and — on geometry broken on purpose
 * inside a transaction that is rolled back — coverage (overlap) and enclosed holes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, withScope, type Database, type Queryable } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { createPlan, replaceEdits, submitPlan } from './plan-service.js';
import { validatePlanEdits, type PlanLimits } from './plan-validation.js';
import { pickPaintCandidate } from '../../tests/support/plan-candidates.js';

const DEFAULTS: PlanLimits = { microGridHouseholdsMin: 0, microGridHouseholdsMax: 1_000_000, minAreaM2: 0, minWidthM: 0 };
const plannerId = defineSql('test.plan_validation.planner', `SELECT id FROM accounts WHERE username = 'planner.city'`);
const swell = defineSql('test.plan_validation.swell', `UPDATE units SET geom = ST_Multi(ST_Buffer(geom, 0.0005)) WHERE code = $1`);
const punch = defineSql(
  'test.plan_validation.punch',
  `UPDATE units SET geom = ST_Multi(ST_Difference(geom, ST_Buffer(ST_PointOnSurface(geom), 0.00005)))
    WHERE code = (SELECT code FROM units WHERE parent_code = $1 ORDER BY area_m2 DESC LIMIT 1)`,
);

class Rollback extends Error {}

describe.each(testDatabaseModes())('plan validation rules on %s', (mode) => {
  let db: Database;
  let c: { code: string; source: string; target: string; community: string };
  const city = (fn: (tx: Queryable) => Promise<void>) => withScope(db, { jurisdiction: 'city', accountId: null, role: 'planner' }, fn);
  const reasonsOf = async (q: Queryable, limits: PlanLimits) =>
    (await validatePlanEdits(q, [{ unit: c.code, to: c.target }], c.community, limits)).validation.issues.map((i) => `${i.reason}:${i.severity}`);
  /** Break the geometry in a transaction of the owner, validate there, roll back. */
  const onBrokenData = async (breakIt: (tx: Queryable) => Promise<void>) => {
    let reasons: string[] = [];
    await db
      .withTransaction(async (tx) => {
        await breakIt(tx);
        reasons = await reasonsOf(tx, DEFAULTS);
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    return reasons;
  };

  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
    [c] = await db.query<typeof c>(pickPaintCandidate);
  });
  afterAll(() => db.close());

  it('passes a paint that keeps every rule', () => city(async (tx) => expect(await reasonsOf(tx, DEFAULTS)).toEqual([])));

  it('refuses a changed grid below the minimum area or width (errors)', () =>
    city(async (tx) => {
      const small = await reasonsOf(tx, { ...DEFAULTS, minAreaM2: 1e12 });
      expect(small.filter((r) => r === 'area_too_small:error')).toHaveLength(2);
      const narrow = await reasonsOf(tx, { ...DEFAULTS, minWidthM: 1e6 });
      expect(narrow.filter((r) => r === 'too_narrow:error')).toHaveLength(2);
      expect(await reasonsOf(tx, { ...DEFAULTS, minWidthM: 5 })).toEqual([]);
    }));

  it('warns about households per micro-grid out of range; submission then needs a reason', async () => {
    const limits = { ...DEFAULTS, microGridHouseholdsMin: 1_000_000, microGridHouseholdsMax: 2_000_000 };
    await city(async (tx) => {
      const outcome = await validatePlanEdits(tx, [{ unit: c.code, to: c.target }], c.community, limits);
      expect(outcome.validation.valid).toBe(true);
      expect(outcome.validation.issues.every((i) => i.reason === 'households_out_of_range' && i.severity === 'warning')).toBe(true);
      expect(outcome.validation.issues.map((i) => i.unit)).toContain(c.code);
    });
    const [{ id }] = await db.query<{ id: number }>(plannerId);
    await city(async (tx) => {
      const actor = { accountId: id, role: 'planner', username: 'planner.city' };
      const plan = await createPlan(tx, { name: 'warnings', scopeCode: c.community }, actor, new Date());
      const { plan: withEdits } = await replaceEdits(tx, plan, [{ unit: c.code, to: c.target }], limits, new Date());
      await expect(submitPlan(tx, withEdits, null, limits, new Date())).rejects.toMatchObject({ code: 'warning_reason_required' });
      expect((await submitPlan(tx, withEdits, '新建小区入住，暂超上限', limits, new Date())).state).toBe('submitted');
    });
  });

  it('finds an overlap with a sibling (coverage_broken) and an enclosed hole (encloses_unit)', async () => {
    expect(await onBrokenData((tx) => tx.query(swell, [c.code]).then(() => undefined))).toContain('coverage_broken:error');
    expect(await onBrokenData((tx) => tx.query(punch, [c.target]).then(() => undefined))).toContain('encloses_unit:warning');
  });
});
