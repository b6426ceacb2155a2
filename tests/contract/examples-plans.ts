/**
 * Contract examples (tests/contract/contract-examples.ts) of the boundary plans: reads, a plan's creation, its
 * edits, views and exchange files, its approval path, publication and rollback. Each example that claims units
 * makes its own plan (`freshPlan`), withdrawing the examples' open plans first so that the units are free to
 * claim; the read-only views work on a plan in any state.
 */
import type { AnswerOf } from '../../server/contract/api-route.js';
import { defineSql } from '../../server/db/database.js';
import { geoJsonToGeoPackage } from '../../server/plans/plan-geopackage.js';
import { GEOPACKAGE_TYPE } from '../../server/plans/plan-file-types.js';
import type { exportPlanRoute } from '../../server/plans/plan-exchange-contract.js';
import type { createPlanRoute, listPlansRoute } from '../../server/plans/plans-contract.js';
import { pickPaintCandidate, pickSplitCandidate, type PaintCandidate, type SplitCandidate } from '../support/plan-candidates.js';
import type { ContractExamples, ExampleContext } from './contract-examples.js';

/** Two micro-grids of 仙林街道 that share an edge (unit_edges). */
const pickSharedEdge = defineSql(
  'test.contract_shared_edge',
  `SELECT e.left_code AS a, e.right_code AS b FROM unit_edges e JOIN units l ON l.code = e.left_code JOIN units r ON r.code = e.right_code
    WHERE l.level = 'micro_grid' AND r.level = 'micro_grid' AND l.street_code = '320113007' AND l.parent_code = r.parent_code
    ORDER BY e.left_code, e.right_code LIMIT 1`,
);

/** Every open plan of the examples withdrawn (by the city's administrator), so that the units are free to claim. */
async function withdrawOpenPlans(ctx: ExampleContext): Promise<void> {
  const open = (await ctx.request('admin.city', 'GET', '/api/plans?limit=200')) as AnswerOf<typeof listPlansRoute>;
  for (const p of open.plans.filter((x) => ['draft', 'submitted', 'approved', 'scheduled'].includes(x.state))) {
    await ctx.request('admin.city', 'POST', `/api/plans/${p.id}/withdraw`, {});
  }
}

/** A new draft of planner.city for a community or street, with edits; its id (no open plan withdrawn). */
async function newDraft(ctx: ExampleContext, scopeCode: string, edits: unknown[] = []): Promise<number> {
  const { plan } = (await ctx.request('planner.city', 'POST', '/api/plans', { name: '合同测试方案', scopeCode, edits })) as AnswerOf<
    typeof createPlanRoute
  >;
  return plan.id;
}

/** The examples' open plans withdrawn, then a new draft. */
async function freshPlan(ctx: ExampleContext, scopeCode: string, edits: unknown[] = []): Promise<number> {
  await withdrawOpenPlans(ctx);
  return newDraft(ctx, scopeCode, edits);
}

/** A plan of planner.city moving one micro-grid of 仙林街道 into a neighbouring grid, submitted when asked. */
async function planWithMove(ctx: ExampleContext, submit: boolean): Promise<number> {
  const [move] = await ctx.db.query<PaintCandidate>(pickPaintCandidate);
  const id = await freshPlan(ctx, move.community, [{ unit: move.code, to: move.target }]);
  if (submit) await ctx.request('planner.city', 'POST', `/api/plans/${id}/submit`, { warningReason: '合同测试' });
  return id;
}

/** A plan splitting a 仙林街道 micro-grid in two (its pieces, their balance, the diff's restructured units). */
async function planWithSplit(ctx: ExampleContext): Promise<number> {
  const [split] = await ctx.db.query<SplitCandidate>(pickSplitCandidate);
  return freshPlan(ctx, split.community, [{ op: 'split', unit: split.code, line: split.line }]);
}

/** A move plan approved by the city's administrator, effective now (the publish route then publishes it). */
async function approvedPlan(ctx: ExampleContext): Promise<number> {
  const id = await planWithMove(ctx, true);
  await ctx.request('admin.city', 'POST', `/api/plans/${id}/approve`, {});
  return id;
}

/** A move plan published (it changes the examples' database: later picks see the new boundaries). */
async function publishedPlan(ctx: ExampleContext): Promise<number> {
  const id = await approvedPlan(ctx);
  await ctx.request('admin.city', 'POST', `/api/plans/${id}/publish`, {});
  return id;
}

/** The grids of a move plan as GeoJSON, and a new empty draft of its community to import them into. */
async function exportedGrids(ctx: ExampleContext): Promise<{ collection: AnswerOf<typeof exportPlanRoute>; draft: number }> {
  const moved = await planWithMove(ctx, false);
  const collection = (await ctx.request('planner.city', 'GET', `/api/plans/${moved}/export`)) as AnswerOf<typeof exportPlanRoute>;
  const [move] = await ctx.db.query<PaintCandidate>(pickPaintCandidate);
  return { collection, draft: await freshPlan(ctx, move.community) };
}

