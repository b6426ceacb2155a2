import { defineSql } from '../db/database.js';

/** Result: the applied migration versions. Uses schema_migrations_pkey. A readiness probe's one round trip. */
export const listAppliedMigrations = defineSql('health.applied_migrations', `SELECT version FROM schema_migrations ORDER BY version`);
