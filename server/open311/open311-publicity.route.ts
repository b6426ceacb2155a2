/**
 * POST /api/incidents/:id/publicity { public: boolean }: a dispatcher (or supervisor, admin) makes a case
 * public on Open311, or private again (docs/decisions/0003-open311-public-cases.md). In the caller's
 * jurisdiction (RLS), audited. A citizen's own case is public whatever this says.
 */
import { Router } from 'express';
import { auditedChange } from '../audit/record-audit.js';
import { contractAccess } from '../auth/route-access.js';
import { AppError } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { publicityRoute } from './open311-publicity-contract.js';
import { setCasePublic } from './open311.sql.js';

export function open311PublicityRouter(): Router {
  const router = Router();
  router.post(publicityRoute.path, contractAccess(publicityRoute), async (req, res) => {
    const { id } = validateRequestPart(publicityRoute.params, req.params, 'invalid_incident_id');
    const body = validateRequestPart(publicityRoute.body, req.body, 'invalid_publicity');
    const result = await auditedChange(req, { action: 'incident.publicity', entityType: 'incident', entityId: String(id) }, async (tx) => {
      const [row] = await tx.query<{ id: number; micro_grid_code: string; public_since: Date | null; source: string }>(setCasePublic, [
        id,
        body.public,
      ]);
      if (!row) throw new AppError(404, 'incident_not_found', `No incident ${id} in your jurisdiction`);
      const citizens = row.source === 'open311' || row.source === 'citizen_app';
      return {
        entityId: String(id),
        jurisdictionCode: row.micro_grid_code,
        after: { public: body.public },
        result: { id: row.id, public: citizens || row.public_since !== null, publicSince: row.public_since, reportedByCitizen: citizens },
      };
    });
    res.json(result);
  });
  return router;
}
