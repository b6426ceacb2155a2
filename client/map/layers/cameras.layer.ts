/**
 * Video cameras from the `devices` vector tiles (online / offline; clusters below z12), and from
 * CONE_MIN_ZOOM their field-of-view cones: the cameras of the loaded tiles in view (querySourceFeatures,
 * fields heading_deg, fov_deg, range_m) drawn as deck.gl polygons, rebuilt when the map stops moving. A cone's
 * outline is a band polygon CONE_EDGE_PIXELS wide (the cone minus its inset), not a deck.gl PathLayer: software
 * WebGL runs the PathLayer's instanced draw as one draw per edge (BENCHMARKS.md).
 * Picking (console-map.ts) returns the camera under the pointer: its point or its cone.
 */
import type { Layer } from '@deck.gl/core';
import { SolidPolygonLayer } from '@deck.gl/layers';
import { DEVICES_SOURCE } from '../basemap-style.js';
import { deviceStyleLayers } from '../device-style-layers.js';
import { fieldOfViewRing, insetFieldOfView, metresPerPixel } from '../camera-cone.js';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import { colorToRgba, type MapPalette } from '../map-palette.js';

export const CAMERA_POINTS_LAYER = 'cameras-points';
export const CAMERA_CONES_DECK_LAYER = 'cameras-cones';
export const CONE_MIN_ZOOM = 15.5;
/** How wide a cone's outline is drawn, CSS pixels. */
export const CONE_EDGE_PIXELS = 1.2;

export interface CameraCone {
  code: string;
  online: boolean;
  ring: [number, number][];
  /** The outline: the ring with the inset cone as its hole (the whole cone when it is too small for a hole). */
  edge: [number, number][][];
}

/** A cone in its camera's state colour (online / offline) at this opacity (of 255). */
function coneColor(p: MapPalette, cone: CameraCone, alpha: number): [number, number, number, number] {
  return colorToRgba(cone.online ? p.camera.cone : p.camera.offline, alpha);
}

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let cones: CameraCone[] = [];

  /** What the cones drawn were made of: a new cones array makes deck.gl tessellate every cone again. */
  let drawnKey = '';

  const collectCones = () => {
    const map = context?.map;
    if (!map || !context?.visible()) return;
    const found: CameraCone[] = [];
    const keys: string[] = [];
    const zoom = map.getZoom();
    if (zoom >= CONE_MIN_ZOOM && map.getSource(DEVICES_SOURCE)) {
      const bounds = map.getBounds();
      // The outline's width on the ground at this zoom (a quarter zoom step apart, the outlines are rebuilt).
      const edgeZoom = Math.round(zoom * 4) / 4;
      keys.push(`z${edgeZoom}`);
      const seen = new Set<string>();
      for (const feature of map.querySourceFeatures(DEVICES_SOURCE, { sourceLayer: 'cameras' })) {
        const p = feature.properties;
        const code = typeof p.code === 'string' ? p.code : null;
        if (!code || seen.has(code) || feature.geometry.type !== 'Point') continue;
        const [lon, lat] = feature.geometry.coordinates as [number, number];
        if (!bounds.contains([lon, lat])) continue;
        seen.add(code);
        const cone = { lon, lat, headingDeg: Number(p.heading_deg), fovDeg: Number(p.fov_deg), rangeM: Number(p.range_m) };
        const ring = fieldOfViewRing(cone);
        const inner = insetFieldOfView(cone, CONE_EDGE_PIXELS * metresPerPixel(edgeZoom, lat));
        found.push({ code, online: p.online === true, ring, edge: inner ? [ring, fieldOfViewRing(inner)] : [ring] });
        keys.push(`${code}:${p.online === true}:${lon}:${lat}:${cone.headingDeg}:${cone.fovDeg}:${cone.rangeM}`);
      }
    }
    // The map goes idle after every frame it draws: a redraw for unchanged cones would draw another frame, go
    // idle again and never stop.
    const key = keys.join('|');
    if (key === drawnKey) return;
    drawnKey = key;
    cones = found;
    context.requestRedraw();
  };

  return {
    id: 'cameras',
    titleKey: 'map.layer.cameras',
    styleLayers: (p) => deviceStyleLayers('cameras', CAMERA_POINTS_LAYER, { ...p.camera, halo: p.label.halo }),
    deckLayers: (p: MapPalette): Layer[] =>
      cones.length === 0
        ? []
        : [
            new SolidPolygonLayer<CameraCone>({
              id: CAMERA_CONES_DECK_LAYER,
              data: cones,
              pickable: true,
              getPolygon: (d) => d.ring,
              getFillColor: (d) => coneColor(p, d, 56),
              updateTriggers: { getFillColor: p },
            }),
            new SolidPolygonLayer<CameraCone>({
              id: `${CAMERA_CONES_DECK_LAYER}-edges`,
              data: cones,
              getPolygon: (d) => d.edge,
              getFillColor: (d) => coneColor(p, d, 150),
              updateTriggers: { getFillColor: p },
            }),
          ],
    legend: (p) => [
      { labelKey: 'map.legend.cameraOnline', color: p.camera.online },
      { labelKey: 'map.legend.cameraOffline', color: p.camera.offline },
      { labelKey: 'map.legend.cameraCone', color: p.camera.cone },
    ],
    init(ctx) {
      context = ctx;
      ctx.map.on('moveend', collectCones);
      ctx.map.on('idle', collectCones);
    },
    update() {},
    dispose() {
      context?.map.off('moveend', collectCones);
      context?.map.off('idle', collectCones);
      context = null;
      cones = [];
      drawnKey = '';
    },
  };
}
