/**
 * Browser sessions for the console's end-to-end tests and browser benchmarks: Debian `/usr/bin/chromium`
 * headless through playwright-core, WebGL2 in software (SwiftShader), no network besides the test server.
 *
 *   beforeAll(async () => { await ensureClientBuilt(); server = await startTestServer(mode); });
 *   const session = await openConsole(server.baseUrl, { username: 'dispatcher.xianlin', theme: 'dark' });
 *   await session.screenshot('console-dark');
 *   expect(session.consoleErrors).toEqual([]);
 *   await session.close();
 *
 * Contract with the console shell (client/index.html and the login page):
 *  - the sign-in form is a `<form data-testid="login-form">` with `input[name="username"]`,
 *    `input[name="password"]` and a `button[type="submit"]`;
 *  - after signing in the console mounts the map in an element with `data-testid="map"`;
 *    client/map/console-map.ts sets `data-map-ready="true"` on that element when the map's style and first
 *    tiles are loaded, and keeps the ConsoleMap object on the element as `consoleMap` for tests;
 *  - the theme and language are read from localStorage keys `gridops.theme` ('light' | 'dark') and
 *    `gridops.language` ('zh-CN' | 'en'); openConsole sets them before the page loads when asked.
 *
 * ensureClientBuilt() runs `vite build` at most once per change of the client: under a file lock (parallel
 * spec files and processes wait for one build) it builds only when a file of client/, vite.config.ts or
 * package-lock.json is newer than the last build's stamp, into a temporary directory that then replaces
 * dist/ in two renames, so a server already serving dist/ never sees it half-written.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import lockfile from 'proper-lockfile';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SCREENSHOT_DIR = path.join(ROOT_DIR, 'test-artifacts', 'screenshots');
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Starts CHROMIUM_PATH with its --disable-features switches merged into one (Chromium keeps only the last). */
const CHROMIUM_LAUNCHER = path.join(ROOT_DIR, 'tests', 'browser', 'support', 'chromium-merged-features');

/** Software WebGL2 (no GPU in CI or on servers); every host name but the loopback resolves to nothing. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-swiftshader',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--ignore-gpu-blocklist',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-domain-reliability',
  '--no-first-run',
  '--font-render-hinting=none',
  // The address bar's drop-down is a web page of its own (chrome://omnibox-popup.top-chrome), which Chromium 156 starts
  // loading in a renderer process of its own for every new window: each test's or round's context. That renderer kept
  // one of the two cores busy for up to 5 s, during the page's first render (measured in a trace). A console opened
  // in an existing window or a kiosk screen does not pay it on every load, so the tests and benchmarks should not.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
];

export interface OpenConsoleOptions {
  /** Sign in through the login form as this account (README: development accounts). */
  username?: string;
  /** Defaults to the development password when a username is given. */
  password?: string;
  theme?: 'light' | 'dark';
  language?: 'zh-CN' | 'en';
  width?: number;
  height?: number;
  /** Path (and query) to open, default '/'. */
  path?: string;
  /** Other settings of this browser put in localStorage before the page loads (e.g. gridops.videoAutoplay). */
  storage?: Record<string, string>;
  /** How long to wait for the page, the sign-in and the map element, ms (default 60 s: software WebGL is slow). */
  timeoutMs?: number;
}

export interface ConsoleSession {
  page: Page;
  /** Console messages of type error and uncaught page errors, in order. */
  consoleErrors: string[];
  /** Requests to any origin other than the test server's (each one also fails: no network). */
  externalRequests: string[];
  /** Saves test-artifacts/screenshots/<name>.png and returns its path and PNG bytes. */
  screenshot(name: string): Promise<{ path: string; png: Buffer }>;
  close(): Promise<void>;
}

const DEVELOPMENT_PASSWORD = 'gridops-dev-2026';

let sharedBrowser: Promise<Browser> | null = null;

