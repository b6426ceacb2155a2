/**
 * The data the console map draws, as the live channel delivers it (the protocol in
 * server/live/live-protocol.ts: LiveIncident, LiveWorker). The map only reads these; the console's store owns them.
 */
import type { LiveIncident, LiveWorker } from '../../server/live/live-protocol.js';

/** The live channel's items, defined once in the server's protocol module (type-only, erased in the build). */
export type { LiveIncident, LiveWorker };

export type MapTheme = 'light' | 'dark';
export type MapLanguage = 'zh-CN' | 'en';
/** [west, south, east, north] in WGS84 degrees. */
export type BoundingBox = [number, number, number, number];

/** What a click on the map found under the pointer (the topmost pickable object), or null. */
export type MapPick = { kind: 'incident'; id: number } | { kind: 'worker'; code: string } | { kind: 'camera'; code: string } | null;

/** Everything a layer may draw, handed to every layer's update(); layers never fetch. */
export interface MapLayerData {
  incidents: readonly LiveIncident[];
  workers: readonly LiveWorker[];
  selectedIncidentId: number | null;
  route: readonly [number, number][] | null;
  highlightedMicroGrid: string | null;
}

export const EMPTY_LAYER_DATA: MapLayerData = { incidents: [], workers: [], selectedIncidentId: null, route: null, highlightedMicroGrid: null };
