/**
 * The statistics API's latency at full city scale: every read the routes make (summary, ranking, series by hour
 * and by day, drill-down, safety index, scorecards) for the city, a district, a street and a community, day and
 * month periods, each as the route runs it — one transaction in a whole-city scope (row-level security on), the
 * statement timeout set, then the reads. p50 / p95 per call over `rounds` rounds after one warm-up round.
 *
 *   npx tsx scripts/bench/measure-stats.ts --data-dir /tmp/copy-of-pglite-city [--rounds 20]
 *   DATABASE_URL=postgres://… npx tsx scripts/bench/measure-stats.ts [--rounds 20]
 *   npx tsx scripts/bench/measure-stats.ts --dump embedded-xianlin.tar.gz   (a quick check on a PGlite dump)
 *
 * Migrates the database first (migration 0013 builds the rollups of an existing history: the time is printed).
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { defineSql, withScope, type Database, type Queryable } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { openPostgresDatabase } from '../../server/db/pg-driver.js';
import { openEmbeddedDatabase } from '../../server/db/pglite-driver.js';
import { resolvePeriod, monthPeriod, shanghaiDate } from '../../server/stats/stats-period.js';
import { rankChildren, readCases, readChildren, readSeries, readSummary, resolveUnit } from '../../server/stats/stats-reads.js';
import { readScores } from '../../server/stats/stats-score-reads.js';
import { setStatsTimeout } from '../../server/stats/stats.sql.js';
import { loadConfig } from '../../server/config/load-config.js';

export interface StatsCallFigure {
  call: string;
  scope: string;
  period: string;
  p50: number;
  p95: number;
  max: number;
}

const pickUnits = defineSql(
  'bench.stats_pick_units',
  `SELECT (SELECT district_code FROM units WHERE code = x.street) AS district, x.street,
          (SELECT code FROM units WHERE parent_code = x.street ORDER BY households DESC LIMIT 1) AS community
     FROM (SELECT street_code AS street FROM stats_incident_facts GROUP BY 1 ORDER BY count(*) DESC LIMIT 1) x`,
);
const baselineStatement = defineSql('bench.stats_baseline', `SELECT 1 AS one`);
const lastDay = defineSql('bench.stats_last_day', `SELECT to_char(max(day), 'YYYY-MM-DD') AS day FROM stats_incident_facts`);

function quantile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export async function measureStats(db: Database, rounds: number, now = new Date()): Promise<StatsCallFigure[]> {
  const [units] = await db.query<{ district: string; street: string; community: string }>(pickUnits);
  const [{ day }] = await db.query<{ day: string }>(lastDay);
  const scope = { jurisdiction: 'city', accountId: null, role: 'admin' };
  const periods = { day: resolvePeriod({ period: 'day', date: day }, now), month: resolvePeriod({ period: 'month', date: day }, now) };
  const month = monthPeriod(day.slice(0, 7), now);
  const scopes: [string, string][] = [
    ['city', 'city'],
    ['district', units.district],
    ['street', units.street],
    ['community', units.community],
  ];
  type Call = { call: string; scope: string; period: string; run: (q: Queryable) => Promise<unknown> };
  // The baseline: the same scoped transaction around a trivial statement, so that the figures can be read as
  // ratios on a machine whose cores are shared (its time is scheduling and the transaction, not the statistics).
  const calls: Call[] = [{ call: 'baseline (scoped transaction, SELECT 1)', scope: '-', period: '-', run: (q) => q.query(baselineStatement) }];
  for (const [level, code] of scopes) {
    for (const [name, period] of Object.entries(periods)) {
      const unit = (q: Queryable) => resolveUnit(q, code, 'city');
      calls.push({ call: 'summary', scope: level, period: name, run: async (q) => readSummary(q, await unit(q), period, now) });
      calls.push({
        call: 'ranking',
        scope: level,
        period: name,
        run: async (q) => rankChildren(await readChildren(q, await unit(q), period, now), 'closureRate', 'desc'),
      });
      calls.push({
        call: name === 'day' ? 'series (hourly)' : 'series (daily)',
        scope: level,
        period: name,
        run: async (q) => readSeries(q, await unit(q), period, name === 'day' ? 'hour' : 'day'),
      });
      calls.push({
        call: 'cases (grade.red)',
        scope: level,
        period: name,
        run: async (q) => readCases(q, await unit(q), period, 'grade.red', 100, now),
      });
    }
    calls.push({
      call: 'safety index',
      scope: level,
      period: 'month',
      run: async (q) => readScores(q, 'safety_index', await resolveUnit(q, code, 'city'), month, now),
    });
    if (level !== 'community') {
      calls.push({
        call: 'scorecards',
        scope: level,
        period: 'month',
        run: async (q) => readScores(q, 'scorecard', await resolveUnit(q, code, 'city'), month, now),
      });
    }
  }
  const times = new Map<Call, number[]>(calls.map((c) => [c, []]));
  for (let round = 0; round <= rounds; round++) {
    for (const call of calls) {
      const started = performance.now();
      await withScope(db, scope, async (tx) => {
        await tx.query(setStatsTimeout, ['3000']);
        await call.run(tx);
      });
      if (round > 0) times.get(call)!.push(performance.now() - started);
    }
  }
  return calls.map((c) => {
    const sorted = times.get(c)!.sort((a, b) => a - b);
    const r = (v: number) => Math.round(v * 10) / 10;
    return {
      call: c.call,
      scope: c.scope,
      period: c.period,
      p50: r(quantile(sorted, 0.5)),
      p95: r(quantile(sorted, 0.95)),
      max: r(sorted[sorted.length - 1]),
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function renderStatsTable(title: string, figures: StatsCallFigure[]): string {
  const lines = [`| ${title} | scope | period | p50 ms | p95 ms | max ms |`, '|---|---|---|---:|---:|---:|'];
  for (const f of figures) lines.push(`| ${f.call} | ${f.scope} | ${f.period} | ${f.p50} | ${f.p95} | ${f.max} |`);
  const [baseline, ...rest] = figures;
  const worst = rest.reduce((a, b) => (b.p95 > a.p95 ? b : a));
  lines.push(
    '',
    `Worst p95: ${worst.p95} ms (${worst.call}, ${worst.scope}, ${worst.period}); target ≤ 50 ms. ` +
      `Baseline p50 / p95: ${baseline.p50} / ${baseline.p95} ms; median of the calls' p50: ${median(rest.map((f) => f.p50))} ms.`,
  );
  return lines.join('\n');
}

async function main() {
  const argv = process.argv.slice(2);
  const arg = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const rounds = Number(arg('--rounds') ?? 20);
  const url = loadConfig().databaseUrl;
  const dataDir = arg('--data-dir');
  const dump = arg('--dump');
  if (!url && !dataDir && !dump) throw new Error('give --data-dir (a COPY of an embedded city), --dump (a PGlite dump) or DATABASE_URL');
  const db = url
    ? await openPostgresDatabase({ url, poolSize: 4, statementTimeoutMs: 3_600_000 })
    : dump
      ? await openEmbeddedDatabase({ loadDump: await fs.openAsBlob(dump) })
      : await openEmbeddedDatabase({ dataDir });
  try {
    const started = performance.now();
    const applied = await migrate(db);
    console.log(`migrations ${applied.join(', ') || '(none pending)'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const figures = await measureStats(db, rounds);
    console.log(renderStatsTable(`stats call (${db.mode}, ${rounds} rounds, ${shanghaiDate(new Date())})`, figures));
    console.log(
      `load average at the end: ${(await import('node:os'))
        .loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
