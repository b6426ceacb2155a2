/**
 * Browser figures of the console map (issue 5's targets), in headless Chromium with software WebGL
 * (tests/browser/support/browser-session.ts), against the application served in this process on `db`:
 *
 *   - first full render of the city view: navigation to the map-only page (client/bench/console-map.html,
 *     every layer on) at city zoom → the map's first 'idle' after load, as a whole-city screen sees it. The
 *     first round meets a cold server tile cache; each round is a fresh browser context (empty HTTP cache).
 *   - city-view transfer: the gzip bytes of every tile response of that first render (body as sent).
 *   - panning at micro-grid zoom: the median interval between animation frames while the map pans at a
 *     steady speed, every layer on, against client/bench/baseline.html (plain MapLibre, the micro-grid
 *     fill only) — same browser, same size, same path, pages alternating; each pan runs once unmeasured
 *     first so both pages pan over loaded tiles. Frame times are only meaningful as this ratio (software
 *     rendering on a shared CPU).
 *
 * For scripts/bench.ts: `await measureBrowser({ db, capabilities, rootDir })`; alone, on a seeded embedded
 * data directory: `tsx scripts/bench/measure-browser.ts --data-dir data/tmp/bench-pglite [--rounds 3]`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createApp, systemClock } from '../../server/app.js';
import { loadConfig } from '../../server/config/load-config.js';
import { detectCapabilities } from '../../server/db/capabilities.js';
import type { Capabilities, Database } from '../../server/db/database.js';
import { openEmbeddedDatabase } from '../../server/db/pglite-driver.js';
import { createLogger } from '../../server/logging/logger.js';
import { screenTokenHeaders } from '../../tests/support/test-auth.js';
import { closeBrowser, ensureClientBuilt, launchBrowser } from '../../tests/browser/support/browser-session.js';
import { median } from './statistics.js';

export interface BrowserFigures {
  viewport: { width: number; height: number };
  cityView: { lon: number; lat: number; zoom: number };
  /** ms from navigation to the first full render, per round (round 1: cold server tile cache). */
  firstRenderMs: number[];
  /** gzip bytes and count of the tile responses of the first round's city view. */
  cityTransferBytes: number;
  cityTileRequests: number;
  panView: { lon: number; lat: number; zoom: number };
  /** Median frame interval while panning, per round, ms. */
  consolePanMs: number[];
  baselinePanMs: number[];
  /** median(console) / median(baseline). */
  panRatio: number;
  frames: number;
}

export const BROWSER_TARGETS = { firstRenderMs: 5_000, panRatio: 1.25, cityTransferBytes: 2 * 1024 * 1024 };

/** Nanjing's 11 districts fill a 1920×1080 view at about this zoom. */
const CITY_VIEW = { lon: 118.8, lat: 31.93, zoom: 8.9 };
/** 仙林街道 at micro-grid zoom. */
const PAN_VIEW = { lon: 118.93, lat: 32.105, zoom: 15 };
const VIEWPORT = { width: 1920, height: 1080 };
const PAN_PIXELS = 900;
const PAN_MS = 4_000;

const query = (v: { lon: number; lat: number; zoom: number }) => `lon=${v.lon}&lat=${v.lat}&zoom=${v.zoom}`;

async function serve(db: Database, capabilities: Capabilities, rootDir: string): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const app = createApp({
    config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }, rootDir),
    db,
    capabilities,
    logger: createLogger('silent'),
    clock: systemClock,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Pans right then back left at a steady speed; returns the animation-frame intervals (ms). Page code as
 * text: tsx (esbuild keepNames) would wrap a function's inner names in a helper the page does not have.
 */
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

function panFrames(page: Page): Promise<number[]> {
  return page.evaluate(PAN_FRAMES_SCRIPT) as Promise<number[]>;
}

