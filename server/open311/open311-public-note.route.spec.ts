/**
 * The public resolution note (issue 23) on every database mode: a citizen's Open311 case resolved by the worker
 * with a note for the reporter shows that note as `status_notes` (never the internal note); a note with a phone
 * number is refused (422) and changes nothing; a failed verification makes the note untrue again (the state's own
 * text); a dispatcher closing with a note replaces it. Each step audited with the note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { signIn } from '../../tests/support/test-auth.js';

const workerPlace = defineSql(
  'test.public_note_worker_place',
  `SELECT w.code, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat
     FROM accounts a JOIN workers w ON w.code = a.worker_code JOIN units m ON m.code = w.home_unit_code
    WHERE a.username = 'worker.xianlin'`,
);
const makeOnDuty = defineSql('test.public_note_on_duty', `UPDATE workers SET duty_status = 'on_duty' WHERE code = $1`);
const auditedNotes = defineSql(
  'test.public_note_audit',
  `SELECT action, after->>'publicNote' AS public_note FROM audit_log WHERE entity_type = 'incident' AND entity_id = $1 AND success ORDER BY id`,
);
const incidentState = defineSql('test.public_note_state', `SELECT state FROM incidents WHERE id = $1`);

describe.each(testDatabaseModes())('Open311 public resolution note on %s', (mode) => {
  let server: TestServer;
  let place: { code: string; lon: number; lat: number };
  let dispatcher: Record<string, string>;
  let supervisor: Record<string, string>;
  let worker: Record<string, string>;

  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json().catch(() => null)) as Record<string, unknown> & { state?: string; code?: string; details?: { reason?: string } },
    };
  };
  const step = async (id: number, who: Record<string, string>, event: Record<string, unknown>) => {
    const res = await call('POST', `/api/incidents/${id}/events`, who, event);
    expect(res.status, `${String(event.type)}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  };
  const publicView = async (id: number) => {
    const [one] = (await (await fetch(`${server.baseUrl}/open311/v2/requests/${id}.json`)).json()) as {
      status: string;
      status_notes: string | null;
    }[];
    const [listed] = (await (await fetch(`${server.baseUrl}/open311/v2/requests.json?service_request_id=${id}`)).json()) as {
      status_notes: string | null;
    }[];
    expect(listed.status_notes).toBe(one.status_notes);
    return one;
  };
  const citizenReport = async () => {
    const body = new URLSearchParams({
      service_code: 'city_management',
      lat: String(place.lat),
      long: String(place.lon),
      description: '井盖破损',
      phone: '13900001111',
    });
    const created = await fetch(`${server.baseUrl}/open311/v2/requests.json`, { method: 'POST', body });
    expect(created.status).toBe(201);
    return Number((await created.json())[0].service_request_id);
  };

  beforeAll(async () => {
    server = await startTestServer(mode);
    [place] = await server.db.query(workerPlace);
    await server.db.query(makeOnDuty, [place.code]);
    dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    supervisor = await signIn(server.baseUrl, 'supervisor.xianlin');
    worker = await signIn(server.baseUrl, 'worker.xianlin');
  });
  afterAll(() => server.close());

  it('publishes the resolver’s note, refuses personal details, and falls back to the state text when the note is untrue', async () => {
    const id = await citizenReport();
    expect((await publicView(id)).status_notes).toBe('已受理登记 / Received');
    await step(id, dispatcher, { type: 'accept' });
    await step(id, dispatcher, { type: 'dispatch', workerCode: place.code });
    await step(id, worker, { type: 'acknowledge' });
    expect((await call('POST', '/api/field/position', worker, { lon: place.lon, lat: place.lat })).status).toBe(200);
    await step(id, worker, { type: 'arrive' });

    // A phone number (or a worker code, an e-mail…) in the public note: refused, nothing changes.
    const refused = await call('POST', `/api/incidents/${id}/events`, worker, {
      type: 'resolve',
      note: '已处理',
      publicNote: '已更换井盖，有问题请打 138 0013 8000',
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'public_note_refused', details: { reason: 'phone_number', field: 'publicNote' } });
    expect((await server.db.query<{ state: string }>(incidentState, [id]))[0].state).toBe('on_scene');
    const tooShort = await call('POST', `/api/incidents/${id}/events`, worker, { type: 'resolve', note: '已处理', publicNote: ' ' });
    expect(tooShort.body).toMatchObject({ code: 'public_note_refused', details: { reason: 'too_short' } });

    await step(id, worker, { type: 'resolve', note: '内部：物业拖延两天，已上报街道', publicNote: '  井盖已更换，\n警示标志已撤除。' });
    const resolved = await publicView(id);
    expect(resolved).toMatchObject({ status: 'open', status_notes: '井盖已更换， 警示标志已撤除。' });
    expect(JSON.stringify(resolved)).not.toContain('物业拖延');
    const detail = await call('GET', `/api/incidents/${id}`, dispatcher);
    const timeline = detail.body.timeline as { event: string; public_note: string | null; detail: { note?: string } }[];
    expect(timeline.find((t) => t.event === 'resolve')).toMatchObject({
      public_note: '井盖已更换， 警示标志已撤除。',
      detail: { note: '内部：物业拖延两天，已上报街道' },
    });

    // The supervisor finds it not done: the note is no longer true, the state's text is shown again.
    await step(id, supervisor, { type: 'verify_fail', reason: '井盖未固定' });
    expect((await publicView(id)).status_notes).toBe('已派遣网格员 / A grid worker is on the way');
    await step(id, worker, { type: 'arrive' });
    // Resolved again without a note for the reporter: the state's text.
    await step(id, worker, { type: 'resolve', note: '已固定' });
    expect((await publicView(id)).status_notes).toBe('已办结，待核查 / Resolved, awaiting verification');
    await step(id, supervisor, { type: 'verify' });
    // The command centre closes with its own note for the reporter.
    await step(id, dispatcher, { type: 'close', publicNote: '已核实修复完毕，感谢您的反映' });
    expect(await publicView(id)).toMatchObject({ status: 'closed', status_notes: '已核实修复完毕，感谢您的反映' });

    const audit = await server.db.query<{ action: string; public_note: string | null }>(auditedNotes, [String(id)]);
    expect(audit.filter((a) => a.public_note !== null)).toEqual([
      { action: 'incident.resolve', public_note: '井盖已更换， 警示标志已撤除。' },
      { action: 'incident.close', public_note: '已核实修复完毕，感谢您的反映' },
    ]);
    expect(audit.map((a) => a.action)).toEqual([
      'incident.create',
      'incident.accept',
      'incident.dispatch',
      'incident.acknowledge',
      'incident.arrive',
      'incident.resolve',
      'incident.verify_fail',
      'incident.arrive',
      'incident.resolve',
      'incident.verify',
      'incident.close',
    ]);
  });

  it('refuses a public note on a step that carries none', async () => {
    const id = await citizenReport();
    const res = await call('POST', `/api/incidents/${id}/events`, dispatcher, { type: 'accept', publicNote: '已受理' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_incident_event');
  });
});
