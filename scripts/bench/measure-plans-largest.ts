/**
 * Section 5 of the boundary-plan benchmark (measure-plans.ts, `--largest-only` runs it alone): the city's largest
 * community by households. Validation of a one-micro-grid paint there (every paintable edit, or an even sample of
 * `--paint-sample N`, after a warm-up), the re-partition proposal among its grids (GET /api/plans/repartition's reads
 * and algorithm), the validation of one grid's re-partition into micro-grids by a household target (migration 0045;
 * each grid of the community), of plans re-partitioning its first 10, 30, 100 and then all grids at once (how the
 * time grows with the plan: migrations 0056–0057 made it linear), and the publication of the whole community's
 * re-partition (rolled back, every round from the same city).
 */
import { defineSql, withScope, type Database } from '../../server/db/database.js';
import { createPlan, loadPlan as loadPlanRow, publishOrSchedule, replaceEdits, setPlanState } from '../../server/plans/plan-service.js';
import { validatePlanEdits } from '../../server/plans/plan-validation.js';
import { validatePlan, type AnyRequestedEdit } from '../../server/plans/plan-structure.js';
import { repartition } from '../../server/plans/plan-repartition.js';
import { listRepartitionAdjacency, listRepartitionUnits } from '../../server/plans/plan-repartition.sql.js';
import { repartitionCount } from '../../server/plans/plan-structure-rules.js';
import { followersOf, LIMITS, ms, progress, rolledBack, type Scope } from './plan-bench-support.js';
import { median, percentile } from './statistics.js';

/** The community of the city with the most households (ties: code), with its grids and micro-grids. units_parent_idx. */
const pickLargestCommunity = defineSql(
  'bench.plans.largest_community',
  `SELECT k.code, k.name, k.households,
          (SELECT count(*) FROM units g WHERE g.parent_code = k.code)::integer AS grids,
          (SELECT count(*) FROM units g JOIN units m ON m.parent_code = g.code WHERE g.parent_code = k.code)::integer AS micro_grids
     FROM units k WHERE k.level = 'community' ORDER BY k.households DESC, k.code LIMIT 1`,
);
/** $1 community → its paintable one-micro-grid edits (a micro-grid touching another of its grids along a line). */
const pickCommunityEdits = defineSql(
  'bench.plans.community_edits',
  `SELECT DISTINCT ON (m.code) m.code AS unit, g.code AS target
     FROM units m JOIN units g ON g.parent_code = m.community_code AND g.level = 'grid' AND g.code <> m.parent_code
                              AND g.geom && m.geom AND ST_Relate(m.geom, g.geom, 'F***1****')
    WHERE m.level = 'micro_grid' AND m.community_code = $1
    ORDER BY m.code, g.code`,
);
/** $1 community → its grids with their households and micro-grids. units_parent_idx. */
const listCommunityGrids = defineSql(
  'bench.plans.community_grids',
  `SELECT g.code, g.households, (SELECT count(*) FROM units m WHERE m.parent_code = g.code)::integer AS micro_grids
     FROM units g WHERE g.parent_code = $1 AND g.level = 'grid' ORDER BY g.code`,
);

/** The target households per micro-grid: the city's configured range is 30–300. */
export const REPARTITION_TARGET = 100;
/** The plans of the growth series: the first N grids of the community (by code), then all of them. */
const SERIES = [10, 30, 100];

type Grid = { code: string; households: number; micro_grids: number };
const repartitionOf = (grids: readonly Grid[]): AnyRequestedEdit[] =>
  grids.map((g) => ({ op: 'repartition', unit: g.code, households: REPARTITION_TARGET }));