/** One headless Chromium per process (tests open a context each; contexts share nothing). */
export function launchBrowser(): Promise<Browser> {
  sharedBrowser ??= chromium.launch({
    executablePath: CHROMIUM_LAUNCHER,
    env: { ...process.env, CHROMIUM_BINARY: CHROMIUM_PATH },
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return sharedBrowser;
}

/** Closes the shared browser (afterAll of the last spec of a file). */
export async function closeBrowser(): Promise<void> {
  const browser = sharedBrowser;
  sharedBrowser = null;
  if (browser) await (await browser).close();
}

export async function openConsole(baseUrl: string, options: OpenConsoleOptions = {}): Promise<ConsoleSession> {
  const { width = 1920, height = 1080, timeoutMs = 60_000 } = options;
  const origin = new URL(baseUrl).origin;
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, locale: options.language ?? 'zh-CN' });
  const settings: Record<string, string> = { ...options.storage };
  if (options.theme) settings['gridops.theme'] = options.theme;
  if (options.language) settings['gridops.language'] = options.language;
  if (Object.keys(settings).length > 0) {
    await context.addInitScript((values: Record<string, string>) => {
      for (const [key, value] of Object.entries(values)) window.localStorage.setItem(key, value);
    }, settings);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  const consoleErrors: string[] = [];
  const externalRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // "Failed to load resource" names no URL in its text; its location does.
    const where = message.location().url;
    consoleErrors.push(`console: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`page: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (/^(data|blob):/.test(url)) return;
    if (new URL(url).origin !== origin) externalRequests.push(url);
  });

  const session: ConsoleSession = {
    page,
    consoleErrors,
    externalRequests,
    async screenshot(name) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.png`);
      const png = await page.screenshot({ path: file, type: 'png' });
      return { path: file, png };
    },
    async close() {
      await context.close();
    },
  };
  try {
    await page.goto(`${origin}${options.path ?? '/'}`, { waitUntil: 'load' });
    if (options.username !== undefined) await signIn(page, options.username, options.password ?? DEVELOPMENT_PASSWORD, timeoutMs);
  } catch (error) {
    await context.close();
    throw error;
  }
  return session;
}

async function signIn(page: Page, username: string, password: string, timeoutMs: number): Promise<void> {
  const form = page.locator('form[data-testid="login-form"]');
  await form.waitFor({ state: 'visible', timeout: timeoutMs });
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(password);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/login') && r.request().method() === 'POST', { timeout: timeoutMs });
  await form.locator('button[type="submit"]').click();
  const response = await answer;
  if (response.status() !== 200) throw new Error(`sign-in of ${username} through the login form failed: HTTP ${response.status()}`);
  await page.locator('[data-testid="map"]').waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Waits until the console map says its style and first tiles are loaded (data-map-ready="true"). */
export async function waitForMapReady(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('[data-testid="map"][data-map-ready="true"]').waitFor({ state: 'attached', timeout: timeoutMs });
}

const BUILD_INPUTS = ['client', 'vite.config.ts', 'package-lock.json'];
const DIST_DIR = path.join(ROOT_DIR, 'dist');
const BUILD_STAMP = path.join(DIST_DIR, '.build-stamp');
const LOCK_TARGET = path.join(ROOT_DIR, 'test-artifacts', 'client-build');

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function buildIsFresh(): boolean {
  if (!fs.existsSync(BUILD_STAMP) || !fs.existsSync(path.join(DIST_DIR, 'index.html'))) return false;
  const built = fs.statSync(BUILD_STAMP).mtimeMs;
  return BUILD_INPUTS.every((input) => newestMtime(path.join(ROOT_DIR, input)) <= built);
}

/** Builds the client into dist/ unless the build there is newer than every source (see the file comment). */
export async function ensureClientBuilt(): Promise<void> {
  fs.mkdirSync(LOCK_TARGET, { recursive: true });
  const release = await lockfile.lock(LOCK_TARGET, {
    realpath: false,
    stale: 60_000,
    update: 10_000,
    retries: { retries: 400, minTimeout: 500, maxTimeout: 1_000, factor: 1 },
  });
  try {
    if (buildIsFresh()) return;
    const started = Date.now();
    const temporary = path.join(ROOT_DIR, 'test-artifacts', `dist-build-${process.pid}`);
    fs.rmSync(temporary, { recursive: true, force: true });
    await promisify(execFile)(
      process.execPath,
      [path.join(ROOT_DIR, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn', '--outDir', temporary, '--emptyOutDir'],
      { cwd: ROOT_DIR, maxBuffer: 16 * 1024 * 1024 },
    );
    fs.writeFileSync(path.join(temporary, '.build-stamp'), new Date(started).toISOString());
    fs.utimesSync(path.join(temporary, '.build-stamp'), started / 1000, started / 1000);
    const previous = `${DIST_DIR}.previous-${process.pid}`;
    if (fs.existsSync(DIST_DIR)) fs.renameSync(DIST_DIR, previous);
    fs.renameSync(temporary, DIST_DIR);
    fs.rmSync(previous, { recursive: true, force: true });
  } finally {
    await release();
  }
}
