/**
 * Dragging one point on the map (the review's selected camera): a mouse press within GRAB_PIXELS of where the
 * point is drawn takes it (MapLibre's drag-pan is prevented for that press: MapMouseEvent.preventDefault on
 * mousedown), every move reports the pointer's position, the release reports where it was dropped. Pointer
 * input only; the review panel decides what a drop means (it asks the server where it snaps).
 *
 *   const stop = attachPointDrag(map, { position: () => [lon, lat] | null, onMove, onDrop });
 */
import type { Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';

/** How near the press must be to the point, CSS pixels. */
export const GRAB_PIXELS = 14;

export interface PointDragOptions {
  /** Where the draggable point is drawn now, or null when nothing can be dragged. */
  position(): [number, number] | null;
  onMove(at: { lon: number; lat: number }): void;
  onDrop(at: { lon: number; lat: number }): void;
}

export function attachPointDrag(map: MapLibreMap, options: PointDragOptions): () => void {
  let dragging = false;
  const canvas = map.getCanvasContainer();

  const near = (event: MapMouseEvent): boolean => {
    const at = options.position();
    if (!at) return false;
    const p = map.project(at);
    return Math.hypot(p.x - event.point.x, p.y - event.point.y) <= GRAB_PIXELS;
  };
  const onHover = (event: MapMouseEvent) => {
    if (!dragging) canvas.style.cursor = near(event) ? 'grab' : '';
  };
  const onMove = (event: MapMouseEvent) => {
    if (!dragging) return;
    options.onMove({ lon: event.lngLat.lng, lat: event.lngLat.lat });
  };
  const onUp = (event: MapMouseEvent) => {
    if (!dragging) return;
    dragging = false;
    canvas.style.cursor = '';
    map.off('mousemove', onMove);
    options.onDrop({ lon: event.lngLat.lng, lat: event.lngLat.lat });
  };
  const onDown = (event: MapMouseEvent) => {
    if (event.originalEvent.button !== 0 || !near(event)) return;
    event.preventDefault();
    dragging = true;
    canvas.style.cursor = 'grabbing';
    map.on('mousemove', onMove);
    map.once('mouseup', onUp);
  };
  map.on('mousedown', onDown);
  map.on('mousemove', onHover);
  return () => {
    map.off('mousedown', onDown);
    map.off('mousemove', onHover);
    map.off('mousemove', onMove);
    map.off('mouseup', onUp);
    canvas.style.cursor = '';
  };
}
