/**
 * Boundary plans through the API on the seeded Xianlin subset, on every database mode: a planner paints a
 * micro-grid into the neighbouring grid; validation, balance and diff; concurrent plans refused; approval by a
 * second person only; publication in one transaction re-codes the micro-grid under its new grid (decision 0006),
 * moves its workers, devices and open incidents (with a timeline entry), keeps closed incidents on the old code,
 * rebuilds the edges, keeps the tiling exact, and row-level security follows (a grid-scoped token sees the
 * micro-grid only after publication, the old grid loses it); a stale plan is refused naming the units; rollback
 * is a new plan, published later by the scheduler at its effective time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { createLogger } from '../logging/logger.js';
import { screenTokenHeaders, signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { checkTiling } from '../units/check-tiling.js';
import { publishDuePlans } from './plan-publication-scheduler.js';
import { callRoute } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import {
  approvePlanRoute,
  createPlanRoute,
  listPlansRoute,
  planBalanceRoute,
  planDiffRoute,
  planFiguresRoute,
  planMapRoute,
  planValidationRoute,
  publishPlanRoute,
  replaceEditsRoute,
  rollbackPlanRoute,
  submitPlanRoute,
  withdrawPlanRoute,
} from './plans-contract.js';
import { locateRoute, readUnitRoute } from '../units/units-contract.js';

/** A micro-grid of 仙林街道 on its grid's edge with a neighbouring grid of the same community, whose grid stays whole without it. */
const pickCandidate = defineSql(
  'test.plans.candidate',
  `WITH cand AS (
     SELECT m.code, m.parent_code AS source, g.code AS target, m.community_code AS community, m.households,
            (SELECT count(*) FROM incidents i WHERE i.micro_grid_code = m.code AND i.state NOT IN ('closed', 'rejected'))::integer AS open
       FROM units m
       JOIN units g ON g.parent_code = m.community_code AND g.level = 'grid' AND g.code <> m.parent_code
                   AND g.geom && m.geom AND ST_Relate(m.geom, g.geom, 'F***1****')
      WHERE m.level = 'micro_grid' AND m.street_code = '320113007'
        AND (SELECT count(*) FROM units s WHERE s.parent_code = m.parent_code) > 2
        AND (SELECT ST_NumGeometries(ST_UnaryUnion(ST_Collect(s.geom), 1e-9)) FROM units s
              WHERE s.parent_code = m.parent_code AND s.code <> m.code) = 1)
   SELECT * FROM cand ORDER BY open DESC, code LIMIT 1`,
);
/** Grids of the same community not touching the micro-grid, and a grid of another community. */
const pickOtherGrids = defineSql(
  'test.plans.other_grids',
  `SELECT (SELECT g.code FROM units g, units m WHERE m.code = $1 AND g.parent_code = m.community_code AND g.level = 'grid'
            AND NOT ST_Intersects(g.geom, m.geom) ORDER BY g.code LIMIT 1) AS far_grid,
          (SELECT g.code FROM units g, units m WHERE m.code = $1 AND g.level = 'grid' AND g.street_code = m.street_code
            AND g.community_code <> m.community_code ORDER BY g.code LIMIT 1) AS foreign_grid,
          (SELECT m.parent_code FROM units m WHERE m.code = $1) AS grid`,
);
const siblingsOf = defineSql('test.plans.siblings', `SELECT code FROM units WHERE parent_code = $1 AND code <> $2 ORDER BY code`);
const unitRow = defineSql('test.plans.unit', `SELECT code, parent_code, area_m2, households, boundary_version FROM units WHERE code = $1`);
const incidentsOf = defineSql(
  'test.plans.incidents',
  `SELECT count(*) FILTER (WHERE state NOT IN ('closed', 'rejected'))::integer AS open, count(*)::integer AS total FROM incidents WHERE micro_grid_code = $1`,
);
const workersOf = defineSql('test.plans.workers', `SELECT count(*)::integer AS n FROM workers WHERE home_unit_code = $1`);
const relocations = defineSql(
  'test.plans.relocations',
  `SELECT count(*)::integer AS n FROM incident_timeline WHERE event = 'boundary_relocated' AND detail->>'to' = $1`,
);
const edgesOf = defineSql('test.plans.edges', `SELECT count(*)::integer AS n FROM unit_edges WHERE left_code = $1 OR right_code = $1`);
const insidePoint = defineSql(
  'test.plans.inside_point',
  `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM units WHERE code = $1) x`,
);
const successorOf = defineSql('test.plans.successor', `SELECT gridops_current_unit_code($1) AS code`);
/** A grid of 仙林街道 on its community's edge with a neighbouring community, whose community stays whole without it. */
const pickGridCandidate = defineSql(
  'test.plans.grid_candidate',
  `SELECT g.code, g.parent_code AS source, k.code AS target,
          (SELECT count(*) FROM units m WHERE m.parent_code = g.code)::integer AS micro_grids
     FROM units g
     JOIN units k ON k.parent_code = g.street_code AND k.level = 'community' AND k.code <> g.parent_code
                 AND k.geom && g.geom AND ST_Relate(g.geom, k.geom, 'F***1****')
    WHERE g.level = 'grid' AND g.street_code = '320113007'
      AND (SELECT count(*) FROM units s WHERE s.parent_code = g.parent_code) > 2
      AND (SELECT ST_NumGeometries(ST_UnaryUnion(ST_Collect(s.geom), 1e-9)) FROM units s
            WHERE s.parent_code = g.parent_code AND s.code <> g.code) = 1
    ORDER BY g.code LIMIT 1`,
);
/** $1 grid code → open incidents, cameras and workers in its micro-grids (by code prefix; incidents_micro_grid_idx). */
const followersOfGrid = defineSql(
  'test.plans.grid_followers',
  `SELECT (SELECT count(*) FROM incidents WHERE micro_grid_code LIKE $1 || '%' AND state NOT IN ('closed', 'rejected'))::integer AS open,
          (SELECT count(*) FROM cameras WHERE micro_grid_code LIKE $1 || '%')::integer AS cameras,
          (SELECT count(*) FROM workers WHERE home_unit_code LIKE $1 || '%')::integer AS workers`,
);
const childrenOf = defineSql('test.plans.children', `SELECT code FROM units WHERE parent_code = $1 ORDER BY code`);
const planAudit = defineSql(
  'test.plans.audit',
  `SELECT action, success, reason FROM audit_log WHERE entity_type = 'boundary_plan' AND entity_id = $1 ORDER BY id`,
);

