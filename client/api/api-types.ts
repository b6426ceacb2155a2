/**
 * Shapes of the server's answers as the console reads them (server/…/*.route.ts are the source; the live
 * types are the shared contract of the live channel, structurally the same as client/live's).
 */
import type { Grade, Role } from '../../server/contract/incident-vocabulary.js';
import type { RecommendedResponder } from '../../server/routing/recommend-responders.js';

export type { Grade, Role };
export type Bbox = [number, number, number, number];

export interface Account {
  id: number | null;
  username: string | null;
  displayName: string;
  role: Role;
  /** A unit code or 'city'. */
  jurisdiction: string;
}

/** The live channel's items: one definition, in the server's protocol module (type-only import, erased in the build). */
export type { LiveIncident, LiveWorker } from '../../server/live/live-protocol.js';

export interface Unit {
  code: string;
  name: string;
  level: 'district' | 'street' | 'community' | 'grid' | 'micro_grid';
  bbox: Bbox;
  labelPoint: [number, number];
  generated: boolean;
}

export interface WhatsHere {
  wgs84: { lon: number; lat: number };
  microGrid: { code: string; name: string; kind: string; households: number; population: number };
  chain: { level: Unit['level']; code: string; name: string }[];
  generated: boolean;
  workers: { code: string; name: string; role: string; skills: string[]; dutyStatus: string; lastPositionAt: string | null; stale: boolean }[];
  cameras: { code: string; name: string; online: boolean; hasStream: boolean; distanceM: number; lon: number; lat: number; generated: boolean }[];
  /** Cameras whose field of view covers the point, then the nearest within 300 m that may not see it (server/video). */
  coveringCameras: { code: string; name: string; online: boolean; covers: boolean; mayNotSee: boolean; distanceM: number; generated: boolean }[];
  incidents: { id: number; number: string; category: string; grade: Grade; state: string; reportedAt: string; distanceM: number; generated: boolean }[];
  radiusM: number;
  days: number;
}

/** GET /api/incidents/:id → incident (database columns, snake_case). */
export interface IncidentRecord {
  id: number;
  number: string;
  source: string;
  category: string;
  grade: Grade;
  grade_overridden: boolean;
  description: string;
  address: string | null;
  lon: number;
  lat: number;
  micro_grid_code: string;
  street_code: string;
  near_boundary_m: number | null;
  state: string;
  assigned_worker_code: string | null;
  offer_acknowledged: boolean;
  resolved_by_worker_code: string | null;
  resolved_by_account_id: number | null;
  deadline_stage: string | null;
  deadline_at: string | null;
  escalation_level: number;
  overdue: boolean;
  satisfaction: number | null;
  merged_into: number | null;
  reported_at: string;
  updated_at: string;
  closed_at: string | null;
  generated: boolean;
}

export interface TimelineEntry {
  at: string;
  event: string;
  from_state: string | null;
  to_state: string | null;
  actor_role: string | null;
  worker_code: string | null;
  detail: Record<string, unknown> | null;
  /** The reply to the reporter (published on /report/{id}), on a resolve or close step. */
  public_note?: string | null;
}

export interface IncidentDetail {
  incident: IncidentRecord;
  timeline: TimelineEntry[];
  reports: { source: string; reporter_name: string | null; reporter_phone: string | null; description: string; received_at: string }[] | null;
  photos?: { id: number | string; url?: string }[];
  summonses?: Summons[];
}

/** A "whistle" (吹哨报到): a department summoned about an incident, due to report by its deadline. */
export interface Summons {
  id: number | string;
  department_code: string;
  department_name_zh: string;
  department_name_en: string;
  note: string;
  state: 'summoned' | 'reported';
  summoned_at: string;
  deadline_at: string;
  overdue: boolean;
  reported_at: string | null;
  report_note: string | null;
}

/** A recommended worker as the server ranks it (server/routing/recommend-responders.ts; type-only, erased in the build). */
export type { RecommendedResponder } from '../../server/routing/recommend-responders.js';

export interface Recommendations {
  incidentId: number;
  responders: RecommendedResponder[];
}

export interface Category {
  code: string;
  name_zh: string;
  name_en: string;
  default_grade: Grade;
}

export interface Department {
  code: string;
  name?: string;
  name_zh?: string;
  name_en?: string;
  nameZh?: string;
  nameEn?: string;
}

export interface IntakeAnswer {
  incident: { id: number; number: string; state: string; grade: Grade };
  location: { microGrid: { code: string; name: string }; community: { name: string }; street: { name: string } };
  duplicates: { id: number; number: string; state: string; distance_m: number }[];
}
