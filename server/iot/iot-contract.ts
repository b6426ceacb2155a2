/**
 * The IoT administration routes' contract (server/contract/api-route.ts): device credentials issued, listed and
 * revoked by an administrator, and the ingest's counters. iot.route.ts validates with these schemas. No Node-only
 * imports.
 */
import { z } from 'zod';
import { apiRoute, timestampSchema } from '../contract/api-route.js';
import { REJECT_REASONS } from './iot-payload.js';

export const credentialBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sensor'),
    sensorCode: z.string().regex(/^[A-Z]{2}\d{6,24}$/, 'a sensor code'),
    label: z.string().trim().max(200).optional(),
  }),
  z.strictObject({
    kind: z.enum(['gateway', 'monitor']),
    username: z
      .string()
      .regex(/^[a-z][a-z0-9._-]{2,40}$/, 'lower-case letters, digits, . _ - (3–41)')
      .refine((u) => !u.startsWith('gridops-'), 'names starting gridops- are reserved'),
    scopeCode: z.string().regex(/^(city|\d{6,18})$/, 'a unit code or city'),
    label: z.string().trim().max(200).optional(),
  }),
]);

/** A credential as the API shows it: never its secret or its hash. */
export const credentialSchema = z.strictObject({
  id: z.number().int(),
  kind: z.enum(['sensor', 'gateway', 'monitor']),
  username: z.string(),
  sensorCode: z.string().nullable(),
  scopeCode: z.string(),
  label: z.string().nullable(),
  createdAt: timestampSchema,
  revokedAt: timestampSchema.nullable(),
});

export const credentialIdParamsSchema = z.strictObject({
  id: z
    .string()
    .regex(/^\d{1,15}$/, 'a credential id is a whole number')
    .transform(Number),
});

export const issueCredentialRoute = apiRoute({
  method: 'post',
  path: '/api/iot/credentials',
  summary: 'Issue a device credential (a sensor, a gateway of a unit, a read-only monitor); the secret is shown once',
  tag: 'iot',
  access: ['admin'],
  body: credentialBodySchema,
  status: 201,
  answer: z.strictObject({ credential: credentialSchema, secret: z.string() }),
  errors: { 400: ['invalid_credential'], 403: ['scope_outside_jurisdiction'], 422: ['unknown_sensor'] },
});

export const listCredentialsRoute = apiRoute({
  method: 'get',
  path: '/api/iot/credentials',
  summary: 'The device credentials in the caller’s jurisdiction, newest first (at most 1,000)',
  tag: 'iot',
  access: ['admin'],
  answer: z.strictObject({ credentials: z.array(credentialSchema) }),
});

export const revokeCredentialRoute = apiRoute({
  method: 'post',
  path: '/api/iot/credentials/:id/revoke',
  summary: 'Revoke a device credential; the device’s connections to the embedded broker are closed',
  tag: 'iot',
  access: ['admin'],
  params: credentialIdParamsSchema,
  answer: z.strictObject({ credential: credentialSchema }),
  errors: { 400: ['invalid_credential_id'], 404: ['credential_not_found'] },
});

const count = z.number().int().nonnegative();

export const ingestStatsRoute = apiRoute({
  method: 'get',
  path: '/api/iot/ingest-stats',
  summary: 'The ingest’s counters in this process: received, stored, refused per reason, rates, batches, backpressure',
  tag: 'iot',
  access: ['admin'],
  answer: z.strictObject({
    /** False when this process runs no IoT service (IOT_ENABLED=false): the counters stay at zero. */
    running: z.boolean(),
    since: timestampSchema,
    received: count,
    stored: count,
    duplicates: count,
    late: count,
    priorityBatches: count,
    heartbeats: count,
    statuses: count,
    rejected: z.strictObject(Object.fromEntries(REJECT_REASONS.map((r) => [r, count])) as Record<(typeof REJECT_REASONS)[number], typeof count>),
    alarmsRaised: count,
    recoveries: count,
    batches: count,
    backpressure: z.strictObject({ throttled: count, peakPending: count }),
    ratePerSecond: z.strictObject({ received: z.number(), stored: z.number(), rejected: z.number() }),
    lastBatch: z.strictObject({ rows: count, milliseconds: z.number() }).nullable(),
  }),
});

export const IOT_ROUTES = [issueCredentialRoute, listCredentialsRoute, revokeCredentialRoute, ingestStatsRoute] as const;
