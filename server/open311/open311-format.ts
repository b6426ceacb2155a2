/**
 * Open311 GeoReport v2 shapes: services from the category table, service requests from incidents, and the
 * standard's error format (an array of { code, description }).
 */
import { isOpenState, type IncidentState } from '../contract/incident-vocabulary.js';

export interface CategoryRow {
  code: string;
  name_zh: string;
  name_en: string;
}

export function serviceOf(c: CategoryRow, language: 'zh' | 'en') {
  return {
    service_code: c.code,
    service_name: language === 'en' ? c.name_en : c.name_zh,
    description: `${c.name_zh} / ${c.name_en}`,
    metadata: false,
    type: 'realtime',
    keywords: c.code.replace(/_/g, ','),
    group: 'grid_governance',
  };
}

export interface RequestRow {
  id: number;
  number: string;
  category: string;
  state: IncidentState;
  /** As the citizen submitted it; null for a case a dispatcher made public. */
  description: string | null;
  address: string | null;
  lon: number;
  lat: number;
  reported_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  merged_into: number | null;
  name_zh: string;
  name_en: string;
  /** The resolver's note for the reporter (open311.sql.ts), or null. */
  public_note: string | null;
}

const STATUS_NOTES: Partial<Record<IncidentState, string>> = {
  reported: '已受理登记 / Received',
  accepted: '已受理 / Accepted',
  dispatched: '已派遣网格员 / A grid worker is on the way',
  on_scene: '网格员已到场处置 / Being handled on site',
  resolved: '已办结，待核查 / Resolved, awaiting verification',
  verified: '已核查 / Verified',
  evaluated: '已回访 / Feedback received',
  closed: '已结案 / Closed',
  rejected: '不予受理或已合并 / Not accepted or merged',
};

export function serviceRequestOf(r: RequestRow, language: 'zh' | 'en') {
  return {
    service_request_id: String(r.id),
    status: isOpenState(r.state) ? 'open' : 'closed',
    // The worker's or the command centre's note for the reporter when there is one, else the state's own text.
    status_notes: r.public_note ?? STATUS_NOTES[r.state] ?? null,
    service_name: language === 'en' ? r.name_en : r.name_zh,
    service_code: r.category,
    description: r.description,
    agency_responsible: 'GridOps 网格化服务管理中心',
    service_notice: r.merged_into ? `merged into ${r.merged_into}` : null,
    requested_datetime: r.reported_at.toISOString(),
    updated_datetime: r.updated_at.toISOString(),
    expected_datetime: null,
    address: r.address,
    address_id: null,
    zipcode: null,
    lat: r.lat,
    long: r.lon,
    media_url: null,
  };
}

export function open311Error(code: number, description: string) {
  return [{ code, description }];
}
