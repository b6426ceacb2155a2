/**
 * The field app (/m) when the world moves on while the phone is offline (issue 23), on an emulated phone
 * (390×844, touch, geolocation, offline through the DevTools protocol):
 *  - a resolve taken offline on a case the command centre meanwhile gave to someone else is refused when the
 *    network returns: shown in the queue with the reason, never applied, never dropped;
 *  - a session that expired while offline: the app asks to sign in again, then sends the queue exactly once.
 * Screenshots test-artifacts/screenshots/field-offline-*.png.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { defineSql } from '../../server/db/database.js';
import { signIn } from '../support/test-auth.js';
import { useBrowserTestServer } from './support/browser-test-server.js';
import { openPhone, type PhoneSession } from './support/mobile-session.js';

const workerPlace = defineSql(
  'test.browser_offline_place',
  `UPDATE workers w SET duty_status = 'on_duty' FROM accounts a, units m
    WHERE a.username = 'worker.xianlin' AND w.code = a.worker_code AND m.code = w.home_unit_code
    RETURNING w.code, w.home_unit_code, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat`,
);
/** Another free worker of the street, put on duty: the one the case is given to meanwhile. */
const otherWorker = defineSql(
  'test.browser_offline_other_worker',
  `UPDATE workers SET duty_status = 'on_duty' WHERE code = (
     SELECT w.code FROM workers w JOIN units m ON m.code = w.home_unit_code
      WHERE m.street_code = '320113007' AND w.code <> $1
        AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.assigned_worker_code = w.code AND incident_is_open(i.state))
      ORDER BY (w.home_unit_code = $2) DESC, w.code LIMIT 1)
   RETURNING code`,
);
const caseOf = defineSql(
  'test.browser_offline_case',
  `SELECT state, assigned_worker_code, (SELECT count(*)::int FROM incident_timeline t WHERE t.incident_id = i.id AND t.event = 'resolve') AS resolves FROM incidents i WHERE id = $1`,
);
const expireSessions = defineSql(
  'test.browser_offline_expire',
  `UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE account_id = (SELECT id FROM accounts WHERE username = 'worker.xianlin')`,
);
const countByDescription = defineSql('test.browser_offline_count', `SELECT count(*)::int AS n FROM incidents WHERE description = $1`);

// Chromium logs as errors: 401s (signed out), 403 (the refused step), requests made offline.
const ignorable = (errors: string[]) =>
  errors.filter((e) => !/status of 401|status of 403|net::ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR_FAILED/.test(e));

