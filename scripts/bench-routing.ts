/**
 * `npx tsx scripts/bench-routing.ts --data-dir <seeded full embedded data dir>`: the routing figures of
 * issue 4 at full scale, printed (Markdown at the end, for BENCHMARKS.md).
 *
 *   1. the plan of the straight-line pre-filter (workers_position_idx expected);
 *   2. loading the road graph: time (each load, median) and memory (typed arrays + index; heap growth);
 *   3. recommendation of the top 5 with road ETAs (KNN query, snapping, one Dijkstra, ranking, routes)
 *      over a deterministic sample of incident points inside micro-grids (scripts/bench/sample-points.ts),
 *      after a warm-up round: p50/p95 per round, medians over the rounds; the KNN query alone beside it;
 *   4. over a larger sample: the share of incidents for which the on-duty worker nearest by straight line
 *      is not the fastest by road (among the 40 nearest), and what choosing by straight line costs.
 *
 * Options: --data-dir DIR (required; the directory is locked while open: copy a running one first),
 *          --points N (default 1000), --rounds N (default 3), --share-points N (default 10000), --loads N (default 3).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineSql } from '../server/db/database.js';
import { openEmbeddedDatabase } from '../server/db/pglite-driver.js';
import { loadRoadGraph, type RoadGraphLoadStats } from '../server/routing/load-road-graph.js';
import { recommendResponders } from '../server/routing/recommend-responders.js';
import type { IncidentUnitChain } from '../server/routing/responder-tier.js';
import type { RoadGraph } from '../server/routing/road-graph.js';
import { listNearestOnDutyWorkers } from '../server/routing/routing.sql.js';
import { snapToRoad, type RoadSnap } from '../server/routing/snap-to-road.js';
import { travelTimesTo } from '../server/routing/travel-times.js';
import { locateMicroGrid } from '../server/units/units.sql.js';
import { readMachineInfo } from './bench/machine-info.js';
import { sampleCityPoints, type SamplePoint } from './bench/sample-points.js';
import { median, percentile } from './bench/statistics.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KNN_STATEMENT = listNearestOnDutyWorkers.name;

function parseOptions(argv: string[]) {
  const options = { dataDir: '', points: 1000, rounds: 3, sharePoints: 10_000, loads: 3 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    const number = () => {
      const n = Number(value);
      if (!(Number.isInteger(n) && n > 0)) throw new Error(`${argv[i]} needs a positive integer`);
      i += 1;
      return n;
    };
    if (argv[i] === '--data-dir' && value) {
      options.dataDir = value;
      i += 1;
    } else if (argv[i] === '--points') options.points = number();
    else if (argv[i] === '--rounds') options.rounds = number();
    else if (argv[i] === '--share-points') options.sharePoints = number();
    else if (argv[i] === '--loads') options.loads = number();
    else throw new Error(`unknown option ${argv[i]}`);
  }
  if (!options.dataDir) throw new Error('--data-dir <seeded full embedded data directory> is required');
  return options;
}

/** A full garbage collection, for heap figures (the flag is set before the first call). */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

const ms = (x: number) => `${x.toFixed(2)} ms`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

const readSeedTime = defineSql('bench.routing.seed_time', `SELECT value->>'seededAt' AS seeded_at FROM app_meta WHERE key = 'seed'`);
const explainKnn = defineSql('bench.routing.explain_knn', `EXPLAIN ${listNearestOnDutyWorkers.text}`);

interface RoundFigures {
  p50: number;
  p95: number;
  knnP50: number;
  knnP95: number;
  settledP50: number;
  settledP95: number;
  offRoad: number;
}

