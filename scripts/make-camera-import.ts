/**
 * `npx tsx scripts/make-camera-import.ts --data-dir <COPY of a seeded embedded database> --out <file.csv>
 *  [--count 100000] [--rate 0.01] [--seed 21]`: a camera import file (declared CRS WGS84) derived from the
 * seeded roads, water and units, with planted errors of every kind at `rate` each (outside Nanjing, in
 * water, > 50 m from a road, duplicate code, duplicate within 5 m with the same name, missing and impossible
 * heading, undeclared GCJ-02 offset), and its ground truth beside it (<file>.truth.csv). Deterministic for
 * a seed and database. Never point --data-dir at /work/seeded/...: copy it first.
 */
import fs from 'node:fs';
import { openEmbeddedDatabase } from '../server/db/pglite-driver.js';
import { readCandidatePools } from './camera-import/camera-candidates.js';
import { camerasCsv, plantCameraRows, truthCsv } from './camera-import/plant-camera-errors.js';
import { option } from './script-option.js';

const argv = process.argv.slice(2);
const dataDir = option(argv, 'data-dir');
const out = option(argv, 'out');
const count = Number(option(argv, 'count', '100000'));
const rate = Number(option(argv, 'rate', '0.01'));
const seed = Number(option(argv, 'seed', '21'));
if (dataDir.startsWith('/work/seeded')) throw new Error('open a copy of the seeded database, never the original');

const db = await openEmbeddedDatabase({ dataDir });
try {
  const started = performance.now();
  const pools = await readCandidatePools(db, count, rate, seed);
  const rows = plantCameraRows(pools, { count, rate, seed });
  fs.writeFileSync(out, camerasCsv(rows));
  fs.writeFileSync(out.replace(/\.csv$/, '') + '.truth.csv', truthCsv(rows));
  console.log(`${rows.length} cameras (declared CRS wgs84) → ${out}, truth beside it; ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await db.close();
}
