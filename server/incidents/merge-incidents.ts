/**
 * Merging a duplicate into the case it repeats: the duplicate is rejected (reason "duplicate") and points at
 * the case; every report (reporter and source) is copied to the case; both timelines say so. Returns what
 * to announce after commit (both incidents changed).
 */
import type { Queryable } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { applyIncidentEvent, type StoredIncident } from './incident-events.js';
import { isFinishedState } from '../contract/incident-vocabulary.js';
import type { Actor } from './incident-lifecycle.js';
import { incidentChanged } from './incident-publishing.js';
import { copyReports, insertTimelineEntry, markMerged, readIncidentForUpdate } from './incidents.sql.js';

export async function mergeIncident(q: Queryable, duplicateId: number, intoId: number, actor: Actor, now: Date) {
  if (duplicateId === intoId) throw new AppError(400, 'merge_into_itself', 'An incident cannot be merged into itself');
  // Lock in id order, so that two merges of the same pair cannot deadlock.
  const [first, second] = duplicateId < intoId ? [duplicateId, intoId] : [intoId, duplicateId];
  const locked = new Map<number, StoredIncident>();
  for (const id of [first, second]) {
    const [row] = await q.query<StoredIncident & { category: string; merged_into: number | null }>(readIncidentForUpdate, [id]);
    if (!row) throw new AppError(404, 'incident_not_found', `No incident ${id} in your jurisdiction`);
    locked.set(id, row);
  }
  const target = locked.get(intoId)! as StoredIncident & { category: string; merged_into: number | null };
  const duplicate = locked.get(duplicateId)! as StoredIncident & { category: string };
  if (isFinishedState(target.state) || target.merged_into) {
    throw new AppError(409, 'merge_target_closed', `Incident ${intoId} is ${target.state}: merge into an open case`);
  }
  if (target.category !== duplicate.category) throw new AppError(409, 'merge_category_differs', 'Only incidents of the same category can be merged');
  const change = await applyIncidentEvent(q, duplicateId, { type: 'reject', actor, reason: `duplicate of ${target.number}` }, now);
  await q.query(markMerged, [duplicateId, intoId]);
  await q.query(copyReports, [duplicateId, intoId]);
  await q.query(insertTimelineEntry, [
    intoId,
    now,
    'merged',
    target.state,
    target.state,
    actor.accountId,
    actor.role,
    null,
    JSON.stringify({ duplicate: duplicateId, number: duplicate.number }),
  ]);
  const published = [...change.published, incidentChanged(intoId, target.micro_grid_code, 'merged')];
  return { before: change.before, target, published };
}
