/**
 * A sensor alarm seen by a dispatcher in a real browser (headless Chromium, software WebGL) on the seeded Xianlin
 * subset: readings over the threshold published over MQTT to the embedded broker → the rules → intakeAlarm → the
 * live channel (topic sensors) → the sensor drawn in the alarm colour on the map. A click on it opens its detail:
 * state, the incident it opened, the rules and the 24 h chart (ECharts). Fails on console errors.
 */
import mqtt from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/load-config.js';
import { defineSql } from '../../server/db/database.js';
import { startIot, type IotService } from '../../server/iot/start-iot.js';
import { createLogger } from '../../server/logging/logger.js';
import { testDatabaseModes } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { closeBrowser, ensureClientBuilt, openConsole, waitForMapReady, type ConsoleSession } from './support/browser-session.js';
import { recordMapFrames } from './support/map-frames.js';
import { countNear, decodePng } from './support/png-pixels.js';

/** A Xianlin gas sensor with no incident or camera within 60 m (nothing else coloured where it is drawn). */
const pickSensor = defineSql(
  'test.browser_sensor',
  `SELECT s.code, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat FROM sensors s
    WHERE s.kind = 'gas' AND s.micro_grid_code LIKE '320113007%'
      AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.state NOT IN ('closed', 'rejected') AND ST_DWithin(i.geom::geography, s.geom::geography, 60))
      AND NOT EXISTS (SELECT 1 FROM sensors o WHERE o.code <> s.code AND ST_DWithin(o.geom::geography, s.geom::geography, 30))
    ORDER BY s.code LIMIT 1`,
);

const ALARM_LIGHT = '#c026d3';

async function pixelOf(page: Page, lon: number, lat: number, zoom: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ({ lon, lat, zoom }) =>
      new Promise<{ x: number; y: number }>((resolve) => {
        const element = document.querySelector('[data-testid="map"]') as HTMLElement & { consoleMap: { map: import('maplibre-gl').Map } };
        const map = element.consoleMap.map;
        const done = () => {
          const p = map.project([lon, lat]);
          const rect = element.getBoundingClientRect();
          resolve({ x: rect.left + p.x, y: rect.top + p.y });
        };
        map.once('moveend', done);
        map.jumpTo({ center: [lon, lat], zoom });
      }),
    { lon, lat, zoom },
  );
}

describe('console: a sensor alarm on the map', () => {
  const [mode] = testDatabaseModes();
  let server: TestServer;
  let iot: IotService;
  let session: ConsoleSession;
  let device: mqtt.MqttClient;
  let sensor: { code: string; lon: number; lat: number };

  beforeAll(async () => {
    await ensureClientBuilt();
    server = await startTestServer(mode);
    // The detail's 24 h chart reads the five-minute rollups, written every IOT_ROLLUP_FLUSH_MS (5 s by default): flushed
    // sooner here, so the chart of readings published a moment before the click is there when the detail opens.
    const config = loadConfig({ NODE_ENV: 'test', MQTT_PORT: '0', IOT_BATCH_MS: '20', IOT_ROLLUP_FLUSH_MS: '100' }).iot;
    iot = await startIot({ db: server.db, clock: { now: () => new Date() }, logger: createLogger('silent'), events: server.events, config });
    [sensor] = await server.db.query(pickSensor);
    expect(sensor, 'a Xianlin gas sensor away from incidents').toBeDefined();
    const gateway = iot.internal.add({
      kind: 'gateway',
      username: 'gridops-browser-test',
      sensorCode: null,
      scopeCode: '320113007',
      credentialId: null,
    });
    device = await mqtt.connectAsync(iot.brokerUrl, { username: gateway.username, password: gateway.secret, reconnectPeriod: 0 });
    session = await openConsole(server.baseUrl, { username: 'dispatcher.xianlin', language: 'zh-CN', theme: 'light' });
    await waitForMapReady(session.page, 90_000);
    await session.page.locator('[data-testid="connection-status"][data-status="open"]').waitFor({ timeout: 15_000 });
  }, 240_000);

  afterAll(async () => {
    await device?.endAsync();
    await session?.close();
    await closeBrowser();
    await iot?.close();
    await server?.close();
  });

  it('draws the sensor in the alarm colour once its readings cross the threshold, and opens its detail on a click', async () => {
    const { page } = session;
    const pixel = await pixelOf(page, sensor.lon, sensor.lat, 16);
    const clip = { x: Math.round(pixel.x) - 20, y: Math.round(pixel.y) - 20, width: 40, height: 40 };
    const alarmPixels = async () => countNear(decodePng(await page.screenshot({ clip, type: 'png' })), ALARM_LIGHT, 40);
    expect(await alarmPixels()).toBe(0);
    const frames = await recordMapFrames(page, clip);

    const topic = `gridops/sensors/${sensor.code}/reading`;
    const t0 = Date.now() - 5 * 60_000;
    await device.publishAsync(topic, JSON.stringify({ value: 16, observedAt: new Date(t0).toISOString() }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ value: 24, observedAt: new Date(t0 + 60_000).toISOString() }), { qos: 1 });
    const published = Date.now();
    await device.publishAsync(topic, JSON.stringify({ value: 29, observedAt: new Date(t0 + 120_000).toISOString() }), { qos: 1 });

    const drawn = await frames.waitFor((frame) => frame.at >= published && countNear(frame, ALARM_LIGHT, 40) >= 20, 20_000);
    await frames.stop();
    const onMapMs = drawn ? drawn.at - published : Infinity;
    console.info(`[console] sensor ${sensor.code}: alarm drawn on the map ${onMapMs} ms after the breaching reading was acknowledged`);
    // The 500 ms target is measured by the benchmark (scripts/bench/measure-iot.ts); here: it arrives, live, without a
    // reload (on this shared 2-core machine under heavy load the intake alone took seconds).
    expect(onMapMs).toBeLessThanOrEqual(15_000);
    expect(await alarmPixels()).toBeGreaterThanOrEqual(20);
    await session.screenshot('console-sensor-alarm');

    // Off the incident's point at the centre, on the ring: opens the sensor.
    await page.mouse.click(pixel.x + 15, pixel.y);
    await page.locator('[data-testid="sensor-detail"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getAttribute('[data-testid="sensor-state"]', 'data-state'), { timeout: 10_000 }).toBe('alarm');
    await page.locator('[data-testid="sensor-incident"]').waitFor({ timeout: 10_000 });
    expect(await page.textContent('[data-testid="sensor-rules"]')).toContain('20');
    await page.locator('[data-testid="sensor-chart"] canvas').waitFor({ timeout: 10_000 });
    await session.screenshot('console-sensor-detail');
    expect(session.consoleErrors).toEqual([]);
  });
});
