/**
 * The dispatcher's loop in a real browser (headless Chromium, software WebGL) on the seeded Xianlin subset:
 * click a micro-grid → "what's here" names it; an incident posted through the API arrives live in the queue
 * and on the map within 2 s; open it, see recommended workers with ETAs, dispatch. Fails on console errors.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../../server/db/database.js';
import { signIn } from '../support/test-auth.js';
import { testDatabaseModes } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { closeBrowser, ensureClientBuilt, openConsole, waitForMapReady, type ConsoleSession } from './support/browser-session.js';
import { recordMapFrames } from './support/map-frames.js';
import { countNear, decodePng } from './support/png-pixels.js';
import type { ConsoleMapElement } from './support/map-page.js';

/**
 * A 仙林街道 micro-grid whose label point lies well inside it (> 40 m from its edge), with an on-duty worker of
 * skill city_management in the street (so a city-management case there has someone to recommend).
 */
const pickMicroGrid = defineSql(
  'test.console_pick_micro_grid',
  `SELECT m.code, m.name, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat
     FROM units m
    WHERE m.level = 'micro_grid' AND m.street_code = '320113007'
      AND ST_Distance(ST_Boundary(m.geom)::geography, m.label_point::geography) > 40
      AND EXISTS (SELECT 1 FROM workers w WHERE w.home_unit_code LIKE '320113007%' AND w.duty_status = 'on_duty'
                    AND w.skills @> ARRAY['city_management'] AND w.last_position IS NOT NULL
                    AND ST_DWithin(w.last_position::geography, m.label_point::geography, 1500))
    ORDER BY m.code LIMIT 1`,
);

/** Centres the map on a point at a zoom, waits for the move to end, and returns the point's page pixel. */
async function pixelOf(page: Page, lon: number, lat: number, zoom: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ({ lon, lat, zoom }) =>
      new Promise<{ x: number; y: number }>((resolve) => {
        const element = document.querySelector('[data-testid="map"]') as ConsoleMapElement;
        const map = element.consoleMap.map;
        const done = () => {
          const p = map.project([lon, lat]);
          const rect = element.getBoundingClientRect();
          resolve({ x: rect.left + p.x, y: rect.top + p.y });
        };
        const center = map.getCenter();
        if (Math.abs(center.lng - lon) < 1e-9 && Math.abs(center.lat - lat) < 1e-9 && map.getZoom() === zoom) return done();
        map.once('moveend', done);
        map.jumpTo({ center: [lon, lat], zoom });
      }),
    { lon, lat, zoom },
  );
}

