/** Reading and verifying the audit log (contract: audit-contract.ts). */
import { Router } from 'express';
import type { Database } from '../db/database.js';
import { scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { validateRequestPart } from '../http/validate-request.js';
import { auditRecordsRoute, verifyAuditRoute } from './audit-contract.js';
import { queryAuditRecords, verifyAuditChain } from './audit.sql.js';

/** What the router uses of the application's dependencies. */
export interface AuditRouterDeps {
  db: Database;
}

export function auditRouter({ db }: AuditRouterDeps): Router {
  const router = Router();

  router.get(auditRecordsRoute.path, contractAccess(auditRecordsRoute), async (req, res) => {
    const q = validateRequestPart(auditRecordsRoute.query, req.query, 'invalid_audit_query');
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
  router.get(verifyAuditRoute.path, contractAccess(verifyAuditRoute), async (_req, res) => {
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
