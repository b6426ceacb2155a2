/**
 * Liveness, readiness and /metrics (issue 24) on the real application, on every database mode: readiness follows
 * pending migrations and an unreachable database; /metrics answers loopback clients (not through a proxy) or the
 * bearer token of METRICS_TOKEN, and counts requests per route pattern.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, type Database } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';

const forget = defineSql('test.readiness_forget_migration', `DELETE FROM schema_migrations WHERE version = 21 RETURNING name`);
const remember = defineSql('test.readiness_remember_migration', `INSERT INTO schema_migrations (version, name) VALUES (21, $1)`);
const TOKEN = 'metrics-token-for-the-test-0123456789';

describe.each(testDatabaseModes())('readiness and metrics on %s', (mode) => {
  let db: Database;
  let server: TestServer;
  let guarded: TestServer;
  let dbClosed = false;
  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
    server = await startTestServer(mode, { db });
    guarded = await startTestServer(mode, { db, env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await guarded?.close();
    await server?.close();
    if (!dbClosed) await db?.close();
  });

  it('is live and ready; not ready while a migration of this build is missing', async () => {
    expect(await (await fetch(`${server.baseUrl}/api/health/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.baseUrl}/api/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: mode });
    const [{ name }] = await db.query<{ name: string }>(forget);
    try {
      const pending = await fetch(`${server.baseUrl}/api/health/ready`);
      expect(pending.status).toBe(503);
      expect(await pending.json()).toEqual({ code: 'migrations_pending', message: expect.any(String), details: { pending: [21] } });
    } finally {
      await db.query(remember, [name]);
    }
    expect((await fetch(`${server.baseUrl}/api/health/ready`)).status).toBe(200);
  });

  it('serves /metrics to a loopback client with the requests per route pattern, not through a proxy', async () => {
    await fetch(`${server.baseUrl}/api/units/320113007`);
    const res = await fetch(`${server.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/gridops_http_requests_total\{method="GET",route="\/api\/health\/ready",status="2xx"\} [1-9]/);
    expect(text).toMatch(/gridops_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/health\/ready"\}/);
    // The parameter is never a label: one series for every unit code.
    expect(text).not.toContain('320113007');
    const proxied = await fetch(`${server.baseUrl}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).toBe(403);
    expect(await proxied.json()).toMatchObject({ code: 'metrics_forbidden' });
  });

  it('with METRICS_TOKEN wants the bearer token, from anywhere', async () => {
    expect((await fetch(`${guarded.baseUrl}/metrics`)).status).toBe(403);
    expect((await fetch(`${guarded.baseUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong-tok' } })).status).toBe(403);
    const res = await fetch(`${guarded.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('gridops_http_requests_total');
  });

  it('is not ready once the database cannot be reached, and stays live', async () => {
    await db.close();
    dbClosed = true;
    const res = await fetch(`${server.baseUrl}/api/health/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ code: 'database_unreachable', message: expect.any(String) });
    expect((await fetch(`${server.baseUrl}/api/health/live`)).status).toBe(200);
  });
});
