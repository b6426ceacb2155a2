/**
 * The split tool on the planner's map: terra-draw's linestring mode (through its MapLibre adapter) draws the
 * cutting line — click to add points, click the last point again or press Enter to finish — with the pointer
 * snapped to the micro-grids' edges within 10 px (split-target.ts), so a line can start and end exactly on an edge.
 * The finished line is handed over and removed from the drawing: the plan's pieces are drawn by plan-map.ts from
 * the server's answer.
 */
import { TerraDraw, TerraDrawLineStringMode, type TerraDrawMouseEvent } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { snapToEdges, type CodedShape } from './split-target.js';

export interface SplitDraw {
  setActive(active: boolean): void;
}

const SNAP_PX = 10;

export function createSplitDraw(map: MapLibreMap, shapes: () => readonly CodedShape[], onLine: (coordinates: [number, number][]) => void): SplitDraw {
  let draw: TerraDraw | null = null;
  let wanted = false;
  const snap = (event: TerraDrawMouseEvent) =>
    snapToEdges(
      { x: event.containerX, y: event.containerY },
      shapes(),
      (lng, lat) => map.project([lng, lat]),
      (x, y) => map.unproject([x, y]),
      SNAP_PX,
    );
  const start = () => {
    if (draw) return draw;
    draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map, prefixId: 'split-draw' }),
      modes: [
        new TerraDrawLineStringMode({
          snapping: { toCustom: snap },
          styles: { lineStringColor: '#d62728', lineStringWidth: 3, closingPointColor: '#d62728', snappingPointColor: '#111111' },
        }),
      ],
    });
    draw.start();
    draw.on('finish', (id) => {
      const feature = draw?.getSnapshotFeature(id);
      draw?.removeFeatures([id]);
      if (feature?.geometry.type === 'LineString') onLine(feature.geometry.coordinates.map(([lon, lat]) => [lon, lat]));
    });
    return draw;
  };
  const apply = () => {
    if (!wanted && !draw) return;
    const d = start();
    d.setMode(wanted ? 'linestring' : 'static');
  };
  return {
    setActive(active) {
      wanted = active;
      if (map.loaded()) apply();
      else map.once('load', apply);
    },
  };
}
