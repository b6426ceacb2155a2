/**
 * The split tool on the planner's map: terra-draw's linestring mode (through its MapLibre adapter) draws the
 * cutting line — click to add points, click the last point again or press Enter to finish — with the pointer
 * snapped to the micro-grids' edges within 10 px (split-target.ts), so a line can start and end exactly on an edge,
 * or else to a road or river bank within 10 px (the lines plan-map.ts is given), so a line can follow a road.
 * The finished line is handed over and removed from the drawing: the plan's pieces are drawn by plan-map.ts from
 * the server's answer. The reshape tool loads a shared edge into terra-draw's select mode, whose vertices and
 * midpoints can be dragged (snapped the same way); the edited line is read back when the planner applies it.
 */
import { TerraDraw, TerraDrawLineStringMode, TerraDrawSelectMode, type TerraDrawMouseEvent } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { snapToEdges, snapToLines, type CodedShape } from './split-target.js';

export interface SplitDraw {
  setActive(active: boolean): void;
  /** Load a line (a shared edge) for its vertices to be dragged. */
  editEdge(coordinates: [number, number][]): void;
  /** The edited line as it stands, or null. */
  editedEdge(): [number, number][] | null;
  stopEdit(): void;
}

const SNAP_PX = 10;

export function createSplitDraw(
  map: MapLibreMap,
  shapes: () => readonly CodedShape[],
  onLine: (coordinates: [number, number][]) => void,
  /** Roads and river banks near the community (lon/lat polylines): snapped to when no edge is within reach. */
  snapLines: () => readonly number[][][] = () => [],
): SplitDraw {
  let draw: TerraDraw | null = null;
  let wanted = false;
  let edgeId: string | number | null = null;
  const snap = (event: TerraDrawMouseEvent) => {
    const pointer = { x: event.containerX, y: event.containerY };
    const project = (lng: number, lat: number) => map.project([lng, lat]);
    const unproject = (x: number, y: number) => map.unproject([x, y]);
    return snapToEdges(pointer, shapes(), project, unproject, SNAP_PX) ?? snapToLines(pointer, snapLines(), project, unproject, SNAP_PX);
  };
  const start = () => {
    if (draw) return draw;
    draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map, prefixId: 'split-draw' }),
      modes: [
        new TerraDrawLineStringMode({
          snapping: { toCustom: snap },
          styles: { lineStringColor: '#d62728', lineStringWidth: 3, closingPointColor: '#d62728', snappingPointColor: '#111111' },
        }),
        new TerraDrawSelectMode({
          flags: { linestring: { feature: { coordinates: { draggable: true, midpoints: true, deletable: true, snappable: { toCustom: snap } } } } },
          styles: { selectedLineStringColor: '#d62728', selectedLineStringWidth: 3, selectionPointColor: '#d62728', midPointColor: '#ffffff' },
        }),
      ],
    });
    draw.start();
    draw.on('finish', (id, context) => {
      // Only a drawn line: the select mode reports its drags of the edited edge as finishes too.
      if (context.mode !== 'linestring') return;
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
    editEdge(coordinates) {
      const d = start();
      if (edgeId !== null) d.removeFeatures([edgeId]);
      edgeId = d.getFeatureId();
      d.addFeatures([{ id: edgeId, type: 'Feature', geometry: { type: 'LineString', coordinates }, properties: { mode: 'linestring' } }]);
      d.setMode('select');
      d.selectFeature(edgeId);
    },
    editedEdge() {
      const feature = edgeId === null ? undefined : draw?.getSnapshotFeature(edgeId);
      return feature?.geometry.type === 'LineString' ? feature.geometry.coordinates.map(([lon, lat]) => [lon, lat] as [number, number]) : null;
    },
    stopEdit() {
      if (draw && edgeId !== null) draw.removeFeatures([edgeId]);
      edgeId = null;
      draw?.setMode(wanted ? 'linestring' : 'static');
    },
  };
}
