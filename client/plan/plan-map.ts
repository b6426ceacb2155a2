/**
 * The planner's map: the micro-grids of one community filled by the grid they are assigned to (the plan's
 * paint over the live map), outlined thin, the brush's grid outlined thick. Painting: press and drag (or
 * click) over micro-grids; each stroke is handed over whole when the button is released. Splitting draws a line
 * (split-draw.ts, terra-draw); merging picks micro-grids by click. The pieces of the plan's splits and merges are
 * drawn over the micro-grids, their new boundaries in red. The container gets `data-map-ready="true"` once drawn,
 * and keeps the map on `planMap` for tests.
 */
import { Map as MapLibreMap, NavigationControl, setWorkerUrl, type GeoJSONSource, type MapMouseEvent } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { PaintableUnit, SnapLines } from '../api/api-types.js';
import type { Assignment } from './paint-history.js';
import { createSplitDraw } from './split-draw.js';

/** A unit the brush paints, as the contract says GET /api/plans/map answers it. */
export type PaintableFeature = PaintableUnit;

export interface PlanMap {
  show(features: PaintableFeature[], gridColours: Map<string, string>): void;
  setAssignment(assignment: Assignment): void;
  setBrush(grid: string | null): void;
  /** The pieces of the plan's splits and merges (outlines from the server). */
  setPieces(pieces: GeoJSON.Feature[]): void;
  /** Roads and river banks near the community (drawn thin; the split and reshape tools snap to them). */
  setSnapLines(lines: SnapLines['features']): void;
  /** Micro-grids outlined as picked (merge). */
  setPicked(codes: string[]): void;
  /** 'split': draw a line; 'merge' and 'reshape': clicks pick micro-grids; null: paint (or nothing). */
  setTool(tool: 'split' | 'merge' | 'reshape' | null): void;
  /** The reshape tool's edge: loaded for dragging, read back, dropped. */
  editEdge(coordinates: [number, number][]): void;
  editedEdge(): [number, number][] | null;
  stopEdit(): void;
  destroy(): void;
}

export interface PlanMapHandlers {
  onStroke(units: string[]): void;
  onLine(coordinates: [number, number][]): void;
  onPick(unit: string): void;
}

const SOURCE = 'micro-grids';
const PIECES = 'plan-pieces';
const SNAP = 'plan-snap-lines';

