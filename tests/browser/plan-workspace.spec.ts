/**
 * The planner's workspace in a real browser: planner.city opens a community of 仙林街道, picks a grid as the
 * brush, paints a neighbouring grid's micro-grid into it with a click on the map, sees the balance change at once
 * (computed in the page, then confirmed by the server), submits; admin.city approves and publishes; the map then
 * draws the micro-grid in its new grid, under its new code.
 */
import { describe, expect, it } from 'vitest';
import { useBrowserTestServer } from './support/browser-test-server.js';
import { openConsole, waitForMapReady, type ConsoleSession } from './support/browser-session.js';
import { pickPaintCandidate, type PaintCandidate } from '../support/plan-candidates.js';

/** The micro-grid the map draws at a point, as the map's own rendered features say. */
async function drawnAt(session: ConsoleSession, lon: number, lat: number): Promise<{ code: string; grid: string; assigned: string } | null> {
  return session.page.evaluate(
    ([x, y]) => {
      const element = document.querySelector('[data-testid="map"]') as HTMLElement & { planMap: import('maplibre-gl').Map };
      const map = element.planMap;
      const point = map.project([x, y]);
      const feature = map.queryRenderedFeatures(point, { layers: ['fill'] })[0];
      return feature ? { code: feature.properties.code, grid: feature.properties.grid, assigned: feature.properties.assigned } : null;
    },
    [lon, lat] as const,
  );
}

describe('planner workspace', () => {
  const server = useBrowserTestServer();

  it('paints a micro-grid into another grid, shows the balance, is approved by a second account, and the map shows the new boundary', async () => {
    const [c] = await server().db.query<PaintCandidate>(pickPaintCandidate);
    const planner = await openConsole(server().baseUrl, { username: 'planner.city', path: `/plan.html?community=${c.community}` });
    let admin: ConsoleSession | null = null;
    try {
      const { page } = planner;
      await waitForMapReady(page, 90_000);
      expect(await page.textContent('h1')).toBe('GridOps 网格规划工作台');
      await page.locator(`button.grid-swatch[data-grid="${c.target}"]`).click();
      expect(await drawnAt(planner, c.lon, c.lat)).toMatchObject({ code: c.code, assigned: c.source });
      const sourceRow = page.locator(`[data-testid="plan-balance"] tr[data-grid="${c.source}"] td:nth-child(2)`);
      const before = await sourceRow.textContent();
      expect(before).not.toContain('→');

      const point = await page.evaluate(
        ([x, y]) => {
          const element = document.querySelector('[data-testid="map"]') as HTMLElement & { planMap: import('maplibre-gl').Map };
          const p = element.planMap.project([x, y]);
          const rect = element.getBoundingClientRect();
          return { x: rect.left + p.x, y: rect.top + p.y };
        },
        [c.lon, c.lat] as const,
      );
      await page.mouse.click(point.x, point.y);
      // The balance changed in the page at once: the source grid loses the micro-grid's households.
      await expect.poll(() => sourceRow.textContent()).toContain('→');
      expect(Number(await page.getAttribute('[data-testid="plan-balance"]', 'data-balance-ms'))).toBeLessThan(100);
      expect(await page.locator(`[data-testid="plan-balance"] tr[data-grid="${c.target}"].affected`).count()).toBe(1);
      // …and the server's validation and balance confirm it.
      await page.locator('[data-testid="plan-balance"][data-server-confirmed="true"]').waitFor();
      await page.locator('[data-testid="plan-issues"] li.valid').waitFor();
      expect(await drawnAt(planner, c.lon, c.lat)).toMatchObject({ code: c.code, assigned: c.target });
      expect(await page.textContent('[data-testid="plan-diff"]')).toContain('1 个微网格');
      await planner.screenshot('plan-painted');

      await page.locator('[data-testid="plan-submit"]').click();
      await expect.poll(() => page.textContent('[data-testid="plan-state"]')).toBe('已提交');
      expect(await page.locator('[data-testid="plan-approve"]').isDisabled()).toBe(true);
      const planId = await page.getAttribute('[data-testid="plan-info"]', 'data-plan-id');

      admin = await openConsole(server().baseUrl, { username: 'admin.city', path: `/plan.html?plan=${planId}` });
      await waitForMapReady(admin.page, 90_000);
      await admin.page.locator('[data-testid="plan-state"]').waitFor();
      await admin.page.locator('[data-testid="plan-approve"]:not([disabled])').click();
      await expect.poll(() => admin!.page.textContent('[data-testid="plan-state"]')).toBe('已批准');
      await admin.page.locator('[data-testid="plan-publish"]:not([disabled])').click();
      await expect.poll(() => admin!.page.textContent('[data-testid="plan-message"]'), { timeout: 30_000 }).toContain('已发布为边界版本 1');
      // The map shows the new boundary: the micro-grid belongs to the target grid now, under a code of that grid.
      await expect.poll(async () => (await drawnAt(admin!, c.lon, c.lat))?.grid, { timeout: 30_000 }).toBe(c.target);
      const drawn = await drawnAt(admin, c.lon, c.lat);
      expect(drawn!.code.startsWith(c.target)).toBe(true);
      expect(drawn!.code).not.toBe(c.code);
      await admin.screenshot('plan-published');
      expect(planner.consoleErrors).toEqual([]);
      expect(admin.consoleErrors).toEqual([]);
    } finally {
      await planner.close();
      await admin?.close();
    }
    // Two signed-in pages in software WebGL on a shared 2-core machine: 28–47 s seen, more under load.
  }, 180_000);
});