describe('console: what is here, live arrival and dispatch', () => {
  const [mode] = testDatabaseModes();
  let server: TestServer;
  let session: ConsoleSession;
  let place: { code: string; name: string; lon: number; lat: number };
  let incident: { id: number; number: string };
  const failedResponses: string[] = [];

  beforeAll(async () => {
    await ensureClientBuilt();
    server = await startTestServer(mode);
    [place] = await server.db.query(pickMicroGrid);
    expect(place, 'a Xianlin micro-grid with a city-management worker nearby').toBeDefined();
    // This dispatcher has switched the incident view's video auto-play off (console-video.spec.ts plays it): the
    // software-decoded video beside a software-rendered map is what made this file take minutes.
    session = await openConsole(server.baseUrl, {
      username: 'dispatcher.xianlin',
      language: 'zh-CN',
      theme: 'light',
      storage: { 'gridops.videoAutoplay': 'off' },
    });
    session.page.on('response', (response) => {
      if (response.status() >= 400) failedResponses.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
    });
    await waitForMapReady(session.page, 90_000);
  }, 240_000);

  afterAll(async () => {
    await session?.close();
    await closeBrowser();
    await server?.close();
  });

  it('shows who is signed in and where, with the connection live', async () => {
    const { page } = session;
    await expect.poll(() => page.textContent('[data-testid="who-am-i"]')).toContain('调度员');
    expect(await page.textContent('[data-testid="jurisdiction"]')).toBe('仙林街道');
    await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="connection-banner"]').isHidden()).toBe(true);
  });

  it('clicking a known Xianlin micro-grid shows its name and chain in "what\'s here"', async () => {
    const { page } = session;
    const pixel = await pixelOf(page, place.lon, place.lat, 16);
    await page.mouse.click(pixel.x, pixel.y);
    const name = page.locator('[data-testid="whats-here-name"]');
    await name.waitFor({ timeout: 15_000 });
    expect(await name.textContent()).toBe(place.name);
    const chain = await page.textContent('[data-testid="whats-here-chain"]');
    expect(chain).toContain('栖霞区');
    expect(chain).toContain('仙林街道');
    expect(chain).toContain(place.name);
    await session.screenshot('console-whats-here');
  });

  it('an incident posted through the API appears in the queue and on the map within 2 s', async () => {
    const { page } = session;
    // Where it will be drawn: a red point (light theme #dc2626) at the place; nothing red there before.
    const pixel = await pixelOf(page, place.lon, place.lat, 16);
    const clip = { x: Math.round(pixel.x) - 12, y: Math.round(pixel.y) - 12, width: 24, height: 24 };
    const redPixels = async () => countNear(decodePng(await page.screenshot({ clip, type: 'png' })), '#dc2626', 40);
    expect(await redPixels()).toBe(0);
    const frames = await recordMapFrames(page, clip);

    const headers = await signIn(server.baseUrl, 'dispatcher.city');
    const posted = Date.now();
    const response = await fetch(`${server.baseUrl}/api/incidents`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'city_management', description: '浏览器测试：路灯不亮', lon: place.lon, lat: place.lat, grade: 'red' }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { incident: { id: number; number: string } };
    incident = { id: Number(body.incident.id), number: body.incident.number };

    const item = page.locator(`[data-testid="queue-item"][data-incident-id="${incident.id}"]`);
    await item.waitFor({ timeout: 2_000 });
    const inQueueMs = Date.now() - posted;
    expect(await item.getAttribute('class')).toContain('is-new');

    // When it is drawn: the first frame of the map with the red point there (timed by the frame: a screenshot
    // here takes longer to capture than the frame it would time), then what a person sees in a screenshot.
    const drawn = await frames.waitFor((frame) => frame.at >= posted && countNear(frame, '#dc2626', 40) >= 6, 10_000);
    await frames.stop();
    const onMapMs = drawn ? drawn.at - posted : Infinity;
    console.info(`[console] incident ${incident.number}: in the queue after ${inQueueMs} ms, drawn on the map after ${onMapMs} ms`);
    expect(onMapMs).toBeLessThanOrEqual(2_000);
    expect(await redPixels()).toBeGreaterThanOrEqual(6);

    // And it is picked where it is drawn: a click there opens it (selected in the queue at once).
    await page.mouse.click(pixel.x, pixel.y);
    await page.locator(`[data-testid="queue-item"][data-incident-id="${incident.id}"].is-selected`).waitFor({ timeout: 5_000 });
    await expect.poll(() => page.textContent('[data-testid="incident-number"]'), { timeout: 15_000 }).toContain(incident.number);
    await session.screenshot('console-incident-arrived');
  });

  it('opens the incident, lists recommended workers with ETA and dispatches to the chosen one', async () => {
    const { page } = session;
    await page.locator(`[data-testid="queue-item"][data-incident-id="${incident.id}"]`).click();
    expect(await page.textContent('[data-testid="incident-number"]')).toContain(incident.number);
    const first = page.locator('[data-testid="recommendation"]').first();
    await first.waitFor({ timeout: 30_000 });
    expect(await first.locator('[data-testid="eta"]').textContent()).toMatch(/预计 .+ 到达/);
    const dispatch = page.locator('[data-testid="incident-actions"] [data-action="dispatch"]');
    expect(await dispatch.getAttribute('aria-disabled')).toBe('true');
    expect(await dispatch.getAttribute('title')).toBe('请先选择一名推荐处置人。');
    const workerCode = await first.getAttribute('data-worker-code');
    // Choosing a worker draws the route on the map (light theme route colour #1d4ed8), right of the layer panel.
    const box = (await page.locator('[data-testid="map"]').boundingBox())!;
    const mapClip = { x: Math.round(box.x + 200), y: Math.round(box.y), width: Math.round(box.width - 200), height: Math.round(box.height) };
    const routePixels = async () => countNear(decodePng(await page.screenshot({ clip: mapClip, type: 'png' })), '#1d4ed8', 30);
    await page.mouse.move(box.x + box.width - 5, box.y + box.height - 60);
    const before = await routePixels();
    await first.locator('button').click();
    expect(await dispatch.getAttribute('aria-disabled')).toBe('false');
    await page.mouse.move(box.x + box.width - 5, box.y + box.height - 60);
    await expect.poll(routePixels, { timeout: 10_000 }).toBeGreaterThan(before + 150);
    await session.screenshot('console-recommendations');
    await dispatch.click();
    await expect.poll(() => page.textContent('[data-testid="incident-state"]'), { timeout: 15_000 }).toBe('已派遣');

    const check = await fetch(`${server.baseUrl}/api/incidents/${incident.id}`, { headers: await signIn(server.baseUrl, 'dispatcher.city') });
    const stored = (await check.json()) as { incident: { state: string; assigned_worker_code: string }; timeline: { event: string }[] };
    expect(stored.incident).toMatchObject({ state: 'dispatched', assigned_worker_code: workerCode });
    expect(stored.timeline.map((e) => e.event)).toEqual(expect.arrayContaining(['reported', 'accept', 'dispatch']));
    // Accepting again is refused, and the button says why.
    const accept = page.locator('[data-testid="incident-actions"] [data-action="accept"]');
    expect(await accept.getAttribute('title')).toBe('事件处于“已派遣”状态，不能进行此操作。');
    // With auto-play off the covering cameras are listed and nothing plays until one is clicked.
    await page.locator('[data-testid="covering-cameras"] li').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="video-autoplay-off"]').isVisible()).toBe(true);
    expect(await page.locator('[data-testid="incident-video"] video').count()).toBe(0);
    expect(await page.locator('[data-testid="video-autoplay"]').isChecked()).toBe(false);
  }, 150_000);

  it('logged no console errors and made no request outside the server', () => {
    expect(failedResponses).toEqual([]);
    expect(session.consoleErrors).toEqual([]);
    expect(session.externalRequests).toEqual([]);
  });
});
