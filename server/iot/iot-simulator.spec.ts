/**
 * The sensor simulator over real MQTT, on every database mode: the Xianlin subset's sensors publish through the
 * embedded broker with the in-memory gateway credential (as main.ts does in simulate mode), every sensor reads
 * once a second here until nine in ten have been heard, and what the simulator got acknowledged is what the database holds; faults get injected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { defineSql } from '../db/database.js';
import { createLogger } from '../logging/logger.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { startSensorSimulator } from './sensor-simulator.js';
import { startIot, type IotService } from './start-iot.js';

const storedSince = defineSql(
  'test.iot_sim_stored',
  `SELECT count(*)::int AS n, count(DISTINCT sensor_code)::int AS sensors FROM sensor_readings WHERE received_at >= $1`,
);

describe.each(testDatabaseModes())('sensor simulator on %s', (mode) => {
  let server: TestServer;
  let iot: IotService;

  beforeAll(async () => {
    server = await startTestServer(mode);
    const config = loadConfig({ NODE_ENV: 'test', MQTT_PORT: '0', IOT_BATCH_MS: '20' }).iot;
    iot = await startIot({ db: server.db, clock: { now: () => new Date() }, logger: createLogger('silent'), events: server.events, config });
  });
  afterAll(async () => {
    await iot?.close();
    await server?.close();
  });

  it('publishes every sensor over MQTT, all acknowledged readings stored, with faults injected', async () => {
    const sensors = [...iot.directory.values()];
    expect(sensors.length).toBeGreaterThan(50);
    const gateway = iot.internal.add({ kind: 'gateway', username: 'gridops-simulator', sensorCode: null, scopeCode: 'city', credentialId: null });
    const started = new Date();
    const simulator = startSensorSimulator({
      brokerUrl: iot.brokerUrl,
      username: gateway.username,
      password: gateway.secret,
      sensors,
      readingSeconds: 1,
      faultsPerHour: 36_000,
      connections: 2,
      clock: { now: () => new Date() },
      logger: createLogger('silent'),
    });
    // Until nine in ten sensors have been heard (a minute at most: the machine may be busy).
    const deadline = Date.now() + 60_000;
    let heard = 0;
    while (heard < sensors.length * 0.9 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      heard = (await server.db.query<{ sensors: number }>(storedSince, [started]))[0].sensors;
    }
    await simulator.stop();
    await iot.ingest.flush();
    const [stored] = await server.db.query<{ n: number; sensors: number }>(storedSince, [started]);
    expect(simulator.published).toBeGreaterThan(0);
    // Every acknowledged reading is stored (a PUBACK follows the commit); a few stored at the stop may not have been acknowledged yet.
    expect(stored.n).toBeGreaterThanOrEqual(simulator.published);
    expect(stored.sensors).toBeGreaterThan(sensors.length * 0.9);
    expect(simulator.faultsStarted).toBeGreaterThan(0);
    expect(iot.stats.snapshot().rejected).toMatchObject({ invalid_payload: 0, wrong_unit: 0, topic_forbidden: 0, unknown_sensor: 0 });
  });
});
