/**
 * Reading and verifying the audit log (server/contract/api-route.ts). No Node-only imports: the client
 * type-imports it.
 */
import { z } from 'zod';
import { apiRoute, timestampSchema } from '../contract/api-route.js';

const whole = z
  .string()
  .regex(/^\d{1,12}$/, 'must be a whole number')
  .transform(Number);

/** One audit record: who did what to which entity, before and after, chained by its hash. */
export const auditRecordSchema = z.strictObject({
  id: z.number().int(),
  at: timestampSchema,
  actor_account_id: z.number().int().nullable(),
  actor_username: z.string().nullable(),
  actor_role: z.string(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string().nullable(),
  jurisdiction_code: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  client_address: z.string().nullable(),
  success: z.boolean(),
  reason: z.string().nullable(),
  hash: z.string(),
});

export const auditRecordsRoute = apiRoute({
  method: 'get',
  path: '/api/audit',
  summary: 'Audit records inside the caller’s jurisdiction, newest first (page backwards with ?before=)',
  tag: 'audit',
  access: ['admin', 'supervisor'],
  query: z.strictObject({
    entityType: z
      .string()
      .regex(/^[a-z_]{1,40}$/)
      .optional(),
    entityId: z.string().min(1).max(64).optional(),
    actor: whole.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: whole.pipe(z.number().min(1).max(1000)).default(100),
    before: whole.optional(),
  }),
  answer: z.strictObject({ records: z.array(auditRecordSchema) }),
  errors: { 400: ['invalid_audit_query'] },
});

export const verifyAuditRoute = apiRoute({
  method: 'get',
  path: '/api/audit/verify',
  summary: 'Verify the whole hash chain of the audit log (no row content in the answer)',
  tag: 'audit',
  access: ['admin'],
  answer: z.strictObject({
    intact: z.boolean(),
    checked: z.number().int(),
    firstBrokenId: z.number().int().nullable(),
    reason: z.enum(['prev_hash_mismatch', 'content_hash_mismatch']).nullable(),
  }),
});

export const AUDIT_ROUTES = [auditRecordsRoute, verifyAuditRoute];
