/**
 * Camera-position quality control (issue 21, item 4): an import batch is parsed (CSV or GeoJSON; malformed
 * rows reported by line, the rest staged), converted from its declared CRS to WGS84, staged with the
 * undeclared-GCJ-02 reading of each position, and checked in SQL (gridops_camera_import_qa, migration 0033:
 * reason codes per camera and the batch's GCJ-02 verdict). Runs on a Queryable in the importer's scope (the
 * route's audited transaction, or the bench's).
 */
import type { Queryable } from '../../db/database.js';
import { isInsideGateway, gatewayPrefix } from '../gateway-stream.js';
import { parseCameraCsv, type ImportedCameraRow, type ParsedCameraFile, type RowError } from './camera-import-csv.js';
import { importToWgs84, undeclaredGcj02Candidate, type ImportCrs } from './camera-import-crs.js';
import { parseCameraGeoJson } from './camera-import-geojson.js';
import { insertBatch, readBatchSummary, runQa, setRowsStaged, stageRows } from './camera-import.sql.js';

export type ImportFormat = 'csv' | 'geojson';

export interface ImportRequest {
  fileName: string;
  format: ImportFormat;
  crs: ImportCrs;
  text: string;
  jurisdiction: string;
  accountId: number | null;
  now: Date;
  /** VIDEO_GATEWAY_URL, or null (demo streams: no camera may bring its own stream address). */
  gatewayTemplate: string | null;
}

/** Row errors kept on the batch (all are counted). */
export const MAX_KEPT_ERRORS = 1000;
const CHUNK = 5000;

export function parseImportFile(format: ImportFormat, text: string): ParsedCameraFile {
  return format === 'csv' ? parseCameraCsv(text) : parseCameraGeoJson(text);
}

/** Refuses rows whose stream address lies outside the configured gateway (or any address without one). */
export function checkStreamAddresses(rows: ImportedCameraRow[], gatewayTemplate: string | null): { rows: ImportedCameraRow[]; errors: RowError[] } {
  const kept: ImportedCameraRow[] = [];
  const errors: RowError[] = [];
  const prefix = gatewayTemplate ? gatewayPrefix(gatewayTemplate) : null;
  for (const row of rows) {
    if (row.streamUrl === null) {
      kept.push(row);
      continue;
    }
    let address: URL | null;
    try {
      address = new URL(row.streamUrl);
    } catch {
      address = null;
    }
    if (!prefix) errors.push({ line: row.line, reason: 'stream_url given but no video gateway is configured' });
    else if (!address || !isInsideGateway(address, prefix))
      errors.push({ line: row.line, reason: 'stream_url outside the configured video gateway' });
    else kept.push(row);
  }
  return { rows: kept, errors };
}

/** Parses, stages and checks one batch; returns its id. */
export async function importCameraBatch(q: Queryable, r: ImportRequest): Promise<number> {
  const parsed = parseImportFile(r.format, r.text);
  const streams = checkStreamAddresses(parsed.rows, r.gatewayTemplate);
  const errors = [...parsed.errors, ...streams.errors].sort((a, b) => a.line - b.line);
  const [batch] = await q.query<{ id: number }>(insertBatch, [
    r.fileName,
    r.crs,
    r.jurisdiction,
    r.accountId,
    r.now,
    JSON.stringify(errors.slice(0, MAX_KEPT_ERRORS)),
    errors.length,
  ]);
  if (!batch) throw new Error('batch insert returned nothing');
  const id = Number(batch.id);
  for (let start = 0; start < streams.rows.length; start += CHUNK) {
    const chunk = streams.rows.slice(start, start + CHUNK);
    const wgs = chunk.map((row) => importToWgs84(row.lon, row.lat, r.crs));
    const gcj = chunk.map((row) => undeclaredGcj02Candidate(row.lon, row.lat, r.crs));
    await q.query(stageRows, [
      id,
      r.jurisdiction,
      chunk.map((row) => row.line),
      chunk.map((row) => row.code),
      chunk.map((row) => row.name),
      chunk.map((row) => row.lon),
      chunk.map((row) => row.lat),
      wgs.map((p) => p.lon),
      wgs.map((p) => p.lat),
      gcj.map((p) => p?.lon ?? null),
      gcj.map((p) => p?.lat ?? null),
      chunk.map((row) => row.headingDeg),
      chunk.map((row) => row.fovDeg),
      chunk.map((row) => row.rangeM),
      chunk.map((row) => row.streamUrl),
    ]);
  }
  await q.query(setRowsStaged, [id, streams.rows.length]);
  await q.query(runQa, [id]);
  return id;
}

export interface BatchSummary {
  id: number;
  fileName: string;
  declaredCrs: string;
  jurisdictionCode: string;
  createdAt: string;
  rowsStaged: number;
  rowsRefused: number;
  rowErrors: RowError[];
  cleanRows: number;
  flagCounts: Record<string, number>;
  /** Per flag, the cameras still to review. */
  pendingFlagCounts: Record<string, number>;
  /** The flagged cameras by review state (pending, accepted, rejected). */
  flaggedByState: Record<string, number>;
  gcj02: { likely: boolean; onRoadShareGiven: number | null; onRoadShareGcj02: number | null };
}

export async function readBatch(q: Queryable, id: number): Promise<BatchSummary | null> {
  const [b] = await q.query<Record<string, unknown>>(readBatchSummary, [id]);
  if (!b) return null;
  const share = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(b.id),
    fileName: String(b.file_name),
    declaredCrs: String(b.declared_crs),
    jurisdictionCode: String(b.jurisdiction_code),
    createdAt: new Date(b.created_at as string).toISOString(),
    rowsStaged: Number(b.rows_staged),
    rowsRefused: Number(b.rows_refused),
    rowErrors: b.row_errors as RowError[],
    cleanRows: Number(b.clean_rows),
    flagCounts: b.flag_counts as Record<string, number>,
    pendingFlagCounts: b.pending_flag_counts as Record<string, number>,
    flaggedByState: b.flagged_by_state as Record<string, number>,
    gcj02: { likely: b.likely_gcj02 === true, onRoadShareGiven: share(b.on_road_share_given), onRoadShareGcj02: share(b.on_road_share_gcj02) },
  };
}
