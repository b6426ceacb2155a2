/**
 * GeoPackage in the planner's workspace, in a real browser: planner.city opens a community of 仙林街道, downloads
 * the published grids as a GeoPackage with the export button (a real SQLite file GDAL reads), imports that file
 * into a new draft with the import button (the server's answer: no errors, the plan now exists, the draft's own
 * export button enabled), then imports a file that is no GeoPackage and sees the server's refusal in the report.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useBrowserTestServer } from './support/browser-test-server.js';
import { openConsole, waitForMapReady } from './support/browser-session.js';
import { pickPaintCandidate, type PaintCandidate } from '../support/plan-candidates.js';
import { defineSql } from '../../server/db/database.js';

const run = promisify(execFile);
const planOf = defineSql('test.browser.exchange_plan', `SELECT state, jsonb_array_length(edits)::integer AS edits FROM boundary_plans WHERE id = $1`);

describe('planner GeoPackage buttons', () => {
  const server = useBrowserTestServer();

  it('exports the published grids, imports them into a draft, and shows the server’s refusal of a bad file', async () => {
    const [c] = await server().db.query<PaintCandidate>(pickPaintCandidate);
    const planner = await openConsole(server().baseUrl, { username: 'planner.city', path: `/plan.html?community=${c.community}` });
    try {
      const { page } = planner;
      await waitForMapReady(page, 90_000);
      const panel = page.locator('[data-testid="plan-exchange"]');
      expect(await panel.locator('h2').textContent()).toBe('GeoPackage 交换');
      expect(await page.getAttribute('[data-testid="export-draft-gpkg"]', 'aria-disabled')).toBe('true');

      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-layer-gpkg"]').click()]);
      expect(download.suggestedFilename()).toBe(`grids-${c.community}.gpkg`);
      const file = await download.path();
      expect(fs.readFileSync(file).subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
      const info = await run('ogrinfo', ['-so', file, 'grids']);
      expect(info.stdout).toMatch(/Feature Count: [1-9]/);

      await page.locator('[data-testid="import-gpkg-file"]').setInputFiles(file);
      await page.locator('[data-testid="import-gpkg"]').click();
      await expect.poll(() => page.textContent('[data-testid="import-report"]'), { timeout: 30_000 }).toContain('已导入草稿：0 个错误');
      const planId = Number(await page.getAttribute('[data-testid="plan-info"]', 'data-plan-id'));
      expect(planId).toBeGreaterThan(0);
      expect((await server().db.query<{ state: string; edits: number }>(planOf, [planId]))[0]).toEqual({ state: 'draft', edits: 0 });
      expect(await page.getAttribute('[data-testid="export-draft-gpkg"]', 'href')).toBe(`/api/plans/${planId}/geopackage`);

      await page.locator('[data-testid="import-gpkg-file"]').setInputFiles({
        name: 'notes.gpkg',
        mimeType: 'application/geopackage+sqlite3',
        buffer: Buffer.from('not a geopackage, only some words '.repeat(8)),
      });
      await page.locator('[data-testid="import-gpkg"]').click();
      await expect.poll(() => page.textContent('[data-testid="import-report"]'), { timeout: 30_000 }).toContain('请上传 GeoPackage 文件');
      await planner.screenshot('plan-geopackage-refused');
      // The refused upload's 400 is the only console error (Chromium logs every failed request).
      expect(planner.consoleErrors.filter((e) => !/status of 400/.test(e) || !/geopackage/.test(e))).toEqual([]);
    } finally {
      await planner.close();
    }
  }, 120_000);
});
