/**
 * The load a city centre puts on several instances (issue 24), with real server processes on one real PostgreSQL:
 * `tsx scripts/bench/measure-cluster-load.ts [--attempts N] [--in-flight K] [--dispatchers D] [--seconds S]`
 * (npm run bench runs it as a section; --data-dir is accepted and ignored). Prints Markdown from
 * `<!-- cluster-load:start -->`.
 *
 * A throwaway PostgreSQL cluster seeded with the Xianlin subset, two server processes (server/main.ts, LIVE_FANOUT
 * database), the clients in this process:
 * 1. Dispatch race: every free on-duty worker of 仙林街道, twice as many accepted cases; N dispatch attempts (random
 *    case × worker pairs, K in flight at once, alternately through each instance). Then counted in the database:
 *    active cases per worker (a double booking is a worker with two), the dispatch steps in the timeline against the
 *    attempts answered 200, and every answer's status (no 5xx allowed).
 * 2. Mixed dispatcher workload: D simulated dispatchers (each its own session), each in a loop: intake, the
 *    recommendations, accept, dispatch to the first recommended free responder, what's-here at the case, three vector
 *    tiles around it; a think time of 0.5–1 s between requests. S seconds on ONE instance (baseline, all D on it),
 *    then S seconds on TWO (half on each), in the same run: p50/p95 per route, throughput, 5xx.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineSql } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { openPostgresDatabase } from '../../server/db/pg-driver.js';
import { seedDatabase } from '../../server/seed/seed-database.js';
import { tileContaining } from '../../server/tiles/tile-address.js';
import { probePostgresInstallation, startThrowawayCluster } from '../../tests/support/postgres-cluster.js';
import { startServerProcess, type ServerProcess } from '../../tests/support/server-process.js';
import { signIn } from '../../tests/support/test-auth.js';
import { loadAverage } from './machine-info.js';
import { createRandom, median, percentile } from './statistics.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ATTEMPTS = arg('attempts', 10_000);
const IN_FLIGHT = arg('in-flight', 500);
const DISPATCHERS = arg('dispatchers', 100);
const SECONDS = arg('seconds', 45);
const log = (message: string) => process.stderr.write(`[cluster-load] ${message}\n`);

const freeWorkers = defineSql(
  'bench.load_free_workers',
  `SELECT w.code FROM workers w
    WHERE w.home_unit_code LIKE '320113007%' AND w.duty_status = 'on_duty'
      AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.assigned_worker_code = w.code AND i.state IN ('dispatched', 'on_scene'))
    ORDER BY w.code`,
);
/** $1 case ids. Result: those dispatched now. */
const dispatchedAmong = defineSql('bench.load_dispatched_among', `SELECT id FROM incidents WHERE id = ANY($1::bigint[]) AND state = 'dispatched'`);
const places = defineSql(
  'bench.load_places',
  `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM units WHERE level = 'micro_grid' AND street_code = '320113007' ORDER BY code`,
);
/**
 * $1 case ids. Active cases per worker among them, workers with more than one active case anywhere, and the dispatch
 * steps in the timeline: the dispatchers' (the attempts answered 200), and the escalation scheduler's own (an offer not
 * acknowledged in time is timed out and the case offered to the next responder: `system`).
 */
const bookings = defineSql(
  'bench.load_bookings',
  `SELECT (SELECT count(DISTINCT assigned_worker_code) FROM incidents WHERE id = ANY($1::bigint[]) AND state = 'dispatched')::int AS workers_booked,
          (SELECT count(*) FROM incidents WHERE id = ANY($1::bigint[]) AND state = 'dispatched')::int AS cases_dispatched,
          (SELECT count(*) FROM (SELECT assigned_worker_code FROM incidents WHERE state IN ('dispatched', 'on_scene') AND assigned_worker_code IS NOT NULL
                                  GROUP BY 1 HAVING count(*) > 1) d)::int AS double_booked,
          (SELECT count(*) FROM incident_timeline WHERE incident_id = ANY($1::bigint[]) AND event = 'dispatch' AND actor_role = 'dispatcher')::int AS dispatch_steps,
          (SELECT count(*) FROM incident_timeline WHERE incident_id = ANY($1::bigint[]) AND event = 'dispatch' AND actor_role = 'system')::int AS system_dispatches,
          (SELECT count(*) FROM incident_timeline WHERE incident_id = ANY($1::bigint[]) AND event = 'offer_timeout')::int AS offer_timeouts`,
);

type Headers = Record<string, string>;
interface Answer {
  status: number;
  code?: string;
  body: unknown;
}

