/**
 * GET /api/plans/repartition on the seeded Xianlin subset, on every database mode: a community's micro-grids
 * re-partitioned among its grids by households — every micro-grid in exactly one group, each group one contiguous
 * polygon, the households kept, the same answer twice; its moves put in a draft pass the tiling and contiguity
 * checks of validation; refused for a grid, an unknown code and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { callRoute } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { createPlanRoute, repartitionRoute, replaceEditsRoute } from './plans-contract.js';

/** The 仙林街道 community with the most grids (ties: code), its micro-grids and households. units_parent_idx. */
const pickCommunity = defineSql(
  'test.repartition.community',
  `SELECT k.code, (SELECT count(*) FROM units g WHERE g.parent_code = k.code)::integer AS grids,
          (SELECT count(*) FROM units g JOIN units m ON m.parent_code = g.code WHERE g.parent_code = k.code)::integer AS micro_grids,
          k.households, (SELECT g.code FROM units g WHERE g.parent_code = k.code ORDER BY g.code LIMIT 1) AS grid
     FROM units k WHERE k.level = 'community' AND k.street_code = '320113007'
    ORDER BY grids DESC, k.code LIMIT 1`,
);
/** $1 micro-grid codes → the number of polygons their union makes (1e-9° grid). */
const partsOf = defineSql(
  'test.repartition.parts',
  `SELECT ST_NumGeometries(ST_UnaryUnion(ST_Collect(geom), 1e-9))::integer AS parts FROM units WHERE code = ANY ($1::text[])`,
);

describe.each(testDatabaseModes())('re-partition proposal on %s', (mode) => {
  let server: TestServer;
  let planner: Record<string, string>;
  const call = <R extends ApiRoute>(route: R, path: string, body?: unknown) => callRoute(server.baseUrl, route, path, planner, body);

  beforeAll(async () => {
    server = await startTestServer(mode);
    planner = await signIn(server.baseUrl, 'planner.city');
  });
  afterAll(() => server?.close());

  it('proposes contiguous groups covering every micro-grid once, and its moves validate as a draft', async () => {
    const [k] = await server.db.query<{ code: string; grids: number; micro_grids: number; households: number; grid: string }>(pickCommunity);
    expect(k.grids).toBeGreaterThan(1);
    const answer = await call(repartitionRoute, `/api/plans/repartition?community=${k.code}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const groups = answer.body.groups;
    expect(groups).toHaveLength(k.grids);
    const all = groups.flatMap((g) => g.units);
    expect(all).toHaveLength(k.micro_grids);
    expect(new Set(all).size).toBe(k.micro_grids);
    expect(groups.reduce((a, g) => a + g.households, 0)).toBe(k.households);
    for (const g of groups) expect((await server.db.query<{ parts: number }>(partsOf, [g.units]))[0].parts, g.grid).toBe(1);
    expect(answer.body.households.target).toBeCloseTo(k.households / k.grids, 6);
    expect(answer.body.households.after.max - answer.body.households.after.min).toBeGreaterThanOrEqual(0);
    expect((await call(repartitionRoute, `/api/plans/repartition?community=${k.code}`)).body).toEqual(answer.body);

    const id = (await call(createPlanRoute, '/api/plans', { name: '按户数重划', scopeCode: k.code })).body.plan.id;
    const draft = await call(replaceEditsRoute, `/api/plans/${id}/edits`, { edits: answer.body.moves });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    const reasons = draft.body.validation.issues.map((i) => i.reason);
    expect(reasons).not.toContain('not_contiguous');
    expect(reasons).not.toContain('coverage_broken');
    expect(reasons).not.toContain('parent_emptied');
    // The server's balance of the draft agrees with the proposal's.
    const after = draft.body.balance[0]?.balance.units ?? [];
    for (const g of groups) expect(after.find((u) => u.code === g.grid)?.after.households ?? g.households).toBe(g.households);

    expect((await call(repartitionRoute, `/api/plans/repartition?community=${k.grid}`)).body.code).toBe('unit_not_found');
    expect((await call(repartitionRoute, '/api/plans/repartition?community=320102999999')).body.code).toBe('unit_not_found');
    expect((await call(repartitionRoute, '/api/plans/repartition')).body.code).toBe('invalid_query');
  });
});
