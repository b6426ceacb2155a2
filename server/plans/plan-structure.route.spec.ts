/**
 * Splits and merges as plan edits through the API on the seeded Xianlin subset, on every database mode: a drawn
 * line cuts a micro-grid in two (validated: exactly two pieces, minimum area and width, households range; bad
 * lines, grids, far or foreign siblings refused with their reason codes), the balance and the diff show the
 * pieces, a second plan on the same unit is refused, and publication (second person, one transaction) retires the
 * old code for two new ones under the same grid (decision 0006), moves its workers to piece 1 and its devices and
 * open incidents to the piece their point lies in, keeps closed incidents on the old code, rebuilds the edges and
 * keeps the tiling exact; a merge of two adjacent siblings makes one new code; a split is rolled back as a merge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { callRoute } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import { pickMergeCandidate, pickReshapeCandidate, pickSplitCandidate, type SplitCandidate } from '../../tests/support/plan-candidates.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { checkTiling } from '../units/check-tiling.js';
import type { LineStringGeometry } from './plan-structure-rules.js';
import {
  approvePlanRoute,
  createPlanRoute,
  planDiffRoute,
  planStructureRoute,
  planValidationRoute,
  planVersionsRoute,
  publishPlanRoute,
  replaceEditsRoute,
  rollbackPlanRoute,
  sharedEdgeRoute,
  submitPlanRoute,
  withdrawPlanRoute,
} from './plans-contract.js';

const unitRow = defineSql(
  'test.structure.unit',
  `SELECT code, parent_code, area_m2, households, population, boundary_version FROM units WHERE code = $1`,
);
const openOf = defineSql(
  'test.structure.open',
  `SELECT count(*) FILTER (WHERE state NOT IN ('closed', 'rejected'))::integer AS open, count(*)::integer AS total FROM incidents WHERE micro_grid_code = $1`,
);
const workersOf = defineSql('test.structure.workers', `SELECT count(*)::integer AS n FROM workers WHERE home_unit_code = ANY ($1::text[])`);
const devicesOf = defineSql(
  'test.structure.devices',
  `SELECT (SELECT count(*) FROM cameras WHERE micro_grid_code = ANY ($1::text[]))::integer AS cameras,
          (SELECT count(*) FROM sensors WHERE micro_grid_code = ANY ($1::text[]))::integer AS sensors`,
);
/** Open incidents of the new pieces whose point lies outside their piece by more than 1 m (should be none). */
const misplaced = defineSql(
  'test.structure.misplaced',
  `SELECT count(*)::integer AS n FROM incidents i JOIN units u ON u.code = i.micro_grid_code
    WHERE i.micro_grid_code = ANY ($1::text[]) AND NOT ST_DWithin(u.geom::geography, i.geom::geography, 1)`,
);
const successors = defineSql('test.structure.successors', `SELECT new_code FROM unit_successors WHERE old_code = $1 ORDER BY new_code`);
const edgesOf = defineSql('test.structure.edges', `SELECT count(*)::integer AS n FROM unit_edges WHERE left_code = $1 OR right_code = $1`);
const relocations = defineSql(
  'test.structure.relocations',
  `SELECT count(*)::integer AS n FROM incident_timeline WHERE event = 'boundary_relocated' AND detail->>'from' = $1`,
);
const otherGridUnit = defineSql(
  'test.structure.other_grid_unit',
  `SELECT code FROM units WHERE level = 'micro_grid' AND community_code = $1 AND parent_code <> $2 ORDER BY code LIMIT 1`,
);
const farSibling = defineSql(
  'test.structure.far_sibling',
  `SELECT s.code FROM units s, units m WHERE m.code = $1 AND s.parent_code = m.parent_code AND s.code <> m.code
      AND NOT EXISTS (SELECT 1 FROM unit_edges e WHERE e.left_code = least(s.code, m.code) AND e.right_code = greatest(s.code, m.code))
    ORDER BY s.code LIMIT 1`,
);
const outlineHistory = defineSql(
  'test.structure.outline_history',
  `SELECT count(*)::integer AS n FROM unit_outline_history WHERE code = ANY ($1::text[])`,
);
const edgeNear = defineSql(
  'test.structure.edge_near',
  `SELECT count(*)::integer AS n FROM unit_edges WHERE left_code = $1 AND right_code = $2 AND ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography, 0.05)`,
);
const planAudit = defineSql(
  'test.structure.audit',
  `SELECT action, success FROM audit_log WHERE entity_type = 'boundary_plan' AND entity_id = $1 ORDER BY id`,
);

