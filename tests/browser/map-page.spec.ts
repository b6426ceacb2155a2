/**
 * The console map alone (client/bench/console-map.html: the map with every layer, no console around it),
 * in headless Chromium on the Xianlin test database: Chinese labels from local fonts, incidents by grade
 * with the micro-grid load colour, the route, and picking (incident, worker, camera by its point and by its
 * field-of-view cone, nothing); a still map stops drawing; points, cones and density hexagons in plain (not
 * instanced) draw calls, workers gliding between fixes, the hexagons only below z13. Pixels, draw calls and
 * picks, no console error, no request off the test server.
 */
import { describe, expect, it } from 'vitest';
import { XIANLIN_VIEW } from '../../client/bench/bench-view.js';
import { LOAD_ALPHA } from '../../client/map/layers/micro-grid-load.layer.js';
import { PALETTES } from '../../client/map/map-palette.js';
import { liveIncident } from '../support/live-incident.js';
import { DEVELOPMENT_PASSWORD } from '../../server/auth/bootstrap-accounts.js';
import { useBrowserTestServer } from './support/browser-test-server.js';
import { openConsole, waitForMapReady, type ConsoleSession } from './support/browser-session.js';
import { drawCallsOfNextFrame, jumpTo, MAP_SELECTOR, mapPixels, settleMap } from './support/map-page.js';
import { recordMapFrames } from './support/map-frames.js';
import { centreXNear, countNear, differingShare, mix, reddish } from './support/png-pixels.js';
import type { ConsoleMapElement } from './support/map-page.js';
import type { LiveIncident, LiveWorker } from '../../server/live/live-protocol.js';

const light = PALETTES.light;

/** A case reported now (the map pulses recent red ones) at a place, of a grade. */
const incidentAt = (id: number, lon: number, lat: number, grade: 'blue' | 'yellow' | 'orange' | 'red', microGridCode: string) =>
  liveIncident({ id, lon, lat, grade, microGridCode, reportedAt: new Date().toISOString() });

