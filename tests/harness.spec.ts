/**
 * The test harness itself: the modes CI requires, a real PostGIS behind each, seeded and empty
 * copies, isolation between copies, and the application served on a copy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCapabilities, isPostgisSupported, parseVersion } from '../server/db/capabilities.js';
import { defineSql, type Database } from '../server/db/database.js';
import { isSeeded } from '../server/seed/seed-database.js';
import { openEmptyTestDatabase, openSeededTestDatabase, testDatabaseModes } from './support/test-database.js';
import { isCiEnvironment } from './support/select-test-modes.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const readProbe = defineSql('harness.read_probe', `SELECT value FROM app_meta WHERE key = 'harness-probe'`);
const writeProbe = defineSql('harness.write_probe', `INSERT INTO app_meta (key, value) VALUES ('harness-probe', $1::jsonb)`);
const countMigrations = defineSql('harness.count_migrations', `SELECT count(*) AS n FROM schema_migrations`);
const countDistricts = defineSql('harness.count_districts', `SELECT count(*) AS n FROM units WHERE level = 'district'`);

describe('test database modes', () => {
  it('runs both modes in CI and always the embedded one', () => {
    const modes = testDatabaseModes();
    if (isCiEnvironment(process.env)) expect(modes).toEqual(['embedded', 'postgres']);
    else expect(modes).toContain('embedded');
  });
});

describe.each(testDatabaseModes())('test harness on %s', (mode) => {
  let server: TestServer;
  let other: Database;
  let empty: Database;

  beforeAll(async () => {
    server = await startTestServer(mode);
    other = await openSeededTestDatabase(mode);
    empty = await openEmptyTestDatabase(mode);
  });

  afterAll(async () => {
    await Promise.all([server?.close(), other?.close(), empty?.close()]);
  });

  it('is the mode it was asked for, on a supported PostGIS', async () => {
    expect(server.db.mode).toBe(mode);
    const capabilities = await detectCapabilities(server.db);
    expect(isPostgisSupported(capabilities.postgisVersion)).toBe(true);
    // The embedded build is PostgreSQL 18; the real one in CI is Debian's PostgreSQL 15.
    const [major] = parseVersion(capabilities.postgresVersion);
    if (mode === 'embedded') expect(major).toBe(18);
    else expect(major).toBeGreaterThanOrEqual(15);
    expect(capabilities.asMvt).toBe(mode === 'postgres');
  });

  it('gives seeded copies with the Xianlin subset and empty copies with only the schema', async () => {
    expect(await isSeeded(server.db)).toBe(true);
    expect(await isSeeded(other)).toBe(true);
    expect(await isSeeded(empty)).toBe(false);
    const [seededDistricts] = await other.query<{ n: number }>(countDistricts);
    expect(seededDistricts.n).toBeGreaterThan(0);
    const [emptyDistricts] = await empty.query<{ n: number }>(countDistricts);
    expect(emptyDistricts.n).toBe(0);
    const [migrations] = await empty.query<{ n: number }>(countMigrations);
    expect(migrations.n).toBeGreaterThan(0);
  });

  it('isolates copies: a write in one is not seen in another', async () => {
    await server.db.query(writeProbe, [JSON.stringify({ mode })]);
    expect(await server.db.query(readProbe)).toEqual([{ value: { mode } }]);
    expect(await other.query(readProbe)).toEqual([]);
    const fresh = await openSeededTestDatabase(mode);
    try {
      expect(await fresh.query(readProbe)).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('serves the application on the copy', async () => {
    const response = await fetch(`${server.baseUrl}/api/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; database: { mode: string } };
    expect(body.status).toBe('ok');
    expect(body.database.mode).toBe(mode);
  });
});
