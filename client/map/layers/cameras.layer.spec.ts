import type { Layer } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import type { LayerContext } from '../layer-registry.js';
import { PALETTES } from '../map-palette.js';
import { metresPerDegree } from '../../../server/video/camera-sector.js';
import { metresPerPixel } from '../camera-cone.js';
import { CAMERA_CONES_DECK_LAYER, CONE_EDGE_PIXELS, CONE_MIN_ZOOM, create, type CameraCone } from './cameras.layer.js';

interface CameraFeature {
  code: string;
  online: boolean;
  at: [number, number];
}

/** Just what the cameras module asks of MapLibre: zoom, bounds, the devices source's loaded features, events. */
function fakeMap(state: { zoom: number; cameras: CameraFeature[] }) {
  const handlers = new Map<string, Set<() => void>>();
  const map = {
    getZoom: () => state.zoom,
    getSource: () => ({}),
    getBounds: () => ({ contains: ([lon, lat]: [number, number]) => lon > 118 && lon < 119 && lat > 32 && lat < 33 }),
    querySourceFeatures: () =>
      state.cameras.map((c) => ({
        properties: { code: c.code, online: c.online, heading_deg: 90, fov_deg: 60, range_m: 80 },
        geometry: { type: 'Point', coordinates: c.at },
      })),
    on: (event: string, handler: () => void) => handlers.set(event, (handlers.get(event) ?? new Set()).add(handler)),
    off: (event: string, handler: () => void) => handlers.get(event)?.delete(handler),
  };
  const fire = (event: string) => handlers.get(event)?.forEach((handler) => handler());
  return { map: map as unknown as MapLibreMap, fire, listeners: () => [...handlers.values()].reduce((n, s) => n + s.size, 0) };
}

function setUp(state: { zoom: number; cameras: CameraFeature[] }) {
  const { map, fire, listeners } = fakeMap(state);
  const module = create();
  let redraws = 0;
  const context: LayerContext = {
    map,
    palette: () => PALETTES.light,
    theme: () => 'light',
    requestRedraw: () => redraws++,
    afterDrawn: (callback) => callback(),
    visible: () => true,
  };
  module.init(context);
  const cones = (): Layer | undefined => module.deckLayers(PALETTES.light).find((l) => l.id === CAMERA_CONES_DECK_LAYER);
  return { module, fire, listeners, cones, redraws: () => redraws };
}

const cam = (code: string, online = true): CameraFeature => ({ code, online, at: [118.9, 32.1] });

describe('camera field-of-view cones', () => {
  it('are collected when the map goes idle at high zoom, and an unchanged idle asks for no redraw', () => {
    const state = { zoom: CONE_MIN_ZOOM + 1, cameras: [cam('C1'), cam('C2', false)] };
    const t = setUp(state);
    t.fire('idle');
    expect(t.redraws()).toBe(1);
    const first = t.cones()?.props.data as { code: string; online: boolean }[];
    expect(first.map((c) => [c.code, c.online])).toEqual([
      ['C1', true],
      ['C2', false],
    ]);
    // MapLibre goes idle after every frame it draws: a redraw here would draw a frame, go idle again, forever.
    t.fire('idle');
    t.fire('moveend');
    expect(t.redraws()).toBe(1);
    // The same array: deck.gl does not tessellate the cones again.
    expect(t.cones()?.props.data).toBe(first);
  });

  it('are collected again when a camera changes state, and dropped below the cone zoom', () => {
    const state = { zoom: CONE_MIN_ZOOM + 1, cameras: [cam('C1')] };
    const t = setUp(state);
    t.fire('idle');
    state.cameras = [cam('C1', false)];
    t.fire('idle');
    expect(t.redraws()).toBe(2);
    expect((t.cones()?.props.data as { online: boolean }[])[0].online).toBe(false);
    state.zoom = CONE_MIN_ZOOM - 1;
    t.fire('moveend');
    expect(t.redraws()).toBe(3);
    expect(t.cones()).toBeUndefined();
    t.fire('idle');
    expect(t.redraws()).toBe(3);
  });

  it('stops listening when disposed', () => {
    const t = setUp({ zoom: CONE_MIN_ZOOM + 1, cameras: [cam('C1')] });
    expect(t.listeners()).toBe(2);
    t.module.dispose();
    expect(t.listeners()).toBe(0);
  });
});

describe('camera cone outlines', () => {
  it('are bands CONE_EDGE_PIXELS wide in plain polygons, rebuilt when the zoom changes by a quarter step', () => {
    const state = { zoom: 16, cameras: [cam('C1')] };
    const t = setUp(state);
    t.fire('idle');
    const layers = t.module.deckLayers(PALETTES.light);
    expect(layers.map((l) => l.constructor.name)).toEqual(['SolidPolygonLayer', 'SolidPolygonLayer']);
    const [cone] = t.cones()?.props.data as CameraCone[];
    expect(cone.edge).toHaveLength(2);
    expect(cone.edge[0]).toBe(cone.ring);
    // The hole is the cone 1.2 px in: along the heading (east) its arc ends 1.2 px short of the outer one.
    const reach = (ring: [number, number][]) => Math.max(...ring.map(([lon]) => lon)) - 118.9;
    expect((reach(cone.edge[0]) - reach(cone.edge[1])) * metresPerDegree(32.1).lonM).toBeCloseTo(CONE_EDGE_PIXELS * metresPerPixel(16, 32.1), 3);
    state.zoom = 16.1;
    t.fire('idle');
    expect(t.redraws()).toBe(1);
    state.zoom = 16.5;
    t.fire('idle');
    expect(t.redraws()).toBe(2);
  });
});
