/**
 * The citizens' page (/report) on an emulated phone, no account: a resident reports a broken manhole cover with a
 * photo at their GPS position, gets a case number, and follows its status by number — which shows the status, not
 * the description or anyone's contact. Screenshots test-artifacts/screenshots/report-*.png.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { defineSql } from '../../server/db/database.js';
import { useBrowserTestServer } from './support/browser-test-server.js';
import { openPhone } from './support/mobile-session.js';

const xianlinPoint = defineSql(
  'test.browser_report_point',
  `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM units WHERE level = 'micro_grid' AND street_code = '320113007' ORDER BY code LIMIT 1`,
);
const reported = defineSql(
  'test.browser_report_case',
  `SELECT i.source, i.description, r.reporter_phone, (SELECT count(*)::int FROM incident_photos p WHERE p.incident_id = i.id) AS photos
     FROM incidents i JOIN incident_reports r ON r.incident_id = i.id WHERE i.id = $1`,
);

describe('citizens page /report', () => {
  const server = useBrowserTestServer();

  it('reports a broken manhole cover with a photo and GPS, returns a case number, then shows its public status', async () => {
    const [place] = await server().db.query<{ lon: number; lat: number }>(xianlinPoint);
    const phone = await openPhone(server().baseUrl, { path: '/report', position: place });
    const { page } = phone;
    try {
      await page.locator('[data-testid="report-form"] select[name="service_code"] option').first().waitFor({ state: 'attached' });
      await expect.poll(() => page.textContent('[data-testid="report-point"]'), { timeout: 30_000 }).toMatch(/^118\.\d{5}, 32\.\d{5}$/);
      await page.locator('select[name="service_code"]').selectOption('city_management');
      await page.locator('textarea[name="description"]').fill('小区门口井盖破损，有人差点踩空');
      await page.locator('input[name="phone"]').fill('13800000000');
      const photo = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#6b7280' } }).jpeg({ quality: 95 }).toBuffer();
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
});
