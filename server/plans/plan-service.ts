/**
 * The operations on boundary plans, each on the caller's scoped transaction (the routes wrap them in
 * auditedChange): create, replace the edits (claiming the units), submit, withdraw, approve, reject, publish,
 * and the read-only views (validation, balance, diff). Pure rules: plan-lifecycle.ts, plan-balance.ts.
 */
import type { Queryable } from '../db/database.js';
import { DatabaseError } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { computeBalance, type BalanceReport, type FigureRow } from './plan-balance.js';
import { publicationStateAt, refusePlanAction, type PlanAction, type PlanActor, type PlanState } from './plan-lifecycle.js';
import type { PlanLimits } from './plan-validation.js';
import { isStructural, unitsOf, type StructureBalance } from './plan-structure-rules.js';
import {
  movesOf,
  previewPieces,
  requestedFormOf,
  structureBalanceOf,
  structureDiffOf,
  validatePlan,
  type AnyRequestedEdit,
  type PlanOutcome,
  type StoredEdit,
} from './plan-structure.js';
import {
  diffMovedUnits,
  findOtherClaims,
  insertClaims,
  insertPlan,
  listBalanceFigures,
  publishPlan,
  readPlan,
  readPlanForUpdate,
  releaseClaims,
  updatePlanEdits,
  updatePlanState,
} from './plans.sql.js';
import { readScopeUnit } from './plan-reads.sql.js';

export interface PlanRow {
  id: number;
  name: string;
  scope_code: string;
  state: PlanState;
  based_on_version: number;
  edits: StoredEdit[];
  author_account_id: number;
  author_username: string;
  warning_reason: string | null;
  effective_at: Date | null;
  published_version: number | null;
  publication: Record<string, unknown> | null;
  rollback_of_plan_id: number | null;
  [key: string]: unknown;
}

