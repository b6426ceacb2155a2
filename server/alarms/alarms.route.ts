/**
 * POST /api/alarms: a system alarm over HTTP, for administrators (there is no machine role: the video and IoT
 * modules call `intakeAlarm` in-process). Same rules as the in-process intake — device checked against the
 * cameras / sensors the caller can see, alarm grade, 30-minute de-duplication per device and category —
 * audited and announced after commit. Contract: alarms-contract.ts.
 */
import { Router } from 'express';
import type { Clock } from '../clock/clock.js';
import type { DomainEvents } from '../events/domain-events.js';
import { auditedChange } from '../audit/record-audit.js';
import { authOf } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { validateRequestPart } from '../http/validate-request.js';
import { publishAll } from '../incidents/incident-publishing.js';
import { raiseAlarmRoute } from './alarms-contract.js';
import { recordAlarm } from './intake-alarm.js';

/** What the router uses of the application's dependencies. */
export interface AlarmsRouterDeps {
  clock: Clock;
  events: DomainEvents;
}

export function alarmsRouter({ clock, events }: AlarmsRouterDeps): Router {
  const router = Router();

  router.post(raiseAlarmRoute.path, contractAccess(raiseAlarmRoute), async (req, res) => {
    const body = validateRequestPart(raiseAlarmRoute.body, req.body, 'invalid_alarm');
    const auth = authOf(req);
    const done = await auditedChange(req, { action: 'incident.alarm', entityType: 'incident' }, async (tx) => {
      const recorded = await recordAlarm(
        tx,
        { ...body, observedAt: body.observedAt ? new Date(body.observedAt) : null },
        { accountId: auth.accountId, role: auth.role },
        clock.now(),
      );
      return {
        entityId: String(recorded.result.incident.id),
        jurisdictionCode: recorded.microGridCode,
        after: {
          outcome: recorded.result.outcome,
          number: recorded.result.incident.number,
          source: body.source,
          deviceCode: body.deviceCode,
          grade: recorded.result.incident.grade,
        },
        result: recorded,
      };
    });
    publishAll(events, done.published);
    res.status(done.result.outcome === 'created' ? 201 : 200).json(done.result);
  });

  return router;
}
