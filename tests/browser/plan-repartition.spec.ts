/**
 * Re-partition by households in the planner's workspace, in a real browser: planner.city opens the 仙林街道
 * community with the most grids, presses 按户数重划; the server's proposal becomes one step of the draft — the
 * balance table shows the grids before → after, the message gives the households spread before → after, the
 * server stores exactly the proposal's moves and finds no contiguity or tiling error — and Ctrl+Z takes it back.
 * Then the planner picks a grid, types a target of households per micro-grid, sees how many micro-grids it would
 * make before applying, and applies it: the draft stores the grid's re-partition and the server's pieces come back.
 */
import { describe, expect, it } from 'vitest';
import { useBrowserTestServer } from './support/browser-test-server.js';
import { openConsole, waitForMapReady } from './support/browser-session.js';
import type { StoredEdit } from '../../server/plans/plan-structure.js';
import { defineSql } from '../../server/db/database.js';
import { repartitionCount } from '../../server/plans/plan-structure-rules.js';

const pickCommunity = defineSql(
  'test.browser.repartition_community',
  `SELECT k.code FROM units k WHERE k.level = 'community' AND k.street_code = '320113007'
    ORDER BY (SELECT count(*) FROM units g WHERE g.parent_code = k.code) DESC, k.code LIMIT 1`,
);
/** $1 community → its first grid (by code) and households. */
const firstGrid = defineSql(
  'test.browser.repartition_grid',
  `SELECT code, households FROM units WHERE parent_code = $1 AND level = 'grid' ORDER BY code LIMIT 1`,
);
const planEdits = defineSql('test.browser.repartition_edits', `SELECT edits FROM boundary_plans WHERE id = $1`);

describe('planner re-partition', () => {
  const server = useBrowserTestServer();

  it('puts the households-balanced proposal in the draft as one undoable step', async () => {
    const [k] = await server().db.query<{ code: string }>(pickCommunity);
    const planner = await openConsole(server().baseUrl, { username: 'planner.city', path: `/plan.html?community=${k.code}` });
    try {
      const { page } = planner;
      await waitForMapReady(page, 90_000);
      await page.locator('[data-testid="repartition"]').click();
      await expect.poll(() => page.textContent('[data-testid="plan-message"]'), { timeout: 30_000 }).toContain('重划建议');
      const moves = Number(/移动 (\d+) 个微网格/.exec((await page.textContent('[data-testid="plan-message"]'))!)![1]);
      expect(moves).toBeGreaterThan(0);
      await page.locator('[data-testid="plan-balance"][data-server-confirmed="true"]').waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="plan-info"][data-synced="true"]').waitFor();
      expect(await page.locator('[data-testid="plan-balance"] td.changed').count()).toBeGreaterThan(0);
      const reasons = await page
        .locator('[data-testid="plan-issues"] li')
        .evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.reason));
      expect(reasons).not.toContain('not_contiguous');
      expect(reasons).not.toContain('coverage_broken');
      const planId = Number(await page.getAttribute('[data-testid="plan-info"]', 'data-plan-id'));
      expect((await server().db.query<{ edits: StoredEdit[] }>(planEdits, [planId]))[0].edits).toHaveLength(moves);
      await planner.screenshot('plan-repartition');

      await page.keyboard.press('Control+z');
      await expect.poll(() => page.locator('[data-testid="plan-balance"] td.changed').count()).toBe(0);
      await page.locator('[data-testid="plan-info"][data-synced="true"]').waitFor();
      expect((await server().db.query<{ edits: StoredEdit[] }>(planEdits, [planId]))[0].edits).toEqual([]);

      // A grid re-partitioned by the target the planner types: the count shows before anything is applied.
      const [grid] = await server().db.query<{ code: string; households: number }>(firstGrid, [k.code]);
      await page.locator(`.grid-swatch[data-grid="${grid.code}"]`).click();
      const target = 60;
      await page.locator('[data-testid="repartition-target"]').fill(String(target));
      const expected = repartitionCount(grid.households, target);
      await expect.poll(() => page.getAttribute('[data-testid="repartition-preview"]', 'data-count')).toBe(String(expected));
      expect(await page.textContent('[data-testid="repartition-preview"]')).toContain(`重划后 ${expected} 个`);
      await page.locator('[data-testid="repartition-apply"]').click();
      await page.locator('[data-testid="structure-edits"] li[data-op="repartition"]').waitFor();
      await page.locator('[data-testid="plan-info"][data-synced="true"]').waitFor({ timeout: 60_000 });
      expect((await server().db.query<{ edits: StoredEdit[] }>(planEdits, [planId]))[0].edits).toEqual([
        { op: 'repartition', unit: grid.code, households: target, from: k.code },
      ]);
      await expect.poll(() => page.locator('[data-testid="structure-balance"] tr').count(), { timeout: 30_000 }).toBeGreaterThan(expected);
      await planner.screenshot('plan-grid-repartition');
      expect(planner.consoleErrors).toEqual([]);
    } finally {
      await planner.close();
    }
  }, 180_000);
});
