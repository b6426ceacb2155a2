/** Open311 GeoReport v2 contract tests on every database mode: services, create, fetch, list, errors. */
import gcoord from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { createDomainEvents, type DomainEvent } from '../events/domain-events.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { signIn } from '../../tests/support/test-auth.js';

const pickPoint = defineSql(
  'test.open311_point',
  `SELECT code, ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM units WHERE level = 'micro_grid' ORDER BY code DESC LIMIT 1`,
);
const storedReport = defineSql('test.open311_report', `SELECT source, reporter_name, reporter_phone FROM incident_reports WHERE incident_id = $1`);
const storedIncident = defineSql('test.open311_incident', `SELECT micro_grid_code, input_crs, source FROM incidents WHERE id = $1`);

describe.each(testDatabaseModes())('Open311 GeoReport v2 on %s', (mode) => {
  let server: TestServer;
  let point: { code: string; lon: number; lat: number };
  const url = (path: string) => `${server.baseUrl}/open311/v2${path}`;
  const events = createDomainEvents();
  const heard: DomainEvent[] = [];

  beforeAll(async () => {
    events.subscribe((e) => heard.push(e));
    server = await startTestServer(mode, { events });
    [point] = await server.db.query(pickPoint);
  });
  afterAll(() => server.close());

  it('lists services from the category table', async () => {
    const res = await fetch(url('/services.json'));
    expect(res.status).toBe(200);
    const services = await res.json();
    expect(services.map((s: { service_code: string }) => s.service_code)).toContain('city_management');
    expect(services[0]).toMatchObject({ metadata: false, type: 'realtime' });
    const english = await (await fetch(url('/services.json?lang=en&jurisdiction_id=nanjing'))).json();
    expect(english.find((s: { service_code: string }) => s.service_code === 'dispute').service_name).toBe('Dispute');
  });

  it('creates a request from a form post, locates it and keeps the reporter out of the public view', async () => {
    const body = new URLSearchParams({
      jurisdiction_id: 'nanjing',
      service_code: 'city_management',
      lat: String(point.lat),
      long: String(point.lon),
      address_string: '文苑路1号',
      description: '路灯不亮',
      first_name: '小明',
      last_name: '王',
      phone: '170-1234-5678',
    });
    const created = await fetch(url('/requests.json'), { method: 'POST', body });
    expect(created.status).toBe(201);
    const [{ service_request_id, service_notice }] = await created.json();
    expect(service_request_id).toMatch(/^\d+$/);
    expect(service_notice).toMatch(/NJ\d{8}-\d{7}/);
    const [incident] = await server.db.query(storedIncident, [Number(service_request_id)]);
    expect(incident).toMatchObject({ micro_grid_code: point.code, source: 'open311' });
    // Announced for the live screens, without any personal data.
    expect(heard).toContainEqual({ type: 'incident.changed', incidentId: Number(service_request_id), microGridCode: point.code, change: 'reported' });
    const [report] = await server.db.query(storedReport, [Number(service_request_id)]);
    expect(report).toMatchObject({ reporter_name: '王小明', reporter_phone: '170-1234-5678' });

    const fetched = await fetch(url(`/requests/${service_request_id}.json`));
    const [request] = await fetched.json();
    expect(request).toMatchObject({
      service_request_id,
      status: 'open',
      service_code: 'city_management',
      address: '文苑路1号',
      description: '路灯不亮',
    });
    expect(request.lat).toBeCloseTo(point.lat, 6);
    expect(JSON.stringify(request)).not.toMatch(/王|小明|1234/);
  });

  it('takes JSON and GCJ-02 coordinates (extension coordinate_system)', async () => {
    const [lon, lat] = gcoord.transform([point.lon, point.lat], gcoord.WGS84, gcoord.GCJ02) as number[];
    const created = await fetch(url('/requests.json'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service_code: 'environment', lat, long: lon, coordinate_system: 'gcj02', description: '河道漂浮物' }),
    });
    expect(created.status).toBe(201);
    const [{ service_request_id }] = await created.json();
    const [incident] = await server.db.query(storedIncident, [Number(service_request_id)]);
    expect(incident).toMatchObject({ micro_grid_code: point.code, input_crs: 'gcj02' });
  });

  it('lists requests with status, service and time filters', async () => {
    const all = await (await fetch(url('/requests.json'))).json();
    expect(all.length).toBeGreaterThanOrEqual(2);
    const open = await (await fetch(url('/requests.json?status=open&service_code=environment'))).json();
    expect(open.every((r: { status: string; service_code: string }) => r.status === 'open' && r.service_code === 'environment')).toBe(true);
    expect(open.length).toBeGreaterThanOrEqual(1);
    // The seeded history holds closed cases: the filter returns only those, and none of the open ones made here.
    const closed = await (await fetch(url('/requests.json?status=closed'))).json();
    expect(closed.every((r: { status: string }) => r.status === 'closed')).toBe(true);
    expect(closed.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(open[0].service_request_id);
    const future = await (await fetch(url('/requests.json?start_date=2100-01-01T00:00:00Z'))).json();
    expect(future).toEqual([]);
    const byId = await (await fetch(url(`/requests.json?service_request_id=${all[0].service_request_id}`))).json();
    expect(byId).toHaveLength(1);
  });

  it('answers errors in the standard format', async () => {
    const cases: [string, RequestInit | undefined, number][] = [
      ['/requests.json', { method: 'POST', body: new URLSearchParams({ lat: '32.1', long: '118.9', description: '无类型' }) }, 400],
      [
        '/requests.json',
        { method: 'POST', body: new URLSearchParams({ service_code: 'nope', lat: '32.1', long: '118.9', description: '未知类型' }) },
        400,
      ],
      [
        '/requests.json',
        { method: 'POST', body: new URLSearchParams({ service_code: 'dispute', lat: '39.9', long: '116.4', description: '北京' }) },
        422,
      ],
      ['/requests.json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken' }, 400],
      ['/requests/999999999.json', undefined, 404],
      ['/requests/abc.json', undefined, 400],
      ['/services.json?jurisdiction_id=beijing', undefined, 404],
      ['/requests.json?status=maybe', undefined, 400],
    ];
    for (const [path, init, status] of cases) {
      const res = await fetch(url(path), init);
      expect(res.status, path).toBe(status);
      const body = await res.json();
      expect(Array.isArray(body), path).toBe(true);
      expect(body[0]).toEqual({ code: status, description: expect.stringMatching(/^[a-z_]+: .+/) });
    }
  });
  it("shows the anonymous public only public cases: citizens' own and those a dispatcher marks public (decision 0003)", async () => {
    const dispatcher = { ...(await signIn(server.baseUrl, 'dispatcher.city')), 'content-type': 'application/json' };
    // A hotline case entered by a dispatcher: internal.
    const made = await fetch(`${server.baseUrl}/api/incidents`, {
      method: 'POST',
      headers: dispatcher,
      body: JSON.stringify({ category: 'environment', description: '热线：张三家门口垃圾', address: '仙林大道1号', lon: point.lon, lat: point.lat }),
    });
    expect(made.status).toBe(201);
    const internalId = String(((await made.json()) as { incident: { id: number } }).incident.id);
    expect((await fetch(url(`/requests/${internalId}.json`))).status).toBe(404);
    const listed = (await (await fetch(url(`/requests.json?service_request_id=${internalId}`))).json()) as unknown[];
    expect(listed).toEqual([]);
    // No internal case at all in the public list.
    const publicList = (await (await fetch(url('/requests.json'))).json()) as { service_request_id: string }[];
    const ids = publicList.map((r) => Number(r.service_request_id));
    const sources = await server.db.query<{ source: string; public_since: Date | null }>(
      defineSql('test.open311_sources', `SELECT source, public_since FROM incidents WHERE id = ANY ($1::bigint[])`),
      [ids],
    );
    for (const row of sources) expect(['open311', 'citizen_app'].includes(row.source) || row.public_since !== null).toBe(true);

    // Marked public by a dispatcher: readable, without the hotline caller's words.
    const mark = (value: boolean) =>
      fetch(`${server.baseUrl}/api/incidents/${internalId}/publicity`, {
        method: 'POST',
        headers: dispatcher,
        body: JSON.stringify({ public: value }),
      });
    expect((await mark(true)).status).toBe(200);
    const shown = (await (await fetch(url(`/requests/${internalId}.json`))).json()) as { description: string | null }[];
    expect(shown[0].description).toBeNull();
    expect((await mark(false)).status).toBe(200);
    expect((await fetch(url(`/requests/${internalId}.json`))).status).toBe(404);
    // Anonymous and read-only callers cannot mark.
    expect(
      (
        await fetch(`${server.baseUrl}/api/incidents/${internalId}/publicity`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"public":true}',
        })
      ).status,
    ).toBe(401);

    // A citizen's dispute (a sensitive category): their words, no address, a position to 0.01°.
    const form = new URLSearchParams({
      service_code: 'dispute',
      lat: String(point.lat),
      long: String(point.lon),
      description: '楼上噪音纠纷',
      address_string: '某小区3栋',
    });
    const created = (await (await fetch(url('/requests.json'), { method: 'POST', body: form })).json()) as { service_request_id: string }[];
    const [dispute] = (await (await fetch(url(`/requests/${created[0].service_request_id}.json`))).json()) as {
      description: string;
      address: string | null;
      lat: number;
      long: number;
    }[];
    expect(dispute.description).toBe('楼上噪音纠纷');
    expect(dispute.address).toBeNull();
    expect(dispute.lat).toBe(Math.round(point.lat * 100) / 100);
    expect(dispute.long).toBe(Math.round(point.lon * 100) / 100);
  });
});

describe.each(testDatabaseModes())('Open311 rate limit on %s', (mode) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(mode, { env: { OPEN311_RATE_LIMIT: '2' } });
  });
  afterAll(() => server.close());

  it('limits service requests per client address, in the standard error format', async () => {
    const post = () =>
      fetch(`${server.baseUrl}/open311/v2/requests.json`, {
        method: 'POST',
        body: new URLSearchParams({ service_code: 'nope', lat: '32.1', long: '118.9', description: '限流' }),
      });
    expect((await post()).status).toBe(400);
    expect((await post()).status).toBe(400);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual([{ code: 429, description: expect.stringMatching(/^too_many_requests: /) }]);
    // Reading is not limited.
    expect((await fetch(`${server.baseUrl}/open311/v2/services.json`)).status).toBe(200);
  });
});
