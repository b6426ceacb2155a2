/**
 * The data the console map draws, as the live channel delivers it (the protocol in
 * server/live/live-protocol.ts: LiveIncident, LiveWorker). The map only reads these; the console's store owns them.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import type { Grade as IncidentGrade } from '../../server/contract/incident-vocabulary.js';
import type { LiveIncident, LiveSensor, LiveWorker } from '../../server/live/live-protocol.js';

/** The live channel's items, defined once in the server's protocol module (type-only, erased in the build). */
export type { IncidentGrade, LiveIncident, LiveSensor, LiveWorker };

export type MapTheme = 'light' | 'dark';
export type MapLanguage = 'zh-CN' | 'en';
/** [west, south, east, north] in WGS84 degrees. */
export type BoundingBox = [number, number, number, number];

/** What a click on the map found under the pointer (the topmost pickable object), or null. */
export type MapPick =
  { kind: 'incident'; id: number } | { kind: 'worker'; code: string } | { kind: 'camera'; code: string } | { kind: 'sensor'; code: string } | null;

/** Everything a layer may draw, handed to every layer's update(); layers never fetch. */
export interface MapLayerData {
  incidents: readonly LiveIncident[];
  workers: readonly LiveWorker[];
  /** Sensors whose state the live channel reported (alarm and offline drawn over the tiles' points). */
  sensors: readonly LiveSensor[];
  selectedIncidentId: number | null;
  route: readonly [number, number][] | null;
  highlightedMicroGrid: string | null;
  /** The screens' layers (client/screens): incidents of the last 24 h (any state) for the extruded density. */
  recentIncidents?: readonly RecentIncidentPoint[];
  /** Dispatch arcs, worker → case, while they are fresh (the big screen). */
  dispatchArcs?: readonly DispatchArc[];
  /** A value per child unit for the choropleth (the mid screen's safety index). */
  choropleth?: UnitChoropleth | null;
  /** The administrator's camera-position review: flagged cameras of an import, the selected one, a drag. */
  cameraReview?: CameraReviewDrawing | null;
}

/** What the camera-review layer draws (client/panels/camera-review-panel.ts hands it in). */
export interface CameraReviewDrawing {
  cameras: readonly ReviewPoint[];
  selectedLine: number | null;
  /** While a camera is being moved: where it was dropped and the road point it snaps to (null: none near). */
  draft: { line: number; dropped: [number, number]; snapped: [number, number] | null } | null;
}

export interface ReviewPoint {
  line: number;
  /** As imported (WGS84 of the declared CRS). */
  given: [number, number];
  /** The QA's correction (the GCJ-02 reading of a likely_gcj02 camera), or null. */
  suggested: [number, number] | null;
}

export interface RecentIncidentPoint {
  lon: number;
  lat: number;
  grade: IncidentGrade;
}

export interface DispatchArc {
  incidentId: number;
  from: [number, number];
  to: [number, number];
  grade: IncidentGrade;
  /** Date.now() when it was dispatched: the arc fades out after a while. */
  startedAt: number;
}

/** Child units filled by a value (their polygons from GET /api/units/:code?geometry=true). */
export interface UnitChoropleth {
  units: readonly { code: string; geometry: Polygon | MultiPolygon; color: string }[];
}

export const EMPTY_LAYER_DATA: MapLayerData = {
  incidents: [],
  workers: [],
  sensors: [],
  selectedIncidentId: null,
  route: null,
  highlightedMicroGrid: null,
};
