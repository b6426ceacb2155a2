/**
 * The camera-position review in a real browser (headless Chromium) on the seeded Xianlin subset: the city
 * administrator imports a small planted file (the generator's own planting) from the console, sees the report and
 * the flagged cameras drawn on the map (pixels), drags a camera far from any road towards a road and sees it snap
 * (the snapped point lies on a road, checked in SQL), confirms the move, accepts another camera, rejects one,
 * accepts all the likely GCJ-02 cameras at once, and the accepted cameras show on the camera layer (the devices
 * tiles in the page). Fails on console errors and on any failed request.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../../server/db/database.js';
import { readCandidatePools } from '../../scripts/camera-import/camera-candidates.js';
import { camerasCsv, plantCameraRows, type PlantedRow } from '../../scripts/camera-import/plant-camera-errors.js';
import { REVIEW_COLORS } from '../../client/map/layers/camera-review.layer.js';
import { testDatabaseModes } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { closeBrowser, ensureClientBuilt, openConsole, waitForMapReady, type ConsoleSession } from './support/browser-session.js';
import { MAP_SELECTOR, mapPixels, settleMap, type ConsoleMapElement } from './support/map-page.js';
import type { Pixels } from './support/png-pixels.js';

/** $1 lon, $2 lat: the nearest road point within 400 m and its distance. */
const nearestRoad = defineSql(
  'test.camera_review_browser_road',
  `SELECT lon, lat, distance_m FROM gridops_snap_to_road(ST_SetSRID(ST_MakePoint($1, $2), 4326), 400)`,
);
/** $1 lon, $2 lat: where the review snaps a drop (the route's 50 m). */
const snapAt = defineSql('test.camera_review_browser_snap', `SELECT lon, lat FROM gridops_snap_to_road(ST_SetSRID(ST_MakePoint($1, $2), 4326), 50)`);
const roadDistance = defineSql(
  'test.camera_review_browser_distance',
  `SELECT gridops_road_distance(ST_SetSRID(ST_MakePoint($1, $2), 4326), 100) AS m`,
);
/** $1 codes: the live cameras among them. */
const liveCameras = defineSql(
  'test.camera_review_browser_live',
  `SELECT code, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM cameras WHERE code = ANY ($1::text[]) ORDER BY code`,
);

/** Pixels of `hex` within `radius` of (x, y) of the map's screenshot. */
function nearPixel(pixels: Pixels, x: number, y: number, hex: string, radius = 10, tolerance = 40): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  let count = 0;
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      const px = Math.round(x) + dx;
      const py = Math.round(y) + dy;
      if (px < 0 || py < 0 || px >= pixels.width || py >= pixels.height) continue;
      const i = (py * pixels.width + px) * 4;
      const d = (pixels.rgba[i]! - r) ** 2 + (pixels.rgba[i + 1]! - g) ** 2 + (pixels.rgba[i + 2]! - b) ** 2;
      if (d <= tolerance * tolerance) count++;
    }
  }
  return count;
}

