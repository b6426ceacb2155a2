/**
 * Rules on live MQTT traffic, on every database mode: a gas sensor over its threshold twice in a row opens one
 * incident through intakeAlarm, the console hears the sensor's alarm on the live channel (topic `sensors`, also
 * in the snapshot of a late subscriber), recovery goes on the incident's timeline, and a second breach soon after
 * attaches to the same incident; a last will puts the sensor offline.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { defineSql } from '../db/database.js';
import type { LiveSensor, ServerMessage } from '../live/live-protocol.js';
import { openLive } from '../../tests/support/live-test-support.js';
import { createLogger } from '../logging/logger.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { startIot, type IotService } from './start-iot.js';
import { callRoute } from '../../tests/support/api-answer.js';
import { overrideSensorRulesRoute, removeSensorRulesRoute, sensorDetailRoute } from './sensors-contract.js';

const pickSensors = defineSql(
  'test.iot_alarm_sensors',
  `SELECT (SELECT code FROM sensors WHERE kind = 'gas' AND micro_grid_code LIKE '320113007%' ORDER BY code DESC LIMIT 1) AS gas,
          (SELECT code FROM sensors WHERE kind = 'smoke' AND micro_grid_code LIKE '320113007%' ORDER BY code DESC LIMIT 1) AS smoke,
          (SELECT code FROM sensors WHERE kind = 'gas' AND micro_grid_code LIKE '320113007%' ORDER BY code DESC LIMIT 1 OFFSET 1) AS gas2`,
);
const incidentsOf = defineSql('test.iot_incidents_of', `SELECT id, source, category, state FROM incidents WHERE device_code = $1 ORDER BY id`);
const timelineOf = defineSql('test.iot_timeline_of', `SELECT event FROM incident_timeline WHERE incident_id = $1 ORDER BY id`);
const latestOf = defineSql('test.iot_alarm_latest', `SELECT state, alarm_rule, incident_id FROM sensor_latest WHERE sensor_code = $1`);

const MIN = 60_000;
const run = promisify(execFile);
const mosquittoInstalled = await run('mosquitto_pub', ['--help']).then(
  () => true,
  (e) => String(e?.stdout ?? '').includes('mosquitto_pub'),
);

describe.each(testDatabaseModes())('IoT rules and alarms on %s', (mode) => {
  let server: TestServer;
  let iot: IotService;
  let sensors: { gas: string; smoke: string; gas2: string };
  let device: mqtt.MqttClient;
  let gatewayLogin: { username: string; password: string };
  const t0 = Date.now() - 30 * MIN;

  const publish = (code: string, value: number, minute: number) =>
    device.publishAsync(`gridops/sensors/${code}/reading`, JSON.stringify({ value, observedAt: new Date(t0 + minute * MIN).toISOString() }), {
      qos: 1,
    });

  beforeAll(async () => {
    server = await startTestServer(mode);
    const config = loadConfig({ NODE_ENV: 'test', MQTT_PORT: '0', IOT_BATCH_MS: '10' }).iot;
    iot = await startIot({ db: server.db, clock: { now: () => new Date() }, logger: createLogger('silent'), events: server.events, config });
    [sensors] = await server.db.query(pickSensors);
    // A gateway of the street publishes for both sensors (as the simulator does).
    const gateway = iot.internal.add({
      kind: 'gateway',
      username: 'gridops-test-gateway',
      sensorCode: null,
      scopeCode: '320113007',
      credentialId: null,
    });
    gatewayLogin = { username: gateway.username, password: gateway.secret };
    device = await mqtt.connectAsync(iot.brokerUrl, { ...gatewayLogin, reconnectPeriod: 0 });
  });
  afterAll(async () => {
    await device?.endAsync();
    await iot?.close();
    await server?.close();
  });

  it('opens one incident after two readings over the threshold and tells the console the sensor is in alarm', async () => {
    const dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    const sock = await openLive(server.baseUrl, { cookie: dispatcher.cookie, origin: server.baseUrl });
    sock.send({ op: 'subscribe', topic: 'sensors', since: null });
    await sock.waitFor((m) => m.type === 'snapshot' && m.topic === 'sensors');

    // Threshold 20 %LEL, two readings in a row; slow enough (≤ 10 %LEL a minute) not to trip the rate rule.
    await publish(sensors.gas, 15, 0);
    await publish(sensors.gas, 22, 1);
    await iot.rules.idle();
    expect(await server.db.query(incidentsOf, [sensors.gas])).toEqual([]);
    await publish(sensors.gas, 26, 2);
    await iot.rules.idle();
    const incidents = await server.db.query<{ id: number; source: string; category: string }>(incidentsOf, [sensors.gas]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ source: 'iot', category: 'safety_hazard' });
    const [latest] = await server.db.query<{ state: string; alarm_rule: string; incident_id: number }>(latestOf, [sensors.gas]);
    expect(latest).toMatchObject({ state: 'alarm', alarm_rule: 'threshold' });
    expect(Number(latest.incident_id)).toBe(Number(incidents[0].id));

    const delta = (await sock.waitFor((m) => m.type === 'delta' && m.topic === 'sensors' && m.items.some((s) => s.code === sensors.gas))) as Extract<
      ServerMessage,
      { topic: 'sensors' }
    >;
    expect(delta.items.find((s) => s.code === sensors.gas)).toMatchObject({
      state: 'alarm',
      alarmRule: 'threshold',
      value: 26,
      incidentId: Number(incidents[0].id),
    });
    sock.close();

    // A console that subscribes later gets the sensor in its snapshot; another district's console does not.
    const late = await openLive(server.baseUrl, { cookie: dispatcher.cookie, origin: server.baseUrl });
    late.send({ op: 'subscribe', topic: 'sensors', since: null });
    const snapshot = (await late.waitFor((m) => m.type === 'snapshot' && m.topic === 'sensors')) as { items: LiveSensor[] };
    expect(snapshot.items.map((s) => s.code)).toContain(sensors.gas);
    late.close();
    const xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
    const other = await openLive(server.baseUrl, { cookie: xuanwu.cookie, origin: server.baseUrl });
    other.send({ op: 'subscribe', topic: 'sensors', since: null });
    const theirs = (await other.waitFor((m) => m.type === 'snapshot' && m.topic === 'sensors')) as { items: LiveSensor[] };
    expect(theirs.items.map((s) => s.code)).not.toContain(sensors.gas);
    other.close();
  });

  it('records the recovery on the incident timeline, and attaches a breach soon after to the same incident', async () => {
    // Under 15 (threshold 20 − hysteresis 5) three times in a row, at least 2 minutes after the alarm; 18 is not clear.
    for (const [value, minute] of [
      [18, 3],
      [12, 4],
      [8, 5],
    ] as const)
      await publish(sensors.gas, value, minute);
    await iot.rules.idle();
    expect((await server.db.query<{ state: string }>(latestOf, [sensors.gas]))[0].state).toBe('alarm');
    await publish(sensors.gas, 5, 6);
    await iot.rules.idle();
    const [incident] = await server.db.query<{ id: number }>(incidentsOf, [sensors.gas]);
    const timeline = (await server.db.query<{ event: string }>(timelineOf, [incident.id])).map((r) => r.event);
    expect(timeline).toContain('alarm_recovered');
    expect((await server.db.query<{ state: string }>(latestOf, [sensors.gas]))[0].state).toBe('normal');

    for (const [value, minute] of [
      [14, 7],
      [21, 8],
      [28, 9],
    ] as const)
      await publish(sensors.gas, value, minute);
    await iot.rules.idle();
    const incidents = await server.db.query<{ id: number }>(incidentsOf, [sensors.gas]);
    expect(incidents).toHaveLength(1);
    const after = (await server.db.query<{ event: string }>(timelineOf, [incident.id])).map((r) => r.event);
    expect(after.filter((e) => e === 'alarm_repeat')).toHaveLength(1);
    expect(iot.stats.snapshot()).toMatchObject({ alarmsRaised: 2, recoveries: 1 });
  });

  it('puts a sensor offline when its last will arrives, and online again with its next heartbeat', async () => {
    const gateway = iot.internal.add({
      kind: 'gateway',
      username: 'gridops-test-will',
      sensorCode: null,
      scopeCode: '320113007',
      credentialId: null,
    });
    const willing = await mqtt.connectAsync(iot.brokerUrl, {
      username: gateway.username,
      password: gateway.secret,
      reconnectPeriod: 0,
      will: { topic: `gridops/sensors/${sensors.smoke}/status`, payload: Buffer.from('{"status":"offline"}'), qos: 1, retain: false },
    });
    await willing.publishAsync(`gridops/sensors/${sensors.smoke}/heartbeat`, JSON.stringify({ observedAt: new Date().toISOString() }), { qos: 1 });
    // An unclean end: the broker publishes the will.
    willing.stream.destroy();
    for (let i = 0; i < 100 && iot.rules.stateOf(sensors.smoke)?.online !== false; i += 1) await new Promise((r) => setTimeout(r, 20));
    await iot.rules.idle();
    expect((await server.db.query<{ state: string; alarm_rule: string }>(latestOf, [sensors.smoke]))[0]).toMatchObject({
      state: 'offline',
      alarm_rule: 'missing_heartbeat',
    });
    await device.publishAsync(`gridops/sensors/${sensors.smoke}/heartbeat`, JSON.stringify({ observedAt: new Date().toISOString() }), { qos: 1 });
    await iot.rules.idle();
    expect((await server.db.query<{ state: string }>(latestOf, [sensors.smoke]))[0].state).toBe('normal');
    willing.end(true);
  });

  it('shows the sensor detail in scope (state, rules, 24 h series, alarms) and lets an administrator override its rules', async () => {
    const dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    // The 24 h series reads the five-minute rollups, written with every rollup flush (IOT_ROLLUP_FLUSH_MS).
    await iot.ingest.flush();
    const { status, body } = await callRoute(server.baseUrl, sensorDetailRoute, `/api/iot/sensors/${sensors.gas}`, dispatcher);
    expect(status).toBe(200);
    expect(body.sensor).toMatchObject({ code: sensors.gas, kind: 'gas', measurementUnit: '%LEL', threshold: 20 });
    expect(body.latest).toMatchObject({ state: 'alarm', alarmRule: 'threshold' });
    expect(body.rules).toMatchObject({ threshold: 20, hysteresis: 5, consecutive: 2 });
    expect(body.series.length).toBeGreaterThan(0);
    expect(body.series.reduce((n, p) => Math.max(n, p.max), 0)).toBe(28);
    expect(body.alarms).toHaveLength(1);
    expect(body.alarms[0].id).toBe(body.latest?.incidentId);

    const xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
    expect((await fetch(`${server.baseUrl}/api/iot/sensors/${sensors.gas}`, { headers: xuanwu })).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/api/iot/sensors/nope`, { headers: dispatcher })).status).toBe(400);

    const admin = await signIn(server.baseUrl, 'admin.xianlin');
    const put = (body: unknown, headers = admin) =>
      callRoute(server.baseUrl, overrideSensorRulesRoute, `/api/iot/sensors/${sensors.gas}/rules`, headers, body);
    expect((await put({ threshold: 30 }, dispatcher)).status).toBe(403);
    expect((await put({ consecutive: 0 })).status).toBe(400);
    const changed = await put({ threshold: 30, consecutive: 3 });
    expect(changed.status).toBe(200);
    expect(changed.body.rules).toMatchObject({ threshold: 30, consecutive: 3, hysteresis: 5 });
    // main.ts hands the app the service's rulesChanged(); this test server's app has no IoT service, so do what it does.
    await iot.rulesChanged();
    expect(iot.rules.configOf(iot.directory.get(sensors.gas)!)).toMatchObject({ threshold: 30, consecutive: 3 });
    const removed = await callRoute(server.baseUrl, removeSensorRulesRoute, `/api/iot/sensors/${sensors.gas}/rules`, admin);
    expect(removed.body.rules).toMatchObject({ threshold: 20, consecutive: 2 });
  });

  // The "done when": Debian's mosquitto_pub against the embedded broker, a reading over the threshold (the
  // second in a row), an incident opened and the dispatcher's console told the sensor is in alarm.
  it.runIf(mosquittoInstalled)('opens an incident from readings sent with mosquitto_pub, and the dispatcher hears it live', async () => {
    const dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    const sock = await openLive(server.baseUrl, { cookie: dispatcher.cookie, origin: server.baseUrl });
    sock.send({ op: 'subscribe', topic: 'sensors', since: null });
    await sock.waitFor((m) => m.type === 'snapshot' && m.topic === 'sensors');
    const port = String(new URL(iot.brokerUrl).port);
    const now = Date.now();
    for (const [value, ago] of [
      [23, MIN],
      [27, 0],
    ] as const) {
      const payload = JSON.stringify({ value, unit: '%LEL', observedAt: new Date(now - ago).toISOString() });
      await run('mosquitto_pub', [
        '-h',
        '127.0.0.1',
        '-p',
        port,
        '-u',
        gatewayLogin.username,
        '-P',
        gatewayLogin.password,
        '-q',
        '1',
        '-t',
        `gridops/sensors/${sensors.gas2}/reading`,
        '-m',
        payload,
      ]);
    }
    const delta = (await sock.waitFor(
      (m) => m.type === 'delta' && m.topic === 'sensors' && m.items.some((s) => s.code === sensors.gas2 && s.state === 'alarm'),
    )) as Extract<ServerMessage, { topic: 'sensors' }>;
    const incidents = await server.db.query<{ id: number; source: string }>(incidentsOf, [sensors.gas2]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0].source).toBe('iot');
    expect(delta.items.find((s) => s.code === sensors.gas2)).toMatchObject({
      alarmRule: 'threshold',
      value: 27,
      incidentId: Number(incidents[0].id),
    });
    sock.close();
  });
});
