/**
 * The closed loop through the API on the seeded Xianlin subset, on every database mode: intake, grading,
 * duplicates, every step to closed with its timeline and audit, the double-booking race, time limits and
 * escalation with an injected clock, and jurisdiction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovableClock } from '../../tests/support/movable-clock.js';
import { defineSql } from '../db/database.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { escalateOverdueIncidents } from './escalation-scheduler.js';
import { reofferUnansweredOffers } from './offer-timeouts.js';
import { createRoadGraphStore } from '../routing/road-graph-store.js';
import { callRoute } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import { fieldPositionRoute } from '../field/field-contract.js';
import {
  createIncidentRoute,
  incidentDetailRoute,
  incidentEventRoute,
  listIncidentsRoute,
  mergeIncidentRoute,
  recommendationsRoute,
} from './incidents-contract.js';

const pickPlaces = defineSql(
  'test.pick_incident_places',
  `SELECT m.code, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat,
          (SELECT code FROM workers w WHERE w.home_unit_code = m.code AND w.duty_status <> 'off_duty' ORDER BY code LIMIT 1) AS worker
     FROM units m WHERE m.level = 'micro_grid' AND m.street_code = '320113007'
      AND EXISTS (SELECT 1 FROM workers w WHERE w.home_unit_code = m.code AND w.duty_status <> 'off_duty')
    ORDER BY (m.grid_code = (SELECT jurisdiction_code FROM accounts WHERE username = 'worker.xianlin')) DESC, m.code LIMIT 3`,
);
const fieldWorkerCode = defineSql('test.field_worker_code', `SELECT worker_code FROM accounts WHERE username = 'worker.xianlin'`);
const makeOnDuty = defineSql('test.make_on_duty', `UPDATE workers SET duty_status = 'on_duty' WHERE code = $1`);
const auditCount = defineSql(
  'test.incident_audit_count',
  `SELECT count(*)::int AS n FROM audit_log WHERE entity_type = 'incident' AND entity_id = $1 AND success`,
);
const incidentRow = defineSql('test.incident_row', `SELECT escalation_level, overdue, deadline_at, deadline_stage FROM incidents WHERE id = $1`);

describe.each(testDatabaseModes())('incidents on %s', (mode) => {
  let server: TestServer;
  const clock = new MovableClock(Date.parse('2026-11-23T08:00:00Z'));
  let places: { code: string; lon: number; lat: number; worker: string }[];
  let dispatcher: Record<string, string>;
  let supervisor: Record<string, string>;
  let worker: Record<string, string>;
  let workerCode: string;

  const call = <R extends ApiRoute>(route: R, path: string, headers: Record<string, string>, body?: unknown) =>
    callRoute(server.baseUrl, route, path, headers, body);
  const report = (place: { lon: number; lat: number }, extra: Record<string, unknown> = {}) =>
    call(createIncidentRoute, '/api/incidents', dispatcher, {
      category: 'city_management',
      description: '井盖缺失',
      lon: place.lon,
      lat: place.lat,
      reporter: { name: '张先生', phone: '170-0000-0001' },
      ...extra,
    });
  const send = (id: number, headers: Record<string, string>, event: Record<string, unknown>) =>
    call(incidentEventRoute, `/api/incidents/${id}/events`, headers, event);

  beforeAll(async () => {
    server = await startTestServer(mode, { clock });
    places = await server.db.query(pickPlaces);
    [{ worker_code: workerCode }] = await server.db.query<{ worker_code: string }>(fieldWorkerCode);
    await server.db.query(makeOnDuty, [workerCode]);
    dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    supervisor = await signIn(server.baseUrl, 'supervisor.xianlin');
    worker = await signIn(server.baseUrl, 'worker.xianlin');
  });
  afterAll(() => server.close());

  it('takes a hotline report: locates, grades, and suggests a duplicate for a second report nearby', async () => {
    const first = await report(places[0]);
    expect(first.status).toBe(201);
    expect(first.body.incident).toMatchObject({ state: 'reported', grade: 'blue', deadline_stage: 'accept' });
    expect(first.body.incident.number).toMatch(/^NJ20261123-\d{7}$/);
    expect(first.body.location.microGrid.code).toBe(places[0].code);
    expect(first.body.location.street).toEqual({ code: '320113007', name: '仙林街道' });
    expect(first.body.duplicates).toEqual([]);
    const second = await report({ lon: places[0].lon + 0.0002, lat: places[0].lat });
    expect(second.body.duplicates.map((d: { id: number }) => d.id)).toContain(first.body.incident.id);
    // Another category at the same place is no duplicate; an IoT alarm starts at the alarm grade.
    const alarm = await report(places[0], { category: 'fire_safety', source: 'iot' });
    expect(alarm.body.duplicates).toEqual([]);
    expect(alarm.body.incident.grade).toBe('red');
    const overridden = await report(places[1], { grade: 'orange' });
    expect(overridden.body.incident.grade).toBe('orange');
  });

  it('runs the whole loop to closed, each step in the timeline and the audit log', async () => {
    const { body } = await report(places[1], { category: 'safety_hazard' });
    const id = body.incident.id;
    const steps: [Record<string, string>, Record<string, unknown>, string][] = [
      [dispatcher, { type: 'accept' }, 'accepted'],
      [dispatcher, { type: 'dispatch', workerCode }, 'dispatched'],
      [worker, { type: 'acknowledge' }, 'dispatched'],
      [worker, { type: 'arrive' }, 'on_scene'],
      [worker, { type: 'resolve', note: '已设置警示标志，次日修复' }, 'resolved'],
      [supervisor, { type: 'verify' }, 'verified'],
      [dispatcher, { type: 'evaluate', satisfaction: 5 }, 'evaluated'],
      [dispatcher, { type: 'close' }, 'closed'],
    ];
    for (const [who, event, state] of steps) {
      clock.advanceMinutes(1);
      // "On scene" needs the worker's last reported position near the case (ARRIVE_RADIUS_M): report it first.
      if (event.type === 'arrive')
        expect((await call(fieldPositionRoute, '/api/field/position', worker, { lon: places[1].lon, lat: places[1].lat })).status).toBe(200);
      const res = await send(id, who, event);
      expect(res.status, `${String(event.type)}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.state).toBe(state);
    }
    const detail = await call(incidentDetailRoute, `/api/incidents/${id}`, dispatcher);
    expect(detail.body.timeline.map((t) => t.event)).toEqual(['reported', ...steps.map(([, e]) => e.type)]);
    expect(detail.body.reports?.[0]).toMatchObject({ reporter_name: '张先生' });
    expect(detail.body.incident).toMatchObject({ state: 'closed', satisfaction: 5, deadline_at: null });
    const [{ n }] = await server.db.query<{ n: number }>(auditCount, [String(id)]);
    expect(n).toBe(steps.length + 1);
    // The field worker sees the case but not who reported it.
    const asWorker = await call(incidentDetailRoute, `/api/incidents/${id}`, worker);
    expect(asWorker.body.reports).toBeNull();
  });

  it('refuses events out of order with a reason, and the handler verifying their own work', async () => {
    // places[0] lies in the field worker's own grid, so the worker sees the case.
    const { body } = await report(places[0], { category: 'environment' });
    const early = await send(body.incident.id, dispatcher, { type: 'close' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'transition_refused', details: { reason: 'event_not_allowed_in_state' } });
    const wrongRole = await send(body.incident.id, worker, { type: 'accept' });
    expect(wrongRole.status).toBe(403);
  });

  it('books a worker once when two dispatchers race for them', async () => {
    const a = (await report(places[2], { category: 'dispute', description: '邻里纠纷 A' })).body.incident.id;
    const b = (await report(places[0], { category: 'dispute', description: '邻里纠纷 B' })).body.incident.id;
    await send(a, dispatcher, { type: 'accept' });
    await send(b, dispatcher, { type: 'accept' });
    const other = await signIn(server.baseUrl, 'dispatcher.qixia');
    const results = await Promise.all([
      send(a, dispatcher, { type: 'dispatch', workerCode: places[2].worker }),
      send(b, other, { type: 'dispatch', workerCode: places[2].worker }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('worker_already_booked');
  });

  it('escalates an overdue case up the hierarchy, with deadlines that survive a restart', async () => {
    const { body } = await report(places[1], { category: 'public_order' });
    const id = body.incident.id;
    // orange: 10 minutes to accept.
    clock.advanceMinutes(9);
    expect((await escalateOverdueIncidents(server.db, clock)).map((e) => e.id)).not.toContain(id);
    // A restart: a new server on the same database still knows the deadline.
    const restarted = await startTestServer(mode, { db: server.db, clock });
    await restarted.close();
    clock.advanceMinutes(2);
    const first = await escalateOverdueIncidents(server.db, clock);
    expect(first).toContainEqual({ id, level: 1 });
    const [row] = await server.db.query<{ escalation_level: number; overdue: boolean; deadline_stage: string }>(incidentRow, [id]);
    expect(row).toMatchObject({ escalation_level: 1, overdue: true, deadline_stage: 'accept' });
    clock.advanceMinutes(11);
    expect(await escalateOverdueIncidents(server.db, clock)).toContainEqual({ id, level: 2 });
    clock.advanceMinutes(11);
    expect(await escalateOverdueIncidents(server.db, clock)).toContainEqual({ id, level: 2 });
    const detail = await call(incidentDetailRoute, `/api/incidents/${id}`, dispatcher);
    expect(detail.body.timeline.filter((t) => t.event === 'escalate').map((t) => t.detail?.escalatedTo)).toEqual(['street', 'district', 'district']);
    // Accepting it stops the clock of that stage.
    expect((await send(id, dispatcher, { type: 'accept' })).body).toMatchObject({ deadline_stage: 'dispatch' });
  });

  it('recommends the nearest suitable workers by road, and dispatches the first', async () => {
    const { body } = await report(places[1], { category: 'dispute', description: '推荐测试' });
    const id = body.incident.id;
    const rec = await call(recommendationsRoute, `/api/incidents/${id}/recommendations?limit=5`, dispatcher);
    expect(rec.status, JSON.stringify(rec.body)).toBe(200);
    expect(rec.body.skill).toBe('dispute');
    const responders = rec.body.responders as {
      rank: number;
      workerCode: string;
      tier: number;
      etaSeconds: number | null;
      stale: boolean;
      route: number[][] | null;
      reachable: boolean;
    }[];
    expect(responders.length).toBeGreaterThan(0);
    expect(responders.length).toBeLessThanOrEqual(5);
    expect(responders.map((r) => r.rank)).toEqual(responders.map((_, i) => i + 1));
    for (const r of responders) expect(r.workerCode.slice(1, 10)).toBe('320113007');
    const first = responders[0];
    if (first.reachable) {
      expect(first.etaSeconds).toBeGreaterThanOrEqual(0);
      expect(first.route!.length).toBeGreaterThan(1);
    }
    // Fresh reachable candidates come before stale ones.
    const firstStale = responders.findIndex((r) => r.stale);
    if (firstStale >= 0) expect(responders.slice(firstStale).filter((r) => !r.stale && r.reachable)).toEqual([]);
    await send(id, dispatcher, { type: 'accept' });
    const dispatched = await send(id, dispatcher, { type: 'dispatch', workerCode: first.workerCode });
    expect([200, 409]).toContain(dispatched.status);
    const bad = await call(recommendationsRoute, `/api/incidents/${id}/recommendations?limit=500`, dispatcher);
    expect(bad.status).toBe(400);
  });

  it('merges a duplicate into the case it repeats, keeping every reporter', async () => {
    const original = (await report(places[2], { category: 'environment', description: '垃圾堆放' })).body;
    const duplicate = (
      await call(createIncidentRoute, '/api/incidents', dispatcher, {
        category: 'environment',
        description: '又有人报垃圾堆放',
        lon: places[2].lon,
        lat: places[2].lat,
        reporter: { name: '李女士', phone: '170-0000-0002' },
      })
    ).body;
    expect(duplicate.duplicates.map((d: { id: number }) => d.id)).toContain(original.incident.id);
    const merged = await call(mergeIncidentRoute, `/api/incidents/${duplicate.incident.id}/merge`, dispatcher, { into: original.incident.id });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ state: 'rejected', mergedInto: original.incident.id });
    const target = await call(incidentDetailRoute, `/api/incidents/${original.incident.id}`, dispatcher);
    expect(target.body.reports?.map((r) => r.reporter_name)).toEqual(['张先生', '李女士']);
    expect(target.body.timeline.map((t) => t.event)).toContain('merged');
    const gone = await call(incidentDetailRoute, `/api/incidents/${duplicate.incident.id}`, dispatcher);
    expect(gone.body.incident).toMatchObject({ state: 'rejected', merged_into: original.incident.id });
    // Refusals, each with its code.
    expect(
      (await call(mergeIncidentRoute, `/api/incidents/${original.incident.id}/merge`, dispatcher, { into: original.incident.id })).body.code,
    ).toBe('merge_into_itself');
    const other = (await report(places[2], { category: 'dispute', description: '另一类' })).body.incident.id;
    expect((await call(mergeIncidentRoute, `/api/incidents/${other}/merge`, dispatcher, { into: original.incident.id })).body.code).toBe(
      'merge_category_differs',
    );
    expect((await call(mergeIncidentRoute, `/api/incidents/${other}/merge`, dispatcher, { into: duplicate.incident.id })).body.code).toBe(
      'merge_target_closed',
    );
  });

  it('offers an unanswered case to the next worker by road after a minute', async () => {
    const roads = createRoadGraphStore(server.db);
    const { body } = await report(places[1], { category: 'city_management', description: '占道经营' });
    const id = body.incident.id;
    await send(id, dispatcher, { type: 'accept' });
    const rec = await call(recommendationsRoute, `/api/incidents/${id}/recommendations?limit=5`, dispatcher);
    const firstWorker = rec.body.responders[0].workerCode;
    expect((await send(id, dispatcher, { type: 'dispatch', workerCode: firstWorker })).status).toBe(200);
    clock.advanceMinutes(0.5);
    expect((await reofferUnansweredOffers(server.db, roads, clock)).map((r) => r.id)).not.toContain(id);
    clock.advanceMinutes(0.6);
    const passed = (await reofferUnansweredOffers(server.db, roads, clock)).find((r) => r.id === id)!;
    expect(passed.timedOut).toBe(firstWorker);
    expect(passed.offeredTo).not.toBeNull();
    expect(passed.offeredTo).not.toBe(firstWorker);
    const detail = await call(incidentDetailRoute, `/api/incidents/${id}`, dispatcher);
    expect(detail.body.incident).toMatchObject({ state: 'dispatched', assigned_worker_code: passed.offeredTo, deadline_stage: 'acknowledge' });
    expect(detail.body.timeline.slice(-2).map((t) => [t.event, t.actor_role])).toEqual([
      ['offer_timeout', 'system'],
      ['dispatch', 'system'],
    ]);
    // An unanswered offer is never escalated as overdue.
    clock.advanceMinutes(2);
    expect((await escalateOverdueIncidents(server.db, clock)).map((e) => e.id)).not.toContain(id);
  });

  it('keeps incidents inside the jurisdiction', async () => {
    const xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
    const list = await call(listIncidentsRoute, '/api/incidents?state=all', xuanwu);
    expect(list.body.incidents).toEqual([]);
    const mine = await call(listIncidentsRoute, '/api/incidents?state=all', dispatcher);
    expect(mine.body.incidents.length).toBeGreaterThan(3);
    const refused = await report(places[0]).then(() =>
      call(createIncidentRoute, '/api/incidents', xuanwu, { category: 'dispute', description: '越界', lon: places[0].lon, lat: places[0].lat }),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('outside_jurisdiction');
  });

  it('validates intake input with stable codes', async () => {
    for (const bad of [
      {},
      { category: 'dispute', description: 'x', lon: 'a', lat: 32 },
      { category: 'nope', description: 'ok ok', lon: 118.9, lat: 32.1 },
    ]) {
      const res = await call(createIncidentRoute, '/api/incidents', dispatcher, bad);
      expect(res.status).toBe(400);
      expect(['invalid_incident', 'unknown_category']).toContain(res.body.code);
    }
  });
});
