/**
 * The field app (/m) on an emulated phone (390×844, touch, geolocation): worker.xianlin signs in, goes on duty
 * (consent), receives an offer through the live channel (countdown, under a second after the dispatch), accepts,
 * sees the route, is refused "on scene" far from the case, arrives, resolves with a camera photo compressed on the
 * device; then files a patrol report in a dead zone whose first answer is lost, and it arrives exactly once when
 * the network is back. Screenshots of each screen in test-artifacts/screenshots/field-*.png.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { defineSql } from '../../server/db/database.js';
import { signIn } from '../support/test-auth.js';
import { useBrowserTestServer } from './support/browser-test-server.js';
import { openPhone } from './support/mobile-session.js';

const workerPlace = defineSql(
  'test.browser_field_place',
  `SELECT w.code, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat
     FROM accounts a JOIN workers w ON w.code = a.worker_code JOIN units m ON m.code = w.home_unit_code
    WHERE a.username = 'worker.xianlin'`,
);
const incidentOf = defineSql(
  'test.browser_field_incident',
  `SELECT state, (SELECT count(*)::int FROM incident_photos p WHERE p.incident_id = i.id) AS photos FROM incidents i WHERE id = $1`,
);
const countByDescription = defineSql('test.browser_field_count', `SELECT count(*)::int AS n FROM incidents WHERE description = $1`);

/** A 4000×3000 camera-like JPEG (≈ 3–6 MB of noise) that the phone must compress. */
async function cameraPhoto(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const raw = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let i = 0; i < raw.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    raw[i] = (seed >> 16) & 0xff;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

// Chromium logs as errors: the refused "on scene" (422), the signed-out first /api/auth/me and /api/field/me (401),
// requests made offline and the answer the test cuts on purpose.
const ignorable = (errors: string[]) =>
  errors.filter(
    (e) => !/status of 422|status of 401|net::ERR_INTERNET_DISCONNECTED|net::ERR_CONNECTION_RESET|Failed to fetch|net::ERR_FAILED/.test(e),
  );

describe('field app /m on a phone', () => {
  const server = useBrowserTestServer();

  it('takes an offer through the live channel, goes on scene near the case only, resolves with a compressed photo', async () => {
    const [place] = await server().db.query<{ code: string; lon: number; lat: number }>(workerPlace);
    const dispatcher = await signIn(server().baseUrl, 'dispatcher.xianlin');
    const workerApi = await signIn(server().baseUrl, 'worker.xianlin');
    await fetch(`${server().baseUrl}/api/field/duty`, {
      method: 'POST',
      headers: { ...workerApi, 'content-type': 'application/json' },
      body: JSON.stringify({ onDuty: false }),
    });
    const phone = await openPhone(server().baseUrl, { path: '/m', position: place });
    const { page } = phone;
    try {
      const form = page.locator('form[data-testid="login-form"]');
      await form.locator('input[name="username"]').fill('worker.xianlin');
      await form.locator('input[name="password"]').fill('gridops-dev-2026');
      await phone.screenshot('field-sign-in');
      await form.locator('button[type="submit"]').tap();
      await page.locator('[data-testid="task-idle"]').waitFor();
      expect(await page.textContent('[data-testid="duty-status"]')).toBe('不在岗');
      expect(await page.textContent('[data-testid="position-status"]')).toBe('位置上报已暂停');
      await page.locator('[data-testid="duty-toggle"]').tap();
      await page.locator('[data-testid="consent-dialog"]').waitFor();
      await phone.screenshot('field-consent');
      await page.locator('[data-testid="consent-accept"]').tap();
      await expect.poll(() => page.textContent('[data-testid="duty-status"]'), { timeout: 30_000 }).toBe('在岗');
      await expect.poll(() => page.textContent('[data-testid="position-status"]'), { timeout: 30_000 }).toBe('● 位置上报中');
      await phone.screenshot('field-idle-on-duty');

      // A case 600 m east of the worker, dispatched to them by the command centre.
      const caseLon = place.lon + 0.0064;
      const created = await (
        await fetch(`${server().baseUrl}/api/incidents`, {
          method: 'POST',
          headers: { ...dispatcher, 'content-type': 'application/json' },
          body: JSON.stringify({ category: 'city_management', description: '井盖破损，需现场处置', lon: caseLon, lat: place.lat }),
        })
      ).json();
      const id = created.incident.id as number;
      await fetch(`${server().baseUrl}/api/incidents/${id}/events`, {
        method: 'POST',
        headers: { ...dispatcher, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'accept' }),
      });
      const dispatched = await fetch(`${server().baseUrl}/api/incidents/${id}/events`, {
        method: 'POST',
        headers: { ...dispatcher, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'dispatch', workerCode: place.code }),
      });
      const dispatchedAt = Date.now();
      expect(dispatched.status).toBe(200);
      await page.locator('[data-testid="offer-countdown"]').waitFor();
      const shownAt = Number(await page.evaluate(() => document.body.dataset.offerShownAt));
      expect(shownAt - dispatchedAt).toBeLessThan(1_000);
      const countdown = await page.textContent('[data-testid="offer-countdown"]');
      expect(countdown).toMatch(/^[01]:\d\d$/);
      // The countdown is the biggest thing on the screen.
      const sizes = await page.evaluate(() =>
        [...document.querySelectorAll('body *')].map((e) => [e.getAttribute('data-testid'), parseFloat(getComputedStyle(e).fontSize)] as const),
      );
      const biggest = sizes.reduce((a, b) => (b[1] > a[1] ? b : a));
      expect(biggest[0]).toBe('offer-countdown');
      await phone.screenshot('field-offer');

      await page.locator('[data-testid="accept"]').tap();
      await page.locator('[data-testid="task-en-route"]').waitFor();
      await expect.poll(() => page.textContent('[data-testid="route-figures"]'), { timeout: 30_000 }).toMatch(/距离 .*(m|km)/);
      await page.locator('[data-testid="task-map"][data-map-ready="true"]').waitFor({ timeout: 60_000 });
      await phone.screenshot('field-en-route');

      await page.locator('[data-testid="arrive"]').tap();
      await expect
        .poll(() => page.textContent('[data-testid="arrive-error"]'), { timeout: 30_000 })
        .toMatch(/^您距离现场 (6\d\d m|0\.\d km)，需在 200 米以内才能确认到达$/);
      await phone.screenshot('field-arrive-refused');

      await phone.setPosition(caseLon + 0.0004, place.lat);
      await page.locator('[data-testid="arrive"]').tap();
      await page.locator('[data-testid="task-on-scene"]').waitFor();
      await page.locator('textarea[name="note"]').fill('已设置警示标志并更换井盖');
      const original = await cameraPhoto();
      await page.locator('[data-testid="photo-input"]').setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: original });
      await page.locator('[data-testid="photo-thumbs"] img').waitFor({ timeout: 30_000 });
      // A look at another tab and back (or any re-draw: the arrival sent, a refresh) keeps the note and the photo.
      await page.locator('[data-testid="tab-history"]').tap();
      await page.locator('[data-testid="tab-task"]').tap();
      await page.locator('[data-testid="task-on-scene"]').waitFor();
      expect(await page.inputValue('textarea[name="note"]')).toBe('已设置警示标志并更换井盖');
      expect(await page.locator('[data-testid="photo-thumbs"] img').count()).toBe(1);
      await phone.screenshot('field-on-scene');
      await page.locator('[data-testid="resolve"]').tap();
      // The screen moves on at once; the photo and the step go out in order (the bar says how many wait).
      await page.locator('[data-testid="task-idle"]').waitFor();
      await expect.poll(() => page.textContent('[data-testid="net-status"]'), { timeout: 60_000 }).toBe('在线');
      const [incident] = await server().db.query<{ state: string; photos: number }>(incidentOf, [id]);
      expect(incident).toEqual({ state: 'resolved', photos: 1 });
      const photos = (await (await fetch(`${server().baseUrl}/api/incidents/${id}`, { headers: dispatcher })).json()).photos as {
        size_bytes: number;
        mime_type: string;
      }[];
      expect(photos[0].mime_type).toBe('image/jpeg');
      expect(photos[0].size_bytes).toBeLessThan(Math.min(original.length / 2, 1.2 * 1024 * 1024));

      await page.locator('[data-testid="tab-history"]').tap();
      await page.locator('[data-testid="history-cases"] li').first().waitFor();
      expect(await page.textContent('[data-testid="history-cases"]')).toContain('已办结');
      await phone.screenshot('field-history');
      expect(ignorable(phone.consoleErrors)).toEqual([]);
    } catch (error) {
      await phone.screenshot(`field-failure-${Date.now()}`);
      throw new Error(`${(error as Error).message}\nbody: ${await page.textContent('body')}\nerrors: ${phone.consoleErrors.join('\n')}`, {
        cause: error,
      });
    } finally {
      await phone.close();
    }
  }, 240_000);

  it('files a patrol report in a dead zone, its first answer lost: sent exactly once when the network is back', async () => {
    const [place] = await server().db.query<{ code: string; lon: number; lat: number }>(workerPlace);
    const phone = await openPhone(server().baseUrl, { path: '/m', position: place, theme: 'dark' });
    const { page } = phone;
    const description = `死角巡查 ${Date.now()}：路灯损坏`;
    page.setDefaultTimeout(30_000);
    const steps: string[] = [];
    const step = (name: string) => steps.push(`${new Date().toISOString()} ${name}`);
    const watchdog = setTimeout(() => {
      console.log(`patrol test steps so far: ${steps.join(' | ')}`);
      void phone.screenshot('field-failure-patrol-watchdog').catch(() => {});
    }, 200_000);
    try {
      step('signing in');
      const form = page.locator('form[data-testid="login-form"]');
      await form.locator('input[name="username"]').fill('worker.xianlin');
      await form.locator('input[name="password"]').fill('gridops-dev-2026');
      await form.locator('button[type="submit"]').tap();
      step('patrol tab');
      await page.locator('[data-testid="tab-patrol"]').tap();
      await page.locator('[data-testid="patrol-form"] select[name="category"] option').first().waitFor({ state: 'attached' });
      await expect.poll(() => page.textContent('[data-testid="patrol-point"]'), { timeout: 30_000 }).toMatch(/^已选位置 118\.\d{5}, 32\.\d{5}$/);
      // The service worker holds the app, including the photo compression loaded only when a photo is taken.
      const precached = () =>
        page.evaluate(async () => {
          const ready = await Promise.race([
            navigator.serviceWorker.ready.then(() => true),
            new Promise<boolean>((r) => setTimeout(() => r(false), 3_000)),
          ]);
          if (!ready)
            return `not ready: ${JSON.stringify((await navigator.serviceWorker.getRegistrations()).map((r) => [r.scope, !!r.installing, !!r.waiting, !!r.active]))} at ${location.pathname}`;
          for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) if (request.url.includes('browser-image-compression')) return true;
          }
          return false;
        });
      step('waiting for the service worker');
      await expect.poll(precached, { timeout: 45_000, interval: 2_000 }).toBe(true);
      step('offline');

      await phone.setOffline(true);
      await expect.poll(() => page.textContent('[data-testid="net-status"]'), { timeout: 30_000 }).toBe('已离线');
      await page.locator('select[name="category"]').selectOption('city_management');
      await page.locator('textarea[name="description"]').fill(description);
      await page.locator('[data-testid="photo-input"]').setInputFiles({
        name: 'p.jpg',
        mimeType: 'image/jpeg',
        buffer: await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#556677' } })
          .jpeg()
          .toBuffer(),
      });
      await page.locator('[data-testid="photo-thumbs"] img').waitFor();
      await page.locator('[data-testid="patrol-submit"]').tap();
      await expect.poll(() => page.textContent('[data-testid="net-status"]'), { timeout: 30_000 }).toBe('已离线 · 1 条待发送');
      await phone.screenshot('field-patrol-offline');

      // Back online, but the first answer is lost on the way back (the server did file it): the phone retries
      // with the same Idempotency-Key and gets the first answer again.
      step('back online, first answer lost');
      let attempts = 0;
      await page.route('**/api/patrol-reports', async (route) => {
        attempts++;
        if (attempts === 1) {
          await route.fetch();
          await route.abort('connectionreset');
          return;
        }
        await route.continue();
      });
      await phone.setOffline(false);
      await expect.poll(() => attempts, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
      // The outbox retries on the next trigger: a network change or its 20 s timer.
      await phone.setOffline(true);
      await phone.setOffline(false);
      await expect.poll(() => page.textContent('[data-testid="net-status"]'), { timeout: 30_000 }).toBe('在线');
      // However often the phone retried (the lost answer, each network change), the case exists once.
      expect(attempts).toBeGreaterThanOrEqual(2);
      const [{ n }] = await server().db.query<{ n: number }>(countByDescription, [description]);
      expect(n).toBe(1);
      await page.locator('[data-testid="tab-history"]').tap();
      await page.locator('[data-testid="outbox-list"] li[data-state="sent"]').first().waitFor();
      expect(await page.textContent('[data-testid="outbox-list"]')).toMatch(/已发送巡查上报 · 死角巡查.*NJ\d{8}-\d+/);
      await phone.screenshot('field-outbox-sent-dark');
      expect(ignorable(phone.consoleErrors)).toEqual([]);
    } catch (error) {
      await phone.screenshot(`field-failure-patrol`);
      throw new Error(
        `${(error as Error).message}\nsteps: ${steps.join(' | ')}\nbody: ${await page.textContent('body')}\nerrors: ${phone.consoleErrors.join('\n')}`,
        { cause: error },
      );
    } finally {
      clearTimeout(watchdog);
      await phone.close();
    }
  }, 240_000);
});