export async function measureLargest(db: Database, scope: Scope, rounds: number, paintSample: number) {
  const [k] = await db.query<{ code: string; name: string; households: number; grids: number; micro_grids: number }>(pickLargestCommunity);
  progress(`largest community ${k.code} ${k.name}: ${k.households} households, ${k.grids} grids, ${k.micro_grids} micro-grids`);
  const since = () => new Date(Date.now() - 365 * 24 * 3600 * 1000);
  // Every paintable edit, or an even sample of them (--paint-sample N).
  const allEdits = await db.query<{ unit: string; target: string }>(pickCommunityEdits, [k.code]);
  const step = Math.max(1, Math.ceil(allEdits.length / paintSample));
  const edits = allEdits.filter((_, i) => i % step === 0);
  const paint: number[] = [];
  let paintInvalid = 0;
  const proposal: number[] = [];
  let proposalSummary = '';
  const gridTimes: number[] = [];
  let gridInvalid = 0;
  const grids = await db.query<Grid>(listCommunityGrids, [k.code]);
  const series: { grids: number; microGrids: number; pieces: number; byTarget: number; ms: number; errors: number; warnings: number }[] = [];
  await withScope(db, scope, async (tx) => {
    for (const [i, e] of [...edits.slice(0, 10), ...edits].entries()) {
      const started = performance.now();
      const outcome = await validatePlanEdits(tx, [{ unit: e.unit, to: e.target }], k.code, LIMITS);
      if (i >= 10) {
        paint.push(performance.now() - started);
        if (!outcome.validation.valid) paintInvalid += 1;
      }
    }
    progress(`paint validation: ${paint.length} edits (of ${allEdits.length}), p95 ${percentile(paint, 95).toFixed(0)} ms`);
    for (let round = 0; round < Math.max(rounds, 5); round++) {
      const started = performance.now();
      const [units, adjacency] = [
        await tx.query<{ code: string; grid: string; households: number; seed: boolean }>(listRepartitionUnits, [k.code]),
        await tx.query<{ a: string; b: string; length_m: number }>(listRepartitionAdjacency, [k.code]),
      ];
      const result = repartition({
        units: units.map((u) => ({ code: u.code, grid: u.grid, households: Number(u.households) })),
        seeds: new Map(units.filter((u) => u.seed).map((u) => [u.grid, u.code])),
        adjacency: adjacency.map((e) => ({ a: e.a, b: e.b, lengthM: Number(e.length_m) })),
      });
      proposal.push(performance.now() - started);
      proposalSummary = `${result.moves.length} moves, households CV ${result.households.before.cv.toFixed(3)} → ${result.households.after.cv.toFixed(3)}`;
    }
    progress(`proposal: median ${median(proposal).toFixed(0)} ms`);
    for (const [i, g] of [...grids.slice(0, 2), ...grids].entries()) {
      const started = performance.now();
      const outcome = await validatePlan(tx, repartitionOf([g]), k.code, LIMITS, since());
      if (i >= 2) {
        gridTimes.push(performance.now() - started);
        if (!outcome.validation.valid) gridInvalid += 1;
      }
    }
    progress(`grid re-partition validation: ${gridTimes.length} grids, p95 ${percentile(gridTimes, 95).toFixed(0)} ms`);
    for (const n of [...SERIES.filter((n) => n < grids.length), grids.length]) {
      const chosen = grids.slice(0, n);
      const started = performance.now();
      const outcome = await validatePlan(tx, repartitionOf(chosen), k.code, LIMITS, since());
      const { errors, warnings } = outcome.validation;
      const elapsed = performance.now() - started;
      const microGrids = chosen.reduce((a, g) => a + g.micro_grids, 0);
      const byTarget = chosen.reduce((a, g) => a + repartitionCount(Number(g.households), REPARTITION_TARGET), 0);
      series.push({ grids: n, microGrids, pieces: outcome.structure.length, byTarget, ms: elapsed, errors, warnings });
      progress(`re-partition of ${n} grids at once: ${series[series.length - 1].ms.toFixed(0)} ms`);
    }
  });

  // Publication of the grid re-partitions that validate (all the grids' at once), rolled back each round.
  const actor = { accountId: scope.accountId, role: 'planner', username: 'planner.city' };
  const publication: number[] = [];
  let publicationSummary = '';
  for (let round = 0; round < rounds; round++) {
    await rolledBack(db, scope, async (tx) => {
      const now = new Date();
      const plan = await createPlan(tx, { name: 'bench repartition', scopeCode: k.code }, actor, now);
      const all = repartitionOf(grids);
      const { plan: withEdits, outcome } = await replaceEdits(tx, plan, all, LIMITS, now);
      let kept = all;
      if (!outcome.validation.valid) {
        const bad = new Set(outcome.validation.issues.filter((i) => i.severity === 'error').map((i) => i.unit));
        kept = all.filter((e) => !bad.has((e as { unit: string }).unit));
        await replaceEdits(tx, withEdits, kept, LIMITS, now);
      }
      if (kept.length === 0) {
        publicationSummary = 'no grid re-partition validated: nothing published';
        return;
      }
      const approved = await setPlanState(tx, await loadPlanRow(tx, plan.id), 'approved', now, {
        approver: { accountId: -1, role: 'admin', username: 'bench' },
        effectiveAt: now,
      });
      const started = performance.now();
      const done = await publishOrSchedule(tx, approved, actor, now);
      publication.push(performance.now() - started);
      progress(`publication round ${round + 1}: ${publication[publication.length - 1].toFixed(0)} ms`);
      const p = done.publication!;
      const f = followersOf(p);
      publicationSummary =
        `${kept.length} of ${grids.length} grids re-partitioned (${p.restructured?.reduce((a, r) => a + r.from.length, 0) ?? 0} micro-grids retired, ` +
        `${p.restructured?.reduce((a, r) => a + r.to.length, 0) ?? 0} new), ${f.workers} workers, ${f.cameras} cameras, ${f.sensors} sensors, ` +
        `${p.relocatedIncidents} open incidents re-attributed, ${p.edgesRebuilt} edges rebuilt`;
    });
  }
  return {
    community: k,
    paint: { n: paint.length, p50: median(paint), p95: percentile(paint, 95), invalid: paintInvalid },
    proposal: { n: proposal.length, median: median(proposal), summary: proposalSummary },
    grid: { n: gridTimes.length, p50: median(gridTimes), p95: percentile(gridTimes, 95), invalid: gridInvalid },
    series,
    publication: { rounds: publication.map((ms) => Math.round(ms)), median: median(publication), summary: publicationSummary },
  };
}

