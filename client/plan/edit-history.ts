/**
 * One undo/redo history for every structural edit of the planner's workspace — paint strokes, splits, merges and
 * reshapes — as immutable snapshots of the whole draft (the painted assignment and the list of structural
 * edits), iD style. Pure. The draft on the server is the truth: the workspace sends each snapshot, remembers the
 * last one the server accepted, and when the server refuses a snapshot it `settle`s back to that one (the
 * refused step and anything after it are dropped), so the map never shows edits the draft does not hold.
 */
import type { StructuralEdit } from '../../server/plans/plan-structure-rules.js';
import { paintAssignment, type Assignment } from './paint-history.js';

export interface DraftSnapshot {
  readonly paint: Assignment;
  readonly structure: readonly StructuralEdit[];
}

export interface EditHistory {
  readonly past: readonly DraftSnapshot[];
  readonly present: DraftSnapshot;
  readonly future: readonly DraftSnapshot[];
}

export function snapshotOf(paint: Assignment = {}, structure: readonly StructuralEdit[] = []): DraftSnapshot {
  return Object.freeze({ paint: Object.isFrozen(paint) ? paint : Object.freeze({ ...paint }), structure: Object.freeze([...structure]) });
}

export function startEditHistory(initial: DraftSnapshot = snapshotOf()): EditHistory {
  return Object.freeze({ past: Object.freeze([]), present: initial, future: Object.freeze([]) });
}

/** A new step (the redo branch dropped); the same history when `next` is the present. */
export function record(history: EditHistory, next: DraftSnapshot): EditHistory {
  if (next === history.present) return history;
  return Object.freeze({ past: Object.freeze([...history.past, history.present]), present: next, future: Object.freeze([]) });
}

/** A paint stroke: `units` into grid `target` (back home removes their edits); no step when nothing changes. */
export function paintEdits(
  history: EditHistory,
  units: readonly string[],
  target: string,
  homeOf: (unit: string) => string | undefined,
): EditHistory {
  const paint = paintAssignment(history.present.paint, units, target, homeOf);
  return paint === history.present.paint ? history : record(history, Object.freeze({ paint, structure: history.present.structure }));
}

/** The structural edits replaced (one added, or one removed): one step. */
export function structureEdits(history: EditHistory, structure: readonly StructuralEdit[]): EditHistory {
  return record(history, Object.freeze({ paint: history.present.paint, structure: Object.freeze([...structure]) }));
}

export function undoEdit(history: EditHistory): EditHistory {
  if (history.past.length === 0) return history;
  return Object.freeze({
    past: Object.freeze(history.past.slice(0, -1)),
    present: history.past[history.past.length - 1],
    future: Object.freeze([history.present, ...history.future]),
  });
}

export function redoEdit(history: EditHistory): EditHistory {
  if (history.future.length === 0) return history;
  return Object.freeze({
    past: Object.freeze([...history.past, history.present]),
    present: history.future[0],
    future: Object.freeze(history.future.slice(1)),
  });
}

/**
 * Back to `confirmed` (the last snapshot the server stored) after it refused the present: when `confirmed` is in
 * the history, the steps after it go (the undo stack below it stays); otherwise the history starts again from it.
 */
export function settle(history: EditHistory, confirmed: DraftSnapshot): EditHistory {
  if (history.present === confirmed) return history;
  const at = history.past.lastIndexOf(confirmed);
  if (at >= 0) return Object.freeze({ past: Object.freeze(history.past.slice(0, at)), present: confirmed, future: Object.freeze([]) });
  const ahead = history.future.indexOf(confirmed);
  if (ahead >= 0) {
    return Object.freeze({
      past: Object.freeze([...history.past, history.present, ...history.future.slice(0, ahead)]),
      present: confirmed,
      future: Object.freeze([]),
    });
  }
  return startEditHistory(confirmed);
}

/** The edits the server stores: the moves (sorted by unit), then the structural edits in their order. */
export function draftEditsOf(snapshot: DraftSnapshot): ({ unit: string; to: string } | StructuralEdit)[] {
  const moves = Object.keys(snapshot.paint)
    .sort()
    .map((unit) => ({ unit, to: snapshot.paint[unit] }));
  return [...moves, ...snapshot.structure];
}
