/**
 * Recording state changes. `auditedChange` runs a change in the caller's scoped transaction and appends
 * its audit record in the same transaction; when the change fails, the failure is recorded in a
 * transaction of its own and the error goes on to the error middleware.
 */
import type { Request } from 'express';
import type { Queryable } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { authOf, scopedDb } from '../auth/request-context.js';
import { appendAuditRecord } from './audit.sql.js';
import { markRefusalAudited } from './refusal-audit.js';

export interface AuditEntry {
  actorAccountId: number | null;
  actorUsername: string | null;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  jurisdictionCode: string | null;
  before?: unknown;
  after?: unknown;
  clientAddress: string | null;
  success: boolean;
  reason?: string | null;
}

export async function appendAudit(q: Queryable, e: AuditEntry): Promise<void> {
  await q.query(appendAuditRecord, [
    e.actorAccountId,
    e.actorUsername,
    e.actorRole,
    e.action,
    e.entityType,
    e.entityId,
    e.jurisdictionCode,
    e.before === undefined ? null : JSON.stringify(e.before),
    e.after === undefined ? null : JSON.stringify(e.after),
    e.clientAddress,
    e.success,
    e.reason ?? null,
  ]);
}

export interface ChangeResult<T> {
  entityId: string | null;
  jurisdictionCode: string | null;
  before?: unknown;
  after?: unknown;
  result: T;
}

export async function auditedChange<T>(
  req: Request,
  meta: { action: string; entityType: string; entityId?: string | null },
  change: (tx: Queryable) => Promise<ChangeResult<T>>,
): Promise<T> {
  const auth = authOf(req);
  const actor = {
    actorAccountId: auth.accountId,
    actorUsername: auth.username,
    actorRole: auth.role,
    clientAddress: req.ip ?? null,
  };
  try {
    return await scopedDb(req).transaction(async (tx) => {
      const outcome = await change(tx);
      await appendAudit(tx, {
        ...actor,
        action: meta.action,
        entityType: meta.entityType,
        entityId: outcome.entityId,
        jurisdictionCode: outcome.jurisdictionCode,
        before: outcome.before,
        after: outcome.after,
        success: true,
      });
      return outcome.result;
    });
  } catch (error) {
    const reason = error instanceof AppError ? error.code : 'internal_error';
    // The failure has its own record below: the refusal audit (server/audit/refusal-audit.ts) writes no second.
    markRefusalAudited(req);
    await scopedDb(req).transaction((tx) =>
      appendAudit(tx, {
        ...actor,
        action: meta.action,
        entityType: meta.entityType,
        entityId: meta.entityId ?? null,
        jurisdictionCode: auth.jurisdiction === 'city' ? null : auth.jurisdiction,
        success: false,
        reason,
      }),
    );
    throw error;
  }
}
