/**
 * Splitting a micro-grid in the planner's workspace, in a real browser: planner.city opens a community of 仙林街道,
 * takes the split tool, draws a line across a micro-grid with two clicks (terra-draw), finishes it by clicking the
 * last point again; the server's pieces come back — the grid's micro-grid balance shows the two new micro-grids and
 * the retired one, and the map draws the new boundary in red (pixels counted on screenshots before and after);
 * Ctrl+Z undoes the split on the map and in the server's draft, Ctrl+Shift+Z redoes it, the undo button undoes it.
 */
import { describe, expect, it } from 'vitest';
import { useBrowserTestServer } from './support/browser-test-server.js';
import { openConsole, waitForMapReady } from './support/browser-session.js';
import { decodePng } from './support/png-pixels.js';
import type { StoredEdit } from '../../server/plans/plan-structure.js';
import { defineSql } from '../../server/db/database.js';
import { pickReshapeCandidate, pickSplitCandidate, type SplitCandidate } from '../support/plan-candidates.js';

const planEdits = defineSql('test.browser.plan_edits', `SELECT edits FROM boundary_plans WHERE id = $1`);

/** Pixels of the new-boundary red (#d62728) in a screenshot. */
function redPixels(png: Buffer): number {
  const { rgba } = decodePng(png);
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    if (Math.abs(rgba[i] - 214) < 24 && Math.abs(rgba[i + 1] - 39) < 24 && Math.abs(rgba[i + 2] - 40) < 24) n += 1;
  }
  return n;
}

