/**
 * The data the console map draws, as the live channel delivers it (the protocol in
 * server/live/live-protocol.ts: LiveIncident, LiveWorker). The map only reads these; the console's store owns them.
 */
import type { IncidentGrade, LiveIncident, LiveSensor, LiveWorker } from '../../server/live/live-protocol.js';

/** The live channel's items, defined once in the server's protocol module (type-only, erased in the build). */
export type { IncidentGrade, LiveIncident, LiveSensor, LiveWorker };

export type MapTheme = 'light' | 'dark';
export type MapLanguage = 'zh-CN' | 'en';
/** [west, south, east, north] in WGS84 degrees. */
export type BoundingBox = [number, number, number, number];

/** What a click on the map found under the pointer (the topmost pickable object), or null. */
export type MapPick = { kind: 'incident'; id: number } | { kind: 'worker'; code: string } | { kind: 'camera'; code: string } | { kind: 'sensor'; code: string } | null;

/**
 * States of a finished case (server/incidents/incident-lifecycle.ts FINISHED_STATES): the live channel sends
 * such an item to say "remove from the open view"; the map draws every other item it is given.
 */
export const FINISHED_INCIDENT_STATES: ReadonlySet<string> = new Set(['closed', 'rejected']);

export function isOpenIncident(incident: { state: string }): boolean {
  return !FINISHED_INCIDENT_STATES.has(incident.state);
}

/** Everything a layer may draw, handed to every layer's update(); layers never fetch. */
export interface MapLayerData {
  incidents: readonly LiveIncident[];
  workers: readonly LiveWorker[];
  /** Sensors whose state the live channel reported (alarm and offline drawn over the tiles' points). */
  sensors: readonly LiveSensor[];
  selectedIncidentId: number | null;
  route: readonly [number, number][] | null;
  highlightedMicroGrid: string | null;
}

export const EMPTY_LAYER_DATA: MapLayerData = { incidents: [], workers: [], sensors: [], selectedIncidentId: null, route: null, highlightedMicroGrid: null };
