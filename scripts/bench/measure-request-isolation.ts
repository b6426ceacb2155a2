/**
 * Issue 18's figures: one request never freezes the others, and a large drawn area stays cheap.
 *
 *   tsx scripts/bench/measure-request-isolation.ts --data-dir DIR [--postgres-dir DIR] [--rounds N] [--write FILE]
 *
 * DIR is a seeded full-city embedded data directory (a copy: the bench writes nothing but opens it); the real
 * PostgreSQL is the cluster scripts/bench.ts keeps in data/tmp/bench-postgres (database gridops_bench), used
 * when it is there. Printed as Markdown from "## Request isolation"; --write replaces that section of FILE.
 *
 *  1. POST /api/spatial/summary through the application on each mode, signed in as the city's dispatcher: a
 *     10,000-vertex area over 玄武区 against a 16-vertex area of the same size, alternating, median and p95, and
 *     what /api/health answered while the big ones ran (a probe every 25 ms).
 *  2. Embedded only, before and after the worker thread: the same statements on PGlite in this thread (the
 *     driver before issue 18, scripts/bench/in-process-pglite.ts) and through the worker driver — a locate round
 *     trip, a whole-tile render, and the event-loop delay p99 (perf_hooks.monitorEventLoopDelay) while the
 *     10,000-vertex summary statement runs.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app.js';
import { systemClock } from '../../server/clock/clock.js';
import { loadConfig } from '../../server/config/load-config.js';
import { detectCapabilities } from '../../server/db/capabilities.js';
import { defineSql, type Database } from '../../server/db/database.js';
import { openPostgresDatabase } from '../../server/db/pg-driver.js';
import { openEmbeddedDatabase } from '../../server/db/pglite-driver.js';
import { createLogger } from '../../server/logging/logger.js';
import { isSeeded } from '../../server/seed/seed-database.js';
import { summariseArea } from '../../server/spatial/spatial.sql.js';
import { renderTile } from '../../server/tiles/render-tile.js';
import { tileContaining } from '../../server/tiles/tile-address.js';
import type { TileLayerName } from '../../server/tiles/tile-layers.js';
import { locateMicroGrid } from '../../server/units/units.sql.js';
import { signIn } from '../../tests/support/test-auth.js';
import { probePostgresInstallation, startThrowawayCluster, withMaintenanceDatabase } from '../../tests/support/postgres-cluster.js';
import { openInProcessPglite } from './in-process-pglite.js';
import { loadAverage, readMachineInfo } from './machine-info.js';
import { sampleCityPoints } from './sample-points.js';
import { median, percentile } from './statistics.js';
import { replaceSection } from './write-report.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SECTION_HEADING = '## Request isolation (issue 18)';
const DISTRICT = '320102';
const BIG_VERTICES = 10_000;
const SMALL_VERTICES = 16;
const OVERVIEW: TileLayerName[] = ['districts', 'streets', 'roads', 'water', 'landuse'];

const districtShape = defineSql(
  'bench.isolation.district_shape',
  `SELECT ST_X(c) AS lon, ST_Y(c) AS lat, sqrt(ST_Area(geom::geography) / pi()) AS radius_m
     FROM (SELECT geom, ST_Centroid(geom) AS c FROM units WHERE code = $1) d`,
);
const findDatabase = defineSql('bench.isolation.find_database', `SELECT 1 AS found FROM pg_database WHERE datname = $1`);

/** A closed ring of `positions` positions (the last repeats the first) around a centre: a wobbly circle, never self-crossing. */
export function drawnArea(lon: number, lat: number, radiusM: number, positions: number): { type: 'Polygon'; coordinates: number[][][] } {
  const ring: number[][] = [];
  const distinct = positions - 1;
  for (let i = 0; i < distinct; i++) {
    const a = (2 * Math.PI * i) / distinct;
    const r = radiusM * (1 + 0.06 * Math.sin(7 * a));
    const round = (v: number) => Math.round(v * 1e6) / 1e6;
    ring.push([round(lon + (r * Math.cos(a)) / (111_320 * Math.cos((lat * Math.PI) / 180))), round(lat + (r * Math.sin(a)) / 110_574)]);
  }
  ring.push([...ring[0]]);
  return { type: 'Polygon', coordinates: [ring] };
}

