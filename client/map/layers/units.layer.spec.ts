import { createPropertyExpression, latest, validateStyleMin, type StylePropertySpecification } from '@maplibre/maplibre-gl-style-spec';
import type { LayerSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { BOUNDARY_LEVELS } from '../../../server/tiles/tile-layers.js';
import { buildMapStyle } from '../basemap-style.js';
import { colorToRgba, PALETTES } from '../map-palette.js';
import { create as createLoad, LOAD_ALPHA, LOAD_FILL_LAYER, withAlpha } from './micro-grid-load.layer.js';
import { BOUNDARY_LINE_LAYER, BOUNDARY_STYLE, boundaryLineLayer, boundaryWidthAt, create as createUnits } from './units.layer.js';

/** Evaluates a paint property of a layer as MapLibre does, for a feature of `properties` at zoom z. */
function paintValue(layer: LayerSpecification, property: string, z: number, properties: Record<string, unknown>, state: Record<string, unknown> = {}): unknown {
  const spec = (latest as unknown as Record<string, Record<string, StylePropertySpecification>>)[`paint_${layer.type}`][property];
  const value = (layer as { paint: Record<string, unknown> }).paint[property];
  if (!spec) throw new Error(`no spec for ${layer.type} ${property}`);
  const parsed = createPropertyExpression(value, property, spec);
  if (parsed.result !== 'success') throw new Error(`${property}: ${parsed.value.map((e) => e.message).join('; ')}`);
  const feature = { type: 'Polygon' as const, properties, geometry: [] };
  return parsed.value.evaluate({ zoom: z }, feature as never, state);
}

const rgba = (c: unknown) => {
  const { r, g, b, a } = c as { r: number; g: number; b: number; a: number };
  return [r, g, b, a].map((v) => Number(v.toFixed(3)));
};

describe('the boundary line layer', () => {
  it('reads one level per feature in the order the server sends them (finest first), and styles the four levels', () => {
    expect(Object.keys(BOUNDARY_STYLE)).toEqual([...BOUNDARY_LEVELS]);
  });

  it('interpolates each level’s width between its own stops, constant beyond them', () => {
    expect(boundaryWidthAt('grid', 10)).toBe(0.8);
    expect(boundaryWidthAt('grid', 14.5)).toBeCloseTo(1.2, 10);
    expect(boundaryWidthAt('district', 9)).toBeCloseTo(1.85, 10);
    expect(boundaryWidthAt('district', 14)).toBeCloseTo(3.25, 10);
    expect(boundaryWidthAt('street', 5)).toBe(1);
    expect(boundaryWidthAt('community', 20)).toBe(2.2);
  });

  it('draws each level with its own colour and width from one layer, solid, in both themes', () => {
    for (const theme of ['light', 'dark'] as const) {
      const p = PALETTES[theme];
      const layer = boundaryLineLayer(p);
      expect(layer).toMatchObject({ id: BOUNDARY_LINE_LAYER, type: 'line', 'source-layer': 'unit_boundaries' });
      for (const level of BOUNDARY_LEVELS) {
        const [r, g, b] = colorToRgba(p.boundary[level]);
        expect(rgba(paintValue(layer, 'line-color', 14, { level })), `${theme} ${level}`).toEqual([r / 255, g / 255, b / 255, 1].map((v) => Number(v.toFixed(3))));
        for (const z of [6, 9, 11, 12.5, 13, 14.5, 16, 18]) {
          expect(paintValue(layer, 'line-width', z, { level }) as number, `${level} z${z}`).toBeCloseTo(boundaryWidthAt(level, z), 6);
        }
      }
      // No dashes: a data-driven dasharray costs software WebGL a large share of a frame (units.layer.ts).
      expect(Object.keys((layer as { paint: Record<string, unknown> }).paint).sort()).toEqual(['line-color', 'line-width']);
    }
  });
});

describe('the micro-grid fill', () => {
  const fill = (theme: 'light' | 'dark') => createLoad().styleLayers(PALETTES[theme]).find((l) => l.id === LOAD_FILL_LAYER)!;

  it('multiplies a colour’s alpha', () => {
    expect(withAlpha('#ff8000', 0.45)).toBe('rgba(255,128,0,0.45)');
    expect(withAlpha('rgba(0,0,0,0)', 0.45)).toBe('rgba(0,0,0,0)');
    expect(withAlpha('rgba(10,20,30,0.5)', 0.5)).toBe('rgba(10,20,30,0.251)');
  });

  it('colours a micro-grid by its open cases, translucent, and outlines every micro-grid opaquely', () => {
    for (const theme of ['light', 'dark'] as const) {
      const p = PALETTES[theme];
      const layer = fill(theme);
      const colourAt = (load: number | undefined) => rgba(paintValue(layer, 'fill-color', 15, {}, load === undefined ? {} : { load }));
      expect(colourAt(undefined)[3]).toBe(0);
      expect(colourAt(0)[3]).toBe(0);
      for (const [load, index] of [[1, 1], [2, 2], [3, 2], [4, 3], [9, 3]] as const) {
        const [r, g, b] = colorToRgba(p.load[index]);
        // Premultiplied, as MapLibre keeps colours.
        expect(colourAt(load), `${theme} load ${load}`).toEqual([r / 255, g / 255, b / 255, 1].map((v) => Number((v * LOAD_ALPHA).toFixed(3))));
      }
      expect(rgba(paintValue(layer, 'fill-outline-color', 15, {}))[3]).toBe(1);
      expect((layer as { paint: Record<string, unknown> }).paint['fill-opacity']).toBeUndefined();
    }
  });

  it('gives a style MapLibre accepts, with one line layer for every boundary above micro-grids', () => {
    const overlayLayers = [...createLoad().styleLayers(PALETTES.light), ...createUnits().styleLayers(PALETTES.light)];
    const style = buildMapStyle({ origin: 'http://127.0.0.1:8080', palette: PALETTES.light, external: null, overlayLayers });
    expect(validateStyleMin(style)).toEqual([]);
    const lines = style.layers.filter((l) => l.type === 'line' && !l.id.startsWith('basemap-'));
    expect(lines.map((l) => [l.id, (l as { 'source-layer': string })['source-layer']])).toEqual([
      [BOUNDARY_LINE_LAYER, 'unit_boundaries'],
      ['units-micro-grid-highlight', 'micro_grids'],
    ]);
  });
});