describe('console map alone', () => {
  const server = useBrowserTestServer();

  /** Signs in through the API (this page has no login form), then opens the map-only page at the view. */
  async function mapAlone(view = XIANLIN_VIEW): Promise<ConsoleSession> {
    const session = await openConsole(server().baseUrl, { path: '/api/health', width: 1600, height: 1000 });
    const login = await session.page.request.post(`${server().baseUrl}/api/auth/login`, {
      data: { username: 'dispatcher.xianlin', password: DEVELOPMENT_PASSWORD },
    });
    expect(login.status()).toBe(200);
    await session.page.goto(`${server().baseUrl}/bench/console-map.html?lon=${view.lon}&lat=${view.lat}&zoom=${view.zoom}`);
    await waitForMapReady(session.page, 120_000);
    await session.page.locator(`${MAP_SELECTOR}[data-data-loaded]`).waitFor({ state: 'attached' });
    await jumpTo(session.page, view);
    return session;
  }

  /**
   * Console errors of the map page. The JSON page opened first to sign in makes Chromium ask for
   * /favicon.ico (404) at some point; the map page declares its icon inline and asks for none.
   */
  const errorsOf = (session: ConsoleSession) => session.consoleErrors.filter((e) => !e.includes('/favicon.ico)'));

  /** Clicks the map where a coordinate is drawn and returns what onMapClick received. */
  async function clickAt(session: ConsoleSession, lon: number, lat: number) {
    const map = session.page.locator(MAP_SELECTOR);
    const { x, y } = await map.evaluate((el: ConsoleMapElement, at: [number, number]) => el.consoleMap.map.project(at), [lon, lat] as [
      number,
      number,
    ]);
    await map.evaluate((el: HTMLElement) => delete el.dataset.lastClick);
    await map.click({ position: { x, y } });
    await session.page.locator(`${MAP_SELECTOR}[data-last-click]`).waitFor({ state: 'attached' });
    return JSON.parse((await map.getAttribute('data-last-click'))!) as { point: { lon: number; lat: number }; picked: unknown };
  }

  it('labels units in Chinese from the local fonts only', async () => {
    const session = await mapAlone();
    const map = session.page.locator(MAP_SELECTOR);
    try {
      const withLabels = await mapPixels(session, 'map-alone-labels');
      const rendered = await map.evaluate((el: ConsoleMapElement) =>
        el.consoleMap.map.queryRenderedFeatures({ layers: ['units-labels-grid'] }).map((f) => f.properties.name as string),
      );
      expect(rendered.length).toBeGreaterThan(3);
      expect(rendered.some((name: string) => /网格$/.test(name))).toBe(true);
      // The same view with the label layers alone hidden: what differs is the text.
      await map.evaluate((el: ConsoleMapElement) => {
        for (const layer of el.consoleMap.map.getStyle().layers) {
          if (layer.id.startsWith('units-labels-')) el.consoleMap.map.setLayoutProperty(layer.id, 'visibility', 'none');
        }
      });
      await settleMap(session.page);
      const withoutLabels = await mapPixels(session, 'map-alone-no-labels');
      expect(countNear(withLabels, light.label.text, 60) - countNear(withoutLabels, light.label.text, 60)).toBeGreaterThan(800);
      expect(differingShare(withLabels, withoutLabels)).toBeGreaterThan(0.003);
      expect(errorsOf(session)).toEqual([]);
      expect(session.externalRequests).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('draws incidents by grade, colours their micro-grid by load, draws the route, and picks an incident and a worker', async () => {
    const session = await mapAlone({ ...XIANLIN_VIEW, zoom: 16 });
    const map = session.page.locator(MAP_SELECTOR);
    try {
      const { lon, lat } = XIANLIN_VIEW;
      // The micro-grid at the centre, as the console's click asks the server.
      const here = await session.page.request.get(`${server().baseUrl}/api/whats-here?lon=${lon}&lat=${lat}`);
      const microGrid = ((await here.json()) as { microGrid: { code: string } }).microGrid.code;
      expect(microGrid).toMatch(/^320113007\d+$/);
      const before = await mapPixels(session, 'map-alone-no-incidents');

      const grades = ['blue', 'yellow', 'orange', 'red'] as const;
      const incidents = grades.map((grade, i) => incidentAt(i + 1, lon + (i - 1.5) * 0.0003, lat, grade, microGrid!));
      await map.evaluate((el: ConsoleMapElement, items: LiveIncident[]) => el.consoleMap.setIncidents(items), incidents);
      await map.evaluate((el: ConsoleMapElement) =>
        el.consoleMap.setWorkers([
          {
            code: 'W-T',
            name: '',
            role: 'micro_grid_worker',
            lon: 118.935,
            lat: 32.107,
            at: new Date().toISOString(),
            dutyStatus: 'on_duty',
            busy: true,
            stale: false,
            microGridCode: '',
          },
        ]),
      );
      await settleMap(session.page);
      const after = await mapPixels(session, 'map-alone-incidents');
      for (const grade of grades) expect(countNear(after, light.grade[grade], 30)).toBeGreaterThan(20);
      expect(countNear(after, light.worker.busy, 30)).toBeGreaterThan(20);
      // Four open cases: the micro-grid is tinted in the busiest load colour over the land.
      const busiest = mix(light.background, light.load[3], LOAD_ALPHA);
      expect(countNear(before, busiest, 12)).toBeLessThan(200);
      expect(countNear(after, busiest, 12)).toBeGreaterThan(2000);
      // The command-centre theme redraws the tint and the incidents in its own colours (the style diff drops deck.gl's
      // layer groups from MapLibre's layers; the redraw adds them again).
      await map.evaluate((el: ConsoleMapElement) => el.consoleMap.setTheme('dark'));
      await settleMap(session.page);
      const dark = await mapPixels(session, 'map-alone-incidents-dark');
      expect(countNear(dark, mix(PALETTES.dark.background, PALETTES.dark.load[3], LOAD_ALPHA), 12)).toBeGreaterThan(2000);
      for (const grade of grades) expect(countNear(dark, PALETTES.dark.grade[grade], 30), `dark ${grade}`).toBeGreaterThan(20);
      await map.evaluate((el: ConsoleMapElement) => el.consoleMap.setTheme('light'));
      await settleMap(session.page);
      expect(reddish(after) - reddish(before)).toBeGreaterThan(2000);

      await map.evaluate((el: ConsoleMapElement, route: [number, number][]) => el.consoleMap.showRoute(route), [
        [lon, lat],
        [lon + 0.002, lat + 0.001],
        [118.935, 32.107],
      ] as [number, number][]);
      await settleMap(session.page);
      expect(countNear(await mapPixels(session, 'map-alone-route'), light.route, 30)).toBeGreaterThan(300);

      expect((await clickAt(session, incidents[3].lon, incidents[3].lat)).picked).toEqual({ kind: 'incident', id: 4 });
      expect((await clickAt(session, 118.935, 32.107)).picked).toEqual({ kind: 'worker', code: 'W-T' });

      // Closing the cases clears the load.
      await map.evaluate(
        (el: ConsoleMapElement, items: LiveIncident[]) => el.consoleMap.setIncidents(items.map((i) => ({ ...i, state: 'closed' }))),
        incidents,
      );
      await settleMap(session.page);
      expect(countNear(await mapPixels(session, 'map-alone-closed'), busiest, 12)).toBeLessThan(200);
      expect(errorsOf(session)).toEqual([]);
      expect(session.externalRequests).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('draws incidents, workers and camera cones without instanced draw calls, picks each point as itself, and glides a worker', async () => {
    const session = await mapAlone({ ...XIANLIN_VIEW, zoom: 16 });
    const map = session.page.locator(MAP_SELECTOR);
    try {
      const { lon, lat } = XIANLIN_VIEW;
      // 120 cases on a grid around the centre; blue ones are drawn before yellow ones (data order ≠ id order).
      const incidents = Array.from({ length: 120 }, (_, i) =>
        incidentAt(i + 1, lon + ((i % 12) - 5.5) * 0.0004, lat + (Math.floor(i / 12) - 4.5) * 0.0003, i % 2 ? 'blue' : 'yellow', ''),
      );
      const worker = (at: [number, number]) => ({
        code: 'W-G',
        name: '',
        role: 'micro_grid_worker',
        lon: at[0],
        lat: at[1],
        at: new Date().toISOString(),
        dutyStatus: 'on_duty',
        busy: true,
        stale: false,
        microGridCode: '',
      });
      const from: [number, number] = [lon + 0.004, lat + 0.002];
      const to: [number, number] = [lon + 0.006, lat + 0.002];
      await map.evaluate((el: ConsoleMapElement, items: LiveIncident[]) => el.consoleMap.setIncidents(items), incidents);
      await map.evaluate((el: ConsoleMapElement, w: LiveWorker) => el.consoleMap.setWorkers([w]), worker(from));
      await settleMap(session.page);

      // Cameras in view, so their cones are drawn (from z15.5).
      expect(
        await map.evaluate((el: ConsoleMapElement) => el.consoleMap.map.queryRenderedFeatures({ layers: ['cameras-points'] }).length),
      ).toBeGreaterThan(0);
      // One frame's draw calls. In software WebGL an instanced draw is one internal draw per instance (37 µs each).
      const draws = await drawCallsOfNextFrame(session);
      expect(draws.plain).toBeGreaterThan(10);
      expect(draws.instanced).toBe(0);
      const drawn = await mapPixels(session, 'map-alone-many-incidents');
      expect(countNear(drawn, light.grade.blue, 30)).toBeGreaterThan(60 * 20);
      expect(countNear(drawn, light.grade.yellow, 30)).toBeGreaterThan(60 * 20);
      for (const i of [0, 57, 119])
        expect((await clickAt(session, incidents[i].lon, incidents[i].lat)).picked).toEqual({ kind: 'incident', id: i + 1 });
      expect((await clickAt(session, from[0], from[1])).picked).toEqual({ kind: 'worker', code: 'W-G' });

      // Moved: the worker's point passes through places between the two fixes (a deck.gl position transition).
      const [a, b] = await map.evaluate(
        (el: ConsoleMapElement, points: [number, number][]) => points.map((p) => el.consoleMap.map.project(p)),
        [from, to],
      );
      const box = await map.boundingBox();
      const rect = { x: box!.x + a.x - 20, y: box!.y + a.y - 12, width: Math.round(b.x - a.x) + 40, height: 24 };
      const frames = await recordMapFrames(session.page, rect);
      await map.evaluate((el: ConsoleMapElement, w: LiveWorker) => el.consoleMap.setWorkers([w]), worker(to));
      await session.page.waitForTimeout(2_000);
      const centres = (await frames.take()).map((frame) => centreXNear(frame, light.worker.busy)).filter((x): x is number => x !== null);
      await frames.stop();
      const [start, end] = [20, 20 + (b.x - a.x)];
      expect(
        centres.some((x) => x > start + 10 && x < end - 10),
        `centres ${centres.map(Math.round).join(' ')}`,
      ).toBe(true);
      expect(centres.at(-1)!).toBeCloseTo(end, -1);
      expect(errorsOf(session)).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('shows the open cases as H3 hexagons below z13 in plain draw calls, and none from z13', async () => {
    const session = await mapAlone({ ...XIANLIN_VIEW, zoom: 11 });
    const map = session.page.locator(MAP_SELECTOR);
    try {
      const { lon, lat } = XIANLIN_VIEW;
      // One case each in 25 places about 2 km apart: some twenty hexagons of resolution 7, a few kilometres² each.
      const spread = Array.from({ length: 25 }, (_, i) =>
        incidentAt(i + 1, lon + ((i % 5) - 2) * 0.02, lat + (Math.floor(i / 5) - 2) * 0.02, 'blue', ''),
      );
      const show = async (items: LiveIncident[], name: string) => {
        await map.evaluate((el: ConsoleMapElement, list: LiveIncident[]) => el.consoleMap.setIncidents(list), items);
        await settleMap(session.page);
        return mapPixels(session, name);
      };
      // The points of the cases and the workers are not what this test looks at.
      await map.evaluate((el: ConsoleMapElement) => {
        el.consoleMap.setLayerVisible('incidents', false);
        el.consoleMap.setLayerVisible('workers', false);
      });
      const none = await show([], 'map-alone-density-none');
      const hexagons = await show(spread, 'map-alone-density');
      // The density colours (amber to dark red) over the light map: reddish pixels where there were none.
      expect(reddish(hexagons) - reddish(none)).toBeGreaterThan(10_000);
      expect((await drawCallsOfNextFrame(session)).instanced).toBe(0);

      await jumpTo(session.page, { ...XIANLIN_VIEW, zoom: 13.5 });
      const noneClose = await show([], 'map-alone-density-none-z13');
      const spreadClose = await show(spread, 'map-alone-density-z13');
      expect(differingShare(noneClose, spreadClose)).toBeLessThan(0.0005);
      expect(errorsOf(session)).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('picks a camera by its point and by its field-of-view cone at high zoom, and nothing elsewhere', async () => {
    const session = await mapAlone({ ...XIANLIN_VIEW, zoom: 17 });
    const map = session.page.locator(MAP_SELECTOR);
    try {
      // The workers and incidents of the test database are not what this test clicks.
      await map.evaluate((el: ConsoleMapElement) => {
        el.consoleMap.setLayerVisible('workers', false);
        el.consoleMap.setLayerVisible('incidents', false);
      });
      await settleMap(session.page);
      const cameras = await map.evaluate((el: ConsoleMapElement) =>
        el.consoleMap.map.queryRenderedFeatures({ layers: ['cameras-points'] }).map((f) => ({
          code: f.properties.code,
          heading: f.properties.heading_deg,
          range: f.properties.range_m,
          at: (f.geometry as GeoJSON.Point).coordinates as [number, number],
        })),
      );
      expect(cameras.length).toBeGreaterThan(0);
      // A still map with cones in view goes idle and draws nothing more (each idle once collected the cones
      // again, redrew them, went idle again and never stopped).
      const framesWhileStill = await map.evaluate(
        (el: ConsoleMapElement) =>
          new Promise<number>((resolve) => {
            let frames = 0;
            const count = () => frames++;
            el.consoleMap.map.on('render', count);
            setTimeout(() => {
              el.consoleMap.map.off('render', count);
              resolve(frames);
            }, 2_000);
          }),
      );
      expect(framesWhileStill).toBeLessThanOrEqual(1);
      await mapPixels(session, 'map-alone-camera-cones');
      // The camera nearest the centre: its cone lies in view.
      const { lon, lat } = XIANLIN_VIEW;
      const distance = (c: { at: [number, number] }) => Math.hypot(c.at[0] - lon, c.at[1] - lat);
      const camera = [...cameras].sort((a, b) => distance(a) - distance(b))[0] as {
        code: string;
        heading: number;
        range: number;
        at: [number, number];
      };
      expect((await clickAt(session, camera.at[0], camera.at[1])).picked).toEqual({ kind: 'camera', code: camera.code });

      // Two thirds of the way along the heading, inside the cone, away from the point.
      const metres = (camera.range * 2) / 3;
      const rad = (camera.heading * Math.PI) / 180;
      const inCone: [number, number] = [
        camera.at[0] + (metres * Math.sin(rad)) / (111_320 * Math.cos((camera.at[1] * Math.PI) / 180)),
        camera.at[1] + (metres * Math.cos(rad)) / 111_320,
      ];
      const coneClick = await clickAt(session, inCone[0], inCone[1]);
      expect(coneClick.picked).toMatchObject({ kind: 'camera' });

      await map.evaluate((el: ConsoleMapElement) => el.consoleMap.setLayerVisible('cameras', false));
      await settleMap(session.page);
      const empty = await clickAt(session, camera.at[0], camera.at[1]);
      expect(empty.picked).toBeNull();
      expect(empty.point.lon).toBeCloseTo(camera.at[0], 4);
      expect(empty.point.lat).toBeCloseTo(camera.at[1], 4);
      expect(errorsOf(session)).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
