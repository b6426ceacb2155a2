/**
 * The audit log spec's cases (tests/access/audit-log.spec.ts): for every state-changing route of the application,
 * requests that succeed and fail, each with the audit action it must record. Steps run in order and share what the
 * earlier ones created (an account, a screen token, an incident, a summons, a plan, a sensor, a camera import).
 */
import { defineSql } from '../../server/db/database.js';
import { signIn } from '../support/test-auth.js';
import type { TestServer } from '../support/test-server.js';
import { PNG } from '../support/test-images.js';
import { planAndDeviceSteps } from './audit-cases-plans-devices.js';

export interface AuditStep {
  run: () => Promise<Response>;
  action: string;
  success: boolean;
}

/** What the steps run against, and what earlier steps created for later ones. */
export interface AuditContext {
  server: TestServer;
  admin: Record<string, string>;
  planner: Record<string, string>;
  mode: string;
  created: {
    id?: number;
    tokenId?: number;
    incidentId?: number;
    summonsId?: number;
    planId?: number;
    sensorCode?: string;
    importBatchId?: number;
  };
}

const pickPlace = defineSql(
  'test.pick_audit_place',
  `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM units WHERE level = 'micro_grid' ORDER BY code LIMIT 1`,
);

const pickCamera = defineSql('test.pick_audit_camera', `SELECT code FROM cameras ORDER BY code LIMIT 1`);
export const pickCommunity = defineSql(
  'test.pick_audit_community',
  `SELECT code FROM units WHERE level = 'community' AND code LIKE '320113007%' ORDER BY code LIMIT 1`,
);
export const pickSensor = defineSql('test.pick_audit_sensor', `SELECT code FROM sensors ORDER BY code LIMIT 1`);
const photoForm = (fields: Record<string, string>) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('photo', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'audit.png');
  return form;
};

export const json = (headers: Record<string, string>) => ({ ...headers, 'content-type': 'application/json' });

/** The cases by route ("METHOD /path"), for a server, an administrator's and a planner's headers. */
export function auditCases(
  server: TestServer,
  admin: Record<string, string>,
  planner: Record<string, string>,
  mode: string,
): Record<string, AuditStep[]> {
  const context: AuditContext = { server, admin, planner, mode, created: {} };
  return {
    ...peopleAndCaseSteps(context),
    ...planAndDeviceSteps(context),
    // Last: it ends a session.
    'POST /api/auth/logout': [
      {
        run: async () => fetch(`${server.baseUrl}/api/auth/logout`, { method: 'POST', headers: await signIn(server.baseUrl, 'planner.city') }),
        action: 'auth.logout',
        success: true,
      },
    ],
  };
}

/** Accounts, screens, incidents and their lifecycle, Open311, patrol, alarms and the field app. */
function peopleAndCaseSteps({ server, admin, mode, created }: AuditContext): Record<string, AuditStep[]> {
  return {
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
  };
}
