/**
 * What one batch of readings costs the database as the day's partition grows (issue 22: the ingest held 22,054/s on
 * a fresh day's partition and 15,363/s on one holding 2.2 million readings). The statement is the ingest's own
 * (server/iot/iot.sql.ts insertReadingBatch: the readings with ON CONFLICT DO NOTHING, the sensors only seen), run
 * in a scratch schema holding the tables it writes, laid out one way per --layouts entry:
 *
 *   sensor-first  PRIMARY KEY (sensor_code, observed_at) + BRIN (received_at) — migrations 0018 and 0047
 *   time-first    PRIMARY KEY (observed_at, sensor_code) + BRIN (received_at) — migration 0053
 *   heap-only     no unique index (no dedup at all), BRIN (received_at) — the floor: heap and WAL alone
 *
 * For each layout the day's partition is filled to each --sizes entry (INSERT … SELECT generate_series: 20,000
 * sensors, one round of all of them per second of observed time, as the bench's load generator publishes), a
 * CHECKPOINT writes the fill out, then --batches batches of --batch-rows readings of the next rounds are timed (each
 * its own transaction, as the ingest) — wall-clock and the database's CPU (PGlite's worker thread or the PostgreSQL
 * backend, from /proc: less sensitive to a shared machine than wall-clock) — then as many batches re-delivered (readings of a round already stored, every
 * row skipped by the unique key). Medians and the 90th percentile per size; the ratio to the empty partition.
 *
 *   npx tsx scripts/bench/measure-reading-insert.ts [--mode embedded|postgres] [--sizes 0,1000000,3000000,5000000]
 *                                                   [--layouts sensor-first,time-first] [--batches 20] [--batch-rows 5000] [--explain]
 *
 * --explain: after the timed batches of each size, one more under EXPLAIN (ANALYZE, BUFFERS, WAL): buffers hit, read
 * (from the file system), dirtied and written, and the WAL it wrote (full-page images included).
 *
 * embedded: a fresh PGlite in a temporary directory through the server's driver (its worker thread), PGlite's own
 * settings. postgres: a throwaway PostgreSQL 15 cluster (tests/support/postgres-cluster.ts) with PostgreSQL's default
 * durability (fsync, full_page_writes, synchronous_commit on; shared_buffers 128 MB), stopped and removed at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineSql, type Database } from '../../server/db/database.js';
import { openPostgresDatabase } from '../../server/db/pg-driver.js';
import { openEmbeddedDatabase } from '../../server/db/pglite-driver.js';
import { insertReadingBatch } from '../../server/iot/iot.sql.js';
import { probePostgresInstallation, startThrowawayCluster } from '../../tests/support/postgres-cluster.js';
import { loadAverage } from './machine-info.js';
import { cpuBetween, readThreadCpu } from './thread-cpu.js';
import { median, percentile } from './statistics.js';

const SENSORS = 20_000;
const SCHEMA = 'bench_reading_insert';
const DAY = '2031-03-10';

const LAYOUTS: Record<string, string> = {
  'sensor-first': 'PRIMARY KEY (sensor_code, observed_at)',
  'time-first': 'PRIMARY KEY (observed_at, sensor_code)',
  'heap-only': '',
};

function parse(argv: string[]) {
  const o = {
    mode: 'embedded' as 'embedded' | 'postgres',
    sizes: [0, 1_000_000, 3_000_000, 5_000_000],
    layouts: ['sensor-first', 'time-first'],
    batches: 20,
    batchRows: 5000,
    explain: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = () => argv[++i] ?? '';
    if (flag === '--mode') o.mode = value() === 'postgres' ? 'postgres' : 'embedded';
    else if (flag === '--sizes') o.sizes = value().split(',').map(Number);
    else if (flag === '--layouts') o.layouts = value().split(',');
    else if (flag === '--batches') o.batches = Number(value());
    else if (flag === '--batch-rows') o.batchRows = Number(value());
    else if (flag === '--explain') o.explain = true;
    else throw new Error(`unknown option ${flag}`);
  }
  for (const layout of o.layouts) if (!(layout in LAYOUTS)) throw new Error(`unknown layout ${layout} (${Object.keys(LAYOUTS).join(', ')})`);
  if (o.sizes.some((s) => !Number.isInteger(s) || s < 0) || [...o.sizes].sort((a, b) => a - b).join() !== o.sizes.join()) {
    throw new Error('--sizes: non-negative integers, ascending');
  }
  return o;
}

const log = (line: string) => console.log(`[bench reading-insert ${new Date().toISOString().slice(11, 19)}] ${line}`);

const code = (n: number) => `NJ-SENSOR-${String(n).padStart(6, '0')}`;
const dayStart = Date.parse(`${DAY}T00:00:00Z`);
/** Reading i of the day: sensor i mod 20,000, observed at round ⌊i / 20,000⌋ seconds into the day. */
const observedOf = (i: number) => new Date(dayStart + Math.floor(i / SENSORS) * 1000);

