/**
 * Helpers of the screens' browser tests and benchmark (tests/browser/screen-*.spec.ts, scripts/bench/measure-screens.ts):
 * open the big screen as a video wall (screen token exchanged through the page's own sign-in form), open the mid
 * screen, measure overflow, and a test server that can be stopped and started again on the same port and database
 * (the wall's reconnect across a server restart).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { createApp } from '../../../server/app.js';
import { systemClock } from '../../../server/clock/clock.js';
import { loadConfig } from '../../../server/config/load-config.js';
import { detectCapabilities } from '../../../server/db/capabilities.js';
import type { Database } from '../../../server/db/database.js';
import { createDomainEvents } from '../../../server/events/domain-events.js';
import { attachLiveChannel, type LiveChannel } from '../../../server/live/live-channel.js';
import { createLogger } from '../../../server/logging/logger.js';
import { openConsole, type ConsoleSession } from './browser-session.js';

export interface WallSession extends ConsoleSession {
  /** Every URL the page requested (to check the token never travels in one). */
  requestUrls: string[];
}

/** Opens /screen/big/ at a size and signs in with the screen token through the form; waits until fully drawn. */
export async function openWall(
  baseUrl: string,
  token: string,
  size: { width: number; height: number },
  options: { path?: string; timeoutMs?: number; language?: 'zh-CN' | 'en' } = {},
): Promise<WallSession & { readyMs: number }> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const started = Date.now();
  const session = await openConsole(baseUrl, { path: options.path ?? '/screen/big/', ...size, timeoutMs, language: options.language });
  const requestUrls: string[] = [];
  session.page.on('request', (request) => requestUrls.push(request.url()));
  await signInWall(session.page, token, timeoutMs);
  await session.page.locator('[data-testid="wall"][data-wall-ready="true"]').waitFor({ state: 'attached', timeout: timeoutMs });
  return Object.assign(session, { requestUrls, readyMs: Date.now() - started });
}

export async function signInWall(page: Page, token: string, timeoutMs = 60_000): Promise<void> {
  const form = page.locator('[data-testid="screen-signin"]');
  await form.waitFor({ state: 'visible', timeout: timeoutMs });
  await form.locator('input[name="token"]').fill(token);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/screen-session'), { timeout: timeoutMs });
  await form.locator('button[type="submit"]').click();
  const response = await answer;
  if (response.status() !== 200) throw new Error(`screen sign-in failed: HTTP ${response.status()}`);
}

/** Elements whose text does not fit (scrollWidth beyond clientWidth), and whether the page itself scrolls. */
export async function overflowReport(page: Page, selector: string): Promise<{ pageScrolls: boolean; clipped: string[]; outside: string[] }> {
  return page.evaluate((sel) => {
    const doc = document.documentElement;
    const pageScrolls = doc.scrollWidth > doc.clientWidth || doc.scrollHeight > doc.clientHeight || document.body.scrollWidth > window.innerWidth;
    const clipped: string[] = [];
    const outside: string[] = [];
    for (const node of Array.from(document.querySelectorAll<HTMLElement>(sel))) {
      if (!node.textContent?.trim() || node.offsetParent === null) continue;
      if (node.scrollWidth > node.clientWidth + 1)
        clipped.push(`${node.className}: ${node.textContent.trim()} (${node.scrollWidth} > ${node.clientWidth})`);
      const rect = node.getBoundingClientRect();
      if (rect.right > window.innerWidth + 0.5 || rect.bottom > window.innerHeight + 0.5 || rect.left < -0.5 || rect.top < -0.5)
        outside.push(`${node.className}: ${node.textContent.trim()}`);
    }
    // Boxes whose content is taller than they are (tiles, panels): text would overlap the next box.
    for (const box of Array.from(document.querySelectorAll<HTMLElement>('.kpi-tile, .chart-panel, .side-ranking, .side-feed, .wall-header'))) {
      if (box.scrollHeight > box.clientHeight + 1) clipped.push(`${box.className}: content ${box.scrollHeight} px in ${box.clientHeight} px`);
    }
    return { pageScrolls, clipped, outside };
  }, selector);
}

/** A test server on a fixed port that can be stopped and started again over the same database. */
export interface RestartableServer {
  baseUrl: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function restartableServer(db: Database): Promise<RestartableServer> {
  let server: http.Server | null = null;
  let live: LiveChannel | null = null;
  let port = 0;
  const capabilities = await detectCapabilities(db);
  const logger = createLogger('silent');
  const start = async () => {
    const events = createDomainEvents();
    const app = createApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), db, capabilities, logger, clock: systemClock, events });
    const next = http.createServer(app);
    live = attachLiveChannel(next, { db, events, logger, clock: systemClock });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };
  await start();
  return {
    get baseUrl() {
      return `http://127.0.0.1:${port}`;
    },
    async stop() {
      await live?.close();
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = null;
    },
    start,
  };
}
