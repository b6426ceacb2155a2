/**
 * The audit log spec's cases for boundary plans, IoT credentials and rules, statistics publication and camera
 * imports (see audit-cases.ts).
 */
import type { AuditContext, AuditStep } from './audit-cases.js';
import { json, pickCommunity, pickSensor } from './audit-cases.js';

const NO_PLAN = 999_999_999;

export function planAndDeviceSteps({ server, admin, planner, mode, created }: AuditContext): Record<string, AuditStep[]> {
  const planStep = (path: string, action: string, body: unknown = {}) => ({
    run: () => fetch(`${server.baseUrl}/api/plans/${NO_PLAN}/${path}`, { method: 'POST', headers: json(planner), body: JSON.stringify(body) }),
    action,
    success: false,
  });
  return {
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
  };
}
