/**
 * Intake, whatever the source: convert the coordinates, locate the micro-grid chain, flag border cases,
 * grade by the category table, suggest duplicates, and store the incident with its report and the first
 * timeline entry — in the caller's transaction.
 */
import type { Queryable } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { NEAR_BOUNDARY_METRES, toWgs84, type InputCrs } from '../units/locate-point.js';
import { locateMicroGrid } from '../units/units.sql.js';
import { gradeOf } from './incident-rules.js';
import { findDuplicateCandidates, insertIncident, insertReport, insertTimelineEntry, readCategory } from './incidents.sql.js';
import { Grade, IncidentSource } from '../contract/incident-vocabulary.js';

export interface IntakeInput {
  source: IncidentSource;
  category: string;
  description: string;
  address?: string | null;
  lon: number;
  lat: number;
  crs: InputCrs;
  grade?: Grade;
  reporter?: { name?: string | null; phone?: string | null } | null;
  externalId?: string | null;
  generated?: boolean;
}

export interface IntakeActor {
  accountId: number | null;
  role: string;
}

export interface IntakeResult {
  incident: { id: number; number: string; state: string; grade: Grade; deadline_stage: string; deadline_at: Date };
  location: {
    district: { code: string; name: string };
    street: { code: string; name: string };
    community: { code: string; name: string };
    grid: { code: string; name: string };
    microGrid: { code: string; name: string };
    nearBoundaryM: number | null;
  };
  duplicates: { id: number; number: string; state: string; distance_m: number }[];
}

export async function intakeIncident(q: Queryable, input: IntakeInput, actor: IntakeActor, now: Date): Promise<IntakeResult> {
  const [category] = await q.query<{ code: string; default_grade: Grade; alarm_grade: Grade | null }>(readCategory, [input.category]);
  if (!category) throw new AppError(400, 'unknown_category', `No incident category "${input.category}"`);
  const point = toWgs84(input.lon, input.lat, input.crs);
  const [where] = await q.query<Record<string, string> & { boundary_distance_m: number }>(locateMicroGrid, [point.lon, point.lat]);
  if (!where) throw new AppError(422, 'outside_jurisdiction', 'The location is not inside a micro-grid of your jurisdiction', { wgs84: point });
  const nearBoundary = where.boundary_distance_m <= NEAR_BOUNDARY_METRES ? Math.round(where.boundary_distance_m * 10) / 10 : null;
  const { grade, overridden } = gradeOf(category, input.source, input.grade);
  const duplicates = await q.query<IntakeResult['duplicates'][number]>(findDuplicateCandidates, [input.category, point.lon, point.lat, now]);
  const [incident] = await q.query<IntakeResult['incident']>(insertIncident, [
    input.source,
    input.category,
    grade,
    overridden,
    input.description,
    input.address ?? null,
    point.lon,
    point.lat,
    input.crs,
    input.lon,
    input.lat,
    where.code,
    where.grid_code,
    where.community_code,
    where.street_code,
    where.district_code,
    nearBoundary,
    now,
    input.generated ?? false,
  ]);
  await q.query(insertReport, [
    incident.id,
    input.source,
    input.externalId ?? null,
    input.reporter?.name ?? null,
    input.reporter?.phone ?? null,
    input.description,
    now,
  ]);
  await q.query(insertTimelineEntry, [
    incident.id,
    now,
    'reported',
    null,
    'reported',
    actor.accountId,
    actor.role,
    null,
    JSON.stringify({
      source: input.source,
      grade,
      gradeOverridden: overridden,
      nearBoundaryM: nearBoundary,
      duplicateCandidates: duplicates.map((d) => d.id),
    }),
  ]);
  return {
    incident,
    location: {
      district: { code: where.district_code, name: where.district_name },
      street: { code: where.street_code, name: where.street_name },
      community: { code: where.community_code, name: where.community_name },
      grid: { code: where.grid_code, name: where.grid_name },
      microGrid: { code: where.code, name: where.name },
      nearBoundaryM: nearBoundary,
    },
    duplicates,
  };
}
