/**
 * The field app's own API (/m, issue 23), for field-worker accounts only, each about the calling worker:
 *
 *   GET  /api/field/me               the worker, the case they are booked on (an offer with its deadline, or on
 *                                    scene), the server's time (the phone's clock may be far off) and the radius
 *   GET  /api/field/history          the cases they hold or handled, newest first
 *   POST /api/field/position         {lon, lat, accuracy?, crs?}: their position now (server time), announced on
 *                                    the live channel as worker.moved; refused off duty
 *   POST /api/field/duty             {onDuty}: on / off duty (not off duty while booked on a case)
 *   GET  /api/field/route[?lon&lat]  the road route from their position (given, or last reported) to their case
 *   POST /api/field/cases/:id/arrive {lon, lat, accuracy?, crs?}: "on scene" — the position is recorded, then
 *                                    refused (422 too_far_from_case) beyond ARRIVE_RADIUS_M of the case
 *
 * Acknowledge, decline, resolve and photos go through the incidents and patrol routes like every client.
 * Positions are telemetry, like the simulator's moves: not audit records (a phone reports every 30 s); duty
 * changes and arrivals are audited.
 */
import { Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { AppConfig } from '../config/load-config.js';
import { auditedChange } from '../audit/record-audit.js';
import { authOf, scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import type { Queryable } from '../db/database.js';
import { AppError, notFound } from '../errors/app-error.js';
import type { DomainEvent, DomainEvents } from '../events/domain-events.js';
import { validateRequestPart } from '../http/validate-request.js';
import { applyIncidentEvent } from '../incidents/incident-events.js';
import { publishAll } from '../incidents/incident-publishing.js';
import type { RoadGraphStore } from '../routing/road-graph-store.js';
import { toWgs84 } from '../units/locate-point.js';
import { fieldArriveRoute, fieldDutyRoute, fieldHistoryRoute, fieldMeRoute, fieldPositionRoute, fieldRouteRoute } from './field-contract.js';
import { routeBetween } from './field-route-planner.js';
import type { WorkerRow } from '../live/live-rows.js';
import {
  distanceFromLastPosition,
  distanceToCase,
  listFieldHistory,
  readCurrentCase,
  readFieldWorker,
  updateWorkerDuty,
  updateWorkerPosition,
} from './field.sql.js';

export interface FieldRouterDeps {
  config: Pick<AppConfig, 'arriveRadiusMetres'>;
  clock: Clock;
  logger: Logger;
  events: DomainEvents;
  roads: RoadGraphStore;
}

/** A field worker's own record (field.read_worker): the live channel's worker row without the busy flag. */
type FieldWorkerRow = Omit<WorkerRow, 'busy'>;
type CaseRow = Record<string, unknown> & { id: number; lon: number; lat: number; state: string };

function workerCodeOf(auth: { workerCode: string | null }): string {
  if (!auth.workerCode) throw new AppError(403, 'not_a_worker', 'This account does not act as a field worker');
  return auth.workerCode;
}

async function recordPosition(
  tx: Queryable,
  workerCode: string,
  point: { lon: number; lat: number },
  at: Date,
): Promise<{ microGridCode: string; dutyStatus: string }> {
  const [row] = await tx.query<{ micro_grid_code: string; duty_status: string }>(updateWorkerPosition, [workerCode, point.lon, point.lat, at]);
  if (!row) throw notFound('worker_not_found', 'Your worker record is not in your jurisdiction');
  return { microGridCode: row.micro_grid_code, dutyStatus: row.duty_status };
}

export function fieldRouter({ config, clock, events, roads }: FieldRouterDeps): Router {
  const router = Router();

  router.get(fieldMeRoute.path, contractAccess(fieldMeRoute), async (req, res) => {
    const code = workerCodeOf(authOf(req));
    const { worker, task } = await scopedDb(req).transaction(async (tx) => {
      const [worker] = await tx.query<FieldWorkerRow>(readFieldWorker, [code]);
      if (!worker) throw notFound('worker_not_found', 'Your worker record is not in your jurisdiction');
      const [task] = await tx.query<CaseRow>(readCurrentCase, [code]);
      return { worker, task: task ?? null };
    });
    res.json({
      worker: {
        code: worker.code,
        name: worker.name,
        role: worker.role,
        homeUnitCode: worker.home_unit_code,
        dutyStatus: worker.duty_status,
        position: worker.lon === null || worker.lat === null ? null : { lon: worker.lon, lat: worker.lat, at: worker.last_position_at },
      },
      task,
      serverTime: clock.now().toISOString(),
      arriveRadiusMetres: config.arriveRadiusMetres,
    });
  });

  router.get(fieldHistoryRoute.path, contractAccess(fieldHistoryRoute), async (req, res) => {
    const code = workerCodeOf(authOf(req));
    const q = validateRequestPart(fieldHistoryRoute.query, req.query, 'invalid_query');
    res.json({ cases: await scopedDb(req).query(listFieldHistory, [code, q.limit]) });
  });

  router.post(fieldPositionRoute.path, contractAccess(fieldPositionRoute), async (req, res) => {
    const code = workerCodeOf(authOf(req));
    const input = validateRequestPart(fieldPositionRoute.body, req.body, 'invalid_position');
    const point = toWgs84(input.lon, input.lat, input.crs);
    const at = clock.now();
    const moved = await scopedDb(req).transaction(async (tx) => {
      const [worker] = await tx.query<FieldWorkerRow>(readFieldWorker, [code]);
      if (!worker) throw notFound('worker_not_found', 'Your worker record is not in your jurisdiction');
      if (worker.duty_status === 'off_duty') throw new AppError(409, 'off_duty', 'Positions are reported only on duty');
      return recordPosition(tx, code, point, at);
    });
    events.emit({ type: 'worker.moved', workerCode: code, microGridCode: moved.microGridCode, lon: point.lon, lat: point.lat, at: at.toISOString() });
    res.json({ at: at.toISOString(), microGridCode: moved.microGridCode });
  });

  router.post(fieldDutyRoute.path, contractAccess(fieldDutyRoute), async (req, res) => {
    const code = workerCodeOf(authOf(req));
    const { onDuty } = validateRequestPart(fieldDutyRoute.body, req.body, 'invalid_duty');
    const status = onDuty ? 'on_duty' : 'off_duty';
    const result = await auditedChange(req, { action: 'worker.duty', entityType: 'worker', entityId: code }, async (tx) => {
      const [worker] = await tx.query<FieldWorkerRow>(readFieldWorker, [code]);
      if (!worker) throw notFound('worker_not_found', 'Your worker record is not in your jurisdiction');
      const [task] = await tx.query<CaseRow>(readCurrentCase, [code]);
      if (!onDuty && task)
        throw new AppError(409, 'case_in_hand', 'Finish or return your case before going off duty', { incidentId: Number(task.id) });
      const [row] = await tx.query<{ home_unit_code: string; duty_status: string }>(updateWorkerDuty, [code, status]);
      return {
        entityId: code,
        jurisdictionCode: row.home_unit_code,
        before: { dutyStatus: worker.duty_status },
        after: { dutyStatus: status },
        result: { homeUnitCode: row.home_unit_code, busy: task !== undefined },
      };
    });
    events.emit({ type: 'worker.status', workerCode: code, microGridCode: result.homeUnitCode, dutyStatus: status, busy: result.busy });
    res.json({ dutyStatus: status });
  });

  router.get(fieldRouteRoute.path, contractAccess(fieldRouteRoute), async (req, res) => {
    const code = workerCodeOf(authOf(req));
    const q = validateRequestPart(fieldRouteRoute.query, req.query, 'invalid_query');
    const { worker, task } = await scopedDb(req).transaction(async (tx) => {
      const [worker] = await tx.query<FieldWorkerRow>(readFieldWorker, [code]);
      const [task] = await tx.query<CaseRow>(readCurrentCase, [code]);
      return { worker, task };
    });
    if (!task) throw notFound('no_current_case', 'You have no case to go to');
    const from =
      q.lon !== undefined && q.lat !== undefined
        ? { lon: q.lon, lat: q.lat }
        : worker?.lon != null && worker.lat != null
          ? { lon: worker.lon, lat: worker.lat }
          : null;
    if (!from) throw new AppError(422, 'position_unknown', 'Your position is not known: give lon and lat');
    const route = routeBetween(await roads.graph(), from, { lon: task.lon, lat: task.lat });
    res.json({ incidentId: Number(task.id), from, to: { lon: task.lon, lat: task.lat }, ...route });
  });

  router.post(fieldArriveRoute.path, contractAccess(fieldArriveRoute), async (req, res) => {
    const auth = authOf(req);
    const code = workerCodeOf(auth);
    const { id } = validateRequestPart(fieldArriveRoute.params, req.params, 'invalid_incident_id');
    const input = validateRequestPart(fieldArriveRoute.body, req.body, 'invalid_position');
    const point = toWgs84(input.lon, input.lat, input.crs);
    const now = clock.now();
    const published: DomainEvent[] = [];
    // The position counts even when the arrival is refused: it is where the worker is.
    const moved = await scopedDb(req).transaction((tx) => recordPosition(tx, code, point, now));
    events.emit({
      type: 'worker.moved',
      workerCode: code,
      microGridCode: moved.microGridCode,
      lon: point.lon,
      lat: point.lat,
      at: now.toISOString(),
    });
    const after = await auditedChange(req, { action: 'incident.arrive', entityType: 'incident', entityId: String(id) }, async (tx) => {
      const [place] = await tx.query<{ metres: number; state: string; assigned_worker_code: string | null }>(distanceToCase, [
        id,
        point.lon,
        point.lat,
      ]);
      if (!place) throw notFound('incident_not_found', `No incident ${id} in your jurisdiction`);
      checkArrivalDistance(place.metres, config.arriveRadiusMetres);
      const change = await applyIncidentEvent(
        tx,
        id,
        { type: 'arrive', actor: { accountId: auth.accountId, role: 'field_worker', workerCode: code } },
        now,
      );
      published.push(...change.published);
      return {
        entityId: String(id),
        jurisdictionCode: change.before.micro_grid_code,
        before: { state: change.before.state },
        after: { state: change.after.state, distanceMetres: Math.round(place.metres) },
        result: change.after,
      };
    });
    publishAll(events, published);
    res.json(after);
  });

  return router;
}

/** Refuses an arrival farther than the radius from the case (422 too_far_from_case, with both figures). */
export function checkArrivalDistance(metres: number, radiusMetres: number): void {
  if (!(metres <= radiusMetres)) {
    throw new AppError(422, 'too_far_from_case', `You are ${Math.round(metres)} m from the case; "on scene" needs you within ${radiusMetres} m`, {
      distanceMetres: Math.round(metres),
      radiusMetres,
    });
  }
}

/**
 * "On scene" sent through the generic events route by a field worker: checked against their last reported
 * position, the same radius (the field app's own arrive route reports the position first).
 */
export async function checkArrivalFromLastPosition(tx: Queryable, incidentId: number, workerCode: string, radiusMetres: number): Promise<void> {
  const [row] = await tx.query<{ metres: number | null }>(distanceFromLastPosition, [incidentId, workerCode]);
  if (!row) return; // the transition reports the unknown case
  if (row.metres === null) throw new AppError(422, 'position_unknown', 'Your position is not known: report it, then "on scene"');
  checkArrivalDistance(row.metres, radiusMetres);
}
