/**
 * A phone for the field app's and the citizens' page's browser tests: Chromium's mobile emulation at 390×844
 * (device scale 2, touch, mobile viewport), a granted and overridable geolocation, zh-CN, offline toggled through
 * the DevTools protocol (`setOffline`: Network.emulateNetworkConditions via Playwright's context.setOffline), and
 * console errors collected like openConsole's.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOT_DIR } from './browser-session.js';

export interface PhoneSession {
  page: Page;
  context: BrowserContext;
  consoleErrors: string[];
  setPosition(lon: number, lat: number, accuracy?: number): Promise<void>;
  setOffline(offline: boolean): Promise<void>;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openPhone(
  baseUrl: string,
  options: { path: string; position?: { lon: number; lat: number } | null; theme?: 'light' | 'dark' },
): Promise<PhoneSession> {
  const browser = await launchBrowser();
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    ...(options.position
      ? { geolocation: { longitude: options.position.lon, latitude: options.position.lat, accuracy: 10 }, permissions: ['geolocation'] }
      : {}),
  });
  if (options.theme) await context.addInitScript((theme: string) => window.localStorage.setItem('gridops.theme', theme), options.theme);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`page: ${error.message}`));
  const cdp = await context.newCDPSession(page);
  await page.goto(`${new URL(baseUrl).origin}${options.path}`, { waitUntil: 'load' });
  return {
    page,
    context,
    consoleErrors,
    async setPosition(lon, lat, accuracy = 10) {
      await context.setGeolocation({ longitude: lon, latitude: lat, accuracy });
    },
    async setOffline(offline) {
      await context.setOffline(offline);
      await cdp.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    },
    async screenshot(name) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, type: 'png' });
      return file;
    },
    close: () => context.close(),
  };
}
