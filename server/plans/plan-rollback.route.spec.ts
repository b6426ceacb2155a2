/**
 * Rolling back published merges and reshapes through the API on the seeded Xianlin subset, on every database
 * mode: a merge is rolled back as a split along the edge its two old micro-grids shared — published, the two
 * pieces have the old outlines again (new codes, the merged code's successors) and the tiling stays exact; a
 * reshape is rolled back as a reshape back to the old edge — both codes kept, both outlines as before the plan;
 * a plan whose units a later version changed is refused with `rollback_superseded`, naming them; an unpublished
 * plan with `plan_not_published`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { callRoute } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import type { LineStringGeometry } from './plan-structure-rules.js';
import { pickMergeCandidate, pickReshapeCandidate } from '../../tests/support/plan-candidates.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { checkTiling } from '../units/check-tiling.js';
import {
  approvePlanRoute,
  createPlanRoute,
  planStructureRoute,
  planValidationRoute,
  publishPlanRoute,
  rollbackPlanRoute,
  submitPlanRoute,
} from './plans-contract.js';

/** $1 code → its outline now, as hex EWKB (units primary key). */
const outlineNow = defineSql('test.rollback.outline_now', `SELECT geom::text AS geom, households, boundary_version FROM units WHERE code = $1`);
/**
 * $1 today's code, $2 an outline (hex EWKB) → the Hausdorff distance between them (m, roughly: degrees × 111,320) and
 * the symmetric difference's area (m²). Units primary key.
 */
const likeness = defineSql(
  'test.rollback.likeness',
  `SELECT ST_HausdorffDistance(u.geom, $2::geometry) * 111320 AS hausdorff_m,
          ST_Area(ST_SymDifference(u.geom, $2::geometry, 1e-10)::geography) AS difference_m2
     FROM units u WHERE u.code = $1`,
);
const successors = defineSql('test.rollback.successors', `SELECT new_code FROM unit_successors WHERE old_code = $1 ORDER BY new_code`);

