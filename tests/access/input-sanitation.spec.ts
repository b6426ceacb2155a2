/**
 * Issue 18's input-sanitation seam (server/http/text-sanitation.ts): a NUL or other control character, or a
 * lone surrogate, in any text — path parameter, query, JSON body field or key, URL-encoded (Open311) or
 * multipart (patrol report) field — is 400 `invalid_text` naming the field, on the routes that answered 500;
 * a path that is not percent-encoding is 400 `bad_path_encoding`. Both database modes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkText, findTextProblem } from '../../server/http/text-sanitation.js';
import { signIn } from '../support/test-auth.js';
import { testDatabaseModes } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('checkText and findTextProblem', () => {
  it('refuse control characters and lone surrogates, keep tabs, newlines, RTL and combining marks', () => {
    expect(checkText('a\u0000b')).toEqual({ reason: 'control_character', codePoint: 'U+0000' });
    expect(checkText('\u001b[31m')?.codePoint).toBe('U+001B');
    expect(checkText('x\u0085')?.codePoint).toBe('U+0085');
    expect(checkText('\ud800')).toEqual({ reason: 'lone_surrogate' });
    expect(checkText('a\udc00')).toEqual({ reason: 'lone_surrogate' });
    expect(checkText('井盖\t丢失\r\n第二行 😀 שלום ‮ é')).toBeNull();
  });

  it('name the field in nested bodies and hostile keys, and refuse deep nesting', () => {
    expect(findTextProblem({ reporter: { name: 'x\u0000' } }, 'body')?.field).toBe('body.reporter.name');
    expect(findTextProblem({ a: [['ok', 'b\u0007']] }, 'body')?.field).toBe('body.a[0][1]');
    expect(findTextProblem({ 'k\u0000': 1 }, 'body')?.field).toBe('body["k\\u0000"]');
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(findTextProblem(deep, 'body')).toMatchObject({ reason: 'too_deep' });
    expect(
      findTextProblem(
        {
          type: 'Polygon',
          coordinates: [
            [
              [118.9, 32.1],
              [118.91, 32.1],
              [118.9, 32.11],
              [118.9, 32.1],
            ],
          ],
        },
        'body',
      ),
    ).toBeNull();
  });
});

describe.each(testDatabaseModes())('input sanitation on %s', (mode) => {
  let server: TestServer;
  let dispatcher: Record<string, string>;
  let admin: Record<string, string>;
  let worker: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer(mode, { env: { OPEN311_RATE_LIMIT: '100000' } });
    [dispatcher, admin, worker] = await Promise.all([
      signIn(server.baseUrl, 'dispatcher.city'),
      signIn(server.baseUrl, 'admin.city'),
      signIn(server.baseUrl, 'worker.xianlin'),
    ]);
  });
  afterAll(() => server.close());

  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.baseUrl}${path}`, init);
    const text = await response.text();
    return { status: response.status, text, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
  };
  const json = (headers: Record<string, string>, body: unknown, method = 'POST'): RequestInit => ({
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  it('refuses NUL in query strings and path parameters with 400 invalid_text naming the field', async () => {
    const cases: [string, Record<string, string>, string][] = [
      ['/api/units/search?q=%00', dispatcher, 'query.q'],
      ['/api/audit?entityId=%00', admin, 'query.entityId'],
      ['/ogc/collections/units/items/%00', dispatcher, 'path'],
      ['/ogc/collections/%00', dispatcher, 'path'],
      ['/api/units/32%001', dispatcher, 'path'],
      ['/api/incidents?status=open%01', dispatcher, 'query.status'],
    ];
    for (const [path, headers, field] of cases) {
      const r = await call(path, { headers });
      expect(r.status, path).toBe(400);
      expect(r.body, path).toMatchObject({ code: 'invalid_text', details: { field } });
    }
  });

  it('refuses NUL and lone surrogates in JSON body fields: incident, reasons, token label, account, login', async () => {
    const place = { lon: 118.9246, lat: 32.1046 };
    const cases: [string, RequestInit, string][] = [
      ['/api/incidents', json(dispatcher, { category: 'dispute', description: '井盖\u0000', ...place }), 'body.description'],
      ['/api/incidents', json(dispatcher, { category: 'dispute', description: 'x', address: 'a\u0000', ...place }), 'body.address'],
      ['/api/incidents', json(dispatcher, { category: 'dispute', description: 'x', reporter: { name: '\u0000' }, ...place }), 'body.reporter.name'],
      ['/api/incidents/1/events', json(dispatcher, { type: 'reject', reason: 'no\u0000' }), 'body.reason'],
      ['/api/incidents/1/escalate', json(dispatcher, { reason: '\ud800' }), 'body.reason'],
      ['/api/screen-tokens', json(admin, { label: 'screen\u0000', jurisdictionCode: '320113' }), 'body.label'],
      ['/api/accounts/1', json(admin, { displayName: '\u0000' }, 'PATCH'), 'body.displayName'],
      ['/api/auth/login', json({}, { username: 'admin\u0000', password: 'x' }), 'body.username'],
    ];
    for (const [path, init, field] of cases) {
      const r = await call(path, init);
      expect(r.status, `${path} ${field}`).toBe(400);
      expect(r.body, `${path} ${field}`).toMatchObject({ code: 'invalid_text', details: { field } });
    }
  });

  it('refuses NUL in Open311 form fields and in multipart fields', async () => {
    const form = new URLSearchParams({ service_code: 'dispute', lat: '32.1046', long: '118.9246', description: 'x\u0000', first_name: '张' });
    const open311 = await call('/open311/v2/requests.json', { method: 'POST', body: form });
    expect(open311.status).toBe(400);
    expect(open311.text).toContain('invalid_text');
    expect(open311.text).toContain('body.description');

    const multipart = new FormData();
    multipart.set('note', 'photo note \u0000');
    multipart.set('lon', '118.9246');
    multipart.set('lat', '32.1046');
    const patrol = await call('/api/patrol-reports', { method: 'POST', headers: worker, body: multipart });
    expect(patrol.status).toBe(400);
    expect(patrol.body).toMatchObject({ code: 'invalid_text', details: { field: 'body.note' } });
  });

  it('answers a path that is not percent-encoding with 400 bad_path_encoding, and deep bodies with body_too_deep', async () => {
    for (const path of ['/api/units/%zz', '/ogc/collections/%E4%B8/items', '/api/incidents/%/events']) {
      const r = await call(path, { headers: dispatcher });
      expect(r.status, path).toBe(400);
      expect(r.body, path).toMatchObject({ code: 'bad_path_encoding' });
    }
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const r = await call('/api/spatial/summary', { method: 'POST', headers: { ...dispatcher, 'content-type': 'application/json' }, body: deep });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'body_too_deep' });
  });

  it('lets ordinary Chinese, RTL and combining text through', async () => {
    const r = await call(`/api/units/search?q=${encodeURIComponent('仙林 é ‏')}`, { headers: dispatcher });
    expect(r.status).toBe(200);
  });
});
