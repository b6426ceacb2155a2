/**
 * The audit log: every state-changing route writes a record; the chain verifies; tampering with any row
 * is detected; the application role cannot change or delete records.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, withScope } from '../../server/db/database.js';
import { signIn } from '../support/test-auth.js';
import { testDatabaseModes } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { listApplicationRoutes } from './list-routes.js';
import { auditCases } from './audit-cases.js';

const lastRecord = defineSql(
  'test.last_audit_record',
  `SELECT id, action, entity_type, entity_id, success, reason, actor_username, client_address FROM audit_log ORDER BY id DESC LIMIT 1`,
);
const countRecords = defineSql('test.count_audit', `SELECT count(*)::int AS n FROM audit_log`);
const middleRecord = defineSql('test.middle_audit', `SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2`);
const tamperAfter = defineSql('test.tamper_after', `UPDATE audit_log SET after = '{"role":"admin"}'::jsonb WHERE id = $1`);
const deleteRecord = defineSql('test.delete_audit', `DELETE FROM audit_log WHERE id = $1`);
const appUpdate = defineSql('test.app_update_audit', `UPDATE audit_log SET success = true`);
const appDelete = defineSql('test.app_delete_audit', `DELETE FROM audit_log`);

/** POST-for-query routes that change nothing, so write no audit record. */
const READ_ONLY_POSTS = ['POST /api/spatial/summary'];
/** Telemetry: a phone's position every 30 s, like the simulator's moves, is not an audit record (server/field). */
const TELEMETRY_POSTS = ['POST /api/field/position'];
/** Ending a wall's session clears its cookie in the browser; nothing in the database changes (the exchange is audited). */
const COOKIE_ONLY_POSTS = ['POST /api/auth/screen-session/end'];

describe.each(testDatabaseModes())('audit log on %s', (mode) => {
  let server: TestServer;
  let admin: Record<string, string>;
  let uploadDir: string;

  beforeAll(async () => {
    // The photo routes write files: into a directory of this test, not the project's data/uploads.
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-audit-uploads-'));
    server = await startTestServer(mode, { env: { UPLOAD_DIR: uploadDir } });
    admin = await signIn(server.baseUrl, 'admin.city');
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  it('writes a record for every state-changing route, success and failure', async () => {
    const planner = await signIn(server.baseUrl, 'planner.city');
    const cases = auditCases(server, admin, planner, mode);
    // Every state-changing route of the application has a case here: a new one fails this test until it does.
    const changing = listApplicationRoutes()
      .filter((r) => r.method !== 'GET' && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !READ_ONLY_POSTS.includes(r) && !TELEMETRY_POSTS.includes(r) && !COOKIE_ONLY_POSTS.includes(r));
    expect(Object.keys(cases).sort()).toEqual([...new Set(changing)].sort());

    for (const [route, steps] of Object.entries(cases)) {
      for (const step of steps) {
        const [{ n: before }] = await server.db.query<{ n: number }>(countRecords);
        const response = await step.run();
        expect(response.status < 400, `${route} status ${response.status}`).toBe(step.success);
        const [{ n: after }] = await server.db.query<{ n: number }>(countRecords);
        const [last] = await server.db.query<Record<string, unknown>>(lastRecord);
        expect(after, route).toBeGreaterThan(before);
        expect(last, route).toMatchObject({ action: step.action, success: step.success });
        expect(last.client_address, route).toMatch(/127\.0\.0\.1/);
      }
    }
  });

  it('verifies an intact chain', async () => {
    const res = await fetch(`${server.baseUrl}/api/audit/verify`, { headers: admin });
    const body = await res.json();
    expect(body).toMatchObject({ intact: true, firstBrokenId: null });
    expect(body.checked).toBeGreaterThan(5);
  });

  it('queries by entity and by actor', async () => {
    const byEntity = await (await fetch(`${server.baseUrl}/api/audit?entityType=screen_token&limit=10`, { headers: admin })).json();
    expect(byEntity.records.length).toBeGreaterThan(0);
    for (const r of byEntity.records) expect(r.entity_type).toBe('screen_token');
    const bad = await fetch(`${server.baseUrl}/api/audit?from=yesterday`, { headers: admin });
    expect(bad.status).toBe(400);
  });

  it('does not let the application role update or delete a record', async () => {
    const scope = { jurisdiction: 'city', accountId: null, role: 'admin' };
    await expect(withScope(server.db, scope, (tx) => tx.query(appUpdate))).rejects.toMatchObject({ sqlState: '42501' });
    await expect(withScope(server.db, scope, (tx) => tx.query(appDelete))).rejects.toMatchObject({ sqlState: '42501' });
    // Nor the owner, while the append-only triggers are on.
    await expect(server.db.query(appDelete)).rejects.toBeTruthy();
  });

  it('detects a tampered row and a deleted row, naming the first broken one', async () => {
    const [{ id }] = await server.db.query<{ id: number }>(middleRecord);
    await server.db.execScript('test.disable_audit_triggers', 'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
    await server.db.query(tamperAfter, [id]);
    let body = await (await fetch(`${server.baseUrl}/api/audit/verify`, { headers: admin })).json();
    expect(body).toMatchObject({ intact: false, firstBrokenId: id, reason: 'content_hash_mismatch' });

    await server.db.query(deleteRecord, [id]);
    body = await (await fetch(`${server.baseUrl}/api/audit/verify`, { headers: admin })).json();
    expect(body).toMatchObject({ intact: false, reason: 'prev_hash_mismatch' });
    expect(body.firstBrokenId).toBeGreaterThan(id);
    await server.db.execScript('test.enable_audit_triggers', 'ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
  });
});
