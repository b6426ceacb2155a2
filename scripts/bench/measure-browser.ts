/**
 * Browser figures of the console map (issue 5's targets), in headless Chromium with software WebGL
 * (tests/browser/support/browser-session.ts), against the application served in this process on `db`:
 *
 *   - first full render of the city view: navigation to the map-only page (client/bench/console-map.html,
 *     every layer on) at city zoom → the map's first 'idle' after load, as a whole-city screen sees it. Each
 *     round is a fresh browser context (empty HTTP cache). Three server states, in this order:
 *       cold:   the tile cache emptied, no warm-up (TILE_WARMUP=false, or a visitor the warm-up has not reached);
 *               run alone in a fresh process, the database's own buffers are cold too;
 *       warmed: the cache emptied again, then filled by `warmTileCache` (what main.ts runs after start-up),
 *               awaited — what `npm start` gives the first visitor once the warm-up is done; its duration and
 *               the X-Tile-Cache answers of the round's tile responses are reported;
 *       warmed, later visitors: once more 31 s after the warm-up and once more 61 s after that, no visitor in
 *               between — the camera and sensor tiles are kept as long as their revision in the database is
 *               unchanged (server/tiles/layer-revisions.ts); and once more just after a camera changed state (as a
 *               device platform would change it; changed back afterwards): the previous tiles are answered while
 *               the new ones render in the background (TileCache.fetchRevisioned);
 *       later:  the rounds after it (every tile cached by the rounds before).
 *   - city-view transfer: the gzip bytes of every tile response of the cold render (body as sent).
 *   - panning at micro-grid zoom: the median interval between animation frames while the map pans at a
 *     steady speed, every layer on, against client/bench/baseline.html (plain MapLibre, the micro-grid
 *     fill only) — same browser, same size, same path, pages alternating; each pan runs once unmeasured
 *     first so both pages pan over loaded tiles. Frame times are only meaningful as this ratio (software
 *     rendering on a shared CPU). Beside it, the render cost per frame of each page at the pan view
 *     (map-frame-probes.ts: synchronous redraws), which is continuous where frame intervals are quantized.
 *
 * For scripts/bench.ts: `await measureBrowser({ db, capabilities, rootDir })`; alone, on a seeded embedded
 * data directory: `tsx scripts/bench/measure-browser.ts --data-dir data/tmp/bench-pglite [--rounds 3]` (rounds: the
 * city view cold, warmed and rounds − 1 times later; rounds pans of each page).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app.js';
import { systemClock } from '../../server/clock/clock.js';
import { loadConfig } from '../../server/config/load-config.js';
import { detectCapabilities } from '../../server/db/capabilities.js';
import { defineSql, type Capabilities, type Database } from '../../server/db/database.js';
import { openEmbeddedDatabase } from '../../server/db/pglite-driver.js';
import { createLogger } from '../../server/logging/logger.js';
import { REVISION_MAX_AGE_MS } from '../../server/tiles/layer-revisions.js';
import { tileCacheOf } from '../../server/tiles/tile-cache.js';
import { warmTileCache, type TileWarmupResult } from '../../server/tiles/tile-warmup.js';
import { screenTokenHeaders } from '../../tests/support/test-auth.js';
import { closeBrowser, ensureClientBuilt, launchBrowser } from '../../tests/browser/support/browser-session.js';
import { panFrames, PAN_MS, PAN_PIXELS, renderCosts, stillFrames, STILL_MS } from './map-frame-probes.js';
import { median } from './statistics.js';

export interface BrowserFigures {
  viewport: { width: number; height: number };
  cityView: { lon: number; lat: number; zoom: number };
  /** ms from navigation to the first full render with an empty tile cache and no warm-up. */
  coldRenderMs: number;
  /** The same after the start-up warm-up (awaited) on an emptied cache. */
  warmedRenderMs: number;
  /** The start-up warm-up before the warmed round. */
  warmup: TileWarmupResult;
  /** X-Tile-Cache answers of the warmed round's tile responses. */
  warmedTileCache: TileCacheTally;
  /** A round a while after the warm-up: ms, its X-Tile-Cache answers, and when it started after the warm-up ended. */
  warmedLaterRenderMs: number;
  warmedLaterTileCache: TileCacheTally;
  warmedLaterAfterMs: number;
  /** Once more, after a spell with no visitor. */
  warmedLongAfterRenderMs: number;
  warmedLongAfterTileCache: TileCacheTally;
  warmedLongAfterMs: number;
  /** Once more, just after a camera changed state in the database. */
  deviceChangeRenderMs: number;
  deviceChangeTileCache: TileCacheTally;
  /** The rounds after the warmed one (tiles cached by the rounds before). */
  laterRenderMs: number[];
  /** gzip bytes and count of the tile responses of the cold round's city view. */
  cityTransferBytes: number;
  cityTileRequests: number;
  panView: { lon: number; lat: number; zoom: number };
  /** Median frame interval while panning, per round, ms. */
  consolePanMs: number[];
  baselinePanMs: number[];
  /** Render cost per frame at the pan view, per round (median of 32 synchronous redraws), ms. */
  consoleRenderMs: number[];
  baselineRenderMs: number[];
  /** median(console) / median(baseline). */
  panRatio: number;
  frames: number;
  /** Frames drawn in STILL_MS by each page left still at STILL_VIEW (camera cones in view), after it went idle. */
  stillView: { lon: number; lat: number; zoom: number };
  consoleStillFrames: number;
  baselineStillFrames: number;
}