export async function measureBrowser(options: {
  db: Database;
  capabilities: Capabilities;
  rootDir: string;
  rounds?: number;
  onProgress?: (line: string) => void;
}): Promise<BrowserFigures> {
  const rounds = options.rounds ?? 3;
  const progress = options.onProgress ?? (() => undefined);
  await ensureClientBuilt();
  const server = await serve(options.db, options.capabilities, options.rootDir);
  const headers = await screenTokenHeaders(options.db, null);
  const browser = await launchBrowser();
  const open = async (page: string, view: { lon: number; lat: number; zoom: number }) => {
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, extraHTTPHeaders: headers });
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const tiles: Promise<number>[] = [];
    tab.on('requestfinished', (request) => {
      if (new URL(request.url()).pathname.startsWith('/tiles/')) tiles.push(request.sizes().then((s) => s.responseBodySize));
    });
    await tab.goto(`${server.baseUrl}/bench/${page}?${query(view)}`);
    const ready = tab.locator('[data-testid="map"][data-ready-ms]');
    await ready.waitFor({ state: 'attached', timeout: 180_000 });
    const readyMs = Number(await ready.getAttribute('data-ready-ms'));
    if (errors.length) throw new Error(`${page}: ${errors.join('; ')}`);
    return { tab, context, readyMs, tiles };
  };
  try {
    const firstRenderMs: number[] = [];
    let cityTransferBytes = 0;
    let cityTileRequests = 0;
    for (let round = 0; round < rounds; round++) {
      const { context, readyMs, tiles } = await open('console-map.html', CITY_VIEW);
      firstRenderMs.push(readyMs);
      if (round === 0) {
        const sizes = await Promise.all(tiles);
        cityTransferBytes = sizes.reduce((a, b) => a + b, 0);
        cityTileRequests = sizes.length;
      }
      progress(`city view round ${round + 1}/${rounds}: first full render ${readyMs} ms`);
      await context.close();
    }
    const consolePanMs: number[] = [];
    const baselinePanMs: number[] = [];
    let frames = 0;
    for (let round = 0; round < rounds; round++) {
      for (const [page, into] of [['baseline.html', baselinePanMs], ['console-map.html', consolePanMs]] as const) {
        const { tab, context } = await open(page, PAN_VIEW);
        await panFrames(tab);
        const intervals = await panFrames(tab);
        frames += intervals.length;
        into.push(median(intervals));
        progress(`pan round ${round + 1}/${rounds} ${page}: median frame ${median(intervals).toFixed(1)} ms over ${intervals.length} frames`);
        await context.close();
      }
    }
    return {
      viewport: VIEWPORT,
      cityView: CITY_VIEW,
      firstRenderMs,
      cityTransferBytes,
      cityTileRequests,
      panView: PAN_VIEW,
      consolePanMs,
      baselinePanMs,
      panRatio: median(consolePanMs) / median(baselinePanMs),
      frames,
    };
  } finally {
    await closeBrowser();
    await server.close();
  }
}

/** The figures as a Markdown section for BENCHMARKS.md. */
export function renderBrowserSection(f: BrowserFigures): string {
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
  const warm = f.firstRenderMs.slice(1);
  const renderMedian = median(warm.length ? warm : f.firstRenderMs);
  return [
    '## Console map in the browser (issue 5)',
    '',
    `Headless Chromium (Debian), software WebGL (SwiftShader), ${f.viewport.width}×${f.viewport.height}, every layer on ` +
      `(client/bench/console-map.html), a whole-city screen token. City view at z${f.cityView.zoom}; panning at ` +
      `z${f.panView.zoom} over 仙林街道, ${PAN_PIXELS} px right and back in ${(2 * PAN_MS) / 1000} s, against ` +
      'client/bench/baseline.html (plain MapLibre, micro-grid fill only), pages alternating in one browser.',
    '',
    '| figure | measured | target | |',
    '|---|---|---|---|',
    `| first full render of the city view, cold server cache | ${f.firstRenderMs[0]} ms | ≤ ${BROWSER_TARGETS.firstRenderMs} ms | ${verdict(f.firstRenderMs[0] <= BROWSER_TARGETS.firstRenderMs)} |`,
    `| first full render of the city view, median of the later rounds (${f.firstRenderMs.slice(1).join(', ') || '—'} ms) | ${renderMedian} ms | ≤ ${BROWSER_TARGETS.firstRenderMs} ms | ${verdict(renderMedian <= BROWSER_TARGETS.firstRenderMs)} |`,
    `| city-view transfer (gzip bytes of ${f.cityTileRequests} tile responses) | ${(f.cityTransferBytes / 1024).toFixed(0)} KiB | ≤ 2 MiB | ${verdict(f.cityTransferBytes <= BROWSER_TARGETS.cityTransferBytes)} |`,
    `| median frame while panning: console map / baseline (${f.consolePanMs.map((v) => v.toFixed(1)).join(', ')} / ${f.baselinePanMs.map((v) => v.toFixed(1)).join(', ')} ms, ${f.frames} frames) | ${f.panRatio.toFixed(2)}× | ≤ ${BROWSER_TARGETS.panRatio}× | ${verdict(f.panRatio <= BROWSER_TARGETS.panRatio)} |`,
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  let dataDir: string | undefined;
  let rounds = 3;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data-dir') dataDir = path.resolve(argv[++i] ?? '');
    else if (argv[i] === '--rounds') rounds = Number(argv[++i]);
    else throw new Error(`unknown option ${argv[i]}: --data-dir DIR [--rounds N]`);
  }
  if (!dataDir) throw new Error('--data-dir DIR: a seeded embedded data directory (npm run seed with PGLITE_DATA_DIR)');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds needs a positive whole number');
  const db = await openEmbeddedDatabase({ dataDir });
  try {
    const figures = await measureBrowser({ db, capabilities: await detectCapabilities(db), rootDir, rounds, onProgress: (line) => console.log(`[browser] ${line}`) });
    console.log(renderBrowserSection(figures));
  } finally {
    await db.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error('browser bench failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
