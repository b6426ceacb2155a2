/**
 * "Whistle and report" (吹哨报到) and manual escalation: the departments a command centre can summon, a
 * summons about an incident, the department's report (entered by a dispatcher acting for it), and raising a
 * case up the hierarchy by hand. Every change is audited, scoped to the caller's jurisdiction, and announced
 * after commit.
 */
import { Router } from 'express';
import type { Clock } from '../clock/clock.js';
import type { DomainEvents } from '../events/domain-events.js';
import { auditedChange } from '../audit/record-audit.js';
import { scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { validateRequestPart } from '../http/validate-request.js';
import { actorOf } from './actor-of-request.js';
import { publishAll } from './incident-publishing.js';
import { escalateByHand, reportOnSummons, summonDepartment } from './incident-summonses.js';
import { listDepartments } from './summonses.sql.js';
import { departmentsRoute, escalateRoute, summonRoute, summonsReportRoute } from './summonses-contract.js';

/** What the router uses of the application's dependencies. */
export interface SummonsesRouterDeps {
  clock: Clock;
  events: DomainEvents;
}

export function summonsesRouter({ clock, events }: SummonsesRouterDeps): Router {
  const router = Router();

  router.get(departmentsRoute.path, contractAccess(departmentsRoute), async (req, res) => {
    res.json({ departments: await scopedDb(req).query(listDepartments) });
  });

  router.post(summonRoute.path, contractAccess(summonRoute), async (req, res) => {
    const { id } = validateRequestPart(summonRoute.params, req.params, 'invalid_incident_id');
    const body = validateRequestPart(summonRoute.body, req.body, 'invalid_summons');
    const done = await auditedChange(req, { action: 'incident.summon', entityType: 'incident', entityId: String(id) }, async (tx) => {
      const { incident, summons, published } = await summonDepartment(tx, id, body, actorOf(req), clock.now());
      return {
        entityId: String(id),
        jurisdictionCode: incident.micro_grid_code,
        after: { summonsId: Number(summons.id), departmentCode: body.departmentCode, deadline: summons.deadline_at },
        result: { summons, published },
      };
    });
    publishAll(events, done.published);
    res.status(201).json({ summons: done.summons });
  });

  router.post(summonsReportRoute.path, contractAccess(summonsReportRoute), async (req, res) => {
    const { id } = validateRequestPart(summonsReportRoute.params.pick({ id: true }), { id: req.params.id }, 'invalid_incident_id');
    const { summonsId } = validateRequestPart(
      summonsReportRoute.params.pick({ summonsId: true }),
      { summonsId: req.params.summonsId },
      'invalid_summons_id',
    );
    const body = validateRequestPart(summonsReportRoute.body, req.body, 'invalid_summons_report');
    const done = await auditedChange(req, { action: 'incident.summons_report', entityType: 'incident', entityId: String(id) }, async (tx) => {
      const { incident, before, summons, published } = await reportOnSummons(tx, id, summonsId, body, actorOf(req), clock.now());
      return {
        entityId: String(id),
        jurisdictionCode: incident.micro_grid_code,
        before: { summonsId, state: before.state },
        after: { summonsId, state: summons.state, departmentCode: summons.department_code },
        result: { summons, published },
      };
    });
    publishAll(events, done.published);
    res.json({ summons: done.summons });
  });

  router.post(escalateRoute.path, contractAccess(escalateRoute), async (req, res) => {
    const { id } = validateRequestPart(escalateRoute.params, req.params, 'invalid_incident_id');
    const body = validateRequestPart(escalateRoute.body, req.body, 'invalid_escalation');
    const done = await auditedChange(req, { action: 'incident.escalate', entityType: 'incident', entityId: String(id) }, async (tx) => {
      const result = await escalateByHand(tx, id, body, actorOf(req), clock.now());
      return {
        entityId: String(id),
        jurisdictionCode: result.incident.micro_grid_code,
        before: { escalationLevel: result.incident.escalation_level },
        after: { escalationLevel: result.level, escalatedTo: result.escalatedTo, unit: result.unit, reason: body.reason, manual: true },
        result,
      };
    });
    publishAll(events, done.published);
    res.json({ incidentId: id, escalationLevel: done.level, escalatedTo: done.escalatedTo, unit: done.unit });
  });

  return router;
}