/** X-Tile-Cache answers of a round's tile responses, and the tiles not served from the cache (`layers/z/x/y (status)`). */
export interface TileCacheTally {
  hit: number;
  miss: number;
  inflight: number;
  /** Expired less than a time to live ago, or of a previous revision: served while rendered again (tile-cache.ts). */
  stale: number;
  notFromCache: string[];
}

function tallyTileCache(answers: readonly { path: string; status: string }[]): TileCacheTally {
  const tally: TileCacheTally = { hit: 0, miss: 0, inflight: 0, stale: 0, notFromCache: [] };
  for (const { path: tile, status } of answers) {
    if (status === 'hit' || status === 'miss' || status === 'inflight' || status === 'stale') tally[status] += 1;
    if (status !== 'hit') tally.notFromCache.push(`${tile.replace(/^\/tiles\//, '')} (${status})`);
  }
  return tally;
}

/** The first later visitor comes this long after the warm-up, the next one this long after the first. */
const LATER_VISIT_MS = 31_000;
const QUIET_SPELL_MS = 61_000;
/** What a device platform does: a camera goes offline, or online again. */
const toggleCamera = defineSql('bench.toggle_camera', `UPDATE cameras SET online = NOT online WHERE code = (SELECT min(code) FROM cameras)`);

export const BROWSER_TARGETS = { firstRenderMs: 5_000, panRatio: 1.25, cityTransferBytes: 2 * 1024 * 1024 };

