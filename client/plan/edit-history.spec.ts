import { describe, expect, it } from 'vitest';
import type { StructuralEdit } from '../../server/plans/plan-structure-rules.js';
import { draftEditsOf, paintEdits, redoEdit, settle, startEditHistory, structureEdits, undoEdit } from './edit-history.js';

const home = (unit: string) => ({ m1: 'A', m2: 'A', m3: 'B' })[unit];
const split: StructuralEdit = {
  op: 'split',
  unit: 'm3',
  line: {
    type: 'LineString',
    coordinates: [
      [0, 0],
      [1, 1],
    ],
  },
};
const merge: StructuralEdit = { op: 'merge', units: ['m1', 'm2'] };

describe('edit history (paints, splits, merges, reshapes)', () => {
  it('keeps paints and structural edits in one stack: undo and redo walk it in the order they were made', () => {
    const h1 = paintEdits(startEditHistory(), ['m1'], 'B', home);
    const h2 = structureEdits(h1, [split]);
    const h3 = paintEdits(h2, ['m2'], 'B', home);
    expect(draftEditsOf(h3.present)).toEqual([{ unit: 'm1', to: 'B' }, { unit: 'm2', to: 'B' }, split]);
    const back = undoEdit(h3);
    expect(back.present).toBe(h2.present);
    expect(undoEdit(back).present).toBe(h1.present);
    expect(draftEditsOf(undoEdit(back).present)).toEqual([{ unit: 'm1', to: 'B' }]);
    expect(redoEdit(undoEdit(back)).present).toBe(h2.present);
    expect(undoEdit(undoEdit(undoEdit(h3))).present.structure).toEqual([]);
    expect(Object.isFrozen(h2.present.structure)).toBe(true);
    // A stroke that changes nothing is no step; a new edit drops the redo branch.
    expect(paintEdits(h3, ['m2'], 'B', home)).toBe(h3);
    expect(structureEdits(undoEdit(h3), [split, merge]).future).toEqual([]);
  });

  it('settles back to the snapshot the server stored when it refuses the present one', () => {
    const h1 = structureEdits(startEditHistory(), [split]);
    const confirmed = h1.present;
    const h2 = structureEdits(h1, [split, merge]);
    const h3 = paintEdits(h2, ['m3'], 'A', home);
    const settled = settle(h3, confirmed);
    expect(settled.present).toBe(confirmed);
    expect(settled.past).toEqual([startEditHistory().present]);
    expect(settled.future).toEqual([]);
    expect(settle(h3, h3.present)).toBe(h3);
    // A snapshot the history no longer holds (the page reopened the plan): a new history from it.
    const elsewhere = startEditHistory().present;
    expect(settle(h3, elsewhere)).toEqual(startEditHistory(elsewhere));
    // Undone past the stored one (it is in the redo branch): forward to it.
    const undone = undoEdit(undoEdit(h3));
    expect(settle(undoEdit(undone), confirmed).present).toBe(confirmed);
  });
});
