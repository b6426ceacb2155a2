/**
 * The alarms route's contract (server/contract/api-route.ts): a system alarm over HTTP (alarms.route.ts). It
 * answers 201 with the new case when it opens one, 200 when it attaches to the device's open case of the same
 * category (the 30-minute repeat rule): the answer says which (`outcome`). No Node-only imports.
 */
import { z } from 'zod';
import { apiRoute } from '../contract/api-route.js';
import { ALARM_SOURCES } from '../contract/incident-vocabulary.js';
import { createIncidentRoute } from '../incidents/incidents-contract.js';

export const alarmBodySchema = z.strictObject({
  source: z.enum(ALARM_SOURCES),
  deviceCode: z.string().regex(/^[A-Z]{1,2}\d{6,24}$/, 'a camera code (C…) or sensor code (SM…, GS…, …)'),
  category: z
    .string()
    .regex(/^[a-z_]{2,40}$/)
    .optional(),
  description: z.string().trim().min(2).max(2000),
  observedAt: z.iso.datetime({ offset: true }).optional(),
  reading: z
    .strictObject({ value: z.number().refine(Number.isFinite, 'must be a finite number'), unit: z.string().trim().max(20).optional() })
    .optional(),
});

const device = z.strictObject({ code: z.string(), kind: z.string() });
const created = createIncidentRoute.answer.shape;

export const raiseAlarmRoute = apiRoute({
  method: 'post',
  path: '/api/alarms',
  summary: 'A system alarm (video AI, IoT) for a device in the caller’s jurisdiction: a new case (201), or attached to its open one (200)',
  tag: 'alarms',
  access: ['admin'],
  body: alarmBodySchema,
  status: 201,
  answer: z.discriminatedUnion('outcome', [
    z.strictObject({ outcome: z.literal('created'), device, incident: created.incident, location: created.location, duplicates: created.duplicates }),
    z.strictObject({
      outcome: z.literal('attached'),
      device,
      incident: z.strictObject({ id: z.number().int(), number: z.string(), state: z.string(), grade: z.string(), micro_grid_code: z.string() }),
    }),
  ]),
  errors: { 400: ['invalid_alarm', 'category_required'], 422: ['unknown_device'] },
});

export const ALARMS_ROUTES = [raiseAlarmRoute] as const;
