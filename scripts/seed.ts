/**
 * Seed the configured database: `npm run seed [-- --area xianlin] [-- --force]`.
 * Refuses to seed a database that is already seeded unless --force (which drops and recreates the schema
 * of the embedded database only; for a real database, drop it yourself).
 */
import { loadConfig } from '../server/config/load-config.js';
import { migrate } from '../server/db/migrate.js';
import { openDatabase } from '../server/db/open-database.js';
import { isSeeded, seedDatabase } from '../server/seed/seed-database.js';

const args = process.argv.slice(2);
const areaArg = args.includes('--area') ? args[args.indexOf('--area') + 1] : undefined;
if (areaArg && areaArg !== 'nanjing' && areaArg !== 'xianlin') {
  console.error(`--area must be nanjing or xianlin, got ${areaArg}`);
  process.exit(2);
}
const config = loadConfig();
const area = (areaArg ?? config.seedArea) as 'nanjing' | 'xianlin';
const db = await openDatabase(config);
try {
  console.log(`database: ${db.mode} (${db.description})`);
  await migrate(db);
  if (await isSeeded(db)) {
    console.log('already seeded; remove the data directory (embedded) or drop the database to seed again');
  } else {
    const started = performance.now();
    const timings = await seedDatabase(db, {
      area,
      rootDir: config.rootDir,
      onProgress: (step, detail) =>
        console.log(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${step}${detail ? ' ' + JSON.stringify(detail) : ''}`),
    });
    console.log('seed timings (ms):', timings);
  }
} finally {
  await db.close();
}
