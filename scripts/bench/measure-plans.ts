/**
 * Boundary plans at full scale (issue 20): `npx tsx scripts/bench/measure-plans.ts --data-dir DIR [--database-url URL]`
 * on a seeded whole-city database (embedded: a COPY of the seeded data directory; or a real PostgreSQL).
 *
 *  1. validation of a one-micro-grid paint within a community (the authoritative SQL checks, as PUT
 *     /api/plans/:id/edits runs them, in a planner's scope): p50 / p95 over edits across the communities of
 *     仙林街道, after a warm-up;
 *  2. publication of a plan moving 50 micro-grids into 3 grids of one community (new codes, history, successors,
 *     workers, devices, accounts, open incidents with timeline entries, parents' outlines, local edge rebuild):
 *     each round in a transaction that is rolled back, so every round starts from the same city;
 *  3. baseline in the same run: the whole-city gridops_rebuild_unit_edges() that a publication would need without
 *     the local rebuild (once, rolled back);
 *  4. splits and merges (migration 0030): validation of a one-split edit (a west–east line through a micro-grid)
 *     and of a one-merge edit (two micro-grids sharing an edge) in 仙林街道, p50 / p95; publication of a plan with
 *     10 splits and 10 merges (rolled back like 2).
 *  5. the largest community of the city (by households): measure-plans-largest.ts. `--largest-only` runs it alone;
 *     `--paint-sample N` validates an even sample of N paint edits there.
 * Prints a Markdown section for BENCHMARKS.md.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineSql, withScope, type Database } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { openPostgresDatabase } from '../../server/db/pg-driver.js';
import { openEmbeddedDatabase } from '../../server/db/pglite-driver.js';
import { createPlan, loadPlan as loadPlanRow, publishOrSchedule, replaceEdits, setPlanState } from '../../server/plans/plan-service.js';
import { validatePlanEdits } from '../../server/plans/plan-validation.js';
import { validatePlan, type AnyRequestedEdit } from '../../server/plans/plan-structure.js';
import { rebuildUnitEdges } from '../../server/units/unit-edges.sql.js';
import { readMachineInfo } from './machine-info.js';
import { largestSection, measureLargest } from './measure-plans-largest.js';
import { followersOf, LIMITS, ms, plannerScope, rolledBack, rolledBackUnscoped } from './plan-bench-support.js';
import { median, percentile } from './statistics.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Paintable one-micro-grid edits in 仙林街道: a micro-grid touching a grid of its community along a line. */
const pickEdits = defineSql(
  'bench.plans.edits',
  `SELECT DISTINCT ON (m.code) m.code AS unit, g.code AS target, m.community_code AS community
     FROM units m JOIN units g ON g.parent_code = m.community_code AND g.level = 'grid' AND g.code <> m.parent_code
                              AND g.geom && m.geom AND ST_Relate(m.geom, g.geom, 'F***1****')
    WHERE m.level = 'micro_grid' AND m.street_code = '320113007'
    ORDER BY m.code, g.code`,
);

/** 50 micro-grids into 3 grids of the Xianlin community with most grids: nearest first, never a source grid's last child. */
const pickPublication = defineSql(
  'bench.plans.publication',
  `WITH community AS (SELECT parent_code AS code FROM units WHERE level = 'grid' AND street_code = '320113007'
                       GROUP BY parent_code ORDER BY count(*) DESC, parent_code LIMIT 1),
        targets AS (SELECT g.code, g.geom FROM units g, community c WHERE g.parent_code = c.code ORDER BY g.area_m2 DESC LIMIT 3),
        candidates AS (
          SELECT m.code, m.parent_code, t.code AS target, t.distance,
                 row_number() OVER (PARTITION BY m.parent_code ORDER BY t.distance, m.code) AS rank,
                 (SELECT count(*) FROM units s WHERE s.parent_code = m.parent_code) AS siblings
            FROM units m, community c,
                 LATERAL (SELECT t.code, ST_Distance(t.geom, m.geom) AS distance FROM targets t ORDER BY 2 LIMIT 1) t
           WHERE m.community_code = c.code AND m.level = 'micro_grid' AND m.parent_code NOT IN (SELECT code FROM targets))
   SELECT code AS unit, target, (SELECT code FROM community) AS community FROM candidates
    WHERE rank < siblings ORDER BY distance, code LIMIT 50`,
);
/**
 * Split lines (west–east through the point on surface, 50 m past the box) and merge pairs of micro-grids of the
 * 仙林街道 community with the most micro-grids (so that one plan can hold both).
 */