/** The tables insertReadingBatch writes, in the scratch schema, with one day's partition. */
function schemaScript(layout: string): string {
  const key = LAYOUTS[layout];
  return `DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE;
CREATE SCHEMA ${SCHEMA};
CREATE TABLE ${SCHEMA}.sensor_readings (
  sensor_code text NOT NULL, observed_at timestamptz NOT NULL, value double precision NOT NULL,
  battery real, signal real, received_at timestamptz NOT NULL${key ? `, ${key}` : ''}
) PARTITION BY RANGE (observed_at);
CREATE INDEX ON ${SCHEMA}.sensor_readings USING brin (received_at);
CREATE TABLE ${SCHEMA}.sensor_readings_p20310310 PARTITION OF ${SCHEMA}.sensor_readings
  FOR VALUES FROM ('${DAY} 00:00:00+00') TO ('2031-03-11 00:00:00+00');
CREATE TABLE ${SCHEMA}.sensor_latest (
  sensor_code text PRIMARY KEY, observed_at timestamptz, value double precision, battery real, signal real,
  last_seen_at timestamptz NOT NULL, state text NOT NULL DEFAULT 'normal', state_since timestamptz NOT NULL,
  alarm_rule text, incident_id bigint
);`;
}

/** $1 first reading index, $2 last (exclusive): the day's readings i in [$1, $2) as observedOf and code say. */
const fill = defineSql(
  'bench.reading_insert_fill',
  `INSERT INTO ${SCHEMA}.sensor_readings (sensor_code, observed_at, value, battery, signal, received_at)
   SELECT 'NJ-SENSOR-' || lpad((i % ${SENSORS})::text, 6, '0'),
          TIMESTAMPTZ '${DAY} 00:00:00+00' + (i / ${SENSORS}) * interval '1 second',
          (i % 997) / 10.0, 90, -60,
          TIMESTAMPTZ '${DAY} 00:00:00+00' + (i / ${SENSORS}) * interval '1 second'
     FROM generate_series($1::bigint, $2::bigint - 1) AS i`,
);
const checkpoint = defineSql('bench.reading_insert_checkpoint', 'CHECKPOINT');
const sizes = defineSql(
  'bench.reading_insert_sizes',
  `SELECT coalesce(sum(pg_relation_size(c.oid)) FILTER (WHERE c.relkind = 'r'), 0)::bigint AS heap,
          coalesce(sum(pg_relation_size(c.oid)) FILTER (WHERE c.relkind = 'i' AND c.relname LIKE '%pkey'), 0)::bigint AS key
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = '${SCHEMA}' AND c.relname LIKE 'sensor_readings_p%'`,
);
/** The same batch statement under EXPLAIN: where a batch's time goes (buffers read, written, WAL). */
const explainBatch = defineSql('bench.reading_insert_explain', `EXPLAIN (ANALYZE, BUFFERS, WAL, FORMAT JSON) ${insertReadingBatch.text}`);
const backendPid = defineSql('bench.reading_insert_backend', 'SELECT pg_backend_pid() AS pid');
const searchPath = defineSql('bench.reading_insert_path', `SELECT set_config('search_path', '${SCHEMA}, public', false)`);

/** The batch of readings [first, first + rows): as the ingest sends it. */
function batchParams(first: number, rows: number) {
  const codes: string[] = [];
  const times: Date[] = [];
  const values: number[] = [];
  const battery: (number | null)[] = [];
  const signal: (number | null)[] = [];
  for (let i = first; i < first + rows; i += 1) {
    codes.push(code(i % SENSORS));
    times.push(observedOf(i));
    values.push((i % 997) / 10);
    battery.push(90);
    signal.push(-60);
  }
  return [codes, times, values, battery, signal, new Date(), [], []];
}

