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
import { PNG } from '../support/test-images.js';

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

const pickPlace = defineSql(
  'test.pick_audit_place',
  `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM units WHERE level = 'micro_grid' ORDER BY code LIMIT 1`,
);

const pickCamera = defineSql('test.pick_audit_camera', `SELECT code FROM cameras ORDER BY code LIMIT 1`);
const pickCommunity = defineSql(
  'test.pick_audit_community',
  `SELECT code FROM units WHERE level = 'community' AND code LIKE '320113007%' ORDER BY code LIMIT 1`,
);
const pickSensor = defineSql('test.pick_audit_sensor', `SELECT code FROM sensors ORDER BY code LIMIT 1`);
const photoForm = (fields: Record<string, string>) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('photo', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'audit.png');
  return form;
};

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
  const json = (headers: Record<string, string>) => ({ ...headers, 'content-type': 'application/json' });

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
    const created: {
      id?: number;
      tokenId?: number;
      incidentId?: number;
      summonsId?: number;
      planId?: number;
      sensorCode?: string;
      importBatchId?: number;
    } = {};
    const planner = await signIn(server.baseUrl, 'planner.city');
    const NO_PLAN = 999_999_999;
    const planStep = (path: string, action: string, body: unknown = {}) => ({
      run: () => fetch(`${server.baseUrl}/api/plans/${NO_PLAN}/${path}`, { method: 'POST', headers: json(planner), body: JSON.stringify(body) }),
      action,
      success: false,
    });
    const cases: Record<string, { run: () => Promise<Response>; action: string; success: boolean }[]> = {
      'POST /api/auth/login': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/auth/login`, {
              method: 'POST',
              headers: json({}),
              body: JSON.stringify({ username: 'planner.city', password: 'wrong-password' }),
            }),
          action: 'auth.login',
          success: false,
        },
      ],
      'POST /api/accounts': [
        {
          run: async () => {
            const r = await fetch(`${server.baseUrl}/api/accounts`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({
                username: `audit-${mode}`,
                displayName: '审计测试',
                password: 'a-long-test-password',
                role: 'supervisor',
                jurisdictionCode: '320113007',
              }),
            });
            created.id = (await r.clone().json()).id;
            return r;
          },
          action: 'account.create',
          success: true,
        },
        {
          run: () =>
            fetch(`${server.baseUrl}/api/accounts`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({
                username: `audit-${mode}`,
                displayName: 'dup',
                password: 'a-long-test-password',
                role: 'supervisor',
                jurisdictionCode: '999999',
              }),
            }),
          action: 'account.create',
          success: false,
        },
      ],
      'PATCH /api/accounts/:id': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/accounts/${created.id}`, { method: 'PATCH', headers: json(admin), body: JSON.stringify({ active: false }) }),
          action: 'account.update',
          success: true,
        },
      ],
      'POST /api/screen-tokens': [
        {
          run: async () => {
            const r = await fetch(`${server.baseUrl}/api/screen-tokens`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ label: '大屏', jurisdictionCode: '320113' }),
            });
            created.tokenId = (await r.clone().json()).id;
            return r;
          },
          action: 'screen_token.create',
          success: true,
        },
      ],
      'DELETE /api/screen-tokens/:id': [
        {
          run: () => fetch(`${server.baseUrl}/api/screen-tokens/${created.tokenId}`, { method: 'DELETE', headers: admin }),
          action: 'screen_token.revoke',
          success: true,
        },
        {
          run: () => fetch(`${server.baseUrl}/api/screen-tokens/${created.tokenId}`, { method: 'DELETE', headers: admin }),
          action: 'screen_token.revoke',
          success: false,
        },
      ],
      'POST /api/incidents': [
        {
          run: async () => {
            const [place] = await server.db.query<{ lon: number; lat: number }>(pickPlace);
            const r = await fetch(`${server.baseUrl}/api/incidents`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ category: 'dispute', description: '审计', lon: place.lon, lat: place.lat }),
            });
            created.incidentId = (await r.clone().json()).incident.id;
            return r;
          },
          action: 'incident.create',
          success: true,
        },
      ],
      'POST /api/incidents/:id/merge': [
        {
          run: async () => {
            const [place] = await server.db.query<{ lon: number; lat: number }>(pickPlace);
            const dup = await fetch(`${server.baseUrl}/api/incidents`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ category: 'dispute', description: '重复', lon: place.lon, lat: place.lat }),
            });
            const { incident } = await dup.json();
            return fetch(`${server.baseUrl}/api/incidents/${incident.id}/merge`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ into: created.incidentId }),
            });
          },
          action: 'incident.merge',
          success: true,
        },
      ],
      'POST /open311/v2/requests.json': [
        {
          run: async () => {
            const [place] = await server.db.query<{ lon: number; lat: number }>(pickPlace);
            return fetch(`${server.baseUrl}/open311/v2/requests.json`, {
              method: 'POST',
              body: new URLSearchParams({ service_code: 'environment', lat: String(place.lat), long: String(place.lon), description: '公众上报' }),
            });
          },
          action: 'incident.create',
          success: true,
        },
      ],
      'POST /api/incidents/:id/events': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/incidents/${created.incidentId}/events`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ type: 'accept' }),
            }),
          action: 'incident.accept',
          success: true,
        },
        {
          run: () =>
            fetch(`${server.baseUrl}/api/incidents/${created.incidentId}/events`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ type: 'close' }),
            }),
          action: 'incident.close',
          success: false,
        },
      ],
      'POST /api/incidents/:id/summons': [
        {
          run: async () => {
            const r = await fetch(`${server.baseUrl}/api/incidents/${created.incidentId}/summons`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ departmentCode: 'urban_management', note: '审计吹哨' }),
            });
            created.summonsId = (await r.clone().json()).summons.id;
            return r;
          },
          action: 'incident.summon',
          success: true,
        },
        {
          run: () =>
            fetch(`${server.baseUrl}/api/incidents/${created.incidentId}/summons`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ departmentCode: 'no_such_department', note: '审计吹哨' }),
            }),
          action: 'incident.summon',
          success: false,
        },
      ],
      'POST /api/incidents/:id/summons/:summonsId/report': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/incidents/${created.incidentId}/summons/${created.summonsId}/report`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ note: '已到场处置' }),
            }),
          action: 'incident.summons_report',
          success: true,
        },
      ],
      'POST /api/incidents/:id/escalate': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/incidents/${created.incidentId}/escalate`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ reason: '审计升级' }),
            }),
          action: 'incident.escalate',
          success: true,
        },
      ],
      'POST /api/incidents/:id/publicity': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/incidents/${created.incidentId}/publicity`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ public: true }),
            }),
          action: 'incident.publicity',
          success: true,
        },
        {
          run: () =>
            fetch(`${server.baseUrl}/api/incidents/999999999/publicity`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ public: true }),
            }),
          action: 'incident.publicity',
          success: false,
        },
      ],
      'POST /api/incidents/:id/photos': [
        {
          run: () => fetch(`${server.baseUrl}/api/incidents/${created.incidentId}/photos`, { method: 'POST', headers: admin, body: photoForm({}) }),
          action: 'incident.photo_attach',
          success: true,
        },
      ],
      'POST /api/patrol-reports': [
        {
          run: async () =>
            fetch(`${server.baseUrl}/api/patrol-reports`, {
              method: 'POST',
              headers: await signIn(server.baseUrl, 'worker.xianlin'),
              body: photoForm({ category: 'environment', description: '巡查发现垃圾堆放' }),
            }),
          action: 'incident.create',
          success: true,
        },
      ],
      'POST /api/alarms': [
        {
          run: async () => {
            const [camera] = await server.db.query<{ code: string }>(pickCamera);
            return fetch(`${server.baseUrl}/api/alarms`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ source: 'video_ai', deviceCode: camera.code, category: 'public_order', description: '视频AI识别：人员聚集' }),
            });
          },
          action: 'incident.alarm',
          success: true,
        },
      ],
      'POST /api/field/duty': [
        {
          run: async () =>
            fetch(`${server.baseUrl}/api/field/duty`, {
              method: 'POST',
              headers: json(await signIn(server.baseUrl, 'worker.xianlin')),
              body: JSON.stringify({ onDuty: true }),
            }),
          action: 'worker.duty',
          success: true,
        },
      ],
      'POST /api/field/cases/:id/arrive': [
        {
          // Not the worker's case: refused, and the refusal recorded.
          run: async () =>
            fetch(`${server.baseUrl}/api/field/cases/${created.incidentId}/arrive`, {
              method: 'POST',
              headers: json(await signIn(server.baseUrl, 'worker.xianlin')),
              body: JSON.stringify({ lon: 118.93, lat: 32.1 }),
            }),
          action: 'incident.arrive',
          success: false,
        },
      ],
      'POST /api/auth/screen-session': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/auth/screen-session`, {
              method: 'POST',
              headers: json({}),
              body: JSON.stringify({ token: 'gst_development-screen-token-xianlin' }),
            }),
          action: 'auth.screen_session',
          success: true,
        },
        {
          run: () =>
            fetch(`${server.baseUrl}/api/auth/screen-session`, {
              method: 'POST',
              headers: json({}),
              body: JSON.stringify({ token: 'gst_not-a-token-of-this-city-000000' }),
            }),
          action: 'auth.screen_session',
          success: false,
        },
      ],
      'POST /api/plans': [
        {
          run: async () => {
            const [community] = await server.db.query<{ code: string }>(pickCommunity);
            const r = await fetch(`${server.baseUrl}/api/plans`, {
              method: 'POST',
              headers: json(planner),
              body: JSON.stringify({ name: `审计方案 ${mode}`, scopeCode: community.code }),
            });
            created.planId = (await r.clone().json()).plan?.id;
            return r;
          },
          action: 'plan.create',
          success: true,
        },
      ],
      'PUT /api/plans/:id/edits': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/plans/${NO_PLAN}/edits`, { method: 'PUT', headers: json(planner), body: JSON.stringify({ edits: [] }) }),
          action: 'plan.edit',
          success: false,
        },
      ],
      'PUT /api/plans/:id/import': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/plans/${NO_PLAN}/import`, {
              method: 'PUT',
              headers: json(planner),
              body: JSON.stringify({ crs: 'wgs84', collection: { type: 'FeatureCollection', features: [] } }),
            }),
          action: 'plan.import',
          success: false,
        },
      ],
      'PUT /api/plans/:id/geopackage': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/plans/${NO_PLAN}/geopackage`, {
              method: 'PUT',
              headers: { ...planner, 'content-type': 'application/geopackage+sqlite3' },
              body: new Uint8Array(Buffer.from('SQLite format 3\u0000 not really a GeoPackage')),
            }),
          action: 'plan.import',
          success: false,
        },
      ],
      'POST /api/plans/:id/submit': [planStep('submit', 'plan.submit')],
      'POST /api/plans/:id/withdraw': [planStep('withdraw', 'plan.withdraw')],
      'POST /api/plans/:id/approve': [planStep('approve', 'plan.approve')],
      'POST /api/plans/:id/reject': [planStep('reject', 'plan.reject', { reason: '审计驳回' })],
      'POST /api/plans/:id/publish': [planStep('publish', 'plan.publish')],
      'POST /api/plans/:id/rollback': [planStep('rollback', 'plan.rollback')],
      'POST /api/iot/credentials': [
        {
          run: async () => {
            const [sensor] = await server.db.query<{ code: string }>(pickSensor);
            created.sensorCode = sensor.code;
            return fetch(`${server.baseUrl}/api/iot/credentials`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ kind: 'sensor', sensorCode: sensor.code }),
            });
          },
          action: 'iot.credential_issue',
          success: true,
        },
      ],
      'POST /api/iot/credentials/:id/revoke': [
        {
          run: () => fetch(`${server.baseUrl}/api/iot/credentials/999999999/revoke`, { method: 'POST', headers: json(admin), body: '{}' }),
          action: 'iot.credential_revoke',
          success: false,
        },
      ],
      'PUT /api/iot/sensors/:code/rules': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/iot/sensors/${created.sensorCode}/rules`, {
              method: 'PUT',
              headers: json(admin),
              body: JSON.stringify({ threshold: 80, hysteresis: 2, consecutive: 2, clearConsecutive: 2 }),
            }),
          action: 'iot.rules_override',
          success: true,
        },
      ],
      'DELETE /api/iot/sensors/:code/rules': [
        {
          run: () => fetch(`${server.baseUrl}/api/iot/sensors/${created.sensorCode}/rules`, { method: 'DELETE', headers: admin }),
          action: 'iot.rules_override_remove',
          success: true,
        },
      ],
      'POST /api/stats/publish': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/stats/publish`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ kind: 'scorecard', month: '2026-11' }),
            }),
          action: 'stats.publish',
          success: true,
        },
        {
          run: () =>
            fetch(`${server.baseUrl}/api/stats/publish`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ kind: 'scorecard', month: '2026-11' }),
            }),
          action: 'stats.publish',
          success: false,
        },
      ],
      'POST /api/cameras/imports': [
        {
          run: async () => {
            const r = await fetch(`${server.baseUrl}/api/cameras/imports?crs=wgs84&name=audit.csv`, {
              method: 'POST',
              headers: { ...admin, 'content-type': 'text/csv' },
              body: 'code,name,lon,lat,heading_deg\nAUD1,审计摄像机,118.93,32.1,90\n',
            });
            created.importBatchId = ((await r.clone().json()) as { id: number }).id;
            return r;
          },
          action: 'camera_import.create',
          success: true,
        },
        {
          run: () =>
            fetch(`${server.baseUrl}/api/cameras/imports?crs=wgs84`, {
              method: 'POST',
              headers: { ...admin, 'content-type': 'text/csv' },
              body: 'code,name\nAUD2,x\n',
            }),
          action: 'camera_import.create',
          success: false,
        },
      ],
      'POST /api/cameras/imports/:id/rows/:line/accept': [
        {
          run: () => fetch(`${server.baseUrl}/api/cameras/imports/999999999/rows/2/accept`, { method: 'POST', headers: json(admin), body: '{}' }),
          action: 'camera_import.accept',
          success: false,
        },
      ],
      'POST /api/cameras/imports/:id/rows/:line/move': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/cameras/imports/999999999/rows/2/move`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ lon: 118.93, lat: 32.1 }),
            }),
          action: 'camera_import.move',
          success: false,
        },
      ],
      'POST /api/cameras/imports/:id/rows/:line/reject': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/cameras/imports/${created.importBatchId}/rows/2/reject`, {
              method: 'POST',
              headers: json(admin),
              body: '{}',
            }),
          action: 'camera_import.reject',
          success: true,
        },
      ],
      'POST /api/cameras/imports/:id/bulk': [
        {
          run: () =>
            fetch(`${server.baseUrl}/api/cameras/imports/${created.importBatchId}/bulk`, {
              method: 'POST',
              headers: json(admin),
              body: JSON.stringify({ action: 'reject', flag: 'in_water' }),
            }),
          action: 'camera_import.bulk_reject',
          success: true,
        },
      ],
      'POST /api/auth/logout': [
        {
          run: async () => fetch(`${server.baseUrl}/api/auth/logout`, { method: 'POST', headers: await signIn(server.baseUrl, 'planner.city') }),
          action: 'auth.logout',
          success: true,
        },
      ],
    };
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