describe.each(testDatabaseModes())('split and merge plans on %s', (mode) => {
  let server: TestServer;
  let planner: Record<string, string>;
  let admin: Record<string, string>;
  let s: SplitCandidate;
  let splitPlan: number;
  let pieces: string[];

  // A keep-alive socket closed by the server just as it is reused (a busy machine): GET and PUT (a whole
  // replacement) are sent again once; a POST never is.
  const call = <R extends ApiRoute>(route: R, path: string, headers: Record<string, string>, body?: unknown) =>
    callRoute(server.baseUrl, route, path, headers, body).catch((error: unknown) =>
      route.method === 'get' || route.method === 'put' ? callRoute(server.baseUrl, route, path, headers, body) : Promise.reject(error),
    );
  const reasonsOf = (answer: { body: { validation?: { issues: { reason: string }[] }; details?: Record<string, unknown> } }) =>
    (answer.body.validation?.issues ?? (answer.body.details?.issues as { reason: string }[] | undefined) ?? []).map((i) => i.reason);
  /** Submit (with a reason when there are warnings), approve as the administrator, publish now. */
  const pass = async (id: number) => {
    const submitted = await call(submitPlanRoute, `/api/plans/${id}/submit`, planner, { warningReason: '拆分后户数略低，已与社区确认' });
    expect(submitted.body.plan?.state, JSON.stringify(submitted.body)).toBe('submitted');
    expect((await call(approvePlanRoute, `/api/plans/${id}/approve`, admin, {})).body.plan.state).toBe('approved');
    const published = await call(publishPlanRoute, `/api/plans/${id}/publish`, admin);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const publication = published.body.publication;
    if (!publication?.restructured) throw new Error(`not published with restructured units: ${JSON.stringify(published.body)}`);
    return { ...publication, restructured: publication.restructured };
  };

  beforeAll(async () => {
    server = await startTestServer(mode);
    [planner, admin] = await Promise.all(['planner.city', 'admin.city'].map((u) => signIn(server.baseUrl, u)));
    [s] = await server.db.query<SplitCandidate>(pickSplitCandidate);
    expect(s, 'a micro-grid a line cuts in two').toBeDefined();
  });
  afterAll(() => server?.close());

  it('refuses bad splits and merges with their reason codes', async () => {
    const id = (await call(createPlanRoute, '/api/plans', planner, { name: 'bad structure', scopeCode: s.community })).body.plan.id;
    const put = (edits: unknown[]) => call(replaceEditsRoute, `/api/plans/${id}/edits`, planner, { edits });
    const [x1, y] = s.line.coordinates[0];
    // Shape errors never reach the database.
    expect((await put([{ op: 'split', unit: s.code, line: { type: 'LineString', coordinates: [[x1, y]] } }])).body.code).toBe('invalid_edits');
    expect((await put([{ op: 'split', unit: s.code, line: { type: 'Point', coordinates: [x1, y] } }])).body.code).toBe('invalid_edits');
    expect((await put([{ op: 'merge', units: [s.code] }])).body.code).toBe('invalid_edits');
    // Units that cannot be edited: refused whole (nothing stored).
    expect((await put([{ op: 'split', unit: `${s.grid}999`, line: s.line }])).body.code).toBe('unit_not_found');
    expect((await put([{ op: 'split', unit: '320102001001001001', line: s.line }])).body.code).toBe('outside_plan_scope');
    expect(
      (
        await put([
          { unit: s.code, to: s.grid },
          { op: 'split', unit: s.code, line: s.line },
        ])
      ).body.code,
    ).toBe('duplicate_edit');
    // Errors stored with the draft, shown with their reason codes.
    const inside = {
      type: 'LineString',
      coordinates: [
        [s.lon - 0.00001, s.lat],
        [s.lon + 0.00001, s.lat],
      ],
    };
    expect(reasonsOf(await put([{ op: 'split', unit: s.code, line: inside }]))).toEqual(['split_not_two_parts']);
    const [x2] = s.line.coordinates[1];
    const crossing = {
      type: 'LineString',
      coordinates: [
        [x1, y],
        [x2, y],
        [x2, y + 0.001],
        [(x1 + x2) / 2, y - 0.001],
      ],
    };
    expect(reasonsOf(await put([{ op: 'split', unit: s.code, line: crossing }]))).toContain('line_invalid');
    expect(reasonsOf(await put([{ op: 'split', unit: s.grid, line: s.line }]))).toContain('level_not_restructurable');
    const [other] = await server.db.query<{ code: string }>(otherGridUnit, [s.community, s.grid]);
    expect(reasonsOf(await put([{ op: 'merge', units: [s.code, other.code] }]))).toContain('merge_not_siblings');
    const [far] = await server.db.query<{ code: string }>(farSibling, [s.code]);
    if (far) expect(reasonsOf(await put([{ op: 'merge', units: [s.code, far.code] }]))).toEqual(['merge_not_adjacent']);
    expect((await call(submitPlanRoute, `/api/plans/${id}/submit`, planner, {})).body.code).toBe('plan_invalid');
    expect((await call(withdrawPlanRoute, `/api/plans/${id}/withdraw`, planner)).body.plan.state).toBe('withdrawn');
  });

  it('splits a micro-grid by a drawn line as a draft: two pieces, balance and diff, the live map untouched', async () => {
    const created = await call(createPlanRoute, '/api/plans', planner, { name: '拆分', scopeCode: s.community });
    splitPlan = created.body.plan.id;
    const put = await call(replaceEditsRoute, `/api/plans/${splitPlan}/edits`, planner, { edits: [{ op: 'split', unit: s.code, line: s.line }] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.validation.errors).toBe(0);
    expect(put.body.plan.edits).toEqual([{ op: 'split', unit: s.code, line: s.line, from: s.grid }]);
    const [before] = await server.db.query<{ area_m2: number; households: number; population: number }>(unitRow, [s.code]);
    expect(put.body.structure).toHaveLength(2);
    const [one, two] = put.body.structure;
    expect(one.households + two.households).toBe(before.households);
    expect(one.population + two.population).toBe(before.population);
    expect(one.areaM2 + two.areaM2).toBeCloseTo(before.area_m2, 3);
    expect(one.geometry.type).toBe('MultiPolygon');
    const [balance] = put.body.structureBalance;
    expect(balance.parent).toBe(s.grid);
    const retired = balance.units.find((u) => u.code === s.code);
    expect(retired).toMatchObject({ affected: true, after: null });
    expect(balance.units.filter((u) => u.code === null)).toHaveLength(2);
    expect(balance.spread.households.after.min).toBeLessThanOrEqual(Math.min(one.households, two.households));
    const [{ open }] = await server.db.query<{ open: number }>(openOf, [s.code]);
    expect(one.openIncidents + two.openIncidents).toBe(open);
    const [workers] = await server.db.query<{ n: number }>(workersOf, [[s.code]]);
    expect([one.workers, two.workers]).toEqual([workers.n, 0]);

    const diff = (await call(planDiffRoute, `/api/plans/${splitPlan}/diff`, planner)).body;
    if (!('moved' in diff)) throw new Error(`not a draft's diff: ${JSON.stringify(diff)}`);
    expect(diff.moved).toEqual([]);
    expect(diff.restructured).toHaveLength(1);
    expect(diff.restructured[0]).toMatchObject({ op: 'split', parent: s.grid, from: [s.code] });
    expect(diff.restructured[0].pieces[0].workerList).toHaveLength(workers.n);
    const stored = await call(planStructureRoute, `/api/plans/${splitPlan}/structure`, planner);
    expect(stored.body.structure.map((p) => p.households)).toEqual([one.households, two.households]);
    // The live map is untouched; a second plan on the same unit is refused.
    expect((await server.db.query(unitRow, [s.code])).length).toBe(1);
    const second = await call(createPlanRoute, '/api/plans', planner, {
      name: 'again',
      scopeCode: s.community,
      edits: [{ op: 'split', unit: s.code, line: s.line }],
    });
    expect([second.status, second.body.code]).toEqual([409, 'plan_conflict']);
    expect(second.body.details?.units).toEqual(expect.arrayContaining([s.code, s.grid]));
  });

  it('publishes the split: two new codes under the grid, people, devices and open cases follow, the tiling stays exact', async () => {
    const [{ open, total }] = await server.db.query<{ open: number; total: number }>(openOf, [s.code]);
    const [workers] = await server.db.query<{ n: number }>(workersOf, [[s.code]]);
    const [devices] = await server.db.query<{ cameras: number; sensors: number }>(devicesOf, [[s.code]]);
    const [old] = await server.db.query<{ households: number; area_m2: number }>(unitRow, [s.code]);
    const publication = await pass(splitPlan);
    expect(publication.restructured).toHaveLength(1);
    expect(publication.restructured[0]).toMatchObject({ op: 'split', from: [s.code] });
    pieces = publication.restructured[0].to;
    expect(pieces).toHaveLength(2);
    for (const code of pieces) {
      expect(code.startsWith(s.grid)).toBe(true);
      expect(code).toHaveLength(18);
    }
    expect(publication.relocatedIncidents).toBe(open);
    expect(await server.db.query(unitRow, [s.code])).toEqual([]);
    const rows = (
      await Promise.all(
        pieces.map((p) => server.db.query<{ parent_code: string; households: number; area_m2: number; boundary_version: number }>(unitRow, [p])),
      )
    ).map((r) => r[0]);
    expect(rows.every((r) => r.parent_code === s.grid && r.boundary_version === 1)).toBe(true);
    expect(rows[0].households + rows[1].households).toBe(old.households);
    expect(rows[0].area_m2 + rows[1].area_m2).toBeCloseTo(old.area_m2, 3);
    expect((await server.db.query<{ n: number }>(workersOf, [[pieces[0]]]))[0].n).toBe(workers.n);
    expect((await server.db.query<{ cameras: number; sensors: number }>(devicesOf, [pieces]))[0]).toEqual(devices);
    expect((await server.db.query<{ cameras: number; sensors: number }>(devicesOf, [[s.code]]))[0]).toEqual({ cameras: 0, sensors: 0 });
    const after = await Promise.all(pieces.map(async (p) => (await server.db.query<{ open: number }>(openOf, [p]))[0].open));
    expect(after[0] + after[1]).toBe(open);
    expect((await server.db.query<{ n: number }>(misplaced, [pieces]))[0].n).toBe(0);
    expect((await server.db.query<{ open: number; total: number }>(openOf, [s.code]))[0]).toEqual({ open: 0, total: total - open });
    expect((await server.db.query<{ n: number }>(relocations, [s.code]))[0].n).toBe(open);
    expect((await server.db.query<{ new_code: string }>(successors, [s.code])).map((r) => r.new_code)).toEqual([...pieces].sort());
    for (const p of pieces) expect((await server.db.query<{ n: number }>(edgesOf, [p]))[0].n).toBeGreaterThan(0);
    expect((await server.db.query<{ n: number }>(edgesOf, [s.code]))[0].n).toBe(0);
    expect((await checkTiling(server.db)).problems).toEqual([]);
    expect(
      (await server.db.query<{ action: string; success: boolean }>(planAudit, [String(splitPlan)])).filter((a) => a.success).map((a) => a.action),
    ).toEqual(['plan.create', 'plan.edit', 'plan.submit', 'plan.approve', 'plan.publish']);
  });

  it('merges two adjacent sibling micro-grids into one new code', async () => {
    const [m] = await server.db.query<{ a: string; b: string; grid: string; community: string; households: number }>(pickMergeCandidate, [s.code]);
    const created = await call(createPlanRoute, '/api/plans', planner, {
      name: '合并',
      scopeCode: m.community,
      edits: [{ op: 'merge', units: [m.a, m.b] }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.plan.id;
    const structure = await call(planStructureRoute, `/api/plans/${id}/structure`, planner);
    expect(structure.body.validation.errors).toBe(0);
    expect(structure.body.structure).toHaveLength(1);
    expect(structure.body.structure[0]).toMatchObject({ op: 'merge', households: m.households, parts: 1, oldCodes: [m.a, m.b] });
    const [workers] = await server.db.query<{ n: number }>(workersOf, [[m.a, m.b]]);
    const publication = await pass(id);
    expect(publication.restructured[0]).toMatchObject({ op: 'merge', from: [m.a, m.b] });
    const [merged] = publication.restructured[0].to;
    expect(merged.startsWith(m.grid)).toBe(true);
    expect((await server.db.query<{ households: number }>(unitRow, [merged]))[0].households).toBe(m.households);
    expect((await server.db.query<{ n: number }>(workersOf, [[merged]]))[0].n).toBe(workers.n);
    for (const old of [m.a, m.b]) expect((await server.db.query<{ new_code: string }>(successors, [old])).map((r) => r.new_code)).toEqual([merged]);
    expect((await checkTiling(server.db)).problems).toEqual([]);
  });

  it('rolls a split back as a merge of its two pieces', async () => {
    const rollback = await call(rollbackPlanRoute, `/api/plans/${splitPlan}/rollback`, planner);
    expect(rollback.status, JSON.stringify(rollback.body)).toBe(201);
    expect(rollback.body.plan.edits).toEqual([{ op: 'merge', units: [...pieces].sort(), from: s.grid }]);
    expect((await call(planValidationRoute, `/api/plans/${rollback.body.plan.id}/validation`, planner)).body.errors).toBe(0);
  });

  it('reshapes the edge two micro-grids share: both change together, codes kept, the tiling stays exact', async () => {
    type Reshape = {
      a: string;
      b: string;
      community: string;
      grid: string;
      lon: number;
      lat: number;
      line: LineStringGeometry;
      old_line: LineStringGeometry;
    };
    const [r] = await server.db.query<Reshape>(pickReshapeCandidate, [[...(pieces ?? []), s.code], [s.grid]]);
    expect(r, 'two micro-grids with a long shared edge').toBeDefined();
    const edge = await call(sharedEdgeRoute, `/api/plans/edge?a=${r.a}&b=${r.b}`, planner);
    expect(edge.body.geometry.coordinates).toEqual(r.old_line.coordinates);
    const id = (await call(createPlanRoute, '/api/plans', planner, { name: '调整边界', scopeCode: r.community })).body.plan.id;
    const put = (edits: unknown[]) => call(replaceEditsRoute, `/api/plans/${id}/edits`, planner, { edits });
    // The ends must stay; the new line must stay inside the two; the two must share an edge.
    const shifted = {
      type: 'LineString',
      coordinates: r.line.coordinates.map(([x, y]: number[], i: number) => (i === 0 ? [x + 0.0002, y] : [x, y])),
    };
    expect(reasonsOf(await put([{ op: 'reshape', units: [r.a, r.b], line: shifted }]))).toEqual(['reshape_endpoints_moved']);
    const coords = r.line.coordinates as number[][];
    // The new middle point taken 1 km away: the line leaves the two micro-grids.
    const moved = coords.reduce(
      (best, [x, y], i) => (Math.hypot(x - r.lon, y - r.lat) < Math.hypot(coords[best][0] - r.lon, coords[best][1] - r.lat) ? i : best),
      0,
    );
    expect(moved > 0 && moved < coords.length - 1).toBe(true);
    const far = { type: 'LineString', coordinates: coords.map(([x, y], i) => (i === moved ? [x + 0.01, y + 0.01] : [x, y])) };
    const farAnswer = await put([{ op: 'reshape', units: [r.a, r.b], line: far }]);
    expect(
      reasonsOf(farAnswer),
      JSON.stringify({
        status: farAnswer.status,
        code: farAnswer.body.code,
        structure: farAnswer.body.structure?.map((p) => [p.piece, p.keepCode, p.parts, p.areaM2]),
      }),
    ).toEqual(['reshape_outside_units']);
    const [farOne] = await server.db.query<{ code: string }>(farSibling, [r.a]);
    if (farOne) expect(reasonsOf(await put([{ op: 'reshape', units: [r.a, farOne.code], line: r.line }]))).toEqual(['reshape_no_shared_edge']);

    const good = await put([{ op: 'reshape', units: [r.a, r.b], line: r.line }]);
    expect(good.body.validation.errors, JSON.stringify(good.body.validation)).toBe(0);
    const [before] = await Promise.all(
      [r.a, r.b].map(async (c) => (await server.db.query<{ area_m2: number; households: number }>(unitRow, [c]))[0]),
    );
    const [beforeB] = await server.db.query<{ area_m2: number; households: number }>(unitRow, [r.b]);
    const [pa, pb] = good.body.structure;
    expect([pa.keepCode, pb.keepCode]).toEqual([r.a, r.b]);
    expect(pa.households + pb.households).toBe(before.households + beforeB.households);
    expect(pa.areaM2 + pb.areaM2).toBeCloseTo(before.area_m2 + beforeB.area_m2, 3);
    // The middle point moved 8 m towards b: a gains what b loses (an edge of ≥ 80 m → at least ~300 m²).
    expect(pa.areaM2 - before.area_m2).toBeGreaterThan(100);
    const grid = good.body.structureBalance[0];
    expect(grid.units.filter((u) => u.code === null)).toEqual([]);
    expect(grid.units.find((u) => u.code === r.a)?.after?.households).toBe(pa.households);

    const publication = await pass(id);
    expect(publication.restructured).toEqual([{ op: 'reshape', from: [r.a, r.b], to: [r.a, r.b] }]);
    const after = await Promise.all(
      [r.a, r.b].map(async (c) => (await server.db.query<{ area_m2: number; boundary_version: number }>(unitRow, [c]))[0]),
    );
    expect(after[0].area_m2).toBeCloseTo(pa.areaM2, 3);
    expect(after[0].area_m2 + after[1].area_m2).toBeCloseTo(before.area_m2 + beforeB.area_m2, 3);
    expect(after.every((u) => u.boundary_version === publication.version)).toBe(true);
    expect((await server.db.query<{ n: number }>(outlineHistory, [[r.a, r.b]]))[0].n).toBe(2);
    expect((await server.db.query<{ n: number }>(edgeNear, [r.a, r.b, r.lon, r.lat]))[0].n).toBe(1);
    expect((await server.db.query<{ n: number }>(misplaced, [[r.a, r.b]]))[0].n).toBe(0);
    expect((await checkTiling(server.db)).problems).toEqual([]);
  });

  it('lists the published versions, newest first, with what each changed', async () => {
    const answer = await call(planVersionsRoute, '/api/plans/versions', planner);
    expect(answer.status).toBe(200);
    const versions = answer.body.versions;
    expect(versions.map((v) => v.version)).toEqual([...versions.map((v) => v.version)].sort((a, b) => b - a));
    const split = versions.find((v) => v.plan_id === splitPlan);
    expect(split).toMatchObject({ name: '拆分', author_username: 'planner.city', approved_by_username: 'admin.city', moved: 0, restructured: 1 });
    expect(versions.length).toBeGreaterThanOrEqual(3);
    expect((await call(planVersionsRoute, '/api/plans/versions?limit=0', planner)).body.code).toBe('invalid_query');
  });
});
