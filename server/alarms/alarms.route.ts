/**
 * POST /api/alarms: a system alarm over HTTP, for administrators (there is no machine role: the video and IoT
 * modules call `intakeAlarm` in-process). Same rules as the in-process intake — device checked against the
 * cameras / sensors the caller can see, alarm grade, 30-minute de-duplication per device and category —
 * audited and announced after commit.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import type { DomainEvents } from '../events/domain-events.js';
import { auditedChange } from '../audit/record-audit.js';
import { authOf } from '../auth/request-context.js';
import { access } from '../auth/route-access.js';
import { validateRequestPart } from '../http/validate-request.js';
import { publishAll } from '../incidents/incident-publishing.js';
import { recordAlarm } from './intake-alarm.js';

const AlarmBody = z
  .object({
    source: z.enum(['video_ai', 'iot']),
    deviceCode: z.string().regex(/^[A-Z]{1,2}\d{6,24}$/, 'a camera code (C…) or sensor code (SM…, GS…, …)'),
    category: z.string().regex(/^[a-z_]{2,40}$/).optional(),
    description: z.string().trim().min(2).max(2000),
    observedAt: z.iso.datetime({ offset: true }).optional(),
    reading: z.object({ value: z.number().refine(Number.isFinite, 'must be a finite number'), unit: z.string().trim().max(20).optional() }).strict().optional(),
  })
  .strict();

/** What the router uses of the application's dependencies. */
export interface AlarmsRouterDeps { clock: Clock; events: DomainEvents }

export function alarmsRouter({ clock, events }: AlarmsRouterDeps): Router {
  const router = Router();

  router.post('/api/alarms', access('admin'), async (req, res) => {
    const body = validateRequestPart(AlarmBody, req.body, 'invalid_alarm');
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
        after: { outcome: recorded.result.outcome, number: recorded.result.incident.number, source: body.source, deviceCode: body.deviceCode, grade: recorded.result.incident.grade },
        result: recorded,
      };
    });
    publishAll(events, done.published);
    res.status(done.result.outcome === 'created' ? 201 : 200).json(done.result);
  });

  return router;
}
