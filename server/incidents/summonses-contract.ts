/**
 * The contract (server/contract/api-route.ts) of "whistle and report" (吹哨报到) and manual escalation: the
 * departments, a summons about an incident, the department's report, raising a case by hand.
 */
import { z } from 'zod';
import { apiRoute } from '../contract/api-route.js';
import { READERS } from '../contract/incident-vocabulary.js';
import { incidentParams, summonsSchema } from './incidents-contract.js';

export const departmentSchema = z.strictObject({
  code: z.string(),
  name_zh: z.string(),
  name_en: z.string(),
  /** Minutes a summoned department has to report. */
  report_minutes: z.number().int(),
});

export const departmentsRoute = apiRoute({
  method: 'get',
  path: '/api/departments',
  summary: 'The departments a command centre can summon, with their time to report',
  tag: 'summonses',
  access: READERS,
  answer: z.strictObject({ departments: z.array(departmentSchema) }),
});

export const summonRoute = apiRoute({
  method: 'post',
  path: '/api/incidents/:id/summons',
  summary: 'Summon a department about an open incident (one open summons per department)',
  tag: 'summonses',
  access: ['dispatcher', 'admin'],
  params: incidentParams,
  body: z.strictObject({
    departmentCode: z.string().regex(/^[a-z_]{2,40}$/, 'a department code such as urban_management'),
    note: z.string().trim().min(2).max(1000),
  }),
  status: 201,
  answer: z.strictObject({ summons: summonsSchema }),
  errors: {
    400: ['invalid_incident_id', 'invalid_summons', 'unknown_department'],
    404: ['incident_not_found'],
    409: ['incident_finished', 'department_already_summoned'],
  },
});

export const summonsReportRoute = apiRoute({
  method: 'post',
  path: '/api/incidents/:id/summons/:summonsId/report',
  summary: 'The summoned department’s report, entered by a dispatcher acting for it',
  tag: 'summonses',
  access: ['dispatcher', 'admin'],
  params: incidentParams.extend({
    summonsId: z
      .string()
      .regex(/^\d{1,15}$/, 'a summons id is a whole number')
      .transform(Number),
  }),
  body: z.strictObject({ note: z.string().trim().min(2).max(2000) }),
  answer: z.strictObject({ summons: summonsSchema }),
  errors: {
    400: ['invalid_incident_id', 'invalid_summons_id', 'invalid_summons_report'],
    404: ['incident_not_found', 'summons_not_found'],
    409: ['incident_finished', 'summons_already_reported'],
  },
});

export const escalateRoute = apiRoute({
  method: 'post',
  path: '/api/incidents/:id/escalate',
  summary: 'Raise an open case one level up the hierarchy by hand (community, street, district)',
  tag: 'summonses',
  access: ['dispatcher', 'admin'],
  params: incidentParams,
  body: z.strictObject({ reason: z.string().trim().min(2).max(500) }),
  answer: z.strictObject({
    incidentId: z.number().int(),
    escalationLevel: z.number().int(),
    escalatedTo: z.enum(['community', 'street', 'district']),
    unit: z.string(),
  }),
  errors: { 400: ['invalid_incident_id', 'invalid_escalation'], 404: ['incident_not_found'], 409: ['incident_finished', 'already_at_top_level'] },
});

export const SUMMONSES_ROUTES = [departmentsRoute, summonRoute, summonsReportRoute, escalateRoute];
