/**
 * Issue 26: requests keep STATEMENT_TIMEOUT_MS, maintenance (the seed, migrations) runs without it — on a real
 * PostgreSQL, where the timeout exists (the embedded database has none to lift).
 */
import { describe, expect, it, inject } from 'vitest';
import { postgresUrl } from '../../tests/support/postgres-cluster.js';
import { defineSql, DatabaseError } from './database.js';
import { openPostgresDatabase } from './pg-driver.js';

const sleep = defineSql('test.maintenance_sleep', `SELECT true AS slept FROM pg_sleep(0.6)`);
const showTimeout = defineSql('test.maintenance_show_timeout', `SELECT current_setting('statement_timeout') AS value`);

const postgres = inject('testDatabases').postgres;

describe.runIf(postgres)('maintenance without the request statement timeout (postgres)', () => {
  const open = () => openPostgresDatabase({ url: postgresUrl(postgres!.port, 'postgres'), poolSize: 3, statementTimeoutMs: 250 });

  it('times a request statement out, runs the same statement as maintenance, and keeps the request pool timed', async () => {
    const db = await open();
    try {
      expect((await db.query<{ value: string }>(showTimeout))[0].value).toBe('250ms');
      const refused = await db.query(sleep).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(DatabaseError);
      expect((refused as DatabaseError).isTimeout).toBe(true);

      const inMaintenance = await db.maintenance(async (untimed) => {
        const [{ value }] = await untimed.query<{ value: string }>(showTimeout);
        const slept = await untimed.withTransaction((tx) => tx.query<{ slept: boolean }>(sleep));
        return { value, slept: slept[0].slept };
      });
      expect(inMaintenance).toEqual({ value: '0', slept: true });

      // The request pool still has its timeout after maintenance.
      expect((await db.query<{ value: string }>(showTimeout))[0].value).toBe('250ms');
      await expect(db.query(sleep)).rejects.toSatisfy((e) => e instanceof DatabaseError && e.isTimeout);
    } finally {
      await db.close();
    }
  });

  it('overrides a database-level statement_timeout on maintenance connections', async () => {
    const db = await openPostgresDatabase({ url: postgresUrl(postgres!.port, 'postgres'), poolSize: 1, statementTimeoutMs: 0 });
    try {
      // statementTimeoutMs 0 is sent as statement_timeout=0 on connect, not left to the server's default.
      expect((await db.query<{ value: string }>(showTimeout))[0].value).toBe('0');
      expect(await db.maintenance(async (same) => same === db || (await same.query<{ value: string }>(showTimeout))[0].value === '0')).toBe(true);
    } finally {
      await db.close();
    }
  });
});
