/**
 * Sign-in protections (lock-out, rate limit, session expiry by logout) and what the logs must never hold:
 * passwords, tokens, phone numbers, people's names or query parameters.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { systemClock } from '../../server/clock/clock.js';
import { DEVELOPMENT_PASSWORD } from '../../server/auth/bootstrap-accounts.js';
import { loadConfig } from '../../server/config/load-config.js';
import { detectCapabilities } from '../../server/db/capabilities.js';
import { defineSql, type Database } from '../../server/db/database.js';
import { createLogger } from '../../server/logging/logger.js';
import { openSeededTestDatabase, testDatabaseModes } from '../support/test-database.js';

const samplePeople = defineSql(
  'test.sample_people',
  `SELECT name, phone FROM workers WHERE home_unit_code IN (SELECT code FROM units WHERE level = 'micro_grid' ORDER BY code LIMIT 3)
   UNION ALL (SELECT name, phone FROM workers ORDER BY code LIMIT 50)`,
);
const pickPoint = defineSql(
  'test.pick_point_for_logs',
  `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM units WHERE level = 'micro_grid' ORDER BY code LIMIT 1`,
);

describe.each(testDatabaseModes())('sign-in and logs on %s', (mode) => {
  let db: Database;
  let server: http.Server;
  let baseUrl: string;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = createApp({
      config: loadConfig({ NODE_ENV: 'test', LOGIN_RATE_LIMIT: '12' }),
      db,
      capabilities: await detectCapabilities(db),
      logger: createLogger('trace', sink),
      clock: systemClock,
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await db.close();
  });

  const login = (username: string, password: string) =>
    fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });

  it('locks an account after five failed sign-ins, even against the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await login('supervisor.xianlin', `wrong-${i}`)).status).toBe(401);
    const locked = await login('supervisor.xianlin', DEVELOPMENT_PASSWORD);
    expect(locked.status).toBe(423);
    expect((await locked.json()).code).toBe('account_locked');
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    const unknown = await login('nobody.here', 'whatever-password');
    expect(unknown.status).toBe(401);
    expect((await unknown.json()).code).toBe('invalid_credentials');
  });

  it('signs in and out with an httpOnly, SameSite=Strict cookie; the session ends at logout', async () => {
    const res = await login('dispatcher.xianlin', DEVELOPMENT_PASSWORD);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const { csrfToken } = await res.json();
    const headers = { cookie: setCookie.split(';')[0], 'x-csrf-token': csrfToken };
    const [point] = await db.query<{ lon: number; lat: number }>(pickPoint);
    expect((await fetch(`${baseUrl}/api/locate?lon=${point.lon}&lat=${point.lat}`, { headers })).status).toBe(200);
    expect((await fetch(`${baseUrl}/api/auth/me`, { headers })).status).toBe(200);
    expect((await fetch(`${baseUrl}/api/auth/logout`, { method: 'POST', headers })).status).toBe(204);
    expect((await fetch(`${baseUrl}/api/auth/me`, { headers })).status).toBe(401);
    // A forged or malformed cookie is no session.
    expect((await fetch(`${baseUrl}/api/auth/me`, { headers: { cookie: 'gridops_session=gss_forgedforgedforgedforgedforged' } })).status).toBe(401);
  });

  it('rate-limits sign-in attempts per client address', async () => {
    let limited = 0;
    for (let i = 0; i < 12; i++) if ((await login('planner.city', 'wrong-password')).status === 429) limited++;
    expect(limited).toBeGreaterThan(0);
    const res = await login('planner.city', DEVELOPMENT_PASSWORD);
    expect(res.status).toBe(429);
    expect((await res.json()).code).toBe('too_many_login_attempts');
  });

  it('never writes passwords, tokens, phone numbers, names or query parameters to the log', async () => {
    const people = await db.query<{ name: string; phone: string }>(samplePeople);
    const text = lines.join('');
    expect(text.length).toBeGreaterThan(1000);
    expect(text).toContain('"path":"/api/locate"');
    const forbidden = [
      DEVELOPMENT_PASSWORD,
      'wrong-0',
      'whatever-password',
      'gss_',
      'csrf_',
      'lon=',
      'lat=',
      ...people.map((p) => p.phone),
      ...people.map((p) => p.name),
    ];
    for (const secret of forbidden) expect(text.includes(secret), secret).toBe(false);
  });
});