interface Step {
  layout: string;
  rows: number;
  fillSeconds: number;
  heapMb: number;
  keyMb: number;
  insertMs: number[];
  redeliveredMs: number[];
  /** CPU of the database (PGlite's worker thread, or the PostgreSQL backend) per timed batch, mean; null without /proc. */
  cpuMs: number | null;
}

/** The CPU the database has used so far: the PostgreSQL backend's, or the busiest thread of this process but the main one (PGlite's worker). */
function databaseCpu(backend: number | null): Map<number, number> {
  return backend === null ? readThreadCpu() : readThreadCpu(backend);
}

function databaseCpuBetween(before: Map<number, number>, after: Map<number, number>, backend: number | null): number | null {
  if (after.size === 0) return null;
  let most = 0;
  for (const [tid, ms] of cpuBetween(before, after)) if ((backend !== null || tid !== process.pid) && ms > most) most = ms;
  return most;
}

async function measureLayout(db: Database, layout: string, options: ReturnType<typeof parse>, backend: number | null): Promise<Step[]> {
  await db.execScript('bench.reading_insert_schema', schemaScript(layout));
  const steps: Step[] = [];
  let count = 0;
  for (const target of options.sizes) {
    const t0 = performance.now();
    // In chunks of a million: one statement's memory stays small in PGlite.
    while (count < target) {
      const to = Math.min(target, count + 1_000_000);
      await db.query(fill, [count, to]);
      count = to;
    }
    await db.query(checkpoint);
    const fillSeconds = (performance.now() - t0) / 1000;
    const insertMs: number[] = [];
    const batches = Array.from({ length: options.batches }, (_, b) => batchParams(count + b * options.batchRows, options.batchRows));
    const cpuBefore = databaseCpu(backend);
    for (const params of batches) {
      const started = performance.now();
      const rows = await db.query(insertReadingBatch, params);
      insertMs.push(performance.now() - started);
      if (rows.length !== options.batchRows && layout !== 'heap-only') throw new Error(`batch stored ${rows.length} of ${options.batchRows}`);
      count += options.batchRows;
    }
    const cpu = databaseCpuBetween(cpuBefore, databaseCpu(backend), backend);
    const cpuMs = cpu === null ? null : cpu / options.batches;
    if (options.explain) {
      const [row] = await db.query<{ 'QUERY PLAN': unknown }>(explainBatch, batchParams(count, options.batchRows));
      count += options.batchRows;
      const plan = (Array.isArray(row['QUERY PLAN']) ? row['QUERY PLAN'] : JSON.parse(String(row['QUERY PLAN'])))[0] as Record<string, unknown>;
      const top = plan.Plan as Record<string, unknown>;
      const pick = (k: string) => top[k] ?? 0;
      log(
        `${layout} at ${target.toLocaleString('en')} rows, one more batch explained: planning ${Number(plan['Planning Time']).toFixed(1)} ms, execution ${Number(plan['Execution Time']).toFixed(1)} ms; shared buffers hit ${pick('Shared Hit Blocks')}, read ${pick('Shared Read Blocks')}, dirtied ${pick('Shared Dirtied Blocks')}, written ${pick('Shared Written Blocks')}; WAL ${pick('WAL Records')} records, ${pick('WAL FPI')} full pages, ${(Number(pick('WAL Bytes')) / 2 ** 20).toFixed(1)} MB`,
      );
    }
    const redeliveredMs: number[] = [];
    if (layout !== 'heap-only' && target > 0) {
      // Re-deliveries of readings stored earlier in the day (the middle of the partition): every row skipped.
      for (let b = 0; b < options.batches; b += 1) {
        const first = Math.floor(((b + 1) / (options.batches + 1)) * (target - options.batchRows));
        const params = batchParams(first, options.batchRows);
        const started = performance.now();
        const rows = await db.query(insertReadingBatch, params);
        redeliveredMs.push(performance.now() - started);
        if (rows.length !== 0) throw new Error(`a re-delivered batch stored ${rows.length} rows`);
      }
    }
    const [size] = await db.query<{ heap: number; key: number }>(sizes);
    const step = { layout, rows: target, fillSeconds, heapMb: size.heap / 2 ** 20, keyMb: size.key / 2 ** 20, insertMs, redeliveredMs, cpuMs };
    steps.push(step);
    log(
      `${layout} at ${target.toLocaleString('en')} rows: batch p50 ${median(insertMs).toFixed(1)} ms, p90 ${percentile(insertMs, 90).toFixed(1)} ms, database CPU ${cpuMs === null ? '—' : cpuMs.toFixed(0)} ms a batch` +
        (redeliveredMs.length ? `; re-delivered p50 ${median(redeliveredMs).toFixed(1)} ms` : '') +
        ` (key ${step.keyMb.toFixed(0)} MB, heap ${step.heapMb.toFixed(0)} MB; filled in ${fillSeconds.toFixed(1)} s; load ${loadAverage()})`,
    );
  }
  await db.execScript('bench.reading_insert_drop', `DROP SCHEMA ${SCHEMA} CASCADE`);
  return steps;
}

