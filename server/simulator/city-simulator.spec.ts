/**
 * The simulator on the seeded Xianlin subset, in every database mode, driven tick by tick with an injected
 * clock and a seeded random generator: incidents arrive in Xianlin's micro-grids through intake, cases
 * run to closed with audit records, patrolling workers move and stay on the roads, events are announced,
 * and a real (non-generated) worker is never touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, type Database } from '../db/database.js';
import { createDomainEvents, type DomainEvent } from '../events/domain-events.js';
import { createRoadGraphStore } from '../routing/road-graph-store.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { assertGeneratedWorkers, createCitySimulator, SimulatorGuardError } from './city-simulator.js';
import { seededRandom } from './simulator-random.js';
import { writeWorkerPositions } from './simulator.sql.js';

/** The next 10:00 in Shanghai (UTC+8, no daylight saving) after `fromMs`. */
function nextShanghaiMorning(fromMs: number): Date {
  const at = new Date(fromMs);
  at.setUTCHours(2, 0, 0, 0);
  if (at.getTime() <= fromMs) at.setUTCDate(at.getUTCDate() + 1);
  return at;
}

const REAL = 'WREALPERSON01';
const addRealWorker = defineSql(
  'test.simulator_add_real_worker',
  `INSERT INTO workers (id, code, name, phone, role, skills, home_unit_code, duty_status, last_position, last_position_at, generated)
   SELECT 999999, $1, '真实人员', '13800000000', 'grid_worker', ARRAY['safety_hazard','dispute','city_management','fire_safety','public_order','environment'],
          home_unit_code, 'on_duty', last_position, now(), false
     FROM workers WHERE generated AND duty_status = 'on_duty' ORDER BY code LIMIT 1`,
);
const readWorker = defineSql(
  'test.simulator_read_worker',
  `SELECT ST_AsText(last_position) AS p, last_position_at AS at FROM workers WHERE code = $1`,
);
const touchedReal = defineSql(
  'test.simulator_touched_real',
  `SELECT (SELECT count(*) FROM incidents WHERE assigned_worker_code = $1 OR resolved_by_worker_code = $1)::int AS incidents,
          (SELECT count(*) FROM incident_timeline WHERE worker_code = $1)::int AS timeline`,
);
const maxIncident = defineSql('test.simulator_max_incident', `SELECT coalesce(max(id), 0)::int AS id FROM incidents`);
const createdSince = defineSql(
  'test.simulator_created_since',
  `SELECT i.id, i.state, i.generated, i.micro_grid_code, u.level, ST_Intersects(u.geom, i.geom) AS inside
     FROM incidents i JOIN units u ON u.code = i.micro_grid_code WHERE i.id > $1 ORDER BY i.id`,
);
const closedTimeline = defineSql(
  'test.simulator_closed_timeline',
  `SELECT string_agg(event, ',' ORDER BY at, id) AS events FROM incident_timeline WHERE incident_id = $1`,
);
const simulatorAudit = defineSql(
  'test.simulator_audit',
  `SELECT action, count(*)::int AS n FROM audit_log WHERE actor_username = 'simulator' GROUP BY action ORDER BY action`,
);
const distanceToRoad = defineSql(
  'test.simulator_distance_to_road',
  `SELECT max(d)::float8 AS worst FROM (
     SELECT (SELECT ST_Distance(e.geom::geography, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography)
               FROM road_edges e ORDER BY e.geom <-> ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) LIMIT 1) AS d
       FROM unnest($1::float8[], $2::float8[]) AS p(lon, lat)) q`,
);
const storedPositions = defineSql(
  'test.simulator_stored_positions',
  `SELECT count(*)::int AS n FROM workers WHERE code = ANY($1::text[]) AND last_position_at = $2`,
);

