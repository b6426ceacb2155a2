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
 *  5. the largest community of the city (by households): validation of a one-micro-grid paint there (every paintable
 *     edit, after a warm-up), the re-partition proposal among its grids (GET /api/plans/repartition's reads and
 *     algorithm), the validation of one grid's re-partition into micro-grids by a household target (migration 0045;
 *     each grid of the community), and of a plan re-partitioning every grid at once, then its publication (rolled
 *     back). `--largest-only` runs this section alone; `--paint-sample N` validates an even sample of N paint edits.
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
import { repartition } from '../../server/plans/plan-repartition.js';
import { listRepartitionAdjacency, listRepartitionUnits } from '../../server/plans/plan-repartition.sql.js';
import { repartitionCount } from '../../server/plans/plan-structure-rules.js';
import { rebuildUnitEdges } from '../../server/units/unit-edges.sql.js';
import { readMachineInfo } from './machine-info.js';
import { median, percentile } from './statistics.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const LIMITS = { microGridHouseholdsMin: 30, microGridHouseholdsMax: 300, minAreaM2: 2000, minWidthM: 20 };

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
const accountId = defineSql('bench.plans.account', `SELECT id FROM accounts WHERE username = $1`);

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

class Rollback extends Error {}

/** The target households per micro-grid of section 5: the city's configured range is 30–300. */
const REPARTITION_TARGET = 100;

type Scope = { jurisdiction: string; accountId: number | null; role: string };

/** Progress on stderr (the section takes minutes on a busy machine): what was measured, and when. */
const progress = (text: string) => console.error(`[measure-plans ${new Date().toISOString().slice(11, 19)}] ${text}`);

async function measureLargest(db: Database, scope: Scope, rounds: number, paintSample: number) {
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
  const grids = await db.query<{ code: string; households: number; micro_grids: number }>(listCommunityGrids, [k.code]);
  let whole = NaN;
  let wholeSummary = '';
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
      const outcome = await validatePlan(tx, [{ op: 'repartition', unit: g.code, households: REPARTITION_TARGET }], k.code, LIMITS, since());
      if (i >= 2) {
        gridTimes.push(performance.now() - started);
        if (!outcome.validation.valid) gridInvalid += 1;
      }
    }
    progress(`grid re-partition validation: ${gridTimes.length} grids, p95 ${percentile(gridTimes, 95).toFixed(0)} ms`);
    const started = performance.now();
    const outcome = await validatePlan(
      tx,
      grids.map((g) => ({ op: 'repartition', unit: g.code, households: REPARTITION_TARGET })),
      k.code,
      LIMITS,
      since(),
    );
    whole = performance.now() - started;
    wholeSummary =
      `${grids.length} grids, ${k.micro_grids} micro-grids → ${outcome.structure.length} new ones ` +
      `(${grids.reduce((a, g) => a + repartitionCount(Number(g.households), REPARTITION_TARGET), 0)} by the target); ` +
      `${outcome.validation.errors} errors, ${outcome.validation.warnings} warnings`;
    progress(`whole-community re-partition validation: ${whole.toFixed(0)} ms (${wholeSummary})`);
  });

  // Publication of the grid re-partitions that validate (all the grids' at once), rolled back each round.
  const actor = { accountId: scope.accountId, role: 'planner', username: 'planner.city' };
  const publication: number[] = [];
  let publicationSummary = '';
  for (let round = 0; round < rounds; round++) {
    await withScope(db, scope, async (tx) => {
      const now = new Date();
      const plan = await createPlan(tx, { name: 'bench repartition', scopeCode: k.code }, actor, now);
      const all: AnyRequestedEdit[] = grids.map((g) => ({ op: 'repartition', unit: g.code, households: REPARTITION_TARGET }));
      const { plan: withEdits, outcome } = await replaceEdits(tx, plan, all, LIMITS, now);
      let kept = all;
      if (!outcome.validation.valid) {
        const bad = new Set(outcome.validation.issues.filter((i) => i.severity === 'error').map((i) => i.unit));
        kept = all.filter((e) => !bad.has((e as { unit: string }).unit));
        await replaceEdits(tx, withEdits, kept, LIMITS, now);
      }
      if (kept.length === 0) {
        publicationSummary = 'no grid re-partition validated: nothing published';
        throw new Rollback();
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
      publicationSummary =
        `${kept.length} of ${grids.length} grids re-partitioned (${p.restructured?.reduce((a, r) => a + r.from.length, 0) ?? 0} micro-grids retired, ` +
        `${p.restructured?.reduce((a, r) => a + r.to.length, 0) ?? 0} new), ${p.workers} workers, ${p.cameras} cameras, ${p.sensors} sensors, ` +
        `${p.relocatedIncidents} open incidents re-attributed, ${p.edgesRebuilt} edges rebuilt`;
      throw new Rollback();
    }).catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  }
  return {
    community: k,
    paint: { n: paint.length, p50: median(paint), p95: percentile(paint, 95), invalid: paintInvalid },
    proposal: { n: proposal.length, median: median(proposal), summary: proposalSummary },
    grid: { n: gridTimes.length, p50: median(gridTimes), p95: percentile(gridTimes, 95), invalid: gridInvalid },
    whole: { ms: whole, summary: wholeSummary },
    publication: { rounds: publication.map((ms) => Math.round(ms)), median: median(publication), summary: publicationSummary },
  };
}

