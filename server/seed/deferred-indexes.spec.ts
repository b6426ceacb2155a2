/**
 * The seed's deferred indexes, in every database mode: dropped while the load runs, built again afterwards
 * with the very definitions the migrations made (names, columns, predicates, foreign keys validated), also when
 * the load fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, type Database } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { deferrableIndexes, withIndexesDeferred } from './deferred-indexes.js';
import { HISTORY_TABLES, ROAD_TABLES, STATS_FACT_TABLES } from './seed-database.js';

const TABLES = [...HISTORY_TABLES, ...STATS_FACT_TABLES, ...ROAD_TABLES];

/** Every index and constraint of the tables, as the catalogue defines them. */
const catalogue = defineSql(
  'test.deferred_indexes_catalogue',
  `SELECT d FROM (
     SELECT 'index ' || pg_get_indexdef(i.indexrelid) || ' valid=' || i.indisvalid AS d
       FROM pg_index i WHERE i.indrelid = ANY ($1::text[]::regclass[])
     UNION ALL
     SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
            || ' validated=' || convalidated || ' deferrable=' || condeferrable
       FROM pg_constraint WHERE conrelid = ANY ($1::text[]::regclass[])
   ) s ORDER BY d`,
);
const incidentCount = defineSql('test.deferred_indexes_incidents', `SELECT count(*)::int AS n FROM incidents`);
const orphanTimeline = defineSql('test.deferred_indexes_orphan', `INSERT INTO incident_timeline (incident_id, at, event) VALUES (-1, now(), 'note')`);

describe.each(testDatabaseModes())('deferred indexes on %s', (mode) => {
  let db: Database;
  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
  });
  afterAll(() => db.close());

  const snapshot = async () => (await db.query<{ d: string }>(catalogue, [TABLES])).map((r) => r.d);

  it('lists the secondary indexes, unique constraints and foreign keys, never a primary key', async () => {
    const deferred = await deferrableIndexes(db, TABLES);
    const names = deferred.map((d) => d.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'incidents_geom_idx',
        'incidents_micro_grid_idx',
        'incidents_one_active_case_per_worker',
        'incidents_number_key',
        'incidents_micro_grid_code_fkey',
        'incident_reports_incident_id_fkey',
        'incident_timeline_incident_idx',
        'incident_timeline_incident_id_fkey',
        'stats_incident_facts_day_idx',
      ]),
    );
    expect(names.filter((n) => n.endsWith('_pkey'))).toEqual([]);
    // Built in order: plain indexes, unique constraints, then foreign keys.
    const kinds = deferred.map((d) => d.kind);
    expect(kinds).toEqual([...kinds].sort((a, b) => ['index', 'unique', 'foreign key'].indexOf(a) - ['index', 'unique', 'foreign key'].indexOf(b)));
  });

  it('drops them during the load and builds the same definitions after it', async () => {
    const before = await snapshot();
    const during = await withIndexesDeferred(db, TABLES, async () => ({
      deferred: await deferrableIndexes(db, TABLES),
      catalogue: await snapshot(),
      incidents: (await db.query<{ n: number }>(incidentCount))[0].n,
    }));
    expect(during.deferred).toEqual([]);
    expect(during.catalogue.length).toBeLessThan(before.length);
    expect(during.catalogue.some((d) => d.includes('incident_timeline_incident_id_fkey'))).toBe(false);
    expect(during.incidents).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
  });

  it("builds them again when the load fails, and reports the load's error", async () => {
    const before = await snapshot();
    await expect(withIndexesDeferred(db, TABLES, () => Promise.reject(new Error('load failed')))).rejects.toThrow('load failed');
    expect(await snapshot()).toEqual(before);
  });

  it('enforces the rebuilt foreign keys', async () => {
    await expect(db.query(orphanTimeline)).rejects.toThrow();
  });
});
