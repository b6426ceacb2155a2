/**
 * The mid screen (/screen/mid/) for a leader signed in as supervisor.xianlin (仙林街道), in headless Chromium:
 * the month's figures equal the statistics API's, a figure drills down to its cases (list and map), the ranking
 * sorts and marks its worst three, a unit opens its own mid screen and the breadcrumbs lead back, the table
 * exports as CSV and XLSX, light and dark. No console error. Screenshots: test-artifacts/screenshots/screen-mid-*.png.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useBrowserTestServer } from './support/browser-test-server.js';
import { openConsole } from './support/browser-session.js';

describe('mid screen', () => {
  const server = useBrowserTestServer();

  it('shows the API figures, drills down to the cases, follows a unit and back, exports, both themes', async () => {
    const session = await openConsole(server().baseUrl, { username: 'supervisor.xianlin', width: 1600, height: 1000, timeoutMs: 120_000 });
    const { page } = session;
    try {
      await page.goto(`${server().baseUrl}/screen/mid/?unit=320113007&period=month`);
      await page.locator('[data-testid="mid"][data-mid-ready="true"]').waitFor({ state: 'attached', timeout: 120_000 });
      await session.screenshot('screen-mid-light');

      const api = await page.evaluate(async () => {
        const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
        return (await fetch(`/api/stats/summary?unit=320113007&period=month&date=${day}`)).json();
      });
      const figure = page.locator('[data-testid="mid-incidents"]');
      expect(Number(await figure.getAttribute('data-value'))).toBe(api.totals.incidents);
      expect(Number(await page.locator('[data-testid="mid-overdue"]').getAttribute('data-value'))).toBe(api.totals.overdueNow);
      expect(await page.locator('.mid-crumb[aria-current="page"]').textContent()).toBe('仙林街道');

      // Drill-down: the month's red cases, listed and on the map.
      const red = page.locator('[data-testid="mid-grade-red"]');
      const redCount = Number(await red.getAttribute('data-value'));
      await red.click();
      const drawer = page.locator('[data-testid="cases-drawer"]:not([hidden])');
      await drawer.waitFor({ timeout: 20_000 });
      expect(Number(await page.locator('[data-testid="cases-total"]').getAttribute('data-value'))).toBe(redCount);
      const listed = await drawer.locator('tr.mid-case').count();
      expect(listed).toBe(Math.min(redCount, 200));
      if (listed > 0) expect(await drawer.locator('tr.mid-case .grade-tag').first().textContent()).toBe('红');
      await session.screenshot('screen-mid-drilldown');

      // Ranking: sorted by closure, worst three marked; sorting again flips it.
      const table = page.locator('[data-testid="ranking-table"]');
      const rows = await table.locator('tbody tr').count();
      expect(rows).toBeGreaterThan(1);
      expect(await table.locator('tbody tr.is-worst').count()).toBe(Math.min(3, rows - 1));
      const firstBefore = await table.locator('tbody tr td').first().textContent();
      await table.locator('th[data-key="closureRate"] button').click();
      expect(await table.locator('th[data-key="closureRate"]').getAttribute('aria-sort')).toBe('ascending');
      expect(await table.locator('tbody tr.is-worst').count()).toBe(Math.min(3, rows - 1));
      const firstAfter = await table.locator('tbody tr td').first().textContent();
      if (rows > 1) expect(firstAfter).not.toBe(firstBefore);

      // Export as shown.
      const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="ranking-csv"]').click()]);
      const csvText = fs.readFileSync((await csv.path())!, 'utf8');
      expect(csvText.startsWith('\uFEFF单位,')).toBe(true);
      expect(csvText.trim().split('\r\n')).toHaveLength(rows + 1);
      const [xlsx] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.locator('[data-testid="ranking-xlsx"]').click()]);
      expect(
        fs
          .readFileSync((await xlsx.path())!)
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');

      // A child unit opens its own mid screen; the breadcrumb leads back.
      const child = table.locator('a.mid-unit-link').first();
      const childCode = await child.getAttribute('data-code');
      await child.click();
      await page.waitForURL(new RegExp(`unit=${childCode}`));
      await page.locator('[data-testid="mid"][data-mid-ready="true"]').waitFor({ state: 'attached', timeout: 120_000 });
      await page.locator('a.mid-crumb', { hasText: '仙林街道' }).click();
      await page.waitForURL(/unit=320113007/);
      await page.locator('[data-testid="mid"][data-mid-ready="true"]').waitFor({ state: 'attached', timeout: 120_000 });

      await page.locator('[data-testid="theme-toggle"]').click();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      await page.waitForTimeout(1000);
      await session.screenshot('screen-mid-dark');
      expect(session.consoleErrors).toEqual([]);
      expect(session.externalRequests).toEqual([]);
    } finally {
      await session.close();
    }
  }, 300_000);
});
