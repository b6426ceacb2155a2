/**
 * The bench's seeds (scripts/bench.ts): the embedded full seed (or the one an earlier run recorded, --skip-seed), the
 * first start of the real server on a new real PostgreSQL (issue 26), the row counts the report shows, and --only-seed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { openEmbeddedDatabase } from '../../server/db/pglite-driver.js';
import { countLayers, countUnitsByLevel, readSeedMeta } from '../../server/health/health.sql.js';
import type { SeedArea } from '../../server/seed/seed-context.js';
import { isSeeded, seedDatabase } from '../../server/seed/seed-database.js';
import { loadConfig } from '../../server/config/load-config.js';
import { probePostgresInstallation, startThrowawayCluster } from '../../tests/support/postgres-cluster.js';
import type { Options } from './bench-options.js';
import { readMachineInfo } from './machine-info.js';
import { measureFirstStartOnPostgres } from './measure-first-start.js';
import { renderSeedSection, replaceSection, type BenchReport, type SeedFigure } from './write-report.js';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function log(line: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

export const BENCH_DATABASE = 'gridops_bench';

export async function seedTimed(db: Database, area: SeedArea, label: string): Promise<Omit<SeedFigure, 'totalMs'>> {
  const started = performance.now();
  const steps = await seedDatabase(db, {
    area,
    rootDir: ROOT_DIR,
    onProgress: (step, detail) => log(`${label} seed: ${step}${detail ? ` ${JSON.stringify(detail)}` : ''}`),
  });
  return { seedMs: performance.now() - started, steps };
}

export async function countRows(db: Database): Promise<Record<string, number>> {
  const byLevel = await db.query<{ level: string; n: number }>(countUnitsByLevel);
  const [layers] = await db.query<Record<string, number>>(countLayers);
  const order = ['district', 'street', 'community', 'grid', 'micro_grid'];
  const units = Object.fromEntries(order.map((level) => [level, byLevel.find((r) => r.level === level)?.n ?? 0]));
  return { ...units, ...layers };
}

/** The seed figures an earlier run recorded in app_meta (--skip-seed). */
export async function recordedSeed(db: Database, options: Options, where: string): Promise<SeedFigure> {
  const [meta] = await db.query<{ value: { area?: string; seededAt?: string; timingsMs?: Record<string, number> } }>(readSeedMeta);
  if (meta.value.area !== options.area) throw new Error(`--skip-seed: ${where} holds ${meta.value.area}, not ${options.area}`);
  const steps = meta.value.timingsMs ?? {};
  log(`reusing the seed of ${meta.value.seededAt} in ${where}`);
  return { seedMs: steps.total ?? NaN, steps, reusedFrom: meta.value.seededAt ?? 'an earlier run' };
}

export async function embeddedSeed(options: Options): Promise<SeedFigure> {
  if (options.skipSeed) {
    const db = await openEmbeddedDatabase({ dataDir: options.dataDir });
    try {
      if (!(await isSeeded(db))) throw new Error(`--skip-seed: ${options.dataDir} is not seeded; run without --skip-seed once`);
      return await recordedSeed(db, options, options.dataDir);
    } finally {
      await db.close();
    }
  }
  fs.rmSync(options.dataDir, { recursive: true, force: true });
  const started = performance.now();
  const db = await openEmbeddedDatabase({ dataDir: options.dataDir });
  try {
    await migrate(db);
    const seed = await seedTimed(db, options.area, 'embedded');
    const totalMs = performance.now() - started;
    log(`embedded full seed ${(seed.seedMs / 1000).toFixed(1)} s (open + migrate + seed ${(totalMs / 1000).toFixed(1)} s)`);
    return { ...seed, totalMs };
  } finally {
    await db.close();
  }
}

/** STATEMENT_TIMEOUT_MS when nothing sets it: what requests, and so the bench's measurements, run under. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = loadConfig({}).statementTimeoutMs;

/** The real database seeded by the first start of the real server, as a new installation (issue 26). */
export async function postgresFirstStart(url: string, options: Options): Promise<SeedFigure & { version: string }> {
  log(`postgres: first start of server/main.ts with DATABASE_URL only (default STATEMENT_TIMEOUT_MS ${DEFAULT_STATEMENT_TIMEOUT_MS} ms)`);
  const figure = await measureFirstStartOnPostgres({
    rootDir: ROOT_DIR,
    url,
    area: options.area,
    onProgress: (line) => log(`postgres first start: ${line}`),
  });
  log(`postgres first start: seed ${(figure.seedMs / 1000).toFixed(1)} s, spawn → serving ${((figure.totalMs ?? NaN) / 1000).toFixed(1)} s`);
  return figure;
}

/** --only-seed: both seeds, the report's "Full seed" section replaced in the report file. */
export async function onlySeed(options: Options): Promise<void> {
  const probe = options.skipPostgres ? undefined : probePostgresInstallation();
  if (probe && !probe.found) throw new Error(`${probe.reason}: install postgresql-15-postgis-3, or pass --skip-postgres`);
  if (options.skipSeed) throw new Error('--only-seed seeds: it cannot be combined with --skip-seed');
  const startedAt = new Date();
  const machine = readMachineInfo(ROOT_DIR);
  const embeddedSeedFigure = await embeddedSeed(options);
  let postgresSeed: BenchReport['postgresSeed'];
  if (probe?.found) {
    const cluster = await startThrowawayCluster({ installation: probe.installation, label: 'bench-pg-seed' });
    try {
      await cluster.createDatabase(BENCH_DATABASE);
      const figure = await postgresFirstStart(cluster.url(BENCH_DATABASE), options);
      postgresSeed = figure;
    } finally {
      await cluster.stop();
    }
  }
  const section = renderSeedSection({ embeddedSeed: embeddedSeedFigure, postgresSeed, startedAt, finishedAt: new Date(), machine });
  const previous = fs.existsSync(options.out) ? fs.readFileSync(options.out, 'utf8') : '# Benchmarks\n';
  fs.writeFileSync(options.out, replaceSection(previous, '## Full seed', section));
  log(`wrote the "Full seed" section of ${path.relative(process.cwd(), options.out)}`);
}
