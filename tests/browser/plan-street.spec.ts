/**
 * A street's plan in the planner's workspace, in a real browser: planner.city opens 仙林街道 (a street code), sees its
 * grids coloured by community (no split or merge tools: those are for micro-grids), picks a neighbouring community
 * as the brush and clicks a grid into it — the communities' balance changes at once, the server confirms it and
 * finds no error; Ctrl+Z takes the move out of the map and of the server's draft, Ctrl+Y puts it back.
 */
import { describe, expect, it } from 'vitest';
import { useBrowserTestServer } from './support/browser-test-server.js';
import { openConsole, waitForMapReady, type ConsoleSession } from './support/browser-session.js';
import type { StoredEdit } from '../../server/plans/plan-structure.js';
import { pickGridMoveCandidate, type GridMoveCandidate } from '../support/plan-candidates.js';
import { defineSql } from '../../server/db/database.js';

const planEdits = defineSql('test.browser.street_plan_edits', `SELECT scope_code, edits FROM boundary_plans WHERE id = $1`);

/** The unit the map draws at a point and the parent it is painted into. */
function drawnAt(session: ConsoleSession, lon: number, lat: number): Promise<{ code: string; assigned: string } | null> {
  return session.page.evaluate(
    ([x, y]) => {
      const element = document.querySelector('[data-testid="map"]') as HTMLElement & { planMap: import('maplibre-gl').Map };
      const feature = element.planMap.queryRenderedFeatures(element.planMap.project([x, y]), { layers: ['fill'] })[0];
      return feature ? { code: feature.properties.code, assigned: feature.properties.assigned } : null;
    },
    [lon, lat] as const,
  );
}

describe('planner workspace for a street', () => {
  const server = useBrowserTestServer();

  it('paints a grid into the neighbouring community, validated by the server; undo and redo keep the draft in step', async () => {
    const [g] = await server().db.query<GridMoveCandidate>(pickGridMoveCandidate);
    const planner = await openConsole(server().baseUrl, { username: 'planner.city', path: '/plan.html?community=320113007' });
    try {
      const { page } = planner;
      await waitForMapReady(page, 90_000);
      expect(await page.getByTestId('brush-title').textContent()).toBe('画笔：把网格涂入社区');
      expect(await page.locator('[data-testid="tool-split"]').isVisible()).toBe(false);
      await page.locator(`button.grid-swatch[data-grid="${g.target}"]`).click();
      await page.waitForFunction(() => {
        const element = document.querySelector('[data-testid="map"]') as HTMLElement & { planMap: import('maplibre-gl').Map };
        return element.planMap.loaded() && !element.planMap.isMoving();
      });
      expect(await drawnAt(planner, g.lon, g.lat)).toEqual({ code: g.code, assigned: g.source });
      const sourceRow = page.locator(`[data-testid="plan-balance"] tr[data-grid="${g.source}"] td:nth-child(2)`);
      expect(await sourceRow.textContent()).not.toContain('→');

      const point = await page.evaluate(
        ([x, y]) => {
          const element = document.querySelector('[data-testid="map"]') as HTMLElement & { planMap: import('maplibre-gl').Map };
          const p = element.planMap.project([x, y]);
          const rect = element.getBoundingClientRect();
          return { x: rect.left + p.x, y: rect.top + p.y };
        },
        [g.lon, g.lat] as const,
      );
      await page.mouse.click(point.x, point.y);
      await expect.poll(() => sourceRow.textContent()).toContain('→');
      await page.locator('[data-testid="plan-balance"][data-server-confirmed="true"]').waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="plan-issues"] li').first().waitFor();
      expect(await page.locator('[data-testid="plan-issues"] li.error').allTextContents()).toEqual([]);
      expect(await drawnAt(planner, g.lon, g.lat)).toEqual({ code: g.code, assigned: g.target });
      expect(await page.textContent('[data-testid="plan-diff"]')).toContain('1 个网格');
      const planId = Number(await page.getAttribute('[data-testid="plan-info"]', 'data-plan-id'));
      const synced = () => page.locator('[data-testid="plan-info"][data-synced="true"]').waitFor();
      await synced();
      expect((await server().db.query<{ scope_code: string; edits: StoredEdit[] }>(planEdits, [planId]))[0]).toEqual({
        scope_code: '320113007',
        edits: [{ unit: g.code, from: g.source, to: g.target }],
      });
      await planner.screenshot('plan-street-painted');

      await page.keyboard.press('Control+z');
      await expect.poll(() => sourceRow.textContent()).not.toContain('→');
      await synced();
      expect((await server().db.query<{ edits: StoredEdit[] }>(planEdits, [planId]))[0].edits).toEqual([]);
      expect(await drawnAt(planner, g.lon, g.lat)).toEqual({ code: g.code, assigned: g.source });
      await page.keyboard.press('Control+y');
      await expect.poll(() => sourceRow.textContent()).toContain('→');
      await synced();
      expect((await server().db.query<{ edits: StoredEdit[] }>(planEdits, [planId]))[0].edits).toEqual([
        { unit: g.code, from: g.source, to: g.target },
      ]);
      expect(planner.consoleErrors).toEqual([]);
    } finally {
      await planner.close();
    }
  }, 120_000);
});