describe.each(testDatabaseModes())('rollback of merges and reshapes on %s', (mode) => {
  let server: TestServer;
  let planner: Record<string, string>;
  let admin: Record<string, string>;

  const call = <R extends ApiRoute>(route: R, path: string, headers: Record<string, string>, body?: unknown) =>
    callRoute(server.baseUrl, route, path, headers, body);
  const pass = async (id: number) => {
    const submitted = await call(submitPlanRoute, `/api/plans/${id}/submit`, planner, { warningReason: '回退到原边界' });
    expect(submitted.body.plan?.state, JSON.stringify(submitted.body)).toBe('submitted');
    expect((await call(approvePlanRoute, `/api/plans/${id}/approve`, admin, {})).body.plan.state).toBe('approved');
    const published = await call(publishPlanRoute, `/api/plans/${id}/publish`, admin);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const publication = published.body.publication;
    if (!publication?.restructured) throw new Error(`not published with restructured units: ${JSON.stringify(published.body)}`);
    return { ...publication, restructured: publication.restructured };
  };
  const outline = async (code: string) =>
    (await server.db.query<{ geom: string; households: number; boundary_version: number }>(outlineNow, [code]))[0];
  /** Whether today's unit `code` has the outline `geom` again, to within a centimetre everywhere. */
  const restored = async (code: string, geom: string) => {
    const [l] = await server.db.query<{ hausdorff_m: number; difference_m2: number }>(likeness, [code, geom]);
    expect(l.hausdorff_m).toBeLessThan(0.05);
    expect(l.difference_m2).toBeLessThan(0.5);
  };

  beforeAll(async () => {
    server = await startTestServer(mode);
    [planner, admin] = await Promise.all(['planner.city', 'admin.city'].map((u) => signIn(server.baseUrl, u)));
  });
  afterAll(() => server?.close());

  it('rolls a merge back as a split along the old edge: the two old outlines come back under new codes', async () => {
    const [m] = await server.db.query<{ a: string; b: string; grid: string; community: string; households: number }>(pickMergeCandidate, ['']);
    const [oldA, oldB] = await Promise.all([outline(m.a), outline(m.b)]);
    const id = (
      await call(createPlanRoute, '/api/plans', planner, { name: '合并', scopeCode: m.community, edits: [{ op: 'merge', units: [m.a, m.b] }] })
    ).body.plan.id;
    const draft = await call(rollbackPlanRoute, `/api/plans/${id}/rollback`, planner);
    expect(draft.body.code).toBe('plan_not_published');
    const [merged] = (await pass(id)).restructured[0].to;

    const rollback = await call(rollbackPlanRoute, `/api/plans/${id}/rollback`, planner);
    expect(rollback.status, JSON.stringify(rollback.body)).toBe(201);
    expect(rollback.body.plan).toMatchObject({ rollback_of_plan_id: id, state: 'draft' });
    expect(rollback.body.plan.edits).toMatchObject([{ op: 'split', unit: merged, from: m.grid }]);
    const structure = await call(planStructureRoute, `/api/plans/${rollback.body.plan.id}/structure`, planner);
    expect(structure.body.validation.errors, JSON.stringify(structure.body.validation)).toBe(0);
    expect(structure.body.structure.map((p) => p.households).reduce((x, y) => x + y, 0)).toBe(m.households);

    const publication = await pass(rollback.body.plan.id);
    expect(publication.restructured[0]).toMatchObject({ op: 'split', from: [merged] });
    const pieces = publication.restructured[0].to;
    expect((await server.db.query<{ new_code: string }>(successors, [merged])).map((r) => r.new_code)).toEqual([...pieces].sort());
    // Each old outline is one of the pieces again (which one got which new code follows the pieces' order).
    const [pieceA] = await server.db.query<{ hausdorff_m: number }>(likeness, [pieces[0], oldA.geom]);
    const [first, second] = pieceA.hausdorff_m < 0.05 ? [oldA, oldB] : [oldB, oldA];
    await restored(pieces[0], first.geom);
    await restored(pieces[1], second.geom);
    for (const p of pieces) expect((await outline(p)).boundary_version).toBe(publication.version);
    expect((await checkTiling(server.db)).problems).toEqual([]);
  });

  it('rolls a reshape back to the old edge: both codes kept, both outlines as before; a superseded one is refused', async () => {
    const [r] = await server.db.query<{ a: string; b: string; community: string; line: LineStringGeometry; lon: number; lat: number }>(
      pickReshapeCandidate,
      [[], []],
    );
    const [oldA, oldB] = await Promise.all([outline(r.a), outline(r.b)]);
    const id = (
      await call(createPlanRoute, '/api/plans', planner, {
        name: '调整边界',
        scopeCode: r.community,
        edits: [{ op: 'reshape', units: [r.a, r.b], line: r.line }],
      })
    ).body.plan.id;
    const first = await pass(id);
    expect((await outline(r.a)).boundary_version).toBe(first.version);

    const rollback = await call(rollbackPlanRoute, `/api/plans/${id}/rollback`, planner);
    expect(rollback.status, JSON.stringify(rollback.body)).toBe(201);
    expect(rollback.body.plan.edits).toMatchObject([{ op: 'reshape', units: [r.a, r.b] }]);
    const back = await pass(rollback.body.plan.id);
    expect(back.restructured).toEqual([{ op: 'reshape', from: [r.a, r.b], to: [r.a, r.b] }]);
    await restored(r.a, oldA.geom);
    await restored(r.b, oldB.geom);
    expect((await outline(r.a)).households + (await outline(r.b)).households).toBe(oldA.households + oldB.households);
    expect((await checkTiling(server.db)).problems).toEqual([]);

    // The first plan's units were changed by the rollback (a later version): rolling it back again is refused.
    const again = await call(rollbackPlanRoute, `/api/plans/${id}/rollback`, planner);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'rollback_superseded', details: { units: [r.a, r.b] } });
    // The rollback itself is the latest: it can be rolled back (the reshape again).
    const redo = await call(rollbackPlanRoute, `/api/plans/${rollback.body.plan.id}/rollback`, planner);
    expect(redo.status, JSON.stringify(redo.body)).toBe(201);
    expect((await call(planValidationRoute, `/api/plans/${redo.body.plan.id}/validation`, planner)).body.errors).toBe(0);
  });
});
