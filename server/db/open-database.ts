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
