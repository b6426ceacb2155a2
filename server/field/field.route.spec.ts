/**
 * The field app's API on the seeded Xianlin subset, on every database mode: duty and positions (announced to the
 * live channel), the offer as the phone sees it, the road route to the case, "on scene" refused far from the
 * case and accepted near it (both routes), history; and Idempotency-Key replays on a patrol report and a step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { createDomainEvents, type DomainEvent } from '../events/domain-events.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { callRoute } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import { JPEG } from '../../tests/support/test-images.js';
import { fieldArriveRoute, fieldDutyRoute, fieldHistoryRoute, fieldMeRoute, fieldPositionRoute, fieldRouteRoute } from './field-contract.js';
import { createIncidentRoute, incidentEventRoute } from '../incidents/incidents-contract.js';

/** The worker behind worker.xianlin, a point of their grid (a micro-grid's label point) and one 1.5 km east of it. */
const workerPlace = defineSql(
  'test.field_place',
  `SELECT w.code, w.home_unit_code, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat
     FROM accounts a JOIN workers w ON w.code = a.worker_code JOIN units m ON m.code = w.home_unit_code
    WHERE a.username = 'worker.xianlin'`,
);
const countIncidentsWithDescription = defineSql('test.field_count_description', `SELECT count(*)::int AS n FROM incidents WHERE description = $1`);
const countKeys = defineSql('test.field_count_keys', `SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1`);

