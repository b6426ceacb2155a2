/**
 * Seed an empty database with Nanjing (or the Xianlin subset): real districts, landuse, water and
 * roads; generated streets, communities, grids, micro-grids, workers, cameras and sensors.
 * Deterministic: the same data and SEED give the same rows.
 * The big bulk loads (the road graph, the history, the statistics' facts) run with their tables' secondary
 * indexes and foreign keys dropped and build them once afterwards (deferred-indexes.ts): the same rows and the same
 * catalogue, a sort per index instead of millions of index insertions and key lookups.
 */
import type { Database } from '../db/database.js';
import { createDevelopmentAccounts } from '../auth/bootstrap-accounts.js';
import { DatabaseError, defineSql } from '../db/database.js';
import { rebuildUnitEdges } from '../units/unit-edges.sql.js';
import { withIndexesDeferred } from './deferred-indexes.js';
import { loadReferenceLayers } from './load-reference-layers.js';
import { seedCameras } from './seed-cameras.js';
import { seedHierarchy } from './seed-hierarchy.js';
import { rebuildStats, withStatsPaused } from '../stats/stats-rebuild.js';
import { HISTORY_REFERENCE_END, seedHistory, type HistorySummary } from './seed-history.js';
import { seedRoads } from './seed-roads.js';
import { seedSensors } from './seed-sensors.js';
import { seedWorkers } from './seed-workers.js';
import { referenceDirOf, SEED, SeedArea, SeedContext } from './seed-context.js';

const readSeed = defineSql('seed.read_meta', `SELECT value FROM app_meta WHERE key = 'seed'`);
const writeSeed = defineSql(
  'seed.write_meta',
  `INSERT INTO app_meta (key, value) VALUES ('seed', $1::jsonb)
   ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
);
const analyze = defineSql('seed.analyze', `ANALYZE`);

/** The road graph (a third of a million edges): its spatial indexes and the edges' foreign keys after it. */
export const ROAD_TABLES = ['road_vertices', 'road_edges'] as const;
/** The tables the history fills (millions of rows): their secondary indexes and foreign keys are built after it. */
export const HISTORY_TABLES = ['incidents', 'incident_reports', 'incident_timeline'] as const;
/** The statistics' facts (one row per incident), rebuilt after the history: their day and unit indexes after it. */
export const STATS_FACT_TABLES = ['stats_incident_facts'] as const;

export async function isSeeded(db: Database): Promise<boolean> {
  return (await db.query(readSeed)).length > 0;
}

/** A seed step failed; the message names the step (and says so when it was the statement timeout). */
export class SeedStepError extends Error {}

/**
 * Seed on the database's maintenance view (no statement timeout: the whole city has statements of minutes,
 * STATEMENT_TIMEOUT_MS is for requests). A failing step throws SeedStepError naming the step.
 */
export function seedDatabase(db: Database, options: Parameters<typeof seedOnMaintenance>[1]): Promise<Record<string, number>> {
  return db.maintenance((untimed) => seedOnMaintenance(untimed, options));
}

async function seedOnMaintenance(
  db: Database,
  options: {
    area: SeedArea;
    rootDir: string;
    /** Create the README's development accounts (default true; main.ts passes false in production). */
    devAccounts?: boolean;
    onProgress?: (step: string, detail?: Record<string, unknown>) => void;
  },
): Promise<Record<string, number>> {
  const ctx: SeedContext = {
    db,
    area: options.area,
    referenceDir: referenceDirOf(options.rootDir),
    progress: options.onProgress ?? (() => undefined),
  };
  const timings: Record<string, number> = {};
  const step = async (name: string, fn: (c: SeedContext) => Promise<unknown>) => {
    const started = performance.now();
    ctx.progress(`${name} …`);
    try {
      await fn(ctx);
    } catch (error) {
      const timedOut = error instanceof DatabaseError && error.isTimeout;
      throw new SeedStepError(
        `seed step "${name}" failed after ${Math.round(performance.now() - started)} ms` +
          (timedOut ? ' on the statement timeout (the seed must run without it: Database.maintenance)' : '') +
          `: ${(error as Error).message}`,
        { cause: error },
      );
    }
    timings[name] = Math.round(performance.now() - started);
    ctx.progress(`${name} done`, { ms: timings[name] });
  };
  const started = performance.now();
  await step('reference layers', loadReferenceLayers);
  await step('unit hierarchy', seedHierarchy);
  await step('unit edges', (c) => c.db.query(rebuildUnitEdges));
  await step('road graph', (c) => withIndexesDeferred(c.db, ROAD_TABLES, () => seedRoads(c), c.progress));
  await step('workers', seedWorkers);
  await step('cameras', seedCameras);
  await step('sensors', seedSensors);
  let history: HistorySummary | undefined;
  await step('incident history', async (c) => {
    history = await withIndexesDeferred(c.db, HISTORY_TABLES, () => withStatsPaused(c.db, () => seedHistory(c)), c.progress);
  });
  await step('statistics', (c) => withIndexesDeferred(c.db, STATS_FACT_TABLES, () => rebuildStats(c.db), c.progress));
  if (options.devAccounts ?? true) await step('development accounts', (c) => createDevelopmentAccounts(c.db));
  await step('analyze', (c) => c.db.query(analyze));
  timings.total = Math.round(performance.now() - started);
  const meta = {
    area: options.area,
    seed: SEED,
    seededAt: new Date().toISOString(),
    timingsMs: timings,
    // The generated history's calendar: the reference end moved by whole weeks (seed-history.ts).
    history: history && { referenceEnd: HISTORY_REFERENCE_END.toISOString(), shiftDays: history.shiftDays, incidents: history.incidents },
  };
  await db.query(writeSeed, [JSON.stringify(meta)]);
  ctx.progress('complete', { ms: timings.total });
  return timings;
}
