/**
 * The camera import file as CSV (issue 21, item 4): a header line naming the columns, then one camera per
 * line. Required columns: code, name, lon, lat; optional: heading_deg, fov_deg, range_m, stream_url (others
 * are ignored). Fields may be quoted ("…", "" for a quote inside); a quoted field cannot span lines. Each
 * malformed line is reported with its line number and reason; the other lines still come through.
 */
export interface ImportedCameraRow {
  line: number;
  code: string;
  name: string;
  lon: number;
  lat: number;
  /** null: the field was empty (heading_missing); a number outside [0, 360) is kept (heading_impossible). */
  headingDeg: number | null;
  fovDeg: number;
  rangeM: number;
  streamUrl: string | null;
}

export interface RowError {
  line: number;
  reason: string;
}

export interface ParsedCameraFile {
  rows: ImportedCameraRow[];
  errors: RowError[];
}

export const DEFAULT_FOV_DEG = 60;
export const DEFAULT_RANGE_M = 80;
const REQUIRED = ['code', 'name', 'lon', 'lat'] as const;
const MAX_TEXT = 200;

/** Splits one CSV line into fields; null if its quotes are unbalanced. */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += line[i];
        i += 1;
      }
      if (i < line.length && line[i] !== ',') return null;
      fields.push(value);
    } else {
      const end = line.indexOf(',', i);
      const raw = end === -1 ? line.slice(i) : line.slice(i, end);
      if (raw.includes('"')) return null;
      fields.push(raw);
      i = end === -1 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i += 1; // the comma
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function decimal(text: string): number | null {
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : null;
}

/** Parses a whole CSV text (header first). Throws only if the header lacks a required column. */
export function parseCameraCsv(text: string): ParsedCameraFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '')?.map((h) => h.trim().toLowerCase()) ?? [];
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new CsvHeaderError(`the header line lacks the column(s) ${missing.join(', ')}`);
  const at = (name: string) => header.indexOf(name);
  const col = {
    code: at('code'),
    name: at('name'),
    lon: at('lon'),
    lat: at('lat'),
    heading: at('heading_deg'),
    fov: at('fov_deg'),
    range: at('range_m'),
    stream: at('stream_url'),
  };
  const rows: ImportedCameraRow[] = [];
  const errors: RowError[] = [];
  for (let index = 1; index < lines.length; index += 1) {
    const line = index + 1;
    const source = lines[index] ?? '';
    if (source.trim() === '') continue;
    const fields = splitCsvLine(source);
    if (!fields) {
      errors.push({ line, reason: 'unbalanced quotes' });
      continue;
    }
    if (fields.length !== header.length) {
      errors.push({ line, reason: `${fields.length} fields where the header has ${header.length}` });
      continue;
    }
    const field = (i: number) => (i === -1 ? '' : (fields[i] ?? '').trim());
    const code = field(col.code);
    const name = field(col.name);
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(code)) {
      errors.push({ line, reason: 'code must be 1–64 letters, digits, _ . -' });
      continue;
    }
    if (name === '' || name.length > MAX_TEXT) {
      errors.push({ line, reason: `name must be 1–${MAX_TEXT} characters` });
      continue;
    }
    const lon = decimal(field(col.lon));
    const lat = decimal(field(col.lat));
    if (lon === null || lat === null) {
      errors.push({ line, reason: 'lon and lat must be decimal numbers' });
      continue;
    }
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
      errors.push({ line, reason: 'coordinates out of range (lon −180…180, lat −90…90)' });
      continue;
    }
    const headingText = field(col.heading);
    const headingDeg = headingText === '' ? null : decimal(headingText);
    if (headingText !== '' && headingDeg === null) {
      errors.push({ line, reason: 'heading_deg must be a decimal number or empty' });
      continue;
    }
    const fovText = field(col.fov);
    const fovDeg = fovText === '' ? DEFAULT_FOV_DEG : decimal(fovText);
    if (fovDeg === null || fovDeg <= 0 || fovDeg > 360) {
      errors.push({ line, reason: 'fov_deg must be a number in (0, 360]' });
      continue;
    }
    const rangeText = field(col.range);
    const rangeM = rangeText === '' ? DEFAULT_RANGE_M : decimal(rangeText);
    if (rangeM === null || rangeM <= 0 || rangeM > 2000) {
      errors.push({ line, reason: 'range_m must be a number in (0, 2000]' });
      continue;
    }
    const stream = field(col.stream);
    if (stream.length > 500) {
      errors.push({ line, reason: 'stream_url longer than 500 characters' });
      continue;
    }
    rows.push({ line, code, name, lon, lat, headingDeg, fovDeg, rangeM, streamUrl: stream === '' ? null : stream });
  }
  return { rows, errors };
}

export class CsvHeaderError extends Error {}

/** Quotes a field for writing CSV when it needs it. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
