/**
 * Driving the console map in a browser test: move it, wait until it has drawn everything, and take a
 * screenshot of the map element only (the console's panels excluded) as pixels.
 * The ConsoleMap is the map element's `consoleMap` property (client/map/console-map.ts).
 */
import type { Page } from 'playwright-core';
import { decodePng, type Pixels } from './png-pixels.js';
import { SCREENSHOT_DIR, type ConsoleSession } from './browser-session.js';
import type { ConsoleMap } from '../../../client/map/console-map.js';

export const MAP_SELECTOR = '[data-testid="map"]';

export interface MapView {
  lon: number;
  lat: number;
  zoom: number;
}

/**
 * Resolves once MapLibre is idle (style, tiles and placement done) and deck.gl has drawn twice since:
 * the overlay redraws on the next animation frames after its layers change.
 */
export async function settleMap(page: Page): Promise<void> {
  await page.evaluate(async (selector) => {
    const element = document.querySelector(selector) as HTMLElement & {
      consoleMap?: { map: { once(e: string, f: () => void): void; triggerRepaint(): void } };
      benchMap?: { once(e: string, f: () => void): void; triggerRepaint(): void };
    };
    const map = element.consoleMap?.map ?? element.benchMap;
    if (!map) throw new Error('no map on the map element');
    await new Promise<void>((resolve) => {
      map.once('idle', () => resolve());
      map.triggerRepaint();
    });
    for (let i = 0; i < 3; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
  }, MAP_SELECTOR);
  // Label fade-in (MapLibre fadeDuration, 300 ms) and the deck.gl redraw that follows a layer change.
  await page.waitForTimeout(400);
}

export async function jumpTo(page: Page, view: MapView): Promise<void> {
  await page.evaluate(
    ({ selector, view }) => {
      const element = document.querySelector(selector) as HTMLElement & {
        consoleMap?: { map: { jumpTo(o: unknown): void } };
        benchMap?: { jumpTo(o: unknown): void };
      };
      (element.consoleMap?.map ?? element.benchMap)!.jumpTo({ center: [view.lon, view.lat], zoom: view.zoom, bearing: 0, pitch: 0 });
    },
    { selector: MAP_SELECTOR, view },
  );
  await settleMap(page);
}

/** A screenshot of the map element alone, saved as an artefact, and its pixels. */
export async function mapPixels(session: ConsoleSession, name: string): Promise<Pixels> {
  const png = await session.page.locator(MAP_SELECTOR).screenshot({ path: `${SCREENSHOT_DIR}/${name}.png` });
  return decodePng(png);
}

/** The map's element as the page sees it: the console map hangs on it for the tests (console-map.ts). */
export type ConsoleMapElement = HTMLElement & { consoleMap: ConsoleMap };

/** The draw calls of the next frame the map draws: instanced ones (more than one instance) and plain ones. */
export async function drawCallsOfNextFrame(session: ConsoleSession): Promise<{ instanced: number; plain: number }> {
  return session.page.locator(MAP_SELECTOR).evaluate(async (el: ConsoleMapElement) => {
    const gl = WebGL2RenderingContext.prototype as unknown as Record<string, (...args: number[]) => unknown>;
    const counts = { instanced: 0, plain: 0 };
    const wrapped = ['drawArraysInstanced', 'drawElementsInstanced', 'drawArrays', 'drawElements'].map((name) => [name, gl[name]] as const);
    for (const [name, original] of wrapped) {
      gl[name] = function (this: WebGL2RenderingContext, ...args: number[]) {
        const instances = name === 'drawArraysInstanced' ? args[3] : name === 'drawElementsInstanced' ? args[4] : 1;
        if (instances > 1) counts.instanced++;
        else counts.plain++;
        return original.apply(this, args);
      };
    }
    await new Promise<void>((resolve) => {
      el.consoleMap.map.once('render', () => resolve());
      el.consoleMap.map.triggerRepaint();
    });
    for (const [name, original] of wrapped) gl[name] = original;
    return counts;
  });
}