async function measure(db: Database, label: string, rounds: number) {
  const plannerScope = async () => {
    const [row] = await db.query<{ id: number }>(accountId, ['planner.city']);
    return { jurisdiction: 'city', accountId: row?.id ?? null, role: 'planner' };
  };
  const scope = await plannerScope();
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
    await withScope(db, scope, async (tx) => {
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
      summary =
        `${p.moved.length} units re-coded (${new Set(moves.map((m) => m.target)).size} target grids, ${p.changedParents.length} changed grids), ` +
        `${p.workers} workers, ${p.cameras} cameras, ${p.sensors} sensors, ${p.relocatedIncidents} open incidents relocated, ` +
        `${p.edgesRebuilt} edges rebuilt; the plan's validation: ${outcome.validation.errors} errors, ${outcome.validation.warnings} warnings`;
      throw new Rollback();
    }).catch((e) => {
      if (!(e instanceof Rollback)) throw e;
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
    await withScope(db, scope, async (tx) => {
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
      structureSummary =
        `${p.restructured?.filter((r) => r.op === 'split').length ?? 0} splits and ${p.restructured?.filter((r) => r.op === 'merge').length ?? 0} merges in one community, ` +
        `${p.workers} workers, ${p.cameras} cameras, ${p.sensors} sensors, ${p.relocatedIncidents} open incidents re-attributed, ${p.edgesRebuilt} edges rebuilt`;
      throw new Rollback();
    }).catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  }
  let fullRebuild = NaN;
  await db
    .withTransaction(async (tx) => {
      const started = performance.now();
      await tx.query(rebuildUnitEdges);
      fullRebuild = performance.now() - started;
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
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
    const ms = (n: number) => `${n.toFixed(0)} ms`;
    const [planner] = await db.query<{ id: number }>(accountId, ['planner.city']);
    const largest = await measureLargest(db, { jurisdiction: 'city', accountId: planner?.id ?? null, role: 'planner' }, rounds, paintSample);
    const lm = readMachineInfo(ROOT_DIR);
    const k = largest.community;
    console.log(
      [
        `### The largest community, ${label} (${new Date().toISOString().slice(0, 16)}Z, ${lm.cpuModel}, ${lm.cores} cores, load ${lm.loadAverage}, commit ${lm.commit})`,
        '',
        `${k.name} (${k.code}): ${k.households} households, ${k.grids} grids, ${k.micro_grids} micro-grids — the city's largest by households.`,
        '',
        '| measure | figure | target |',
        '|---|---|---|',
        `| validation of a one-micro-grid paint within it (${largest.paint.n} paintable edits after 10 warm-ups, ${largest.paint.invalid} invalid) | p50 ${ms(largest.paint.p50)}, p95 ${ms(largest.paint.p95)} | p95 ≤ 200 ms |`,
        `| re-partition proposal among its grids (reads + greedy growing; median of ${largest.proposal.n}; ${largest.proposal.summary}) | ${ms(largest.proposal.median)} | |`,
        `| validation of one grid's re-partition into micro-grids at ${REPARTITION_TARGET} households each (${largest.grid.n} grids, ${largest.grid.invalid} invalid) | p50 ${ms(largest.grid.p50)}, p95 ${ms(largest.grid.p95)} | p95 ≤ 200 ms |`,
        `| validation of a plan re-partitioning every grid at once (${largest.whole.summary}) | ${ms(largest.whole.ms)} | |`,
        `| its publication, rolled back (median of ${largest.publication.rounds.length}: ${largest.publication.rounds.join(', ')} ms; ${largest.publication.summary}) | ${ms(largest.publication.median)} | ≤ 10 s |`,
        '',
      ].join('\n'),
    );
    if (largestOnly) return;
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
      ].join('\n'),
    );
  } finally {
    await db.close();
  }
}

await main();
