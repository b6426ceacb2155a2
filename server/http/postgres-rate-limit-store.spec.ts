/**
 * Rate limits shared across instances (issue 24, migration 0022): two app instances on one real PostgreSQL allow
 * LOGIN_RATE_LIMIT sign-in attempts per client between them, not twice as many; the table holds no address. The
 * embedded database keeps express-rate-limit's memory store (one process): tests/access/login-and-logs.spec.ts covers it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { openSharedPostgresCopies, testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import type { Database } from '../db/database.js';
import { PostgresRateLimitStore } from './postgres-rate-limit-store.js';

const keys = defineSql('test.rate_limit_keys', `SELECT key_hash, hits FROM rate_limit_hits`);

describe('the store when the database fails', () => {
  it('lets the request through as the first hit of a new window, and reports the error', async () => {
    const errors: unknown[] = [];
    const failing = { mode: 'postgres', query: () => Promise.reject(new Error('connection refused')) } as unknown as Database;
    const store = new PostgresRateLimitStore(failing, 'login', (e) => errors.push(e));
    const before = Date.now();
    const answer = await store.increment('client');
    // express-rate-limit refuses 0 hits or a missing reset time (ERR_ERL_INVALID_HITS).
    expect(answer.totalHits).toBe(1);
    expect(answer.resetTime!.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(errors).toHaveLength(1);
  });
});

describe.runIf(testDatabaseModes().includes('postgres'))('shared rate limits on postgres', () => {
  let shared: Awaited<ReturnType<typeof openSharedPostgresCopies>>;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    shared = await openSharedPostgresCopies(2);
    a = await startTestServer('postgres', { db: shared.dbs[0], env: { LOGIN_RATE_LIMIT: '3' } });
    b = await startTestServer('postgres', { db: shared.dbs[1], env: { LOGIN_RATE_LIMIT: '3' } });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await shared?.close();
  });

  it('counts sign-in attempts of one client across both instances', async () => {
    const attempt = (server: TestServer) =>
      fetch(`${server.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'dispatcher.xianlin', password: 'not-the-password' }),
      });
    const statuses = [];
    for (const server of [a, b, a]) statuses.push((await attempt(server)).status);
    expect(statuses).toEqual([401, 401, 401]);
    const refused = await attempt(b);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'too_many_login_attempts' });
    expect((await attempt(a)).status).toBe(429);

    const rows = await shared.dbs[0]!.query<{ key_hash: string; hits: number }>(keys);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hits).toBe(5);
    expect(rows[0]!.key_hash).not.toMatch(/127|::1|ffff/);
  });
});
