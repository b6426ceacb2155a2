/**
 * Scheduler leadership (issue 24): one leader per database through a session-level advisory lock; a lost connection
 * (the leader's backend terminated, as when its process is killed) moves it to the other instance on its next attempt;
 * stop() releases it at once. And the schedulers' passes, run by two instances at the same moment, handle every
 * deadline once. Embedded: one process, it leads from the start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { defineSql, type Database } from '../db/database.js';
import { escalateOverdueIncidents } from '../incidents/escalation-scheduler.js';
import { reofferUnansweredOffers } from '../incidents/offer-timeouts.js';
import { createLogger } from '../logging/logger.js';
import { createRoadGraphStore } from '../routing/road-graph-store.js';
import { openSeededTestDatabase, openSharedPostgresCopies, testDatabaseModes } from '../../tests/support/test-database.js';
import { startSchedulerLeadership, type SchedulerLeadership } from './scheduler-leadership.js';

const logger = createLogger('silent');
const until = async (condition: () => boolean, timeoutMs = 5000) => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const leaderBackend = defineSql(
  'test.cluster_leader_backend',
  `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
);
const terminate = defineSql('test.cluster_terminate', `SELECT pg_terminate_backend($1::int) AS ok`);
const makeOverdue = defineSql(
  'test.cluster_make_overdue',
  `UPDATE incidents SET state = 'accepted', deadline_stage = 'dispatch', deadline_at = now() - interval '2 minutes', escalation_level = 0, overdue = false
    WHERE id IN (SELECT id FROM incidents WHERE street_code = '320113007' ORDER BY id LIMIT $1)
    RETURNING id`,
);
const makeUnanswered = defineSql(
  'test.cluster_make_unanswered',
  `WITH picked AS (SELECT id, row_number() OVER (ORDER BY id DESC) AS n FROM incidents
                    WHERE street_code = '320113007' AND state NOT IN ('dispatched', 'on_scene') ORDER BY id DESC LIMIT $1),
        free AS (SELECT w.code, row_number() OVER (ORDER BY w.code) AS n FROM workers w
                  WHERE w.home_unit_code LIKE '320113007%'
                    AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.assigned_worker_code = w.code AND i.state IN ('dispatched', 'on_scene')))
   UPDATE incidents i SET state = 'dispatched', deadline_stage = 'acknowledge', deadline_at = now() - interval '2 minutes',
          offer_acknowledged = false, assigned_worker_code = f.code
     FROM picked p JOIN free f ON f.n = p.n
    WHERE i.id = p.id
   RETURNING i.id`,
);
const onDuty = defineSql('test.cluster_on_duty', `UPDATE workers SET duty_status = 'on_duty' WHERE home_unit_code LIKE '320113007%'`);
const countEvents = defineSql(
  'test.cluster_count_events',
  `SELECT i.id AS incident_id, (SELECT count(*)::int FROM incident_timeline t WHERE t.incident_id = i.id AND t.event = $1 AND t.at >= $3) AS n
     FROM unnest($2::bigint[]) AS i(id) ORDER BY i.id`,
);

describe.runIf(testDatabaseModes().includes('embedded'))('scheduler leadership on embedded', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openSeededTestDatabase('embedded');
  });
  afterAll(() => db?.close());

  it('leads from the start (one process) and stops its schedulers on stop()', async () => {
    const leadership = startSchedulerLeadership({ db, logger, retryMs: 100 });
    let running = 0;
    leadership.whileLeader('test', () => {
      running += 1;
      return () => {
        running -= 1;
      };
    });
    await until(() => leadership.isLeader);
    expect(running).toBe(1);
    await leadership.stop();
    expect(running).toBe(0);
  });
});

describe.runIf(testDatabaseModes().includes('postgres'))('scheduler leadership on postgres', () => {
  let shared: Awaited<ReturnType<typeof openSharedPostgresCopies>>;
  beforeAll(async () => {
    shared = await openSharedPostgresCopies(2);
  });
  afterAll(() => shared?.close());

  it('elects one leader; a lost leader connection moves it to the other instance; stop() hands it over', async () => {
    const [dbA, dbB] = shared.dbs as [Database, Database];
    const running = { a: 0, b: 0 };
    const elect = (db: Database, key: 'a' | 'b'): SchedulerLeadership => {
      const leadership = startSchedulerLeadership({ db, logger, retryMs: 150 });
      leadership.whileLeader('test', () => {
        running[key] += 1;
        return () => {
          running[key] -= 1;
        };
      });
      return leadership;
    };
    const a = elect(dbA, 'a');
    await until(() => a.isLeader);
    const b = elect(dbB, 'b');
    await b.checkNow();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    expect(running).toEqual({ a: 1, b: 0 });

    // A's connection dies (its process was killed, or the network cut it): B takes over, A steps down.
    const [{ pid }] = await dbB.query<{ pid: number }>(leaderBackend);
    const killedAt = performance.now();
    await dbB.query(terminate, [pid]);
    await until(() => b.isLeader && !a.isLeader);
    const takeoverMs = performance.now() - killedAt;
    expect(takeoverMs).toBeLessThan(30_000);
    expect(running).toEqual({ a: 0, b: 1 });

    // A graceful stop releases at once: A leads again on its next attempt.
    await b.stop();
    expect(running.b).toBe(0);
    await until(() => a.isLeader);
    expect(running.a).toBe(1);
    await a.stop();
  });

  it('two instances running the escalation and offer passes at the same moment handle each deadline once', async () => {
    const [dbA, dbB] = shared.dbs as [Database, Database];
    const overdue = (await dbA.query<{ id: number }>(makeOverdue, [8])).map((r) => Number(r.id));
    await dbA.query(onDuty);
    const unanswered = (await dbA.query<{ id: number }>(makeUnanswered, [4])).map((r) => Number(r.id));
    expect(overdue.length).toBe(8);
    expect(unanswered.length).toBe(4);

    const roadsA = createRoadGraphStore(dbA);
    const roadsB = createRoadGraphStore(dbB);
    await Promise.all([roadsA.graph(), roadsB.graph()]);
    // Only this test's passes: the seeded history has escalations and time-outs of its own.
    const since = new Date(Date.now() - 1_000);
    for (let round = 0; round < 3; round += 1) {
      await Promise.all([
        escalateOverdueIncidents(dbA, systemClock),
        escalateOverdueIncidents(dbB, systemClock),
        reofferUnansweredOffers(dbA, roadsA, systemClock),
        reofferUnansweredOffers(dbB, roadsB, systemClock),
      ]);
    }
    const escalations = await dbA.query<{ incident_id: number; n: number }>(countEvents, ['escalate', overdue, since]);
    expect(escalations.map((r) => r.n)).toEqual(overdue.map(() => 1));
    const timeouts = await dbA.query<{ incident_id: number; n: number }>(countEvents, ['offer_timeout', unanswered, since]);
    expect(timeouts.map((r) => r.n)).toEqual(unanswered.map(() => 1));
  });
});
