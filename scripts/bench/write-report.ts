/** BENCHMARKS.md from one run of scripts/bench.ts. */
import type { MachineInfo } from './machine-info.js';
import type { LocateResult } from './measure-locate.js';
import type { IntakeMeasurement } from './measure-intake.js';
import type { OverheadFigure } from './measure-scope-overhead.js';
import type { TileFigures } from './measure-tiles.js';
import type { StartMeasurement } from './measure-start.js';
import { renderBrowserSection, type BrowserFigures } from './measure-browser.js';
import { renderScreensSection, type ScreenFigures } from './measure-screens.js';
import { renderStatsTable, type StatsCallFigure } from './measure-stats.js';
import { median } from './statistics.js';
import { loadAverage } from './machine-info.js';

export interface SeedFigure {
  /** seedDatabase alone, milliseconds. */
  seedMs: number;
  /** open + migrate + seed, milliseconds (what a first `npm start` spends before serving). */
  totalMs?: number;
  steps: Record<string, number>;
  /** Set when the figure comes from an earlier run (--skip-seed): when it was seeded. */
  reusedFrom?: string;
}

export interface LocateFigure {
  mode: 'embedded' | 'postgres';
  database: string;
  result: LocateResult;
  overhead: OverheadFigure[];
  tiles: TileFigures;
  /** Intake → micro-grid located + top-5 recommendation ready (issue 4). */
  intake?: IntakeMeasurement;
  /** Statistics API reads (issue 19, scripts/bench/measure-stats.ts). */
  stats?: StatsCallFigure[];
}

export interface BenchReport {
  startedAt: Date;
  finishedAt: Date;
  command: string;
  area: 'nanjing' | 'xianlin';
  machine: MachineInfo;
  loadAverageAtEnd: string;
  counts: Record<string, number>;
  embeddedSeed: SeedFigure;
  postgresSeed?: SeedFigure & { version: string };
  starts: StartMeasurement[];
  locate: LocateFigure[];
  /** The Markdown section printed by scripts/bench-routing.ts. */
  routing?: string;
  /** The Markdown section printed by scripts/bench/measure-iot.ts (issue 22). */
  iot?: string;
  /** The boundary plans' section (scripts/bench/measure-plans.ts), as printed. */
  plans?: string;
  /** The OGC API section (scripts/bench/measure-ogc.ts, issue 25), as printed. */
  ogc?: string;
  /** The Markdown section printed by scripts/bench-video.ts (covering cameras, issue 21). */
  video?: string;
  /** The Markdown section printed by scripts/bench/measure-camera-qa.ts (camera-position QA, issue 21). */
  cameraQa?: string;
  /** The Markdown section printed by scripts/bench/measure-cluster.ts (several instances, issue 24). */
  cluster?: string;
  /** The Markdown section printed by scripts/bench/measure-cluster-load.ts (dispatch race, mixed workload; issue 24). */
  clusterLoad?: string;
  /** The console map in headless Chromium (scripts/bench/measure-browser.ts). */
  browser?: BrowserFigures;
  /** The big screen in headless Chromium (scripts/bench/measure-screens.ts). */
  screens?: ScreenFigures;
  notes: string[];
}

const TARGETS = {
  seedMs: 5 * 60_000,
  startMs: 15_000,
  locateP95Ms: 2,
  locateRatio: 1.5,
};

/** The order of the steps in server/seed/seed-database.ts. */
const SEED_STEP_ORDER = [
  'reference layers',
  'unit hierarchy',
  'unit edges',
  'road graph',
  'workers',
  'cameras',
  'sensors',
  'incident history',
  'development accounts',
  'analyze',
];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const millis = (ms: number) => `${ms.toFixed(3)} ms`;
const ratio = (r: number) => `${r.toFixed(2)}×`;
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

/**
 * The "Full seed" section: the step timings of both modes from the same run. With `machine` and the run's
 * times (--only-seed, which replaces only this section) it says when and where it was measured.
 */
