/**
 * A plan of many structural edits at once (issue 20: re-partitioning a whole community), on the seeded Xianlin subset
 * and every database mode, straight on the database and the plan service (no HTTP): every edit's pieces are computed
 * once (gridops_partition runs once per grid re-partition, not once per edit of the plan, as it did before migration
 * 0056) and are exactly those the edit gets alone; the preview places each camera, sensor and incident of the retired
 * micro-grids in exactly one piece; publication (migration 0057) puts every device and open incident in the new
 * micro-grid nearest its point and every worker in the one nearest its old micro-grid's label point.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, withScope, type Database, type Queryable } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { createPlan, loadPlan, publishOrSchedule, replaceEdits, setPlanState } from './plan-service.js';
import { previewPieces, validatePlan, type AnyRequestedEdit } from './plan-structure.js';

const LIMITS = { microGridHouseholdsMin: 30, microGridHouseholdsMax: 300, minAreaM2: 2000, minWidthM: 20 };
const TARGET = 100;
const SINCE = new Date(Date.now() - 365 * 24 * 3600 * 1000);

/** 仙林街道 grids of one community with more than one micro-grid and at least two cells at 100 households, most devices first. */
const pickGrids = defineSql(
  'test.structure_many.grids',
  `WITH g AS (
     SELECT g.code, g.parent_code AS community,
            (SELECT count(*) FROM units m WHERE m.parent_code = g.code) AS micro_grids,
            (SELECT count(*) FROM cameras c WHERE c.micro_grid_code LIKE g.code || '%')
              + (SELECT count(*) FROM sensors s WHERE s.micro_grid_code LIKE g.code || '%')
              + (SELECT count(*) FROM incidents i WHERE i.micro_grid_code LIKE g.code || '%' AND i.state NOT IN ('closed', 'rejected')) AS things
       FROM units g WHERE g.level = 'grid' AND g.street_code = '320113007' AND g.households >= 250),
        c AS (SELECT community FROM g WHERE micro_grids > 1 GROUP BY community ORDER BY count(*) DESC, community LIMIT 1)
   SELECT g.code, g.community FROM g JOIN c USING (community) WHERE g.micro_grids > 1 ORDER BY g.things DESC, g.code LIMIT 8`,
);
/** $1 edits → the pieces, and how many times gridops_partition ran in this transaction (track_functions set before). */
const structureOf = defineSql(
  'test.structure_many.structure',
  `SELECT ord, piece, pieces, old_codes, households, population, area_m2, ST_AsText(geom) AS wkt FROM gridops_plan_structure($1::jsonb) ORDER BY ord, piece`,
);
const partitionCalls = defineSql(
  'test.structure_many.partition_calls',
  `SELECT pg_stat_get_xact_function_calls('gridops_partition(geometry, integer, text, double precision)'::regprocedure)::integer AS calls`,
);
const trackFunctions = defineSql('test.structure_many.track_functions', `SELECT set_config('track_functions', 'pl', true)`);
/** $1 grids → the cameras, sensors and incidents under them (open ones; all since $2). */
const thingsUnder = defineSql(
  'test.structure_many.things',
  `SELECT (SELECT count(*) FROM cameras c WHERE left(c.micro_grid_code, 15) = ANY ($1::text[]))::integer AS cameras,
          (SELECT count(*) FROM sensors s WHERE left(s.micro_grid_code, 15) = ANY ($1::text[]))::integer AS sensors,
          (SELECT count(*) FROM incidents i WHERE left(i.micro_grid_code, 15) = ANY ($1::text[]) AND i.state NOT IN ('closed', 'rejected'))::integer AS open,
          (SELECT count(*) FROM incidents i WHERE left(i.micro_grid_code, 15) = ANY ($1::text[]) AND i.reported_at >= $2)::integer AS recent`,
);
/** $1 grids → what must follow: devices and open incidents by their point, workers by their micro-grid's label point. */
const followersUnder = defineSql(
  'test.structure_many.followers',
  `SELECT 'camera:' || c.id AS thing, left(c.micro_grid_code, 15) AS grid, ST_AsHEXEWKB(c.geom) AS point FROM cameras c WHERE left(c.micro_grid_code, 15) = ANY ($1::text[])
   UNION ALL SELECT 'sensor:' || s.id, left(s.micro_grid_code, 15), ST_AsHEXEWKB(s.geom) FROM sensors s WHERE left(s.micro_grid_code, 15) = ANY ($1::text[])
   UNION ALL SELECT 'incident:' || i.id, left(i.micro_grid_code, 15), ST_AsHEXEWKB(i.geom) FROM incidents i
              WHERE left(i.micro_grid_code, 15) = ANY ($1::text[]) AND i.state NOT IN ('closed', 'rejected')
   UNION ALL SELECT 'worker:' || w.code, left(w.home_unit_code, 15), ST_AsHEXEWKB(u.label_point) FROM workers w JOIN units u ON u.code = w.home_unit_code
              WHERE u.level = 'micro_grid' AND left(w.home_unit_code, 15) = ANY ($1::text[])
   ORDER BY 1`,
);
/** $1 things ('kind:id'), $2 grids, $3 points (hex EWKB) → where each is now, and the new micro-grid of its grid nearest the point. */
const placedNow = defineSql(
  'test.structure_many.placed',
  `SELECT x.thing,
          CASE split_part(x.thing, ':', 1)
            WHEN 'camera' THEN (SELECT micro_grid_code FROM cameras WHERE id = split_part(x.thing, ':', 2)::integer)
            WHEN 'sensor' THEN (SELECT micro_grid_code FROM sensors WHERE id = split_part(x.thing, ':', 2)::integer)
            WHEN 'incident' THEN (SELECT micro_grid_code FROM incidents WHERE id = split_part(x.thing, ':', 2)::bigint)
            ELSE (SELECT home_unit_code FROM workers WHERE code = split_part(x.thing, ':', 2)) END AS now,
          (SELECT u.code FROM units u WHERE u.parent_code = x.grid
            ORDER BY ST_Distance(u.geom, x.point::geometry), u.code LIMIT 1) AS nearest
     FROM unnest($1::text[], $2::text[], $3::text[]) AS x(thing, grid, point) ORDER BY x.thing`,
);

