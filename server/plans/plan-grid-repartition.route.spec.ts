/**
 * Re-partition of a grid into new micro-grids by a household target the planner enters (migration 0045), through
 * the API on the seeded Xianlin subset, on every database mode: the target outside the configured range is refused
 * (422 repartition_target_out_of_range), a micro-grid is not re-partitioned (level_not_repartitionable), a move into
 * the grid beside it is a duplicate; the pieces are as many as the households divided by the target, share the
 * grid's households exactly and tile the grid; the balance and the diff show them; publication (a second person)
 * retires every old micro-grid for new codes under the same grid (decision 0006), maps the old codes to the new
 * ones, re-homes the workers by their old micro-grid's label point, keeps the tiling exact; a rollback is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { callRoute } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { checkTiling } from '../units/check-tiling.js';
import { repartitionCount } from './plan-structure-rules.js';
import {
  approvePlanRoute,
  createPlanRoute,
  planDiffRoute,
  publishPlanRoute,
  replaceEditsRoute,
  rollbackPlanRoute,
  submitPlanRoute,
} from './plans-contract.js';

/** The 仙林街道 grid with the most micro-grids (ties: code), its community, households and workers. units_parent_idx. */
const pickGrid = defineSql(
  'test.grid_repartition.grid',
  `SELECT g.code, g.parent_code AS community, g.households, g.area_m2,
          (SELECT count(*) FROM units m WHERE m.parent_code = g.code)::integer AS micro_grids,
          (SELECT max(m.code) FROM units m WHERE m.parent_code = g.code) AS last_code,
          (SELECT count(*) FROM workers w WHERE w.home_unit_code LIKE g.code || '%')::integer AS workers,
          (SELECT min(m.code) FROM units m WHERE m.parent_code = g.code) AS first_micro_grid,
          (SELECT n.code FROM units n WHERE n.parent_code = g.parent_code AND n.level = 'grid' AND n.code <> g.code ORDER BY n.code LIMIT 1) AS other_grid
     FROM units g WHERE g.level = 'grid' AND g.street_code = '320113007'
    ORDER BY micro_grids DESC, g.code LIMIT 1`,
);
/** $1 grid → its micro-grids now, with households, and the area of their union (m²). */
const childrenOf = defineSql(
  'test.grid_repartition.children',
  `SELECT array_agg(code ORDER BY code) AS codes, sum(households)::integer AS households,
          ST_Area(ST_UnaryUnion(ST_Collect(geom), 1e-9)::geography) AS union_m2
     FROM units WHERE parent_code = $1`,
);
const successorsOf = defineSql(
  'test.grid_repartition.successors',
  `SELECT count(DISTINCT old_code)::integer AS olds, count(DISTINCT new_code)::integer AS news FROM unit_successors WHERE plan_id = $1`,
);
const workersUnder = defineSql(
  'test.grid_repartition.workers',
  `SELECT count(*) FILTER (WHERE home_unit_code = ANY ($2::text[]))::integer AS on_new, count(*)::integer AS all
     FROM workers WHERE home_unit_code LIKE $1 || '%'`,
);

