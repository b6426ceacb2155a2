/**
 * The external-broker path against Debian Mosquitto started by the test (tests/support/mosquitto-broker.ts), on
 * every database mode: GridOps subscribes with a shared subscription, every reading published is stored once,
 * and a broker restart in the middle of the stream — with messages re-delivered — neither loses a reading nor
 * opens a second incident.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { defineSql } from '../db/database.js';
import { createLogger } from '../logging/logger.js';
import { startMosquitto, type MosquittoBroker } from '../../tests/support/mosquitto-broker.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { startIot, type IotService } from './start-iot.js';

const pickSensor = defineSql(
  'test.iot_external_sensor',
  `SELECT code FROM sensors WHERE kind = 'water_level' AND micro_grid_code LIKE '320113007%' ORDER BY code LIMIT 1`,
);
const readingsOf = defineSql('test.iot_external_readings', `SELECT count(*)::int AS n FROM sensor_readings WHERE sensor_code = $1`);
const incidentsOf = defineSql('test.iot_external_incidents', `SELECT count(*)::int AS n FROM incidents WHERE device_code = $1`);

const MIN = 60_000;

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(testDatabaseModes())('MQTT ingest from Debian Mosquitto on %s', (mode) => {
  let server: TestServer;
  let broker: MosquittoBroker;
  let iot: IotService;
  let sensor: string;
  let device: mqtt.MqttClient;
  const t0 = Date.now() - 60 * MIN;
  const message = (i: number, value: number) => JSON.stringify({ value, unit: 'cm', observedAt: new Date(t0 + i * 10_000).toISOString() });
  const stored = async () => (await server.db.query<{ n: number }>(readingsOf, [sensor]))[0].n;
  const incidents = async () => (await server.db.query<{ n: number }>(incidentsOf, [sensor]))[0].n;

  beforeAll(async () => {
    broker = await startMosquitto();
    server = await startTestServer(mode);
    const config = loadConfig({ NODE_ENV: 'test', MQTT_URL: broker.url, IOT_BATCH_MS: '20', MQTT_CLIENT_ID: `gridops-test-${mode}` }).iot;
    iot = await startIot({ db: server.db, clock: { now: () => new Date() }, logger: createLogger('silent'), events: server.events, config });
    await iot.subscriber!.ready;
    [{ code: sensor }] = await server.db.query<{ code: string }>(pickSensor);
    device = await mqtt.connectAsync(broker.url, { clientId: `device-${sensor}`, clean: false, reconnectPeriod: 200 });
  });
  afterAll(async () => {
    await device?.endAsync();
    await iot?.close();
    await server?.close();
    await broker?.stop();
  });

  it('stores every reading published through the shared subscription, once', async () => {
    const topic = `gridops/sensors/${sensor}/reading`;
    await Promise.all(Array.from({ length: 200 }, (_, i) => device.publishAsync(topic, message(i, 3), { qos: 1 })));
    await until(async () => (await stored()) === 200);
    // Re-delivered (the same sensor and observed time): nothing more.
    await Promise.all(Array.from({ length: 20 }, (_, i) => device.publishAsync(topic, message(i, 3), { qos: 1 })));
    await iot.ingest.flush();
    await new Promise((r) => setTimeout(r, 300));
    expect(await stored()).toBe(200);
  });

  it('survives a broker restart: no reading lost, re-delivered alarms open no second incident', async () => {
    const topic = `gridops/sensors/${sensor}/reading`;
    // Threshold 15 cm, three readings in a row: the third opens the incident.
    for (const i of [200, 201, 202]) await device.publishAsync(topic, message(i, 30), { qos: 1 });
    await until(async () => (await incidents()) === 1);
    await iot.rules.idle();

    await broker.restart();
    await iot.subscriber!.subscribed();
    // The same breach again (as a device re-sends what it was not sure of), then new readings.
    for (const i of [200, 201, 202]) await device.publishAsync(topic, message(i, 30), { qos: 1 });
    await Promise.all(Array.from({ length: 100 }, (_, k) => device.publishAsync(topic, message(203 + k, 31), { qos: 1 })));
    await until(async () => (await stored()) === 303);
    await iot.rules.idle();
    expect(await incidents()).toBe(1);
    expect(iot.stats.snapshot().alarmsRaised).toBe(1);
  });
});