const planner = { jurisdiction: 'city', accountId: null, role: 'planner' };

describe.each(testDatabaseModes())('a plan of many structural edits on %s', (mode) => {
  let db: Database;
  const grids: { code: string; community: string }[] = [];

  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
    // The grids whose re-partition at 100 households validates without errors (pieces of one polygon, wide enough).
    const candidates = await db.query<{ code: string; community: string }>(pickGrids);
    await withScope(db, planner, async (tx) => {
      for (const g of candidates) {
        const outcome = await validatePlan(tx, [{ op: 'repartition', unit: g.code, households: TARGET }], g.community, LIMITS, SINCE);
        if (outcome.validation.errors === 0 && grids.length < 3) grids.push(g);
      }
    });
  });
  afterAll(() => db?.close());

  const edits = () => grids.map((g) => ({ op: 'repartition', unit: g.code, households: TARGET, from: g.community }));

  it('cuts each grid once, into the pieces it gets alone', async () => {
    expect(grids.length).toBe(3);
    const structure = (q: Queryable, list: object[]) =>
      q.query<{ ord: number; piece: number; pieces: number; old_codes: string[]; households: number; wkt: string }>(structureOf, [
        JSON.stringify(list),
      ]);
    const { whole, calls } = await db.withTransaction(async (tx) => {
      await tx.query(trackFunctions);
      const rows = await structure(tx, edits());
      const [counted] = await tx.query<{ calls: number }>(partitionCalls);
      return { whole: rows, calls: counted.calls };
    });
    // Before migration 0056 the planner re-ran every edit's cut once per edit of the plan: 9 partitions for 3 grids.
    expect(calls).toBe(3);
    for (const [i, edit] of edits().entries()) {
      const alone = await structure(db, [edit]);
      const mine = whole.filter((p) => p.ord === i + 1);
      expect(alone.length).toBeGreaterThan(1);
      expect(mine.map(({ ord: _ord, ...rest }) => rest)).toEqual(alone.map(({ ord: _ord, ...rest }) => rest));
    }
  });

  it('places every camera, sensor and incident of the retired micro-grids in exactly one piece', async () => {
    const codes = grids.map((g) => g.code);
    const [things] = await db.query<{ cameras: number; sensors: number; open: number; recent: number }>(thingsUnder, [codes, SINCE]);
    expect(things.cameras + things.sensors + things.open).toBeGreaterThan(0);
    const pieces = await withScope(db, planner, (tx) => previewPieces(tx, edits(), SINCE));
    const sum = (key: 'cameras' | 'sensors' | 'openIncidents' | 'incidents12m') => pieces.reduce((a, p) => a + p[key], 0);
    expect({ cameras: sum('cameras'), sensors: sum('sensors'), open: sum('openIncidents'), recent: sum('incidents12m') }).toEqual(things);
  });

  it('publishes: devices and open incidents to the new micro-grid nearest their point, workers to the one nearest their old label point', async () => {
    const codes = grids.map((g) => g.code);
    const followers = await db.query<{ thing: string; grid: string; point: string }>(followersUnder, [codes]);
    expect(followers.some((f) => f.thing.startsWith('worker:'))).toBe(true);
    expect(followers.some((f) => !f.thing.startsWith('worker:'))).toBe(true);
    const now = new Date();
    const actor = { accountId: 7001, role: 'planner', username: 'planner.test' };
    const outcome = await withScope(db, planner, async (tx) => {
      const plan = await createPlan(tx, { name: '整片重划', scopeCode: grids[0].community }, actor, now);
      const requested: AnyRequestedEdit[] = grids.map((g) => ({ op: 'repartition', unit: g.code, households: TARGET }));
      await replaceEdits(tx, plan, requested, LIMITS, now);
      const approved = await setPlanState(tx, await loadPlan(tx, plan.id), 'approved', now, {
        approver: { accountId: 7002, role: 'admin', username: 'admin.test' },
        effectiveAt: now,
      });
      return publishOrSchedule(tx, approved, actor, now);
    });
    expect(outcome.publication?.restructured).toHaveLength(3);
    const placed = await db.query<{ thing: string; now: string; nearest: string }>(placedNow, [
      followers.map((f) => f.thing),
      followers.map((f) => f.grid),
      followers.map((f) => f.point),
    ]);
    const retired = new Set(outcome.publication!.restructured!.flatMap((r) => r.from));
    const fresh = new Set(outcome.publication!.restructured!.flatMap((r) => r.to));
    for (const p of placed) {
      expect(retired.has(p.now), p.thing).toBe(false);
      expect(fresh.has(p.now), p.thing).toBe(true);
      expect(p.now, p.thing).toBe(p.nearest);
    }
  });
});