describe.each(testDatabaseModes())('field app API on %s', (mode) => {
  let server: TestServer;
  const events = createDomainEvents();
  const heard: DomainEvent[] = [];
  let place: { code: string; home_unit_code: string; lon: number; lat: number };
  let worker: Record<string, string>;
  let dispatcher: Record<string, string>;

  const call = <R extends ApiRoute>(route: R, url: string, headers: Record<string, string>, body?: unknown) =>
    callRoute(server.baseUrl, route, url, headers, body);
  const newCase = async (lon: number, lat: number, description: string) => {
    const created = await call(createIncidentRoute, '/api/incidents', dispatcher, { category: 'city_management', description, lon, lat });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.incident.id as number;
    expect((await call(incidentEventRoute, `/api/incidents/${id}/events`, dispatcher, { type: 'accept' })).status).toBe(200);
    const dispatched = await call(incidentEventRoute, `/api/incidents/${id}/events`, dispatcher, { type: 'dispatch', workerCode: place.code });
    expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
    return id;
  };

  beforeAll(async () => {
    events.subscribe((e) => heard.push(e));
    server = await startTestServer(mode, { events, env: { ARRIVE_RADIUS_M: '150' } });
    [place] = await server.db.query(workerPlace);
    worker = await signIn(server.baseUrl, 'worker.xianlin');
    dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('goes on duty, reports positions (server time, announced as worker.moved), refuses them off duty and bad ones', async () => {
    const off = await call(fieldDutyRoute, '/api/field/duty', worker, { onDuty: false });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect((await call(fieldPositionRoute, '/api/field/position', worker, { lon: place.lon, lat: place.lat })).body.code).toBe('off_duty');
    expect((await call(fieldDutyRoute, '/api/field/duty', worker, { onDuty: true })).body).toEqual({ dutyStatus: 'on_duty' });
    heard.length = 0;
    const moved = await call(fieldPositionRoute, '/api/field/position', worker, { lon: place.lon, lat: place.lat, accuracy: 12 });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.microGridCode).toBe(place.home_unit_code);
    expect(heard).toEqual([
      { type: 'worker.moved', workerCode: place.code, microGridCode: place.home_unit_code, lon: place.lon, lat: place.lat, at: moved.body.at },
    ]);
    const me = await call(fieldMeRoute, '/api/field/me', worker);
    expect(me.body.worker).toMatchObject({ code: place.code, dutyStatus: 'on_duty', position: { lon: place.lon, lat: place.lat } });
    expect(me.body.task).toBeNull();
    expect(me.body.arriveRadiusMetres).toBe(150);
    expect(Math.abs(Date.parse(me.body.serverTime) - Date.now())).toBeLessThan(60_000);
    const bad = await call(fieldPositionRoute, '/api/field/position', worker, { lon: 'x', lat: 32 });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_position');
    expect((await call(fieldPositionRoute, '/api/field/position', dispatcher, { lon: place.lon, lat: place.lat })).status).toBe(403);
  });

  it('shows the offer with its deadline, routes to it, refuses "on scene" far away and takes it near, then resolves', async () => {
    // The case 600 m east of the worker's point: beyond the 150 m radius.
    const caseLon = place.lon + 0.0064;
    const id = await newCase(caseLon, place.lat, '现场核查：井盖缺失');
    const me = await call(fieldMeRoute, '/api/field/me', worker);
    expect(me.body.task).toMatchObject({
      id,
      state: 'dispatched',
      offer_acknowledged: false,
      deadline_stage: 'acknowledge',
      category: 'city_management',
    });
    expect(Date.parse(me.body.task?.deadline_at ?? '')).toBeGreaterThan(Date.parse(me.body.serverTime));
    expect((await call(fieldDutyRoute, '/api/field/duty', worker, { onDuty: false })).body.code).toBe('case_in_hand');

    const route = await call(fieldRouteRoute, '/api/field/route', worker);
    expect(route.status, JSON.stringify(route.body)).toBe(200);
    expect(route.body.incidentId).toBe(id);
    expect(route.body.straightLineMetres).toBeGreaterThan(500);
    if (route.body.reachable) {
      expect(route.body.metres).toBeGreaterThanOrEqual(route.body.straightLineMetres * 0.9);
      expect(route.body.seconds).toBeGreaterThan(0);
      expect(route.body.coordinates.length).toBeGreaterThanOrEqual(2);
    }

    expect((await call(incidentEventRoute, `/api/incidents/${id}/events`, worker, { type: 'acknowledge' })).status).toBe(200);
    const far = await call(fieldArriveRoute, `/api/field/cases/${id}/arrive`, worker, { lon: place.lon, lat: place.lat });
    expect(far.status).toBe(422);
    expect(far.body).toMatchObject({ code: 'too_far_from_case', details: { radiusMetres: 150 } });
    expect(far.body.details?.distanceMetres).toBeGreaterThan(500);
    // The generic route checks the last reported position the same way.
    const farGeneric = await call(incidentEventRoute, `/api/incidents/${id}/events`, worker, { type: 'arrive' });
    expect(farGeneric.status).toBe(422);
    expect(farGeneric.body.code).toBe('too_far_from_case');

    const near = await call(fieldArriveRoute, `/api/field/cases/${id}/arrive`, worker, { lon: caseLon + 0.0005, lat: place.lat });
    expect(near.status, JSON.stringify(near.body)).toBe(200);
    expect(near.body.state).toBe('on_scene');
    const resolved = await call(incidentEventRoute, `/api/incidents/${id}/events`, worker, { type: 'resolve', note: '已更换井盖' });
    expect(resolved.body.state).toBe('resolved');
    const history = await call(fieldHistoryRoute, '/api/field/history', worker);
    expect(history.body.cases[0]).toMatchObject({ id, state: 'resolved', resolved_by_me: true });
    expect((await call(fieldMeRoute, '/api/field/me', worker)).body.task).toBeNull();
    expect((await call(fieldRouteRoute, '/api/field/route', worker)).body.code).toBe('no_current_case');
  });

  it('replays a patrol report sent twice with one Idempotency-Key: one case, the same answer', async () => {
    const key = crypto.randomUUID();
    const description = `断网补发 ${key.slice(0, 8)}`;
    const send = () => {
      const form = new FormData();
      form.append('category', 'city_management');
      form.append('description', description);
      form.append('lon', String(place.lon));
      form.append('lat', String(place.lat));
      form.append('photo', new Blob([new Uint8Array(JPEG)], { type: 'image/jpeg' }), 'p.jpg');
      return fetch(`${server.baseUrl}/api/patrol-reports`, { method: 'POST', headers: { ...worker, 'idempotency-key': key }, body: form });
    };
    const first = await send();
    const firstBody = await first.json();
    expect(first.status, JSON.stringify(firstBody)).toBe(201);
    const second = await send();
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(firstBody);
    const [{ n }] = await server.db.query<{ n: number }>(countIncidentsWithDescription, [description]);
    expect(n).toBe(1);
    // The same key on another route is refused; a malformed key too.
    const reused = await call(fieldDutyRoute, '/api/field/duty', { ...worker, 'idempotency-key': key }, { onDuty: true });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    expect((await call(fieldDutyRoute, '/api/field/duty', { ...worker, 'idempotency-key': 'short' }, { onDuty: true })).body.code).toBe(
      'invalid_idempotency_key',
    );
  });

  it('replays a refused step as refused (a case taken back stays a 403 not_the_assigned_worker) and frees no key on a 4xx', async () => {
    const id = await newCase(place.lon, place.lat + 0.0003, '重复步骤测试');
    expect((await call(incidentEventRoute, `/api/incidents/${id}/events`, dispatcher, { type: 'return', reason: '改派他人处理' })).status).toBe(200);
    const key = crypto.randomUUID();
    const first = await call(incidentEventRoute, `/api/incidents/${id}/events`, { ...worker, 'idempotency-key': key }, { type: 'acknowledge' });
    expect(first.status).toBe(403);
    expect(first.body.details?.reason).toBe('not_the_assigned_worker');
    const again = await call(incidentEventRoute, `/api/incidents/${id}/events`, { ...worker, 'idempotency-key': key }, { type: 'acknowledge' });
    expect(again.status).toBe(403);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    // Without the CSRF token the request is refused before any key is claimed.
    const other = crypto.randomUUID();
    const forged = await call(
      incidentEventRoute,
      `/api/incidents/${id}/events`,
      { cookie: worker.cookie, 'idempotency-key': other },
      { type: 'acknowledge' },
    );
    expect(forged.status).toBe(403);
    const [{ n }] = await server.db.query<{ n: number }>(countKeys, [other]);
    expect(n).toBe(0);
  });
});
