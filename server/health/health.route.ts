/**
 * GET /api/health: status, database mode, PostGIS version, capabilities, counts per level. Public, for
 * monitoring: it holds inventory counts of the whole city, no rows.
 *
 * It never waits for a busy database (issue 18): the counts (which change only with a seed or a published
 * plan) are read once, then kept and re-read in the background when older than COUNTS_MAX_AGE_MS, so that
 * while the embedded database's one session runs a long statement, health still answers at once from the last
 * reading (`countsReadAt` says when it was taken). Only the very first request waits for a reading.
 */
import { Router } from 'express';
import type { Database } from '../db/database.js';
import type { Capabilities } from '../db/database.js';
import type { Clock } from '../clock/clock.js';
import { contractAccess } from '../auth/route-access.js';
import { healthRoute } from './health-contract.js';
import { countLayers, countUnitsByLevel, readSeedMeta } from './health.sql.js';

const LEVELS = ['district', 'street', 'community', 'grid', 'micro_grid'] as const;
/** Counts older than this are re-read in the background (the answer does not wait for it). */
export const COUNTS_MAX_AGE_MS = 10_000;

/** What the router uses of the application's dependencies. */
export interface HealthRouterDeps {
  db: Database;
  capabilities: Capabilities;
  clock: Clock;
}

interface Counts {
  seed: Record<string, unknown> | null;
  counts: Record<string, number>;
  readAt: Date;
}

export function healthRouter({ db, capabilities, clock }: HealthRouterDeps): Router {
  const router = Router();
  const readCounts = async (): Promise<Counts> => {
    const byLevel = await db.query<{ level: string; n: number }>(countUnitsByLevel);
    const [layers] = await db.query<Record<string, number>>(countLayers);
    const [seed] = await db.query<{ value: Record<string, unknown> }>(readSeedMeta);
    const units = Object.fromEntries(LEVELS.map((l) => [l, byLevel.find((r) => r.level === l)?.n ?? 0]));
    return { seed: seed?.value ?? null, counts: { ...units, ...layers }, readAt: clock.now() };
  };
  let last: Counts | undefined;
  let reading: Promise<Counts> | undefined;
  const refresh = (): Promise<Counts> => {
    reading ??= readCounts()
      .then((counts) => (last = counts))
      .finally(() => (reading = undefined));
    return reading;
  };
  router.get(healthRoute.path, contractAccess(healthRoute), async (_req, res) => {
    let counts = last;
    if (!counts) counts = await refresh();
    else {
      const age = clock.now().getTime() - counts.readAt.getTime();
      // A failed background reading keeps the last one; the next request tries again.
      if (age > COUNTS_MAX_AGE_MS || age < 0) refresh().catch(() => undefined);
    }
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
      seed: counts.seed,
      counts: counts.counts,
      countsReadAt: counts.readAt.toISOString(),
    });
  });
  return router;
}
