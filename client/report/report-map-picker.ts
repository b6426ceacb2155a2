/**
 * The citizens' page map (loaded only when the citizen opens it: a dynamic import keeps MapLibre and gcoord out
 * of the page's first load): the field app's map (client/mobile/field-map.ts, the project's own vector tiles),
 * a tap picks the point. The chosen point is drawn where it really is — typed GCJ-02 coordinates converted to
 * WGS84 for display with the server's own conversion (server/units/locate-point.ts).
 */
import { createFieldMap } from '../mobile/field-map.js';
import { toWgs84 } from '../../server/units/locate-point.js';
import type { ReportPoint } from './report-point.js';

export interface ReportMap {
  /** Draw the chosen point; `focus` also centres the map on it (a typed point may be out of view). */
  show(point: ReportPoint | null, focus?: boolean): void;
  remove(): void;
}

export function openReportMap(
  container: HTMLElement,
  options: { center: { lon: number; lat: number }; theme: 'light' | 'dark'; onPick(point: { lon: number; lat: number }): void },
): ReportMap {
  const map = createFieldMap(container, { center: [options.center.lon, options.center.lat], theme: options.theme, publicTiles: true });
  map.onTap(options.onPick);
  return {
    show(point, focus = false) {
      const shown = point ? toWgs84(point.lon, point.lat, point.crs) : null;
      map.show({ picked: shown, focus: focus ? shown : null });
    },
    remove: () => map.remove(),
  };
}
