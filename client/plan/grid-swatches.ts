/** The brush's grid colours, and a grid's swatch: the button that picks it as the brush. */
import { el } from '../app/dom.js';

const GRID_COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** The colour of the i-th grid of the community (map fill and swatch alike). */
export const gridColour = (i: number): string => GRID_COLOURS[i % GRID_COLOURS.length];

export function gridSwatch(code: string, name: string, i: number, selected: boolean, pick: () => void): HTMLElement {
  return el(
    'button',
    {
      className: selected ? 'grid-swatch selected' : 'grid-swatch',
      dataset: { grid: code },
      attrs: { style: `border-left: 14px solid ${gridColour(i)}` },
      on: { click: pick },
    },
    [name],
  );
}
