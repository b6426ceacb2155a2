/**
 * The reading partitions' maintenance under the scheduler leadership (issue 22 × issue 24): on PostgreSQL with two
 * instances only the leader creates and drops daily partitions; when the leader's connection dies the other instance
 * takes the maintenance over (its clock's days appear, the old ones past its retention go). Each instance here has a
 * clock of its own, months apart, so that the partitions tell which instance made them. Embedded: one process, it
 * leads from the start and maintains them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerLeadership, type SchedulerLeadership } from '../cluster/scheduler-leadership.js';
import { defineSql, type Database } from '../db/database.js';
import { createLogger } from '../logging/logger.js';
import { openSeededTestDatabase, openSharedPostgresCopies, testDatabaseModes } from '../../tests/support/test-database.js';
import { listPartitions } from './iot.sql.js';
import { startPartitionMaintenance, type PartitionPolicy } from './reading-partitions.js';

const logger = createLogger('silent');
const policy: PartitionPolicy = { maxAgeMs: 3_600_000, retentionDays: 30, daysAhead: 1 };
const until = async (condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};
const leaderBackend = defineSql(
  'test.iot_partitions_leader_backend',
  `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
);
const terminate = defineSql('test.iot_partitions_terminate', `SELECT pg_terminate_backend($1::int) AS ok`);
const partitions = async (db: Database) => (await db.query<{ name: string }>(listPartitions)).map((r) => r.name);
/** The five-minute rollups' daily partitions (migration 0053): created and dropped with the readings'. */
const listBinPartitions = defineSql(
  'test.iot_bin_partitions',
  `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'sensor_readings_5min'::regclass ORDER BY c.relname`,
);
const binPartitions = async (db: Database) => (await db.query<{ name: string }>(listBinPartitions)).map((r) => r.name);

/** The maintenance of one instance, started and stopped by its leadership; its passes counted. */
function instance(db: Database, now: string, retryMs: number) {
  const leadership: SchedulerLeadership = startSchedulerLeadership({ db, logger, retryMs });
  const state = { running: 0, passes: 0 };
  leadership.whileLeader('iot-partitions', () => {
    state.running += 1;
    const stop = startPartitionMaintenance({
      db,
      clock: { now: () => new Date(now) },
      logger,
      policy,
      everyMs: 100,
      onPass: () => void (state.passes += 1),
    });
    return () => {
      state.running -= 1;
      stop();
    };
  });
  return { leadership, state };
}

describe.runIf(testDatabaseModes().includes('embedded'))('reading partitions under the leadership on embedded', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openSeededTestDatabase('embedded');
  });
  afterAll(() => db?.close());

  it('leads from the start and maintains the partitions of its days', async () => {
    const a = instance(db, '2031-03-10T12:00:00Z', 100);
    await until(() => a.state.passes > 0);
    expect(await partitions(db)).toEqual(expect.arrayContaining(['sensor_readings_p20310310', 'sensor_readings_p20310311']));
    expect(await binPartitions(db)).toEqual(expect.arrayContaining(['sensor_readings_5min_p20310310', 'sensor_readings_5min_p20310311']));
    await a.leadership.stop();
    expect(a.state.running).toBe(0);
  });
});

describe.runIf(testDatabaseModes().includes('postgres'))('reading partitions under the leadership on postgres', () => {
  let shared: Awaited<ReturnType<typeof openSharedPostgresCopies>>;
  beforeAll(async () => {
    shared = await openSharedPostgresCopies(2);
  });
  afterAll(() => shared?.close());

  it('only the leader creates and drops partitions; the other instance takes over when the leader is gone', async () => {
    const [dbA, dbB] = shared.dbs as [Database, Database];
    const a = instance(dbA, '2031-03-10T12:00:00Z', 150);
    await until(() => a.leadership.isLeader && a.state.passes > 0);
    const b = instance(dbB, '2031-06-10T12:00:00Z', 150);
    await b.leadership.checkNow();
    // Several of A's passes later: B has not led, its days do not exist.
    const passes = a.state.passes;
    await until(() => a.state.passes >= passes + 3);
    expect([a.leadership.isLeader, b.leadership.isLeader]).toEqual([true, false]);
    expect({ a: a.state.running, b: b.state.running, bPasses: b.state.passes }).toEqual({ a: 1, b: 0, bPasses: 0 });
    let names = await partitions(dbB);
    expect(names).toEqual(expect.arrayContaining(['sensor_readings_p20310310', 'sensor_readings_p20310311']));
    expect(names.filter((n) => n >= 'sensor_readings_p20310400')).toEqual([]);

    // A's connection dies: B leads, creates its days and drops A's (past B's 30-day retention); A runs nothing.
    const [{ pid }] = await dbB.query<{ pid: number }>(leaderBackend);
    await dbB.query(terminate, [pid]);
    await until(() => b.leadership.isLeader && !a.leadership.isLeader && b.state.passes > 0, 30_000);
    expect({ a: a.state.running, b: b.state.running }).toEqual({ a: 0, b: 1 });
    // A pass of A's already running when its connection died may still create A's days after B's first pass
    // dropped them (a pass is not fenced, only the next one is not started); B's next passes drop them again.
    await until(async () => (await partitions(dbB)).every((n) => n >= 'sensor_readings_p20310511'), 30_000);
    names = await partitions(dbB);
    expect(names).toEqual(expect.arrayContaining(['sensor_readings_p20310610', 'sensor_readings_p20310611']));
    expect(names.filter((n) => n < 'sensor_readings_p20310511')).toEqual([]);
    const bins = await binPartitions(dbB);
    expect(bins).toEqual(expect.arrayContaining(['sensor_readings_5min_p20310610', 'sensor_readings_5min_p20310611']));
    expect(bins.filter((n) => n < 'sensor_readings_5min_p20310511')).toEqual([]);
    await b.leadership.stop();
    await a.leadership.stop();
  });
});
