/**
 * The living city (DISPATCH_MODE=simulate): generated workers moving along the real roads, incidents
 * arriving with the daily rhythm through the same intake as every source, and simulated desks and workers
 * handling them through the same lifecycle (`applyIncidentEvent`), each step in a transaction with its
 * audit record (actor "simulator") and announced on the domain events after it commits.
 *
 * It never contacts anyone: there are no outbound calls in GridOps, and the simulator acts only on
 * generated rows — `assertGeneratedWorkers` refuses any real worker before an event names one, and the
 * position update is limited to generated workers in SQL as well.
 *
 * `tick(now)` does one step (tests drive it with an injected clock and a seeded random generator);
 * `start(intervalMs)` runs it on a timer with the process clock.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { auditedSystemChange, type SystemActor } from '../audit/audited-system-change.js';
import type { Database, Queryable } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { DomainEvent, DomainEvents } from '../events/domain-events.js';
import { applyIncidentEvent } from '../incidents/incident-events.js';
import { intakeIncident } from '../incidents/incident-intake.js';
import type { Actor, IncidentEvent } from '../incidents/incident-lifecycle.js';
import { bookingChanges, incidentChanged, publishAll, workerStatusEvents } from '../incidents/incident-publishing.js';
import { recommendForIncident, type IncidentPlace } from '../incidents/recommend-for-incident.js';
import type { RoadGraph } from '../routing/road-graph.js';
import type { RoadGraphStore } from '../routing/road-graph-store.js';
import { snapToRoad } from '../routing/snap-to-road.js';
import { handledBySimulator, nextSimulatedAction, type SimulatedAction } from './handling-plan.js';
import { arrivalCount, candidatePoints, cumulativeHouseholds, drawArrivalKind, drawMicroGrid, type MicroGridBox } from './incident-arrivals.js';
import { advanceWalk, cumulativeMetres, positionAlong, walkPosition, type EdgeWalk, type LonLat } from './road-walk.js';
import { seededRandom, type Random } from './simulator-random.js';
import type { VideoAiSimulation } from './video-ai-simulation.js';
import {
  listMicroGridBoxes,
  listMovingWorkers,
  listOpenGeneratedIncidents,
  pointInMicroGrid,
  readPlace,
  readWorkersForSimulation,
  writeWorkerPositions,
} from './simulator.sql.js';
import { REPORTER_SOURCES, type IncidentState } from '../contract/incident-vocabulary.js';

export interface SimulatorOptions {
  /** Mean new incidents per minute city-wide (scaled by the hour, weekday and season). */
  incidentsPerMinute: number;
  /** Generated on-duty workers kept moving on patrol. */
  movingWorkers: number;
  /** Share of generated cases the simulator handles end to end (the rest is left to people). */
  handledShare: number;
  /** How often positions are written to the workers table, in ms. */
  flushEveryMs: number;
  /** Lifecycle steps applied per tick at most (each is a transaction). */
  maxActionsPerTick: number;
  /** Metres per second on patrol and when driving to a scene. */
  patrolSpeed: number;
  drivingSpeed: number;
}

export const DEFAULT_SIMULATOR_OPTIONS: SimulatorOptions = {
  incidentsPerMinute: 12,
  movingWorkers: 3000,
  handledShare: 0.8,
  flushEveryMs: 5000,
  maxActionsPerTick: 20,
  patrolSpeed: 1.4,
  drivingSpeed: 6,
};

/** Raised when the simulator would act on a worker who is not generated (a real person). */
export class SimulatorGuardError extends Error {}

/** Refuse unless every named worker exists and is generated. */
export async function assertGeneratedWorkers(q: Queryable, codes: readonly string[]): Promise<void> {
  if (!codes.length) return;
  const rows = await q.query<{ code: string; generated: boolean }>(readWorkersForSimulation, [codes]);
  const generated = new Set(rows.filter((r) => r.generated).map((r) => r.code));
  const refused = codes.filter((c) => !generated.has(c));
  if (refused.length) throw new SimulatorGuardError(`the simulator acts only on generated workers; refused ${refused.length} worker(s)`);
}