/** The section's Markdown. */
export function largestSection(largest: Awaited<ReturnType<typeof measureLargest>>, heading: string): string {
  const k = largest.community;
  const all = largest.series[largest.series.length - 1];
  return [
    heading,
    '',
    `${k.name} (${k.code}): ${k.households} households, ${k.grids} grids, ${k.micro_grids} micro-grids — the city's largest by households.`,
    '',
    '| measure | figure | target |',
    '|---|---|---|',
    `| validation of a one-micro-grid paint within it (${largest.paint.n} paintable edits after 10 warm-ups, ${largest.paint.invalid} invalid) | p50 ${ms(largest.paint.p50)}, p95 ${ms(largest.paint.p95)} | p95 ≤ 200 ms |`,
    `| re-partition proposal among its grids (reads + greedy growing; median of ${largest.proposal.n}; ${largest.proposal.summary}) | ${ms(largest.proposal.median)} | |`,
    `| validation of one grid's re-partition into micro-grids at ${REPARTITION_TARGET} households each (${largest.grid.n} grids, ${largest.grid.invalid} invalid) | p50 ${ms(largest.grid.p50)}, p95 ${ms(largest.grid.p95)} | p95 ≤ 200 ms |`,
    ...largest.series.map(
      (s) =>
        `| validation of a plan re-partitioning ${s === all ? `all ${s.grids}` : `its first ${s.grids}`} grids at once (${s.microGrids} micro-grids → ${s.pieces} new, ${s.byTarget} by the target; ${s.errors} errors, ${s.warnings} warnings) | ${ms(s.ms)} | |`,
    ),
    `| publication of the valid grids' re-partition, rolled back (median of ${largest.publication.rounds.length}: ${largest.publication.rounds.join(', ')} ms; ${largest.publication.summary}) | ${ms(largest.publication.median)} | |`,
    '',
  ].join('\n');
}