describe.each(testDatabaseModes())('city simulator on %s', (mode) => {
  let db: Database;
  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
    await db.query(addRealWorker, [REAL]);
  });
  afterAll(() => db.close());

  it('refuses a real worker, in code and in SQL', async () => {
    await expect(assertGeneratedWorkers(db, [REAL])).rejects.toBeInstanceOf(SimulatorGuardError);
    await expect(assertGeneratedWorkers(db, ['WNOSUCHWORKER'])).rejects.toBeInstanceOf(SimulatorGuardError);
    const before = await db.query(readWorker, [REAL]);
    const written = await db.query(writeWorkerPositions, [[REAL], [118.95], [32.1], new Date()]);
    expect(written).toEqual([]);
    expect(await db.query(readWorker, [REAL])).toEqual(before);
  });

  it('brings the city to life: arrivals, a case closed, workers moving on the roads, events', async () => {
    const events = createDomainEvents();
    const seen: DomainEvent[] = [];
    events.subscribe((e) => seen.push(e));
    const realBefore = await db.query(readWorker, [REAL]);
    const [{ id: firstId }] = await db.query<{ id: number }>(maxIncident);
    // Arrivals follow Shanghai's daily rhythm (incident-rhythm.ts): run the simulated time from the next 10:00
    // Shanghai (02:00 UTC) so the rate, and the test, do not depend on the hour CI runs at (it failed at night).
    let now = nextShanghaiMorning(Date.now());
    const simulator = createCitySimulator({
      db,
      roads: createRoadGraphStore(db),
      events,
      clock: { now: () => now },
      random: seededRandom(20261123),
      options: { incidentsPerMinute: 2, movingWorkers: 60, handledShare: 1, flushEveryMs: 5000, maxActionsPerTick: 30 },
    });
    const first = await simulator.tick(now);
    const start = simulator.positions();
    expect(start.size).toBeGreaterThan(40);
    const costs: number[] = [first.ms];
    let closedId: number | null = null;
    for (let i = 0; i < 160 && closedId === null; i += 1) {
      now = new Date(now.getTime() + 30_000);
      const report = await simulator.tick(now);
      costs.push(report.ms);
      const created = await db.query<{ id: number; state: string }>(createdSince, [firstId]);
      closedId = created.find((c) => c.state === 'closed')?.id ?? null;
    }
    console.log(
      `[simulator ${mode}] ticks ${costs.length}, tick ms p50 ${costs.sort((a, b) => a - b)[costs.length >> 1].toFixed(1)}, max ${costs.at(-1)!.toFixed(1)}`,
    );

    const created = await db.query<{ id: number; generated: boolean; micro_grid_code: string; level: string; inside: boolean }>(createdSince, [
      firstId,
    ]);
    expect(created.length).toBeGreaterThan(20);
    for (const c of created) {
      expect(c).toMatchObject({ generated: true, level: 'micro_grid', inside: true });
      expect(c.micro_grid_code.startsWith('320113007')).toBe(true);
    }
    expect(closedId).not.toBeNull();
    const [{ events: trail }] = await db.query<{ events: string }>(closedTimeline, [closedId]);
    expect(trail).toMatch(/^reported,accept,dispatch,acknowledge,arrive,resolve,verify,(evaluate,)?close$/);
    const audit = new Map((await db.query<{ action: string; n: number }>(simulatorAudit)).map((r) => [r.action, r.n]));
    for (const action of [
      'incident.report',
      'incident.accept',
      'incident.dispatch',
      'incident.acknowledge',
      'incident.arrive',
      'incident.resolve',
      'incident.verify',
      'incident.close',
    ]) {
      expect(audit.get(action) ?? 0).toBeGreaterThan(0);
    }

    const end = simulator.positions();
    const moved = [...end].filter(([code, p]) => start.get(code) && (start.get(code)!.lon !== p.lon || start.get(code)!.lat !== p.lat));
    expect(moved.length).toBeGreaterThan(start.size * 0.9);
    const patrolling = [...end.values()].filter((p) => p.mode === 'patrol');
    const [{ worst }] = await db.query<{ worst: number }>(distanceToRoad, [patrolling.map((p) => p.lon), patrolling.map((p) => p.lat)]);
    expect(worst).toBeLessThan(1);
    now = new Date(now.getTime() + 10_000);
    await simulator.tick(now);
    const [{ n }] = await db.query<{ n: number }>(storedPositions, [[...end.keys()], now]);
    expect(n).toBe(end.size);

    // Every moving worker announces its position on every tick.
    expect(seen.filter((e) => e.type === 'worker.moved').length).toBeGreaterThanOrEqual(start.size * (costs.length + 1));
    expect(seen.some((e) => e.type === 'incident.changed' && e.change === 'reported')).toBe(true);
    expect(seen.some((e) => e.type === 'incident.changed' && e.change === 'close')).toBe(true);
    expect(seen.some((e) => e.type === 'worker.status')).toBe(true);

    expect(await db.query(readWorker, [REAL])).toEqual(realBefore);
    expect(await db.query(touchedReal, [REAL])).toEqual([{ incidents: 0, timeline: 0 }]);
  }, 600_000);
});
