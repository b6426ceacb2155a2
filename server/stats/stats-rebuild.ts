/**
 * The statistics' rollups around a bulk load (the seed's year of history): the per-row triggers of
 * migration 0013 are paused while hundreds of thousands of incidents and millions of timeline rows are
 * written, then the facts and the daily rollups are rebuilt in one set-based statement.
 */
import { defineSql, type Database } from '../db/database.js';

/** No parameters; result: none. The three deferred triggers that keep stats_incident_facts current. */
const pauseTriggers = defineSql(
  'stats.pause_triggers',
  `ALTER TABLE incidents DISABLE TRIGGER stats_incidents_changed;
   ALTER TABLE incident_timeline DISABLE TRIGGER stats_timeline_changed;
   ALTER TABLE incident_summonses DISABLE TRIGGER stats_summonses_changed`,
);
const resumeTriggers = defineSql(
  'stats.resume_triggers',
  `ALTER TABLE incidents ENABLE TRIGGER stats_incidents_changed;
   ALTER TABLE incident_timeline ENABLE TRIGGER stats_timeline_changed;
   ALTER TABLE incident_summonses ENABLE TRIGGER stats_summonses_changed`,
);
/** No parameters; result: the number of facts written. Reads every incident once (hash aggregates). */
const rebuild = defineSql('stats.rebuild', `SELECT gridops_stats_rebuild() AS facts`);

/** Run a bulk load with the statistics' triggers paused, then rebuild the rollups (also when the load fails). */
export async function withStatsPaused<T>(db: Database, load: () => Promise<T>): Promise<T> {
  await db.execScript(pauseTriggers.name, pauseTriggers.text);
  try {
    return await load();
  } finally {
    await db.execScript(resumeTriggers.name, resumeTriggers.text);
  }
}

/** Rebuild the facts and daily rollups from the incident tables; returns how many incidents were read. */
export async function rebuildStats(db: Database): Promise<number> {
  const [row] = await db.query<{ facts: string | number }>(rebuild);
  return Number(row?.facts ?? 0);
}