const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

interface SummaryFigures {
  mode: string;
  small: number[];
  big: number[];
  health: number[];
  answers: { small: Record<string, number>; big: Record<string, number> };
}

async function measureSummary(db: Database, mode: string, rounds: number, log: (line: string) => void): Promise<SummaryFigures> {
  const capabilities = await detectCapabilities(db);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', TILE_WARMUP: 'false' });
  const app = createApp({ config, db, capabilities, logger: createLogger('silent'), clock: systemClock });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const headers = { ...(await signIn(base, 'dispatcher.city')), 'content-type': 'application/json' };
    const [shape] = await db.query<{ lon: number; lat: number; radius_m: number }>(districtShape, [DISTRICT]);
    const bodies = {
      small: JSON.stringify({ geometry: drawnArea(shape.lon, shape.lat, shape.radius_m, SMALL_VERTICES) }),
      big: JSON.stringify({ geometry: drawnArea(shape.lon, shape.lat, shape.radius_m, BIG_VERTICES) }),
    };
    const post = async (kind: 'small' | 'big') => {
      const started = performance.now();
      const response = await fetch(`${base}/api/spatial/summary`, { method: 'POST', headers, body: bodies[kind] });
      const body = (await response.json()) as Record<string, number>;
      const took = performance.now() - started;
      if (response.status !== 200) throw new Error(`summary (${kind}) on ${mode}: HTTP ${response.status} ${JSON.stringify(body)}`);
      return { took, body };
    };
    // Warm-up (plans, caches), not counted; it also checks the answers.
    const answers = { small: (await post('small')).body, big: (await post('big')).body };
    await post('small');
    await post('big');
    // Health's first answer reads its counts; later ones answer from them.
    await fetch(`${base}/api/health`).then((r) => r.arrayBuffer());
    const small: number[] = [];
    const big: number[] = [];
    const health: number[] = [];
    for (let i = 0; i < rounds; i++) {
      small.push((await post('small')).took);
      let running = true;
      const probing = (async () => {
        while (running) {
          const started = performance.now();
          await fetch(`${base}/api/health`).then((r) => r.arrayBuffer());
          health.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();
      big.push((await post('big')).took);
      running = false;
      await probing;
    }
    log(`${mode}: summary small p50 ${ms(median(small))}, ${BIG_VERTICES} vertices p50 ${ms(median(big))} p95 ${ms(percentile(big, 95))}`);
    return { mode, small, big, health, answers };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

interface DriverFigures {
  driver: string;
  locate: number[];
  tile: number[];
  tileBytes: number;
  slow: number[];
  loopP99: number;
  loopMax: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The same statements on both drivers, interleaved round by round (before, after, before, after …) so that a
 * change in the machine's load weighs on both alike.
 */
async function measureDrivers(drivers: { name: string; db: Database }[], rounds: number, log: (line: string) => void): Promise<DriverFigures[]> {
  const [first] = drivers;
  const points = await sampleCityPoints(first.db, 40 * rounds);
  const [shape] = await first.db.query<{ lon: number; lat: number; radius_m: number }>(districtShape, [DISTRICT]);
  // A whole tile: the city overview's z10 tile over the district, all five overview layers, encoded by the server.
  const tileAddress = tileContaining(shape.lon, shape.lat, 10);
  const text = JSON.stringify(drawnArea(shape.lon, shape.lat, shape.radius_m, BIG_VERTICES));
  const figures = drivers.map(({ name }) => ({
    driver: name,
    locate: [] as number[],
    tile: [] as number[],
    tileBytes: 0,
    slow: [] as number[],
    loop: [] as number[],
    loopMax: 0,
  }));
  // Warm-up: plans and caches of every statement on every driver.
  for (const { db } of drivers) {
    for (const p of points.slice(0, 20)) await db.query(locateMicroGrid, [p.lon, p.lat]);
    await db.withTransaction((tx) => renderTile(tx, 'server', OVERVIEW, tileAddress));
    await db.query(summariseArea, [text]);
  }
  for (let round = 0; round < rounds; round++) {
    // Alternating which goes first, too.
    const order = drivers.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const { db } = drivers[i];
      const f = figures[i];
      for (const p of points.slice(round * 40, round * 40 + 40)) {
        const started = performance.now();
        await db.query(locateMicroGrid, [p.lon, p.lat]);
        f.locate.push(performance.now() - started);
      }
      let started = performance.now();
      const bytes = await db.withTransaction((tx) => renderTile(tx, 'server', OVERVIEW, tileAddress));
      f.tile.push(performance.now() - started);
      f.tileBytes = bytes.length;
      // The slow statement, the 10,000-vertex summary, while the event loop's delay is recorded; the pauses
      // around it let the loop turn, so that a blocked loop shows as the delay of the timer that waited.
      const histogram = monitorEventLoopDelay({ resolution: 10 });
      histogram.enable();
      await pause(50);
      started = performance.now();
      await db.query(summariseArea, [text]);
      f.slow.push(performance.now() - started);
      await pause(50);
      histogram.disable();
      f.loop.push(histogram.percentile(99) / 1e6);
      f.loopMax = Math.max(f.loopMax, histogram.max / 1e6);
    }
  }
  return figures.map((f) => {
    const result = {
      driver: f.driver,
      locate: f.locate,
      tile: f.tile,
      tileBytes: f.tileBytes,
      slow: f.slow,
      loopP99: median(f.loop),
      loopMax: f.loopMax,
    };
    log(
      `${f.driver}: locate p50 ${ms(median(f.locate))}, tile p50 ${ms(median(f.tile))}, event-loop p99 ${ms(result.loopP99)} during ${ms(median(f.slow))} statements`,
    );
    return result;
  });
}

function render(summary: SummaryFigures[], drivers: DriverFigures[], notes: string[], startedAt: Date): string {
  const machine = readMachineInfo(ROOT_DIR);
  const lines = [
    SECTION_HEADING,
    '',
    `Written by \`scripts/bench/measure-request-isolation.ts\` on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${machine.commit}; ` +
      `${machine.cpuModel} × ${machine.cores}, node ${machine.node}; load average at the end ${loadAverage()} ` +
      '(other sessions were using the same two cores: absolute times are inflated, the ratios within one run are the figures to read).',
    '',
    `### POST /api/spatial/summary — ${BIG_VERTICES.toLocaleString('en')}-vertex area over 玄武区 (target ≤ 500 ms)`,
    '',
    `Each round: a ${SMALL_VERTICES}-vertex area of the same size (the baseline), then the ${BIG_VERTICES.toLocaleString('en')}-vertex one ` +
      'while /api/health is asked every 25 ms. Client time over loopback HTTP, signed in as dispatcher.city (city scope).',
    '',
    '| database | rounds | small p50 | small p95 | 10,000 p50 | 10,000 p95 | ratio p50 | micro-grids / households | health during, p50 / max |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|',
  ];
  for (const s of summary) {
    lines.push(
      `| ${s.mode} | ${s.big.length} | ${ms(median(s.small))} | ${ms(percentile(s.small, 95))} | **${ms(median(s.big))}** | **${ms(percentile(s.big, 95))}** | ` +
        `${ratio(median(s.big), median(s.small))} | ${s.answers.big.microGrids} / ${s.answers.big.households} | ` +
        `${ms(median(s.health))} / ${ms(Math.max(...s.health))} |`,
    );
  }
  if (drivers.length === 2) {
    const [before, after] = drivers;
    lines.push(
      '',
      '### Embedded database: in this thread (before) and on its worker thread (after)',
      '',
      'The same full-city data (the baseline on a copy of the directory), the same statements, interleaved round by round (alternating which goes first) in one process. "Event-loop delay" is ' +
        'perf_hooks.monitorEventLoopDelay (10 ms resolution) over each 10,000-vertex summary statement (p99 per statement, median over the rounds); ' +
        'before, the loop is blocked for the whole statement; after, it only relays messages.',
      '',
      '| driver | locate round trip p50 / p95 | whole z10 overview tile p50 (5 layers, server-encoded) | summary statement p50 | event-loop delay p99 / max during it |',
      '|---|---:|---:|---:|---:|',
    );
    for (const d of drivers) {
      lines.push(
        `| ${d.driver} | ${ms(median(d.locate))} / ${ms(percentile(d.locate, 95))} | ${ms(median(d.tile))} (${(d.tileBytes / 1024).toFixed(0)} KiB) | ` +
          `${ms(median(d.slow))} | **${ms(d.loopP99)}** / ${ms(d.loopMax)} |`,
      );
    }
    lines.push(
      '',
      `Worker ÷ in-thread: locate ${ratio(median(after.locate), median(before.locate))}, whole tile ${ratio(median(after.tile), median(before.tile))}, ` +
        `summary statement ${ratio(median(after.slow), median(before.slow))}; event-loop delay p99 ${ms(before.loopP99)} → ${ms(after.loopP99)}. ` +
        'The cost of the worker is one message each way per statement and the structured clone of the rows.',
    );
  }
  if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const option = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dataDir = option('--data-dir');
  if (!dataDir || !fs.existsSync(dataDir)) throw new Error('--data-dir DIR: a seeded full-city embedded data directory');
  const postgresDir = option('--postgres-dir') ?? path.join(path.dirname(path.resolve(dataDir)), 'bench-postgres');
  const rounds = Number(option('--rounds') ?? 15);
  const write = option('--write');
  const log = (line: string) => console.error(`[isolation ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const startedAt = new Date();
  const notes: string[] = [];
  const summary: SummaryFigures[] = [];
  const drivers: DriverFigures[] = [];

  // The baseline opens a copy of the directory, taken while it is closed: one data directory is never open twice.
  const baselineDir = `${path.resolve(dataDir)}-in-thread-copy`;
  fs.rmSync(baselineDir, { recursive: true, force: true });
  fs.cpSync(dataDir, baselineDir, { recursive: true });
  const embedded = await openEmbeddedDatabase({ dataDir, statementTimeoutMs: loadConfig({}).statementTimeoutMs });
  try {
    if (!(await isSeeded(embedded))) throw new Error(`${dataDir} is not seeded`);
    summary.push(await measureSummary(embedded, 'embedded (PGlite, worker thread)', rounds, log));
    const inThread = await openInProcessPglite(baselineDir);
    try {
      drivers.push(
        ...(await measureDrivers(
          [
            { name: 'in this thread (before)', db: inThread },
            { name: 'worker thread (after)', db: embedded },
          ],
          rounds,
          log,
        )),
      );
    } finally {
      await inThread.close();
      fs.rmSync(baselineDir, { recursive: true, force: true });
    }
  } finally {
    await embedded.close();
  }

  const probe = probePostgresInstallation();
  if (probe.found && fs.existsSync(path.join(postgresDir, 'data', 'PG_VERSION'))) {
    const cluster = await startThrowawayCluster({ installation: probe.installation, label: 'bench-isolation', keepInDir: postgresDir });
    try {
      const exists = await withMaintenanceDatabase(cluster.port, async (admin) => (await admin.query(findDatabase, ['gridops_bench'])).length > 0);
      if (!exists) notes.push(`The real-PostgreSQL figures were not measured: ${postgresDir} holds no gridops_bench database.`);
      else {
        const db = await openPostgresDatabase({
          url: cluster.url('gridops_bench'),
          poolSize: 10,
          statementTimeoutMs: loadConfig({}).statementTimeoutMs,
        });
        try {
          if (!(await isSeeded(db))) notes.push('The real-PostgreSQL figures were not measured: gridops_bench is not seeded.');
          else
            summary.push(
              await measureSummary(db, `PostgreSQL ${cluster.version.match(/\d+(\.\d+)*/)?.[0] ?? cluster.version} + PostGIS`, rounds, log),
            );
        } finally {
          await db.close();
        }
      }
    } finally {
      await cluster.stop();
    }
  } else {
    notes.push(`The real-PostgreSQL figures were not measured: no seeded cluster in ${postgresDir} (run \`npm run bench\` once).`);
  }

  const section = render(summary, drivers, notes, startedAt);
  process.stdout.write(section);
  if (write) {
    const previous = fs.existsSync(write) ? fs.readFileSync(write, 'utf8') : '# Benchmarks\n';
    fs.writeFileSync(write, replaceSection(previous, SECTION_HEADING, section));
    log(`wrote "${SECTION_HEADING}" into ${write}`);
  }
}

main().catch((error) => {
  console.error('measure-request-isolation failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
