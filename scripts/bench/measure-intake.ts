/**
 * Intake → recommendation ready, on one database: the application (createApp, the real routes and
 * middleware) served in this process; for every sample point a dispatcher's `POST /api/incidents` (located,
 * graded, checked for duplicates, stored with its timeline and audit record), then
 * `GET /api/incidents/:id/recommendations?limit=5` (the top five workers by road). Timed per point from
 * sending the POST to having the recommendation, as the console sees it (loopback HTTP, keep-alive), and
 * each request's server time (request received → response finished). The road graph is loaded and the
 * query plans warmed by a discarded first pass over a few points; a city-wide dispatcher account made for
 * the bench signs in once. The incidents it creates are deleted afterwards (their audit records stay: the
 * audit log is append-only).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.js';
import { systemClock } from '../../server/clock/clock.js';
import { appendAudit } from '../../server/audit/record-audit.js';
import { hashPassword } from '../../server/auth/secrets.js';
import { loadConfig } from '../../server/config/load-config.js';
import { defineSql, type Capabilities, type Database } from '../../server/db/database.js';
import { createLogger } from '../../server/logging/logger.js';
import { createRoadGraphStore } from '../../server/routing/road-graph-store.js';
import type { SamplePoint } from './sample-points.js';
import { percentile } from './statistics.js';

const BENCH_USER = 'bench.intake';
const CATEGORIES = ['city_management', 'safety_hazard', 'dispute', 'environment', 'public_order', 'fire_safety'];
const WARM_UP = 20;

/** $1 password hash. A city-wide dispatcher for the bench, created or re-keyed. Result: id, created. */
const upsertBenchAccount = defineSql(
  'bench.upsert_intake_account',
  `INSERT INTO accounts (username, display_name, password_hash, role, jurisdiction_code, development)
   VALUES ('${BENCH_USER}', '基准测试调度员', $1, 'dispatcher', NULL, true)
   ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, active = true, failed_attempts = 0, locked_until = NULL
   RETURNING id, (xmax = 0) AS created`,
);
/** $1 incident ids (bigint[]): remove what the bench created (as the owner, outside any scope). */
const deleteBenchTimeline = defineSql('bench.delete_intake_timeline', `DELETE FROM incident_timeline WHERE incident_id = ANY ($1::bigint[])`);
const deleteBenchReports = defineSql('bench.delete_intake_reports', `DELETE FROM incident_reports WHERE incident_id = ANY ($1::bigint[])`);
const deleteBenchIncidents = defineSql('bench.delete_intake_incidents', `DELETE FROM incidents WHERE id = ANY ($1::bigint[])`);

export interface IntakeMeasurement {
  points: number;
  /** POST sent → recommendation received, milliseconds (client time over loopback). */
  totalP50: number;
  totalP95: number;
  /** Server time of the intake request alone, and of the recommendation request alone. */
  intakeP50: number;
  intakeP95: number;
  recommendP50: number;
  recommendP95: number;
  /** Share of points whose first recommended worker was reachable by road. */
  reachableShare: number;
  failures: { point: SamplePoint; status: number; body: string }[];
}

