/**
 * The incidents API: hotline / dispatcher intake, lists, detail with timeline, and events on the closed
 * loop. Every change is audited; every query is scoped to the caller's jurisdiction.
 */
import { Router } from 'express';
import type { Database } from '../db/database.js';
import type { Clock } from '../clock/clock.js';
import type { AppConfig } from '../config/load-config.js';
import type { DomainEvents } from '../events/domain-events.js';
import { auditedChange } from '../audit/record-audit.js';
import { authOf, scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { notFound } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { applyIncidentEvent } from './incident-events.js';
import { intakeIncident } from './incident-intake.js';
import { mergeIncident } from './merge-incidents.js';
import { actorOf } from './actor-of-request.js';
import { roleMaySend, type IncidentEvent } from './incident-lifecycle.js';
import { AppError } from '../errors/app-error.js';
import { createRoadGraphStore, type RoadGraphStore } from '../routing/road-graph-store.js';
import { listIncidentPhotos } from '../patrol/incident-photos.sql.js';
import { incidentChanged, publishAll } from './incident-publishing.js';
import { findIncidentByNumber, listCategories, listIncidents, listReports, listTimeline, readIncident } from './incidents.sql.js';
import { listSummonses } from './summonses.sql.js';
import { recommendForIncident, type IncidentPlace } from './recommend-for-incident.js';
import { DESK_ROLES } from '../contract/incident-vocabulary.js';
import {
  categoriesRoute,
  createIncidentRoute,
  incidentDetailRoute,
  incidentEventRoute,
  listIncidentsRoute,
  mergeIncidentRoute,
  recommendationsRoute,
} from './incidents-contract.js';
import { checkArrivalFromLastPosition } from '../field/field.route.js';
import { checkPublicNote } from './public-note.js';

/** What the router uses of the application's dependencies. */
export interface IncidentsRouterDeps {
  clock: Clock;
  /** The field app's "on scene" radius (ARRIVE_RADIUS_M). */
  config: Pick<AppConfig, 'arriveRadiusMetres'>;
  db: Database;
  events: DomainEvents;
  /** The road graph shared with the schedulers; the router loads its own when absent. */
  roads?: RoadGraphStore;
}

export function incidentsRouter({ clock, config, db, roads: shared, events }: IncidentsRouterDeps): Router {
  const router = Router();
  const roads = shared ?? createRoadGraphStore(db);

  router.get(categoriesRoute.path, contractAccess(categoriesRoute), async (req, res) => {
    res.json({ categories: await scopedDb(req).query(listCategories) });
  });

  router.post(createIncidentRoute.path, contractAccess(createIncidentRoute), async (req, res) => {
    const input = validateRequestPart(createIncidentRoute.body, req.body, 'invalid_incident');
    const auth = authOf(req);
    const result = await auditedChange(req, { action: 'incident.create', entityType: 'incident' }, async (tx) => {
      const intake = await intakeIncident(tx, input, { accountId: auth.accountId, role: auth.role }, clock.now());
      return {
        entityId: String(intake.incident.id),
        jurisdictionCode: intake.location.microGrid.code,
        after: {
          number: intake.incident.number,
          category: input.category,
          grade: intake.incident.grade,
          source: input.source,
          microGrid: intake.location.microGrid.code,
        },
        result: intake,
      };
    });
    publishAll(events, [incidentChanged(result.incident.id, result.location.microGrid.code, 'reported')]);
    res.status(201).json(result);
  });

  router.get(listIncidentsRoute.path, contractAccess(listIncidentsRoute), async (req, res) => {
    const q = validateRequestPart(listIncidentsRoute.query, req.query, 'invalid_incident_query');
    if (q.number) {
      res.json({ incidents: await scopedDb(req).query(findIncidentByNumber, [q.number]) });
      return;
    }
    res.json({ incidents: await scopedDb(req).query(listIncidents, [q.state, q.limit, q.before ?? null, q.unit ?? null]) });
  });

  router.get(incidentDetailRoute.path, contractAccess(incidentDetailRoute), async (req, res) => {
    const { id } = validateRequestPart(incidentDetailRoute.params, req.params, 'invalid_incident_id');
    const detail = await scopedDb(req).transaction(async (tx) => {
      const [incident] = await tx.query(readIncident, [id]);
      if (!incident) throw notFound('incident_not_found', `No incident ${id} in your jurisdiction`);
      const timeline = await tx.query(listTimeline, [id]);
      // Reporters' names and phone numbers are for the command centre only.
      const reports = DESK_ROLES.includes(authOf(req).role) ? await tx.query(listReports, [id]) : null;
      const summonses = await tx.query(listSummonses, [id]);
      const photos = await tx.query<Record<string, unknown> & { id: number }>(listIncidentPhotos, [id]);
      return { incident, timeline, reports, summonses, photos: photos.map((p) => ({ ...p, url: `/api/incidents/${id}/photos/${p.id}` })) };
    });
    res.json(detail);
  });

  // The nearest suitable on-duty workers by road: own micro-grid first, then adjoining ones, the community,
  // the street; ETA, road and straight-line distance, and the route of each.
  router.get(recommendationsRoute.path, contractAccess(recommendationsRoute), async (req, res) => {
    const { id } = validateRequestPart(recommendationsRoute.params, req.params, 'invalid_incident_id');
    const q = validateRequestPart(recommendationsRoute.query, req.query, 'invalid_query');
    const scoped = scopedDb(req);
    const [incident] = await scoped.query<IncidentPlace>(readIncident, [id]);
    if (!incident) throw notFound('incident_not_found', `No incident ${id} in your jurisdiction`);
    const recommendation = await recommendForIncident(scoped, await roads.graph(), incident, { limit: q.limit, now: clock.now() });
    res.json({ incidentId: id, ...recommendation });
  });

  router.post(incidentEventRoute.path, contractAccess(incidentEventRoute), async (req, res) => {
    const { id } = validateRequestPart(incidentEventRoute.params, req.params, 'invalid_incident_id');
    const body = validateRequestPart(incidentEventRoute.body, req.body, 'invalid_incident_event');
    if ('publicNote' in body && body.publicNote !== undefined) body.publicNote = publishableNote(body.publicNote);
    const event = { ...body, actor: actorOf(req) } as IncidentEvent;
    // The role first: a field worker's desk-only event is 403 whatever state the case is in (issue 18).
    if (!roleMaySend(event.type, event.actor.role)) {
      throw new AppError(403, 'transition_forbidden', `You may not ${event.type} an incident`, { reason: 'role_not_allowed' });
    }
    const { after, published } = await auditedChange(
      req,
      { action: `incident.${body.type}`, entityType: 'incident', entityId: String(id) },
      async (tx) => {
        // A field worker is "on scene" only near the case (server/field: ARRIVE_RADIUS_M).
        if (body.type === 'arrive' && event.actor.role === 'field_worker' && event.actor.workerCode) {
          await checkArrivalFromLastPosition(tx, id, event.actor.workerCode, config.arriveRadiusMetres);
        }
        const change = await applyIncidentEvent(tx, id, event, clock.now());
        return {
          entityId: String(id),
          jurisdictionCode: change.before.micro_grid_code,
          before: { state: change.before.state, assignedWorkerCode: change.before.assigned_worker_code },
          after: {
            state: change.after.state,
            assignedWorkerCode: change.after.assigned_worker_code,
            ...('reason' in body ? { reason: body.reason } : {}),
            ...('publicNote' in body && body.publicNote !== undefined ? { publicNote: body.publicNote } : {}),
          },
          result: { after: change.after, published: change.published },
        };
      },
    );
    publishAll(events, published);
    res.json(after);
  });

  // Merge a duplicate (a reported case) into the open case it repeats.
  router.post(mergeIncidentRoute.path, contractAccess(mergeIncidentRoute), async (req, res) => {
    const { id } = validateRequestPart(mergeIncidentRoute.params, req.params, 'invalid_incident_id');
    const { into } = validateRequestPart(mergeIncidentRoute.body, req.body, 'invalid_merge');
    const actor = actorOf(req);
    const merged = await auditedChange(req, { action: 'incident.merge', entityType: 'incident', entityId: String(id) }, async (tx) => {
      const { before, target, published } = await mergeIncident(tx, id, into, actor, clock.now());
      return {
        entityId: String(id),
        jurisdictionCode: before.micro_grid_code,
        before: { state: before.state },
        after: { state: 'rejected', mergedInto: into, targetNumber: target.number },
        result: { body: { id, state: 'rejected', mergedInto: into }, published },
      };
    });
    publishAll(events, merged.published);
    res.json(merged.body);
  });

  return router;
}

/** The note for the reporter, trimmed, or 422 public_note_refused with the reason (a phone number, …). */
function publishableNote(text: string): string {
  const { note, problem } = checkPublicNote(text);
  if (problem)
    throw new AppError(422, 'public_note_refused', `The note for the reporter cannot be published: ${problem.replace(/_/g, ' ')}`, {
      reason: problem,
      field: 'publicNote',
    });
  return note;
}
