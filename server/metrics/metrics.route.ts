/**
 * GET /metrics: the instance's Prometheus metrics (server-metrics.ts), text format. Never public:
 * - with METRICS_TOKEN set, only `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time), from anywhere;
 * - without it, only a direct loopback client (127.0.0.1 / ::1) — a request that came through a reverse proxy
 *   (X-Forwarded-For or Forwarded present) is refused, so proxying the whole site does not publish it.
 * Declared publicRoute() for the session layer (no account), guarded here; refusals are 403 `metrics_forbidden`.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { publicRoute } from '../auth/route-access.js';
import type { AppConfig } from '../config/load-config.js';
import { AppError } from '../errors/app-error.js';
import type { ServerMetrics } from './server-metrics.js';

export interface MetricsRouterDeps {
  metrics?: ServerMetrics;
  config: Pick<AppConfig, 'metricsToken'>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export function metricsRouter({ metrics, config }: MetricsRouterDeps): Router {
  const router = Router();
  if (!metrics) return router;
  router.get('/metrics', publicRoute(), async (req, res) => {
    const allowed = config.metricsToken
      ? tokenMatches(req.get('authorization'), config.metricsToken)
      : LOOPBACK.has(req.socket.remoteAddress ?? '') && !req.get('x-forwarded-for') && !req.get('forwarded');
    if (!allowed) throw new AppError(403, 'metrics_forbidden', 'Metrics are for the monitoring system only');
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await metrics.registry.metrics());
  });
  return router;
}
