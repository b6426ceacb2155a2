/**
 * System alarms on the seeded Xianlin subset, on every database mode: the alarm grade, the device checked
 * against the cameras and sensors, the 30-minute de-duplication per device and category, the in-process
 * intake the video and IoT modules call, and what is announced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovableClock } from '../../tests/support/movable-clock.js';
import { defineSql } from '../db/database.js';
import { createDomainEvents, type DomainEvent } from '../events/domain-events.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { intakeAlarm } from './intake-alarm.js';
import { callRoute } from '../../tests/support/api-answer.js';
import { raiseAlarmRoute } from './alarms-contract.js';

const pickDevices = defineSql(
  'test.alarm_devices',
  `SELECT (SELECT code FROM cameras WHERE micro_grid_code LIKE '320113007%' ORDER BY code LIMIT 1) AS camera,
          (SELECT code FROM cameras WHERE micro_grid_code LIKE '320113007%' ORDER BY code DESC LIMIT 1) AS other_camera,
          (SELECT code FROM sensors WHERE kind = 'smoke' AND micro_grid_code LIKE '320113007%' ORDER BY code LIMIT 1) AS smoke_sensor,
          (SELECT code FROM sensors WHERE kind = 'noise' AND micro_grid_code LIKE '320113007%' ORDER BY code LIMIT 1) AS noise_sensor`,
);
const incidentRow = defineSql(
  'test.alarm_incident',
  `SELECT source, category, grade, device_code, micro_grid_code, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incidents WHERE id = $1`,
);
const deviceAt = defineSql('test.alarm_device_at', `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM cameras WHERE code = $1`);
const reportCount = defineSql('test.alarm_reports', `SELECT count(*)::int AS n FROM incident_reports WHERE incident_id = $1`);
const systemAudit = defineSql(
  'test.alarm_audit',
  `SELECT action, actor_username, actor_role FROM audit_log WHERE entity_type = 'incident' AND entity_id = $1 AND success ORDER BY id`,
);

describe.each(testDatabaseModes())('system alarms on %s', (mode) => {
  let server: TestServer;
  const clock = new MovableClock(Date.parse('2026-11-23T10:00:00Z'));
  const events = createDomainEvents();
  const heard: DomainEvent[] = [];
  let devices: { camera: string; other_camera: string; smoke_sensor: string; noise_sensor: string };
  let admin: Record<string, string>;

  const alarm = (body: Record<string, unknown>, headers = admin) => callRoute(server.baseUrl, raiseAlarmRoute, '/api/alarms', headers, body);

  beforeAll(async () => {
    events.subscribe((e) => heard.push(e));
    server = await startTestServer(mode, { clock, events });
    [devices] = await server.db.query(pickDevices);
    for (const code of Object.values(devices)) expect(code, 'seeded Xianlin devices').toBeTruthy();
    admin = await signIn(server.baseUrl, 'admin.city');
  });
  afterAll(() => server.close());

  it('opens a video-AI alarm at the camera, one grade higher, and attaches repeats within 30 minutes', async () => {
    heard.length = 0;
    const first = await alarm({ source: 'video_ai', deviceCode: devices.camera, category: 'fire_safety', description: '视频AI识别：明火烟雾' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      outcome: 'created',
      device: { code: devices.camera, kind: 'camera' },
      incident: { state: 'reported', grade: 'red' },
    });
    const id = first.body.incident.id;
    const [row] = await server.db.query<{ source: string; grade: string; device_code: string; micro_grid_code: string; lon: number; lat: number }>(
      incidentRow,
      [id],
    );
    const [camera] = await server.db.query<{ lon: number; lat: number }>(deviceAt, [devices.camera]);
    expect(row).toMatchObject({ source: 'video_ai', grade: 'red', device_code: devices.camera, lon: camera.lon, lat: camera.lat });
    expect(heard).toEqual([{ type: 'incident.changed', incidentId: id, microGridCode: row.micro_grid_code, change: 'reported' }]);

    // A city-management alarm starts at yellow (a person's report of it is blue).
    const yellow = await alarm({
      source: 'video_ai',
      deviceCode: devices.other_camera,
      category: 'city_management',
      description: '视频AI识别：占道经营',
    });
    expect(yellow.body.incident.grade).toBe('yellow');

    clock.advanceMinutes(20);
    heard.length = 0;
    const repeat = await alarm({
      source: 'video_ai',
      deviceCode: devices.camera,
      category: 'fire_safety',
      description: '视频AI识别：明火烟雾（持续）',
    });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toMatchObject({ outcome: 'attached', incident: { id } });
    expect(heard).toEqual([{ type: 'incident.changed', incidentId: id, microGridCode: row.micro_grid_code, change: 'alarm_repeat' }]);
    // Another category from the same camera is another case.
    const other = await alarm({ source: 'video_ai', deviceCode: devices.camera, category: 'public_order', description: '视频AI识别：人员聚集' });
    expect(other.body.outcome).toBe('created');
    expect(other.body.incident.id).not.toBe(id);
    // The window runs from the latest repeat: 25 minutes later it still attaches; 31 minutes after that it does not.
    clock.advanceMinutes(25);
    expect((await alarm({ source: 'video_ai', deviceCode: devices.camera, category: 'fire_safety', description: '再次告警' })).body.incident.id).toBe(
      id,
    );
    const [{ n }] = await server.db.query<{ n: number }>(reportCount, [id]);
    expect(n).toBe(3);
    clock.advanceMinutes(31);
    const fresh = await alarm({ source: 'video_ai', deviceCode: devices.camera, category: 'fire_safety', description: '新的告警' });
    expect(fresh.body.outcome).toBe('created');
    expect(fresh.body.incident.id).not.toBe(id);
    const detail = await (await fetch(`${server.baseUrl}/api/incidents/${id}`, { headers: admin })).json();
    expect(detail.timeline.map((t: { event: string }) => t.event)).toEqual(['reported', 'alarm', 'alarm_repeat', 'alarm_repeat']);
    expect(detail.reports.map((r: { source: string; external_id: string }) => [r.source, r.external_id])).toEqual([
      ['video_ai', devices.camera],
      ['video_ai', devices.camera],
      ['video_ai', devices.camera],
    ]);
  });

  it('opens a closed case anew instead of attaching to it', async () => {
    const first = await alarm({ source: 'iot', deviceCode: devices.noise_sensor, description: '噪声超标 85 dB', reading: { value: 85, unit: 'dB' } });
    expect(first.body).toMatchObject({ outcome: 'created', incident: { grade: 'yellow' } });
    const id = first.body.incident.id;
    const headers = { ...admin, 'content-type': 'application/json' };
    const reject = await fetch(`${server.baseUrl}/api/incidents/${id}/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ type: 'reject', reason: '设备误报' }),
    });
    expect(reject.status).toBe(200);
    clock.advanceMinutes(1);
    const again = await alarm({ source: 'iot', deviceCode: devices.noise_sensor, description: '噪声超标 86 dB' });
    expect(again.body.outcome).toBe('created');
    expect(again.body.incident.id).not.toBe(id);
  });

  it('checks the device against the cameras and sensors, and who may call', async () => {
    const unknown = await alarm({ source: 'iot', deviceCode: 'SM999999999999999999', description: '未知设备' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('unknown_device');
    // A camera is not a sensor.
    expect((await alarm({ source: 'iot', deviceCode: devices.camera, category: 'fire_safety', description: '错的来源' })).body.code).toBe(
      'unknown_device',
    );
    expect((await alarm({ source: 'video_ai', deviceCode: devices.camera, description: '没有类别' })).body.code).toBe('category_required');
    expect((await alarm({ source: 'video_ai', deviceCode: 'camera-1', category: 'fire_safety', description: '格式错误' })).body.code).toBe(
      'invalid_alarm',
    );
    const dispatcher = await signIn(server.baseUrl, 'dispatcher.city');
    expect((await alarm({ source: 'iot', deviceCode: devices.smoke_sensor, description: '烟感告警' }, dispatcher)).body.code).toBe('role_forbidden');
  });

  it('takes alarms in-process from the IoT module as the system, by the sensor kind', async () => {
    heard.length = 0;
    clock.advanceMinutes(120);
    const result = await intakeAlarm(
      { db: server.db, clock, events },
      {
        source: 'iot',
        deviceCode: devices.smoke_sensor,
        description: '烟感告警：烟雾浓度 4.2 %/m',
        reading: { value: 4.2, unit: 'obscuration %/m' },
      },
    );
    expect(result).toMatchObject({ outcome: 'created', device: { code: devices.smoke_sensor, kind: 'smoke' }, incident: { grade: 'red' } });
    const [row] = await server.db.query<{ category: string; source: string }>(incidentRow, [result.incident.id]);
    expect(row).toMatchObject({ category: 'fire_safety', source: 'iot' });
    expect(heard).toEqual([{ type: 'incident.changed', incidentId: result.incident.id, microGridCode: expect.any(String), change: 'reported' }]);
    const repeat = await intakeAlarm(
      { db: server.db, clock, events },
      { source: 'iot', deviceCode: devices.smoke_sensor, description: '烟感告警：持续' },
    );
    expect(repeat).toMatchObject({ outcome: 'attached', incident: { id: result.incident.id } });
    const audit = await server.db.query<{ action: string; actor_username: string; actor_role: string }>(systemAudit, [String(result.incident.id)]);
    expect(audit).toEqual([
      { action: 'incident.create', actor_username: 'iot', actor_role: 'system' },
      { action: 'incident.alarm_repeat', actor_username: 'iot', actor_role: 'system' },
    ]);
    await expect(
      intakeAlarm(
        { db: server.db, clock },
        { source: 'video_ai', deviceCode: 'C000000000000000000000', category: 'fire_safety', description: '未知摄像机' },
      ),
    ).rejects.toMatchObject({ code: 'unknown_device' });
  });
});
