/**
 * A case made public on Open311, or private again (docs/decisions/0003-open311-public-cases.md), as a route
 * contract (server/contract/api-route.ts). No Node-only imports: the client type-imports it.
 */
import { z } from 'zod';
import { apiRoute, timestampSchema } from '../contract/api-route.js';
import { incidentParams } from '../incidents/incidents-contract.js';

export const publicityRoute = apiRoute({
  method: 'post',
  path: '/api/incidents/:id/publicity',
  summary: 'Make a case public on Open311, or private again; a citizen’s own case stays public (audited)',
  tag: 'incidents',
  access: ['dispatcher', 'supervisor', 'admin'],
  params: incidentParams,
  body: z.strictObject({ public: z.boolean() }),
  answer: z.strictObject({
    id: z.number().int(),
    /** Whether Open311 now shows the case. */
    public: z.boolean(),
    publicSince: timestampSchema.nullable(),
    reportedByCitizen: z.boolean(),
  }),
  errors: { 400: ['invalid_incident_id', 'invalid_publicity'], 404: ['incident_not_found'] },
});

export const OPEN311_PUBLICITY_ROUTES = [publicityRoute];
