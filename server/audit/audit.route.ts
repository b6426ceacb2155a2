/** Reading and verifying the audit log. */
import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { scopedDb } from '../auth/request-context.js';
import { access } from '../auth/route-access.js';
import { validateRequestPart } from '../http/validate-request.js';
import { queryAuditRecords, verifyAuditChain } from './audit.sql.js';

const whole = z.string().regex(/^\d{1,12}$/, 'must be a whole number').transform(Number);
const AuditQuery = z
  .object({
    entityType: z.string().regex(/^[a-z_]{1,40}$/).optional(),
    entityId: z.string().min(1).max(64).optional(),
    actor: whole.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: whole.pipe(z.number().min(1).max(1000)).default(100),
    before: whole.optional(),
  })
  .strict();

/** What the router uses of the application's dependencies. */
export interface AuditRouterDeps { db: Database }

export function auditRouter({ db }: AuditRouterDeps): Router {
  const router = Router();

  router.get('/api/audit', access('admin', 'supervisor'), async (req, res) => {
    const q = validateRequestPart(AuditQuery, req.query, 'invalid_audit_query');
    const records = await scopedDb(req).query(queryAuditRecords, [
      q.entityType ?? null,
      q.entityId ?? null,
      q.actor ?? null,
      q.from ?? null,
      q.to ?? null,
      q.limit,
      q.before ?? null,
    ]);
    res.json({ records });
  });

  // Verification reads the whole chain (not only the caller's jurisdiction) and returns no row content.
  router.get('/api/audit/verify', access('admin'), async (_req, res) => {
    const [result] = await db.query<{ checked: number; first_broken_id: number | null; reason: string | null }>(verifyAuditChain);
    res.json({
      intact: result.first_broken_id === null,
      checked: result.checked,
      firstBrokenId: result.first_broken_id,
      reason: result.reason,
    });
  });

  return router;
}