type Mover =
  | { code: string; microGridCode: string; mode: 'patrol'; walk: EdgeWalk }
  | { code: string; microGridCode: string; mode: 'drive'; incidentId: number; coords: LonLat[]; cumulative: number[]; travelled: number };

export interface TickReport {
  created: number[];
  actions: { id: number; action: SimulatedAction }[];
  moved: number;
  flushed: number;
  ms: number;
}

export interface CitySimulator {
  tick(now?: Date): Promise<TickReport>;
  /** Run tick on a timer; returns the stop function. */
  start(intervalMs: number): () => void;
  /** Positions of the workers being moved, and whether each is on patrol or driving to a scene. */
  positions(): Map<string, { lon: number; lat: number; mode: 'patrol' | 'drive' }>;
}

const SIMULATOR: SystemActor = { username: 'simulator' };
const DESK: Actor = { accountId: null, role: 'system' };

interface OpenRow {
  id: number;
  state: IncidentState;
  offer_acknowledged: boolean;
  assigned_worker_code: string | null;
  source: string;
  micro_grid_code: string;
  street_code: string;
  seconds_in_state: number;
}

export function createCitySimulator(deps: {
  db: Database;
  roads: RoadGraphStore;
  clock: Clock;
  events?: DomainEvents;
  logger?: Logger;
  random?: Random;
  options?: Partial<SimulatorOptions>;
  /** Simulated video-AI detections of some cameras (video-ai-simulation.ts), raised each tick. */
  videoAi?: VideoAiSimulation;
}): CitySimulator {
  const options = { ...DEFAULT_SIMULATOR_OPTIONS, ...deps.options };
  const random = deps.random ?? seededRandom(Date.now() & 0x7fffffff);
  const { db } = deps;
  const movers = new Map<string, Mover>();
  const arrived = new Set<number>();
  const routes = new Map<number, { workerCode: string; coords: LonLat[] }>();
  const dirty = new Set<string>();
  let grids: MicroGridBox[] = [];
  let cumulative: Float64Array = new Float64Array(0);
  let graph: RoadGraph | undefined;
  let lastTick: number | undefined;
  let lastFlush = 0;

  function patrolFrom(code: string, microGridCode: string, lon: number, lat: number): Mover | null {
    const snap = graph ? snapToRoad(graph, lon, lat) : null;
    if (!graph || !snap || snap.offRoad) return null;
    return { code, microGridCode, mode: 'patrol', walk: { edge: snap.edge, metres: snap.fraction * graph.edgeMetres[snap.edge] } };
  }

  function positionOf(m: Mover): LonLat {
    return m.mode === 'patrol' ? walkPosition(graph!, m.walk) : positionAlong(m.coords, m.cumulative, m.travelled);
  }

  async function initialise(): Promise<void> {
    graph = await deps.roads.graph();
    grids = await db.query<MicroGridBox>(listMicroGridBoxes);
    cumulative = cumulativeHouseholds(grids);
    const workers = await db.query<{ code: string; micro_grid_code: string; lon: number; lat: number }>(listMovingWorkers, [options.movingWorkers]);
    for (const w of workers) {
      const mover = patrolFrom(w.code, w.micro_grid_code, w.lon, w.lat);
      if (mover) movers.set(w.code, mover);
    }
  }

  function move(seconds: number, at: Date): DomainEvent[] {
    const events: DomainEvent[] = [];
    for (const m of movers.values()) {
      if (m.mode === 'patrol') m.walk = advanceWalk(graph!, m.walk, options.patrolSpeed * seconds, random);
      else {
        m.travelled = Math.min(m.cumulative[m.cumulative.length - 1], m.travelled + options.drivingSpeed * seconds);
        if (m.travelled >= m.cumulative[m.cumulative.length - 1]) arrived.add(m.incidentId);
      }
      const [lon, lat] = positionOf(m);
      dirty.add(m.code);
      events.push({ type: 'worker.moved', workerCode: m.code, microGridCode: m.microGridCode, lon, lat, at: at.toISOString() });
    }
    return events;
  }

  async function flush(at: Date): Promise<number> {
    const codes = [...dirty].filter((c) => movers.has(c));
    dirty.clear();
    if (!codes.length) return 0;
    const points = codes.map((c) => positionOf(movers.get(c)!));
    const written = await db.query(writeWorkerPositions, [codes, points.map((p) => p[0]), points.map((p) => p[1]), at]);
    return written.length;
  }

  async function createIncident(now: Date): Promise<number | null> {
    const kind = drawArrivalKind(random, now);
    const grid = drawMicroGrid(random, grids, cumulative);
    const candidates = candidatePoints(random, grid);
    const [point] = await db.query<{ lon: number; lat: number }>(pointInMicroGrid, [grid.code, candidates.lon, candidates.lat]);
    try {
      const result = await auditedSystemChange(
        db,
        SIMULATOR,
        async ({ tx, audit, publish }) => {
          const intake = await intakeIncident(
            tx,
            { ...kind, lon: point.lon, lat: point.lat, crs: 'wgs84', generated: true },
            { accountId: null, role: 'system' },
            now,
          );
          await audit({
            action: 'incident.report',
            entityType: 'incident',
            entityId: String(intake.incident.id),
            jurisdictionCode: intake.location.microGrid.code,
            after: { source: kind.source, category: kind.category, grade: intake.incident.grade, generated: true },
          });
          publish(incidentChanged(intake.incident.id, intake.location.microGrid.code, 'reported'));
          return intake;
        },
        { events: deps.events },
      );
      return result.incident.id;
    } catch (error) {
      if (error instanceof AppError) return null; // e.g. a point the locate statement places outside every micro-grid
      throw error;
    }
  }

  async function chooseWorker(tx: Queryable, row: OpenRow, now: Date): Promise<{ workerCode: string; route: LonLat[] | null } | null> {
    const [place] = await tx.query<IncidentPlace & { id: number }>(readPlace, [row.id]);
    const recommendation = await recommendForIncident(tx, graph!, place, { limit: 5, now });
    const reachable = recommendation.responders.filter((r) => r.reachable);
    if (!reachable.length) return null;
    const flags = await tx.query<{ code: string; generated: boolean }>(readWorkersForSimulation, [reachable.map((r) => r.workerCode)]);
    const generated = new Set(flags.filter((f) => f.generated).map((f) => f.code));
    const top = reachable.find((r) => generated.has(r.workerCode));
    return top ? { workerCode: top.workerCode, route: top.route } : null;
  }

  async function act(row: OpenRow, action: SimulatedAction, now: Date): Promise<boolean> {
    const scope = { jurisdiction: row.street_code, accountId: null, role: 'system' };
    const done = await auditedSystemChange(
      db,
      SIMULATOR,
      async ({ tx, audit, publish }) => {
        let event: IncidentEvent;
        let route: LonLat[] | null = null;
        if (action === 'dispatch') {
          const choice = await chooseWorker(tx, row, now);
          if (!choice) return null;
          await assertGeneratedWorkers(tx, [choice.workerCode]);
          event = { type: 'dispatch', actor: DESK, workerCode: choice.workerCode };
          route = choice.route;
        } else if (action === 'acknowledge' || action === 'arrive' || action === 'resolve') {
          const worker = row.assigned_worker_code!;
          await assertGeneratedWorkers(tx, [worker]);
          const actor: Actor = { accountId: null, role: 'field_worker', workerCode: worker };
          event = action === 'resolve' ? { type: 'resolve', actor, note: '已处置（模拟）' } : { type: action, actor };
        } else if (action === 'evaluate') {
          event = { type: 'evaluate', actor: DESK, satisfaction: random() < 0.7 ? 5 : random() < 0.8 ? 4 : 3 };
        } else event = { type: action, actor: DESK };
        const { before, after } = await applyIncidentEvent(tx, row.id, event, now);
        await audit({
          action: `incident.${event.type}`,
          entityType: 'incident',
          entityId: String(row.id),
          jurisdictionCode: row.micro_grid_code,
          before: { state: before.state, worker: before.assigned_worker_code },
          after: { state: after.state, worker: after.assigned_worker_code ?? null },
        });
        const changes = bookingChanges(
          event.type,
          { assignedWorkerCode: before.assigned_worker_code },
          { state: after.state as IncidentState, assignedWorkerCode: (after.assigned_worker_code as string | null) ?? null },
        );
        publish(incidentChanged(row.id, row.micro_grid_code, event.type), ...(await workerStatusEvents(tx, changes)));
        return { event, route };
      },
      { events: deps.events, scope },
    ).catch((error) => {
      // Another actor (a dispatcher, the escalation pass) changed the case or booked the worker first.
      if (error instanceof AppError && error.status === 409) return null;
      throw error;
    });
    if (!done) return false;
    afterAction(row, done.event, done.route);
    return true;
  }

  function afterAction(row: OpenRow, event: IncidentEvent, route: LonLat[] | null): void {
    if (event.type === 'dispatch' && route && route.length > 1) routes.set(row.id, { workerCode: event.workerCode, coords: route });
    if (event.type === 'acknowledge') {
      const planned = routes.get(row.id);
      const worker = row.assigned_worker_code!;
      if (planned && planned.workerCode === worker) {
        const home = movers.get(worker)?.microGridCode ?? row.micro_grid_code;
        movers.set(worker, {
          code: worker,
          microGridCode: home,
          mode: 'drive',
          incidentId: row.id,
          coords: planned.coords,
          cumulative: cumulativeMetres(planned.coords),
          travelled: 0,
        });
      }
      routes.delete(row.id);
    }
    if (event.type === 'arrive') {
      arrived.delete(row.id);
      const mover = movers.get(row.assigned_worker_code!);
      if (mover?.mode === 'drive') {
        const [lon, lat] = positionOf(mover);
        const patrol = patrolFrom(mover.code, mover.microGridCode, lon, lat);
        if (patrol) movers.set(mover.code, patrol);
      }
    }
  }

  async function handle(now: Date): Promise<TickReport['actions']> {
    const rows = await db.query<OpenRow>(listOpenGeneratedIncidents, [200, now]);
    const actions: TickReport['actions'] = [];
    for (const row of rows) {
      if (actions.length >= options.maxActionsPerTick) break;
      const driving = row.assigned_worker_code ? movers.get(row.assigned_worker_code) : undefined;
      const action = nextSimulatedAction(
        {
          id: Number(row.id),
          state: row.state,
          offerAcknowledged: row.offer_acknowledged,
          assignedWorkerCode: row.assigned_worker_code,
          secondsInState: row.seconds_in_state,
          hasReporter: (REPORTER_SOURCES as readonly string[]).includes(row.source),
          arrived: driving?.mode === 'drive' && driving.incidentId === Number(row.id) ? arrived.has(Number(row.id)) : null,
        },
        handledBySimulator(Number(row.id), options.handledShare),
      );
      if (action && (await act(row, action, now))) actions.push({ id: Number(row.id), action });
    }
    return actions;
  }

  async function tick(now = deps.clock.now()): Promise<TickReport> {
    const started = performance.now();
    if (!graph) await initialise();
    const seconds = lastTick === undefined ? 1 : Math.min(30, Math.max(0, (now.getTime() - lastTick) / 1000));
    lastTick = now.getTime();
    const moved = move(seconds, now);
    publishAll(deps.events, moved);
    let flushed = 0;
    if (now.getTime() - lastFlush >= options.flushEveryMs) {
      flushed = await flush(now);
      lastFlush = now.getTime();
    }
    const created: number[] = [];
    const count = arrivalCount(random, options.incidentsPerMinute, now, seconds);
    for (let i = 0; i < count; i += 1) {
      const id = await createIncident(now);
      if (id !== null) created.push(Number(id));
    }
    if (deps.videoAi) {
      const detected = await deps.videoAi.tick(now, seconds).catch((error: unknown) => {
        deps.logger?.error({ err: { message: (error as Error).message } }, 'video-AI detection failed');
        return [];
      });
      created.push(...detected);
    }
    const actions = await handle(now);
    return { created, actions, moved: moved.length, flushed, ms: performance.now() - started };
  }

  return {
    tick,
    positions: () =>
      new Map(
        [...movers.values()].map((m) => {
          const [lon, lat] = positionOf(m);
          return [m.code, { lon, lat, mode: m.mode }];
        }),
      ),
    start(intervalMs) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        tick()
          .catch((error) => deps.logger?.error({ err: { message: (error as Error).message } }, 'simulator tick failed'))
          .finally(() => {
            running = false;
          });
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
