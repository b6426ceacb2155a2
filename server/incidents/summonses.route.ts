/**
 * "Whistle and report" (吹哨报到) and manual escalation: the departments a command centre can summon, a
 * summons about an incident, the department's report (entered by a dispatcher acting for it), and raising a
 * case up the hierarchy by hand. Every change is audited, scoped to the caller's jurisdiction, and announced
 * after commit.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import type { DomainEvents } from '../events/domain-events.js';
import { auditedChange } from '../audit/record-audit.js';
import { scopedDb } from '../auth/request-context.js';
import { access } from '../auth/route-access.js';
import { validateRequestPart } from '../http/validate-request.js';
import { actorOf } from './actor-of-request.js';
import { publishAll } from './incident-publishing.js';
import { escalateByHand, reportOnSummons, summonDepartment } from './incident-summonses.js';
import { listDepartments } from './summonses.sql.js';
import { READERS } from '../contract/incident-vocabulary.js';

const Id = (what: string) => z.string().regex(/^\d{1,15}$/, `${what} is a whole number`).transform(Number);
const SummonsBody = z
  .object({
    departmentCode: z.string().regex(/^[a-z_]{2,40}$/, 'a department code such as urban_management'),
    note: z.string().trim().min(2).max(1000),
  })
  .strict();
const ReportBody = z.object({ note: z.string().trim().min(2).max(2000) }).strict();
const EscalateBody = z.object({ reason: z.string().trim().min(2).max(500) }).strict();

/** What the router uses of the application's dependencies. */
export interface SummonsesRouterDeps { clock: Clock; events: DomainEvents }

export function summonsesRouter({ clock, events }: SummonsesRouterDeps): Router {
  const router = Router();

  router.get('/api/departments', access(...READERS), async (req, res) => {
    res.json({ departments: await scopedDb(req).query(listDepartments) });
  });

  router.post('/api/incidents/:id/summons', access('dispatcher', 'admin'), async (req, res) => {
    const id = validateRequestPart(Id('an incident id'), req.params.id, 'invalid_incident_id');
    const body = validateRequestPart(SummonsBody, req.body, 'invalid_summons');
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

  router.post('/api/incidents/:id/summons/:summonsId/report', access('dispatcher', 'admin'), async (req, res) => {
    const id = validateRequestPart(Id('an incident id'), req.params.id, 'invalid_incident_id');
    const summonsId = validateRequestPart(Id('a summons id'), req.params.summonsId, 'invalid_summons_id');
    const body = validateRequestPart(ReportBody, req.body, 'invalid_summons_report');
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

  router.post('/api/incidents/:id/escalate', access('dispatcher', 'admin'), async (req, res) => {
    const id = validateRequestPart(Id('an incident id'), req.params.id, 'invalid_incident_id');
    const body = validateRequestPart(EscalateBody, req.body, 'invalid_escalation');
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
