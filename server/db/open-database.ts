/** Open the database the configuration asks for: a real PostgreSQL when DATABASE_URL is set, else embedded. */
import type { AppConfig } from '../config/load-config.js';
import type { Database, QueryTimingListener } from './database.js';
import { openEmbeddedDatabase } from './pglite-driver.js';
import { openPostgresDatabase } from './pg-driver.js';

export async function openDatabase(config: AppConfig, onTiming?: QueryTimingListener): Promise<Database> {
  if (config.databaseUrl) {
    return openPostgresDatabase({
      url: config.databaseUrl,
      poolSize: config.pgPoolSize,
      liveLog: config.liveFanout === 'database',
      statementTimeoutMs: config.statementTimeoutMs,
      onTiming,
    });
  }
  return openEmbeddedDatabase({ dataDir: config.pgliteDataDir, onTiming, statementTimeoutMs: config.statementTimeoutMs });
}

/** application_name of the read-replica pool's connections (pg_stat_activity on the replica). */
export const READ_POOL_APPLICATION_NAME = 'gridops-read';

/**
 * The database of the read-only traffic that may lag a little (statistics, tiles, OGC API reads: issue 24): a
 * read-only pool on DATABASE_READ_URL when it is set, else `primary` itself (the caller must then not close it
 * twice: compare before closing). Row-level security holds there as on the primary: a hot standby replays the same
 * policies and roles, and every request still runs in its scope (scopedDb / readScopedDb).
 */
export async function openReadDatabase(config: AppConfig, primary: Database, onTiming?: QueryTimingListener): Promise<Database> {
  if (!config.databaseReadUrl || primary.mode !== 'postgres') return primary;
  return openPostgresDatabase({
    url: config.databaseReadUrl,
    poolSize: config.pgReadPoolSize,
    statementTimeoutMs: config.statementTimeoutMs,
    applicationName: READ_POOL_APPLICATION_NAME,
    readOnly: true,
    onTiming,
  });
}
