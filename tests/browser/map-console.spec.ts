/**
 * The console map in a real browser (headless Chromium, software WebGL), inside the real console after
 * signing in through the login form: it opens on the user's jurisdiction, draws the offline basemap and the
 * micro-grids at Xianlin (checked by pixel colours, at 1920×1080), Chinese labels from local fonts only,
 * both themes as their palettes say, and a layer switched off disappears from the pixels.
 * No console error and no request leaves the test server.
 */
import { describe, expect, it } from 'vitest';
import { XIANLIN_VIEW } from '../../client/bench/bench-view.js';
import { PALETTES } from '../../client/map/map-palette.js';
import { useBrowserTestServer } from './support/browser-test-server.js';
import { openConsole, waitForMapReady, type ConsoleSession } from './support/browser-session.js';
import { jumpTo, MAP_SELECTOR, mapPixels, settleMap } from './support/map-page.js';
import { countNear, differingShare, type Pixels } from './support/png-pixels.js';
import type { ConsoleMapElement } from './support/map-page.js';

/** The share of the map's pixels near a palette colour. */
const share = (pixels: Pixels, color: string, tolerance = 24) => countNear(pixels, color, tolerance) / (pixels.width * pixels.height);

describe('console map at Xianlin', () => {
  const server = useBrowserTestServer();

  async function signedIn(theme: 'light' | 'dark'): Promise<ConsoleSession> {
    const session = await openConsole(server().baseUrl, { username: 'dispatcher.xianlin', theme, width: 1920, height: 1080 });
    await waitForMapReady(session.page, 120_000);
    return session;
  }

  it('opens on the jurisdiction and draws water, landuse, roads and micro-grid outlines with Chinese labels (light)', async () => {
    const session = await signedIn('light');
    const { page } = session;
    try {
      // The map opens on 仙林街道, the dispatcher's jurisdiction (118.90–118.98°E, 32.08–32.13°N).
      const opened = await page
        .locator(MAP_SELECTOR)
        .evaluate((el: ConsoleMapElement) => ({ center: el.consoleMap.map.getCenter(), zoom: el.consoleMap.map.getZoom() }));
      expect(opened.center.lng).toBeGreaterThan(118.88);
      expect(opened.center.lng).toBeLessThan(119.0);
      expect(opened.center.lat).toBeGreaterThan(32.06);
      expect(opened.center.lat).toBeLessThan(32.15);
      expect(opened.zoom).toBeGreaterThan(11);

      await jumpTo(page, XIANLIN_VIEW);
      // At z15 the map draws the z14 tiles enlarged (console-map.ts zoomLevelsToOverscale): a 1920×1080 screen is at
      // most 3×3 of them per source (15 z15 tiles otherwise), each drawn by every style layer of its source.
      const drawn = await page
        .locator(MAP_SELECTOR)
        .evaluate((el: ConsoleMapElement) =>
          Object.entries(el.consoleMap.map.style.tileManagers).map(
            ([id, m]) => [id, m.getVisibleCoordinates().map((t) => t.canonical.z)] as [string, number[]],
          ),
        );
      expect(drawn.map(([id]) => id).sort()).toEqual(['devices', 'units']);
      for (const [id, zooms] of drawn) {
        expect(new Set(zooms), id).toEqual(new Set([14]));
        expect(zooms.length, id).toBeLessThanOrEqual(9);
      }
      await session.screenshot('map-console-light-1920x1080');
      const light = await mapPixels(session, 'map-xianlin-light');
      const p = PALETTES.light;
      expect(share(light, p.water)).toBeGreaterThan(0.02);
      expect(share(light, p.road.major)).toBeGreaterThan(0.005);
      // Landuse colours the land until micro-grids appear (basemap-style.ts LANDUSE_MAX_ZOOM), then their load does.
      expect(share(light, p.landuse.green)).toBeLessThan(0.001);
      // Micro-grid edges inside their grids are thin lines: a thousand pixels and more of their colour over the view
      // (the edges along a grid boundary are drawn in the grid's colour).
      expect(countNear(light, p.boundary.microGrid)).toBeGreaterThan(800);
      // Labels are drawn from the local Noto Sans CJK SC (no glyph server exists here); map-page.spec.ts
      // counts their pixels on the map alone.
      expect(await page.evaluate(() => document.fonts.check('14px "Noto Sans CJK SC"', '仙林街道'))).toBe(true);
      // The attribution names OSM (ODbL), the district source and the generated boundaries.
      const attribution = await page.locator(`${MAP_SELECTOR} .maplibregl-ctrl-attrib`).textContent();
      expect(attribution).toContain('OpenStreetMap');
      expect(attribution).toContain('生成数据');
      // One zoom level out, before micro-grids, landuse colours the land (parks and forest around Xianlin).
      await jumpTo(page, { ...XIANLIN_VIEW, zoom: 13 });
      await settleMap(page);
      expect(share(await mapPixels(session, 'map-xianlin-light-z13'), p.landuse.green)).toBeGreaterThan(0.02);
      expect(session.consoleErrors).toEqual([]);
      expect(session.externalRequests).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('switches a layer off and on: its pixels go and come back (unit boundaries with the micro-grids: vector tiles; workers: deck.gl)', async () => {
    const session = await signedIn('light');
    const { page } = session;
    const map = page.locator(MAP_SELECTOR);
    try {
      await jumpTo(page, XIANLIN_VIEW);
      const before = await mapPixels(session, 'map-layers-all');
      const outline = PALETTES.light.boundary.microGrid;
      const outlineBefore = countNear(before, outline);
      // The boundaries above micro-grids (grids and communities here), one line layer of the units module.
      const boundaries = (pixels: Awaited<ReturnType<typeof mapPixels>>) =>
        countNear(pixels, PALETTES.light.boundary.grid, 12) + countNear(pixels, PALETTES.light.boundary.community, 12);
      const boundariesBefore = boundaries(before);

      // The micro-grids' outlines are unit boundaries too, in the units module's one line layer (each edge once,
      // server/db/migrations/0010_unit_edges.sql); the micro-grid-load module draws only the load tint.
      await map.evaluate((el: ConsoleMapElement) => el.consoleMap.setLayerVisible('micro-grid-load', false));
      await settleMap(page);
      expect(outlineBefore).toBeGreaterThan(800);
      expect(countNear(await mapPixels(session, 'map-layers-without-load'), outline)).toBeGreaterThan(outlineBefore * 0.8);
      await map.evaluate((el: ConsoleMapElement) => el.consoleMap.setLayerVisible('micro-grid-load', true));

      await map.evaluate((el: ConsoleMapElement) => el.consoleMap.setLayerVisible('units', false));
      await settleMap(page);
      const withoutUnits = await mapPixels(session, 'map-layers-without-units');
      expect(boundariesBefore).toBeGreaterThan(3000);
      expect(boundaries(withoutUnits)).toBeLessThan(boundariesBefore * 0.4);
      expect(countNear(withoutUnits, outline)).toBeLessThan(outlineBefore * 0.2);
      expect(differingShare(before, withoutUnits)).toBeGreaterThan(0.005);
      const states = await map.evaluate((el: ConsoleMapElement) => el.consoleMap.layerStates());
      expect(states.find((s: { id: string }) => s.id === 'units')).toMatchObject({ visible: false, titleKey: 'map.layer.units' });

      await map.evaluate((el: ConsoleMapElement) => el.consoleMap.setLayerVisible('units', true));
      await map.evaluate((el: ConsoleMapElement) =>
        el.consoleMap.setWorkers([
          {
            code: 'T1',
            name: '',
            role: 'micro_grid_worker',
            lon: 118.93,
            lat: 32.105,
            at: new Date().toISOString(),
            dutyStatus: 'on_duty',
            busy: false,
            stale: false,
            microGridCode: '',
          },
        ]),
      );
      await settleMap(page);
      const withWorker = await mapPixels(session, 'map-layers-with-worker');
      expect(countNear(withWorker, outline)).toBeGreaterThan(outlineBefore * 0.8);
      const workerColour = PALETTES.light.worker.onDuty;
      expect(countNear(withWorker, workerColour, 30)).toBeGreaterThan(20);

      await map.evaluate((el: ConsoleMapElement) => el.consoleMap.setLayerVisible('workers', false));
      await settleMap(page);
      const withoutWorkers = await mapPixels(session, 'map-layers-without-workers');
      expect(countNear(withoutWorkers, workerColour, 30)).toBeLessThan(countNear(withWorker, workerColour, 30) - 20);
      expect(session.consoleErrors).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('draws the command-centre theme dark, and switches back to light in place', async () => {
    const session = await signedIn('dark');
    const { page } = session;
    try {
      await jumpTo(page, XIANLIN_VIEW);
      await session.screenshot('map-console-dark-1920x1080');
      const dark = await mapPixels(session, 'map-xianlin-dark');
      const [l, d] = [PALETTES.light, PALETTES.dark];
      expect(await page.locator(MAP_SELECTOR).getAttribute('data-theme')).toBe('dark');
      expect(share(dark, d.water)).toBeGreaterThan(0.02);
      expect(countNear(dark, d.boundary.microGrid)).toBeGreaterThan(800);
      // Nothing of the light basemap remains: its background and water are gone.
      expect(share(dark, l.background, 12)).toBeLessThan(0.002);
      expect(share(dark, l.water, 12)).toBeLessThan(0.002);

      await page.locator(MAP_SELECTOR).evaluate((el: ConsoleMapElement) => el.consoleMap.setTheme('light'));
      await settleMap(page);
      const light = await mapPixels(session, 'map-xianlin-dark-to-light');
      expect(await page.locator(MAP_SELECTOR).getAttribute('data-theme')).toBe('light');
      expect(share(light, l.water)).toBeGreaterThan(0.02);
      expect(share(light, d.background, 12)).toBeLessThan(0.002);
      expect(differingShare(light, dark)).toBeGreaterThan(0.8);
      expect(session.consoleErrors).toEqual([]);
      expect(session.externalRequests).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
