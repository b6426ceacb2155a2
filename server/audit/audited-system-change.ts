/**
 * The one way the system changes data outside a request (the escalation scheduler, summons escalation, offer
 * time-outs, the simulator, machine alarms): as auditedChange does for a request, the change runs in one
 * transaction (city-wide as the owner, or in a scope), every audit record it makes goes into that transaction
 * under the system actor, and the domain events it collects are emitted only after the commit — so a listener
 * never hears of a change that was rolled back and no change goes unrecorded.
 */
import { withScope, type DataScope, type Database, type Queryable } from '../db/database.js';
import type { DomainEvent, DomainEvents } from '../events/domain-events.js';
import { appendAudit, type AuditEntry } from './record-audit.js';

/** Who acts: the audit log's username for the system part that made the change ('system', 'simulator', a device source). */
export interface SystemActor {
  username: string;
}

export const SYSTEM_ACTOR: SystemActor = { username: 'system' };

/** What the change says of itself; the actor, address and outcome are the seam's. */
export type SystemAuditRecord = Pick<AuditEntry, 'action' | 'entityType' | 'entityId' | 'jurisdictionCode' | 'before' | 'after'>;

export interface SystemChange {
  tx: Queryable;
  /** Appends an audit record of the system actor in the change's transaction. */
  audit(record: SystemAuditRecord): Promise<void>;
  /** Collects domain events to emit once the transaction has committed. */
  publish(...events: DomainEvent[]): void;
}

export async function auditedSystemChange<T>(
  db: Database,
  actor: SystemActor,
  change: (c: SystemChange) => Promise<T>,
  options: { events?: DomainEvents; scope?: DataScope } = {},
): Promise<T> {
  const published: DomainEvent[] = [];
  const run = (tx: Queryable) =>
    change({
      tx,
      audit: (record) =>
        appendAudit(tx, { ...record, actorAccountId: null, actorUsername: actor.username, actorRole: 'system', clientAddress: null, success: true }),
      publish: (...events) => published.push(...events),
    });
  const result = options.scope ? await withScope(db, options.scope, run) : await db.withTransaction(run);
  if (options.events) for (const event of published) options.events.emit(event);
  return result;
}
