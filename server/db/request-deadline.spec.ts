/**
 * Issue 18: one slow statement freezes nobody, and requests have a deadline — on both modes. The embedded
 * database runs on its own thread (pglite-worker.ts), so the server's event loop keeps answering while a
 * statement of seconds runs there; a request that cannot get its answer within STATEMENT_TIMEOUT_MS answers
 * 503 `database_timeout` (57014, like a real PostgreSQL's statement timeout); transactions still isolate and
 * row-level security still holds through the worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { signIn } from '../../tests/support/test-auth.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { detectCapabilities } from './capabilities.js';
import { DatabaseError, defineSql, withScope, type Database } from './database.js';

/** Long enough for a freshly loaded copy's first queries on a busy machine, short enough for a quick spec. */
const DEADLINE_MS = 2500;
/** A statement that runs past the deadline by a second. */
const PAST_DEADLINE_S = (DEADLINE_MS + 1000) / 1000;
const sleepFor = defineSql('test.deadline_sleep', `SELECT true AS slept FROM pg_sleep($1::float8)`);
const createProbe = `CREATE TABLE deadline_probe (id int PRIMARY KEY); GRANT SELECT ON deadline_probe TO gridops_app`;
const insertProbe = defineSql('test.deadline_insert_probe', `INSERT INTO deadline_probe (id) VALUES ($1)`);
const countProbe = defineSql('test.deadline_count_probe', `SELECT count(*)::int AS n FROM deadline_probe WHERE id = $1`);
const countMicroGrids = defineSql('test.deadline_count_micro_grids', `SELECT count(*)::int AS n FROM units WHERE level = 'micro_grid'`);

const xianlin = { jurisdiction: '320113007', accountId: null, role: 'dispatcher' };
const xuanwu = { jurisdiction: '320102', accountId: null, role: 'dispatcher' };

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/** The error a promise rejects with (or undefined), without an unhandled rejection in between. */
const settled = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe.each(testDatabaseModes())('request deadline and a busy database on %s', (mode) => {
  let db: Database;
  let server: TestServer;
  let headers: Record<string, string>;
  beforeAll(async () => {
    db = await openSeededTestDatabase(mode, { statementTimeoutMs: DEADLINE_MS });
    // Warm the fresh copy's catalogue without the deadline before the server's start-up queries run with it.
    await db.maintenance(async (untimed) => {
      await untimed.execScript('test.deadline_probe', createProbe);
      await detectCapabilities(untimed);
    });
    server = await startTestServer(mode, { db });
    headers = await signIn(server.baseUrl, 'dispatcher.xianlin');
    // Health's first answer reads the counts; later ones answer from them (health.route.ts).
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('answers health and routes without the database within 100 ms while a 5 s statement runs', async () => {
    // Maintenance has no deadline: the statement really holds the embedded session for 5 s.
    const slow = db.maintenance((untimed) => untimed.query(sleepFor, [5]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      for (const path of ['/api/health', '/ogc/conformance']) {
        const { value: response, ms } = await timed(() => fetch(`${server.baseUrl}${path}`));
        expect(response.status, path).toBe(200);
        await response.arrayBuffer();
        times.push(ms);
      }
    }
    // Blocked, every one would wait for the rest of the 5 s statement. The median answers within 100 ms; the
    // slowest is held to a second only, because other processes share this machine's two cores.
    times.sort((a, b) => a - b);
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(100);
    expect(times[times.length - 1]).toBeLessThan(1000);

    // A request that needs the database: behind the embedded session's 5 s statement it gets its answer at
    // the deadline; the real PostgreSQL serves it from another pooled connection.
    const { value: response, ms } = await timed(() => fetch(`${server.baseUrl}/api/units/search?q=${encodeURIComponent('仙林')}`, { headers }));
    const text = await response.text();
    if (mode === 'embedded') {
      expect(response.status).toBe(503);
      expect(JSON.parse(text)).toEqual({ code: 'database_timeout', message: expect.stringMatching(/took too long/) });
      expect(ms).toBeGreaterThan(DEADLINE_MS * 0.9);
      expect(ms).toBeLessThan(DEADLINE_MS + 1500);
    } else {
      expect(response.status).toBe(200);
    }
    expect(text).not.toMatch(/pg_sleep|deadline_|SELECT|57014|stack/i);
    expect(await slow).toEqual([{ slept: true }]);
    // The session is free again: the same request answers.
    expect((await fetch(`${server.baseUrl}/api/units/search?q=${encodeURIComponent('仙林')}`, { headers })).status).toBe(200);
  });

  it('refuses a statement that runs past the deadline with 57014, and serves the next one after it', async () => {
    const { value: error, ms } = await timed(() => settled(db.query(sleepFor, [PAST_DEADLINE_S])));
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).isTimeout).toBe(true);
    expect(ms).toBeLessThan(DEADLINE_MS + 1500);
    // Embedded: queued behind the rest of the statement (≈1 s), inside its own deadline.
    expect((await db.query<{ n: number }>(countMicroGrids))[0].n).toBeGreaterThan(500);
  });

  it('rolls back a transaction whose statement ran out of time, and one that threw', async () => {
    const { value: error, ms } = await timed(() =>
      settled(
        db.withTransaction(async (tx) => {
          await tx.query(insertProbe, [1]);
          await tx.query(sleepFor, [PAST_DEADLINE_S]);
          await tx.query(insertProbe, [2]);
        }),
      ),
    );
    expect((error as DatabaseError).isTimeout).toBe(true);
    expect(ms).toBeLessThan(DEADLINE_MS + 1500);
    await expect(db.withTransaction((tx) => tx.query(insertProbe, [3]).then(() => Promise.reject(new Error('changed my mind'))))).rejects.toThrow(
      'changed my mind',
    );
    for (const id of [1, 2, 3]) expect((await db.query<{ n: number }>(countProbe, [id]))[0].n).toBe(0);
    // A read made while a transaction runs never sees its uncommitted row: the embedded session serves it after
    // the commit (so it sees the row), a real PostgreSQL at once on another connection (so it does not).
    const writing = db.withTransaction(async (tx) => {
      await tx.query(insertProbe, [4]);
      await tx.query(sleepFor, [0.3]);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reading = db.query<{ n: number }>(countProbe, [4]);
    await writing;
    expect((await reading)[0].n).toBe(mode === 'embedded' ? 1 : 0);
    expect((await db.query<{ n: number }>(countProbe, [4]))[0].n).toBe(1);
  });

  it('keeps row-level security through the driver: scopes, scoped transactions, concurrency', async () => {
    const [{ n: total }] = await db.query<{ n: number }>(countMicroGrids);
    const runs = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? xianlin : xuanwu));
    const counts = await Promise.all(runs.map((scope) => db.queryInScope<{ n: number }>(scope, countMicroGrids)));
    counts.forEach((rows, i) => expect(rows[0].n).toBe(i % 2 === 0 ? total : 0));
    expect((await withScope(db, xuanwu, (tx) => tx.query<{ n: number }>(countMicroGrids)))[0].n).toBe(0);
    expect((await withScope(db, xianlin, (tx) => tx.query<{ n: number }>(countMicroGrids)))[0].n).toBe(total);
    // The application role cannot write where it has no grant, inside a scope.
    await expect(withScope(db, xianlin, (tx) => tx.query(insertProbe, [5]))).rejects.toSatisfy(
      (e) => e instanceof DatabaseError && e.sqlState === '42501',
    );
  });
});