async function call(server: ServerProcess, method: string, route: string, headers: Headers, body?: unknown): Promise<Answer> {
  const res = await fetch(`${server.baseUrl}${route}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) {
    await res.arrayBuffer();
    return { status: res.status, body: null };
  }
  const json = (await res.json()) as { code?: string };
  return { status: res.status, code: res.status >= 400 ? json.code : undefined, body: json };
}

/** Run `tasks` with at most `limit` in flight. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  });
  await Promise.all(lanes);
  return results;
}

const countBy = <T>(items: T[], key: (item: T) => string) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].sort((x, y) => y[1] - x[1]);
};

async function main() {
  const probe = probePostgresInstallation();
  if (!probe.found) throw new Error(probe.reason);
  const cluster = await startThrowawayCluster({
    installation: probe.installation,
    label: 'bench-cluster-load',
    settings: { max_connections: '300' },
  });
  const processes: ServerProcess[] = [];
  const loadAtStart = loadAverage();
  try {
    await cluster.createDatabase('gridops_cluster_load');
    const url = cluster.url('gridops_cluster_load');
    const db = await openPostgresDatabase({ url, poolSize: 4, statementTimeoutMs: 0 });
    const seedStarted = performance.now();
    await migrate(db);
    await seedDatabase(db, { area: 'xianlin', rootDir: ROOT });
    log(`seeded Xianlin in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);
    const spots = await db.query<{ lon: number; lat: number }>(places);
    const env = { DATABASE_URL: url, PG_POOL_SIZE: '10', LOG_LEVEL: 'warn', LOGIN_RATE_LIMIT: '10000' };
    processes.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
    const [a, b] = processes as [ServerProcess, ServerProcess];
    const instance = (i: number) => (i % 2 === 0 ? a : b);
    const sessions = [await signIn(a.baseUrl, 'dispatcher.xianlin'), await signIn(b.baseUrl, 'dispatcher.xianlin')];
    log('two instances ready');

    // 1. The dispatch race.
    const workers = (await db.query<{ code: string }>(freeWorkers)).map((w) => w.code);
    const random = createRandom(24);
    const caseIds: number[] = [];
    await pool(
      Array.from({ length: workers.length * 2 }, (_, i) => async () => {
        const spot = spots[i % spots.length]!;
        const created = await call(instance(i), 'POST', '/api/incidents', sessions[i % 2]!, {
          category: 'city_management',
          description: '派单竞争基准',
          lon: spot.lon,
          lat: spot.lat,
        });
        if (created.status !== 201) throw new Error(`intake answered ${created.status} ${created.code}`);
        const id = (created.body as { incident: { id: number } }).incident.id;
        const accepted = await call(instance(i + 1), 'POST', `/api/incidents/${id}/events`, sessions[(i + 1) % 2]!, { type: 'accept' });
        if (accepted.status !== 200) throw new Error(`accept answered ${accepted.status} ${accepted.code}`);
        caseIds.push(id);
      }),
      20,
    );
    log(`${workers.length} free workers, ${caseIds.length} accepted cases; ${ATTEMPTS} attempts, ${IN_FLIGHT} in flight`);
    const pairs = Array.from({ length: ATTEMPTS }, () => ({
      id: caseIds[Math.floor(random() * caseIds.length)]!,
      worker: workers[Math.floor(random() * workers.length)]!,
    }));
    const raceStarted = performance.now();
    const latencies: number[] = [];
    const answers = await pool(
      pairs.map((pair, i) => async () => {
        const started = performance.now();
        const answer = await call(instance(i), 'POST', `/api/incidents/${pair.id}/events`, sessions[i % 2]!, {
          type: 'dispatch',
          workerCode: pair.worker,
        }).catch((error: unknown) => ({ status: 0, code: (error as Error).message, body: null }) as Answer);
        latencies.push(performance.now() - started);
        return answer;
      }),
      IN_FLIGHT,
    );
    const raceMs = performance.now() - raceStarted;
    const [counted] = await db.query<{
      workers_booked: number;
      cases_dispatched: number;
      double_booked: number;
      dispatch_steps: number;
      system_dispatches: number;
      offer_timeouts: number;
    }>(bookings, [caseIds]);
    const ok = answers.filter((x) => x.status === 200).length;
    const serverErrors = answers.filter((x) => x.status >= 500 || x.status === 0).length;
    const byAnswer = countBy(answers, (x) => (x.status === 200 ? '200' : `${x.status} ${x.code ?? ''}`.trim()));
    log(`race: ${ok} booked, ${counted!.double_booked} double, ${serverErrors} 5xx in ${(raceMs / 1000).toFixed(1)} s`);

    // The race's bookings are withdrawn (the dispatcher's `return` step), so that the workload finds free responders.
    const dispatched = await db.query<{ id: number }>(dispatchedAmong, [caseIds]);
    await pool(
      dispatched.map(
        ({ id }, i) =>
          () =>
            call(instance(i), 'POST', `/api/incidents/${id}/events`, sessions[i % 2]!, { type: 'return', reason: '基准复位' }),
      ),
      20,
    );

    // 2. The mixed dispatcher workload: one instance, then two.
    const runWorkload = async (servers: ServerProcess[]) => {
      const samples = new Map<string, number[]>();
      const statuses = new Map<string, Map<number, number>>();
      let fiveXx = 0;
      const record = (route: string, ms: number, status: number) => {
        const list = samples.get(route) ?? [];
        list.push(ms);
        samples.set(route, list);
        const s = statuses.get(route) ?? new Map<number, number>();
        s.set(status, (s.get(status) ?? 0) + 1);
        statuses.set(route, s);
        if (status >= 500 || status === 0) fiveXx += 1;
      };
      const heads = await pool(
        Array.from({ length: DISPATCHERS }, (_, d) => () => signIn(servers[d % servers.length]!.baseUrl, 'dispatcher.xianlin')),
        10,
      );
      const deadline = performance.now() + SECONDS * 1000;
      const rnd = createRandom(7);
      const think = () => new Promise((resolve) => setTimeout(resolve, 500 + rnd() * 500));
      const timed = async (route: string, server: ServerProcess, method: string, pathname: string, headers: Headers, body?: unknown) => {
        const started = performance.now();
        const answer = await call(server, method, pathname, headers, body).catch(() => ({ status: 0, body: null }) as Answer);
        record(route, performance.now() - started, answer.status);
        return answer;
      };
      const dispatcher = async (d: number) => {
        const server = servers[d % servers.length]!;
        const headers = heads[d]!;
        await new Promise((resolve) => setTimeout(resolve, rnd() * 1000));
        while (performance.now() < deadline) {
          const spot = spots[Math.floor(rnd() * spots.length)]!;
          const lon = spot.lon + (rnd() - 0.5) * 0.0004;
          const lat = spot.lat + (rnd() - 0.5) * 0.0004;
          const created = await timed('POST /api/incidents', server, 'POST', '/api/incidents', headers, {
            category: 'city_management',
            description: '调度员负载基准',
            lon,
            lat,
          });
          await think();
          if (created.status !== 201) continue;
          const id = (created.body as { incident: { id: number } }).incident.id;
          const recs = await timed('GET /api/incidents/:id/recommendations', server, 'GET', `/api/incidents/${id}/recommendations`, headers);
          await think();
          await timed('POST /api/incidents/:id/events accept', server, 'POST', `/api/incidents/${id}/events`, headers, { type: 'accept' });
          await think();
          const responder = (recs.body as { responders?: { workerCode: string }[] } | null)?.responders?.[0];
          if (responder) {
            const booked = await timed('POST /api/incidents/:id/events dispatch', server, 'POST', `/api/incidents/${id}/events`, headers, {
              type: 'dispatch',
              workerCode: responder.workerCode,
            });
            await think();
            // The dispatcher withdraws the offer again (a lifecycle step too), so that responders stay free for the others.
            if (booked.status === 200) {
              await timed('POST /api/incidents/:id/events return', server, 'POST', `/api/incidents/${id}/events`, headers, {
                type: 'return',
                reason: '基准：撤回派单',
              });
              await think();
            }
          }
          await timed('GET /api/whats-here', server, 'GET', `/api/whats-here?lon=${lon}&lat=${lat}`, headers);
          await think();
          for (const z of [14, 15, 16]) {
            const t = tileContaining(lon + (rnd() - 0.5) * 0.01, lat + (rnd() - 0.5) * 0.01, z);
            await timed('GET /tiles/micro_grids,unit_labels/:z/:x/:y', server, 'GET', `/tiles/micro_grids,unit_labels/${t.z}/${t.x}/${t.y}`, headers);
          }
          await think();
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: DISPATCHERS }, (_, d) => dispatcher(d)));
      const seconds = (performance.now() - started) / 1000;
      return { samples, statuses, fiveXx, seconds, load: loadAverage() };
    };
    log(`workload on one instance: ${DISPATCHERS} dispatchers, ${SECONDS} s`);
    const one = await runWorkload([a]);
    log(`workload on two instances: ${DISPATCHERS} dispatchers, ${SECONDS} s`);
    const two = await runWorkload([a, b]);
    await db.close();

    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    const total = (run: typeof one) => [...run.samples.values()].reduce((n, l) => n + l.length, 0);
    const statusText = (s: Map<number, number> | undefined) =>
      [...(s ?? new Map<number, number>())]
        .sort((x, y) => x[0] - y[0])
        .map(([k, v]) => `${k}×${v}`)
        .join(' ');
    const routes = [...new Set([...one.samples.keys(), ...two.samples.keys()])];
    const lines = [
      '<!-- cluster-load:start -->',
      '## Several instances under a dispatch centre\u2019s load (issue 24)',
      '',
      `Two server processes (PG_POOL_SIZE 10 each) and one throwaway PostgreSQL 15 (fsync and synchronous_commit off) on this ` +
        `machine, the Xianlin subset; measured ${new Date().toISOString()}. Load average (1/5/15 min) at the start ${loadAtStart}, ` +
        `after the race and both workloads ${two.load}: a shared 2-core machine with other helpers\u2019 builds and tests running, ` +
        'and the clients run in the bench process itself on the same cores. Measured by ' +
        `\`npx tsx scripts/bench/measure-cluster-load.ts --attempts ${ATTEMPTS} --in-flight ${IN_FLIGHT} --dispatchers ${DISPATCHERS} --seconds ${SECONDS}\` (a step of \`npm run bench\`).`,
      '',
      '### Dispatch race: concurrent dispatch attempts over both instances',
      '',
      '| figure | value | target |',
      '|---|---|---|',
      `| dispatch attempts (random case × worker, alternately through each instance) / in flight at once | ${ATTEMPTS} / ${IN_FLIGHT} | 10,000 |`,
      `| free on-duty workers of 仙林街道 / accepted cases | ${workers.length} / ${caseIds.length} | — |`,
      `| attempts answered 200 (booked) / dispatchers' dispatch steps in the timeline | ${ok} / ${counted!.dispatch_steps} | equal |`,
      `| meanwhile by the leader's scheduler: offers timed out / cases re-offered to the next responder | ${counted!.offer_timeouts} / ${counted!.system_dispatches} | — |`,
      `| workers booked at the end (counted in the database) | ${counted!.workers_booked} of ${workers.length} | one each |`,
      `| cases dispatched | ${counted!.cases_dispatched} | = bookings |`,
      `| workers with two active cases (double bookings, whole database) | ${counted!.double_booked} | 0 |`,
      `| answers | ${byAnswer.map(([k, v]) => `${k}: ${v}`).join(', ')} | no 5xx |`,
      `| wall time / attempt latency p50 / p95 | ${(raceMs / 1000).toFixed(1)} s / ${f(median(latencies))} / ${f(percentile(latencies, 95))} | — |`,
      '',
      'A booking is one UPDATE under the case\u2019s row lock; two cases racing for one worker meet at the unique partial ' +
        'index incidents_one_active_case_per_worker (migration 0005), whose loser answers 409 worker_already_booked, and a ' +
        'case already dispatched answers 409 transition_refused: the database decides, whichever instance the request came through. ' +
        'The race lasts longer than the one-minute acknowledge limit on this machine, so the leader\u2019s offer time-outs run meanwhile ' +
        '(an unacknowledged offer is timed out and the case offered to the next responder by the system): they go through the ' +
        'same index, and the double-booking count covers them too.',
      '',
      `### Mixed dispatcher workload: ${DISPATCHERS} simulated dispatchers, one instance (baseline) then two`,
      '',
      `Each dispatcher (its own session of dispatcher.xianlin) loops: intake → recommendations → accept → dispatch to the first ` +
        `recommended responder (409 when another dispatcher booked them first) → return (the offer withdrawn, so responders stay free) → what\u2019s here → three tiles (z14–16, micro_grids + unit_labels) ` +
        `around the case, 0.5–1 s think time between steps; ${SECONDS} s per configuration, the same run.`,
      '',
      '| route | one instance: n, p50 / p95 | two instances: n, p50 / p95 | answers (two instances) |',
      '|---|---|---|---|',
      ...routes.map((route) => {
        const x = one.samples.get(route) ?? [];
        const y = two.samples.get(route) ?? [];
        const cell = (l: number[]) => (l.length ? `${l.length}, ${f(median(l))} / ${f(percentile(l, 95))}` : '—');
        return `| ${route} | ${cell(x)} | ${cell(y)} | ${statusText(two.statuses.get(route))} |`;
      }),
      `| **all requests** | ${total(one)} in ${one.seconds.toFixed(0)} s (${(total(one) / one.seconds).toFixed(1)}/s), 5xx: ${one.fiveXx} | ${total(two)} in ${two.seconds.toFixed(0)} s (${(total(two) / two.seconds).toFixed(1)}/s), 5xx: ${two.fiveXx} | target: no 5xx |`,
      '',
      `Load average after the one-instance run ${one.load}, after the two-instance run ${two.load}. On two shared cores ` +
        'a second instance adds no CPU: its gain is a second event loop and pool, not throughput, which needs cores.',
      '<!-- cluster-load:end -->',
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    for (const p of processes) p.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await cluster.stop();
  }
}

main().catch((error) => {
  console.error('cluster load bench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
