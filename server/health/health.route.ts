/**
 * GET /api/health: status, database mode, PostGIS version, capabilities, counts per level. Public, for
 * monitoring: it holds inventory counts of the whole city, no rows.
 */
import { Router } from 'express';
import type { Database } from '../db/database.js';
import type { Capabilities } from '../db/database.js';
import type { Clock } from '../clock/clock.js';
import { publicRoute } from '../auth/route-access.js';
import { countLayers, countUnitsByLevel, readSeedMeta } from './health.sql.js';

const LEVELS = ['district', 'street', 'community', 'grid', 'micro_grid'] as const;

/** What the router uses of the application's dependencies. */
export interface HealthRouterDeps { db: Database; capabilities: Capabilities; clock: Clock }

export function healthRouter({ db, capabilities, clock }: HealthRouterDeps): Router {
  const router = Router();
  router.get('/api/health', publicRoute(), async (_req, res) => {
    const byLevel = await db.query<{ level: string; n: number }>(countUnitsByLevel);
    const [layers] = await db.query<Record<string, number>>(countLayers);
    const [seed] = await db.query<{ value: Record<string, unknown> }>(readSeedMeta);
    const units = Object.fromEntries(LEVELS.map((l) => [l, byLevel.find((r) => r.level === l)?.n ?? 0]));
    res.json({
      status: 'ok',
      time: clock.now().toISOString(),
      database: {
        mode: db.mode,
        postgres: capabilities.postgresVersion,
        postgis: capabilities.postgisVersion,
        geos: capabilities.geosVersion,
      },
      capabilities: {
        asMvt: capabilities.asMvt,
        coverageFunctions: capabilities.coverageFunctions,
        pgRouting: capabilities.pgRouting,
        spatialIndexesUnderRls: capabilities.spatialIndexesUnderRls,
      },
      seed: seed?.value ?? null,
      counts: { ...units, ...layers },
    });
  });
  return router;
}
