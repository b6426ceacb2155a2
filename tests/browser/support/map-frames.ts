/**
 * What the console map draws, frame by frame: the pixels of a small rectangle of the page read out of the map's
 * WebGL canvas at the end of each frame MapLibre draws (its 'render' event, before the browser composites the
 * frame), with the time of the frame. For tests that ask when something appears: a screenshot of headless
 * Chromium with software WebGL takes 0.3–1.5 s to capture, more than the frame it would time.
 *
 *   const frames = await recordMapFrames(page, { x: 900, y: 500, width: 24, height: 24 });
 *   ... make something happen ...
 *   const first = await frames.waitFor((pixels) => countNear(pixels, '#dc2626', 40) >= 6, 5_000);
 *   await frames.stop();
 *
 * The canvas is transparent where nothing is drawn (the land is the element's CSS background); anything
 * opaque drawn there reads as it shows.
 */
import type { Page } from 'playwright-core';
import type { Pixels } from './png-pixels.js';
import type { ConsoleMapElement } from './map-page.js';

export interface PageRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MapFrame extends Pixels {
  /** Date.now() in the page when the frame was drawn. */
  at: number;
}

export interface MapFrameRecording {
  /** Frames drawn since recording began (or since the last call), oldest first. */
  take(): Promise<MapFrame[]>;
  /** The first frame that satisfies `test`, polling every 50 ms; null after `timeoutMs`. */
  waitFor(test: (frame: MapFrame) => boolean, timeoutMs: number): Promise<MapFrame | null>;
  stop(): Promise<void>;
}

interface RecordedFrame {
  at: number;
  /** RGBA rows top to bottom, base64. */
  rgba: string;
}

/** At most this many frames are kept in the page between two takes. */
const MAX_FRAMES = 240;

export async function recordMapFrames(page: Page, rect: PageRect): Promise<MapFrameRecording> {
  const size = await page.evaluate(
    ({ rect, maxFrames }) => {
      const element = document.querySelector('[data-testid="map"]') as ConsoleMapElement;
      const map = element.consoleMap.map;
      const canvas = map.getCanvas() as HTMLCanvasElement;
      // The context MapLibre made: getContext of the same type returns it.
      const gl = canvas.getContext('webgl2') as WebGL2RenderingContext;
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const x = Math.round((rect.x - box.left) * scale);
      const width = Math.round(rect.width * scale);
      const height = Math.round(rect.height * scale);
      // WebGL's rows run bottom to top.
      const y = canvas.height - Math.round((rect.y - box.top) * scale) - height;
      const frames: { at: number; rgba: string }[] = [];
      const onRender = () => {
        const bound = gl.getParameter(gl.FRAMEBUFFER_BINDING);
        gl.bindFramebuffer(gl.FRAMEBUFFER, null);
        const rgba = new Uint8Array(width * height * 4);
        gl.readPixels(x, y, width, height, gl.RGBA, gl.UNSIGNED_BYTE, rgba);
        gl.bindFramebuffer(gl.FRAMEBUFFER, bound);
        // Top to bottom, as base64 (a short string crosses to the test far faster than an array of numbers).
        let text = '';
        for (let row = height - 1; row >= 0; row--) text += String.fromCharCode(...rgba.subarray(row * width * 4, (row + 1) * width * 4));
        frames.push({ at: Date.now(), rgba: btoa(text) });
        if (frames.length > maxFrames) frames.shift();
      };
      map.on('render', onRender);
      (window as unknown as Record<string, unknown>).__mapFrames = {
        take: () => frames.splice(0, frames.length),
        stop: () => map.off('render', onRender),
      };
      return { width, height };
    },
    { rect, maxFrames: MAX_FRAMES },
  );

  const take = async (): Promise<MapFrame[]> => {
    const recorded = await page.evaluate(() => (window as unknown as { __mapFrames: { take(): RecordedFrame[] } }).__mapFrames.take());
    return recorded.map((frame) => ({
      at: frame.at,
      width: size.width,
      height: size.height,
      rgba: new Uint8Array(Buffer.from(frame.rgba, 'base64')),
    }));
  };
  return {
    take,
    async waitFor(test, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await take()).find(test);
        if (found) return found;
        if (Date.now() >= deadline) return null;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      await page.evaluate(() => (window as unknown as { __mapFrames: { stop(): void } }).__mapFrames.stop());
    },
  };
}
