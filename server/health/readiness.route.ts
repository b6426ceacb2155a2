/**
 * Probes for a load balancer or orchestrator (issue 24), public, no data:
 * - GET /api/health/live: liveness — the process answers (no database round trip: a database outage must not get
 *   healthy instances restarted). 200 `{status:'ok'}`.
 * - GET /api/health/ready: readiness — 200 `{status:'ready'}` when the database answers within 2 s and every
 *   migration of this build is applied; 503 with the common error body `{code, message, details?}` otherwise: code
 *   `draining` (graceful shutdown in progress), `database_unreachable` or `migrations_pending` (details.pending).
 * Both declared in health-contract.ts.
 * GET /api/health (health.route.ts) stays the inventory status page.
 */
import { Router } from 'express';
import { contractAccess } from '../auth/route-access.js';
import type { Database } from '../db/database.js';
import { readMigrations } from '../db/migrate.js';
import { livenessRoute, readinessRoute } from './health-contract.js';
import { listAppliedMigrations } from './readiness.sql.js';
import type { ServerLifecycle } from './server-lifecycle.js';

export interface ReadinessRouterDeps {
  db: Database;
  lifecycle?: ServerLifecycle;
}

const PROBE_TIMEOUT_MS = 2000;

export function readinessRouter({ db, lifecycle }: ReadinessRouterDeps): Router {
  const router = Router();
  const expected = readMigrations().map((m) => m.version);
  const notReady = (res: import('express').Response, code: string, message: string, details?: Record<string, unknown>) =>
    res
      .status(503)
      .setHeader('Cache-Control', 'no-store')
      .json(details ? { code, message, details } : { code, message });

  router.get(livenessRoute.path, contractAccess(livenessRoute), (_req, res) => {
    res.setHeader('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get(readinessRoute.path, contractAccess(readinessRoute), async (_req, res) => {
    if (lifecycle?.draining) return notReady(res, 'draining', 'The instance is shutting down');
    let applied: Set<number>;
    try {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
      });
      const rows = await Promise.race([db.query<{ version: number }>(listAppliedMigrations), timeout]).finally(() => clearTimeout(timer));
      applied = new Set(rows.map((r) => Number(r.version)));
    } catch {
      return notReady(res, 'database_unreachable', 'The database does not answer');
    }
    const pending = expected.filter((v) => !applied.has(v));
    if (pending.length > 0) return notReady(res, 'migrations_pending', 'Migrations of this version are not applied yet', { pending });
    res.setHeader('Cache-Control', 'no-store').json({ status: 'ready', database: db.mode });
  });
  return router;
}
