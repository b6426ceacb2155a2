/** What the hierarchy seed produces on the Xianlin subset: real names where they exist, sizes, labels. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, type Database } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';

const summary = defineSql(
  'test.hierarchy_summary',
  `SELECT level, count(*)::int AS n, bool_and(generated) AS all_generated, bool_or(generated) AS any_generated,
          min(households)::int AS min_households, max(households)::int AS max_households,
          count(DISTINCT code)::int AS codes, bool_and(ST_Contains(geom, label_point)) AS labels_inside
     FROM units GROUP BY level`,
);
const xianlinCommunities = defineSql('test.xianlin_communities', `SELECT code, name, kind FROM units WHERE parent_code = '320113007' ORDER BY code`);
const chainConsistency = defineSql(
  'test.chain_consistency',
  `SELECT count(*)::int AS broken FROM units m
     JOIN units g ON g.code = m.parent_code
    WHERE m.level = 'micro_grid'
      AND (m.grid_code <> g.code OR m.community_code <> g.community_code OR m.street_code <> g.street_code
           OR m.district_code <> g.district_code OR m.code NOT LIKE g.code || '%')`,
);

describe.each(testDatabaseModes())('hierarchy seed (Xianlin) on %s', (mode) => {
  let db: Database;
  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
  });
  afterAll(() => db.close());

  it('keeps real districts, generates every level below, labels inside', async () => {
    const rows = await db.query<Record<string, unknown>>(summary);
    const by = Object.fromEntries(rows.map((r) => [r.level, r]));
    expect(by.district).toMatchObject({ n: 11, any_generated: false });
    for (const level of ['street', 'community', 'grid', 'micro_grid']) {
      expect(by[level].all_generated).toBe(true);
      expect(by[level].codes).toBe(by[level].n);
      expect(by[level].labels_inside).toBe(true);
    }
    expect(by.micro_grid.min_households).toBeGreaterThanOrEqual(30);
    expect(by.micro_grid.max_households).toBeLessThanOrEqual(300);
  });

  it('gives 仙林街道 its 10 real communities by name and code', async () => {
    const communities = await db.query<{ code: string; name: string; kind: string }>(xianlinCommunities);
    expect(communities.map((c) => c.code)).toEqual(Array.from({ length: 10 }, (_, i) => `320113007${String(i + 1).padStart(3, '0')}`));
    expect(communities[0]).toEqual({ code: '320113007001', name: '仙林新村社区居委会', kind: 'community' });
  });

  it('stores a consistent ancestor chain on every micro-grid', async () => {
    const [row] = await db.query<{ broken: number }>(chainConsistency);
    expect(row.broken).toBe(0);
  });
});
