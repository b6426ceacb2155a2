/**
 * Several instances on one PostgreSQL (issue 24), measured with real processes: `tsx scripts/bench/measure-cluster.ts
 * [--clients N] [--incidents K]` (npm run bench runs it as a section; --data-dir is accepted and ignored).
 *
 * A throwaway PostgreSQL cluster with the Xianlin subset seeded; two server processes (server/main.ts,
 * LIVE_FANOUT=database) on it. N live clients (screen tokens of mixed jurisdictions: the city, the district, the
 * street, each of its communities, and a district elsewhere that must receive nothing) are spread over both
 * instances; K incidents are posted through either instance in turn. For every delivery an entitled client should
 * get: the time from the POST's acknowledgement (201 received: committed) to the client receiving the delta; misses,
 * duplicates and deliveries outside the client's jurisdiction are counted. Then the scheduler leader is killed (-9)
 * and the time until the survivor reports leadership on its /metrics is measured (LEADER_RETRY_MS at its default).
 * Prints Markdown from `<!-- cluster:start -->`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { defineSql } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { openPostgresDatabase } from '../../server/db/pg-driver.js';
import type { LiveIncident, ServerMessage } from '../../server/live/live-protocol.js';
import { seedDatabase } from '../../server/seed/seed-database.js';
import { probePostgresInstallation, startThrowawayCluster } from '../../tests/support/postgres-cluster.js';
import { startServerProcess, type ServerProcess } from '../../tests/support/server-process.js';
import { screenTokenHeaders, signIn } from '../../tests/support/test-auth.js';
import { loadAverage } from './machine-info.js';
import { median, percentile } from './statistics.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CLIENTS = arg('clients', 1000);
const INCIDENTS = arg('incidents', 40);
const log = (message: string) => process.stderr.write(`[cluster] ${message}\n`);

const places = defineSql(
  'bench.cluster_places',
  `SELECT DISTINCT ON (m.community_code) m.code, m.community_code, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat
     FROM units m WHERE m.level = 'micro_grid' AND m.street_code = '320113007' ORDER BY m.community_code, m.code`,
);

interface Client {
  ws: WebSocket;
  jurisdiction: string;
  received: Map<number, number[]>;
  outside: number;
}

const within = (jurisdiction: string, code: string) => jurisdiction === 'city' || code.startsWith(jurisdiction);

async function main() {
  const probe = probePostgresInstallation();
  if (!probe.found) throw new Error(probe.reason);
  const cluster = await startThrowawayCluster({ installation: probe.installation, label: 'bench-cluster', settings: { max_connections: '300' } });
  const processes: ServerProcess[] = [];
  try {
    await cluster.createDatabase('gridops_cluster');
    const url = cluster.url('gridops_cluster');
    const db = await openPostgresDatabase({ url, poolSize: 4, statementTimeoutMs: 0 });
    const seedStarted = performance.now();
    await migrate(db);
    await seedDatabase(db, { area: 'xianlin', rootDir: ROOT });
    log(`seeded Xianlin in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);
    const spots = await db.query<{ code: string; community_code: string; lon: number; lat: number }>(places);
    const jurisdictions = ['city', '320113', '320113007', ...spots.map((s) => s.community_code), '320102'];
    const tokens = new Map<string, string>();
    for (const j of jurisdictions) tokens.set(j, (await screenTokenHeaders(db, j === 'city' ? null : j)).authorization.slice(7));

    const env = { DATABASE_URL: url, PG_POOL_SIZE: '10', LOG_LEVEL: 'warn' };
    processes.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
    const [a, b] = processes as [ServerProcess, ServerProcess];
    log('two instances ready');

    // N clients, round robin over instances and jurisdictions.
    const clients: Client[] = [];
    const connectStarted = performance.now();
    for (let i = 0; i < CLIENTS; i += 1) {
      const server = i % 2 === 0 ? a : b;
      const jurisdiction = jurisdictions[i % jurisdictions.length]!;
      const ws = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/live`, ['gridops.live', `bearer.${tokens.get(jurisdiction)}`]);
      const client: Client = { ws, jurisdiction, received: new Map(), outside: 0 };
      const subscribed = new Promise<void>((resolve, reject) => {
        ws.on('error', reject);
        ws.on('message', (data) => {
          const message = JSON.parse(data.toString()) as ServerMessage;
          if (message.type === 'hello') ws.send(JSON.stringify({ op: 'subscribe', topic: 'incidents', since: null }));
          else if (message.type === 'snapshot') resolve();
          else if (message.type === 'delta' && message.topic === 'incidents') {
            const at = performance.now();
            for (const item of message.items as LiveIncident[]) {
              if (!within(jurisdiction, item.microGridCode)) client.outside += 1;
              const times = client.received.get(item.id) ?? [];
              times.push(at);
              client.received.set(item.id, times);
            }
          }
        });
      });
      clients.push(client);
      await subscribed;
    }
    const connectMs = performance.now() - connectStarted;
    log(`${CLIENTS} clients subscribed in ${(connectMs / 1000).toFixed(1)} s`);

    // K incidents, alternately through A and B, each in one of the street's communities.
    const headers = [await signIn(a.baseUrl, 'dispatcher.xianlin'), await signIn(b.baseUrl, 'dispatcher.xianlin')];
    const acked = new Map<number, { at: number; code: string; via: string }>();
    for (let k = 0; k < INCIDENTS; k += 1) {
      const spot = spots[k % spots.length]!;
      const via = k % 2 === 0 ? a : b;
      const res = await fetch(`${via.baseUrl}/api/incidents`, {
        method: 'POST',
        headers: { ...headers[k % 2]!, 'content-type': 'application/json' },
        body: JSON.stringify({ category: 'city_management', description: '基准测试', lon: spot.lon, lat: spot.lat }),
      });
      const at = performance.now();
      if (res.status !== 201) throw new Error(`intake answered ${res.status}`);
      const body = (await res.json()) as { incident: { id: number; microGridCode?: string } };
      acked.set(body.incident.id, { at, code: spot.code, via: k % 2 === 0 ? 'A' : 'B' });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const latencies: number[] = [];
    let expected = 0;
    let missed = 0;
    let duplicates = 0;
    let outside = 0;
    for (const client of clients) {
      outside += client.outside;
      for (const [id, { at, code }] of acked) {
        const times = client.received.get(id);
        if (!within(client.jurisdiction, code)) continue;
        expected += 1;
        if (!times) {
          missed += 1;
          continue;
        }
        if (times.length > 1) duplicates += times.length - 1;
        latencies.push(times[0]! - at);
      }
    }
    for (const client of clients) client.ws.terminate();

    // Failover: kill the leader, time the survivor's leadership.
    const flags = await Promise.all([a.metric('gridops_scheduler_leader'), b.metric('gridops_scheduler_leader')]);
    const leader = flags[0] === 1 ? a : b;
    const survivor = leader === a ? b : a;
    const killed = performance.now();
    leader.kill('SIGKILL');
    let failoverMs = Number.NaN;
    while (performance.now() - killed < 60_000) {
      if ((await survivor.metric('gridops_scheduler_leader')) === 1) {
        failoverMs = performance.now() - killed;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await db.close();

    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    const lines = [
      '<!-- cluster:start -->',
      '## Several instances on one PostgreSQL (issue 24)',
      '',
      `Two server processes (LIVE_FANOUT=database) and one throwaway PostgreSQL 15 on this machine, the Xianlin subset; ` +
        `measured ${new Date().toISOString()}, load average at the end ${loadAverage()} (shared 2-core machine, other work running). ` +
        'The cluster is the tests\u2019 throwaway one (fsync and synchronous_commit off): commits cost less than on a durable ' +
        'server. The clients run in the bench process itself, so their receive times include its own event loop.',
      '',
      '| figure | value | target |',
      '|---|---|---|',
      `| live clients (screen tokens, ${jurisdictions.length} jurisdictions, half on each instance) | ${CLIENTS} | 1,000 |`,
      `| incidents posted (alternately through each instance) | ${acked.size} | — |`,
      `| deliveries owed to entitled clients | ${expected} | — |`,
      `| delivery latency from the 201 to the client, p50 / p95 / max | ${f(median(latencies))} / ${f(percentile(latencies, 95))} / ${f(Math.max(...latencies))} | p95 ≤ 250 ms |`,
      `| missed / duplicated deliveries | ${missed} / ${duplicates} | 0 / 0 |`,
      `| deliveries outside the client's jurisdiction | ${outside} | 0 |`,
      `| connecting and subscribing all clients | ${(connectMs / 1000).toFixed(1)} s | — |`,
      `| failover: leader killed (-9) → survivor leads (LEADER_RETRY_MS 5000) | ${Number.isNaN(failoverMs) ? 'not within 60 s' : f(failoverMs)} | ≤ 30 s |`,
      '',
      'The latency runs from the moment the posting dispatcher has its 201 (the change is committed) to the delta ' +
        'arriving at each entitled client, through the live event log (commit → NOTIFY → each instance reads the log ' +
        'and fans out). A takeover happens at a follower\u2019s next attempt, so it is bounded by LEADER_RETRY_MS plus ' +
        'one lock round trip once PostgreSQL has seen the killed process\u2019s connection close.',
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
  console.error('cluster bench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