describe('camera-position review on the map', () => {
  const [mode] = testDatabaseModes();
  let server: TestServer;
  let session: ConsoleSession;
  let rows: PlantedRow[];
  let file: string;
  const failedResponses: string[] = [];

  const linesOf = (flag: string) => rows.flatMap((r, i) => (r.flags.length === 1 && r.flags[0] === flag ? [i + 2] : []));
  /** The page pixel of a map position (for the mouse), and its pixel in the map's own screenshot. */
  const pixelOf = (lon: number, lat: number) =>
    session.page.evaluate(
      ({ selector, lon, lat }) => {
        const element = document.querySelector(selector) as ConsoleMapElement;
        const p = element.consoleMap.map.project([lon, lat]);
        const box = element.getBoundingClientRect();
        return { x: p.x, y: p.y, pageX: box.left + p.x, pageY: box.top + p.y };
      },
      { selector: MAP_SELECTOR, lon, lat },
    );

  beforeAll(async () => {
    await ensureClientBuilt();
    server = await startTestServer(mode);
    const pools = await readCandidatePools(server.db, 80, 0.04, 31);
    rows = plantCameraRows(pools, { count: 80, rate: 0.04, seed: 31 }).map((r) => ({ ...r, code: `BR${r.code}` }));
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'camera-review-')), 'planted-cameras.csv');
    fs.writeFileSync(file, camerasCsv(rows));
    session = await openConsole(server.baseUrl, { username: 'admin.city', language: 'zh-CN', theme: 'light', width: 1600, height: 900 });
    session.page.on('response', (response) => {
      if (response.status() >= 400) failedResponses.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await waitForMapReady(session.page, 180_000);
  }, 360_000);

  afterAll(async () => {
    await session?.close();
    await closeBrowser();
    await server?.close();
  });

  it('imports a planted file, reviews the flagged cameras on the map, and the accepted ones join the camera layer', async () => {
    const { page } = session;
    await page.locator('[data-testid="open-camera-review"]').click();
    await page.locator('[data-testid="camera-import-file"]').setInputFiles(file);
    await page.locator('[data-testid="camera-import-crs"]').selectOption('wgs84');
    await page.locator('[data-testid="camera-import-submit"]').click();
    await page.locator('[data-testid="camera-import-counts"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="camera-import-counts"]').textContent()).toContain('已导入 80 条');
    expect(await page.locator('[data-testid="camera-flag-counts"] tr').count()).toBeGreaterThanOrEqual(8);
    const flaggedRows = rows.filter((r) => r.flags.length > 0).length;
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="camera-review-item"]').length >= n - 2, flaggedRows, {
      timeout: 20_000,
    });

    // A camera far from any road: selected from the queue, drawn on the map in the review's colour.
    await page.locator('[data-testid="camera-review-filter"][data-flag="far_from_road"]').click();
    const farLine = linesOf('far_from_road')[0] as number;
    const far = rows[farLine - 2] as PlantedRow;
    await page.locator(`[data-testid="camera-review-item"][data-line="${farLine}"] button`).click();
    await page.locator('[data-testid="camera-review-reasons"] li[data-flag="far_from_road"]').waitFor();
    await page.waitForTimeout(1_500);
    await settleMap(page);
    const at = await pixelOf(far.lon, far.lat);
    const before = await mapPixels(session, 'camera-review-selected');
    expect(nearPixel(before, at.x, at.y, REVIEW_COLORS.light.given), 'the selected flagged camera is drawn').toBeGreaterThan(20);

    // Drag it to 12 m short of the nearest road, towards the camera: it snaps onto the road.
    const [road] = await server.db.query<{ lon: number; lat: number; distance_m: number }>(nearestRoad, [far.lon, far.lat]);
    expect(road, 'a road within 400 m of the far camera').toBeDefined();
    const share = 12 / Number(road?.distance_m);
    const target = { lon: Number(road?.lon) + (far.lon - Number(road?.lon)) * share, lat: Number(road?.lat) + (far.lat - Number(road?.lat)) * share };
    const to = await pixelOf(target.lon, target.lat);
    await page.mouse.move(at.pageX, at.pageY);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) await page.mouse.move(at.pageX + ((to.pageX - at.pageX) * i) / 8, at.pageY + ((to.pageY - at.pageY) * i) / 8);
    await page.mouse.up();
    await page.locator('[data-testid="camera-review-snap"][data-phase="snapped"]').waitFor({ timeout: 15_000 });
    await settleMap(page);
    // The snapped point the server offers (the same function, asked here) is drawn in the drag colour.
    const [expected] = await server.db.query<{ lon: number; lat: number }>(snapAt, [target.lon, target.lat]);
    const expectedPixel = await pixelOf(Number(expected?.lon), Number(expected?.lat));
    const dragged = await mapPixels(session, 'camera-review-snapped');
    expect(
      nearPixel(dragged, expectedPixel.x, expectedPixel.y, REVIEW_COLORS.light.snapped),
      'the snapped point is drawn before confirming',
    ).toBeGreaterThan(20);
    const snapText = (await page.locator('[data-testid="camera-review-snap"]').textContent()) ?? '';
    const metres = Number(/([\d.]+) 米/.exec(snapText)?.[1]);
    expect(metres).toBeGreaterThan(8);
    expect(metres).toBeLessThan(16);
    await page.locator('[data-testid="camera-review-confirm-move"]').click();
    await page.waitForFunction((line) => !document.querySelector(`[data-testid="camera-review-item"][data-line="${line}"]`), farLine, {
      timeout: 15_000,
    });
    const [movedLive] = await server.db.query<{ lon: number; lat: number }>(liveCameras, [[far.code]]);
    expect(movedLive, 'the moved camera is live').toBeDefined();
    const [onRoad] = await server.db.query<{ m: number }>(roadDistance, [movedLive?.lon, movedLive?.lat]);
    expect(Number(onRoad?.m), 'the moved camera lies on a road').toBeLessThan(0.05);
    // On the map: the snapped point (amber) was drawn before confirming; after it the camera layer has it.
    // Where it was snapped to: the road point nearest the drop (the mouse lands within a pixel, ~1 m, of the target).
    expect(Math.abs(Number(movedLive?.lon) - Number(expected?.lon)) * 94_000).toBeLessThan(2.5);
    expect(Math.abs(Number(movedLive?.lat) - Number(expected?.lat)) * 110_900).toBeLessThan(2.5);

    // Accept one (a duplicate-name camera at a good position), reject one in water, accept all likely GCJ-02.
    await page.locator('[data-testid="camera-review-filter"][data-flag="all"]').click();
    const acceptLine = linesOf('duplicate_nearby')[0] as number;
    await page.locator(`[data-testid="camera-review-item"][data-line="${acceptLine}"] button`).click();
    await page.locator('[data-testid="camera-review-accept"]').click();
    await page.waitForFunction((line) => !document.querySelector(`[data-testid="camera-review-item"][data-line="${line}"]`), acceptLine, {
      timeout: 15_000,
    });
    const rejectLine = linesOf('in_water')[0] as number;
    await page.locator(`[data-testid="camera-review-item"][data-line="${rejectLine}"] button`).click();
    await page.locator('[data-testid="camera-review-reject"]').click();
    await page.waitForFunction((line) => !document.querySelector(`[data-testid="camera-review-item"][data-line="${line}"]`), rejectLine, {
      timeout: 15_000,
    });
    await page.locator('[data-testid="camera-review-filter"][data-flag="likely_gcj02"]').click();
    await page.locator('[data-testid="camera-review-accept-all"]').waitFor();
    await page.locator('[data-testid="camera-review-accept-all"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="camera-review-item"]').length === 0, undefined, { timeout: 15_000 });
    const gcjCodes = linesOf('likely_gcj02').map((line) => (rows[line - 2] as PlantedRow).code);
    const accepted = [far.code, (rows[acceptLine - 2] as PlantedRow).code, ...gcjCodes];
    const live = await server.db.query<{ code: string; lon: number; lat: number }>(liveCameras, [accepted]);
    expect(live.map((c) => c.code).sort()).toEqual([...new Set(accepted)].sort());
    expect(await server.db.query(liveCameras, [[(rows[rejectLine - 2] as PlantedRow).code]])).toEqual([]);
    expect(await page.locator('[data-testid="camera-review-states"]').textContent()).toContain('已驳回 1');

    // The accepted cameras on the camera layer: the moved one, seen in the devices tiles where it now stands.
    const moved = live.find((c) => c.code === far.code) as { lon: number; lat: number };
    await page.evaluate(
      ({ selector, lon, lat }) => (document.querySelector(selector) as ConsoleMapElement).consoleMap.map.jumpTo({ center: [lon, lat], zoom: 16 }),
      { selector: MAP_SELECTOR, lon: Number(moved.lon), lat: Number(moved.lat) },
    );
    await page.waitForFunction(
      ({ selector, code }) => {
        const map = (document.querySelector(selector) as ConsoleMapElement).consoleMap.map;
        return map.querySourceFeatures('devices', { sourceLayer: 'cameras' }).some((f) => f.properties.code === code);
      },
      { selector: MAP_SELECTOR, code: far.code },
      { timeout: 30_000, polling: 250 },
    );
    await settleMap(page);
    const after = await mapPixels(session, 'camera-review-accepted-on-layer');
    const movedPixel = await pixelOf(Number(moved.lon), Number(moved.lat));
    expect(
      nearPixel(after, movedPixel.x, movedPixel.y, '#6b7280', 6, 30),
      'the accepted camera drawn by the camera layer (offline grey)',
    ).toBeGreaterThan(4);
    await session.screenshot('camera-review-console');

    expect(session.consoleErrors).toEqual([]);
    expect(failedResponses).toEqual([]);
  }, 120_000);

  it('in the dark theme, a camera without heading is drawn and accepted once a heading is typed', async () => {
    const { page } = session;
    await page.locator('[data-testid="camera-review-filter"][data-flag="heading_missing"]').click();
    const line = linesOf('heading_missing')[0] as number;
    const camera = rows[line - 2] as PlantedRow;
    await page.locator(`[data-testid="camera-review-item"][data-line="${line}"] button`).click();
    await page.locator('[data-testid="theme-switch"]').click();
    await page.waitForTimeout(1_500);
    await settleMap(page);
    const at = await pixelOf(camera.lon, camera.lat);
    const dark = await mapPixels(session, 'camera-review-dark');
    expect(nearPixel(dark, at.x, at.y, REVIEW_COLORS.dark.given), 'drawn in the dark theme').toBeGreaterThan(20);
    await page.locator('[data-testid="camera-review-heading"]').fill('135');
    await page.locator('[data-testid="camera-review-accept"]').click();
    await page.waitForFunction((l) => !document.querySelector(`[data-testid="camera-review-item"][data-line="${l}"]`), line, { timeout: 15_000 });
    const [live] = await server.db.query<{ code: string }>(liveCameras, [[camera.code]]);
    expect(live?.code).toBe(camera.code);
    await session.screenshot('camera-review-console-dark');
    expect(session.consoleErrors).toEqual([]);
    expect(failedResponses).toEqual([]);
  }, 60_000);
});