export async function measureIntake(options: {
  db: Database;
  capabilities: Capabilities;
  points: SamplePoint[];
  onProgress?: (line: string) => void;
}): Promise<IntakeMeasurement> {
  const { db, points } = options;
  const roads = createRoadGraphStore(db);
  const app = createApp({
    config: loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '1000' }),
    db,
    capabilities: options.capabilities,
    logger: createLogger('silent'),
    clock: systemClock,
    roads,
  });
  const serverTimes = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const started = performance.now();
    const key = `${req.method} ${req.url}`;
    res.once('finish', () => serverTimes.set(key, performance.now() - started));
    app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const created: number[] = [];
  try {
    const password = crypto.randomBytes(18).toString('base64url');
    const [account] = await db.query<{ id: number; created: boolean }>(upsertBenchAccount, [await hashPassword(password)]);
    if (account.created) {
      await appendAudit(db, {
        actorAccountId: null,
        actorUsername: 'bench',
        actorRole: null,
        action: 'account.create',
        entityType: 'account',
        entityId: String(account.id),
        jurisdictionCode: null,
        after: { username: BENCH_USER, role: 'dispatcher', jurisdiction: 'city', development: true },
        clientAddress: null,
        success: true,
      });
    }
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: BENCH_USER, password }),
    });
    if (login.status !== 200) throw new Error(`bench sign-in failed: ${login.status} ${await login.text()}`);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const headers = {
      cookie: login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; '),
      'x-csrf-token': csrfToken,
      'content-type': 'application/json',
    };
    options.onProgress?.('loading the road graph');
    await roads.graph();

    const intakeOne = async (point: SamplePoint, i: number) => {
      const started = performance.now();
      const body = JSON.stringify({
        category: CATEGORIES[i % CATEGORIES.length],
        description: '基准测试：受理到推荐 (bench)',
        lon: point.lon,
        lat: point.lat,
      });
      const post = await fetch(`${baseUrl}/api/incidents`, { method: 'POST', headers, body });
      const postBody = await post.text();
      if (post.status !== 201) return { ok: false as const, status: post.status, body: postBody };
      const id = (JSON.parse(postBody) as { incident: { id: number } }).incident.id;
      created.push(id);
      const recommendationPath = `/api/incidents/${id}/recommendations?limit=5`;
      const rec = await fetch(`${baseUrl}${recommendationPath}`, { headers });
      const recBody = await rec.text();
      const total = performance.now() - started;
      if (rec.status !== 200) return { ok: false as const, status: rec.status, body: recBody };
      const first = (JSON.parse(recBody) as { responders: { reachable: boolean }[] }).responders[0];
      return { ok: true as const, total, recommendationPath, reachable: first?.reachable === true };
    };

    for (let i = 0; i < Math.min(WARM_UP, points.length); i++) await intakeOne(points[i], i);
    const totals: number[] = [];
    const intakeTimes: number[] = [];
    const recommendTimes: number[] = [];
    const failures: IntakeMeasurement['failures'] = [];
    let reachable = 0;
    for (let i = 0; i < points.length; i++) {
      serverTimes.clear();
      const result = await intakeOne(points[i], i);
      if (!result.ok) {
        failures.push({ point: points[i], status: result.status, body: result.body.slice(0, 300) });
        continue;
      }
      totals.push(result.total);
      if (result.reachable) reachable++;
      // The server's 'finish' may run a moment after the client has the body.
      for (let wait = 0; wait < 100 && serverTimes.size < 2; wait++) await new Promise((resolve) => setTimeout(resolve, 1));
      const intakeMs = serverTimes.get('POST /api/incidents');
      const recommendMs = serverTimes.get(`GET ${result.recommendationPath}`);
      if (intakeMs !== undefined) intakeTimes.push(intakeMs);
      if (recommendMs !== undefined) recommendTimes.push(recommendMs);
      if ((i + 1) % 100 === 0) options.onProgress?.(`${i + 1}/${points.length} intakes`);
    }
    if (!totals.length) throw new Error(`no intake succeeded, e.g. ${JSON.stringify(failures[0])}`);
    return {
      points: points.length,
      totalP50: percentile(totals, 50),
      totalP95: percentile(totals, 95),
      intakeP50: percentile(intakeTimes, 50),
      intakeP95: percentile(intakeTimes, 95),
      recommendP50: percentile(recommendTimes, 50),
      recommendP95: percentile(recommendTimes, 95),
      reachableShare: reachable / totals.length,
      failures,
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (created.length) {
      await db.withTransaction(async (tx) => {
        await tx.query(deleteBenchTimeline, [created]);
        await tx.query(deleteBenchReports, [created]);
        await tx.query(deleteBenchIncidents, [created]);
      });
    }
  }
}
