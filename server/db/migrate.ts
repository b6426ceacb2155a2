/** Numbered SQL migrations (server/db/migrations/NNNN_name.sql), applied in order and recorded. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database, defineSql } from './database.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

const createTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;
const listApplied = defineSql('migrate.list_applied', `SELECT version FROM schema_migrations ORDER BY version`);

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    }));
}

/** Apply pending migrations; returns the names applied. Each migration runs in one transaction. */
export function migrate(db: Database, migrations = readMigrations()): Promise<string[]> {
  // Without the requests' statement timeout: a migration may rewrite the city's tables.
  return db.maintenance((untimed) => applyMigrations(untimed, migrations));
}

async function applyMigrations(db: Database, migrations: Migration[]): Promise<string[]> {
  await db.execScript('migrate.create_table', createTable);
  const applied = new Set((await db.query<{ version: number }>(listApplied)).map((r) => r.version));
  const done: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    // The version and name come from a file name matched by /^\d{4}_[a-z0-9_]+\.sql$/, never from input.
    await db.execScript(
      `migration.${m.name}`,
      `BEGIN;\n${m.sql}\n;INSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${m.name}');\nCOMMIT;`,
    );
    done.push(`${String(m.version).padStart(4, '0')}_${m.name}`);
  }
  return done;
}
