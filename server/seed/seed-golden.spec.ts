/**
 * Golden test: the Xianlin subset is generated identically on every database mode and on every run.
 * A signature per level (count, area, households, and an md5 of codes with their rounded areas) is
 * compared with tests/fixtures/xianlin-hierarchy-signature.json. After an intended change of the
 * generator, bless the new output with `REGEN=1 npx vitest run server/seed/seed-golden.spec.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';

const GOLDEN = path.resolve('tests/fixtures/xianlin-hierarchy-signature.json');

const signature = defineSql(
  'test.hierarchy_signature',
  `SELECT level, count(*)::int AS units, round(sum(area_m2))::bigint AS area_m2, sum(households)::int AS households,
          md5(string_agg(code || ':' || round(area_m2)::text || ':' || households, ',' ORDER BY code)) AS digest
     FROM units GROUP BY level ORDER BY level`,
);
const layerSignature = defineSql(
  'test.layer_signature',
  `SELECT (SELECT count(*) FROM workers)::int AS workers,
          (SELECT md5(string_agg(code || home_unit_code || role, ',' ORDER BY code)) FROM workers) AS workers_digest,
          (SELECT count(*) FROM cameras)::int AS cameras,
          (SELECT count(*) FROM sensors)::int AS sensors,
          (SELECT count(*) FROM road_edges)::int AS road_edges`,
);

describe.each(testDatabaseModes())('Xianlin seed golden signature on %s', (mode) => {
  it('matches the committed signature', async () => {
    const db = await openSeededTestDatabase(mode);
    try {
      const actual = { units: await db.query(signature), layers: (await db.query(layerSignature))[0] };
      if (process.env.REGEN === '1') fs.writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).toEqual(JSON.parse(fs.readFileSync(GOLDEN, 'utf8')));
    } finally {
      await db.close();
    }
  });
});
