/**
 * Responder recommendation on the seeded Xianlin subset, on every database mode.
 *
 * Golden test: a fixed incident point in 仙林街道 → the ranked top five, with ETAs, distances and
 * routes, compared with tests/fixtures/routing-golden-xianlin.json (numbers rounded to 0.1 s / 0.1 m,
 * coordinates to 1e-6°, so that the last bits of the generated worker positions, which may differ
 * between PostGIS versions, do not matter). Every mode compares with the same file, so the modes
 * agree with each other. After an intended change, bless the new output with
 * `REGEN=1 npx vitest run server/routing/recommend-responders.spec.ts` (the first mode writes it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { defineSql, withScope, type Database } from '../db/database.js';
import { planWorker } from '../seed/seed-workers.js';
import { loadRoadGraph } from './load-road-graph.js';
import { recommendResponders, type ResponderRecommendation } from './recommend-responders.js';
import type { IncidentUnitChain } from './responder-tier.js';
import type { RoadGraph } from './road-graph.js';
import { listNearestOnDutyWorkers } from './routing.sql.js';
import { snapToRoad } from './snap-to-road.js';
import { travelTimesFrom } from './travel-times.js';

const GOLDEN = path.resolve('tests/fixtures/routing-golden-xianlin.json');
const INCIDENT = { lon: 118.93, lat: 32.105 };
/** The chain of the incident point (咏梅社区第12网格第11微网格). */
const CHAIN: IncidentUnitChain = {
  microGridCode: '320113007005012011',
  gridCode: '320113007005012',
  communityCode: '320113007005',
  streetCode: '320113007',
};
/**
 * Any skill, within the chain; fire_safety (a tier-2 worker ranks after a slower tier-1 one); and
 * without a chain over a larger pool (everyone tier 4: ETA order, stale positions last).
 */
const SCENARIOS: Array<{ skill: string | null; chain: boolean; limit: number; candidatePool: number }> = [
  { skill: null, chain: true, limit: 5, candidatePool: 40 },
  { skill: 'fire_safety', chain: true, limit: 5, candidatePool: 40 },
  { skill: null, chain: false, limit: 25, candidatePool: 25 },
];

/** $1 worker code. Result: its last position time (epoch ms) and duty, skills. Index: workers_code_key. */
const readWorker = defineSql(
  'test.routing.read_worker',
  `SELECT (extract(epoch FROM last_position_at) * 1000)::float8 AS at_ms, home_unit_code, duty_status, skills
     FROM workers WHERE code = $1`,
);

/** Test only: $1 extra on-duty/busy/off-duty workers at deterministic points over Xianlin. */
const addCityScaleWorkers = defineSql(
  'test.routing.add_city_scale_workers',
  `INSERT INTO workers (id, code, name, phone, role, skills, home_unit_code, duty_status, last_position, last_position_at, generated)
   SELECT 1000000 + i, 'T' || i, 'test', '17000000000', 'micro_grid_worker', ARRAY['dispute'], '320113007005012011',
          (ARRAY['on_duty', 'on_duty', 'on_duty', 'busy', 'off_duty'])[1 + i % 5],
          ST_SetSRID(ST_MakePoint(118.88 + (i * 0.6180339887 % 1) * 0.1, 32.07 + (i * 0.7548776662 % 1) * 0.07), 4326), now(), true
     FROM generate_series(1, $1::int) AS i`,
);
const analyzeWorkers = defineSql('test.routing.analyze_workers', 'ANALYZE workers');
const explainKnn = defineSql('test.routing.explain_knn', `EXPLAIN ${listNearestOnDutyWorkers.text}`);
const countWorkers = defineSql('test.routing.count_workers', 'SELECT count(*)::int AS n FROM workers');

/** Thrown to roll a transaction back, carrying what it found. */
class Rollback extends Error {}

interface WorkerFacts {
  at_ms: number;
  home_unit_code: string;
  duty_status: string;
  skills: string[];
}

const round = (x: number, step: number) => Math.round(x / step) * step;
const tenth = (x: number | null) => (x === null ? null : Number(round(x, 0.1).toFixed(1)));

function goldenOf(result: ResponderRecommendation) {
  return result.responders.map((r) => ({
    rank: r.rank,
    workerCode: r.workerCode,
    tier: r.tier,
    stale: r.stale,
    positionAgeSeconds: tenth(r.positionAgeSeconds),
    etaSeconds: tenth(r.etaSeconds),
    roadMetres: tenth(r.roadMetres),
    straightLineMetres: tenth(r.straightLineMetres),
    // "lon,lat lon,lat …" to 1e-6°, one line per route in the fixture.
    route: r.route?.map(([lon, lat]) => `${lon.toFixed(6)},${lat.toFixed(6)}`).join(' ') ?? null,
  }));
}

