/**
 * The big screen (/screen/big/) as a video wall in headless Chromium (software WebGL), signed in with a screen
 * token for 仙林街道 through its own form: at 1920×1080, 3840×2160 and a 5760×1080 three-monitor wall — no console
 * error, no page scrolling, no text cut or outside the screen, no figure across a bezel at 5760, Chinese drawn from
 * local fonts, and the figures on the wall equal the statistics API's. A new incident is counted and listed without
 * a reload, and the wall keeps its figures through a server restart, then reconnects by itself.
 * Screenshots: test-artifacts/screenshots/screen-big-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenTokenHeaders, signIn } from '../support/test-auth.js';
import { openSeededTestDatabase, testDatabaseModes } from '../support/test-database.js';
import type { Database } from '../../server/db/database.js';
import { closeBrowser, ensureClientBuilt } from './support/browser-session.js';
import { openWall, overflowReport, restartableServer, type RestartableServer } from './support/screen-pages.js';

const TEXT_SELECTOR =
  '.kpi-label, .kpi-figure, .kpi-change, .panel-title, .ranking-row > span, .feed-row > span, .wall-title, .wall-clock, .wall-focus, .live-badge';
const SIZES = [
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
  { width: 5760, height: 1080 },
];

describe('big screen', () => {
  let db: Database;
  let server: RestartableServer;
  let token: string;

  beforeAll(async () => {
    await ensureClientBuilt();
    db = await openSeededTestDatabase(testDatabaseModes()[0]);
    server = await restartableServer(db);
    token = (await screenTokenHeaders(db, '320113007')).authorization.slice('Bearer '.length);
  }, 300_000);
  afterAll(async () => {
    await closeBrowser();
    await server?.stop();
    await db?.close();
  });

  it.each(SIZES)(
    'fits a $width×$height wall, figures equal to the API, Chinese drawn, no errors',
    async (size) => {
      const wall = await openWall(server.baseUrl, token, size);
      const { page } = wall;
      try {
        await page.waitForTimeout(1500);
        await wall.screenshot(`screen-big-${size.width}x${size.height}`);
        expect(wall.consoleErrors).toEqual([]);
        expect(wall.externalRequests).toEqual([]);
        // The token travels only in the exchange's body: never in an address.
        expect(wall.requestUrls.filter((u) => u.includes(token.slice(4)))).toEqual([]);
        expect(page.url()).not.toContain(token.slice(4));

        const overflow = await overflowReport(page, TEXT_SELECTOR);
        expect(overflow.pageScrolls).toBe(false);
        expect(overflow.clipped).toEqual([]);
        expect(overflow.outside).toEqual([]);

        // A three-monitor wall: no tile, chart, list or title crosses a bezel (x = 1920, 3840).
        if (size.width === 5760) {
          const crossing = await page.evaluate(() =>
            Array.from(
              document.querySelectorAll<HTMLElement>(
                '.kpi-tile, .chart-panel, .side-ranking, .side-feed, .wall-title, .wall-clock, .wall-focus, .wall-map-area',
              ),
            )
              .map((node) => ({ name: node.className, rect: node.getBoundingClientRect() }))
              .filter(({ rect }) => [1920, 3840].some((bezel) => rect.left < bezel - 0.5 && rect.right > bezel + 0.5))
              .map(({ name }) => name),
          );
          expect(crossing).toEqual([]);
        }

        // Chinese: the title is Chinese and drawn with the local CJK font.
        expect(await page.locator('.wall-title').textContent()).toBe('网格化社会治理指挥中心');
        expect(await page.evaluate(() => document.fonts.check('20px "Noto Sans CJK SC"', '网格化'))).toBe(true);

        // The figures on the wall are the API's.
        const api = await page.evaluate(async () => {
          const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
          const r = await fetch(`/api/stats/summary?unit=320113007&period=day&date=${day}`);
          return r.json();
        });
        const shown = async (id: string) => page.locator(`[data-testid="${id}"]`).getAttribute('data-value');
        expect(Number(await shown('kpi-today'))).toBe(api.totals.incidents);
        expect(Number(await shown('kpi-open'))).toBe(api.totals.openNow);
        expect(Number(await shown('kpi-overdue'))).toBe(api.totals.overdueNow);
        for (const grade of ['red', 'orange', 'yellow', 'blue'])
          expect(Number(await shown(`kpi-grade-${grade}`)), grade).toBe(api.byGrade[grade] ?? 0);
        expect(await page.locator('[data-testid="kpi-today"]').textContent()).toBe(new Intl.NumberFormat('zh-CN').format(api.totals.incidents));
        const now = await page.evaluate(async () => (await fetch('/api/stats/now?unit=320113007')).json());
        expect(Number(await shown('kpi-workers'))).toBe(now.workersOnDuty);
        expect(Number(await shown('kpi-alarms'))).toBe(now.openAlarms);
        expect(Number(await shown('kpi-summonses'))).toBe(now.openSummonses);
        const rows = await page.locator('[data-testid="wall-ranking"] .ranking-row').count();
        expect(rows).toBeGreaterThan(0);
        await expect.poll(() => page.locator('[data-testid="live-badge"]').getAttribute('data-status')).toBe('open');
      } finally {
        await wall.close();
      }
    },
    240_000,
  );

  it('cycles through the child units on the configured interval, figures following the focus', async () => {
    const wall = await openWall(server.baseUrl, token, SIZES[0], { path: '/screen/big/?cycle=6' });
    const { page } = wall;
    try {
      const wallNode = page.locator('[data-testid="wall"]');
      await expect.poll(() => wallNode.getAttribute('data-focus'), { timeout: 20_000 }).not.toBe('320113007');
      const child = (await wallNode.getAttribute('data-focus'))!;
      expect(child.startsWith('320113007')).toBe(true);
      expect(await page.locator('[data-testid="wall-focus"]').textContent()).toContain('›');
      const api = await page.evaluate(async (code) => {
        const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
        return (await fetch(`/api/stats/summary?unit=${code}&period=day&date=${day}`)).json();
      }, child);
      // The focus may move on while we read: compare only while it is still this child.
      if ((await wallNode.getAttribute('data-focus')) === child) {
        await expect
          .poll(async () => Number(await page.locator('[data-testid="kpi-today"]').getAttribute('data-value')), { timeout: 2_500 })
          .toBe(api.totals.incidents);
      }
      expect(wall.consoleErrors).toEqual([]);
    } finally {
      await wall.close();
    }
  }, 240_000);

  it('counts and lists a new incident live, keeps its figures through a server restart and reconnects', async () => {
    const wall = await openWall(server.baseUrl, token, SIZES[0]);
    const { page } = wall;
    try {
      const before = Number(await page.locator('[data-testid="kpi-today"]').getAttribute('data-value'));
      const dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
      const intake = async () => {
        const res = await fetch(`${server.baseUrl}/api/incidents`, {
          method: 'POST',
          headers: { ...dispatcher, 'content-type': 'application/json' },
          body: JSON.stringify({ category: 'fire_safety', description: '大屏测试：楼道堆放杂物', lon: 118.935, lat: 32.105, grade: 'red' }),
        });
        expect(res.status).toBe(201);
        return ((await res.json()) as { incident: { number: string } }).incident.number;
      };
      const number = await intake();
      await page.locator(`[data-testid="wall-feed"] [data-number="${number}"]`).waitFor({ timeout: 10_000 });
      await expect
        .poll(async () => Number(await page.locator('[data-testid="kpi-today"]').getAttribute('data-value')), { timeout: 10_000 })
        .toBe(before + 1);
      expect(await page.locator(`[data-testid="wall-feed"] [data-number="${number}"]`).getAttribute('class')).toContain('is-flashing');

      await server.stop();
      await page.locator('[data-testid="wall-banner"]:not([hidden])').waitFor({ timeout: 15_000 });
      expect(await page.locator('[data-testid="live-badge"]').getAttribute('data-status')).toBe('reconnecting');
      // The last figures stay on the wall.
      expect(Number(await page.locator('[data-testid="kpi-today"]').getAttribute('data-value'))).toBe(before + 1);
      await wall.screenshot('screen-big-disconnected');

      await server.start();
      await page.locator('[data-testid="wall-banner"][hidden]').waitFor({ state: 'attached', timeout: 45_000 });
      expect(await page.locator('[data-testid="live-badge"]').getAttribute('data-status')).toBe('open');
      const second = await intake();
      await page.locator(`[data-testid="wall-feed"] [data-number="${second}"]`).waitFor({ timeout: 10_000 });
      await expect
        .poll(async () => Number(await page.locator('[data-testid="kpi-today"]').getAttribute('data-value')), { timeout: 10_000 })
        .toBe(before + 2);
      // A restart drops connections: failed fetches and the WebSocket's close are expected, nothing else.
      expect(wall.consoleErrors.filter((e) => !/ERR_CONNECTION_REFUSED|WebSocket|Failed to load resource/.test(e))).toEqual([]);
    } finally {
      await wall.close();
    }
  }, 240_000);
});