/** Polls as long as a locator waits (vitest's own default is 1 s). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

async function signInOnPhone(phone: PhoneSession): Promise<void> {
  const form = phone.page.locator('form[data-testid="login-form"]');
  await form.locator('input[name="username"]').fill('worker.xianlin');
  await form.locator('input[name="password"]').fill('gridops-dev-2026');
  await form.locator('button[type="submit"]').tap();
}

describe('field app /m: what changed while offline', () => {
  const server = useBrowserTestServer();

  it('a resolve taken offline on a case re-assigned meanwhile: shown with the reason, not applied, not dropped', async () => {
    const api = server().baseUrl;
    const [place] = await server().db.query<{ code: string; home_unit_code: string; lon: number; lat: number }>(workerPlace);
    const [other] = await server().db.query<{ code: string }>(otherWorker, [place.code, place.home_unit_code]);
    expect(other?.code).toMatch(/^W\d{20}$/);
    const dispatcher = await signIn(api, 'dispatcher.xianlin');
    const event = async (id: number, body: unknown) => {
      const res = await fetch(`${api}/api/incidents/${id}/events`, {
        method: 'POST',
        headers: { ...dispatcher, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, `${JSON.stringify(body)}: ${await res.clone().text()}`).toBe(200);
    };
    const caseLon = place.lon + 0.001;
    const phone = await openPhone(api, { path: '/m', position: { lon: caseLon, lat: place.lat } });
    const { page } = phone;
    page.setDefaultTimeout(20_000);
    try {
      await signInOnPhone(phone);
      await page.locator('[data-testid="task-idle"]').waitFor();
      const created = await (
        await fetch(`${api}/api/incidents`, {
          method: 'POST',
          headers: { ...dispatcher, 'content-type': 'application/json' },
          body: JSON.stringify({ category: 'city_management', description: '路面塌陷，需围挡', lon: caseLon, lat: place.lat }),
        })
      ).json();
      const id = created.incident.id as number;
      await event(id, { type: 'accept' });
      await event(id, { type: 'dispatch', workerCode: place.code });
      await page.locator('[data-testid="accept"]').tap();
      await page.locator('[data-testid="arrive"]').tap();
      await page.locator('[data-testid="task-on-scene"]').waitFor();
      // The arrival sent and confirmed by the server before the signal goes.
      await poll(() => page.textContent('[data-testid="net-status"]')).toBe('在线');
      await poll(() =>
        page.evaluate(() => (JSON.parse(localStorage.getItem('gridops.field.me') ?? 'null') as { task?: { state?: string } } | null)?.task?.state),
      ).toBe('on_scene');

      // In a dead zone: the worker resolves; the step waits in the outbox.
      await phone.setOffline(true);
      await poll(() => page.textContent('[data-testid="net-status"]')).toBe('已离线');
      await page.locator('textarea[name="note"]').fill('已设置围挡');
      await page.locator('textarea[name="publicNote"]').fill('已设置围挡，等待修复');
      await page.locator('[data-testid="resolve"]').tap();
      await poll(() => page.textContent('[data-testid="net-status"]')).toBe('已离线 · 1 条待发送');
      await phone.screenshot('field-offline-resolve-queued');

      // Meanwhile the command centre takes the case back and gives it to someone else.
      await event(id, { type: 'return', reason: '网格员失联，改派' });
      await event(id, { type: 'dispatch', workerCode: other.code });

      await phone.setOffline(false);
      // Refused with the reason, said at once and kept in the queue; the case is untouched.
      await poll(() => page.textContent('[data-testid="toast"]')).toMatch(/^未能执行：办结 · NJ\d{8}-\d+。任务已改派他人（见“记录”）$/);
      await poll(() => page.textContent('[data-testid="net-status"]')).toBe('在线');
      await page.locator('[data-testid="tab-history"]').tap();
      const refused = page.locator('[data-testid="outbox-list"] li[data-state="failed"]');
      await refused.waitFor();
      expect(await refused.count()).toBe(1);
      expect(await refused.textContent()).toMatch(/^未能完成办结 · NJ\d{8}-\d+任务已改派他人/);
      await phone.screenshot('field-offline-step-refused');
      const [row] = await server().db.query<{ state: string; assigned_worker_code: string; resolves: number }>(caseOf, [id]);
      expect(row).toEqual({ state: 'dispatched', assigned_worker_code: other.code, resolves: 0 });
      // Still there after the app restarts, until the worker dismisses it.
      await page.reload();
      await page.locator('[data-testid="tab-history"]').tap();
      await page.locator('[data-testid="outbox-list"] li[data-state="failed"]').waitFor();
      await page.locator('[data-testid="outbox-list"] li[data-state="failed"] button').tap();
      await poll(() => page.locator('[data-testid="outbox-list"] li[data-state="failed"]').count()).toBe(0);
      expect(ignorable(phone.consoleErrors)).toEqual([]);
    } catch (error) {
      await phone.screenshot('field-offline-failure-reassigned');
      throw new Error(`${(error as Error).message}\nbody: ${await page.textContent('body')}\nerrors: ${phone.consoleErrors.join('\n')}`, {
        cause: error,
      });
    } finally {
      await phone.close();
    }
  }, 60_000);

  it('a session that expired while offline: asks to sign in again, then sends the queue once', async () => {
    const [place] = await server().db.query<{ code: string; lon: number; lat: number }>(workerPlace);
    const phone = await openPhone(server().baseUrl, { path: '/m', position: place });
    const { page } = phone;
    page.setDefaultTimeout(20_000);
    const description = `离线巡查 ${Date.now()}：消防通道堵塞`;
    const answers: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/api/patrol-reports') && response.request().method() === 'POST') answers.push(response.status());
    });
    try {
      await signInOnPhone(phone);
      await page.locator('[data-testid="tab-patrol"]').tap();
      await page.locator('[data-testid="patrol-form"] select[name="category"] option').first().waitFor({ state: 'attached' });
      await poll(() => page.textContent('[data-testid="patrol-point"]')).toMatch(/^已选位置 118\.\d{5}, 32\.\d{5}$/);
      // The photo compression is loaded only when a photo is taken: take it online (the service worker's cache is
      // the other field-app spec's subject).
      await page.locator('[data-testid="photo-input"]').setInputFiles({
        name: 'p.jpg',
        mimeType: 'image/jpeg',
        buffer: await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#8a5a44' } })
          .jpeg()
          .toBuffer(),
      });
      await page.locator('[data-testid="photo-thumbs"] img').waitFor();

      await phone.setOffline(true);
      await poll(() => page.textContent('[data-testid="net-status"]')).toBe('已离线');
      await page.locator('select[name="category"]').selectOption('fire_safety');
      await page.locator('textarea[name="description"]').fill(description);
      await page.locator('[data-testid="patrol-submit"]').tap();
      await poll(() => page.textContent('[data-testid="net-status"]')).toBe('已离线 · 1 条待发送');

      // The session ends while the phone is offline (its lifetime is over); the server's 5 s credential cache too.
      await server().db.query(expireSessions);
      await new Promise((r) => setTimeout(r, 5_500));
      await phone.setOffline(false);
      await page.locator('form[data-testid="login-form"]').waitFor();
      expect(await page.textContent('[data-testid="sign-in-pending"]')).toBe('登录已过期，请重新登录后发送 1 条待发送内容');
      await phone.screenshot('field-offline-sign-in-again');
      const [{ n: before }] = await server().db.query<{ n: number }>(countByDescription, [description]);
      expect(before).toBe(0);

      await signInOnPhone(phone);
      await poll(() => page.textContent('[data-testid="net-status"]')).toBe('在线');
      const [{ n }] = await server().db.query<{ n: number }>(countByDescription, [description]);
      expect(n).toBe(1);
      // Each try before the sign-in was refused (401); exactly one was taken.
      expect(answers.filter((s) => s === 201)).toEqual([201]);
      expect(answers.every((s) => s === 201 || s === 401)).toBe(true);
      await page.locator('[data-testid="tab-history"]').tap();
      await page.locator('[data-testid="outbox-list"] li[data-state="sent"]').first().waitFor();
      expect(await page.textContent('[data-testid="outbox-list"]')).toMatch(/已发送巡查上报 · 离线巡查.*NJ\d{8}-\d+/);
      await phone.screenshot('field-offline-sent-after-sign-in');
      expect(ignorable(phone.consoleErrors)).toEqual([]);
    } catch (error) {
      await phone.screenshot('field-offline-failure-session');
      throw new Error(
        `${(error as Error).message}\nanswers: ${answers.join(',')}\nbody: ${await page.textContent('body')}\nerrors: ${phone.consoleErrors.join('\n')}`,
        { cause: error },
      );
    } finally {
      await phone.close();
    }
  }, 60_000);
});
