/**
 * Issue 26's check: the documented production path on a new real database — `DATABASE_URL=… npm start` with
 * no other setting (so the default STATEMENT_TIMEOUT_MS of the requests) — must seed the whole city and serve
 * it. The real server (server/main.ts) is started with DATABASE_URL and nothing else from the configuration,
 * on a database that is only created; it migrates, seeds and listens. A seed step that times out stops the
 * server, and this throws with the end of its output (SeedStepError names the step): the bench fails loudly.
 */
import { detectCapabilities } from '../../server/db/capabilities.js';
import { defineSql } from '../../server/db/database.js';
import { openPostgresDatabase } from '../../server/db/pg-driver.js';
import type { SeedArea } from '../../server/seed/seed-context.js';
import { startServerUntilReady } from './measure-start.js';
import type { SeedFigure } from './write-report.js';

/** A whole-city seed takes minutes (about 3 on an idle two-core machine); a stuck one is stopped here. */
const FIRST_START_TIMEOUT_MS = 40 * 60_000;

/** Result: the seed's meta row (area, seededAt, timingsMs per step). */
const readSeedTimings = defineSql('bench.first_start_seed_meta', `SELECT value FROM app_meta WHERE key = 'seed'`);

/** The environment of a new user: the system's PATH and HOME and the database; none of the GridOps settings. */
function bareEnvironment(url: string, area: SeedArea): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TZ'];
  const env: NodeJS.ProcessEnv = {};
  for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key];
  env.DATABASE_URL = url;
  // Only the bench's quick self-check (--area xianlin) sets anything more.
  if (area !== 'nanjing') env.SEED_AREA = area;
  return env;
}

export async function measureFirstStartOnPostgres(options: {
  rootDir: string;
  /** A new, empty database (created, nothing else). */
  url: string;
  area: SeedArea;
  onProgress?: (line: string) => void;
}): Promise<SeedFigure & { readyMs?: number; version: string }> {
  const start = await startServerUntilReady({
    rootDir: options.rootDir,
    env: bareEnvironment(options.url, options.area),
    readyTimeoutMs: FIRST_START_TIMEOUT_MS,
    onLine: (line) => {
      if (!options.onProgress || !line.includes('seed')) return;
      try {
        const entry = JSON.parse(line) as { msg?: string; ms?: number };
        if (entry.msg) options.onProgress(`${entry.msg}${entry.ms !== undefined ? ` ${entry.ms} ms` : ''}`);
      } catch {
        options.onProgress(line);
      }
    },
  });
  // Read back what the server's seed recorded (with a short timeout: this is one tiny read).
  const db = await openPostgresDatabase({ url: options.url, poolSize: 1, statementTimeoutMs: 15_000 });
  try {
    const [meta] = await db.query<{ value: { area?: string; timingsMs?: Record<string, number> } }>(readSeedTimings);
    if (!meta) throw new Error('the first start answered /api/health but recorded no seed in app_meta');
    if (meta.value.area !== options.area) throw new Error(`the first start seeded ${meta.value.area}, not ${options.area}`);
    const steps = meta.value.timingsMs ?? {};
    const capabilities = await detectCapabilities(db);
    const version = `PostgreSQL ${capabilities.postgresVersion.split(' ')[0]}, PostGIS ${capabilities.postgisVersion}`;
    return { seedMs: steps.total ?? NaN, steps, totalMs: start.wallMs, readyMs: start.serverReadyMs, version };
  } finally {
    await db.close();
  }
}
