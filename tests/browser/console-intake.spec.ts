/**
 * Hotline entry and search in a real browser: N opens the new-incident form, a map click places it, the
 * second identical report lists the first as a possible duplicate; the search box finds the case by its number
 * and a unit by name; coordinates fly there and show what's here. Fails on console errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../../server/db/database.js';
import { testDatabaseModes } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { closeBrowser, ensureClientBuilt, openConsole, waitForMapReady, type ConsoleSession } from './support/browser-session.js';
import type { ConsoleMapElement } from './support/map-page.js';

const pickMicroGrid = defineSql(
  'test.console_intake_micro_grid',
  `SELECT m.code, m.name, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat
     FROM units m
    WHERE m.level = 'micro_grid' AND m.street_code = '320113007'
      AND ST_Distance(ST_Boundary(m.geom)::geography, m.label_point::geography) > 40
    ORDER BY m.code DESC LIMIT 1`,
);

describe('console: hotline entry and search', () => {
  const [mode] = testDatabaseModes();
  let server: TestServer;
  let session: ConsoleSession;
  let place: { code: string; name: string; lon: number; lat: number };
  let firstNumber = '';

  beforeAll(async () => {
    await ensureClientBuilt();
    server = await startTestServer(mode);
    [place] = await server.db.query(pickMicroGrid);
    session = await openConsole(server.baseUrl, { username: 'dispatcher.xianlin', language: 'zh-CN', theme: 'light' });
    await waitForMapReady(session.page, 90_000);
  }, 240_000);

  afterAll(async () => {
    await session?.close();
    await closeBrowser();
    await server?.close();
  });

  it('enters two identical hotline reports; the second lists the first as a possible duplicate', async () => {
    const { page } = session;
    const pixel = await page.evaluate(
      ({ lon, lat }) =>
        new Promise<{ x: number; y: number }>((resolve) => {
          const element = document.querySelector('[data-testid="map"]') as ConsoleMapElement;
          const map = element.consoleMap.map;
          map.once('moveend', () => {
            const p = map.project([lon, lat]);
            const rect = element.getBoundingClientRect();
            resolve({ x: rect.left + p.x, y: rect.top + p.y });
          });
          map.jumpTo({ center: [lon, lat], zoom: 16 });
        }),
      place,
    );
    await page.keyboard.press('n');
    const form = page.locator('[data-testid="new-incident"] form');
    await form.waitFor();
    await page.mouse.click(pixel.x, pixel.y);
    expect(Number(await form.locator('input[name="lon"]').inputValue())).toBeCloseTo(place.lon, 4);
    for (let round = 0; round < 2; round++) {
      await form.locator('select[name="category"]').selectOption('environment');
      await form.locator('textarea[name="description"]').fill('热线：河道漂浮垃圾');
      await form.locator('button[type="submit"]').click();
      const result = page.locator('[data-testid="intake-result"]');
      // The first answer stays on screen until the second arrives: wait for a result naming a new case.
      const numberShown = async () => /NJ\d{8}-\d{7,}/.exec((await result.textContent()) ?? '')?.[0] ?? null;
      await expect.poll(numberShown, { timeout: 15_000 }).not.toBe(round === 0 ? null : firstNumber);
      expect(await result.textContent()).toContain(place.name);
      const number = (await numberShown())!;
      if (round === 0) firstNumber = number;
      else {
        expect(number).not.toBe(firstNumber);
        expect(await page.textContent('[data-testid="duplicates"]')).toContain(firstNumber);
        await session.screenshot('console-new-incident-duplicate');
      }
    }
  });

  it('finds the case by its number, a unit by name, and a place by coordinates', async () => {
    const { page } = session;
    await page.keyboard.press('Escape');
    await page.keyboard.press('/');
    await page.keyboard.type(firstNumber.toLowerCase());
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('[data-testid="incident-number"]'), { timeout: 15_000 }).toContain(firstNumber);

    await page.keyboard.press('Escape');
    await page.keyboard.press('/');
    await page.keyboard.type('仙林新村');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="search-results"] li').first().waitFor();
    expect(await page.textContent('[data-testid="search-results"]')).toContain('仙林新村社区');

    await page.locator('[data-testid="search-input"]').fill(`${place.lon},${place.lat}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('[data-testid="whats-here-name"]'), { timeout: 15_000 }).toBe(place.name);
  });

  it('logged no console errors', () => {
    expect(session.consoleErrors).toEqual([]);
  });
});
