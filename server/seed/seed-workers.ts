/**
 * Seed step: exactly 44,688 generated workers for the whole city (Nanjing's published number of
 * micro-grid workers), by a rule per micro-grid that depends only on the micro-grid itself:
 *
 *  - every micro-grid has one micro-grid worker (微网格员), code W<micro-grid code>01;
 *  - the 3,539 micro-grids with the most households (ties broken by a hash of the code) have a second
 *    worker, W<code>02: a full-time grid worker, mobile grid worker, community police officer,
 *    mediator or legal-affairs grid worker. In the Xianlin subset, a micro-grid has the second worker
 *    when it ranks at or above the city-wide threshold (select-by-rank.ts, seed-thresholds.ts).
 *
 * Everything else is deterministic by worker code: name, phone (fictional 170/171 numbers), skills,
 * duty status (≈ 60 % on duty, 15 % busy, 25 % off duty), a last position inside the home micro-grid
 * and its age (within 10 minutes of the seed time; ≈ 10 % stale, 10–30 minutes).
 */
import { generateChineseName, generatePhoneNumber } from './generate-person.js';
import type { SeedContext } from './seed-context.js';
import { TOTAL_MICRO_GRIDS } from './seed-hierarchy.js';
import { CITY_THRESHOLDS, CITY_TOTALS } from './seed-thresholds.js';
import { describeThreshold, RankKey, selectByRank } from './select-by-rank.js';
import { insertWorkers, listMicroGridsForWorkers } from './seed-workers.sql.js';
import { pickWeighted, unitRandom } from './unit-random.js';

/** The incident categories a worker can be dispatched to (skills). */
export const INCIDENT_CATEGORIES = ['safety_hazard', 'dispute', 'city_management', 'fire_safety', 'public_order', 'environment'] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

export type WorkerRole = 'micro_grid_worker' | 'grid_worker' | 'legal_affairs' | 'community_police' | 'mediator' | 'mobile_worker';
export type DutyStatus = 'on_duty' | 'busy' | 'off_duty';

/** The role of a micro-grid's second worker. */
const SECOND_WORKER_ROLES: ReadonlyArray<readonly [WorkerRole, number]> = [
  ['grid_worker', 35],
  ['mobile_worker', 25],
  ['community_police', 15],
  ['mediator', 15],
  ['legal_affairs', 10],
];

/** What each role always handles, and what it may also handle (each with probability one half). */
const ROLE_SKILLS: Record<WorkerRole, { always: IncidentCategory[]; sometimes: IncidentCategory[] }> = {
  micro_grid_worker: { always: ['safety_hazard', 'city_management'], sometimes: ['dispute', 'fire_safety', 'environment', 'public_order'] },
  grid_worker: { always: ['safety_hazard', 'city_management', 'dispute', 'fire_safety'], sometimes: ['environment', 'public_order'] },
  mobile_worker: { always: ['city_management', 'safety_hazard'], sometimes: ['environment', 'public_order'] },
  community_police: { always: ['public_order', 'dispute', 'safety_hazard'], sometimes: ['fire_safety'] },
  mediator: { always: ['dispute'], sometimes: ['public_order'] },
  legal_affairs: { always: ['dispute', 'public_order'], sometimes: [] },
};

const DUTY: ReadonlyArray<readonly [DutyStatus, number]> = [
  ['on_duty', 60],
  ['busy', 15],
  ['off_duty', 25],
];

export interface MicroGridForWorkers {
  code: string;
  households: number;
}

export interface PlannedWorker {
  code: string;
  name: string;
  phone: string;
  role: WorkerRole;
  skills: IncidentCategory[];
  homeUnitCode: string;
  dutyStatus: DutyStatus;
  /** Seconds between the last position and the seed time. */
  positionAgeSeconds: number;
}

/** Rank key of a micro-grid for a second worker: most households first, then a hash of the code. */
export function secondWorkerRankKey(m: MicroGridForWorkers): RankKey {
  return [-m.households, unitRandom(`worker-second:${m.code}`)];
}

export function skillsOf(code: string, role: WorkerRole): IncidentCategory[] {
  const { always, sometimes } = ROLE_SKILLS[role];
  const extra = sometimes.filter((skill) => unitRandom(`worker-skill:${code}:${skill}`) < 0.5);
  return INCIDENT_CATEGORIES.filter((c) => always.includes(c) || extra.includes(c));
}

export function planWorker(homeUnitCode: string, slot: number, role: WorkerRole): PlannedWorker {
  const code = `W${homeUnitCode}${String(slot).padStart(2, '0')}`;
  const stale = unitRandom(`worker-stale:${code}`) < 0.1;
  const age = unitRandom(`worker-age:${code}`);
  return {
    code,
    name: generateChineseName(`worker-name:${code}`),
    phone: generatePhoneNumber(`worker-phone:${code}`),
    role,
    skills: skillsOf(code, role),
    homeUnitCode,
    dutyStatus: pickWeighted(`worker-duty:${code}`, DUTY),
    positionAgeSeconds: Math.round(stale ? 600 + 1200 * age : 590 * age),
  };
}

/** All workers of the given micro-grids, ordered by code, and the rank threshold found city-wide. */
export function planWorkers(
  area: SeedContext['area'],
  microGrids: readonly MicroGridForWorkers[],
  cityThreshold: RankKey = CITY_THRESHOLDS.secondWorker,
): { workers: PlannedWorker[]; threshold: RankKey | null } {
  const { selected, threshold } = selectByRank(area, microGrids, secondWorkerRankKey, {
    cityTotal: CITY_TOTALS.workers - TOTAL_MICRO_GRIDS,
    cityThreshold,
  });
  const withSecond = new Set(selected.map((m) => m.code));
  const workers: PlannedWorker[] = [];
  for (const m of [...microGrids].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    workers.push(planWorker(m.code, 1, 'micro_grid_worker'));
    if (withSecond.has(m.code)) {
      const secondCode = `W${m.code}02`;
      workers.push(planWorker(m.code, 2, pickWeighted(`worker-role:${secondCode}`, SECOND_WORKER_ROLES)));
    }
  }
  return { workers, threshold };
}

const BATCH = 25_000;

export async function seedWorkers(ctx: SeedContext): Promise<void> {
  const microGrids = await ctx.db.query<MicroGridForWorkers>(listMicroGridsForWorkers);
  if (ctx.area === 'nanjing' && microGrids.length !== TOTAL_MICRO_GRIDS) {
    throw new Error(`workers: expected ${TOTAL_MICRO_GRIDS} micro-grids in the city, found ${microGrids.length}`);
  }
  const { workers, threshold } = planWorkers(ctx.area, microGrids);
  await ctx.db.withTransaction(async (tx) => {
    for (let i = 0; i < workers.length; i += BATCH) {
      const batch = workers.slice(i, i + BATCH);
      await tx.query(insertWorkers, [
        batch.map((_, j) => i + j + 1),
        batch.map((w) => w.code),
        batch.map((w) => w.name),
        batch.map((w) => w.phone),
        batch.map((w) => w.role),
        batch.map((w) => w.skills.join(',')),
        batch.map((w) => w.homeUnitCode),
        batch.map((w) => w.dutyStatus),
        batch.map((w) => w.positionAgeSeconds),
      ]);
    }
  });
  ctx.progress('workers inserted', { workers: workers.length, ...describeThreshold('second worker', threshold, CITY_THRESHOLDS.secondWorker) });
}
