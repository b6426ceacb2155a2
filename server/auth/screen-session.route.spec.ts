/**
 * The video wall's screen session (screen-session.ts, screen-session.route.ts): the cookie's format and signature
 * (pure), and on every database mode the exchange of a screen token for the httpOnly cookie, what that cookie may
 * do (read its jurisdiction only, change nothing, open the live channel) and that revoking the token ends it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { defineSql } from '../db/database.js';
import { screenTokenHeaders } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { encodeScreenSession, parseScreenSession, screenSessionSignedBy } from './screen-session.js';
import type { Answer, ApiErrorBody } from '../../tests/support/api-answer.js';
import type { ServerMessage } from '../live/live-protocol.js';
import type { screenSessionRoute } from './accounts-contract.js';
import type { meRoute } from './auth-contract.js';

const revokeToken = defineSql('test.screen_session_revoke', `UPDATE screen_tokens SET revoked_at = now() WHERE token_hash = $1`);
const exchangeAudit = defineSql(
  'test.screen_session_audit',
  `SELECT entity_id, success, reason, actor_role, before::text AS before, after::text AS after
     FROM audit_log WHERE action = 'auth.screen_session' ORDER BY id`,
);

describe('screen session cookie (pure)', () => {
  const hash = 'a'.repeat(64);
  const now = Date.parse('2026-12-07T10:00:00Z');
  const value = encodeScreenSession(42, hash, new Date(now + 3_600_000));

  it('is signed with the token hash and carries no token', () => {
    expect(value).toMatch(/^gsw_42_\d{10}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseScreenSession(value, now);
    expect(parsed).toMatchObject({ tokenId: 42 });
    expect(screenSessionSignedBy(parsed!, hash)).toBe(true);
    expect(screenSessionSignedBy(parsed!, 'b'.repeat(64))).toBe(false);
  });

  it('refuses an expired, tampered or malformed value', () => {
    expect(parseScreenSession(value, now + 3_600_001)).toBeNull();
    const otherId = value.replace('gsw_42_', 'gsw_43_');
    expect(screenSessionSignedBy(parseScreenSession(otherId, now)!, hash)).toBe(false);
    const later = value.replace(/_(\d{10})_/, (_, e: string) => `_${Number(e) + 86_400}_`);
    expect(screenSessionSignedBy(parseScreenSession(later, now)!, hash)).toBe(false);
    expect(parseScreenSession('gsw_42_123_abc', now)).toBeNull();
    expect(parseScreenSession('gss_whatever', now)).toBeNull();
  });
});

describe.each(testDatabaseModes())('screen session on %s', (mode) => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(mode);
    token = (await screenTokenHeaders(server.db, '320113007')).authorization.slice('Bearer '.length);
  });
  afterAll(() => server?.close());

  const exchange = (body: unknown) =>
    fetch(`${server.baseUrl}/api/auth/screen-session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('exchanges the token once for an httpOnly cookie that reads only its jurisdiction and changes nothing', async () => {
    const res = await exchange({ token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { screen: { jurisdiction: string } };
    expect(body.screen.jurisdiction).toBe('320113007');
    expect(JSON.stringify(body)).not.toContain(token);
    const [setCookie] = res.headers.getSetCookie();
    expect(setCookie).toMatch(/^gridops_session=gsw_/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toContain(token.slice(4));
    const cookie = setCookie.split(';')[0];

    const check = await fetch(`${server.baseUrl}/api/auth/screen-session`, { headers: { cookie } });
    expect(((await check.json()) as Answer<typeof screenSessionRoute>).account).toMatchObject({ role: 'screen', jurisdiction: '320113007' });
    expect(((await (await fetch(`${server.baseUrl}/api/auth/screen-session`)).json()) as Answer<typeof screenSessionRoute>).account).toBeNull();
    const me = await fetch(`${server.baseUrl}/api/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as Answer<typeof meRoute>).account).toMatchObject({ role: 'screen', jurisdiction: '320113007', via: 'screen_token' });
    expect((await fetch(`${server.baseUrl}/api/units/320113007/children`, { headers: { cookie } })).status).toBe(200);
    // 玄武区: outside the token's jurisdiction.
    expect((await fetch(`${server.baseUrl}/api/units/320102`, { headers: { cookie } })).status).toBe(404);
    const change = await fetch(`${server.baseUrl}/api/incidents`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': 'x' },
      body: JSON.stringify({ category: 'fire_safety', description: 'x', lon: 118.93, lat: 32.1 }),
    });
    expect(change.status).toBe(403);
    expect(['role_forbidden', 'read_only_token']).toContain(((await change.json()) as ApiErrorBody).code);

    // The live channel takes the cookie from the page's own origin.
    const hello = await new Promise<ServerMessage>((resolve, reject) => {
      const ws = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/live`, ['gridops.live'], { headers: { cookie, origin: server.baseUrl } });
      ws.on('message', (data) => {
        resolve(JSON.parse(String(data)));
        ws.close();
      });
      ws.on('error', reject);
      ws.on('unexpected-response', (_req, r) => reject(new Error(`upgrade refused: ${r.statusCode}`)));
    });
    expect(hello).toMatchObject({ type: 'hello', account: { role: 'screen', jurisdiction: '320113007' } });

    const audit = await server.db.query<{ entity_id: string; success: boolean; before: string | null; after: string | null }>(exchangeAudit);
    expect(audit.at(-1)).toMatchObject({ success: true });
    expect(JSON.stringify(audit)).not.toContain(token.slice(4));

    // Revoked: the cookie ends with the token (a new cookie header string passes the 5 s credential cache).
    await server.db.query(revokeToken, [(await import('./secrets.js')).hashToken(token)]);
    expect((await fetch(`${server.baseUrl}/api/auth/me`, { headers: { cookie: `${cookie}; after=revoke` } })).status).toBe(401);
    const again = await exchange({ token });
    expect(again.status).toBe(401);
  });

  it('answers a wrong or malformed token with a stable code and audits the failure', async () => {
    const wrong = await exchange({ token: `gst_${'x'.repeat(43)}` });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as ApiErrorBody).code).toBe('invalid_token');
    expect(wrong.headers.getSetCookie()).toEqual([]);
    for (const body of [{}, { token: 'abc' }, { token: 'gss_' + 'x'.repeat(43) }, { token, extra: 1 }]) {
      const res = await exchange(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as ApiErrorBody).code).toBe('invalid_screen_token');
    }
    const audit = await server.db.query<{ success: boolean; reason: string | null }>(exchangeAudit);
    expect(audit.some((a) => !a.success && a.reason === 'invalid_token')).toBe(true);
  });

  it('ends the wall session by clearing the cookie', async () => {
    const res = await fetch(`${server.baseUrl}/api/auth/screen-session/end`, { method: 'POST' });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()[0]).toMatch(/^gridops_session=;/);
  });
});
