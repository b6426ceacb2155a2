/**
 * The browser the tests and benchmarks run (support/browser-session.ts): Debian Chromium started through
 * support/chromium-merged-features, so that the one --disable-features it gets keeps Playwright's list and adds
 * ours, and a new context's window starts no address-bar renderer beside the page.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, ROOT_DIR } from './support/browser-session.js';

const LAUNCHER = path.join(ROOT_DIR, 'tests', 'browser', 'support', 'chromium-merged-features');
const OURS = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'WebUIOmniboxFullPopup'];

/** The launcher's arguments as it passes them on, one per element (a stand-in for Chromium prints them). */
function passedOn(args: string[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-'));
  try {
    const printer = path.join(dir, 'print-arguments');
    fs.writeFileSync(printer, '#!/bin/sh\nfor arg in "$@"; do printf \'%s\\n\' "$arg"; done\n', { mode: 0o755 });
    const out = execFileSync(LAUNCHER, args, { env: { ...process.env, CHROMIUM_BINARY: printer }, encoding: 'utf8' });
    return out.split('\n').slice(0, -1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('chromium-merged-features', () => {
  it('merges every --disable-features into one switch at the end and passes the other arguments on unchanged', () => {
    expect(
      passedOn([
        '--headless',
        '--disable-features=A,B',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
        '--disable-features=C',
        'about:blank',
      ]),
    ).toEqual(['--headless', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', 'about:blank', '--disable-features=A,B,C']);
  });

  it('adds no switch when there is none to merge', () => {
    expect(passedOn(['--headless', '--enable-features=X'])).toEqual(['--headless', '--enable-features=X']);
  });
});

describe('the tests’ Chromium', () => {
  afterAll(async () => {
    await closeBrowser();
  });

  it('gets one --disable-features with Playwright’s list and ours, and a new window starts no address-bar renderer', async () => {
    const browser = await launchBrowser();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto('chrome://version');
      const commandLine = (await page.locator('#command_line').textContent()) ?? '';
      const switches = commandLine.split(/\s+/).filter((arg) => arg.startsWith('--disable-features='));
      expect(switches).toHaveLength(1);
      const names = switches[0].slice('--disable-features='.length).split(',');
      expect(names).toEqual(expect.arrayContaining(OURS));
      // Playwright's own (e.g. its network-quietening ones) are still there: the merge kept them.
      expect(names.length).toBeGreaterThan(OURS.length);

      // The processes of this browser carry its profile directory on their command lines.
      const profile = path.dirname(((await page.locator('#profile_path').textContent()) ?? '').trim());
      expect(profile).toMatch(/playwright/);
      await page.goto('about:blank');
      await page.waitForTimeout(1_000);
      const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes(profile));
      expect(processes.some((line) => line.includes('--type=renderer'))).toBe(true);
      expect(processes.filter((line) => line.includes('--top-chrome-webui'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