const pickStructure = defineSql(
  'bench.plans.structure',
  `WITH c AS (SELECT community_code AS code FROM units WHERE level = 'micro_grid' AND street_code = '320113007'
               GROUP BY community_code ORDER BY count(*) DESC, community_code LIMIT 1)
   (SELECT 'split' AS op, m.code AS a, NULL AS b, m.community_code AS community,
           ST_AsGeoJSON(ST_SetSRID(ST_MakeLine(ST_MakePoint(ST_XMin(m.geom) - 0.0005, ST_Y(ST_PointOnSurface(m.geom))),
                                               ST_MakePoint(ST_XMax(m.geom) + 0.0005, ST_Y(ST_PointOnSurface(m.geom)))), 4326), 7)::json AS line
      FROM units m, c WHERE m.level = 'micro_grid' AND m.community_code = c.code AND m.area_m2 > 12000 ORDER BY m.code LIMIT 60)
   UNION ALL
   (SELECT 'merge', e.left_code, e.right_code, l.community_code, NULL
      FROM unit_edges e JOIN units l ON l.code = e.left_code
     CROSS JOIN c WHERE e.level = 'micro_grid' AND l.community_code = c.code ORDER BY e.left_code DESC, e.right_code LIMIT 60)`,
);
async function measure(db: Database, label: string, rounds: number) {
  const scope = await plannerScope(db);
  const edits = await db.query<{ unit: string; target: string; community: string }>(pickEdits);
  const validation: number[] = [];
  let invalid = 0;
  await withScope(db, scope, async (tx) => {
    for (const [i, e] of [...edits.slice(0, 10), ...edits].entries()) {
      const started = performance.now();
      const outcome = await validatePlanEdits(tx, [{ unit: e.unit, to: e.target }], e.community, LIMITS);
      if (i >= 10) {
        validation.push(performance.now() - started);
        if (!outcome.validation.valid) invalid += 1;
      }
    }
  });

  const moves = await db.query<{ unit: string; target: string; community: string }>(pickPublication);
  const actor = { accountId: scope.accountId, role: 'planner', username: 'planner.city' };
  const publication: number[] = [];
  let summary = '';
  for (let round = 0; round < rounds; round++) {
    await rolledBack(db, scope, async (tx) => {
      const now = new Date();
      const plan = await createPlan(tx, { name: 'bench', scopeCode: moves[0].community }, actor, now);
      const { plan: withEdits, outcome } = await replaceEdits(
        tx,
        plan,
        moves.map((m) => ({ unit: m.unit, to: m.target })),
        LIMITS,
        now,
      );
      const approved = await setPlanState(tx, withEdits, 'approved', now, {
        approver: { accountId: -1, role: 'admin', username: 'bench' },
        effectiveAt: now,
      });
      const started = performance.now();
      const done = await publishOrSchedule(tx, approved, actor, now);
      publication.push(performance.now() - started);
      const p = done.publication!;
      const f = followersOf(p);
      summary =
        `${p.moved.length} units re-coded (${new Set(moves.map((m) => m.target)).size} target grids, ${p.changedParents.length} changed grids), ` +
        `${f.workers} workers, ${f.cameras} cameras, ${f.sensors} sensors, ${p.relocatedIncidents} open incidents relocated, ` +
        `${p.edgesRebuilt} edges rebuilt; the plan's validation: ${outcome.validation.errors} errors, ${outcome.validation.warnings} warnings`;
    });
  }
  // Splits and merges: validation of one edit each, then one publication of 10 + 10 disjoint ones in a community.
  const structure = await db.query<{ op: 'split' | 'merge'; a: string; b: string | null; community: string; line: unknown }>(pickStructure);
  const editOf = (s: (typeof structure)[number]): AnyRequestedEdit =>
    s.op === 'split' ? { op: 'split', unit: s.a, line: s.line as never } : { op: 'merge', units: [s.a, s.b!] };
  const structureTimes: Record<'split' | 'merge', number[]> = { split: [], merge: [] };
  let structureInvalid = 0;
  await withScope(db, scope, async (tx) => {
    for (const [i, s] of [...structure.slice(0, 5), ...structure].entries()) {
      const started = performance.now();
      const outcome = await validatePlan(tx, [editOf(s)], s.community, LIMITS, new Date(Date.now() - 365 * 24 * 3600 * 1000));
      if (i >= 5) {
        structureTimes[s.op].push(performance.now() - started);
        if (!outcome.validation.valid) structureInvalid += 1;
      }
    }
  });
  const community = structure[0].community;
  const used = new Set<string>();
  const batch: AnyRequestedEdit[] = [];
  for (const op of ['split', 'merge'] as const) {
    let n = 0;
    for (const s of structure.filter((x) => x.op === op && x.community === community)) {
      if (n === 10 || used.has(s.a) || (s.b && used.has(s.b))) continue;
      used.add(s.a);
      if (s.b) used.add(s.b);
      batch.push(editOf(s));
      n += 1;
    }
  }
  const structurePublication: number[] = [];
  let structureSummary = '';
  for (let round = 0; round < rounds; round++) {
    await rolledBack(db, scope, async (tx) => {
      const now = new Date();
      const plan = await createPlan(tx, { name: 'bench structure', scopeCode: community }, actor, now);
      const { plan: withEdits, outcome } = await replaceEdits(tx, plan, batch, LIMITS, now);
      if (!outcome.validation.valid) {
        // Only the valid edits are published (a line that does not cut in two, pieces below the minimum size).
        const bad = new Set(outcome.validation.issues.filter((i) => i.severity === 'error').map((i) => i.unit));
        const kept = batch.filter(
          (e) => !('op' in e) || !(e.op === 'split' || e.op === 'repartition' ? bad.has(e.unit) : e.units.some((u: string) => bad.has(u))),
        );
        await replaceEdits(tx, withEdits, kept, LIMITS, now);
      }
      const approved = await setPlanState(tx, await loadPlanRow(tx, plan.id), 'approved', now, {
        approver: { accountId: -1, role: 'admin', username: 'bench' },
        effectiveAt: now,
      });
      const started = performance.now();
      const done = await publishOrSchedule(tx, approved, actor, now);
      structurePublication.push(performance.now() - started);
      const p = done.publication!;
      const f = followersOf(p);
      structureSummary =
        `${p.restructured?.filter((r) => r.op === 'split').length ?? 0} splits and ${p.restructured?.filter((r) => r.op === 'merge').length ?? 0} merges in one community, ` +
        `${f.workers} workers, ${f.cameras} cameras, ${f.sensors} sensors, ${p.relocatedIncidents} open incidents re-attributed, ${p.edgesRebuilt} edges rebuilt`;
    });
  }
  let fullRebuild = NaN;
  await rolledBackUnscoped(db, async (tx) => {
    const started = performance.now();
    await tx.query(rebuildUnitEdges);
    fullRebuild = performance.now() - started;
  });
  return {
    label,
    validation: { n: validation.length, p50: median(validation), p95: percentile(validation, 95), invalid },
    publication: { rounds: publication.map((ms) => Math.round(ms)), median: median(publication), summary },
    fullRebuild,
    structure: {
      split: { n: structureTimes.split.length, p50: median(structureTimes.split), p95: percentile(structureTimes.split, 95) },
      merge: { n: structureTimes.merge.length, p50: median(structureTimes.merge), p95: percentile(structureTimes.merge, 95) },
      invalid: structureInvalid,
      publication: { rounds: structurePublication.map((ms) => Math.round(ms)), median: median(structurePublication), summary: structureSummary },
    },
  };
}