describe('planner split tool', () => {
  const server = useBrowserTestServer();

  it('splits a micro-grid by a drawn line: the balance shows the pieces and the map draws the new boundary', async () => {
    const [s] = await server().db.query<SplitCandidate>(pickSplitCandidate);
    const planner = await openConsole(server().baseUrl, { username: 'planner.city', path: `/plan.html?community=${s.community}` });
    try {
      const { page } = planner;
      await waitForMapReady(page, 90_000);
      // The version history is there, and empty on a fresh database (version 0 is the seed).
      await page.locator('[data-testid="version-history"] li').first().waitFor({ state: 'attached' });
      expect(await page.textContent('[data-testid="version-history"] li')).toContain('尚无发布的版本');
      // Close in on the micro-grid so that the line's ends lie well away from its edges (snapping reaches 10 px).
      await page.evaluate(
        ([west, east, lat]) => {
          const element = document.querySelector('[data-testid="map"]') as HTMLElement & { planMap: import('maplibre-gl').Map };
          element.planMap.fitBounds(
            [
              [west, lat - 0.002],
              [east, lat + 0.002],
            ],
            { padding: 10, animate: false },
          );
        },
        [s.line.coordinates[0][0] - 0.0003, s.line.coordinates[1][0] + 0.0003, s.lat] as const,
      );
      await page.waitForFunction(() => {
        const element = document.querySelector('[data-testid="map"]') as HTMLElement & { planMap: import('maplibre-gl').Map };
        return element.planMap.loaded() && !element.planMap.isMoving();
      });
      const before = redPixels((await planner.screenshot('plan-split-before')).png);
      const [start, end] = await page.evaluate((line) => {
        const element = document.querySelector('[data-testid="map"]') as HTMLElement & { planMap: import('maplibre-gl').Map };
        const rect = element.getBoundingClientRect();
        return line.map(([x, y]) => {
          const p = element.planMap.project([x, y]);
          return { x: rect.left + p.x, y: rect.top + p.y };
        });
      }, s.line.coordinates);

      await page.locator('[data-testid="tool-split"]').click();
      await page.mouse.click(start.x, start.y);
      await page.mouse.move(end.x, end.y, { steps: 4 });
      await page.mouse.click(end.x, end.y);
      await page.mouse.click(end.x, end.y);

      await page.locator('[data-testid="structure-edits"] li[data-op="split"]').waitFor();
      const table = page.locator(`[data-testid="structure-balance"] table[data-grid="${s.grid}"]`);
      await table.waitFor();
      expect(await table.locator('tr[data-unit="1.1"]').count()).toBe(1);
      expect(await table.locator('tr[data-unit="1.2"]').count()).toBe(1);
      expect(await table.locator(`tr[data-unit="${s.code}"] td:nth-child(2)`).textContent()).toBe(`${s.households} → —`);
      const pieces = await Promise.all(
        ['1.1', '1.2'].map(async (k) => Number((await table.locator(`tr[data-unit="${k}"] td:nth-child(2)`).textContent())!.split('→')[1])),
      );
      expect(pieces[0] + pieces[1]).toBe(s.households);
      await page.locator('[data-testid="plan-issues"] li').first().waitFor();
      expect(await page.locator('[data-testid="plan-issues"] li.error').count()).toBe(0);

      // The new boundary is drawn: the pieces' outlines in red on the map.
      await page.waitForFunction(() => {
        const element = document.querySelector('[data-testid="map"]') as HTMLElement & { planMap: import('maplibre-gl').Map };
        return element.planMap.queryRenderedFeatures({ layers: ['pieces-line'] }).length >= 2 && !element.planMap.isMoving();
      });
      await page.waitForTimeout(300);
      const after = redPixels((await planner.screenshot('plan-split-after')).png);
      expect(after).toBeGreaterThan(before + 200);

      // Undo (Ctrl+Z) takes the split out of the workspace and of the server's draft; redo (Ctrl+Shift+Z) puts it back.
      const planId = Number(await page.getAttribute('[data-testid="plan-info"]', 'data-plan-id'));
      const synced = () => page.locator('[data-testid="plan-info"][data-synced="true"]').waitFor();
      await page.keyboard.press('Control+z');
      await page.locator('[data-testid="structure-edits"] li').waitFor({ state: 'detached' });
      await synced();
      expect((await server().db.query<{ edits: StoredEdit[] }>(planEdits, [planId]))[0].edits).toEqual([]);
      expect(await page.locator('[data-testid="undo"]').isDisabled()).toBe(true);
      await page.waitForTimeout(300);
      expect(redPixels((await planner.screenshot('plan-split-undone')).png)).toBeLessThan(before + 100);
      await page.keyboard.press('Control+Shift+Z');
      await page.locator('[data-testid="structure-edits"] li[data-op="split"]').waitFor();
      await synced();
      expect((await server().db.query<{ edits: StoredEdit[] }>(planEdits, [planId]))[0].edits).toMatchObject([{ op: 'split', unit: s.code }]);
      await page.waitForTimeout(300);
      expect(redPixels((await planner.screenshot('plan-split-redone')).png)).toBeGreaterThan(before + 200);
      // The undo button does the same as the key.
      await page.locator('[data-testid="undo"]').click();
      await page.locator('[data-testid="structure-edits"] li').waitFor({ state: 'detached' });
      await synced();
      expect((await server().db.query<{ edits: StoredEdit[] }>(planEdits, [planId]))[0].edits).toEqual([]);
      expect(planner.consoleErrors).toEqual([]);
    } finally {
      await planner.close();
    }
  }, 120_000);

  it('reshapes a shared edge by dragging a new point on it: the plan holds the new line, both micro-grids change', async () => {
    const [r] = await server().db.query<{
      a: string;
      b: string;
      community: string;
      lon: number;
      lat: number;
      mid_lon: number;
      mid_lat: number;
      inside_a: number[];
      inside_b_point: number[];
    }>(pickReshapeCandidate, [[], []]);
    const planner = await openConsole(server().baseUrl, { username: 'planner.city', path: `/plan.html?community=${r.community}` });
    try {
      const { page } = planner;
      await waitForMapReady(page, 90_000);
      const xs = [r.inside_a[0], r.inside_b_point[0], r.mid_lon];
      const ys = [r.inside_a[1], r.inside_b_point[1], r.mid_lat];
      await page.evaluate(
        ([w, s, e, n]) => {
          const element = document.querySelector('[data-testid="map"]') as HTMLElement & { planMap: import('maplibre-gl').Map };
          element.planMap.fitBounds(
            [
              [w, s],
              [e, n],
            ],
            { padding: 60, animate: false },
          );
        },
        [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as const,
      );
      await page.waitForFunction(() => {
        const element = document.querySelector('[data-testid="map"]') as HTMLElement & { planMap: import('maplibre-gl').Map };
        return element.planMap.loaded() && !element.planMap.isMoving();
      });
      const pixel = (lon: number, lat: number) =>
        page.evaluate(
          ([x, y]) => {
            const element = document.querySelector('[data-testid="map"]') as HTMLElement & { planMap: import('maplibre-gl').Map };
            const rect = element.getBoundingClientRect();
            const p = element.planMap.project([x, y]);
            return { x: rect.left + p.x, y: rect.top + p.y };
          },
          [lon, lat] as const,
        );
      await page.locator('[data-testid="tool-reshape"]').click();
      for (const [x, y] of [r.inside_a, r.inside_b_point]) {
        const p = await pixel(x, y);
        await page.mouse.click(p.x, p.y);
      }
      await page.locator('[data-testid="reshape-apply"]:not([hidden])').waitFor();
      await page.waitForTimeout(300);
      // Click the edge's midpoint handle (it becomes a point of the line), then drag it 8 m across the edge.
      const from = await pixel(r.mid_lon, r.mid_lat);
      const to = await pixel(r.lon, r.lat);
      await page.mouse.click(from.x, from.y);
      await page.waitForTimeout(200);
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 8 });
      await page.mouse.up();
      await page.waitForTimeout(200);
      await page.locator('[data-testid="reshape-apply"]').click();
      const state = async () =>
        JSON.stringify({
          message: await page.textContent('[data-testid="plan-message"]'),
          hint: await page.textContent('[data-testid="tool-hint"]'),
          edits: await page.locator('[data-testid="structure-edits"] li').count(),
          errors: planner.consoleErrors,
        });
      await expect
        .poll(async () => page.locator('[data-testid="structure-edits"] li[data-op="reshape"]').count(), { timeout: 20_000, message: await state() })
        .toBe(1);
      const table = page.locator('[data-testid="structure-balance"] table');
      await table.first().waitFor();
      expect(await table.locator(`tr[data-unit="${r.a}"].affected`).count()).toBe(1);
      expect(await page.locator('[data-testid="plan-issues"] li.error').count()).toBe(0);
      const planId = Number(await page.getAttribute('[data-testid="plan-info"]', 'data-plan-id'));
      const [{ edits }] = await server().db.query<{ edits: StoredEdit[] }>(planEdits, [planId]);
      const [reshape] = edits;
      expect(reshape).toMatchObject({ op: 'reshape', units: [r.a, r.b] });
      const line = 'line' in reshape ? reshape.line.coordinates : [];
      const moved = line.some(([x, y]) => Math.hypot(x - r.lon, y - r.lat) < 0.00003);
      expect(moved, JSON.stringify(line)).toBe(true);
      await planner.screenshot('plan-reshape');
      expect(planner.consoleErrors).toEqual([]);
    } finally {
      await planner.close();
    }
  }, 120_000);
});