export function createPlanMap(container: HTMLElement, handlers: PlanMapHandlers): PlanMap {
  const onStroke = handlers.onStroke;
  setWorkerUrl(workerUrl);
  container.dataset.mapReady = 'false';
  const map = new MapLibreMap({
    container,
    style: { version: 8, sources: {}, layers: [] },
    center: [118.93, 32.1],
    zoom: 13,
    attributionControl: false,
    dragPan: true,
  });
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  (container as HTMLElement & { planMap?: unknown }).planMap = map;
  let features: PaintableFeature[] = [];
  let colours = new Map<string, string>();
  let assignment: Assignment = {};
  let brush: string | null = null;
  let stroke: Set<string> | null = null;
  let tool: 'split' | 'merge' | 'reshape' | null = null;
  let pieces: GeoJSON.Feature[] = [];
  let snapFeatures: SnapLines['features'] = [];
  let snapLines: number[][][] = [];
  const split = createSplitDraw(
    map,
    () => features,
    handlers.onLine,
    () => snapLines,
  );

  const data = () => ({
    type: 'FeatureCollection' as const,
    features: features.map((f) => {
      const grid = assignment[f.properties.code] ?? f.properties.grid;
      return { ...f, properties: { ...f.properties, assigned: grid, colour: colours.get(grid) ?? '#999999', painted: grid !== f.properties.grid } };
    }),
  });
  const loaded = new Promise<void>((resolve) => map.on('load', () => resolve()));
  void loaded.then(() => {
    map.addSource(SOURCE, { type: 'geojson', data: data(), promoteId: 'code' });
    map.addLayer({ id: 'fill', type: 'fill', source: SOURCE, paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.75 } });
    map.addLayer({ id: 'outline', type: 'line', source: SOURCE, paint: { 'line-color': '#3a4555', 'line-width': 0.6 } });
    map.addLayer({
      id: 'brush',
      type: 'line',
      source: SOURCE,
      filter: ['==', ['get', 'assigned'], ''],
      paint: { 'line-color': '#111111', 'line-width': 2.5 },
    });
    map.addLayer({
      id: 'painted',
      type: 'line',
      source: SOURCE,
      filter: ['==', ['get', 'painted'], true],
      paint: { 'line-color': '#ffffff', 'line-width': 1.5, 'line-dasharray': [2, 1] },
    });
    map.addLayer({
      id: 'picked',
      type: 'line',
      source: SOURCE,
      filter: ['in', ['get', 'code'], ['literal', []]],
      paint: { 'line-color': '#111111', 'line-width': 3 },
    });
    map.addSource(SNAP, { type: 'geojson', data: { type: 'FeatureCollection', features: snapFeatures } });
    map.addLayer({
      id: 'snap-lines',
      type: 'line',
      source: SNAP,
      paint: { 'line-color': ['match', ['get', 'kind'], 'water', '#1f77b4', '#6b6b6b'], 'line-width': 1, 'line-dasharray': [3, 2] },
    });
    map.addSource(PIECES, { type: 'geojson', data: { type: 'FeatureCollection', features: pieces } });
    map.addLayer({ id: 'pieces-fill', type: 'fill', source: PIECES, paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.35 } });
    map.addLayer({ id: 'pieces-line', type: 'line', source: PIECES, paint: { 'line-color': '#d62728', 'line-width': 3 } });
    map.once('idle', () => (container.dataset.mapReady = 'true'));
  });

  const unitAt = (event: MapMouseEvent) => map.queryRenderedFeatures(event.point, { layers: ['fill'] })[0]?.properties?.code as string | undefined;
  map.on('click', (event) => {
    if (tool !== 'merge' && tool !== 'reshape') return;
    const unit = unitAt(event);
    if (unit) handlers.onPick(unit);
  });
  map.on('mousedown', (event) => {
    if (!brush || tool) return;
    event.preventDefault();
    map.dragPan.disable();
    stroke = new Set();
    const unit = unitAt(event);
    if (unit) stroke.add(unit);
  });
  map.on('mousemove', (event) => {
    if (!stroke) return;
    const unit = unitAt(event);
    if (unit) stroke.add(unit);
  });
  const finish = () => {
    if (!stroke) return;
    const units = [...stroke];
    stroke = null;
    map.dragPan.enable();
    if (units.length > 0) onStroke(units);
  };
  map.on('mouseup', finish);
  container.addEventListener('mouseleave', finish);

  const refresh = () => {
    void loaded.then(() => (map.getSource(SOURCE) as GeoJSONSource).setData(data()));
  };
  return {
    show(next, nextColours) {
      features = next;
      colours = nextColours;
      refresh();
      const coordinates = next.flatMap((f) => (f.geometry.type === 'MultiPolygon' ? f.geometry.coordinates.flat(2) : []));
      if (coordinates.length > 0) {
        const lons = coordinates.map((c) => c[0]);
        const lats = coordinates.map((c) => c[1]);
        map.fitBounds([Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)], { padding: 24, animate: false });
      }
    },
    setAssignment(next) {
      assignment = next;
      refresh();
    },
    setBrush(grid) {
      brush = grid;
      void loaded.then(() => map.setFilter('brush', ['==', ['get', 'assigned'], grid ?? '']));
    },
    setPieces(next) {
      pieces = next;
      void loaded.then(() => (map.getSource(PIECES) as GeoJSONSource).setData({ type: 'FeatureCollection', features: pieces }));
    },
    setSnapLines(next) {
      snapFeatures = next;
      snapLines = next.flatMap((f) => f.geometry.coordinates);
      void loaded.then(() => (map.getSource(SNAP) as GeoJSONSource).setData({ type: 'FeatureCollection', features: snapFeatures }));
    },
    setPicked(codes) {
      void loaded.then(() => map.setFilter('picked', ['in', ['get', 'code'], ['literal', codes]]));
    },
    setTool(next) {
      tool = next;
      split.setActive(next === 'split');
    },
    editEdge: (coordinates) => split.editEdge(coordinates),
    editedEdge: () => split.editedEdge(),
    stopEdit: () => split.stopEdit(),
    destroy() {
      map.remove();
    },
  };
}
