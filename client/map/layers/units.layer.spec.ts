import { createPropertyExpression, latest, validateStyleMin, type StylePropertySpecification } from '@maplibre/maplibre-gl-style-spec';
import type { LayerSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { BOUNDARY_LEVELS } from '../../../server/tiles/tile-layers.js';
import { buildMapStyle } from '../basemap-style.js';
import { EMPTY_LAYER_DATA } from '../map-data.js';
import { colorToRgba, PALETTES } from '../map-palette.js';
import { liveIncident as incident } from '../../../tests/support/live-incident.js';
import { create as createLoad, LOAD_ALPHA, tintColor } from './micro-grid-load.layer.js';
import {
  BOUNDARY_LINE_LAYER,
  BOUNDARY_STYLE,
  boundaryColor,
  boundaryLineLayer,
  boundaryWidthAt,
  create as createUnits,
  LABEL_ZOOMS,
} from './units.layer.js';

/** Evaluates a paint property of a layer as MapLibre does, for a feature of `properties` at zoom z. */
function paintValue(
  layer: LayerSpecification,
  property: string,
  z: number,
  properties: Record<string, unknown>,
  state: Record<string, unknown> = {},
): unknown {
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
  it('reads one level per feature in the order the server sends them (finest first), and styles the five levels', () => {
    expect(Object.keys(BOUNDARY_STYLE)).toEqual([...BOUNDARY_LEVELS]);
  });

  it('interpolates each level’s width between its own stops, constant beyond them', () => {
    expect(boundaryWidthAt('grid', 10)).toBe(0.8);
    expect(boundaryWidthAt('grid', 14.5)).toBeCloseTo(1.2, 10);
    expect(boundaryWidthAt('district', 9)).toBeCloseTo(1.85, 10);
    expect(boundaryWidthAt('district', 14)).toBeCloseTo(3.25, 10);
    expect(boundaryWidthAt('street', 5)).toBe(1);
    expect(boundaryWidthAt('community', 20)).toBe(2.2);
    expect(boundaryWidthAt('micro_grid', 14)).toBe(1);
    expect(boundaryWidthAt('micro_grid', 19)).toBe(1);
  });

  it('draws each level with its own colour and width from one layer, solid, in both themes', () => {
    for (const theme of ['light', 'dark'] as const) {
      const p = PALETTES[theme];
      const layer = boundaryLineLayer(p);
      expect(layer).toMatchObject({ id: BOUNDARY_LINE_LAYER, type: 'line', 'source-layer': 'unit_boundaries' });
      for (const level of BOUNDARY_LEVELS) {
        const [r, g, b] = colorToRgba(boundaryColor(p, level));
        expect(rgba(paintValue(layer, 'line-color', 14, { level })), `${theme} ${level}`).toEqual(
          [r / 255, g / 255, b / 255, 1].map((v) => Number(v.toFixed(3))),
        );
        for (const z of [6, 9, 11, 12.5, 13, 14.5, 16, 18]) {
          expect(paintValue(layer, 'line-width', z, { level }) as number, `${level} z${z}`).toBeCloseTo(boundaryWidthAt(level, z), 6);
        }
      }
      // No dashes: a data-driven dasharray costs software WebGL a large share of a frame (units.layer.ts).
      expect(Object.keys((layer as { paint: Record<string, unknown> }).paint).sort()).toEqual(['line-color', 'line-width']);
      // Edges end where three units meet: square caps close the corner there.
      expect(layer.layout).toMatchObject({ 'line-cap': 'square' });
    }
    expect(boundaryColor(PALETTES.light, 'micro_grid')).toBe(PALETTES.light.boundary.microGrid);
  });
});

describe('the unit labels', () => {
  it('name one level at a time, coarse to fine, haloed except the grids and micro-grids', () => {
    const labels = createUnits()
      .styleLayers(PALETTES.light)
      .filter((l) => l.type === 'symbol');
    expect(labels.map((l) => [l.minzoom, l.maxzoom])).toEqual(Object.values(LABEL_ZOOMS).map(([min, max]) => [min, max]));
    const haloed = labels.map((l) => (l as { paint: Record<string, unknown> }).paint['text-halo-width'] !== undefined);
    expect(haloed).toEqual([true, true, true, false, false]);
  });
});

describe('the micro-grids', () => {
  it('are outlined by the boundary layer, opaquely; their load layer draws nothing of its own without open cases', () => {
    for (const theme of ['light', 'dark'] as const) {
      expect(createLoad().styleLayers(PALETTES[theme])).toEqual([]);
      expect(createLoad().deckLayers(PALETTES[theme])).toEqual([]);
      expect(rgba(paintValue(boundaryLineLayer(PALETTES[theme]), 'line-color', 15, { level: 'micro_grid' }))[3]).toBe(1);
      expect(
        createUnits()
          .legend(PALETTES[theme])
          .map((e) => e.labelKey),
      ).toContain('map.legend.microGrid');
    }
  });

  it('tint a micro-grid by its open cases, translucent, in the palette’s load colours', () => {
    for (const theme of ['light', 'dark'] as const) {
      const p = PALETTES[theme];
      for (const [load, index] of [
        [1, 1],
        [2, 2],
        [3, 2],
        [4, 3],
        [9, 3],
      ] as const) {
        const [r, g, b, a] = colorToRgba(p.load[index]);
        expect(a, `${theme} load colour ${index}`).toBe(255);
        expect(tintColor(p, load), `${theme} load ${load}`).toEqual([r, g, b, Math.round(255 * LOAD_ALPHA)]);
      }
    }
  });

  it('tint a changed micro-grid only once the map has drawn the incidents that changed it', () => {
    const piece = {
      properties: { code: 'M1' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [118.9, 32.1],
            [118.91, 32.1],
            [118.91, 32.11],
            [118.9, 32.1],
          ],
        ],
      },
    };
    const map = { getSource: () => ({}), querySourceFeatures: () => [piece], on: () => undefined, off: () => undefined } as unknown as MapLibreMap;
    const waiting: (() => void)[] = [];
    let redraws = 0;
    const load = createLoad();
    load.init({
      map,
      palette: () => PALETTES.light,
      theme: () => 'light',
      requestRedraw: () => redraws++,
      afterDrawn: (f) => waiting.push(f),
      visible: () => true,
    });
    load.update({ ...EMPTY_LAYER_DATA, incidents: [incident({ microGridCode: 'M1' })] });
    load.update({ ...EMPTY_LAYER_DATA, incidents: [incident({ microGridCode: 'M1' }), incident({ id: 2, microGridCode: 'M1' })] });
    // One wait for the frame, however many changes came before it; nothing tinted yet.
    expect(waiting).toHaveLength(1);
    expect(load.deckLayers(PALETTES.light)).toEqual([]);
    waiting.shift()?.();
    expect(redraws).toBe(1);
    const [tint] = load.deckLayers(PALETTES.light);
    expect((tint.props.data as { properties: { load: number } }[]).map((f) => f.properties.load)).toEqual([2]);
    // Drawn in MapLibre's frame just under the boundaries.
    expect((tint.props as { beforeId?: string }).beforeId).toBe(BOUNDARY_LINE_LAYER);
    load.dispose();
  });

  it('gives a style MapLibre accepts, with one line layer for every boundary', () => {
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
