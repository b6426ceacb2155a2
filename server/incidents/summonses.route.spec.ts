/**
 * "Whistle and report" (吹哨报到), manual escalation, the exact-number filter, and the domain events the
 * incident changes announce — through the API on the seeded Xianlin subset, on every database mode, with an
 * injected clock for the departments' time limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovableClock } from '../../tests/support/movable-clock.js';
import { defineSql } from '../db/database.js';
import { createDomainEvents, type DomainEvent } from '../events/domain-events.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { escalateOverdueSummonses } from './escalate-summonses.js';
import { escalateOverdueIncidents } from './escalation-scheduler.js';
import { reofferUnansweredOffers } from './offer-timeouts.js';
import { createRoadGraphStore } from '../routing/road-graph-store.js';
import { callRoute } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import { createIncidentRoute, incidentDetailRoute, incidentEventRoute, listIncidentsRoute, mergeIncidentRoute } from './incidents-contract.js';
import { departmentsRoute, escalateRoute, summonRoute, summonsReportRoute } from './summonses-contract.js';

const pickPlace = defineSql(
  'test.summons_place',
  `SELECT m.code, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat FROM units m
    WHERE m.level = 'micro_grid' AND m.grid_code = (SELECT jurisdiction_code FROM accounts WHERE username = 'worker.xianlin')
    ORDER BY m.code LIMIT 1`,
);
const workerOf = defineSql('test.summons_worker', `SELECT worker_code FROM accounts WHERE username = 'worker.xianlin'`);
const onDuty = defineSql('test.summons_on_duty', `UPDATE workers SET duty_status = 'on_duty' WHERE code = $1`);
const summonsAudit = defineSql(
  'test.summons_audit',
  `SELECT action, actor_role, success FROM audit_log WHERE entity_type = 'incident' AND entity_id = $1 ORDER BY id`,
);

describe.each(testDatabaseModes())('summonses and manual escalation on %s', (mode) => {
  let server: TestServer;
  const clock = new MovableClock(Date.parse('2026-11-23T09:00:00Z'));
  const events = createDomainEvents();
  const heard: DomainEvent[] = [];
  let place: { code: string; lon: number; lat: number };
  let dispatcher: Record<string, string>;
  let worker: Record<string, string>;
  let workerCode: string;

  const call = <R extends ApiRoute>(route: R, path: string, headers: Record<string, string>, body?: unknown) =>
    callRoute(server.baseUrl, route, path, headers, body);
  const report = async (category = 'city_management') => {
    const res = await call(createIncidentRoute, '/api/incidents', dispatcher, {
      category,
      description: '道路塌陷，需多部门处置',
      lon: place.lon,
      lat: place.lat,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.incident as { id: number; number: string };
  };

  beforeAll(async () => {
    events.subscribe((e) => heard.push(e));
    server = await startTestServer(mode, { clock, events });
    [place] = await server.db.query(pickPlace);
    [{ worker_code: workerCode }] = await server.db.query<{ worker_code: string }>(workerOf);
    await server.db.query(onDuty, [workerCode]);
    dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    worker = await signIn(server.baseUrl, 'worker.xianlin');
  });
  afterAll(() => server.close());

  it('lists the departments with their report time limits', async () => {
    const res = await call(departmentsRoute, '/api/departments', worker);
    expect(res.status).toBe(200);
    expect(res.body.departments.length).toBe(15);
    expect(res.body.departments[0]).toEqual({
      code: 'urban_management',
      name_zh: '城管执法',
      name_en: 'Urban management enforcement',
      report_minutes: 30,
    });
    expect(res.body.departments.map((d: { code: string }) => d.code)).toContain('gas_supply');
  });

  it('summons a department, escalates it when it does not report in time, and records its late report', async () => {
    const incident = await report();
    heard.length = 0;
    const summoned = await call(summonRoute, `/api/incidents/${incident.id}/summons`, dispatcher, {
      departmentCode: 'fire_rescue',
      note: '请消防救援到场排险',
    });
    expect(summoned.status, JSON.stringify(summoned.body)).toBe(201);
    const summons = summoned.body.summons;
    expect(summons).toMatchObject({
      department_code: 'fire_rescue',
      department_name_zh: '消防救援',
      state: 'summoned',
      escalation_level: 0,
      overdue: false,
    });
    expect(new Date(summons.deadline_at).getTime() - clock.now().getTime()).toBe(10 * 60_000);
    expect(heard).toContainEqual({ type: 'incident.changed', incidentId: incident.id, microGridCode: place.code, change: 'summon' });

    // Refusals, each with its code.
    expect(
      (await call(summonRoute, `/api/incidents/${incident.id}/summons`, dispatcher, { departmentCode: 'fire_rescue', note: '再次吹哨' })).body.code,
    ).toBe('department_already_summoned');
    expect(
      (await call(summonRoute, `/api/incidents/${incident.id}/summons`, dispatcher, { departmentCode: 'no_such_dept', note: '不存在' })).body.code,
    ).toBe('unknown_department');
    expect((await call(summonRoute, `/api/incidents/${incident.id}/summons`, dispatcher, { departmentCode: 'Fire!', note: 'x' })).status).toBe(400);
    expect(
      (await call(summonRoute, `/api/incidents/${incident.id}/summons`, worker, { departmentCode: 'water_affairs', note: '网格员吹哨' })).body.code,
    ).toBe('role_forbidden');
    const xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
    expect(
      (await call(summonRoute, `/api/incidents/${incident.id}/summons`, xuanwu, { departmentCode: 'water_affairs', note: '越界吹哨' })).status,
    ).toBe(404);

    // Nine minutes: still in time. Eleven: overdue, up to the street; another ten: up to the district.
    clock.advanceMinutes(9);
    expect((await escalateOverdueSummonses(server.db, clock, events)).map((s) => s.id)).not.toContain(summons.id);
    clock.advanceMinutes(2);
    expect(await escalateOverdueSummonses(server.db, clock, events)).toContainEqual({ id: summons.id, incidentId: incident.id, level: 1 });
    expect(heard).toContainEqual({ type: 'incident.changed', incidentId: incident.id, microGridCode: place.code, change: 'summons_escalate' });
    clock.advanceMinutes(10.5);
    expect(await escalateOverdueSummonses(server.db, clock)).toContainEqual({ id: summons.id, incidentId: incident.id, level: 2 });

    let detail = await call(incidentDetailRoute, `/api/incidents/${incident.id}`, dispatcher);
    expect(detail.body.summonses).toHaveLength(1);
    expect(detail.body.summonses[0]).toMatchObject({ id: summons.id, state: 'summoned', escalation_level: 2, overdue: true });
    const escalations = detail.body.timeline.filter((t) => t.event === 'summons_escalate');
    expect(escalations.map((t) => [t.detail?.escalatedTo, t.actor_role])).toEqual([
      ['street', 'system'],
      ['district', 'system'],
    ]);
    expect(escalations[0].detail?.unit).toBe('320113007');

    const reported = await call(summonsReportRoute, `/api/incidents/${incident.id}/summons/${summons.id}/report`, dispatcher, {
      note: '消防已到场，险情排除',
    });
    expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    expect(reported.body.summons).toMatchObject({ state: 'reported', report_note: '消防已到场，险情排除' });
    expect(
      (await call(summonsReportRoute, `/api/incidents/${incident.id}/summons/${summons.id}/report`, dispatcher, { note: '重复报到' })).body.code,
    ).toBe('summons_already_reported');
    expect((await call(summonsReportRoute, `/api/incidents/${incident.id}/summons/999999/report`, dispatcher, { note: '不存在' })).body.code).toBe(
      'summons_not_found',
    );
    // A department that reported is never escalated again.
    clock.advanceMinutes(60);
    expect((await escalateOverdueSummonses(server.db, clock)).map((s) => s.id)).not.toContain(summons.id);

    detail = await call(incidentDetailRoute, `/api/incidents/${incident.id}`, dispatcher);
    const last = detail.body.timeline.filter((t) => t.event.startsWith('summon')).map((t) => t.event);
    expect(last).toEqual(['summon', 'summons_escalate', 'summons_escalate', 'summons_report']);
    expect(detail.body.timeline.find((t) => t.event === 'summons_report')?.detail?.late).toBe(true);
    const audit = await server.db.query<{ action: string; actor_role: string; success: boolean }>(summonsAudit, [String(incident.id)]);
    const succeeded = audit.filter((a) => a.success).map((a) => a.action);
    expect(succeeded).toEqual([
      'incident.create',
      'incident.summon',
      'incident.summons_escalate',
      'incident.summons_escalate',
      'incident.summons_report',
    ]);
    // Refused attempts are in the log too.
    expect(audit.filter((a) => !a.success).map((a) => a.action)).toContain('incident.summon');
  });

  it('escalates a case by hand up to the district, then refuses', async () => {
    const incident = await report('public_order');
    heard.length = 0;
    const first = await call(escalateRoute, `/api/incidents/${incident.id}/escalate`, dispatcher, { reason: '涉及多个社区，需街道协调' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ incidentId: incident.id, escalationLevel: 1, escalatedTo: 'street', unit: '320113007' });
    expect(heard).toEqual([{ type: 'incident.changed', incidentId: incident.id, microGridCode: place.code, change: 'escalate' }]);
    const second = await call(escalateRoute, `/api/incidents/${incident.id}/escalate`, dispatcher, { reason: '街道无法协调，报区' });
    expect(second.body).toMatchObject({ escalationLevel: 2, escalatedTo: 'district', unit: '320113' });
    const third = await call(escalateRoute, `/api/incidents/${incident.id}/escalate`, dispatcher, { reason: '再升级' });
    expect(third.status).toBe(409);
    expect(third.body.code).toBe('already_at_top_level');
    expect((await call(escalateRoute, `/api/incidents/${incident.id}/escalate`, dispatcher, {})).body.code).toBe('invalid_escalation');
    const detail = await call(incidentDetailRoute, `/api/incidents/${incident.id}`, dispatcher);
    expect(detail.body.incident).toMatchObject({ escalation_level: 2, overdue: false });
    const manual = detail.body.timeline.filter((t) => t.event === 'escalate');
    expect(manual.map((t) => [t.detail?.manual, t.detail?.escalatedTo, t.actor_role])).toEqual([
      [true, 'street', 'dispatcher'],
      [true, 'district', 'dispatcher'],
    ]);
    // A finished case is not escalated.
    const other = await report('dispute');
    await call(incidentEventRoute, `/api/incidents/${other.id}/events`, dispatcher, { type: 'reject', reason: '非本辖区事项' });
    expect((await call(escalateRoute, `/api/incidents/${other.id}/escalate`, dispatcher, { reason: '升级' })).body.code).toBe('incident_finished');
  });

  it('finds an incident by its exact number, only inside the jurisdiction', async () => {
    const incident = await report('environment');
    const found = await call(listIncidentsRoute, `/api/incidents?number=${incident.number}`, dispatcher);
    expect(found.status).toBe(200);
    expect(found.body.incidents.map((i: { id: number }) => i.id)).toEqual([incident.id]);
    // Another number: the last digit changed (whatever it was; a fixed replacement digit could be the same one).
    const otherNumber = `${incident.number.slice(0, -1)}${(Number(incident.number.slice(-1)) + 1) % 10}`;
    expect(
      (await call(listIncidentsRoute, `/api/incidents?number=${otherNumber}`, dispatcher)).body.incidents.filter(
        (i: { id: number }) => i.id === incident.id,
      ),
    ).toEqual([]);
    expect((await call(listIncidentsRoute, '/api/incidents?number=abc', dispatcher)).body.code).toBe('invalid_incident_query');
    const xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
    expect((await call(listIncidentsRoute, `/api/incidents?number=${incident.number}`, xuanwu)).body.incidents).toEqual([]);
  });

  it("announces every change after commit, with the worker's booking", async () => {
    heard.length = 0;
    const incident = await report('dispute');
    expect(heard).toEqual([{ type: 'incident.changed', incidentId: incident.id, microGridCode: place.code, change: 'reported' }]);
    await call(incidentEventRoute, `/api/incidents/${incident.id}/events`, dispatcher, { type: 'accept' });
    heard.length = 0;
    const dispatched = await call(incidentEventRoute, `/api/incidents/${incident.id}/events`, dispatcher, { type: 'dispatch', workerCode });
    expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
    expect(heard[0]).toEqual({ type: 'incident.changed', incidentId: incident.id, microGridCode: place.code, change: 'dispatch' });
    expect(heard[1]).toMatchObject({ type: 'worker.status', workerCode, dutyStatus: 'on_duty', busy: true });
    heard.length = 0;
    await call(incidentEventRoute, `/api/incidents/${incident.id}/events`, worker, { type: 'decline', reason: '正在处理另一起' });
    expect(heard.map((e) => e.type)).toEqual(['incident.changed', 'worker.status']);
    expect(heard[1]).toMatchObject({ workerCode, busy: false });
    // A refused event announces nothing.
    heard.length = 0;
    expect((await call(incidentEventRoute, `/api/incidents/${incident.id}/events`, dispatcher, { type: 'close' })).status).toBe(409);
    expect(heard).toEqual([]);
    // A merge announces both cases.
    const duplicate = await report('dispute');
    heard.length = 0;
    const target = await report('dispute');
    heard.length = 0;
    expect((await call(mergeIncidentRoute, `/api/incidents/${duplicate.id}/merge`, dispatcher, { into: target.id })).status).toBe(200);
    expect(
      heard
        .filter((e) => e.type === 'incident.changed')
        .map((e) => [e.type === 'incident.changed' && e.incidentId, e.type === 'incident.changed' && e.change]),
    ).toEqual([
      [duplicate.id, 'reject'],
      [target.id, 'merged'],
    ]);
  });

  it('announces what the schedulers change: escalations and unanswered offers', async () => {
    const incident = await report('fire_safety');
    heard.length = 0;
    // orange: 10 minutes to accept.
    clock.advanceMinutes(11);
    expect((await escalateOverdueIncidents(server.db, clock, events)).map((e) => e.id)).toContain(incident.id);
    expect(heard).toContainEqual({ type: 'incident.changed', incidentId: incident.id, microGridCode: place.code, change: 'escalate' });

    await call(incidentEventRoute, `/api/incidents/${incident.id}/events`, dispatcher, { type: 'accept' });
    expect((await call(incidentEventRoute, `/api/incidents/${incident.id}/events`, dispatcher, { type: 'dispatch', workerCode })).status).toBe(200);
    heard.length = 0;
    clock.advanceMinutes(1.1);
    const passed = (await reofferUnansweredOffers(server.db, createRoadGraphStore(server.db), clock, events)).find((r) => r.id === incident.id);
    expect(passed?.timedOut).toBe(workerCode);
    expect(heard[0]).toEqual({ type: 'incident.changed', incidentId: incident.id, microGridCode: place.code, change: 'offer_timeout' });
    expect(heard).toContainEqual(expect.objectContaining({ type: 'worker.status', workerCode, busy: false }));
    if (passed?.offeredTo) {
      expect(heard).toContainEqual({ type: 'incident.changed', incidentId: incident.id, microGridCode: place.code, change: 'dispatch' });
      expect(heard).toContainEqual(expect.objectContaining({ type: 'worker.status', workerCode: passed.offeredTo, busy: true }));
    }
  });
});
