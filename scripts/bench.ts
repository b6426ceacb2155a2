/**
 * `npm run bench [-- options]`: measure the figures issue 2 sets targets for and write BENCHMARKS.md.
 *
 *   1. full seed of the whole of Nanjing into a temporary embedded data directory (minutes);
 *   2. second start to ready: the real server started on that directory, several times;
 *   3. locate p50/p95 at full scale on the embedded database and on a real PostgreSQL + PostGIS
 *      (a throwaway cluster, seeded the same way), against the raw locate SQL in the same rounds.
 *
 * Options:
 *   --skip-seed         reuse the already-seeded --data-dir and real-PostgreSQL cluster (data/tmp/bench-postgres)
 *                       instead of seeding them again
 *   --data-dir DIR      embedded data directory (default data/tmp/bench-pglite, git-ignored)
 *   --points N          locate sample size (default 1000)
 *   --rounds N          measured locate rounds per database (default 5)
 *   --starts N          second-start runs (default 5)
 *   --skip-postgres     embedded only (the report says the real-PostGIS figures were not measured)
 *   --area xianlin      bench the small subset instead of the whole city (a quick check of the bench
 *                       itself; the figures are then not the issue's full-scale ones)
 *   --out FILE          report file (default BENCHMARKS.md)
 *   --only-seed         only the two seeds (issue 26's check): the embedded seed and the first start of the real
 *                       server on a new real database; replaces the "Full seed" section of the report file
 *
 * Then sections measured by scripts of their own process: routing, IoT, boundary plans, OGC, covering cameras, camera
 * QA, request isolation (issue 18: scripts/bench/measure-request-isolation.ts, also runnable alone with --write
 * BENCHMARKS.md), several instances on one PostgreSQL (issue 24: scripts/bench/measure-cluster.ts, and under load:
 * scripts/bench/measure-cluster-load.ts).
 *
 * The real database is seeded the way a new installation is (issue 26): `server/main.ts` started with
 * DATABASE_URL and no other setting — the requests' default statement timeout included — on a new, empty
 * database; a seed step that fails or times out stops the bench with the step's name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { detectCapabilities } from '../server/db/capabilities.js';
import { defineSql } from '../server/db/database.js';
import { migrate } from '../server/db/migrate.js';
import { openPostgresDatabase } from '../server/db/pg-driver.js';
import { openEmbeddedDatabase } from '../server/db/pglite-driver.js';
import { locateMicroGrid } from '../server/units/units.sql.js';
import { screenTokenHeaders } from '../tests/support/test-auth.js';
import { probePostgresInstallation, startThrowawayCluster, withMaintenanceDatabase } from '../tests/support/postgres-cluster.js';
import { loadAverage, readMachineInfo } from './bench/machine-info.js';
import { measureLocate, type RunLocateSql } from './bench/measure-locate.js';
import { measureScopeOverhead } from './bench/measure-scope-overhead.js';
import { measureTiles } from './bench/measure-tiles.js';
import { measureIntake } from './bench/measure-intake.js';
import { measureStart, type StartMeasurement } from './bench/measure-start.js';
import { sampleCityPoints } from './bench/sample-points.js';
import { renderReport, replaceSection, type BenchReport, type LocateFigure, type SeedFigure } from './bench/write-report.js';
import { measureBrowser, type BrowserFigures } from './bench/measure-browser.js';
import { measureScreens, type ScreenFigures } from './bench/measure-screens.js';
import { measureStats } from './bench/measure-stats.js';
import { runSectionScript } from './bench/run-section-script.js';
import { parseOptions } from './bench/bench-options.js';
import {
  BENCH_DATABASE,
  countRows,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  embeddedSeed,
  log,
  onlySeed,
  postgresFirstStart,
  recordedSeed,
  ROOT_DIR,
} from './bench/bench-seed.js';

/** The heading scripts/bench/measure-request-isolation.ts prints its section under. */
const ISOLATION_HEADING = '## Request isolation (issue 18)';
/** Intake → recommendation ready: the first points of the locate sample (each creates an incident, deleted after). */
const INTAKE_POINTS = 500;
/** $1 database name. Result: one row when it exists. */
const findDatabase = defineSql('bench.find_database', `SELECT 1 AS found FROM pg_database WHERE datname = $1`);
const runLocateSql: RunLocateSql = (db, point) => db.query(locateMicroGrid, [point.lon, point.lat]);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.onlySeed) return onlySeed(options);
  const startedAt = new Date();
  const machine = readMachineInfo(ROOT_DIR);
  log(`${machine.cpuModel} × ${machine.cores}, ${machine.memoryGiB} GiB, node ${machine.node}, load ${machine.loadAverage}`);
  const notes: string[] = [];

  // The real-PostGIS part needs PostgreSQL; find out before spending minutes on the embedded seed.
  const probe = options.skipPostgres ? undefined : probePostgresInstallation();
  if (probe && !probe.found) throw new Error(`${probe.reason}: install postgresql-15-postgis-3, or pass --skip-postgres`);

  // 1. Full seed, embedded.
  const embeddedSeedFigure = await embeddedSeed(options);

  // 2. Second start to ready, through the real server entry point.
  const starts: StartMeasurement[] = [];
  for (let i = 0; i < options.starts; i++) {
    const s = await measureStart({ rootDir: ROOT_DIR, dataDir: options.dataDir });
    log(`start ${i + 1}/${options.starts}: ${(s.wallMs / 1000).toFixed(2)} s to ready (in-process ${s.serverReadyMs ?? '?'} ms)`);
    starts.push(s);
  }

  // 3. Locate at full scale, embedded.
  const locate: LocateFigure[] = [];
  let browser: BrowserFigures | undefined;
  let screens: ScreenFigures | undefined;
  const embedded = await openEmbeddedDatabase({ dataDir: options.dataDir });
  let counts: Record<string, number>;
  let points;
  try {
    // main.ts has migrated the directory already when --starts ran; a no-op then.
    await migrate(embedded);
    counts = await countRows(embedded);
    points = await sampleCityPoints(embedded, options.points);
    log(`locate on embedded: ${points.length} points × ${options.rounds} rounds`);
    const capabilities = await detectCapabilities(embedded);
    const result = await measureLocate({
      db: embedded,
      capabilities,
      points,
      rounds: options.rounds,
      runLocateSql,
      headers: await screenTokenHeaders(embedded, null),
      onProgress: (line) => log(`embedded ${line}`),
    });
    const overheadPoints = points.slice(0, Math.min(points.length, 300));
    log(`jurisdiction overhead on embedded: ${overheadPoints.length} points × ${options.rounds} rounds`);
    locate.push({
      mode: 'embedded',
      database: `PGlite (PostgreSQL ${capabilities.postgresVersion.split(' ')[0]}, PostGIS ${capabilities.postgisVersion})`,
      result,
      overhead: await measureScopeOverhead(embedded, overheadPoints, options.rounds),
      tiles: await measureTiles(embedded, capabilities, await screenTokenHeaders(embedded, null)),
      intake: await measureIntake({
        db: embedded,
        capabilities,
        points: points.slice(0, INTAKE_POINTS),
        onProgress: (line) => log(`embedded intake ${line}`),
      }),
      // The statistics API (issue 19): every read at city, district, street and community scope, day and month.
      stats: await measureStats(embedded, options.rounds * 4),
    });
    // The console map in headless Chromium (issue 5): city view, transfer, panning against a baseline page.
    try {
      browser = await measureBrowser({ db: embedded, capabilities, rootDir: ROOT_DIR, onProgress: (line) => log(`browser ${line}`) });
    } catch (error) {
      notes.push(`The browser benchmark failed: ${(error as Error).message.split('\n')[0]}`);
    }
    // The big screen (issue 19): first render at two wall sizes, live latency over 50 incidents.
    try {
      screens = await measureScreens({ db: embedded, capabilities, onProgress: (line) => log(`screens ${line}`) });
    } catch (error) {
      notes.push(`The big-screen benchmark failed: ${(error as Error).message.split('\n')[0]}`);
    }
  } finally {
    await embedded.close();
  }

  // 4. The same on a real PostgreSQL + PostGIS, seeded the same way.
  let postgresSeed: BenchReport['postgresSeed'];
  if (probe?.found) {
    const keepInDir = path.join(path.dirname(options.dataDir), 'bench-postgres');
    if (!options.skipSeed) fs.rmSync(keepInDir, { recursive: true, force: true });
    const cluster = await startThrowawayCluster({ installation: probe.installation, label: 'bench-pg', keepInDir });
    try {
      const exists = await withMaintenanceDatabase(cluster.port, async (admin) => (await admin.query(findDatabase, [BENCH_DATABASE])).length > 0);
      let firstStart: SeedFigure | undefined;
      if (!exists) {
        await cluster.createDatabase(BENCH_DATABASE);
        firstStart = await postgresFirstStart(cluster.url(BENCH_DATABASE), options);
      }
      // The measurements below query the seeded database directly, with the application's default timeout.
      const db = await openPostgresDatabase({ url: cluster.url(BENCH_DATABASE), poolSize: 10, statementTimeoutMs: DEFAULT_STATEMENT_TIMEOUT_MS });
      try {
        await migrate(db);
        const capabilities = await detectCapabilities(db);
        const version = `PostgreSQL ${capabilities.postgresVersion.split(' ')[0]}, PostGIS ${capabilities.postgisVersion}`;
        postgresSeed = { ...(firstStart ?? (await recordedSeed(db, options, keepInDir))), version };
        const pgCounts = await countRows(db);
        if (JSON.stringify(pgCounts) !== JSON.stringify(counts)) {
          notes.push(
            `The two databases hold different rows after the same seed: embedded ${JSON.stringify(counts)}, postgres ${JSON.stringify(pgCounts)}.`,
          );
        }
        log(`locate on postgres: ${points.length} points × ${options.rounds} rounds`);
        const result = await measureLocate({
          db,
          capabilities,
          points,
          rounds: options.rounds,
          runLocateSql,
          headers: await screenTokenHeaders(db, null),
          onProgress: (line) => log(`postgres ${line}`),
        });
        log(`jurisdiction overhead on postgres: ${points.length} points × ${options.rounds} rounds`);
        locate.push({
          mode: 'postgres',
          database: version,
          result,
          overhead: await measureScopeOverhead(db, points, options.rounds),
          tiles: await measureTiles(db, capabilities, await screenTokenHeaders(db, null)),
          intake: await measureIntake({
            db,
            capabilities,
            points: points.slice(0, INTAKE_POINTS),
            onProgress: (line) => log(`postgres intake ${line}`),
          }),
          stats: await measureStats(db, options.rounds * 4),
        });
      } finally {
        await db.close();
      }
    } finally {
      await cluster.stop();
    }
    notes.push(
      'The real PostgreSQL is a cluster the bench starts itself (tests/support/postgres-cluster.ts, kept in ' +
        'data/tmp/bench-postgres for --skip-seed) with durability off (fsync, synchronous_commit, full_page_writes) and ' +
        'JIT off: this speeds its seed, not the read-only locate queries.',
    );
  } else {
    notes.push('The real-PostGIS figures were not measured (--skip-postgres).');
  }
  notes.push(
    'Locate runs one request at a time from a client in the same process as the server (keep-alive HTTP on loopback); ' +
      'the first pass over the sample is a discarded warm-up that also checks every answer.',
  );

  // 5. Dispatch routing on the embedded database (scripts/bench-routing.ts, its own process: the data
  // directory is free again now). Its Markdown table goes into the report as it is.
  log('routing: scripts/bench-routing.ts');
  const section = (label: string, script: string, marker: string, timeoutMinutes: number, dataDir = options.dataDir) =>
    runSectionScript({ label, script, dataDir, marker, timeoutMinutes, notes });
  const routing = section('routing', 'scripts/bench-routing.ts', '## Routing', 20);

  // 6. IoT ingest over MQTT (on the same embedded directory: it adds readings to it): sustained ingest with the rules
  // on, alarm → live latency, Debian mosquitto as the peer broker.
  log('iot: scripts/bench/measure-iot.ts');
  const iot = section('IoT', 'scripts/bench/measure-iot.ts', '<!-- iot:start -->', 20);

  // 7. Boundary plans (issue 20): validation and publication on the same embedded city, every change rolled back.
  log('boundary plans: scripts/bench/measure-plans.ts');
  const plans = section('boundary-plans', 'scripts/bench/measure-plans.ts', '### Boundary plans', 30)?.replace(/^### /, '## ');

  // 7b. OGC API – Features (issue 25): ogr2ogr of the city, item pages and CQL2 filters (read-only).
  log('ogc: scripts/bench/measure-ogc.ts');
  const ogc = section('OGC', 'scripts/bench/measure-ogc.ts', '## OGC API', 45);

  // 8. Covering cameras on a copy: it adds cameras, then removes them.
  log('video: scripts/bench-video.ts');
  const copy = `${options.dataDir}-video-copy`;
  let video: string | undefined;
  let cameraQa: string | undefined;
  try {
    fs.rmSync(copy, { recursive: true, force: true });
    fs.cpSync(options.dataDir, copy, { recursive: true });
    video = section('video', 'scripts/bench-video.ts', '## Covering cameras', 40, copy);
    // Camera-position QA (issue 21, item 4) on the same copy: it adds an import batch, the copy is removed after.
    log('camera QA: scripts/bench/measure-camera-qa.ts');
    cameraQa = section('camera QA', 'scripts/bench/measure-camera-qa.ts', '## Camera-position QA', 40, copy);
  } catch (error) {
    notes.push(`The video benchmark could not copy the city: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }

  // 9. Request isolation (issue 18): the 10,000-vertex summary on both modes, the embedded driver before and after
  // its worker thread. Its own process on the data directory; its section goes into the report as it is.
  log('request isolation: scripts/bench/measure-request-isolation.ts');
  const isolation = section('request-isolation', 'scripts/bench/measure-request-isolation.ts', ISOLATION_HEADING, 30);

  // 10. Several instances on one PostgreSQL (issue 24): its own throwaway cluster and two server processes.
  log('cluster: scripts/bench/measure-cluster.ts');
  const cluster = options.skipPostgres ? undefined : section('cluster', 'scripts/bench/measure-cluster.ts', '<!-- cluster:start -->', 20);
  // 11. The same under a dispatch centre's load (issue 24): 10,000 concurrent dispatch attempts over two instances,
  // then 100 simulated dispatchers on one instance and on two.
  log('cluster load: scripts/bench/measure-cluster-load.ts');
  const clusterLoad = options.skipPostgres
    ? undefined
    : section('cluster load', 'scripts/bench/measure-cluster-load.ts', '<!-- cluster-load:start -->', 20);

  const report: BenchReport = {
    startedAt,
    finishedAt: new Date(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine,
    loadAverageAtEnd: loadAverage(),
    area: options.area,
    counts,
    embeddedSeed: embeddedSeedFigure,
    postgresSeed,
    starts,
    locate,
    routing,
    iot,
    plans,
    ogc,
    video,
    cameraQa,
    cluster,
    clusterLoad,
    browser,
    screens,
    notes,
  };
  fs.writeFileSync(options.out, renderReport(report));
  if (isolation) fs.writeFileSync(options.out, replaceSection(fs.readFileSync(options.out, 'utf8'), ISOLATION_HEADING, isolation));
  log(`wrote ${path.relative(process.cwd(), options.out)}`);
}

main().catch((error) => {
  console.error('bench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
