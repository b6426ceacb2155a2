/**
 * The embedded broker end to end on the seeded Xianlin subset, on every database mode: credentials issued by an
 * administrator (audited), a QoS 1 PUBACK only after the reading is in the database, a device refused another's
 * topic, bad payloads counted, re-delivered readings stored once, Debian's mosquitto_pub / mosquitto_sub against
 * the embedded broker, and the daily partitions created and dropped.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { defineSql } from '../db/database.js';
import { createLogger } from '../logging/logger.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { maintainReadingPartitions } from './reading-partitions.js';
import { listPartitions } from './iot.sql.js';
import { startIot, type IotService } from './start-iot.js';
import { callRoute } from '../../tests/support/api-answer.js';
import { issueCredentialRoute } from './iot-contract.js';

const run = promisify(execFile);
const pickSensors = defineSql(
  'test.iot_sensors',
  `SELECT (SELECT code FROM sensors WHERE kind = 'gas' AND micro_grid_code LIKE '320113007%' ORDER BY code LIMIT 1) AS gas,
          (SELECT code FROM sensors WHERE kind = 'gas' AND micro_grid_code LIKE '320113007%' ORDER BY code LIMIT 1 OFFSET 1) AS other,
          (SELECT code FROM sensors WHERE kind = 'noise' AND micro_grid_code LIKE '320113007%' ORDER BY code LIMIT 1) AS noise`,
);
const readingsOf = defineSql('test.iot_readings_of', `SELECT count(*)::int AS n FROM sensor_readings WHERE sensor_code = $1`);
const latestOf = defineSql('test.iot_latest_of', `SELECT value, last_seen_at FROM sensor_latest WHERE sensor_code = $1`);
const hourlyOf = defineSql(
  'test.iot_hourly_of',
  `SELECT sum(readings)::int AS n, max(value_max) AS max FROM sensor_readings_hourly WHERE sensor_code = $1`,
);
const credentialAudit = defineSql(
  'test.iot_credential_audit',
  `SELECT action, after FROM audit_log WHERE entity_type = 'iot_credential' AND success ORDER BY id`,
);

const mosquittoInstalled = await run('mosquitto_pub', ['--help']).then(
  () => true,
  (e) => String(e?.stdout ?? '').includes('mosquitto_pub'),
);

describe.each(testDatabaseModes())('MQTT ingest on the embedded broker on %s', (mode) => {
  let server: TestServer;
  let iot: IotService;
  let admin: Record<string, string>;
  let sensors: { gas: string; other: string; noise: string };
  let url: string;
  const secrets: Record<string, string> = {};
  const now = () => new Date();

  const issue = (body: Record<string, unknown>) => callRoute(server.baseUrl, issueCredentialRoute, '/api/iot/credentials', admin, body);
  const connect = (username: string, secret: string, extra: mqtt.IClientOptions = {}) =>
    mqtt.connectAsync(url, { username, password: secret, reconnectPeriod: 0, protocolVersion: 4, ...extra });
  const count = async (code: string) => (await server.db.query<{ n: number }>(readingsOf, [code]))[0].n;

  beforeAll(async () => {
    server = await startTestServer(mode);
    const config = loadConfig({ NODE_ENV: 'test', MQTT_PORT: '0', IOT_BATCH_MS: '20' }).iot;
    iot = await startIot({ db: server.db, clock: { now }, logger: createLogger('silent'), events: server.events, config });
    url = iot.brokerUrl;
    [sensors] = await server.db.query(pickSensors);
    admin = await signIn(server.baseUrl, 'admin.xianlin');
    for (const code of [sensors.gas, sensors.noise]) {
      const issued = await issue({ kind: 'sensor', sensorCode: code, label: 'test' });
      expect(issued.status, JSON.stringify(issued.body)).toBe(201);
      secrets[code] = issued.body.secret;
    }
  });
  afterAll(async () => {
    await iot?.close();
    await server?.close();
  });

  it('issues credentials as an administrator (audited, secret shown once) and refuses bad requests', async () => {
    expect(secrets[sensors.gas]).toMatch(/^gsd_[A-Za-z0-9_-]{43}$/);
    const audit = await server.db.query<{ action: string; after: Record<string, unknown> }>(credentialAudit);
    expect(audit.map((a) => a.action)).toContain('iot.credential_issue');
    expect(JSON.stringify(audit)).not.toContain(secrets[sensors.gas]);
    expect((await issue({ kind: 'sensor', sensorCode: 'SM0000000000' })).body.code).toBe('unknown_sensor');
    expect((await issue({ kind: 'sensor' })).status).toBe(400);
    const outside = await issue({ kind: 'monitor', username: 'wall.monitor', scopeCode: '320102' });
    expect(outside).toMatchObject({ status: 403, body: { code: 'scope_outside_jurisdiction' } });
    const dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    const res = await fetch(`${server.baseUrl}/api/iot/credentials`, {
      method: 'POST',
      headers: { ...dispatcher, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(403);
  });

  it('refuses a wrong secret and anonymous devices', async () => {
    await expect(connect(sensors.gas, 'gsd_wrong')).rejects.toThrow();
    await expect(mqtt.connectAsync(url, { reconnectPeriod: 0 })).rejects.toThrow();
  });

  it('acknowledges a QoS 1 reading only once it is stored, and stores a re-delivered one once', async () => {
    const device = await connect(sensors.gas, secrets[sensors.gas]);
    const before = await count(sensors.gas);
    const observedAt = new Date(Date.now() - 5_000).toISOString();
    const payload = JSON.stringify({ value: 4.5, unit: '%LEL', observedAt, battery: 90, signal: -60 });
    await device.publishAsync(`gridops/sensors/${sensors.gas}/reading`, payload, { qos: 1 });
    // The PUBACK came back: the reading must already be in the database.
    expect(await count(sensors.gas)).toBe(before + 1);
    await device.publishAsync(`gridops/sensors/${sensors.gas}/reading`, payload, { qos: 1, dup: true });
    expect(await count(sensors.gas)).toBe(before + 1);
    // Hourly rollups and the latest value follow within IOT_ROLLUP_FLUSH_MS (rollup-buffer.ts); flush now.
    await iot.ingest.flush();
    const [latest] = await server.db.query<{ value: number }>(latestOf, [sensors.gas]);
    expect(latest.value).toBe(4.5);
    const [hourly] = await server.db.query<{ n: number; max: number }>(hourlyOf, [sensors.gas]);
    expect(hourly).toMatchObject({ n: before + 1, max: 4.5 });

    // Several readings between two flushes: one rollup row per hour, added to what is there; the newest value wins.
    const later = Date.now() - 3_000;
    for (const [i, value] of [3.5, 6, 2.5].entries()) {
      await device.publishAsync(
        `gridops/sensors/${sensors.gas}/reading`,
        JSON.stringify({ value, observedAt: new Date(later + i * 500).toISOString() }),
        { qos: 1 },
      );
    }
    await iot.ingest.flush();
    const [merged] = await server.db.query<{ n: number; max: number }>(hourlyOf, [sensors.gas]);
    expect(merged).toMatchObject({ n: before + 4, max: 6 });
    const [newest] = await server.db.query<{ value: number }>(latestOf, [sensors.gas]);
    expect(newest.value).toBe(2.5);
    await device.endAsync();
  });

  it('closes the connection of a device that publishes for another sensor, and stores nothing for it', async () => {
    const before = iot.stats.snapshot().rejected.topic_forbidden;
    const device = await connect(sensors.gas, secrets[sensors.gas]);
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    const otherBefore = await count(sensors.other);
    device.publish(`gridops/sensors/${sensors.other}/reading`, JSON.stringify({ value: 99, observedAt: new Date().toISOString() }), { qos: 1 });
    await closed;
    expect(await count(sensors.other)).toBe(otherBefore);
    expect(iot.stats.snapshot().rejected.topic_forbidden).toBe(before + 1);
    device.end(true);
  });

  it('counts and drops bad payloads without closing the connection', async () => {
    const device = await connect(sensors.noise, secrets[sensors.noise]);
    const topic = `gridops/sensors/${sensors.noise}/reading`;
    const before = iot.stats.snapshot().rejected;
    await device.publishAsync(topic, '{"value":', { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ value: 'loud', observedAt: new Date().toISOString() }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ value: 50, observedAt: new Date(Date.now() + 3_600_000).toISOString() }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ value: 50, unit: '°C', observedAt: new Date().toISOString() }), { qos: 1 });
    await device.publishAsync(topic, 'x'.repeat(5000), { qos: 1 });
    const after = iot.stats.snapshot().rejected;
    expect(after.malformed_json - before.malformed_json).toBe(1);
    expect(after.invalid_payload - before.invalid_payload).toBe(1);
    expect(after.future_time - before.future_time).toBe(1);
    expect(after.wrong_unit - before.wrong_unit).toBe(1);
    expect(after.oversized - before.oversized).toBe(1);
    expect(device.connected).toBe(true);
    await device.endAsync();
    const res = await fetch(`${server.baseUrl}/api/iot/ingest-stats`, { headers: admin });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rejected: { oversized: expect.any(Number) }, ratePerSecond: { received: expect.any(Number) } });
  });

  it('revokes a credential: the device can no longer connect', async () => {
    const issued = await issue({ kind: 'sensor', sensorCode: sensors.other });
    const device = await connect(sensors.other, issued.body.secret);
    await device.endAsync();
    const res = await fetch(`${server.baseUrl}/api/iot/credentials/${issued.body.credential.id}/revoke`, { method: 'POST', headers: admin });
    expect(res.status).toBe(200);
    await expect(connect(sensors.other, issued.body.secret)).rejects.toThrow();
    const again = await fetch(`${server.baseUrl}/api/iot/credentials/${issued.body.credential.id}/revoke`, { method: 'POST', headers: admin });
    expect(again.status).toBe(404);
  });

  it.runIf(mosquittoInstalled)('works with Debian mosquitto_pub and mosquitto_sub (a monitor sees its scope)', async () => {
    const monitor = await issue({ kind: 'monitor', username: 'xianlin.wall', scopeCode: '320113007' });
    const port = String(new URL(url).port);
    const sub = spawn('mosquitto_sub', [
      '-h',
      '127.0.0.1',
      '-p',
      port,
      '-u',
      'xianlin.wall',
      '-P',
      monitor.body.secret,
      '-t',
      'gridops/sensors/#',
      '-v',
      '-C',
      '1',
      '-W',
      '20',
    ]);
    let received = '';
    sub.stdout.on('data', (d) => (received += d));
    const exited = new Promise<number>((resolve) => sub.on('exit', (code) => resolve(code ?? -1)));
    await new Promise((r) => setTimeout(r, 500));
    const before = await count(sensors.noise);
    const payload = JSON.stringify({ value: 61.5, unit: 'dB(A)', observedAt: new Date().toISOString() });
    await run('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      port,
      '-u',
      sensors.noise,
      '-P',
      secrets[sensors.noise],
      '-q',
      '1',
      '-t',
      `gridops/sensors/${sensors.noise}/reading`,
      '-m',
      payload,
    ]);
    expect(await count(sensors.noise)).toBe(before + 1);
    expect(await exited).toBe(0);
    expect(received.trim()).toBe(`gridops/sensors/${sensors.noise}/reading ${payload}`);
  });

  it('creates the daily partitions ahead and drops them after the retention', async () => {
    const names = async () => (await server.db.query<{ name: string }>(listPartitions)).map((r) => r.name);
    const day = (offset: number) => `sensor_readings_p${new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')}`;
    expect(await names()).toEqual(expect.arrayContaining([day(-1), day(0), day(1), day(2)]));
    const later = new Date(Date.now() + 95 * 86_400_000);
    const done = await maintainReadingPartitions(server.db, later, { maxAgeMs: 86_400_000, retentionDays: 90, daysAhead: 2 });
    expect(done.dropped).toEqual(expect.arrayContaining([day(-1), day(0), day(1), day(2)]));
    const after = await names();
    expect(after).not.toContain(day(0));
    expect(after).toContain(day(95));
    // The hourly rollups stay.
    const [hourly] = await server.db.query<{ n: number }>(hourlyOf, [sensors.gas]);
    expect(hourly.n).toBeGreaterThan(0);
    expect(await count(sensors.gas)).toBe(0);
  });
});
