/**
 * What the boundary-plan benchmarks share (measure-plans.ts, measure-plans-largest.ts): the city's configured plan
 * limits, the planner account's scope, progress lines on stderr, and a transaction that is always rolled back.
 */
import { defineSql, withScope, type Database, type Queryable } from '../../server/db/database.js';

/** The city's configured plan limits (PLAN_* in server/config/load-config.ts, their defaults). */
export const LIMITS = { microGridHouseholdsMin: 30, microGridHouseholdsMax: 300, minAreaM2: 2000, minWidthM: 20 };

export type Scope = { jurisdiction: string; accountId: number | null; role: string };

const accountId = defineSql('bench.plans.account', `SELECT id FROM accounts WHERE username = $1`);

/** planner.city's scope: the whole city, as its requests run. */
export async function plannerScope(db: Database): Promise<Scope> {
  const [row] = await db.query<{ id: number }>(accountId, ['planner.city']);
  return { jurisdiction: 'city', accountId: row?.id ?? null, role: 'planner' };
}

/** Progress on stderr (a section takes minutes on a busy machine): what was measured, and when. */
export const progress = (text: string) => console.error(`[measure-plans ${new Date().toISOString().slice(11, 19)}] ${text}`);

class Rollback extends Error {}

/** Run fn in the scope and roll everything back, so that every round starts from the same city. */
export async function rolledBack(db: Database, scope: Scope, fn: (tx: Queryable) => Promise<void>): Promise<void> {
  await withScope(db, scope, async (tx) => {
    await fn(tx);
    throw new Rollback();
  }).catch((e) => {
    if (!(e instanceof Rollback)) throw e;
  });
}

/** Unscoped (the database's own role), rolled back: for whole-city maintenance measured as a yardstick. */
export async function rolledBackUnscoped(db: Database, fn: (tx: Queryable) => Promise<void>): Promise<void> {
  await db
    .withTransaction(async (tx) => {
      await fn(tx);
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
}

export const ms = (n: number) => `${n.toFixed(0)} ms`;

type Followers = { workers: number; cameras: number; sensors: number };
/**
 * What followed a publication: the moves' workers, cameras and sensors (the outcome's top level) plus those of its
 * splits, merges, reshapes and re-partitions (its `structure`).
 */
export function followersOf(publication: Followers & { structure?: Partial<Followers> }): Followers {
  const s = publication.structure ?? {};
  return {
    workers: publication.workers + (s.workers ?? 0),
    cameras: publication.cameras + (s.cameras ?? 0),
    sensors: publication.sensors + (s.sensors ?? 0),
  };
}
