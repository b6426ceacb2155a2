/**
 * Query parameters of the OGC endpoints, parsed and validated without side effects. Express runs the
 * 'simple' query parser: a value is a string, or an array of strings when the parameter is repeated
 * (always invalid here). Every failure is a 400 AppError with a stable code.
 */
import { badRequest } from '../errors/app-error.js';
import type { Bbox, TimeInterval } from './ogc.sql.js';
import { CRS84, OgcCrs, parseBboxInCrs, parseCrs } from './ogc-crs.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;
/** Deeper paging than this is refused rather than sent to PostgreSQL as a huge OFFSET. */
export const MAX_OFFSET = 1_000_000_000;

export type QueryValues = Record<string, unknown>;

export type OutputFormat = 'json' | 'html';

export type FilterLang = 'cql2-text' | 'cql2-json';

export interface ItemsParams {
  bbox?: Bbox;
  /** The bbox as given (in bboxCrs), for links. */
  bboxText?: string;
  bboxCrs?: OgcCrs;
  datetime?: TimeInterval;
  limit: number;
  offset: number;
  /** Opaque keyset cursor from a `next` link. */
  cursor?: string;
  crs: OgcCrs;
  filter?: { text: string; lang: FilterLang };
  format: OutputFormat;
}

const COMMON_PARAMETERS = ['f'] as const;
export const ITEMS_PARAMETERS = [
  'f',
  'bbox',
  'bbox-crs',
  'limit',
  'offset',
  'cursor',
  'datetime',
  'crs',
  'filter',
  'filter-lang',
  'filter-crs',
] as const;
export const FEATURE_PARAMETERS = ['f', 'crs'] as const;
/** Accepted values of filter-lang; `cql-text` is the pre-standard name that GDAL 3.6 sends. */
export const FILTER_LANGS = ['cql2-text', 'cql2-json', 'cql-text'] as const;

/** A single string value, or undefined when absent; a repeated parameter is an error with `code`. */
function single(query: QueryValues, name: string, code: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(code, `${name} must be given once`, { parameter: name });
  return value;
}

/** 400 unknown_parameter for anything the API definition (/ogc/api) does not declare. */
export function rejectUnknownParameters(query: QueryValues, allowed: readonly string[] = COMMON_PARAMETERS): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) {
      throw badRequest('unknown_parameter', `Unknown query parameter "${name}"; this endpoint accepts: ${allowed.join(', ')}`, {
        parameter: name,
      });
    }
  }
}

/** f=json or f=html (and f=geojson where features are returned); anything else is unsupported. */
export function parseFormat(query: QueryValues, formats: readonly string[] = ['json', 'html']): OutputFormat {
  const f = single(query, 'f', 'unsupported_format');
  if (f !== undefined && !formats.includes(f)) {
    throw badRequest('unsupported_format', `Unsupported format f=${f}; supported: ${formats.join(', ')}`, { parameter: 'f' });
  }
  return f === 'html' ? 'html' : 'json';
}

const CURSOR = /^[A-Za-z0-9_-]{1,120}$/;

/** A cursor from a next link: base64url text of the last key; checked again against the key type by the route. */
export function parseCursor(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const fail = () => badRequest('invalid_cursor', 'Invalid cursor: use the next link of the previous page unchanged', { parameter: 'cursor' });
  if (!CURSOR.test(value)) throw fail();
  const key = Buffer.from(value, 'base64url').toString('utf8');
  if (key.length === 0 || key.length > 64 || Buffer.from(key, 'utf8').toString('base64url') !== value) throw fail();
  return key;
}

export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER = /^\d+$/;

/** bbox=minLon,minLat,maxLon,maxLat in CRS84: four finite numbers in range, min < max. */
export function parseBbox(value: string): Bbox {
  const fail = (why: string) =>
    badRequest('invalid_bbox', `Invalid bbox: ${why}; expected bbox=minLon,minLat,maxLon,maxLat in WGS84 degrees`, {
      parameter: 'bbox',
    });
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length !== 4) throw fail(`${parts.length} value(s) given, 4 needed (2D bounding boxes only)`);
  if (!parts.every((s) => NUMBER.test(s))) throw fail('every value must be a number');
  const [minLon, minLat, maxLon, maxLat] = parts.map(Number);
  if (![minLon, minLat, maxLon, maxLat].every(Number.isFinite)) throw fail('every value must be finite');
  if ([minLon, maxLon].some((x) => x < -180 || x > 180)) throw fail('longitudes must be within -180..180');
  if ([minLat, maxLat].some((y) => y < -90 || y > 90)) throw fail('latitudes must be within -90..90');
  if (!(minLon < maxLon)) throw fail('minLon must be less than maxLon');
  if (!(minLat < maxLat)) throw fail('minLat must be less than maxLat');
  return { minLon, minLat, maxLon, maxLat };
}

/**
 * limit: an integer ≥ 1. Above MAX_LIMIT it is clamped, not refused: OGC API – Features says a limit
 * above the advertised maximum is served as the maximum (with a next link), which clients that ask for
 * large pages (newer GDAL) rely on.
 */
export function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  if (!INTEGER.test(value) || Number(value) < 1) {
    throw badRequest('invalid_limit', `Invalid limit "${value}": expected an integer from 1 to ${MAX_LIMIT}`, { parameter: 'limit' });
  }
  return Math.min(Number(value), MAX_LIMIT);
}

