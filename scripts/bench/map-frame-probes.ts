/**
 * What the browser bench runs in a map page (client/bench/*.html) to time its frames, for measure-browser.ts.
 * Page code as text: tsx (esbuild keepNames) would wrap a function's inner names in a helper the page does not have.
 */
import type { Page } from 'playwright-core';

/** The pan: this many pixels right, then back, each way in PAN_MS. */
export const PAN_PIXELS = 900;
export const PAN_MS = 4_000;

/** Pans right then back left at a steady speed; returns the animation-frame intervals (ms). */
const PAN_FRAMES_SCRIPT = `(async () => {
  const element = document.querySelector('[data-testid="map"]');
  const map = element.consoleMap ? element.consoleMap.map : element.benchMap;
  const frames = [];
  let running = true;
  let last = 0;
  const tick = (t) => {
    if (last > 0) frames.push(t - last);
    last = t;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  for (const dx of [${PAN_PIXELS}, -${PAN_PIXELS}]) {
    await new Promise((resolve) => {
      map.once('moveend', () => resolve());
      map.panBy([dx, 0], { duration: ${PAN_MS}, easing: (t) => t });
    });
  }
  running = false;
  return frames;
})()`;

export function panFrames(page: Page): Promise<number[]> {
  return page.evaluate(PAN_FRAMES_SCRIPT) as Promise<number[]>;
}

/**
 * The cost of drawing one frame, continuous where animation-frame intervals are quantized to 16.7 ms: at 8
 * positions along the pan (tiles loaded), 4 synchronous redraws each, each followed by a one-pixel readPixels,
 * which waits for the software renderer to finish the frame. Returns the 32 durations (ms).
 */
const RENDER_COST_SCRIPT = `(async () => {
  const element = document.querySelector('[data-testid="map"]');
  const map = element.consoleMap ? element.consoleMap.map : element.benchMap;
  const gl = map.getCanvas().getContext('webgl2');
  const pixel = new Uint8Array(4);
  const costs = [];
  const start = map.getCenter();
  for (let i = 0; i < 8; i++) {
    map.jumpTo({ center: start });
    map.panBy([i * ${Math.round(PAN_PIXELS / 8)}, 0], { duration: 0 });
    const deadline = performance.now() + 10000;
    while (!map.areTilesLoaded() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    for (let k = 0; k < 4; k++) {
      const t0 = performance.now();
      map.redraw();
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
      costs.push(performance.now() - t0);
    }
  }
  map.jumpTo({ center: start });
  return costs;
})()`;

export function renderCosts(page: Page): Promise<number[]> {
  return page.evaluate(RENDER_COST_SCRIPT) as Promise<number[]>;
}

/** How long a still map is watched for frames it draws. */
export const STILL_MS = 5_000;

/**
 * The frames a map draws while nobody moves it: after it went idle (tiles loaded, labels placed), the 'render'
 * events in STILL_MS. A map that keeps drawing a still picture keeps the machine busy for nothing.
 */
const STILL_FRAMES_SCRIPT = `(async () => {
  const element = document.querySelector('[data-testid="map"]');
  const map = element.consoleMap ? element.consoleMap.map : element.benchMap;
  const deadline = performance.now() + 20000;
  while (!map.areTilesLoaded() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((resolve) => { map.once('idle', () => resolve()); map.triggerRepaint(); });
  await new Promise((r) => setTimeout(r, 1000));
  let frames = 0;
  const count = () => frames++;
  map.on('render', count);
  await new Promise((r) => setTimeout(r, ${STILL_MS}));
  map.off('render', count);
  return frames;
})()`;

export function stillFrames(page: Page): Promise<number> {
  return page.evaluate(STILL_FRAMES_SCRIPT) as Promise<number>;
}