export const PLANS_EXAMPLES: ContractExamples = {
  'GET /api/plans': () => [
    { as: 'planner.city', path: '/api/plans' },
    { as: 'admin.xianlin', path: '/api/plans?state=draft&limit=5' },
    { as: 'planner.city', path: '/api/plans?limit=0', status: 400 },
  ],
  'GET /api/plans/figures': ({ microGrid: m }) => [
    { as: 'planner.city', path: `/api/plans/figures?parent=${m.community_code}&level=micro_grid` },
    { as: 'planner.city', path: `/api/plans/figures?parent=${m.street_code}&level=grid` },
    { as: 'planner.city', path: `/api/plans/figures?parent=${m.street_code}&level=street`, status: 400 },
  ],
  'GET /api/plans/versions': () => [{ as: 'planner.city', path: '/api/plans/versions?limit=10' }],
  'GET /api/plans/map': ({ microGrid: m }) => [
    { as: 'planner.city', path: `/api/plans/map?parent=${m.community_code}` },
    { as: 'admin.xianlin', path: `/api/plans/map?parent=${m.street_code}` },
  ],
  'GET /api/plans/repartition': ({ microGrid: m }) => [
    { as: 'planner.city', path: `/api/plans/repartition?community=${m.community_code}` },
    { as: 'planner.city', path: `/api/plans/repartition?community=${m.street_code}`, status: 404 },
  ],
  'GET /api/plans/snap-lines': ({ microGrid: m }) => [{ as: 'planner.city', path: `/api/plans/snap-lines?community=${m.community_code}` }],
  'GET /api/plans/edge': async (ctx) => {
    const [edge] = await ctx.db.query<{ a: string; b: string }>(pickSharedEdge);
    return [
      { as: 'planner.city', path: `/api/plans/edge?a=${edge.a}&b=${edge.b}` },
      { as: 'planner.city', path: `/api/plans/edge?a=${edge.a}&b=${edge.a}`, status: 404 },
    ];
  },
  'POST /api/plans': ({ microGrid: m }) => [
    { as: 'planner.city', path: '/api/plans', body: { name: '合同测试：空方案', scopeCode: m.community_code } },
    { as: 'planner.city', path: '/api/plans', body: { name: '合同测试：微网格', scopeCode: m.code }, status: 400 },
    { as: 'planner.city', path: '/api/plans', body: { name: '', scopeCode: m.community_code }, status: 400 },
  ],
  'GET /api/plans/:id': async (ctx) => {
    const id = await planWithMove(ctx, false);
    return [
      { as: 'planner.city', path: `/api/plans/${id}` },
      { as: 'planner.city', path: '/api/plans/999999999', status: 404 },
      { as: 'planner.city', path: '/api/plans/abc', status: 400 },
    ];
  },
  'GET /api/plans/:id/validation': async (ctx) => [{ as: 'planner.city', path: `/api/plans/${await planWithMove(ctx, false)}/validation` }],
  'POST /api/plans/:id/submit': async (ctx) => {
    const id = await planWithMove(ctx, false);
    return [
      { as: 'admin.city', path: `/api/plans/${id}/submit`, body: { warningReason: '合同测试' }, status: 403 },
      { as: 'planner.city', path: `/api/plans/${id}/submit`, body: { warningReason: '合同测试' } },
      { as: 'planner.city', path: `/api/plans/${id}/submit`, body: {}, status: 409 },
    ];
  },
  'POST /api/plans/:id/withdraw': async (ctx) => {
    const id = await planWithMove(ctx, true);
    return [
      { as: 'planner.city', path: `/api/plans/${id}/withdraw`, body: {} },
      { as: 'planner.city', path: `/api/plans/${id}/withdraw`, body: {}, status: 409 },
    ];
  },
  'POST /api/plans/:id/reject': async (ctx) => {
    const id = await planWithMove(ctx, true);
    return [
      { as: 'planner.city', path: `/api/plans/${id}/reject`, body: { reason: '作者不能驳回自己的方案' }, status: 403 },
      { as: 'admin.city', path: `/api/plans/${id}/reject`, body: { reason: '合同测试：户数不均' } },
    ];
  },
  'POST /api/plans/:id/approve': async (ctx) => {
    const id = await planWithMove(ctx, true);
    return [
      { as: 'planner.city', path: `/api/plans/${id}/approve`, body: {}, status: 403 },
      { as: 'admin.city', path: `/api/plans/${id}/approve`, body: { effectiveAt: '2099-01-01T00:00:00Z' } },
    ];
  },
  'GET /api/plans/layer/geopackage': ({ microGrid: m }) => [
    { as: 'planner.city', path: `/api/plans/layer/geopackage?community=${m.community_code}` },
    { as: 'planner.city', path: `/api/plans/layer/geopackage?community=${m.street_code}`, status: 400 },
  ],
  'PUT /api/plans/:id/edits': async (ctx) => {
    const [split] = await ctx.db.query<SplitCandidate>(pickSplitCandidate);
    const id = await freshPlan(ctx, split.community);
    const path = `/api/plans/${id}/edits`;
    return [
      { as: 'planner.city', path, body: { edits: [{ op: 'split', unit: split.code, line: split.line }] } },
      { as: 'admin.city', path, body: { edits: [] }, status: 403 },
      { as: 'planner.city', path, body: { edits: [{ unit: `${split.grid}999`, to: split.grid }] }, status: 422 },
      { as: 'planner.city', path, body: { edits: 'all of them' }, status: 400 },
    ];
  },
  'GET /api/plans/:id/export': async (ctx) => {
    const id = await planWithMove(ctx, false);
    const street = await freshPlan(ctx, ctx.microGrid.street_code);
    return [
      { as: 'planner.city', path: `/api/plans/${id}/export` },
      { as: 'planner.city', path: `/api/plans/${street}/export`, status: 400 },
    ];
  },
  'PUT /api/plans/:id/import': async (ctx) => {
    const { collection, draft } = await exportedGrids(ctx);
    return [
      { as: 'planner.city', path: `/api/plans/${draft}/import`, body: { crs: 'wgs84', collection } },
      { as: 'planner.city', path: `/api/plans/${draft}/import`, body: { collection: { type: 'Feature' } }, status: 400 },
    ];
  },
  'GET /api/plans/:id/geopackage': async (ctx) => {
    const id = await planWithMove(ctx, false);
    const street = await freshPlan(ctx, ctx.microGrid.street_code);
    return [
      { as: 'planner.city', path: `/api/plans/${id}/geopackage` },
      { as: 'planner.city', path: `/api/plans/${street}/geopackage`, status: 400 },
    ];
  },
  'PUT /api/plans/:id/geopackage': async (ctx) => {
    const { collection, draft } = await exportedGrids(ctx);
    const gpkg = await geoJsonToGeoPackage(collection);
    const path = `/api/plans/${draft}/geopackage`;
    return [
      { as: 'planner.city', path: `${path}?crs=wgs84`, rawBody: { type: GEOPACKAGE_TYPE, data: new Uint8Array(gpkg) } },
      { as: 'planner.city', path, rawBody: { type: GEOPACKAGE_TYPE, data: 'not a GeoPackage' }, status: 400 },
      { as: 'planner.city', path, rawBody: { type: 'text/plain', data: 'not a GeoPackage' }, status: 415 },
    ];
  },
  'GET /api/plans/:id/structure': async (ctx) => [
    { as: 'planner.city', path: `/api/plans/${await planWithSplit(ctx)}/structure` },
    { as: 'planner.city', path: '/api/plans/999999999/structure', status: 404 },
  ],
  'GET /api/plans/:id/balance': async (ctx) => [{ as: 'planner.city', path: `/api/plans/${await planWithMove(ctx, false)}/balance` }],
  'GET /api/plans/:id/diff': async (ctx) => {
    const published = await publishedPlan(ctx);
    const moved = await planWithMove(ctx, false);
    const split = await planWithSplit(ctx);
    return [
      { as: 'planner.city', path: `/api/plans/${published}/diff` },
      { as: 'planner.city', path: `/api/plans/${moved}/diff` },
      { as: 'admin.xianlin', path: `/api/plans/${split}/diff` },
    ];
  },
  'POST /api/plans/:id/publish': async (ctx) => {
    const [move] = await ctx.db.query<PaintCandidate>(pickPaintCandidate);
    const approved = await approvedPlan(ctx);
    const draft = await newDraft(ctx, move.community);
    return [
      { as: 'admin.city', path: `/api/plans/${draft}/publish`, status: 409 },
      { as: 'admin.city', path: `/api/plans/${approved}/publish` },
    ];
  },
  'POST /api/plans/:id/rollback': async (ctx) => {
    const published = await publishedPlan(ctx);
    const draft = await newDraft(ctx, ctx.microGrid.community_code);
    return [
      { as: 'planner.city', path: `/api/plans/${published}/rollback` },
      // The first rollback's draft holds the units now.
      { as: 'planner.city', path: `/api/plans/${published}/rollback`, status: 409 },
      { as: 'planner.city', path: `/api/plans/${draft}/rollback`, status: 409 },
    ];
  },
};
