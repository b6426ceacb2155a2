/**
 * `npx tsx scripts/bench/measure-field-app.ts --data-dir <seeded city copy> [--runs 5] [--offers 20] [--write]`:
 * the field app's targets (issue 23), on the real server (server/main.ts, embedded database, no simulator)
 * started on an already seeded full-city data directory (a COPY: the server migrates it), with the client built:
 *
 *  1. the JavaScript /m loads before it can be used: every script and module preload of dist/mobile/index.html,
 *     gzip -9 (what a server would send compressed), beside what is loaded later only with a map or a photo;
 *  2. first load to interactive on Chromium's "Fast 4G" profile (165 ms latency, 9 Mbit/s down, 1.5 Mbit/s up)
 *     with the CPU slowed 4×, a cold cache and a signed-in worker's session cookie: from navigation to the task
 *     screen drawn with its duty button enabled (the app has fetched /api/auth/me and /api/field/me);
 *     baseline in the same runs: the same page's load event, and the bare HTML document;
 *  3. offer to phone: the dispatcher dispatches a case to worker.xianlin (HTTP, as the console does); the phone's
 *     app marks when the offer is on its screen (it came through the live channel and /api/field/me); the delay
 *     from the dispatch's answer to that mark, p50 / p95 / max (the same machine's clock on both sides).
 * With --write the section "Field app (/m)" of BENCHMARKS.md is replaced (or appended).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../../tests/support/postgres-cluster.js';
import { launchBrowser, closeBrowser } from '../../tests/browser/support/browser-session.js';
import { readMachineInfo, loadAverage } from './machine-info.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FAST_4G = { offline: false, latency: 165, downloadThroughput: (9_000_000 / 8) * 0.9, uploadThroughput: (1_500_000 / 8) * 0.9 };

function option(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};

function jsSizes(): { initialGzip: number; initialRaw: number; files: string[]; lazyGzip: Record<string, number> } {
  const dist = path.join(ROOT, 'dist');
  const html = fs.readFileSync(path.join(dist, 'mobile', 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const gzip = (f: string) => zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length;
  // What a map or a photo loads later: the chunk and every chunk it imports that the first load does not hold
  // (followed through the chunks' own imports, so a chunk renamed by the bundler is still counted).
  const initial = new Set(files.map((f) => path.basename(f)));
  const assets = fs.readdirSync(path.join(dist, 'assets'));
  const closure = (start: string) => {
    const seen = new Set<string>();
    const walk = (f: string) => {
      if (seen.has(f) || initial.has(f)) return;
      seen.add(f);
      for (const m of fs.readFileSync(path.join(dist, 'assets', f), 'utf8').matchAll(/from\s*"\.\/([^"]+\.js)"/g)) walk(m[1]);
    };
    walk(start);
    return [...seen];
  };
  const lazy: Record<string, number> = {};
  for (const [label, pattern] of [
    ['map', /^field-map-.*\.js$/],
    ['photo', /^browser-image-compression-.*\.js$/],
  ] as const) {
    const start = assets.find((f) => pattern.test(f));
    if (!start) continue;
    const chunks = closure(start);
    lazy[`${label} (${chunks.length} files)`] = chunks.reduce((sum, f) => sum + gzip(`assets/${f}`), 0);
  }
  return {
    initialGzip: files.reduce((s, f) => s + gzip(f), 0),
    initialRaw: files.reduce((s, f) => s + fs.statSync(path.join(dist, f)).size, 0),
    files,
    lazyGzip: lazy,
  };
}

async function startServer(dataDir: string): Promise<{ baseUrl: string; child: ChildProcess }> {
  const port = await findFreePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGLITE_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    SEED_ON_START: 'false',
    DISPATCH_MODE: 'live',
    TILE_WARMUP: 'false',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('server', 'main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${baseUrl}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { baseUrl, child };
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGTERM');
  throw new Error('the server did not become ready in 10 minutes');
}

async function session(baseUrl: string, username: string): Promise<{ cookie: string; headers: Record<string, string> }> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'gridops-dev-2026' }),
  });
  if (!res.ok) throw new Error(`sign-in of ${username}: HTTP ${res.status}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' } };
}

async function main() {
  const dataDir = option('--data-dir');
  if (!dataDir) throw new Error('--data-dir <a copy of a seeded embedded data directory> is required');
  const runs = Number(option('--runs', '5'));
  const offers = Number(option('--offers', '20'));
  const sizes = jsSizes();
  const { baseUrl, child } = await startServer(path.resolve(dataDir));
  try {
    const worker = await session(baseUrl, 'worker.xianlin');
    const dispatcher = await session(baseUrl, 'dispatcher.xianlin');
    const me = (await (await fetch(`${baseUrl}/api/field/me`, { headers: worker.headers })).json()) as {
      worker: { code: string; homeUnitCode: string };
    };
    await fetch(`${baseUrl}/api/field/duty`, { method: 'POST', headers: worker.headers, body: JSON.stringify({ onDuty: true }) });
    const here = { lon: 118.9255, lat: 32.1025 };
    const position = await fetch(`${baseUrl}/api/field/position`, { method: 'POST', headers: worker.headers, body: JSON.stringify(here) });
    if (!position.ok) throw new Error(`position: HTTP ${position.status}`);
    const browser = await launchBrowser();
    const [name, value] = worker.cookie.split('=');

    // 2. first load, cold, throttled.
    const interactive: number[] = [];
    const loadEvent: number[] = [];
    const documentOnly: number[] = [];
    // Run 0 warms the freshly started server (first queries, JIT) and is not counted.
    for (let i = 0; i <= runs; i++) {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
        serviceWorkers: 'block',
      });
      await context.addCookies([{ name, value, url: baseUrl }]);
      await context.addInitScript(() => localStorage.setItem('gridops.field.positionConsent', 'no'));
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', FAST_4G);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      const started = Date.now();
      await page.goto(`${baseUrl}/m`, { waitUntil: 'commit' });
      await page
        .locator('[data-testid="duty-toggle"]:enabled, [data-testid="task-offer"], [data-testid="task-en-route"]')
        .first()
        .waitFor({ timeout: 60_000 });
      const tookMs = Date.now() - started;
      await page.waitForLoadState('load');
      const timing = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return { load: nav.loadEventEnd, document: nav.responseEnd };
      });
      if (i > 0) {
        interactive.push(tookMs);
        loadEvent.push(timing.load);
        documentOnly.push(timing.document);
      }
      await context.close();
    }

    // 3. offer to phone.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    await context.addCookies([{ name, value, url: baseUrl }]);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/m`);
    await page.locator('[data-testid="task-idle"]').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1_000);
    const latencies: number[] = [];
    for (let i = 0; i < offers; i++) {
      const created = (await (
        await fetch(`${baseUrl}/api/incidents`, {
          method: 'POST',
          headers: dispatcher.headers,
          body: JSON.stringify({ category: 'city_management', description: `基准测试派单 ${i + 1}`, lon: here.lon + 0.002, lat: here.lat }),
        })
      ).json()) as { incident: { id: number } };
      const id = created.incident.id;
      await fetch(`${baseUrl}/api/incidents/${id}/events`, { method: 'POST', headers: dispatcher.headers, body: JSON.stringify({ type: 'accept' }) });
      const before = await page.evaluate(() => document.body.dataset.offerShownAt ?? '');
      const dispatched = await fetch(`${baseUrl}/api/incidents/${id}/events`, {
        method: 'POST',
        headers: dispatcher.headers,
        body: JSON.stringify({ type: 'dispatch', workerCode: me.worker.code }),
      });
      const answeredAt = Date.now();
      if (!dispatched.ok) throw new Error(`dispatch ${i}: HTTP ${dispatched.status} ${await dispatched.text()}`);
      await page.waitForFunction((old) => (document.body.dataset.offerShownAt ?? '') !== old, before, { timeout: 10_000 });
      latencies.push(Number(await page.evaluate(() => document.body.dataset.offerShownAt)) - answeredAt);
      await fetch(`${baseUrl}/api/incidents/${id}/events`, {
        method: 'POST',
        headers: dispatcher.headers,
        body: JSON.stringify({ type: 'return', reason: '基准测试收回' }),
      });
      await page.waitForTimeout(300);
    }
    await context.close();
    await closeBrowser();

    const machine = readMachineInfo(ROOT);
    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    const section = [
      '## Field app (/m) — issue 23',
      '',
      `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npx tsx scripts/bench/measure-field-app.ts\` on ${machine.cpuModel} (${machine.cores} cores), load average ${loadAverage()} — the machine was shared with other work, so the times are upper bounds. Full-city embedded database (a copy of the seeded Nanjing), real server, no simulator.`,
      '',
      '| figure | target | measured |',
      '|---|---|---|',
      `| JavaScript of the first load (${sizes.files.length} files, gzip -9) | ≤ 300 KB | **${kb(sizes.initialGzip)}** (${kb(sizes.initialRaw)} raw) |`,
      `| loaded later, only with a map or a photo | — | ${Object.entries(sizes.lazyGzip)
        .map(([f, b]) => `${f.replace(/-[A-Za-z0-9_-]{8}\.js$/, '')} ${kb(b)}`)
        .join(', ')} |`,
      `| first load to interactive, Fast 4G + 4× CPU, cold cache, ${runs} runs after one warm-up | ≤ 3 s | median **${(quantile(interactive, 0.5) / 1000).toFixed(2)} s**, max ${(Math.max(...interactive) / 1000).toFixed(2)} s |`,
      `| same runs: HTML document received / load event | — | median ${(quantile(documentOnly, 0.5) / 1000).toFixed(2)} s / ${(quantile(loadEvent, 0.5) / 1000).toFixed(2)} s |`,
      `| offer → phone (dispatch answered → offer on screen), ${offers} offers | p95 ≤ 1 s | p50 **${quantile(latencies, 0.5)} ms**, p95 **${quantile(latencies, 0.95)} ms**, max ${Math.max(...latencies)} ms |`,
      '',
    ].join('\n');
    console.log(section);
    if (process.argv.includes('--write')) {
      const file = path.join(ROOT, 'BENCHMARKS.md');
      const text = fs.readFileSync(file, 'utf8');
      const start = text.indexOf('## Field app (/m) — issue 23');
      // The section ends before the next heading, another section's marker (<!-- … -->) or the hand-written notes
      // under the table (kept: they say what the machine was doing).
      const ends = ['\n## ', '\n<!-- ', '\nNotes:'].map((m) => (start < 0 ? -1 : text.indexOf(m, start + 5))).filter((i) => i >= 0);
      const next = ends.length ? Math.min(...ends) : -1;
      const updated =
        start < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}${next < 0 ? '' : `\n${text.slice(next + 1)}`}`;
      fs.writeFileSync(file, updated);
    }
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
