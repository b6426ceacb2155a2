/**
 * The data the console map draws, as the live channel delivers it (the shared protocol in DESIGN.md /
 * the helpers' brief: LiveIncident, LiveWorker). The map only reads these; the console's store owns them.
 */
export type IncidentGrade = 'blue' | 'yellow' | 'orange' | 'red';

export interface LiveIncident {
  id: number;
  number: string;
  state: string;
  grade: IncidentGrade;
  category: string;
  source: string;
  lon: number;
  lat: number;
  microGridCode: string;
  communityCode: string;
  streetCode: string;
  districtCode: string;
  assignedWorkerCode: string | null;
  escalationLevel: number;
  overdue: boolean;
  deadlineAt: string | null;
  reportedAt: string;
  generated: boolean;
}

export interface LiveWorker {
  code: string;
  name: string;
  role: string;
  lon: number;
  lat: number;
  at: string;
  dutyStatus: string;
  busy: boolean;
  stale: boolean;
  microGridCode: string;
}

export type MapTheme = 'light' | 'dark';
export type MapLanguage = 'zh-CN' | 'en';
/** [west, south, east, north] in WGS84 degrees. */
export type BoundingBox = [number, number, number, number];

/** What a click on the map found under the pointer (the topmost pickable object), or null. */
export type MapPick = { kind: 'incident'; id: number } | { kind: 'worker'; code: string } | { kind: 'camera'; code: string } | null;

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
  selectedIncidentId: number | null;
  route: readonly [number, number][] | null;
  highlightedMicroGrid: string | null;
}

export const EMPTY_LAYER_DATA: MapLayerData = { incidents: [], workers: [], selectedIncidentId: null, route: null, highlightedMicroGrid: null };
