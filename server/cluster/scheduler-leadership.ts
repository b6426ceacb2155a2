/**
 * One scheduler leader per deployment (issue 24). The schedulers (escalation, offer time-outs and summons deadlines,
 * scheduled plan publication, the simulator, live-log pruning) run only on the instance that holds a session-level
 * PostgreSQL advisory lock on a dedicated connection (Database.dedicatedSession): the lock lives exactly as long as
 * that connection, so a killed instance loses it the moment PostgreSQL sees the socket close, and another instance's
 * next attempt (every `retryMs`, 5 s by default: LEADER_RETRY_MS) takes over, well within 30 s.
 *
 * The leader checks its lock every `retryMs` (a query with a time limit); a lost connection or a failed check means
 * lost leadership: the schedulers are stopped at once. Their passes are idempotent under overlap anyway (rows locked
 * with SKIP LOCKED and their deadline moved in the same transaction; an offer re-checked under its row lock), so the
 * moment where an old leader finishes a pass while a new one starts handles no deadline twice.
 *
 * The embedded database is one process by definition: its instance leads from the start.
 *
 *   const leadership = startSchedulerLeadership({ db, logger });
 *   leadership.whileLeader('escalation', () => startEscalationScheduler(…));   // start on gaining, stop on losing
 *   await leadership.stop();                                                    // releases the lock
 */
import type { Logger } from 'pino';
import type { Database, DedicatedSession } from '../db/database.js';
import { checkLeadership, releaseLeadership, SCHEDULER_LOCK_KEY, tryLeadership } from './leader.sql.js';

export interface SchedulerLeadership {
  readonly isLeader: boolean;
  /** Times this instance gained leadership (metrics, tests). */
  readonly gained: number;
  /** Run `start` while this instance leads: called on gaining leadership, its result (a stop function) on losing it. */
  whileLeader(name: string, start: () => (() => void) | (() => Promise<void>)): void;
  /** Check now instead of waiting for the timer (tests). */
  checkNow(): Promise<void>;
  /** Stop the schedulers, release the lock and close the dedicated connection. */
  stop(): Promise<void>;
}

export interface LeadershipOptions {
  db: Database;
  logger: Logger;
  retryMs?: number;
  /** Time limit of one lock check (a hung connection counts as lost). */
  checkTimeoutMs?: number;
  onChange?: (leader: boolean) => void;
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('leadership check timed out')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

export function startSchedulerLeadership(options: LeadershipOptions): SchedulerLeadership {
  const { db, logger } = options;
  const retryMs = options.retryMs ?? 5000;
  const checkTimeoutMs = options.checkTimeoutMs ?? Math.max(1000, Math.min(retryMs, 3000));
  const tasks = new Map<string, { start: () => (() => void) | (() => Promise<void>); stop: (() => void) | (() => Promise<void>) | null }>();
  let leader = false;
  let gained = 0;
  let session: DedicatedSession | null = null;
  let stopped = false;
  let checking: Promise<void> | null = null;

  const startTasks = () => {
    for (const [name, task] of tasks) {
      if (task.stop) continue;
      try {
        task.stop = task.start();
      } catch (error) {
        logger.error({ task: name, error: (error as Error)?.name }, 'scheduler failed to start');
      }
    }
  };
  const stopTasks = async () => {
    const running = [...tasks.values()].filter((t) => t.stop);
    await Promise.all(
      running.map(async (task) => {
        const stop = task.stop!;
        task.stop = null;
        await stop();
      }),
    );
  };
  const become = async (now: boolean) => {
    if (now === leader) return;
    leader = now;
    if (now) {
      gained += 1;
      logger.info('scheduler leadership gained: schedulers start here');
      startTasks();
    } else {
      logger.warn('scheduler leadership lost: schedulers stopped here');
      await stopTasks();
    }
    options.onChange?.(now);
  };
  const dropSession = async () => {
    const old = session;
    session = null;
    await old?.close().catch(() => undefined);
  };

  const check = async () => {
    if (stopped) return;
    if (!db.dedicatedSession) return become(true);
    try {
      if (leader) {
        const [row] = await withTimeout(session!.query<{ ok: boolean }>(checkLeadership, [SCHEDULER_LOCK_KEY]), checkTimeoutMs);
        if (!row?.ok) throw new Error('advisory lock no longer held');
        return;
      }
      if (!session || session.lost) {
        await dropSession();
        session = await withTimeout(db.dedicatedSession('leader'), checkTimeoutMs * 2);
      }
      const [row] = await withTimeout(session.query<{ ok: boolean }>(tryLeadership, [SCHEDULER_LOCK_KEY]), checkTimeoutMs);
      if (row?.ok && !stopped) await become(true);
    } catch (error) {
      if (leader) logger.warn({ error: (error as Error)?.message }, 'scheduler leadership check failed');
      await dropSession();
      await become(false);
    }
  };
  const checkNow = (): Promise<void> => {
    checking ??= check().finally(() => {
      checking = null;
    });
    return checking;
  };

  const timer = setInterval(() => void checkNow(), retryMs);
  timer.unref();
  void checkNow();

  return {
    get isLeader() {
      return leader;
    },
    get gained() {
      return gained;
    },
    whileLeader(name, start) {
      tasks.set(name, { start, stop: null });
      if (leader) startTasks();
    },
    checkNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await checking;
      const was = leader;
      leader = false;
      await stopTasks();
      if (was && session && !session.lost) await session.query(releaseLeadership, [SCHEDULER_LOCK_KEY]).catch(() => undefined);
      await dropSession();
      if (was) options.onChange?.(false);
    },
  };
}
