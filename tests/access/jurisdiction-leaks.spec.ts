/**
 * Route × role × jurisdiction, on every database mode: a caller never receives a unit, worker, camera or
 * sensor outside its jurisdiction, and never succeeds at an action its role lacks (0 leaks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_SCREEN_TOKEN } from '../../server/auth/bootstrap-accounts.js';
import { defineSql } from '../../server/db/database.js';
import { screenTokenHeaders, signIn } from '../support/test-auth.js';
import { testDatabaseModes } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { findLeaks } from './leak-check.js';
import { decodeTile, getRaw } from '../support/tile-test-support.js';
import { tileContaining } from '../../server/tiles/tile-address.js';

interface Identity {
  name: string;
  role: string;
  jurisdiction: string;
  /** A field worker also sees the cases assigned to them wherever they are (policy incidents_scope, 0005). */
  workerCode?: string;
  headers: Record<string, string>;
}

const ACCOUNTS: [string, string, string][] = [
  ['admin.city', 'admin', 'city'],
  ['admin.xianlin', 'admin', '320113007'],
  ['dispatcher.city', 'dispatcher', 'city'],
  ['dispatcher.qixia', 'dispatcher', '320113'],
  ['dispatcher.xianlin', 'dispatcher', '320113007'],
  ['dispatcher.xuanwu', 'dispatcher', '320102'],
  ['supervisor.xianlin', 'supervisor', '320113007'],
  ['planner.city', 'planner', 'city'],
];

const pickPoint = defineSql(
  'test.pick_point',
  `SELECT code, ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM units
    WHERE level = 'micro_grid' AND street_code = '320113007' ORDER BY code LIMIT 1`,
);
const workerJurisdiction = defineSql(
  'test.worker_account_jurisdiction',
  `SELECT jurisdiction_code, worker_code FROM accounts WHERE username = 'worker.xianlin'`,
);

const XIANLIN_AREA = {
  type: 'Polygon',
  coordinates: [
    [
      [118.9, 32.08],
      [118.98, 32.08],
      [118.98, 32.13],
      [118.9, 32.13],
      [118.9, 32.08],
    ],
  ],
};

