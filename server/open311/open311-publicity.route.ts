/**
 * POST /api/incidents/:id/publicity { public: boolean }: a dispatcher (or supervisor, admin) makes a case
 * public on Open311, or private again (docs/decisions/0003-open311-public-cases.md). In the caller's
 * jurisdiction (RLS), audited. A citizen's own case is public whatever this says.
 */
import { Router } from 'express';
import { z } from 'zod';
import { auditedChange } from '../audit/record-audit.js';
import { access } from '../auth/route-access.js';
import { AppError } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { setCasePublic } from './open311.sql.js';

const Id = z.string().regex(/^\d{1,15}$/, 'an incident id is a number');
const PublicityBody = z.object({ public: z.boolean() }).strict();

export function open311PublicityRouter(): Router {
  const router = Router();
  router.post('/api/incidents/:id/publicity', access('dispatcher', 'supervisor', 'admin'), async (req, res) => {
    const id = Number(validateRequestPart(Id, req.params.id, 'invalid_incident_id'));
    const body = validateRequestPart(PublicityBody, req.body, 'invalid_publicity');
    const result = await auditedChange(req, { action: 'incident.publicity', entityType: 'incident', entityId: String(id) }, async (tx) => {
      const [row] = await tx.query<{ id: number; micro_grid_code: string; public_since: Date | null; source: string }>(setCasePublic, [id, body.public]);
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
