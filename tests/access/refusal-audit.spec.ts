/**
 * Issue 18: every refused attempt at the access and validation layers has an audit record (who or which
 * credential, route, reason code, client address; never the body or a secret), readable through /api/audit,
 * and a flood is held to the rate guard. Both database modes.
 */
import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRefusalAuditor, PER_ADDRESS_PER_MINUTE, type RefusalAuditor } from '../../server/audit/refusal-audit.js';
import { defineSql } from '../../server/db/database.js';
import { createLogger } from '../../server/logging/logger.js';
import { signIn } from '../support/test-auth.js';
import { testDatabaseModes } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const refusalsSince = defineSql(
  'test.refusals_since',
  `SELECT action, entity_id, actor_username, actor_role, reason, after, client_address, before
     FROM audit_log WHERE id > $1 AND action LIKE 'request.refused%' ORDER BY id`,
);
const maxId = defineSql('test.refusal_max_audit_id', `SELECT coalesce(max(id), 0)::int AS id FROM audit_log`);

describe.each(testDatabaseModes())('refusal audit on %s', (mode) => {
  let server: TestServer;
  let admin: Record<string, string>;
  let planner: Record<string, string>;
  let auditor: RefusalAuditor;
  beforeAll(async () => {
    server = await startTestServer(mode, { env: { OPEN311_RATE_LIMIT: '2' } });
    [admin, planner] = await Promise.all([signIn(server.baseUrl, 'admin.city'), signIn(server.baseUrl, 'planner.city')]);
  });
  afterAll(() => server.close());

  it('records role_forbidden, csrf_token_invalid, bad credentials, validation, Open311 400/429 and 413/415 refusals', async () => {
    const [{ id: start }] = await server.db.query<{ id: number }>(maxId);
    const json = (headers: Record<string, string>, body: unknown) => ({
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const secretDescription = 'secret-description-never-logged';
    const badToken = 'gst_' + 'x'.repeat(40);
    const steps: [string, RequestInit, number, string][] = [
      ['/api/incidents', json(planner, { category: 'dispute', description: secretDescription, lon: 118.92, lat: 32.1 }), 403, 'role_forbidden'],
      [
        '/api/incidents',
        json({ cookie: admin.cookie }, { category: 'dispute', description: secretDescription, lon: 118.92, lat: 32.1 }),
        403,
        'csrf_token_invalid',
      ],
      ['/api/units/search?q=x', { headers: { authorization: `Bearer ${badToken}` } }, 401, 'authentication_required'],
      ['/api/units/search?q=x', { headers: { cookie: 'gridops_session=ses_' + 'y'.repeat(40) } }, 401, 'authentication_required'],
      ['/api/incidents', json(admin, { category: 'dispute', description: secretDescription, lon: 'east' }), 400, 'invalid_incident'],
      ['/api/units/search?q=%00', { headers: admin }, 400, 'invalid_text'],
      [
        '/api/spatial/summary',
        { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: '{"geometry":' + ' '.repeat(300_000) + '1}' },
        413,
        'body_too_large',
      ],
      [
        '/open311/v2/requests.json',
        { method: 'POST', body: new URLSearchParams({ service_code: 'nope', description: secretDescription }) },
        400,
        'invalid_service_request',
      ],
      ['/open311/v2/requests.json', { method: 'POST', body: new URLSearchParams({ service_code: 'nope' }) }, 400, 'invalid_service_request'],
      ['/open311/v2/requests.json', { method: 'POST', body: new URLSearchParams({ service_code: 'nope' }) }, 429, 'too_many_requests'],
    ];
    // Records are written after the answer: each step waits for its own, so that the order is the steps'.
    let records: Record<string, unknown>[] = [];
    for (const [index, [path, init, status]] of steps.entries()) {
      const response = await fetch(`${server.baseUrl}${path}`, init);
      await response.arrayBuffer();
      expect(response.status, path).toBe(status);
      for (let i = 0; i < 50 && records.length <= index; i++) {
        records = await server.db.query(refusalsSince, [start]);
        if (records.length <= index) await new Promise((r) => setTimeout(r, 50));
      }
    }
    expect(records.map((r) => r.reason)).toEqual(steps.map(([, , , code]) => code));
    const byReason = (reason: string) => records.filter((r) => r.reason === reason);
    expect(byReason('role_forbidden')[0]).toMatchObject({
      entity_id: 'POST /api/incidents',
      actor_username: 'planner.city',
      actor_role: 'planner',
      client_address: expect.stringMatching(/127\.0\.0\.1/),
    });
    expect(byReason('csrf_token_invalid')[0]).toMatchObject({ actor_username: 'admin.city' });
    const credentials = byReason('authentication_required').map((r) => (r.after as { credential: { kind: string; fingerprint: string } }).credential);
    expect(credentials.map((c) => c.kind)).toEqual(['bearer', 'session_cookie']);
    for (const c of credentials) expect(c.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect((byReason('invalid_text')[0].after as { fields: string[] }).fields).toEqual(['query.q']);
    expect(byReason('too_many_requests')[0]).toMatchObject({ entity_id: 'POST /open311/v2/requests.json', actor_username: null });
    // Never the body, the query value or the credential.
    const all = JSON.stringify(records);
    expect(all).not.toContain(secretDescription);
    expect(all).not.toContain(badToken);
    expect(all).not.toContain('y'.repeat(40));

    // Readable like the rest of the audit log.
    const listed = await fetch(`${server.baseUrl}/api/audit?entityType=route&limit=50`, { headers: admin });
    expect(listed.status).toBe(200);
    const { records: listedRecords } = (await listed.json()) as { records: { action: string; reason: string }[] };
    expect(listedRecords.filter((r) => r.action === 'request.refused').map((r) => r.reason)).toContain('role_forbidden');
  });

  it('holds a flood to the rate guard and records how much it held back', async () => {
    const [{ id: start }] = await server.db.query<{ id: number }>(maxId);
    let now = Date.UTC(2026, 11, 7, 12, 0, 5);
    auditor = createRefusalAuditor({ db: server.db, logger: createLogger('silent'), now: () => now });
    const req = (ip: string) =>
      ({ ip, method: 'GET', path: '/api/units/search', baseUrl: '', headers: {}, res: { locals: {} } }) as unknown as Request;
    for (let i = 0; i < 1000; i++) auditor.record(req('10.0.0.1'), 403, 'role_forbidden');
    for (let i = 0; i < 5; i++) auditor.record(req('10.0.0.2'), 400, 'invalid_query');
    await auditor.settled();
    now += 60_000;
    auditor.record(req('10.0.0.1'), 403, 'role_forbidden');
    await auditor.settled();
    const records = await server.db.query<{ action: string; client_address: string; after: { suppressed?: number } }>(refusalsSince, [start]);
    const from1 = records.filter((r) => r.client_address === '10.0.0.1');
    expect(from1.filter((r) => r.action === 'request.refused')).toHaveLength(PER_ADDRESS_PER_MINUTE + 1);
    expect(from1.find((r) => r.action === 'request.refused_suppressed')?.after.suppressed).toBe(1000 - PER_ADDRESS_PER_MINUTE);
    expect(records.filter((r) => r.client_address === '10.0.0.2')).toHaveLength(5);
  });
});