/** Nanjing's 11 districts fill a 1920×1080 view at about this zoom. */
const CITY_VIEW = { lon: 118.8, lat: 31.93, zoom: 8.9 };
/** 仙林街道 at micro-grid zoom. */
const PAN_VIEW = { lon: 118.93, lat: 32.105, zoom: 15 };
/** The same place at a zoom that shows the camera cones (CONE_MIN_ZOOM 15.5). */
const STILL_VIEW = { lon: 118.93, lat: 32.105, zoom: 16.5 };
const VIEWPORT = { width: 1920, height: 1080 };

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
    const cacheAnswers: { path: string; status: string }[] = [];
    tab.on('requestfinished', (request) => {
      if (new URL(request.url()).pathname.startsWith('/tiles/')) tiles.push(request.sizes().then((s) => s.responseBodySize));
    });
    tab.on('response', (response) => {
      const { pathname } = new URL(response.url());
      if (pathname.startsWith('/tiles/') && !pathname.endsWith('.json'))
        cacheAnswers.push({ path: pathname, status: response.headers()['x-tile-cache'] ?? 'none' });
    });
    await tab.goto(`${server.baseUrl}/bench/${page}?${query(view)}`);
    const ready = tab.locator('[data-testid="map"][data-ready-ms]');
    await ready.waitFor({ state: 'attached', timeout: 180_000 });
    const readyMs = Number(await ready.getAttribute('data-ready-ms'));
    if (errors.length) throw new Error(`${page}: ${errors.join('; ')}`);
    return { tab, context, readyMs, tiles, cacheAnswers };
  };
  const cityRound = async (label: string) => {
    const { context, readyMs, tiles, cacheAnswers } = await open('console-map.html', CITY_VIEW);
    const sizes = await Promise.all(tiles);
    await context.close();
    progress(`city view ${label}: first full render ${readyMs} ms`);
    return { readyMs, sizes, cacheAnswers };
  };
  try {
    const cache = tileCacheOf(options.db);
    cache.clear();
    const cold = await cityRound('cold (empty tile cache, no warm-up)');
    const cityTransferBytes = cold.sizes.reduce((a, b) => a + b, 0);
    const cityTileRequests = cold.sizes.length;

    cache.clear();
    const warmup = await warmTileCache({ db: options.db, capabilities: options.capabilities, logger: createLogger('silent') });
    progress(
      `start-up warm-up: ${warmup.tiles} tiles of ${warmup.jurisdictions} jurisdictions, ${(warmup.bytes / 1024 / 1024).toFixed(1)} MiB, ` +
        `${(warmup.ms / 1000).toFixed(1)} s, ${warmup.failed} failed`,
    );
    const warmupEnded = performance.now();
    const warmed = await cityRound('after the start-up warm-up');
    // The same visitor a while later, then after a spell with no visitor: nothing changed the cameras and sensors.
    const visitAt = async (afterMs: number, label: string) => {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, warmupEnded + afterMs - performance.now())));
      const startedAfterMs = Math.round(performance.now() - warmupEnded);
      return { startedAfterMs, ...(await cityRound(`after the start-up warm-up, ${(startedAfterMs / 1000).toFixed(0)} s later${label}`)) };
    };
    const later = await visitAt(LATER_VISIT_MS, '');
    const longAfter = await visitAt(later.startedAfterMs + QUIET_SPELL_MS, ', no visitor in between');
    // A camera changes state: the devices' tiles of every jurisdiction are keyed anew.
    await options.db.query(toggleCamera);
    let deviceChange: Awaited<ReturnType<typeof cityRound>>;
    try {
      await new Promise((resolve) => setTimeout(resolve, REVISION_MAX_AGE_MS + 100));
      deviceChange = await cityRound('just after a camera changed state');
    } finally {
      await options.db.query(toggleCamera);
    }

    const laterRenderMs: number[] = [];
    for (let round = 1; round < rounds; round++) laterRenderMs.push((await cityRound(`later round ${round}/${rounds - 1}`)).readyMs);
    const consolePanMs: number[] = [];
    const baselinePanMs: number[] = [];
    const consoleRenderMs: number[] = [];
    const baselineRenderMs: number[] = [];
    let frames = 0;
    for (let round = 0; round < rounds; round++) {
      for (const [page, pans, renders] of [
        ['baseline.html', baselinePanMs, baselineRenderMs],
        ['console-map.html', consolePanMs, consoleRenderMs],
      ] as const) {
        const { tab, context } = await open(page, PAN_VIEW);
        await panFrames(tab);
        const intervals = await panFrames(tab);
        frames += intervals.length;
        pans.push(median(intervals));
        const costs = await renderCosts(tab);
        renders.push(median(costs));
        progress(
          `pan round ${round + 1}/${rounds} ${page}: median frame ${median(intervals).toFixed(1)} ms over ${intervals.length} frames, ` +
            `render cost ${median(costs).toFixed(1)} ms`,
        );
        await context.close();
      }
    }
    const still: Record<string, number> = {};
    for (const page of ['baseline.html', 'console-map.html']) {
      const { tab, context } = await open(page, STILL_VIEW);
      still[page] = await stillFrames(tab);
      progress(`still map ${page} at z${STILL_VIEW.zoom}: ${still[page]} frames in ${STILL_MS / 1000} s`);
      await context.close();
    }
    return {
      viewport: VIEWPORT,
      cityView: CITY_VIEW,
      coldRenderMs: cold.readyMs,
      warmedRenderMs: warmed.readyMs,
      warmup,
      warmedTileCache: tallyTileCache(warmed.cacheAnswers),
      warmedLaterRenderMs: later.readyMs,
      warmedLaterTileCache: tallyTileCache(later.cacheAnswers),
      warmedLaterAfterMs: later.startedAfterMs,
      warmedLongAfterRenderMs: longAfter.readyMs,
      warmedLongAfterTileCache: tallyTileCache(longAfter.cacheAnswers),
      warmedLongAfterMs: longAfter.startedAfterMs,
      deviceChangeRenderMs: deviceChange.readyMs,
      deviceChangeTileCache: tallyTileCache(deviceChange.cacheAnswers),
      laterRenderMs,
      cityTransferBytes,
      cityTileRequests,
      panView: PAN_VIEW,
      consolePanMs,
      baselinePanMs,
      panRatio: median(consolePanMs) / median(baselinePanMs),
      consoleRenderMs,
      baselineRenderMs,
      frames,
      stillView: STILL_VIEW,
      consoleStillFrames: still['console-map.html'],
      baselineStillFrames: still['baseline.html'],
    };
  } finally {
    await closeBrowser();
    await server.close();
  }
}

