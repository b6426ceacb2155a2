/**
 * The citizens' page (/report) on an emulated phone, no account: a resident reports a broken manhole cover with a
 * photo at their GPS position, gets a case number, and follows its status by number — which shows the status, not
 * the description or anyone's contact. Then, with the location permission denied: the page says so, the place
 * is chosen with a tap on the map, and once the case is resolved with a reply to the reporter, its status shows
 * that reply (not the worker's internal note). Screenshots test-artifacts/screenshots/report-*.png.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { defineSql } from '../../server/db/database.js';
import { signIn } from '../support/test-auth.js';
import { useBrowserTestServer } from './support/browser-test-server.js';
import { openPhone } from './support/mobile-session.js';
import { countNear, decodePng } from './support/png-pixels.js';
import { PALETTES } from '../../client/map/map-palette.js';

const xianlinPoint = defineSql(
  'test.browser_report_point',
  `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM units WHERE level = 'micro_grid' AND street_code = '320113007' ORDER BY code LIMIT 1`,
);
const reported = defineSql(
  'test.browser_report_case',
  `SELECT i.source, i.description, r.reporter_phone, (SELECT count(*)::int FROM incident_photos p WHERE p.incident_id = i.id) AS photos
     FROM incidents i JOIN incident_reports r ON r.incident_id = i.id WHERE i.id = $1`,
);

const reportedPlace = defineSql(
  'test.browser_report_place',
  `SELECT input_crs, ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) AS metres FROM incidents WHERE id = $1`,
);
const xianlinWorker = defineSql(
  'test.browser_report_worker',
  `UPDATE workers SET duty_status = 'on_duty' WHERE code = (SELECT worker_code FROM accounts WHERE username = 'worker.xianlin') RETURNING code`,
);
/** Where the page's map opens without a location (client/report/report-main.ts DEFAULT_CENTER). */
const MAP_CENTER = { lon: 118.9255, lat: 32.1025 };

