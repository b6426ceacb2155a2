/**
 * Contract examples (tests/contract/contract-examples.ts) of the boundary plans: reads, a plan's creation and its
 * approval path. Each lifecycle example makes its own plan (`planWithMove`), withdrawing the examples' open plans
 * first so that the units are free to claim.
 */
import type { AnswerOf } from '../../server/contract/api-route.js';
import { defineSql } from '../../server/db/database.js';
import type { createPlanRoute, listPlansRoute } from '../../server/plans/plans-contract.js';
import { pickPaintCandidate, type PaintCandidate } from '../support/plan-candidates.js';
import type { ContractExamples, ExampleContext } from './contract-examples.js';

/** Two micro-grids of 仙林街道 that share an edge (unit_edges). */
const pickSharedEdge = defineSql(
  'test.contract_shared_edge',
  `SELECT e.left_code AS a, e.right_code AS b FROM unit_edges e JOIN units l ON l.code = e.left_code JOIN units r ON r.code = e.right_code
    WHERE l.level = 'micro_grid' AND r.level = 'micro_grid' AND l.street_code = '320113007' AND l.parent_code = r.parent_code
    ORDER BY e.left_code, e.right_code LIMIT 1`,
);

/**
 * A plan of planner.city moving one micro-grid of 仙林街道 into a neighbouring grid, submitted when asked. Every open
 * plan of the examples is withdrawn first (by the city's administrator), so that the units are free to claim.
 */
async function planWithMove(ctx: ExampleContext, submit: boolean): Promise<number> {
  const open = (await ctx.request('admin.city', 'GET', '/api/plans?limit=200')) as AnswerOf<typeof listPlansRoute>;
  for (const p of open.plans.filter((x) => ['draft', 'submitted', 'approved', 'scheduled'].includes(x.state))) {
    await ctx.request('admin.city', 'POST', `/api/plans/${p.id}/withdraw`, {});
  }
  const [move] = await ctx.db.query<PaintCandidate>(pickPaintCandidate);
  const { plan } = (await ctx.request('planner.city', 'POST', '/api/plans', {
    name: '合同测试方案',
    scopeCode: move.community,
    edits: [{ unit: move.code, to: move.target }],
  })) as AnswerOf<typeof createPlanRoute>;
  if (submit) await ctx.request('planner.city', 'POST', `/api/plans/${plan.id}/submit`, { warningReason: '合同测试' });
  return plan.id;
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
};