/** "18 of 18 from the cache" plus the tiles that were not. */
function describeTally(t: TileCacheTally): string {
  const answered = t.hit + t.miss + t.inflight + t.stale;
  return `${t.hit} of ${answered} tile responses from the cache${t.notFromCache.length ? ` (not: ${t.notFromCache.join(', ')})` : ''}`;
}

/** The figures as a Markdown section for BENCHMARKS.md. */
export function renderBrowserSection(f: BrowserFigures): string {
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
  const target = `≤ ${BROWSER_TARGETS.firstRenderMs} ms`;
  const laterMedian = f.laterRenderMs.length ? median(f.laterRenderMs) : undefined;
  const w = f.warmup;
  return [
    '## Console map in the browser (issue 5)',
    '',
    `Headless Chromium (Debian), software WebGL (SwiftShader), ${f.viewport.width}×${f.viewport.height}, every layer on ` +
      `(client/bench/console-map.html), a whole-city screen token. City view at z${f.cityView.zoom}; panning at ` +
      `z${f.panView.zoom} over 仙林街道, ${PAN_PIXELS} px right and back in ${(2 * PAN_MS) / 1000} s, against ` +
      'client/bench/baseline.html (plain MapLibre, micro-grid fill only), pages alternating in one browser.',
    '',
    'First full render of the city view, each round in a fresh browser context (empty HTTP cache), in this order. ' +
      '**Cold**: the server’s tile cache emptied, no warm-up — as with `TILE_WARMUP=false`, or for a visitor the warm-up has ' +
      'not reached yet. **Warmed**: the cache emptied again, then filled by the start-up warm-up `warmTileCache` ' +
      '(server/tiles/tile-warmup.ts, which `npm start` runs once listening: the first views of the whole city and of each ' +
      'district on the console’s map and on a full-screen map of a 1920×1080 screen) and the round started when it ' +
      `finished; then ${(f.warmedLaterAfterMs / 1000).toFixed(0)} s and ${(f.warmedLongAfterMs / 1000).toFixed(0)} s after it finished, as for visitors ` +
      'who come a while after start-up (the camera and sensor tiles are kept while their revision in the database is unchanged: ' +
      'server/tiles/layer-revisions.ts); then just after a camera changed state in the database, as a device platform changes it ' +
      '(the tiles of the previous revision are answered — `stale` below — while the new ones render: TileCache.fetchRevisioned). ' +
      '**Later**: the rounds after those. ' +
      `The warm-up: ${w.tiles} tiles for ${w.jurisdictions} jurisdictions (${w.rendered} rendered, ${w.cached} already cached, ` +
      `${w.empty} empty, ${w.failed} failed), ${(w.bytes / 1024 / 1024).toFixed(1)} MiB gzip, ${(w.ms / 1000).toFixed(1)} s ` +
      '(run after the cold round, without the simulator that `npm start` runs beside it). ' +
      `Warmed round: ${describeTally(f.warmedTileCache)}; a while later: ${describeTally(f.warmedLaterTileCache)}; ` +
      `after a quiet spell: ${describeTally(f.warmedLongAfterTileCache)}; after the camera's change: ${describeTally(f.deviceChangeTileCache)}.`,
    '',
    '| figure | measured | target | |',
    '|---|---|---|---|',
    `| **first full render of the city view after start-up, tile cache warmed by the start-up warm-up, visited when it finished** | ${f.warmedRenderMs} ms | ${target} | ${verdict(f.warmedRenderMs <= BROWSER_TARGETS.firstRenderMs)} |`,
    `| **the same, visited ${(f.warmedLaterAfterMs / 1000).toFixed(0)} s after the warm-up finished** | ${f.warmedLaterRenderMs} ms | ${target} | ${verdict(f.warmedLaterRenderMs <= BROWSER_TARGETS.firstRenderMs)} |`,
    `| **the same, visited ${(f.warmedLongAfterMs / 1000).toFixed(0)} s after the warm-up finished, no screen for ${((f.warmedLongAfterMs - f.warmedLaterAfterMs) / 1000).toFixed(0)} s before** | ${f.warmedLongAfterRenderMs} ms | ${target} | ${verdict(f.warmedLongAfterRenderMs <= BROWSER_TARGETS.firstRenderMs)} |`,
    `| **the same, visited just after a camera changed state in the database (previous tiles answered while the new ones render)** | ${f.deviceChangeRenderMs} ms | ${target} | ${verdict(f.deviceChangeRenderMs <= BROWSER_TARGETS.firstRenderMs)} |`,
    `| first full render of the city view, cold: empty tile cache, no warm-up (for comparison) | ${f.coldRenderMs} ms | ${target} | |`,
    laterMedian === undefined
      ? `| first full render of the city view, later rounds | not measured (--rounds 1) | ${target} | |`
      : `| first full render of the city view, median of the later rounds, tiles cached by the rounds before (${f.laterRenderMs.join(', ')} ms; for comparison) | ${laterMedian} ms | ${target} | |`,
    `| city-view transfer (gzip bytes of the cold round's ${f.cityTileRequests} tile responses) | ${(f.cityTransferBytes / 1024).toFixed(0)} KiB | ≤ 2 MiB | ${verdict(f.cityTransferBytes <= BROWSER_TARGETS.cityTransferBytes)} |`,
    `| median frame while panning: console map / baseline (${f.consolePanMs.map((v) => v.toFixed(1)).join(', ')} / ${f.baselinePanMs.map((v) => v.toFixed(1)).join(', ')} ms, ${f.frames} frames) | ${f.panRatio.toFixed(2)}× | ≤ ${BROWSER_TARGETS.panRatio}× | ${verdict(f.panRatio <= BROWSER_TARGETS.panRatio)} |`,
    `| render cost per frame at the pan view, console map / baseline (synchronous redraw + readPixels, median of 32 per round: ${f.consoleRenderMs.map((v) => v.toFixed(1)).join(', ')} / ${f.baselineRenderMs.map((v) => v.toFixed(1)).join(', ')} ms; continuous where frame intervals are quantized, for comparing changes) | ${(median(f.consoleRenderMs) / median(f.baselineRenderMs)).toFixed(2)}× | | |`,
    `| frames drawn by the map left still for ${STILL_MS / 1000} s at z${f.stillView.zoom} (camera cones in view), after it went idle: console map / baseline | ${f.consoleStillFrames} / ${f.baselineStillFrames} | | |`,
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
    const figures = await measureBrowser({
      db,
      capabilities: await detectCapabilities(db),
      rootDir,
      rounds,
      onProgress: (line) => console.log(`[browser] ${line}`),
    });
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