describe.each(testDatabaseModes())('jurisdiction and roles on %s', (mode) => {
  let server: TestServer;
  const identities: Identity[] = [];
  let point: { code: string; lon: number; lat: number };

  beforeAll(async () => {
    server = await startTestServer(mode);
    [point] = await server.db.query(pickPoint);
    for (const [name, role, jurisdiction] of ACCOUNTS) {
      identities.push({ name, role, jurisdiction, headers: await signIn(server.baseUrl, name) });
    }
    const [worker] = await server.db.query<{ jurisdiction_code: string; worker_code: string }>(workerJurisdiction);
    identities.push({
      name: 'worker.xianlin',
      role: 'field_worker',
      jurisdiction: worker.jurisdiction_code,
      workerCode: worker.worker_code,
      headers: await signIn(server.baseUrl, 'worker.xianlin'),
    });
    identities.push({
      name: 'screen.xianlin',
      role: 'screen',
      jurisdiction: '320113007',
      headers: { authorization: `Bearer ${DEVELOPMENT_SCREEN_TOKEN}` },
    });
    identities.push({ name: 'screen.xuanwu', role: 'screen', jurisdiction: '320102', headers: await screenTokenHeaders(server.db, '320102') });
    // The same kind of token as a GIS client sends it: HTTP Basic, the token as the password (server/auth/authenticate.ts).
    const xuanwuToken = (await screenTokenHeaders(server.db, '320102')).authorization.slice('Bearer '.length);
    identities.push({
      name: 'screen.xuanwu.basic',
      role: 'screen',
      jurisdiction: '320102',
      headers: { authorization: `Basic ${Buffer.from(`qgis:${xuanwuToken}`).toString('base64')}` },
    });
    // An incident in 仙林街道, so that the incident routes have a row to leak.
    const city = identities.find((i) => i.name === 'dispatcher.city')!;
    const created = await fetch(`${server.baseUrl}/api/incidents`, {
      method: 'POST',
      headers: { ...city.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'dispute', description: '泄漏测试', lon: point.lon, lat: point.lat }),
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => server.close());

  const readRoutes = () => [
    `/api/locate?lon=${point.lon}&lat=${point.lat}`,
    '/api/units/320113',
    '/api/units/320113/children',
    '/api/units/320113007',
    '/api/units/320113007/children',
    `/api/units/${point.code}/ancestors`,
    `/api/units/search?q=${encodeURIComponent('社区')}&limit=100`,
    '/api/units/search?q=3201&limit=100',
    ...['districts', 'streets', 'communities', 'grids', 'micro_grids', 'cameras', 'sensors', 'workers'].map(
      (c) => `/ogc/collections/${c}/items?limit=10000`,
    ),
    '/api/accounts',
    '/api/screen-tokens',
    '/api/audit?limit=1000',
    '/api/incidents?state=all&limit=500',
  ];

  it('signs every identity in as its role and jurisdiction (Bearer and HTTP Basic screen tokens alike)', async () => {
    for (const who of identities) {
      const res = await fetch(`${server.baseUrl}/api/auth/me`, { headers: who.headers });
      expect(res.status, who.name).toBe(200);
      const { account } = (await res.json()) as { account: { role: string; jurisdiction: string } };
      expect([who.name, account.role, account.jurisdiction]).toEqual([who.name, who.role, who.jurisdiction]);
    }
    const wrong = `Basic ${Buffer.from('qgis:gst_not-a-real-token-at-all-0000').toString('base64')}`;
    expect((await fetch(`${server.baseUrl}/api/auth/me`, { headers: { authorization: wrong } })).status).toBe(401);
  });

  it('never returns a row outside the caller’s jurisdiction', async () => {
    const leaks: string[] = [];
    let checkedRows = 0;
    for (const who of identities) {
      for (const path of readRoutes()) {
        const res = await fetch(`${server.baseUrl}${path}`, { headers: who.headers });
        expect(res.status, `${who.name} ${path}`).toBeLessThan(500);
        if (res.status !== 200) continue;
        let body = await res.json();
        // The one row a field worker may see outside their grid: a case assigned to them (the history seed hands
        // cases to workers of the community and street too). Anything else is still a leak.
        if (who.workerCode && Array.isArray(body?.incidents)) {
          body = { ...body, incidents: body.incidents.filter((i: { assigned_worker_code?: string }) => i.assigned_worker_code !== who.workerCode) };
        }
        checkedRows += JSON.stringify(body).length > 2 ? 1 : 0;
        for (const leak of findLeaks(who.jurisdiction, body)) leaks.push(`${who.name} ${path}: ${leak}`);
      }
    }
    expect(leaks.slice(0, 20)).toEqual([]);
    expect(checkedRows).toBeGreaterThan(50);
  });

  it('never puts a feature outside the caller’s jurisdiction into a vector tile', async () => {
    const leaks: string[] = [];
    let features = 0;
    for (const z of [12, 14]) {
      const { x, y } = tileContaining(point.lon, point.lat, z);
      for (const who of identities) {
        const res = await getRaw(
          `${server.baseUrl}/tiles/districts,streets,communities,grids,micro_grids,unit_boundaries,unit_labels,workers,cameras,sensors/${z}/${x}/${y}`,
          who.headers,
        );
        expect(res.status, `${who.name} z${z}`).toBeLessThan(300);
        if (res.status === 204) continue;
        const layers = decodeTile(res.body);
        const rows = Object.values(layers).flatMap((l) => l.features.map((f) => f.properties));
        features += rows.length;
        for (const leak of findLeaks(who.jurisdiction, rows)) leaks.push(`${who.name} z${z}: ${leak}`);
      }
    }
    expect(leaks.slice(0, 20)).toEqual([]);
    expect(features).toBeGreaterThan(100);
  });

  it('shows a Xianlin dispatcher only Xianlin and a Xuanwu dispatcher nothing of it', async () => {
    const xianlin = identities.find((i) => i.name === 'dispatcher.xianlin')!;
    const xuanwu = identities.find((i) => i.name === 'dispatcher.xuanwu')!;
    const streets = await (await fetch(`${server.baseUrl}/api/units/320113/children`, { headers: xianlin.headers })).json();
    expect(streets.children.map((c: { code: string }) => c.code)).toEqual(['320113007']);
    expect((await fetch(`${server.baseUrl}/api/units/320113007`, { headers: xuanwu.headers })).status).toBe(404);
    const located = await fetch(`${server.baseUrl}/api/locate?lon=${point.lon}&lat=${point.lat}`, { headers: xuanwu.headers });
    expect(located.status).toBe(404);
    expect((await located.json()).code).toBe('outside_jurisdiction');
    const post = (who: Identity) =>
      fetch(`${server.baseUrl}/api/spatial/summary`, {
        method: 'POST',
        headers: { ...who.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ geometry: XIANLIN_AREA }),
      }).then((r) => r.json());
    const seen = await post(xianlin);
    const unseen = await post(xuanwu);
    expect(seen.microGrids).toBeGreaterThan(100);
    expect(seen.workers).toBeGreaterThan(100);
    expect(unseen).toMatchObject({ microGrids: 0, workers: 0, cameras: 0, sensors: 0, households: 0 });
  });

  it('refuses every action a role lacks, and everything to a screen token', async () => {
    const attempts: string[] = [];
    for (const who of identities) {
      const send = (method: string, path: string, body?: unknown) =>
        fetch(`${server.baseUrl}${path}`, {
          method,
          headers: { ...who.headers, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const jurisdictionCode = who.jurisdiction === 'city' ? null : who.jurisdiction;
      const created = await send('POST', '/api/accounts', {
        username: `t-${who.name.replace('.', '-')}-${mode}`,
        displayName: 'test',
        password: 'a-long-test-password',
        role: 'dispatcher',
        jurisdictionCode,
      });
      const token = await send('POST', '/api/screen-tokens', { label: 'wall', jurisdictionCode });
      const verify = await fetch(`${server.baseUrl}/api/audit/verify`, { headers: who.headers });
      const statuses = [created.status, token.status, verify.status];
      if (who.role === 'admin') {
        expect(statuses, who.name).toEqual([201, 201, 200]);
      } else {
        expect(statuses, who.name).toEqual([403, 403, 403]);
        attempts.push(who.name);
      }
    }
    expect(attempts.length).toBe(identities.length - 2);
  });

  it('keeps an administrator inside their own jurisdiction', async () => {
    const admin = identities.find((i) => i.name === 'admin.xianlin')!;
    const res = await fetch(`${server.baseUrl}/api/accounts`, {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        username: `t-outside-${mode}`,
        displayName: 'x',
        password: 'a-long-test-password',
        role: 'dispatcher',
        jurisdictionCode: '320102',
      }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('outside_jurisdiction');
    const accounts = await (await fetch(`${server.baseUrl}/api/accounts`, { headers: admin.headers })).json();
    const names = accounts.accounts.map((a: { username: string }) => a.username);
    expect(names).toContain('dispatcher.xianlin');
    expect(names).not.toContain('dispatcher.xuanwu');
    expect(names).not.toContain('dispatcher.city');
  });

  // Last, because it changes this copy of the database: without row-level security the same requests
  // leak — the protection is in PostgreSQL, not in a WHERE clause of the routes.
  it('detects the leak when row-level security is switched off (control)', async () => {
    const xuanwu = identities.find((i) => i.name === 'dispatcher.xuanwu')!;
    await server.db.execScript('test.disable_rls', 'ALTER TABLE workers DISABLE ROW LEVEL SECURITY');
    const body = await (await fetch(`${server.baseUrl}/ogc/collections/workers/items?limit=100`, { headers: xuanwu.headers })).json();
    await server.db.execScript('test.enable_rls', 'ALTER TABLE workers ENABLE ROW LEVEL SECURITY');
    expect(findLeaks('320102', body).length).toBeGreaterThan(0);
  });

  it('requires the CSRF token for a session’s state changes', async () => {
    const admin = identities.find((i) => i.name === 'admin.city')!;
    const res = await fetch(`${server.baseUrl}/api/screen-tokens`, {
      method: 'POST',
      headers: { cookie: admin.headers.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'no csrf', jurisdictionCode: null }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('csrf_token_invalid');
  });
});