interface LocateRow {
  code: string;
  grid_code: string;
  community_code: string;
  street_code: string;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const machine = readMachineInfo(ROOT_DIR);
  console.log(`machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage}, commit ${machine.commit}`);
  const knnTimes: number[] = [];
  const db = await openEmbeddedDatabase({
    dataDir: options.dataDir,
    onTiming: (name, elapsed) => {
      if (name === KNN_STATEMENT) knnTimes.push(elapsed);
    },
  });
  try {
    const plan = (await db.query<{ 'QUERY PLAN': string }>(explainKnn, [118.79, 32.06, 40, null])).map((r) => r['QUERY PLAN']);
    console.log(`\npre-filter plan:\n  ${plan.join('\n  ')}`);

    // 2. Loading the graph.
    const loads: RoadGraphLoadStats[] = [];
    let graph: RoadGraph | undefined;
    collectGarbage();
    const heapBefore = process.memoryUsage();
    for (let i = 0; i < options.loads; i++) {
      graph = undefined;
      collectGarbage();
      const started = performance.now();
      const loaded = await loadRoadGraph(db);
      graph = loaded.graph;
      loads.push(loaded.stats);
      console.log(`graph load ${i + 1}: ${ms(performance.now() - started)} (read ${ms(loaded.stats.readMs)}, build ${ms(loaded.stats.buildMs)})`);
    }
    collectGarbage();
    const heapAfter = process.memoryUsage();
    const g = graph!;
    const grown = heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers;
    const loadMedian = median(loads.map((l) => l.readMs + l.buildMs));
    console.log(`graph: ${g.vertexCount} vertices, ${g.edgeCount} edges, ${g.componentCount} components, symmetric ${g.symmetric}`);
    console.log(`graph arrays + index: ${mb(loads[0].bytes)}; heap + array buffers grew by ${mb(grown)}; rss ${mb(heapAfter.rss)}`);

    // 3. Recommendation timing.
    const seeded = (await db.query<{ seeded_at: string | null }>(readSeedTime))[0]?.seeded_at;
    const now = seeded ? new Date(seeded) : new Date();
    const sample = await sampleCityPoints(db, Math.max(options.points, options.sharePoints));
    const points = sample.slice(0, options.points);
    const chains: Array<IncidentUnitChain | undefined> = [];
    const locateTimes: number[] = [];
    for (const p of points) {
      const started = performance.now();
      const [row] = await db.query<LocateRow>(locateMicroGrid, [p.lon, p.lat]);
      locateTimes.push(performance.now() - started);
      chains.push(row && { microGridCode: row.code, gridCode: row.grid_code, communityCode: row.community_code, streetCode: row.street_code });
    }
    const run = async (round: number, limit = 5): Promise<RoundFigures> => {
      const times: number[] = [];
      const settled: number[] = [];
      let offRoad = 0;
      knnTimes.length = 0;
      for (let i = 0; i < points.length; i++) {
        const started = performance.now();
        const result = await recommendResponders(db, g, points[i], { chain: chains[i], now, limit, candidatePool: 40 });
        times.push(performance.now() - started);
        settled.push(result.settledVertices);
        if (result.incident.snap?.offRoad) offRoad += 1;
      }
      const figures: RoundFigures = {
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        knnP50: percentile(knnTimes, 50),
        knnP95: percentile(knnTimes, 95),
        settledP50: percentile(settled, 50),
        settledP95: percentile(settled, 95),
        offRoad,
      };
      if (round > 0) {
        console.log(
          `round ${round}${limit === 5 ? '' : ` (limit ${limit})`}: recommend p50 ${ms(figures.p50)} p95 ${ms(figures.p95)}; KNN p50 ${ms(figures.knnP50)} p95 ${ms(figures.knnP95)}; ` +
            `settled p50 ${figures.settledP50} p95 ${figures.settledP95}; incidents > 500 m from a road ${offRoad}`,
        );
      }
      return figures;
    };
    await run(0); // warm-up: compiles the hot paths, fills the database's caches
    const rounds: RoundFigures[] = [];
    for (let r = 1; r <= options.rounds; r++) rounds.push(await run(r));
    const med = (key: keyof RoundFigures) => median(rounds.map((x) => x[key]));
    // For comparison: ETAs for all 40 candidates (the search cannot stop before the last one).
    const all = await run(options.rounds + 1, 40);

    // 4. Straight line against road.
    const share = await measureStraightLineShare(db, g, sample.slice(0, options.sharePoints));

    console.log(`\n## Routing (full scale, embedded database)\n`);
    console.log(`| figure | measured | target |\n|---|---:|---:|`);
    console.log(`| graph load (median of ${options.loads}) | ${ms(loadMedian)} | a few seconds |`);
    console.log(`| graph memory (typed arrays + spatial index) | ${mb(loads[0].bytes)} | < 100 MB |`);
    console.log(`| heap growth after loading, after GC | ${mb(grown)} | |`);
    console.log(`| recommend top 5, p50 (median of ${options.rounds} rounds × ${points.length} points) | ${ms(med('p50'))} | |`);
    console.log(`| recommend top 5, p95 | ${ms(med('p95'))} | ≤ 50 ms |`);
    console.log(`| of which the KNN query, p50 / p95 | ${ms(med('knnP50'))} / ${ms(med('knnP95'))} | |`);
    console.log(`| vertices settled per search, p50 / p95 | ${med('settledP50')} / ${med('settledP95')} | |`);
    console.log(`| incident points > 500 m from a road (of ${points.length}) | ${rounds[0].offRoad} | |`);
    console.log(`| for comparison, ETAs of all 40 candidates (one round), p50 / p95 | ${ms(all.p50)} / ${ms(all.p95)} | |`);
    console.log(`| … vertices settled, p50 / p95 | ${all.settledP50} / ${all.settledP95} | |`);
    console.log(
      `| locate micro-grid chain (not in the above), p50 / p95 | ${ms(percentile(locateTimes, 50))} / ${ms(percentile(locateTimes, 95))} | |`,
    );
    console.log(
      `| nearest by straight line is not the fastest by road (${share.incidents} incidents, 40 nearest on-duty workers) | ` +
        `${(100 * share.share).toFixed(1)} % (95 % CI ± ${(100 * share.margin).toFixed(1)}) | report |`,
    );
    console.log(
      `| … extra ETA when dispatching by straight line, median / p95 of those | ${share.extraP50.toFixed(1)} s / ${share.extraP95.toFixed(1)} s | |`,
    );
    console.log(`| … straight-line nearest unreachable by road | ${share.nearestUnreachable} | |`);
    console.log(`| … among the ${share.onRoad} incidents within 500 m of a road | ${(100 * share.onRoadShare).toFixed(1)} % | |`);
  } finally {
    await db.close();
  }
}

