/**
 * `npx tsx scripts/bench/compare-camera-qa-rules.ts --data-dir <COPY with a staged batch> --old-function <file.sql>`:
 * the SQL QA of the newest camera import batch in the copy (e.g. the one measure-camera-qa.ts left), run with the
 * function in --old-function (installed as gridops_camera_import_qa_0033) and with the current one, alternately,
 * `--rounds` times each: the time ratio in the same process on the same machine load. Prints one line per run.
 */
import fs from 'node:fs';
import { defineSql, withScope, type DataScope } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { openEmbeddedDatabase } from '../../server/db/pglite-driver.js';
import { option } from '../script-option.js';

const ADMIN: DataScope = { jurisdiction: 'city', accountId: null, role: 'admin' };
const newestBatch = defineSql('bench.camera_qa_newest_batch', `SELECT max(id) AS id FROM camera_import_batches WHERE rows_staged >= 1000`);
const runOld = defineSql('bench.camera_qa_old', `SELECT gridops_camera_import_qa_0033($1)`);
const runNew = defineSql('bench.camera_qa_new', `SELECT gridops_camera_import_qa($1)`);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const dataDir = option(argv, 'data-dir');
  if (dataDir.startsWith('/work/seeded')) throw new Error('open a copy of the seeded database, never the original');
  const rounds = Number(option(argv, 'rounds', '1'));
  const db = await openEmbeddedDatabase({ dataDir });
  try {
    await migrate(db);
    await db.maintenance(async (q) => {
      await q.query(defineSql('bench.camera_qa_install_old', fs.readFileSync(option(argv, 'old-function'), 'utf8')));
    });
    const [row] = await db.query<{ id: number }>(newestBatch);
    const id = Number(row?.id);
    for (let round = 0; round < rounds; round++) {
      for (const [name, statement] of [
        ['0033', runOld],
        ['0038', runNew],
      ] as const) {
        const t = performance.now();
        await withScope(db, ADMIN, (tx) => tx.query(statement, [id]));
        console.log(`batch ${id} round ${round + 1} QA ${name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
      }
    }
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error('compare-camera-qa-rules failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
