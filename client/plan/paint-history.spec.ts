import { describe, expect, it } from 'vitest';
import { editsOf, paintStroke, redo, startHistory, undo } from './paint-history.js';

const home = (unit: string) => ({ m1: 'A', m2: 'A', m3: 'B' })[unit];

describe('paint history', () => {
  it('pushes a frozen snapshot per stroke, and undo / redo walk the stack', () => {
    const h0 = startHistory();
    const h1 = paintStroke(h0, ['m1', 'm2'], 'B', home);
    const h2 = paintStroke(h1, ['m3'], 'A', home);
    expect(editsOf(h2.present)).toEqual([
      { unit: 'm1', to: 'B' },
      { unit: 'm2', to: 'B' },
      { unit: 'm3', to: 'A' },
    ]);
    expect(Object.isFrozen(h2.present)).toBe(true);
    expect(h1.present).toEqual({ m1: 'B', m2: 'B' });
    const back = undo(h2);
    expect(back.present).toBe(h1.present);
    expect(redo(back).present).toBe(h2.present);
    expect(undo(undo(undo(h2))).present).toEqual({});
  });

  it('painting a unit back home removes its edit; a stroke that changes nothing is not a step; a new stroke drops the redo branch', () => {
    const h1 = paintStroke(startHistory(), ['m1'], 'B', home);
    expect(paintStroke(h1, ['m1'], 'B', home)).toBe(h1);
    expect(paintStroke(h1, ['unknown'], 'B', home)).toBe(h1);
    const h2 = paintStroke(h1, ['m1'], 'A', home);
    expect(h2.present).toEqual({});
    const branched = paintStroke(undo(h2), ['m2'], 'B', home);
    expect(branched.future).toEqual([]);
  });
});