describe.each(testDatabaseModes())('re-partition of a grid by a household target on %s', (mode) => {
  let server: TestServer;
  let planner: Record<string, string>;
  let admin: Record<string, string>;
  const call = <R extends ApiRoute>(route: R, path: string, as: Record<string, string>, body?: unknown) =>
    callRoute(server.baseUrl, route, path, as, body);

  beforeAll(async () => {
    server = await startTestServer(mode);
    planner = await signIn(server.baseUrl, 'planner.city');
    admin = await signIn(server.baseUrl, 'admin.city');
  });
  afterAll(() => server?.close());

  it('cuts the grid into as many micro-grids as the target gives, validated, balanced, diffed, published under new codes', async () => {
    const [g] = await server.db.query<{
      code: string;
      community: string;
      households: number;
      area_m2: number;
      micro_grids: number;
      last_code: string;
      workers: number;
      first_micro_grid: string;
      other_grid: string;
    }>(pickGrid);
    expect(g.micro_grids).toBeGreaterThan(1);
    const [before] = await server.db.query<{ codes: string[]; households: number; union_m2: number }>(childrenOf, [g.code]);

    // Outside the configured range (30–300 households per micro-grid): refused with a stable code, nothing stored.
    const id = (await call(createPlanRoute, '/api/plans', planner, { name: '网格按户数重划', scopeCode: g.community })).body.plan.id;
    const low = await call(replaceEditsRoute, `/api/plans/${id}/edits`, planner, { edits: [{ op: 'repartition', unit: g.code, households: 5 }] });
    expect(low.status).toBe(422);
    expect(low.body.code).toBe('repartition_target_out_of_range');
    expect((low.body.details?.issues as { detail: unknown }[])[0].detail).toMatchObject({ households: 5, min: 30, max: 300 });
    expect(
      (await call(replaceEditsRoute, `/api/plans/${id}/edits`, planner, { edits: [{ op: 'repartition', unit: g.code, households: 301 }] })).body.code,
    ).toBe('repartition_target_out_of_range');
    // A micro-grid is not re-partitioned; a move into the grid beside its re-partition is a duplicate.
    const micro = await call(replaceEditsRoute, `/api/plans/${id}/edits`, planner, {
      edits: [{ op: 'repartition', unit: g.first_micro_grid, households: 60 }],
    });
    expect(micro.body.validation.issues.map((i) => i.reason)).toContain('level_not_repartitionable');

    // The target a planner would type for about one micro-grid fewer than today (at least 2), within the range.
    const wanted = Math.max(2, g.micro_grids - 1);
    const target = Math.min(300, Math.max(30, Math.round(g.households / wanted)));
    const count = repartitionCount(g.households, target);
    const draft = await call(replaceEditsRoute, `/api/plans/${id}/edits`, planner, {
      edits: [{ op: 'repartition', unit: g.code, households: target }],
    });
    expect(draft.status, JSON.stringify(draft.body).slice(0, 500)).toBe(200);
    expect(draft.body.plan.edits).toEqual([{ op: 'repartition', unit: g.code, households: target, from: g.community }]);
    const pieces = draft.body.structure;
    expect(pieces).toHaveLength(count);
    expect(pieces.reduce((a, p) => a + p.households, 0)).toBe(g.households);
    expect(pieces.reduce((a, p) => a + p.areaM2, 0)).toBeCloseTo(Number(g.area_m2), -1);
    const errors = draft.body.validation.issues.filter((i) => i.severity === 'error');
    expect(errors, JSON.stringify(errors)).toEqual([]);
    // The balance of the grid's micro-grids: every old one retired, the pieces new.
    const balance = draft.body.structureBalance.find((b) => b.parent === g.code)!;
    expect(balance.units.filter((u) => u.after === null)).toHaveLength(g.micro_grids);
    expect(balance.units.filter((u) => u.before === null)).toHaveLength(count);
    const diff = (await call(planDiffRoute, `/api/plans/${id}/diff`, planner)).body;
    if (!('restructured' in diff)) throw new Error(`not a draft's diff: ${JSON.stringify(diff)}`);
    expect(diff.restructured).toHaveLength(1);
    expect(diff.restructured[0]).toMatchObject({ op: 'repartition', parent: g.code, from: before.codes });
    // A second plan cannot paint into the claimed grid.
    const other = await call(createPlanRoute, '/api/plans', planner, {
      name: '冲突',
      scopeCode: g.community,
      edits: [{ unit: g.first_micro_grid, to: g.other_grid }],
    });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('plan_conflict');

    expect((await call(submitPlanRoute, `/api/plans/${id}/submit`, planner, { warningReason: '按户数重划，已与社区确认' })).body.plan.state).toBe(
      'submitted',
    );
    expect((await call(approvePlanRoute, `/api/plans/${id}/approve`, admin, {})).body.plan.state).toBe('approved');
    const published = await call(publishPlanRoute, `/api/plans/${id}/publish`, admin);
    expect(published.status, JSON.stringify(published.body).slice(0, 500)).toBe(200);
    const [done] = published.body.publication?.restructured ?? [];
    expect(done.op).toBe('repartition');
    expect(done.from).toEqual(before.codes);
    expect(done.to).toHaveLength(count);
    // New codes under the same grid, after every suffix issued there.
    for (const code of done.to) {
      expect(code.startsWith(g.code)).toBe(true);
      expect(Number(code.slice(-3))).toBeGreaterThan(Number(g.last_code.slice(-3)));
    }
    const [after] = await server.db.query<{ codes: string[]; households: number; union_m2: number }>(childrenOf, [g.code]);
    expect(after.codes).toEqual([...done.to].sort());
    expect(after.households).toBe(before.households);
    expect(Math.abs(after.union_m2 - before.union_m2) / before.union_m2).toBeLessThan(1e-6);
    const [successors] = await server.db.query<{ olds: number; news: number }>(successorsOf, [id]);
    expect(successors).toEqual({ olds: g.micro_grids, news: count });
    const [workers] = await server.db.query<{ on_new: number; all: number }>(workersUnder, [g.code, done.to]);
    expect(workers).toEqual({ on_new: g.workers, all: g.workers });
    expect((await checkTiling(server.db)).problems).toEqual([]);

    const rollback = await call(rollbackPlanRoute, `/api/plans/${id}/rollback`, planner);
    expect(rollback.status).toBe(409);
    expect(rollback.body.details?.why).toBe('repartition_not_reversible');
  });
});