export interface PlanActorFull extends PlanActor {
  username: string | null;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

export async function loadPlan(q: Queryable, id: number, forUpdate = false): Promise<PlanRow> {
  const [plan] = await q.query<PlanRow>(forUpdate ? readPlanForUpdate : readPlan, [id]);
  if (!plan) throw new AppError(404, 'plan_not_found', 'No such plan in your jurisdiction');
  return plan;
}

export function assertAllowed(plan: PlanRow, action: PlanAction, actor: PlanActor): void {
  const refusal = refusePlanAction({ state: plan.state, authorAccountId: plan.author_account_id }, action, actor);
  if (!refusal) return;
  const status = refusal === 'own_plan_approval' || refusal === 'not_plan_author' || refusal === 'role_cannot_approve' ? 403 : 409;
  throw new AppError(status, refusal, `This plan cannot be ${action === 'edit' ? 'edited' : `${action}ed`} now (${refusal})`, { state: plan.state });
}

export async function createPlan(
  q: Queryable,
  input: { name: string; scopeCode: string; rollbackOf?: number | null; edits?: StoredEdit[] },
  actor: PlanActorFull,
  now: Date,
): Promise<PlanRow> {
  const [scope] = await q.query<{ code: string; level: string }>(readScopeUnit, [input.scopeCode]);
  if (!scope) throw new AppError(404, 'unit_not_found', 'The plan’s unit is not in your jurisdiction');
  if (scope.level !== 'community' && scope.level !== 'street') {
    throw new AppError(400, 'plan_scope_level', 'A plan is made for a community (painting micro-grids) or a street (painting grids)');
  }
  const [plan] = await q.query<PlanRow>(insertPlan, [
    input.name,
    input.scopeCode,
    JSON.stringify(input.edits ?? []),
    actor.accountId,
    actor.username ?? 'unknown',
    now,
    input.rollbackOf ?? null,
  ]);
  if (input.edits?.length) await claimUnits(q, plan.id, input.edits);
  return plan;
}

/** The units a plan changes: each moved unit and both its parents; each split or merged unit and its parent. */
export function claimedUnits(edits: readonly StoredEdit[]): string[] {
  return [...new Set(edits.flatMap((e) => (isStructural(e) ? [...unitsOf(e), e.from] : [e.unit, e.from, e.to])))].sort();
}

async function claimUnits(q: Queryable, planId: number, edits: readonly StoredEdit[]): Promise<void> {
  const units = claimedUnits(edits);
  await q.query(releaseClaims, [planId]);
  const others = await q.query<{ unit_code: string; plan_id: number }>(findOtherClaims, [units, planId]);
  if (others.length > 0) {
    throw new AppError(409, 'plan_conflict', 'Another open plan changes some of these units', {
      units: others.map((o) => o.unit_code),
      plans: [...new Set(others.map((o) => o.plan_id))],
    });
  }
  try {
    await q.query(insertClaims, [units, planId]);
  } catch (error) {
    // A plan of another jurisdiction (invisible here) or a concurrent request claimed one of them first.
    if (error instanceof DatabaseError && error.sqlState === '23505') {
      throw new AppError(409, 'plan_conflict', 'Another open plan changes some of these units', { units });
    }
    throw error;
  }
}

export async function replaceEdits(
  q: Queryable,
  plan: PlanRow,
  requested: readonly AnyRequestedEdit[],
  limits: PlanLimits,
  now: Date,
): Promise<{ plan: PlanRow; outcome: PlanOutcome }> {
  const outcome = await validatePlan(q, requested, plan.scope_code, limits, new Date(now.getTime() - YEAR_MS));
  // Units that cannot be resolved are not stored: an edit the caller cannot see names nothing.
  const blocking = outcome.validation.issues.filter((i) =>
    ['unit_not_found', 'outside_plan_scope', 'too_many_edits', 'duplicate_edit', 'repartition_target_out_of_range'].includes(i.reason),
  );
  if (blocking.length > 0) {
    throw new AppError(422, blocking[0].reason, 'The edits name units that cannot be edited in this plan', { issues: blocking });
  }
  await claimUnits(q, plan.id, outcome.stored);
  const [updated] = await q.query<PlanRow>(updatePlanEdits, [plan.id, JSON.stringify(outcome.stored), now]);
  return { plan: updated, outcome };
}

export function validateStoredPlan(q: Queryable, plan: PlanRow, limits: PlanLimits, now: Date): Promise<PlanOutcome> {
  return validatePlan(q, requestedFormOf(plan.edits), plan.scope_code, limits, new Date(now.getTime() - YEAR_MS));
}

export async function submitPlan(q: Queryable, plan: PlanRow, warningReason: string | null, limits: PlanLimits, now: Date): Promise<PlanRow> {
  if (plan.edits.length === 0) throw new AppError(409, 'plan_empty', 'A plan without edits cannot be submitted');
  const { validation } = await validateStoredPlan(q, plan, limits, now);
  if (!validation.valid) throw new AppError(422, 'plan_invalid', 'The plan has errors', { issues: validation.issues });
  if (validation.warnings > 0 && !warningReason) {
    throw new AppError(422, 'warning_reason_required', 'The plan has warnings: say why it should go ahead', { issues: validation.issues });
  }
  const [updated] = await q.query<PlanRow>(updatePlanState, [plan.id, 'submitted', now, warningReason, null, null, null, null]);
  return updated;
}

export async function setPlanState(
  q: Queryable,
  plan: PlanRow,
  state: PlanState,
  now: Date,
  facts: { approver?: PlanActorFull; rejectedReason?: string; effectiveAt?: Date } = {},
): Promise<PlanRow> {
  const [updated] = await q.query<PlanRow>(updatePlanState, [
    plan.id,
    state,
    now,
    null,
    facts.approver?.accountId ?? null,
    facts.approver?.username ?? null,
    facts.rejectedReason ?? null,
    facts.effectiveAt ?? null,
  ]);
  if (state === 'rejected' || state === 'withdrawn') await q.query(releaseClaims, [plan.id]);
  return updated;
}

export interface PublicationOutcome {
  ok: true;
  version: number;
  moved: { from: string; to: string }[];
  restructured: { op: 'split' | 'merge'; from: string[]; to: string[] }[] | null;
  relocatedIncidents: number;
  workers: number;
  cameras: number;
  sensors: number;
  accounts: number;
  screenTokens: number;
  edgesRebuilt: number;
  changedParents: string[];
}

/**
 * Publish an approved plan whose time has come, or schedule it: one transaction (the caller's), all or nothing.
 * Returns the outcome and the relocated open incidents (to announce after commit).
 */
export async function publishOrSchedule(
  q: Queryable,
  plan: PlanRow,
  actor: PlanActor,
  now: Date,
): Promise<{ plan: PlanRow; publication: PublicationOutcome | null; relocated: { id: number; microGridCode: string }[] }> {
  const effectiveAt = plan.effective_at ? new Date(plan.effective_at) : now;
  if (publicationStateAt(effectiveAt, now) === 'scheduled') {
    return { plan: await setPlanState(q, plan, 'scheduled', now), publication: null, relocated: [] };
  }
  const [{ outcome }] = await q.query<{ outcome: Record<string, unknown> }>(publishPlan, [plan.id, now, actor.accountId, actor.role]);
  if (outcome.ok !== true) {
    const reason = String(outcome.reason);
    if (reason === 'plan_stale') {
      throw new AppError(409, 'plan_stale', 'Units of this plan changed since it was made: make it again on today’s boundaries', {
        conflicts: outcome.conflicts,
      });
    }
    if (reason === 'plan_not_found') throw new AppError(404, reason, 'No such plan in your jurisdiction');
    throw new AppError(409, reason, `The plan cannot be published (${reason})`);
  }
  const relocated = (outcome.relocated ?? []) as { id: number; microGridCode: string }[];
  return { plan: await loadPlan(q, plan.id), publication: outcome as unknown as PublicationOutcome, relocated };
}

/** The balance of each parent whose children the plan moves (community or street), before → after. */
export async function balanceOf(
  q: Queryable,
  outcome: PlanOutcome,
  now: Date,
): Promise<{ parent: string; level: string; figures: FigureRow[]; balance: BalanceReport }[]> {
  if (!outcome.level) return [];
  const moves = new Map(outcome.edits.map((e) => [e.unit, e.to]));
  const since = new Date(now.getTime() - YEAR_MS);
  const result = [];
  for (const parent of outcome.grandparents) {
    const figures = await readBalanceFigures(q, parent, outcome.level, since);
    result.push({ parent, level: outcome.level, figures, balance: computeBalance(figures, moves) });
  }
  return result;
}

/** The balance of each grid whose micro-grids a split or merge changes, before → after. */
export async function structureBalance(q: Queryable, outcome: PlanOutcome, now: Date): Promise<StructureBalance[]> {
  if (outcome.structure.length === 0) return [];
  const since = new Date(now.getTime() - YEAR_MS);
  const communities = [...new Set(outcome.structure.map((p) => p.parentCode.slice(0, 12)))];
  const figures: FigureRow[] = [];
  for (const community of communities) figures.push(...(await readBalanceFigures(q, community, 'micro_grid', since)));
  return structureBalanceOf(figures, outcome.structure);
}

export async function readBalanceFigures(q: Queryable, parent: string, level: string, since: Date): Promise<FigureRow[]> {
  const rows = await q.query<Record<string, unknown>>(listBalanceFigures, [parent, level, since]);
  return rows.map((r) => ({
    kind: r.kind as 'child' | 'parent',
    code: String(r.code),
    name: String(r.name),
    parentCode: String(r.parent_code),
    areaM2: Number(r.area_m2),
    households: Number(r.households),
    population: Number(r.population),
    workers: Number(r.workers),
    cameras: Number(r.cameras),
    sensors: Number(r.sensors),
    openIncidents: Number(r.open_incidents),
    incidents12m: Number(r.incidents_12m),
  }));
}

export async function diffOf(q: Queryable, edits: readonly StoredEdit[], now: Date) {
  const since = new Date(now.getTime() - YEAR_MS);
  const moves = movesOf(edits);
  const rows = await q.query<Record<string, unknown>>(diffMovedUnits, [moves.map((e) => e.unit), moves.map((e) => e.to), since]);
  const restructured = structureDiffOf(await previewPieces(q, edits, since));
  const moved = rows.map((r) => ({
    code: String(r.code),
    name: String(r.name),
    level: String(r.level),
    from: String(r.from_code),
    to: String(r.to_code),
    areaM2: Number(r.area_m2),
    households: Number(r.households),
    population: Number(r.population),
    workers: r.workers as { code: string; name: string; role: string; homeUnit: string }[],
    cameras: Number(r.cameras),
    sensors: Number(r.sensors),
    openIncidents: Number(r.open_incidents),
    incidentsTotal: Number(r.incidents_total),
    incidents12m: Number(r.incidents_12m),
  }));
  const sum = (f: (m: (typeof moved)[number]) => number) => moved.reduce((a, m) => a + f(m), 0);
  return {
    moved,
    totals: {
      units: moved.length,
      areaM2: sum((m) => m.areaM2),
      households: sum((m) => m.households),
      population: sum((m) => m.population),
      workers: sum((m) => m.workers.length),
      cameras: sum((m) => m.cameras),
      sensors: sum((m) => m.sensors),
      openIncidents: sum((m) => m.openIncidents),
      incidentsTotal: sum((m) => m.incidentsTotal),
      incidents12m: sum((m) => m.incidents12m),
    },
    restructured,
  };
}