export function renderSeedSection(
  report: Pick<BenchReport, 'embeddedSeed' | 'postgresSeed'> & {
    startedAt?: Date;
    finishedAt?: Date;
    machine?: MachineInfo;
  },
): string {
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  push('## Full seed', '');
  if (report.startedAt && report.finishedAt && report.machine) {
    const m = report.machine;
    push(
      `Written by \`npm run bench -- --only-seed\` on ${report.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC ` +
        `(${((report.finishedAt.getTime() - report.startedAt.getTime()) / 1000).toFixed(0)} s; ${m.cpuModel} × ${m.cores}, ` +
        `load ${m.loadAverage} at start, ${loadAverage()} at end, commit ${m.commit}): the machine is shared, so the times are noisy.`,
      '',
    );
  }
  push(
    'Embedded: `seedDatabase` on a new data directory in the bench process. Real PostgreSQL: the first start of the real ' +
      'server (`server/main.ts`) with `DATABASE_URL` and no other setting on a new database — the default ' +
      '`STATEMENT_TIMEOUT_MS` in force for requests, the seed and migrations on their own connections without it ' +
      '(`Database.maintenance`, issue 26); "open + migrate + seed" is then spawn → first 200 from `/api/health`. ' +
      'The bench fails, naming the step, when a step fails or times out. The real PostgreSQL is a throwaway cluster ' +
      '(tests/support/postgres-cluster.ts) with durability off (fsync, synchronous_commit, full_page_writes), which speeds the seed.',
    '',
  );
  const seeds: [string, SeedFigure][] = [['embedded (PGlite)', report.embeddedSeed]];
  if (report.postgresSeed) seeds.push([`real ${report.postgresSeed.version}`, report.postgresSeed]);
  // Timings read back from app_meta (jsonb) lose their order: put the known steps in seed order.
  const known = SEED_STEP_ORDER.filter((step) => seeds.some(([, s]) => s.steps[step] !== undefined));
  const others = [...new Set(seeds.flatMap(([, s]) => Object.keys(s.steps)))].filter((s) => s !== 'total' && !known.includes(s));
  const stepNames = [...known, ...others];
  push(`| step | ${seeds.map(([name]) => name).join(' | ')} |`, `|---|${seeds.map(() => '---:').join('|')}|`);
  for (const step of stepNames)
    push(`| ${step} | ${seeds.map(([, s]) => (s.steps[step] !== undefined ? seconds(s.steps[step]) : '')).join(' | ')} |`);
  push(`| **seed** | ${seeds.map(([, s]) => `**${seconds(s.seedMs)}**`).join(' | ')} |`);
  if (seeds.some(([, s]) => s.totalMs !== undefined)) {
    push(`| open + migrate + seed | ${seeds.map(([, s]) => (s.totalMs !== undefined ? seconds(s.totalMs) : '')).join(' | ')} |`);
  }
  for (const [name, s] of seeds) if (s.reusedFrom) push('', `The ${name} figures are from the seed of ${s.reusedFrom} (\`--skip-seed\`).`);

  return lines.join('\n') + '\n';
}

/** Replace the section under `heading` (up to the next "## ") in a Markdown document, or append it. */
export function replaceSection(document: string, heading: string, section: string): string {
  const start = document.indexOf(`\n${heading}\n`);
  if (start < 0) return `${document.trimEnd()}\n\n${section}`;
  const next = document.indexOf('\n## ', start + heading.length + 1);
  return document.slice(0, start + 1) + section.trimEnd() + '\n' + (next < 0 ? '' : document.slice(next));
}