/** For each point: is the nearest on-duty worker by straight line also the fastest by road? */
async function measureStraightLineShare(
  db: Awaited<ReturnType<typeof openEmbeddedDatabase>>,
  graph: RoadGraph,
  points: SamplePoint[],
): Promise<{
  incidents: number;
  share: number;
  margin: number;
  extraP50: number;
  extraP95: number;
  nearestUnreachable: number;
  onRoad: number;
  onRoadShare: number;
}> {
  let incidents = 0;
  let differs = 0;
  let onRoad = 0;
  let onRoadDiffers = 0;
  let nearestUnreachable = 0;
  const extra: number[] = [];
  const started = performance.now();
  for (const p of points) {
    const rows = await db.query<{ lon: number; lat: number; straight_line_m: number }>(listNearestOnDutyWorkers, [p.lon, p.lat, 40, null]);
    const incident = snapToRoad(graph, p.lon, p.lat);
    if (!incident || rows.length === 0) continue;
    const snaps = rows.map((r) => snapToRoad(graph, r.lon, r.lat)).filter((s): s is RoadSnap => s !== null);
    const times = travelTimesTo(graph, incident, snaps).results.map((r) => (r.reachable ? r.seconds : Infinity));
    const fastest = Math.min(...times);
    if (!Number.isFinite(fastest)) continue;
    incidents += 1;
    // The KNN order is planar in degrees; the nearest is taken by metres on the spheroid.
    let nearest = 0;
    rows.forEach((r, i) => {
      if (r.straight_line_m < rows[nearest].straight_line_m) nearest = i;
    });
    const notFastest = times[nearest] > fastest + 1e-9;
    if (!incident.offRoad) {
      onRoad += 1;
      if (notFastest) onRoadDiffers += 1;
    }
    if (notFastest) {
      differs += 1;
      if (Number.isFinite(times[nearest])) extra.push(times[nearest] - fastest);
      else nearestUnreachable += 1;
    }
    if (incidents % 2000 === 0) console.log(`share: ${incidents} incidents in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const share = differs / incidents;
  return {
    incidents,
    share,
    margin: 1.96 * Math.sqrt((share * (1 - share)) / incidents),
    extraP50: extra.length ? percentile(extra, 50) : 0,
    extraP95: extra.length ? percentile(extra, 95) : 0,
    nearestUnreachable,
    onRoad,
    onRoadShare: onRoadDiffers / onRoad,
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
