/**
 * The planner's edits as immutable snapshots (iD style): each paint stroke produces a new frozen assignment
 * (micro-grid → grid, only the painted ones), pushed on the undo stack; undo/redo move along it. Pure.
 */
export type Assignment = Readonly<Record<string, string>>;

export interface PaintHistory {
  readonly past: readonly Assignment[];
  readonly present: Assignment;
  readonly future: readonly Assignment[];
}

export function startHistory(initial: Assignment = {}): PaintHistory {
  return Object.freeze({ past: Object.freeze([]), present: Object.freeze({ ...initial }), future: Object.freeze([]) });
}

/**
 * A stroke: paint `units` into `target`; `homeOf` gives each unit's parent on the live map (painting a unit back
 * into its own parent removes its edit). A stroke that changes nothing leaves the history as it was.
 */
export function paintStroke(
  history: PaintHistory,
  units: readonly string[],
  target: string,
  homeOf: (unit: string) => string | undefined,
): PaintHistory {
  const next = paintAssignment(history.present, units, target, homeOf);
  if (next === history.present) return history;
  return Object.freeze({ past: Object.freeze([...history.past, history.present]), present: next, future: Object.freeze([]) });
}

/** The assignment after a stroke (frozen), or the same object when the stroke changes nothing. */
export function paintAssignment(
  assignment: Assignment,
  units: readonly string[],
  target: string,
  homeOf: (unit: string) => string | undefined,
): Assignment {
  const next: Record<string, string> = { ...assignment };
  let changed = false;
  for (const unit of units) {
    const home = homeOf(unit);
    if (home === undefined) continue;
    const current = next[unit] ?? home;
    if (current === target) continue;
    if (target === home) delete next[unit];
    else next[unit] = target;
    changed = true;
  }
  return changed ? Object.freeze(next) : assignment;
}

export function undo(history: PaintHistory): PaintHistory {
  if (history.past.length === 0) return history;
  return Object.freeze({
    past: Object.freeze(history.past.slice(0, -1)),
    present: history.past[history.past.length - 1],
    future: Object.freeze([history.present, ...history.future]),
  });
}

export function redo(history: PaintHistory): PaintHistory {
  if (history.future.length === 0) return history;
  return Object.freeze({
    past: Object.freeze([...history.past, history.present]),
    present: history.future[0],
    future: Object.freeze(history.future.slice(1)),
  });
}

/** The edits the server stores, sorted by unit. */
export function editsOf(assignment: Assignment): { unit: string; to: string }[] {
  return Object.keys(assignment)
    .sort()
    .map((unit) => ({ unit, to: assignment[unit] }));
}