describe('citizens page /report', () => {
  const server = useBrowserTestServer();

  it('reports a broken manhole cover with a photo and GPS, returns a case number, then shows its public status', async () => {
    const [place] = await server().db.query<{ lon: number; lat: number }>(xianlinPoint);
    const phone = await openPhone(server().baseUrl, { path: '/report', position: place });
    const { page } = phone;
    try {
      await page.locator('[data-testid="report-form"] select[name="service_code"] option').first().waitFor({ state: 'attached' });
      await expect.poll(() => page.textContent('[data-testid="report-point"]'), { timeout: 30_000 }).toMatch(/^手机定位：118\.\d{5}, 32\.\d{5}$/);
      await page.locator('select[name="service_code"]').selectOption('city_management');
      await page.locator('textarea[name="description"]').fill('小区门口井盖破损，有人差点踩空');
      await page.locator('input[name="phone"]').fill('13800000000');
      const photo = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#6b7280' } })
        .jpeg({ quality: 95 })
        .toBuffer();
      await page.locator('[data-testid="report-photo"]').setInputFiles({ name: 'IMG.jpg', mimeType: 'image/jpeg', buffer: photo });
      await page.locator('[data-testid="report-thumb"] img').waitFor();
      await phone.screenshot('report-form');
      await page.locator('[data-testid="report-submit"]').tap();
      await page.locator('[data-testid="report-done"]').waitFor();
      const number = await page.textContent('[data-testid="report-number"]');
      expect(number).toMatch(/^NJ\d{8}-\d+$/);
      const id = Number(/\/report\/(\d+)$/.exec(page.url())?.[1]);
      const [row] = await server().db.query<{ source: string; description: string; reporter_phone: string; photos: number }>(reported, [id]);
      expect(row).toEqual({ source: 'open311', description: '小区门口井盖破损，有人差点踩空', reporter_phone: '13800000000', photos: 1 });
      await phone.screenshot('report-done');

      await page.locator('[data-testid="report-follow"]').tap();
      await page.locator('[data-testid="report-status"]').waitFor();
      expect(await page.textContent('[data-testid="report-status-value"]')).toBe('处理中');
      const text = await page.textContent('body');
      expect(text).not.toContain('13800000000');
      expect(text).not.toContain('井盖破损');
      await phone.screenshot('report-status');
      expect(phone.consoleErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  }, 180_000);

  it('with location denied: picks the place on the map, then shows the reply to the reporter once resolved', async () => {
    const phone = await openPhone(server().baseUrl, { path: '/report', position: null });
    const { page } = phone;
    const api = server().baseUrl;
    try {
      await page.locator('[data-testid="report-form"] select[name="service_code"] option').first().waitFor({ state: 'attached' });
      // Denied: a clear message, and the map still works. MapLibre is not loaded until the map is opened.
      await expect
        .poll(() => page.textContent('[data-testid="report-gps-problem"]'), { timeout: 20_000 })
        .toMatch(/^未获得定位权限：请点“在地图上选点”/);
      expect(await page.textContent('[data-testid="report-point"]')).toBe('尚未选择位置');
      const mapCodeLoaded = () =>
        page.evaluate(() => performance.getEntriesByType('resource').some((e) => /report-map-picker|field-map|maplibre/i.test(e.name)));
      expect(await mapCodeLoaded()).toBe(false);
      await phone.screenshot('report-location-denied');
      await page.locator('[data-testid="report-open-map"]').tap();
      await page.locator('[data-testid="report-map"][data-map-ready="true"][data-map-idle="true"]').waitFor({ timeout: 45_000 });
      expect(await mapCodeLoaded()).toBe(true);
      await page.locator('[data-testid="report-map"]').scrollIntoViewIfNeeded();
      // The basemap is drawn without an account (public tiles): not a blank canvas.
      const mapPixels = decodePng(await page.locator('[data-testid="report-map"]').screenshot());
      const blank = countNear(mapPixels, PALETTES.light.background, 6) / (mapPixels.width * mapPixels.height);
      expect(blank).toBeLessThan(0.9);
      const box = (await page.locator('[data-testid="report-map"]').boundingBox())!;
      await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
      await expect.poll(() => page.textContent('[data-testid="report-point"]'), { timeout: 10_000 }).toMatch(/^地图选点：118\.9\d{4}, 32\.1\d{4}$/);
      await page.locator('select[name="service_code"]').selectOption('city_management');
      await page.locator('textarea[name="description"]').fill('人行道井盖松动，踩上去会晃');
      const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#7c6f64' } })
        .jpeg()
        .toBuffer();
      await page.locator('[data-testid="report-photo"]').setInputFiles({ name: 'cover.jpg', mimeType: 'image/jpeg', buffer: photo });
      await page.locator('[data-testid="report-thumb"] img').waitFor();
      await phone.screenshot('report-map-picked');
      await page.locator('[data-testid="report-submit"]').tap();
      await page.locator('[data-testid="report-done"]').waitFor();
      const id = Number(/\/report\/(\d+)$/.exec(page.url())?.[1]);
      // Where the citizen tapped: the middle of the map, which opened on its default centre.
      const [place] = await server().db.query<{ input_crs: string; metres: number }>(reportedPlace, [id, MAP_CENTER.lon, MAP_CENTER.lat]);
      expect(place.input_crs).toBe('wgs84');
      expect(place.metres).toBeLessThan(5);

      // The case through the loop: dispatched to worker.xianlin, who resolves it with a reply to the reporter.
      const [{ code }] = await server().db.query<{ code: string }>(xianlinWorker);
      const dispatcher = await signIn(api, 'dispatcher.xianlin');
      const worker = await signIn(api, 'worker.xianlin');
      const post = async (who: Record<string, string>, path: string, body: unknown) => {
        const res = await fetch(`${api}${path}`, {
          method: 'POST',
          headers: { ...who, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status, `${path} ${JSON.stringify(body)}: ${await res.clone().text()}`).toBe(200);
      };
      await post(dispatcher, `/api/incidents/${id}/events`, { type: 'accept' });
      await post(dispatcher, `/api/incidents/${id}/events`, { type: 'dispatch', workerCode: code });
      await post(worker, `/api/incidents/${id}/events`, { type: 'acknowledge' });
      await post(worker, `/api/field/cases/${id}/arrive`, MAP_CENTER);
      await post(worker, `/api/incidents/${id}/events`, {
        type: 'resolve',
        note: '内部：需街道协调更换底座',
        publicNote: '井盖已重新固定，感谢您的反映',
      });

      await page.locator('[data-testid="report-follow"]').tap();
      await page.locator('[data-testid="report-status"]').waitFor();
      expect(await page.textContent('[data-testid="report-status-value"]')).toBe('处理中');
      expect(await page.textContent('[data-testid="report-status-notes"]')).toBe('井盖已重新固定，感谢您的反映');
      const text = await page.textContent('body');
      expect(text).not.toContain('内部');
      expect(text).not.toContain('井盖松动');
      await phone.screenshot('report-status-resolved');
      expect(phone.consoleErrors.filter((e) => !/User denied Geolocation/.test(e))).toEqual([]);
    } catch (error) {
      await phone.screenshot('report-failure-map');
      throw new Error(`${(error as Error).message}\nbody: ${await page.textContent('body')}\nerrors: ${phone.consoleErrors.join('\n')}`, {
        cause: error,
      });
    } finally {
      await phone.close();
    }
  }, 120_000);
});
