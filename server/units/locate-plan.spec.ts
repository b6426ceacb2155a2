/** Under row-level security, locate still uses the spatial index (decision 0002), on every mode. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, withScope, type Database } from '../db/database.js';
import { detectCapabilities } from '../db/capabilities.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { locateMicroGrid } from './units.sql.js';

const explainLocate = defineSql('test.explain_locate', `EXPLAIN ${locateMicroGrid.text}`);

describe.each(testDatabaseModes())('locate plan on %s', (mode) => {
  let db: Database;
  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
  });
  afterAll(() => db.close());

  it('reports the capability', async () => {
    expect((await detectCapabilities(db)).spatialIndexesUnderRls).toBe(true);
  });

  it.each(['city', '320113007'])('scans the micro-grid GiST index for jurisdiction %s', async (jurisdiction) => {
    const plan = await withScope(db, { jurisdiction, accountId: null, role: 'dispatcher' }, (tx) =>
      tx.query<{ 'QUERY PLAN': string }>(explainLocate, [118.93, 32.105]),
    );
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index Scan using units_micro_grid_geom_idx|Bitmap Index Scan on units_micro_grid_geom_idx/);
  });
});