export function parseOffset(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!INTEGER.test(value) || Number(value) > MAX_OFFSET) {
    throw badRequest('invalid_offset', `Invalid offset "${value}": expected an integer from 0 to ${MAX_OFFSET}`, {
      parameter: 'offset',
    });
  }
  return Number(value);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** One RFC 3339 date-time, normalised to ISO UTC; undefined for an open end ('..' or ''). */
function parseInstant(text: string, fail: () => Error): string | undefined {
  if (text === '..' || text === '') return undefined;
  const m = DATE_TIME.exec(text);
  if (!m) throw fail();
  const [, year, month, day, hour, minute, second] = m.map(Number);
  const date = new Date(text.toUpperCase());
  // Date accepts 2024-02-30 by rolling over; the calendar fields must survive a round trip.
  const probe = new Date(Date.UTC(year, month - 1, day));
  const calendarOk = probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
  if (Number.isNaN(date.getTime()) || !calendarOk || hour > 23 || minute > 59 || second > 60) throw fail();
  return date.toISOString();
}

/** datetime: an RFC 3339 date-time, or an interval start/end with '..' (or nothing) for an open end. */
export function parseDatetime(value: string): TimeInterval {
  const fail = () =>
    badRequest(
      'invalid_datetime',
      `Invalid datetime "${value}": expected an RFC 3339 date-time (2024-05-01T08:00:00Z) or an interval (start/end, '..' for an open end)`,
      { parameter: 'datetime' },
    );
  const parts = value.split('/');
  if (parts.length === 1) {
    const instant = parseInstant(parts[0], fail);
    if (instant === undefined) throw fail();
    return { start: instant, end: instant };
  }
  if (parts.length !== 2) throw fail();
  const start = parseInstant(parts[0], fail);
  const end = parseInstant(parts[1], fail);
  if (start === undefined && end === undefined) throw fail();
  if (start !== undefined && end !== undefined && start > end) throw fail();
  return { start, end };
}

/** filter and filter-lang (cql2-text when absent); filter-crs may only name CRS84, the filter's CRS. */
function parseFilter(query: QueryValues): ItemsParams['filter'] {
  const text = single(query, 'filter', 'invalid_filter');
  const lang = single(query, 'filter-lang', 'unsupported_filter_lang');
  const filterCrs = single(query, 'filter-crs', 'unsupported_crs');
  if (lang !== undefined && !(FILTER_LANGS as readonly string[]).includes(lang)) {
    throw badRequest('unsupported_filter_lang', `Unsupported filter-lang "${lang}"; supported: cql2-text, cql2-json`, { parameter: 'filter-lang' });
  }
  if (filterCrs !== undefined && parseCrs(filterCrs, 'crs') !== CRS84) {
    throw badRequest('unsupported_crs', 'Unsupported filter-crs: geometries in filters are CRS84 (longitude, latitude)', { parameter: 'filter-crs' });
  }
  if (text === undefined) return undefined;
  return { text, lang: lang === 'cql2-json' ? 'cql2-json' : 'cql2-text' };
}

/** All parameters of /collections/{id}/items. */
export function parseItemsParams(query: QueryValues): ItemsParams {
  rejectUnknownParameters(query, ITEMS_PARAMETERS);
  const format = parseFormat(query, ['json', 'geojson', 'html']);
  const bbox = single(query, 'bbox', 'invalid_bbox');
  const bboxCrsText = single(query, 'bbox-crs', 'unsupported_crs');
  const bboxCrs = bboxCrsText === undefined ? undefined : parseCrs(bboxCrsText, 'bbox-crs');
  if (bboxCrs && bbox === undefined) {
    throw badRequest('invalid_bbox', 'bbox-crs was given without a bbox', { parameter: 'bbox-crs' });
  }
  const datetime = single(query, 'datetime', 'invalid_datetime');
  const offsetText = single(query, 'offset', 'invalid_offset');
  const cursor = parseCursor(single(query, 'cursor', 'invalid_cursor'));
  if (cursor !== undefined && offsetText !== undefined) {
    throw badRequest('invalid_cursor', 'cursor and offset cannot be combined: a cursor already says where the page starts', { parameter: 'cursor' });
  }
  return {
    bbox: bbox === undefined ? undefined : bboxCrs ? parseBboxInCrs(bbox, bboxCrs) : parseBbox(bbox),
    bboxText: bbox,
    bboxCrs,
    datetime: datetime === undefined ? undefined : parseDatetime(datetime),
    limit: parseLimit(single(query, 'limit', 'invalid_limit')),
    offset: parseOffset(offsetText),
    cursor,
    crs: parseCrs(single(query, 'crs', 'unsupported_crs')),
    filter: parseFilter(query),
    format,
  };
}

/** The parameters of /collections/{id}/items/{featureId}: f (json, geojson, html) and crs. */
export function parseFeatureParams(query: QueryValues): { format: OutputFormat; crs: OgcCrs } {
  rejectUnknownParameters(query, FEATURE_PARAMETERS);
  const format = parseFormat(query, ['json', 'geojson', 'html']);
  return { format, crs: parseCrs(single(query, 'crs', 'unsupported_crs')) };
}

/** The parameters of every other endpoint: only f (json or html). */
export function parseMetadataParams(query: QueryValues, formats: readonly string[] = ['json', 'html']): OutputFormat {
  rejectUnknownParameters(query, COMMON_PARAMETERS);
  return parseFormat(query, formats);
}
