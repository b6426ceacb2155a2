/**
 * Locate latency on one database: the application (createApp, the real routes and middleware) served
 * in this process, `GET /api/locate?lon=&lat=` for every sample point, timed as server time — from
 * the request reaching the HTTP server to the response finishing — and, in the same round, the same
 * locate SQL run directly through the Database. Baseline: an Express request that does no database
 * work beyond authentication (a 404), to show the fixed cost of the HTTP stack in the same run.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.js';
import { systemClock } from '../../server/clock/clock.js';
import { loadConfig } from '../../server/config/load-config.js';
import type { Capabilities, Database } from '../../server/db/database.js';
import { createLogger } from '../../server/logging/logger.js';
import type { SamplePoint } from './sample-points.js';
import { median, percentile } from './statistics.js';

export interface LocateRound {
  serverP50: number;
  serverP95: number;
  sqlP50: number;
  sqlP95: number;
  baselineP50: number;
}

export interface LocateResult {
  points: number;
  rounds: LocateRound[];
  /** Medians over the rounds, milliseconds. */
  serverP50: number;
  serverP95: number;
  sqlP50: number;
  sqlP95: number;
  baselineP50: number;
  /** Medians over the rounds of each round's server/SQL ratio. */
  ratioP50: number;
  ratioP95: number;
  /** Points for which the server did not answer 200 with a micro-grid code (first pass). */
  failures: { point: SamplePoint; status: number; body: string }[];
}

export type RunLocateSql = (db: Database, point: SamplePoint) => Promise<unknown>;

export async function measureLocate(options: {
  db: Database;
  capabilities: Capabilities;
  points: SamplePoint[];
  rounds: number;
  runLocateSql: RunLocateSql;
  /** Credentials sent with every request (a city-wide screen token: locate needs a signed-in reader). */
  headers: Record<string, string>;
  onProgress?: (line: string) => void;
}): Promise<LocateResult> {
  const { db, points } = options;
  const app = createApp({
    config: loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' }),
    db,
    capabilities: options.capabilities,
    logger: createLogger('silent'),
    clock: systemClock,
  });
  let serverTimes: number[] = [];
  const server = http.createServer((req, res) => {
    const started = performance.now();
    res.once('finish', () => serverTimes.push(performance.now() - started));
    app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (url: string) => {
    const response = await fetch(url, { headers: options.headers });
    return { status: response.status, body: await response.text() };
  };
  // The client has the body a moment before the server's 'finish' event may have run: wait for every sample.
  const settle = async (expected: number) => {
    for (let i = 0; i < 100 && serverTimes.length < expected; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    if (serverTimes.length !== expected) throw new Error(`expected ${expected} server timings, got ${serverTimes.length}`);
  };
  const locateUrl = (p: SamplePoint) => `${baseUrl}/api/locate?lon=${p.lon}&lat=${p.lat}`;

  try {
    // Warm-up pass, discarded: checks every answer, fills caches and the query plans.
    const failures: LocateResult['failures'] = [];
    for (const point of points) {
      const { status, body } = await get(locateUrl(point));
      let code: unknown;
      try {
        code = (JSON.parse(body) as { microGrid?: { code?: unknown } }).microGrid?.code;
      } catch {
        code = undefined;
      }
      if (status !== 200 || typeof code !== 'string' || code === '') failures.push({ point, status, body: body.slice(0, 300) });
      await options.runLocateSql(db, point);
    }
    if (failures.length > points.length / 10) {
      throw new Error(`GET /api/locate failed for ${failures.length} of ${points.length} points inside Nanjing, e.g. ${JSON.stringify(failures[0])}`);
    }

    const rounds: LocateRound[] = [];
    for (let round = 0; round < options.rounds; round++) {
      // Alternate which goes first, so that a slow spell of the shared CPU does not always hit the same side.
      const measureServer = async () => {
        serverTimes = [];
        for (const point of points) await get(locateUrl(point));
        await settle(points.length);
        return [...serverTimes];
      };
      const measureSql = async () => {
        const times: number[] = [];
        for (const point of points) {
          const started = performance.now();
          await options.runLocateSql(db, point);
          times.push(performance.now() - started);
        }
        return times;
      };
      let serverSamples: number[];
      let sql: number[];
      if (round % 2 === 0) {
        serverSamples = await measureServer();
        sql = await measureSql();
      } else {
        sql = await measureSql();
        serverSamples = await measureServer();
      }
      serverTimes = [];
      const baselineCount = Math.min(points.length, 300);
      for (let i = 0; i < baselineCount; i++) await get(`${baseUrl}/api/bench-baseline-not-found`);
      await settle(baselineCount);
      const baseline = [...serverTimes];
      const r: LocateRound = {
        serverP50: percentile(serverSamples, 50),
        serverP95: percentile(serverSamples, 95),
        sqlP50: percentile(sql, 50),
        sqlP95: percentile(sql, 95),
        baselineP50: percentile(baseline, 50),
      };
      rounds.push(r);
      options.onProgress?.(
        `round ${round + 1}/${options.rounds}: server p50 ${r.serverP50.toFixed(3)} p95 ${r.serverP95.toFixed(3)} ms, ` +
          `SQL p50 ${r.sqlP50.toFixed(3)} p95 ${r.sqlP95.toFixed(3)} ms, 404 baseline p50 ${r.baselineP50.toFixed(3)} ms`,
      );
    }
    const med = (pick: (r: LocateRound) => number) => median(rounds.map(pick));
    return {
      points: points.length,
      rounds,
      serverP50: med((r) => r.serverP50),
      serverP95: med((r) => r.serverP95),
      sqlP50: med((r) => r.sqlP50),
      sqlP95: med((r) => r.sqlP95),
      baselineP50: med((r) => r.baselineP50),
      ratioP50: med((r) => r.serverP50 / r.sqlP50),
      ratioP95: med((r) => r.serverP95 / r.sqlP95),
      failures,
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
