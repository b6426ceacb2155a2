/** `npm run check:tiling`: run the tiling check on the configured (normally the full) database. */
import { loadConfig } from '../server/config/load-config.js';
import { openDatabase } from '../server/db/open-database.js';
import { checkTiling } from '../server/units/check-tiling.js';

const config = loadConfig();
const db = await openDatabase(config);
const started = performance.now();
try {
  console.log(`database: ${db.mode} (${db.description})`);
  const report = await checkTiling(db, {
    onLevel: (r) =>
      console.log(
        `${r.level.padEnd(10)} units ${String(r.units).padStart(6)}  invalid ${r.invalid}  orphans ${r.orphans}  ` +
          `parents ${r.parents} (childless ${r.childlessParents})  worst area difference ${(r.worstRelativeAreaDifference * 100).toFixed(5)} % (${r.worstAreaParent})  ` +
          `overlaps > 1 m² ${r.overlappingPairs}, worst ${r.worstOverlapM2.toFixed(6)} m²`,
      ),
  });
  console.log(`checked in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (report.ok) console.log('tiling OK: every level exactly tiles its parent');
  else {
    for (const p of report.problems) console.error(`PROBLEM ${p}`);
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