describe.each(testDatabaseModes())('recommendResponders on %s', (mode) => {
  let db: Database;
  let graph: RoadGraph;
  /** The seed time: a worker's position time plus its planned age, so stale flags are those of the seed. */
  let seedNow: Date;

  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
    graph = (await loadRoadGraph(db)).graph;
    const code = `W${CHAIN.microGridCode}01`;
    const [w] = await db.query<WorkerFacts>(readWorker, [code]);
    seedNow = new Date(w.at_ms + planWorker(w.home_unit_code, 1, 'micro_grid_worker').positionAgeSeconds * 1000);
  });
  afterAll(() => db?.close());

  it('recommends the committed responders for a fixed point in 仙林街道', async () => {
    const actual = {
      command: 'REGEN=1 npx vitest run server/routing/recommend-responders.spec.ts',
      incident: INCIDENT,
      chain: CHAIN,
      scenarios: [] as Array<(typeof SCENARIOS)[number] & { incidentSnapMetres: number | null; responders: ReturnType<typeof goldenOf> }>,
    };
    for (const scenario of SCENARIOS) {
      const { skill, chain, limit, candidatePool } = scenario;
      const result = await recommendResponders(db, graph, INCIDENT, {
        chain: chain ? CHAIN : undefined,
        skill: skill ?? undefined,
        now: seedNow,
        limit,
        candidatePool,
      });
      // Dispatchers choose people, not codes: every recommendation carries the worker's name from the table.
      expect(result.responders.every((r) => typeof r.name === 'string' && r.name.length >= 2)).toBe(true);
      actual.scenarios.push({ ...scenario, incidentSnapMetres: tenth(result.incident.snap?.distanceMetres ?? null), responders: goldenOf(result) });
    }
    if (process.env.REGEN === '1' && mode === testDatabaseModes()[0]) fs.writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(fs.readFileSync(GOLDEN, 'utf8')));
    expect(actual.scenarios.map((x) => x.responders.length)).toEqual([5, 5, 25]);
    // What the scenarios are there to show.
    expect(actual.scenarios[1].responders.map((r) => r.tier)).toContain(2);
    expect(actual.scenarios[2].responders.some((r) => r.stale)).toBe(true);
  });

  it('returns on-duty workers with the skill, ranked by the documented order, routes from them to the incident', async () => {
    const result = await recommendResponders(db, graph, INCIDENT, { chain: CHAIN, skill: 'dispute', now: seedNow, limit: 8 });
    expect(result.candidates).toBe(40);
    expect(result.responders).toHaveLength(8);
    for (const r of result.responders) {
      const [w] = await db.query<WorkerFacts>(readWorker, [r.workerCode]);
      expect(w.duty_status).toBe('on_duty');
      expect(w.skills).toContain('dispute');
      expect(r.reachable).toBe(true);
      expect(r.route![r.route!.length - 1]).toEqual([INCIDENT.lon, INCIDENT.lat]);
    }
    const key = (r: (typeof result.responders)[number]) => [r.stale ? 1 : 0, r.tier, r.etaSeconds!];
    for (let i = 1; i < result.responders.length; i++) {
      const [a, b] = [key(result.responders[i - 1]), key(result.responders[i])];
      const before = a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] <= b[2])));
      expect(before).toBe(true);
    }
  });

  it('gives each worker the same ETA as a forward search from the worker to the incident', async () => {
    const result = await recommendResponders(db, graph, INCIDENT, { chain: CHAIN, now: seedNow, limit: 40 });
    const rows = await db.query<{ code: string; lon: number; lat: number }>(listNearestOnDutyWorkers, [INCIDENT.lon, INCIDENT.lat, 40, null]);
    const incident = snapToRoad(graph, INCIDENT.lon, INCIDENT.lat)!;
    expect(result.responders).toHaveLength(rows.length);
    for (const r of result.responders) {
      const row = rows.find((x) => x.code === r.workerCode)!;
      const forward = travelTimesFrom(graph, snapToRoad(graph, row.lon, row.lat)!, [incident]);
      const f = forward.results[0];
      expect(f.reachable && r.etaSeconds !== null).toBe(true);
      if (f.reachable) expect(r.etaSeconds!).toBeCloseTo(f.seconds, 6);
      expect(r.route![0]).toEqual([row.lon, row.lat]);
    }
  });

  it('stops the search early without changing the top five, over 25 points across Xianlin', async () => {
    let fewer = 0;
    for (let i = 0; i < 25; i++) {
      const point = { lon: 118.89 + (i % 5) * 0.02, lat: 32.08 + Math.floor(i / 5) * 0.0125 };
      const options = { chain: CHAIN, now: seedNow, candidatePool: 40 };
      const top = await recommendResponders(db, graph, point, { ...options, limit: 5 });
      const everyone = await recommendResponders(db, graph, point, { ...options, limit: 40 });
      expect(top.responders).toEqual(everyone.responders.slice(0, 5));
      expect(top.settledVertices).toBeLessThanOrEqual(everyone.settledVertices);
      if (top.settledVertices < everyone.settledVertices) fewer += 1;
    }
    expect(fewer).toBeGreaterThan(10);
  });

  it('sees only the workers of the caller’s jurisdiction through a scoped Queryable', async () => {
    const community = '320113007004';
    const all = await recommendResponders(db, graph, INCIDENT, { chain: CHAIN, now: seedNow, limit: 40 });
    expect(all.responders.some((r) => !r.homeUnitCode.startsWith(community))).toBe(true);
    const scoped = await withScope(db, { jurisdiction: community, accountId: null, role: 'dispatcher' }, (tx) =>
      recommendResponders(tx, graph, INCIDENT, { chain: CHAIN, now: seedNow, limit: 40 }),
    );
    expect(scoped.responders.length).toBeGreaterThan(0);
    expect(scoped.responders.every((r) => r.homeUnitCode.startsWith(community))).toBe(true);
    expect(scoped.responders.every((r) => r.tier === 3)).toBe(true);
  });

  it('pre-filters with a KNN scan of the index on workers.last_position at city scale', async () => {
    // Xianlin's 879 workers are few enough for PostgreSQL 15 to prefer a scan and a sort. Inside a
    // transaction that is rolled back, bring the table to the city's 44,688 workers (spread over
    // Xianlin, with the same duty mix), refresh the statistics, and ask for the plan unprompted.
    const plan = await db
      .withTransaction(async (tx) => {
        await tx.query(addCityScaleWorkers, [44_688 - 879]);
        await tx.query(analyzeWorkers);
        const rows = await tx.query<{ 'QUERY PLAN': string }>(explainKnn, [INCIDENT.lon, INCIDENT.lat, 40, 'dispute']);
        throw new Rollback(rows.map((r) => r['QUERY PLAN']).join('\n'));
      })
      .catch((e: unknown) => {
        if (e instanceof Rollback) return e.message;
        throw e;
      });
    expect(plan).toMatch(/Index Scan using workers_position_idx/);
    expect(plan).toMatch(/Order By: \(last_position <->/);
    // The workers are never scanned whole (the booked-worker check may scan the few active incidents).
    expect(plan).not.toMatch(/Seq Scan on workers/);
    const [{ n }] = await db.query<{ n: number }>(countWorkers);
    expect(n).toBe(879);
  });

  it('flags an incident far from any road, honours limit and pool, and refuses bad options', async () => {
    const far = await recommendResponders(db, graph, { lon: 118.78, lat: 32.05 }, { limit: 3, candidatePool: 10, now: seedNow });
    expect(far.incident.snap!.offRoad).toBe(true);
    expect(far.incident.snap!.distanceMetres).toBeGreaterThan(500);
    expect(far.candidates).toBe(10);
    expect(far.responders).toHaveLength(3);
    expect(far.responders.every((r) => r.tier === 4)).toBe(true);
    await expect(recommendResponders(db, graph, INCIDENT, { limit: 0 })).rejects.toThrow(RangeError);
    await expect(recommendResponders(db, graph, INCIDENT, { candidatePool: 2.5 })).rejects.toThrow(RangeError);
    await expect(recommendResponders(db, graph, INCIDENT, { skill: '' })).rejects.toThrow(RangeError);
    await expect(recommendResponders(db, graph, { lon: Number.NaN, lat: 32 })).rejects.toThrow(RangeError);
    await expect(recommendResponders(db, graph, INCIDENT, { chain: { ...CHAIN, streetCode: '320113008' } })).rejects.toThrow(/not inside/);
  });
});