async function main() {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const dataDir = value('--data-dir');
  const url = value('--database-url');
  const rounds = Number(value('--rounds') ?? 3);
  const largestOnly = args.includes('--largest-only');
  const paintSample = Number(value('--paint-sample') ?? Infinity);
  if (!dataDir && !url) throw new Error('--data-dir (a copy of a seeded embedded directory) or --database-url is needed');
  const db = url ? await openPostgresDatabase({ url, poolSize: 2, statementTimeoutMs: 600_000 }) : await openEmbeddedDatabase({ dataDir: dataDir! });
  try {
    await migrate(db);
    const label = url ? 'real PostgreSQL 15 + PostGIS 3.3' : 'embedded PGlite + PostGIS';
    const largest = () => measureLargest(db, scope, rounds, paintSample);
    const heading = () => {
      const m = readMachineInfo(ROOT_DIR);
      return `### The largest community, ${label} (${new Date().toISOString().slice(0, 16)}Z, ${m.cpuModel}, ${m.cores} cores, load ${m.loadAverage}, commit ${m.commit})`;
    };
    const scope = await plannerScope(db);
    if (largestOnly) {
      console.log(largestSection(await largest(), heading()));
      return;
    }
    const r = await measure(db, label, rounds);
    const m = readMachineInfo(ROOT_DIR);
    console.log(
      [
        `### Boundary plans, ${r.label} (${new Date().toISOString().slice(0, 10)}, ${m.cpuModel}, ${m.cores} cores, load ${m.loadAverage}, commit ${m.commit})`,
        '',
        '| measure | figure | target |',
        '|---|---|---|',
        `| validation of a one-micro-grid paint within a community (${r.validation.n} edits in 仙林街道, ${r.validation.invalid} invalid) | p50 ${ms(r.validation.p50)}, p95 ${ms(r.validation.p95)} | p95 ≤ 200 ms |`,
        `| publication of a plan moving 50 micro-grids into 3 grids (median of ${r.publication.rounds.length}: ${r.publication.rounds.join(', ')} ms) | ${ms(r.publication.median)} | ≤ 10 s |`,
        `| baseline: the whole-city unit-edge rebuild a publication would need without the local one | ${ms(r.fullRebuild)} | |`,
        `| validation of a one-split edit (${r.structure.split.n} micro-grids of one 仙林街道 community; ${r.structure.invalid} of the splits and merges invalid) | p50 ${ms(r.structure.split.p50)}, p95 ${ms(r.structure.split.p95)} | p95 ≤ 200 ms |`,
        `| validation of a one-merge edit (${r.structure.merge.n} pairs) | p50 ${ms(r.structure.merge.p50)}, p95 ${ms(r.structure.merge.p95)} | p95 ≤ 200 ms |`,
        `| publication of a plan of splits and merges (median of ${r.structure.publication.rounds.length}: ${r.structure.publication.rounds.join(', ')} ms) | ${ms(r.structure.publication.median)} | ≤ 10 s |`,
        '',
        `Publication: ${r.publication.summary}.`,
        `Splits and merges: ${r.structure.publication.summary}.`,
        '',
      ].join('\n'),
    );
    console.log(largestSection(await largest(), heading()));
  } finally {
    await db.close();
  }
}

await main();