export function renderReport(report: BenchReport): string {
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  const { machine } = report;
  const startWall = report.starts.length ? median(report.starts.map((s) => s.wallMs)) : undefined;
  const serverReady = report.starts.map((s) => s.serverReadyMs).filter((v): v is number => v !== undefined);
  const pgLocate = report.locate.find((l) => l.mode === 'postgres');

  push('# Benchmarks', '');
  if (report.area !== 'nanjing') {
    push(
      `> **Not the full-scale figures**: this run used the ${report.area} subset (\`--area ${report.area}\`), ` +
        'a check of the benchmark itself. The targets below are for the whole of Nanjing.',
      '',
    );
  }
  push(
    `Written by \`${report.command}\` (scripts/bench.ts) on ${report.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
      `in ${seconds(report.finishedAt.getTime() - report.startedAt.getTime())}. Medians over repeated runs. ` +
      'The CPU is shared with other work on this machine, so absolute times are noisy: ratios measured in the same run ' +
      '(server time against the raw SQL, against an empty request) are the figures to compare between runs.',
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${machine.cpuModel}, ${machine.cores} cores |`,
    `| memory | ${machine.memoryGiB} GiB |`,
    `| Node.js | ${machine.node} |`,
    `| OS | ${machine.platform} |`,
    `| commit | ${machine.commit} |`,
    `| load average (1 / 5 / 15 min) at start | ${machine.loadAverage} |`,
    `| load average at end | ${report.loadAverageAtEnd} |`,
    '',
    '## Against the targets of issue 2',
    '',
    '| figure | measured | target | |',
    '|---|---|---|---|',
    `| full seed (${report.area === 'nanjing' ? 'whole of Nanjing' : report.area}), embedded database | ${seconds(report.embeddedSeed.seedMs)}${report.embeddedSeed.reusedFrom ? ' (earlier run)' : ''} | ≤ 5 min | ${verdict(report.embeddedSeed.seedMs <= TARGETS.seedMs)} |`,
  );
  if (startWall !== undefined) {
    push(
      `| second start to ready, embedded (median of ${report.starts.length}) | ${seconds(startWall)} | ≤ 15 s | ${verdict(startWall <= TARGETS.startMs)} |`,
    );
  } else {
    push('| second start to ready, embedded | not measured | ≤ 15 s | |');
  }
  if (pgLocate) {
    const r = pgLocate.result;
    push(
      `| locate p95, server time, real PostGIS | ${millis(r.serverP95)} | ≤ 2 ms | ${verdict(r.serverP95 <= TARGETS.locateP95Ms)} |`,
      `| locate p95 against the raw SQL p95, real PostGIS | ${ratio(r.ratioP95)} | ≤ 1.5× | ${verdict(r.ratioP95 <= TARGETS.locateRatio)} |`,
    );
  } else {
    push('| locate p95, server time, real PostGIS | not measured | ≤ 2 ms | |');
  }

  push('', '## Dataset', '', '| layer | rows |', '|---|---:|');
  for (const [layer, n] of Object.entries(report.counts)) push(`| ${layer} | ${n.toLocaleString('en-US')} |`);

  push('', ...renderSeedSection(report).trimEnd().split('\n'));

  push('', '## Second start to ready', '');
  if (report.starts.length) {
    push(
      'The real server (`server/main.ts`) started on the already-seeded embedded data directory; from spawning the ' +
        'process to the first 200 from `GET /api/health`. "in-process" is the `readyMs` the server logs (open the ' +
        'database, migrate, detect capabilities, listen), without Node.js and TypeScript loading. `npm start` also ' +
        'builds the client first (`vite build`), which is not counted here.',
      '',
      '| run | spawn → ready | in-process |',
      '|---:|---:|---:|',
      ...report.starts.map((s, i) => `| ${i + 1} | ${seconds(s.wallMs)} | ${s.serverReadyMs !== undefined ? seconds(s.serverReadyMs) : '—'} |`),
      `| **median** | **${seconds(startWall!)}** | ${serverReady.length ? seconds(median(serverReady)) : '—'} |`,
    );
  } else {
    push('Not measured.');
  }

  push(
    '',
    `## Locate (${report.area === 'nanjing' ? 'full scale' : report.area})`,
    '',
    'Server time of `GET /api/locate?lon=&lat=` (request received → response finished, the whole Express stack) over ' +
      'a deterministic sample of points inside the seeded micro-grids, against the same locate SQL (`locateMicroGrid`) run directly ' +
      'through the `Database` in the same round. Requests carry a city-wide screen token, so the server time includes ' +
      'authentication and the row-level-security scope (kept per connection, generic plans); "404 baseline" is an ' +
      'authenticated request to a route that does not exist. ' +
      "Per round p50/p95; the table gives the medians over the rounds, and the ratios are the medians of each round's ratio.",
    '',
    '| database | points × rounds | server p50 | server p95 | SQL p50 | SQL p95 | server/SQL p50 | server/SQL p95 | 404 baseline p50 | failed points |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const { mode, database, result: r } of report.locate) {
    push(
      `| ${mode}: ${database} | ${r.points} × ${r.rounds.length} | ${millis(r.serverP50)} | ${millis(r.serverP95)} | ${millis(r.sqlP50)} | ${millis(r.sqlP95)} | ${ratio(r.ratioP50)} | ${ratio(r.ratioP95)} | ${millis(r.baselineP50)} | ${r.failures.length} |`,
    );
  }
  if (report.locate.some((l) => l.result.failures.length)) {
    push('', 'Points that did not locate (first ones):', '');
    for (const l of report.locate)
      for (const f of l.result.failures.slice(0, 5)) push(`- ${l.mode} ${f.point.lon},${f.point.lat}: ${f.status} ${f.body.replace(/\|/g, '\\|')}`);
  }
  push(
    '',
    '<details><summary>every round</summary>',
    '',
    '| database | round | server p50 | server p95 | SQL p50 | SQL p95 | 404 p50 |',
    '|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const { mode, result } of report.locate) {
    result.rounds.forEach((r, i) =>
      push(
        `| ${mode} | ${i + 1} | ${millis(r.serverP50)} | ${millis(r.serverP95)} | ${millis(r.sqlP50)} | ${millis(r.sqlP95)} | ${millis(r.baselineP50)} |`,
      ),
    );
  }
  push('', '</details>');

  push(
    '',
    '## Jurisdiction enforcement (issue 3)',
    '',
    'The same SQL without a scope (as the owner; row-level security does not apply) and inside a scope ' +
      'as the routes run it (`Database.queryInScope`: the scope set at session level on the connection and kept while the next ' +
      'query has the same scope, the query as `gridops_app` under the policies), ' +
      'alternating which runs first. Locate = `locateMicroGrid`; list = an OGC items page of 100 micro-grids in a 0.02° bbox. ' +
      'Target: ≤ 10 % added to p95.',
    '',
    '| database | query | scope | unscoped p50 | scoped p50 | unscoped p95 | scoped p95 | added to p95 | |',
    '|---|---|---|---:|---:|---:|---:|---:|---|',
  );
  for (const { mode, overhead } of report.locate) {
    for (const o of overhead) {
      push(
        `| ${mode} | ${o.query} | ${o.scope} | ${millis(o.unscopedP50)} | ${millis(o.scopedP50)} | ${millis(o.unscopedP95)} | ${millis(o.scopedP95)} | ${(o.addedP95 * 100).toFixed(1)} % | ${verdict(o.addedP95 <= 0.1)} |`,
      );
    }
  }

  push(
    '',
    '## Vector tiles (issue 5)',
    '',
    'Uncached z14 `micro_grids` tiles over 仙林街道 (the layer version is bumped before every round, so each request renders), ' +
      'client time over loopback HTTP with a city-wide screen token, first round discarded; and the city overview: every z10 tile ' +
      'over Nanjing as one composite request (districts, streets, roads, water, landuse), gzip bytes as sent. Targets: ' +
      'z14 p95 ≤ 50 ms on a real PostGIS; overview ≤ 2 MB gzip.',
    '',
    '| database | z14 tiles × rounds | p50 | p95 | max | overview tiles | overview gzip | overview time | |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const { mode, tiles: t } of report.locate) {
    push(
      `| ${mode} | ${t.microGridTiles} × ${t.rounds} | ${millis(t.microGridP50)} | ${millis(t.microGridP95)} | ${millis(t.microGridMax)} | ${t.overviewTiles} | ${(t.overviewGzipBytes / 1024).toFixed(0)} KiB | ${seconds(t.overviewMilliseconds)} | ${mode === 'postgres' ? verdict(t.microGridP95 <= 50 && t.overviewGzipBytes <= 2 * 1024 * 1024) : ''} |`,
    );
  }
  const intakes = report.locate.filter((l) => l.intake);
  if (intakes.length) {
    push(
      '',
      '## Intake → recommendation ready (issue 4)',
      '',
      "Per sample point, a dispatcher's `POST /api/incidents` (locate the micro-grid chain, grade, duplicate check, store with " +
        'timeline and audit) followed by `GET /api/incidents/:id/recommendations?limit=5` (top five workers by road ETA), ' +
        'timed from sending the POST to having the recommendation (client time over loopback HTTP, keep-alive), after a discarded ' +
        "warm-up that also loads the road graph; and each request's server time alone. The bench's incidents are deleted afterwards. " +
        'Target: p95 ≤ 200 ms.',
      '',
      '| database | points | total p50 | total p95 | intake p50 | intake p95 | recommendation p50 | recommendation p95 | first worker reachable | failed | |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const { mode, intake: r } of intakes) {
      push(
        `| ${mode} | ${r!.points} | ${millis(r!.totalP50)} | ${millis(r!.totalP95)} | ${millis(r!.intakeP50)} | ${millis(r!.intakeP95)} | ${millis(r!.recommendP50)} | ${millis(r!.recommendP95)} | ${(r!.reachableShare * 100).toFixed(1)} % | ${r!.failures.length} | ${verdict(r!.totalP95 <= 200)} |`,
      );
    }
  }
  if (report.browser) push('', renderBrowserSection(report.browser).trim());
  for (const { mode, stats } of report.locate) {
    if (stats?.length) push('', `### Statistics API (${mode}; target p95 ≤ 50 ms)`, '', renderStatsTable('call', stats));
  }
  if (report.screens) push('', renderScreensSection(report.screens).trim());
  if (report.routing) push('', report.routing.trim().replace(/^## Routing/, '## Dispatch routing (issue 4)'));
  if (report.iot) push('', report.iot.trim());
  if (report.plans) push('', report.plans.trim());
  if (report.ogc) push('', report.ogc.trim());
  if (report.video) push('', report.video.trim());
  if (report.cameraQa) push('', report.cameraQa.trim());
  if (report.cluster) push('', report.cluster.trim());
  if (report.clusterLoad) push('', report.clusterLoad.trim());

  if (report.notes.length) push('', '## Notes', '', ...report.notes.map((n) => `- ${n}`));
  push('');
  return lines.join('\n');
}