async function main() {
  const options = parse(process.argv.slice(2));
  const loadAtStart = loadAverage();
  let db: Database;
  let cleanup: () => Promise<void>;
  let description: string;
  if (options.mode === 'embedded') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-reading-insert-'));
    db = await openEmbeddedDatabase({ dataDir: dir });
    description = 'embedded PGlite (fresh data directory, its own settings)';
    cleanup = async () => {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const probe = probePostgresInstallation();
    if (!probe.found) throw new Error(probe.reason);
    const cluster = await startThrowawayCluster({
      installation: probe.installation,
      label: 'bench-reading-insert',
      settings: { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on', shared_buffers: "'128MB'", jit: 'off', log_min_messages: 'warning' },
    });
    await cluster.createDatabase('bench');
    db = await openPostgresDatabase({ url: cluster.url('bench'), poolSize: 1, statementTimeoutMs: 0 });
    description = `${cluster.version} (throwaway cluster, default durability, shared_buffers 128 MB)`;
    cleanup = async () => {
      await db.close();
      await cluster.stop();
    };
  }
  try {
    await db.query(searchPath);
    const backend = options.mode === 'postgres' ? Number((await db.query<{ pid: number }>(backendPid))[0].pid) : null;
    const all: Step[] = [];
    for (const layout of options.layouts) all.push(...(await measureLayout(db, layout, options, backend)));
    const lines = [
      `Per-batch insert cost against the day's partition size — ${description}; ${options.batchRows.toLocaleString('en')}-reading batches, ${options.batches} per size; load average at the start ${loadAtStart}, at the end ${loadAverage()}.`,
      '',
      '| layout | readings in the partition | batch p50 | batch p90 | p50 / p50 at 0 | database CPU a batch (mean) | CPU / CPU at 0 | readings/s of one batch stream (p50) | re-delivered batch p50 | key index / heap |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...all.map((s) => {
        const base = all.find((b) => b.layout === s.layout && b.rows === options.sizes[0])!;
        const p50 = median(s.insertMs);
        const cpu = s.cpuMs === null ? '—' : `${s.cpuMs.toFixed(0)} ms`;
        const cpuRatio = s.cpuMs === null || !base.cpuMs ? '—' : (s.cpuMs / base.cpuMs).toFixed(2);
        return `| ${s.layout} | ${s.rows.toLocaleString('en')} | ${p50.toFixed(1)} ms | ${percentile(s.insertMs, 90).toFixed(1)} ms | ${(p50 / median(base.insertMs)).toFixed(2)} | ${cpu} | ${cpuRatio} | ${Math.round((options.batchRows / p50) * 1000).toLocaleString('en')} | ${s.redeliveredMs.length ? `${median(s.redeliveredMs).toFixed(1)} ms` : '—'} | ${s.keyMb.toFixed(0)} / ${s.heapMb.toFixed(0)} MB |`;
      }),
    ];
    console.log(lines.join('\n'));
  } finally {
    await cleanup();
  }
  process.exit(0);
}

main().catch((error) => {
  console.error('reading-insert bench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