describe.each(testDatabaseModes())('boundary plans on %s', (mode) => {
  let server: TestServer;
  let planner: Record<string, string>;
  let admin: Record<string, string>;
  let dispatcher: Record<string, string>;
  let c: { code: string; source: string; target: string; community: string; households: number; open: number };
  let others: { far_grid: string; foreign_grid: string; grid: string };
  let planId: number;
  let newCode: string;

  // A keep-alive socket idle past the server's timeout (a slow step on a busy machine) can be closed just as it is
  // reused: a read is sent again once; a change never is.
  const call = <R extends ApiRoute>(route: R, path: string, headers: Record<string, string>, body?: unknown) =>
    callRoute(server.baseUrl, route, path, headers, body).catch((error: unknown) =>
      route.method === 'get' ? callRoute(server.baseUrl, route, path, headers, body) : Promise.reject(error),
    );
  const newPlan = async (edits: { unit: string; to: string }[] = [], scopeCode = c.community) =>
    call(createPlanRoute, '/api/plans', planner, { name: 'test plan', scopeCode, edits });

  beforeAll(async () => {
    server = await startTestServer(mode);
    [planner, admin, dispatcher] = await Promise.all(['planner.city', 'admin.city', 'dispatcher.xianlin'].map((u) => signIn(server.baseUrl, u)));
    [c] = await server.db.query<typeof c>(pickCandidate);
    expect(c, 'a paintable micro-grid in Xianlin').toBeDefined();
    [others] = await server.db.query<typeof others>(pickOtherGrids, [c.code]);
  });
  afterAll(() => server?.close());

  it('is for planners and administrators only', async () => {
    expect((await call(listPlansRoute, '/api/plans', dispatcher)).body.code).toBe('role_forbidden');
    expect((await call(listPlansRoute, '/api/plans', planner)).status).toBe(200);
  });

  it('refuses edits that name nothing editable, with their reason codes', async () => {
    const draft = (await newPlan()).body.plan.id;
    const put = (edits: { unit: string; to: string }[]) => call(replaceEditsRoute, `/api/plans/${draft}/edits`, planner, { edits });
    expect((await put([{ unit: `${c.source}999`, to: c.target }])).body.code).toBe('unit_not_found');
    expect((await put([{ unit: '320102001001001001', to: c.target }])).body.code).toBe('outside_plan_scope');
    const many = Array.from({ length: 501 }, (_, i) => ({ unit: `${c.source}${String(i).padStart(3, '0')}`, to: c.target }));
    expect((await put(many)).body.code).toBe('too_many_edits');
    const [sibling] = await server.db.query<{ code: string }>(siblingsOf, [c.source, c.code]);
    expect(
      (
        await put([
          { unit: sibling.code, to: others.far_grid ?? c.target },
          { unit: sibling.code, to: c.target },
        ])
      ).body.code,
    ).toBe('duplicate_edit');
    // Errors that are stored with the draft, shown with their reason codes.
    const reasons = async (edits: { unit: string; to: string }[]) => {
      const r = await put(edits);
      expect(r.status).toBe(200);
      expect(r.body.validation.valid).toBe(false);
      return r.body.validation.issues.map((i) => i.reason);
    };
    expect(await reasons([{ unit: sibling.code, to: `${c.community}999` }])).toContain('target_not_found');
    expect(await reasons([{ unit: c.source, to: c.target }])).toContain('target_level_mismatch');
    expect(await reasons([{ unit: sibling.code, to: c.community }])).toContain('target_level_mismatch');
    expect(await reasons([{ unit: sibling.code, to: c.source }])).toContain('already_in_target');
    expect((await call(withdrawPlanRoute, `/api/plans/${draft}/withdraw`, planner)).body.plan.state).toBe('withdrawn');
    const community = (await call(createPlanRoute, '/api/plans', planner, { name: 'street plan', scopeCode: '320113007' })).body.plan.id;
    const putStreet = (edits: { unit: string; to: string }[]) => call(replaceEditsRoute, `/api/plans/${community}/edits`, planner, { edits });
    expect((await putStreet([{ unit: sibling.code, to: others.foreign_grid }])).body.validation.issues.map((i) => i.reason)).toContain(
      'target_outside_parent',
    );
    expect((await putStreet([{ unit: c.community, to: '320113007' }])).body.validation.issues.map((i) => i.reason)).toContain('level_not_paintable');
    expect(
      (
        await putStreet([
          { unit: sibling.code, to: c.target },
          { unit: others.far_grid, to: others.foreign_grid },
        ])
      ).body.validation.issues.map((i) => i.reason),
    ).toContain('mixed_levels');
    expect((await call(withdrawPlanRoute, `/api/plans/${community}/withdraw`, planner)).body.plan.state).toBe('withdrawn');
    const second = (await newPlan()).body.plan.id;
    const reasonsOfSecond = async (edits: { unit: string; to: string }[]) =>
      (await call(replaceEditsRoute, `/api/plans/${second}/edits`, planner, { edits })).body.validation.issues.map((i) => i.reason);
    if (others.far_grid) expect(await reasonsOfSecond([{ unit: sibling.code, to: others.far_grid }])).toContain('not_contiguous');
    const all = [c.code, ...(await server.db.query<{ code: string }>(siblingsOf, [c.source, c.code])).map((s) => s.code)];
    expect(await reasonsOfSecond(all.map((unit) => ({ unit, to: c.target })))).toContain('parent_emptied');
    expect((await call(withdrawPlanRoute, `/api/plans/${second}/withdraw`, planner)).body.plan.state).toBe('withdrawn');
    // Withdrawn plans hold nothing: their units are free again.
    expect((await call(withdrawPlanRoute, `/api/plans/${second}/withdraw`, planner)).body.code).toBe('plan_not_open');
  });

  it('paints a micro-grid into the neighbouring grid as a draft: valid, balanced, diffed, the live map untouched', async () => {
    const created = await newPlan();
    expect(created.status).toBe(201);
    planId = created.body.plan.id;
    expect(created.body.plan).toMatchObject({ state: 'draft', based_on_version: 0, scope_code: c.community });
    const put = await call(replaceEditsRoute, `/api/plans/${planId}/edits`, planner, { edits: [{ unit: c.code, to: c.target }] });
    expect(put.status).toBe(200);
    expect(put.body.plan.edits).toEqual([{ unit: c.code, from: c.source, to: c.target }]);
    expect(put.body.validation).toMatchObject({ valid: true, errors: 0 });
    const [balance] = put.body.balance;
    expect(balance.parent).toBe(c.community);
    const source = balance.balance.units.find((u) => u.code === c.source)!;
    const target = balance.balance.units.find((u) => u.code === c.target)!;
    expect(source.before.households - source.after.households).toBe(c.households);
    expect(target.after.households - target.before.households).toBe(c.households);
    expect(source.affected && target.affected).toBe(true);
    expect(source.after.workers).toBeLessThan(source.before.workers);
    const diff = (await call(planDiffRoute, `/api/plans/${planId}/diff`, planner)).body;
    if (!('moved' in diff)) throw new Error(`not a draft's diff: ${JSON.stringify(diff)}`);
    expect(diff.moved).toHaveLength(1);
    expect(diff.moved[0]).toMatchObject({ code: c.code, from: c.source, to: c.target, households: c.households, openIncidents: c.open });
    expect(diff.moved[0].workers.length).toBeGreaterThan(0);
    const figures = await call(planFiguresRoute, `/api/plans/figures?parent=${c.community}&level=micro_grid`, planner);
    expect(figures.body.figures.some((f) => f.code === c.code && f.kind === 'child')).toBe(true);
    // Nothing changed on the live map.
    const [unit] = await server.db.query<{ parent_code: string }>(unitRow, [c.code]);
    expect(unit.parent_code).toBe(c.source);
  });

  it('refuses a second open plan on the same units, naming them', async () => {
    const second = await newPlan([{ unit: c.code, to: c.target }]);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('plan_conflict');
    expect(second.body.details?.units).toEqual(expect.arrayContaining([c.code, c.source, c.target]));
    expect(second.body.details?.plans).toEqual([planId]);
  });

  it('needs a second person to approve: never the author', async () => {
    expect((await call(approvePlanRoute, `/api/plans/${planId}/approve`, admin)).body.code).toBe('plan_not_submitted');
    const submitted = await call(submitPlanRoute, `/api/plans/${planId}/submit`, planner, {});
    expect(submitted.body.plan.state).toBe('submitted');
    expect((await call(replaceEditsRoute, `/api/plans/${planId}/edits`, planner, { edits: [] })).body.code).toBe('plan_not_draft');
    const own = await call(approvePlanRoute, `/api/plans/${planId}/approve`, planner, {});
    expect([own.status, own.body.code]).toEqual([403, 'own_plan_approval']);
    expect((await call(publishPlanRoute, `/api/plans/${planId}/publish`, admin)).body.code).toBe('plan_not_approved');
    const approved = await call(approvePlanRoute, `/api/plans/${planId}/approve`, admin, {});
    expect(approved.body.plan).toMatchObject({ state: 'approved', approved_by_username: 'admin.city' });
  });

  it('publishes in one transaction: new code under the new grid, people, devices and open cases follow, RLS follows', async () => {
    const sourceToken = await screenTokenHeaders(server.db, c.source);
    const targetToken = await screenTokenHeaders(server.db, c.target);
    expect((await call(readUnitRoute, `/api/units/${c.code}`, targetToken)).status).toBe(404);
    expect((await call(readUnitRoute, `/api/units/${c.code}`, sourceToken)).status).toBe(200);
    // A plan made before the publication, edited after it: stale.
    const stale = (await newPlan([], c.community)).body.plan.id;
    const [before] = await server.db.query<{ open: number; total: number }>(incidentsOf, [c.code]);
    const [workersBefore] = await server.db.query<{ n: number }>(workersOf, [c.code]);
    const [targetBefore] = await server.db.query<{ area_m2: number; households: number }>(unitRow, [c.target]);
    const [point] = await server.db.query<{ lon: number; lat: number }>(insidePoint, [c.code]);
    const locate = async () => (await call(locateRoute, `/api/locate?lon=${point.lon}&lat=${point.lat}`, dispatcher)).body;
    expect((await locate()).grid.code).toBe(c.source);

    const published = await call(publishPlanRoute, `/api/plans/${planId}/publish`, planner);
    expect(published.status).toBe(200);
    expect(published.body.plan).toMatchObject({ state: 'published', published_version: 1 });
    const publication = published.body.publication!;
    expect(publication.moved).toHaveLength(1);
    newCode = publication.moved[0].to;
    expect(publication.moved[0].from).toBe(c.code);
    expect(newCode.startsWith(c.target)).toBe(true);
    expect(newCode).toHaveLength(c.code.length);
    expect(publication.relocatedIncidents).toBe(before.open);

    expect(await server.db.query(unitRow, [c.code])).toEqual([]);
    const [moved] = await server.db.query<{ parent_code: string; boundary_version: number }>(unitRow, [newCode]);
    expect(moved).toMatchObject({ parent_code: c.target, boundary_version: 1 });
    const [targetAfter] = await server.db.query<{ area_m2: number; households: number }>(unitRow, [c.target]);
    expect(targetAfter.households - targetBefore.households).toBe(c.households);
    expect(targetAfter.area_m2).toBeGreaterThan(targetBefore.area_m2);
    expect((await server.db.query<{ n: number }>(workersOf, [newCode]))[0].n).toBe(workersBefore.n);
    // Open cases follow with a timeline entry; closed ones stay where they happened.
    expect((await server.db.query<{ open: number }>(incidentsOf, [newCode]))[0].open).toBe(before.open);
    expect((await server.db.query<{ open: number; total: number }>(incidentsOf, [c.code]))[0]).toEqual({
      open: 0,
      total: before.total - before.open,
    });
    expect((await server.db.query<{ n: number }>(relocations, [newCode]))[0].n).toBe(before.open);
    expect((await server.db.query<{ code: string }>(successorOf, [c.code]))[0].code).toBe(newCode);
    // Edges rebuilt for the new code, none left for the old one; every level still tiles its parent.
    expect((await server.db.query<{ n: number }>(edgesOf, [newCode]))[0].n).toBeGreaterThan(0);
    expect((await server.db.query<{ n: number }>(edgesOf, [c.code]))[0].n).toBe(0);
    const tiling = await checkTiling(server.db);
    expect(tiling.problems).toEqual([]);
    // Row-level security follows the new code: the target grid sees it now, the source grid lost it.
    expect((await call(readUnitRoute, `/api/units/${newCode}`, targetToken)).status).toBe(200);
    expect((await call(readUnitRoute, `/api/units/${newCode}`, sourceToken)).status).toBe(404);
    expect((await call(readUnitRoute, `/api/units/${c.code}`, sourceToken)).status).toBe(404);
    expect((await call(readUnitRoute, `/api/units/${newCode}`, dispatcher)).status).toBe(200);
    // Locate answers from the new boundaries at once.
    expect(await locate()).toMatchObject({ grid: { code: c.target }, microGrid: { code: newCode } });

    // The stale plan names the units changed since its version.
    await call(replaceEditsRoute, `/api/plans/${stale}/edits`, planner, { edits: [{ unit: newCode, to: c.source }] });
    await call(submitPlanRoute, `/api/plans/${stale}/submit`, planner, {});
    await call(approvePlanRoute, `/api/plans/${stale}/approve`, admin, {});
    const refused = await call(publishPlanRoute, `/api/plans/${stale}/publish`, admin);
    expect([refused.status, refused.body.code]).toEqual([409, 'plan_stale']);
    expect(refused.body.details?.conflicts).toEqual(expect.arrayContaining([newCode, c.target]));
    const audit = await server.db.query<{ action: string; success: boolean; reason: string | null }>(planAudit, [String(stale)]);
    expect(audit.at(-1)).toEqual({ action: 'plan.publish', success: false, reason: 'plan_stale' });
    const auditOfPublished = await server.db.query<{ action: string; success: boolean }>(planAudit, [String(planId)]);
    expect(auditOfPublished.filter((a) => a.success).map((a) => a.action)).toEqual([
      'plan.create',
      'plan.edit',
      'plan.submit',
      'plan.approve',
      'plan.publish',
    ]);
  });

  it('rolls back as a new plan, published by the scheduler at its effective time', async () => {
    // The stale plan still holds its units: refused until it is withdrawn.
    expect((await call(rollbackPlanRoute, `/api/plans/${planId}/rollback`, planner)).body.code).toBe('plan_conflict');
    const open = await call(listPlansRoute, '/api/plans?state=approved', planner);
    for (const plan of open.body.plans) await call(withdrawPlanRoute, `/api/plans/${plan.id}/withdraw`, planner);
    const rollback = await call(rollbackPlanRoute, `/api/plans/${planId}/rollback`, planner);
    expect(rollback.status).toBe(201);
    expect(rollback.body.plan).toMatchObject({ state: 'draft', rollback_of_plan_id: planId, based_on_version: 1 });
    expect(rollback.body.plan.edits).toEqual([{ unit: newCode, from: c.target, to: c.source }]);
    const id = rollback.body.plan.id;
    await call(submitPlanRoute, `/api/plans/${id}/submit`, planner, {});
    const later = new Date(Date.now() + 3600_000);
    expect((await call(approvePlanRoute, `/api/plans/${id}/approve`, admin, { effectiveAt: later.toISOString() })).body.plan.state).toBe('approved');
    expect((await call(publishPlanRoute, `/api/plans/${id}/publish`, admin)).body.plan.state).toBe('scheduled');
    const logger = createLogger('silent');
    expect(await publishDuePlans({ db: server.db, clock: { now: () => new Date() }, logger })).toEqual([]);
    expect(await publishDuePlans({ db: server.db, clock: { now: () => new Date(later.getTime() + 1000) }, logger })).toEqual([id]);
    const [{ code: today }] = await server.db.query<{ code: string }>(successorOf, [c.code]);
    expect(today.startsWith(c.source)).toBe(true);
    expect(today).not.toBe(c.code);
    expect((await server.db.query<{ parent_code: string }>(unitRow, [today]))[0].parent_code).toBe(c.source);
    expect((await checkTiling(server.db)).problems).toEqual([]);
  });
  it('paints a grid into the neighbouring community of its street: published with new codes when valid, never breaking the tiling', async () => {
    const [g] = await server.db.query<{ code: string; source: string; target: string; micro_grids: number }>(pickGridCandidate);
    expect(g, 'a paintable grid in Xianlin').toBeDefined();
    const created = await call(createPlanRoute, '/api/plans', planner, {
      name: 'grid move',
      scopeCode: '320113007',
      edits: [{ unit: g.code, to: g.target }],
    });
    expect(created.status).toBe(201);
    const id = created.body.plan.id;
    const validation = (await call(planValidationRoute, `/api/plans/${id}/validation`, planner)).body;
    expect((await call(planBalanceRoute, `/api/plans/${id}/balance`, planner)).body.balance[0]).toMatchObject({ parent: '320113007', level: 'grid' });
    // The communities' outlines after the move are their outlines less / plus the grid (migration 0041): no sliver
    // overlaps with the unchanged neighbours, so the move is valid.
    expect(
      validation.issues.filter((i) => i.severity === 'error'),
      JSON.stringify(validation.issues),
    ).toEqual([]);
    // The street's map for the planner's screen: its grids, each with its community as the parent painted into.
    const map = (await call(planMapRoute, '/api/plans/map?parent=320113007', planner)).body;
    expect(map.features.find((f) => f.id === g.code)?.properties).toMatchObject({ grid: g.source });
    const [before] = await server.db.query<{ open: number; cameras: number; workers: number }>(followersOfGrid, [g.code]);
    const submitted = await call(submitPlanRoute, `/api/plans/${id}/submit`, planner, { warningReason: '社区调整，已确认' });
    expect(submitted.body.plan?.state, JSON.stringify(submitted.body)).toBe('submitted');
    expect((await call(approvePlanRoute, `/api/plans/${id}/approve`, admin, {})).body.plan.state).toBe('approved');
    const published = await call(publishPlanRoute, `/api/plans/${id}/publish`, admin);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const moved = published.body.publication!.moved;
    const grid = moved.find((m) => m.from === g.code)!;
    expect(grid.to.startsWith(g.target)).toBe(true);
    expect(moved).toHaveLength(1 + g.micro_grids);
    for (const m of moved.filter((x) => x.from !== g.code)) expect(m.to).toBe(`${grid.to}${m.from.slice(-3)}`);
    expect((await server.db.query(childrenOf, [grid.to])).length).toBe(g.micro_grids);
    expect(await server.db.query(childrenOf, [g.code])).toEqual([]);
    // Open cases, cameras and workers of the grid's micro-grids follow it to its new code; the old one keeps none.
    expect((await server.db.query(followersOfGrid, [grid.to]))[0]).toEqual(before);
    expect((await server.db.query(followersOfGrid, [g.code]))[0]).toEqual({ open: 0, cameras: 0, workers: 0 });
    expect((await server.db.query<{ parent_code: string }>(unitRow, [grid.to]))[0].parent_code).toBe(g.target);
    expect((await checkTiling(server.db)).problems).toEqual([]);
  });
});
