import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import {
  DEFAULT_LIMIT,
  MAX_LIMIT,
  parseBbox,
  parseDatetime,
  parseItemsParams,
  parseLimit,
  encodeCursor,
  parseFeatureParams,
  parseMetadataParams,
  parseOffset,
} from './ogc-params.js';

/** The AppError thrown by fn: its status and code. */
function errorOf(fn: () => unknown): { status: number; code: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    return { status: e.status, code: e.code, message: e.message };
  }
  throw new Error('expected an AppError');
}

describe('parseBbox', () => {
  it('reads four numbers in lon/lat order, with spaces, signs, decimals and exponents', () => {
    expect(parseBbox('118.9,32.08,118.98,32.13')).toEqual({ minLon: 118.9, minLat: 32.08, maxLon: 118.98, maxLat: 32.13 });
    expect(parseBbox(' -1.5 , -2e1, +.5 ,3')).toEqual({ minLon: -1.5, minLat: -20, maxLon: 0.5, maxLat: 3 });
    // GDAL writes bbox values with %.18g.
    expect(parseBbox('118.900000000000006,32.0799999999999983,118.980000000000004,32.1300000000000026').minLon).toBeCloseTo(118.9, 12);
    expect(parseBbox('-180,-90,180,90')).toEqual({ minLon: -180, minLat: -90, maxLon: 180, maxLat: 90 });
  });

  it.each([
    ['', '1 value(s) given'],
    ['1,2,3', '3 value(s) given'],
    ['1,2,3,4,5,6', '6 value(s) given'],
    ['1,2,,4', 'every value must be a number'],
    ['a,2,3,4', 'every value must be a number'],
    ['NaN,2,3,4', 'every value must be a number'],
    ['Infinity,2,3,4', 'every value must be a number'],
    ['0x10,2,30,4', 'every value must be a number'],
    ['1e400,2,3,4', 'every value must be finite'],
    ['200,2,210,4', 'longitudes must be within -180..180'],
    ['-181,2,3,4', 'longitudes must be within -180..180'],
    ['1,-91,3,4', 'latitudes must be within -90..90'],
    ['1,2,3,91', 'latitudes must be within -90..90'],
    ['3,2,1,4', 'minLon must be less than maxLon'],
    ['1,2,1,4', 'minLon must be less than maxLon'],
    ['1,4,3,2', 'minLat must be less than maxLat'],
  ])('refuses %j: %s', (value, why) => {
    const e = errorOf(() => parseBbox(value));
    expect(e).toMatchObject({ status: 400, code: 'invalid_bbox' });
    expect(e.message).toContain(why);
  });
});

describe('parseLimit and parseOffset', () => {
  it('defaults the limit and clamps it to the maximum instead of refusing', () => {
    expect(parseLimit(undefined)).toBe(DEFAULT_LIMIT);
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit('10000')).toBe(MAX_LIMIT);
    expect(parseLimit('10001')).toBe(MAX_LIMIT);
    expect(parseLimit('99999999999999999999999')).toBe(MAX_LIMIT);
  });

  it.each(['0', '-1', '1.5', '1e3', '', ' 5', '+5', 'ten'])('refuses limit %j', (value) => {
    expect(errorOf(() => parseLimit(value))).toMatchObject({ status: 400, code: 'invalid_limit' });
  });

  it('defaults the offset to 0 and accepts any integer up to the maximum', () => {
    expect(parseOffset(undefined)).toBe(0);
    expect(parseOffset('0')).toBe(0);
    expect(parseOffset('41149')).toBe(41149);
  });

  it.each(['-1', '1.5', 'x', '', '1000000001', '99999999999999999999'])('refuses offset %j', (value) => {
    expect(errorOf(() => parseOffset(value))).toMatchObject({ status: 400, code: 'invalid_offset' });
  });
});

describe('parseDatetime', () => {
  it('reads an instant as a closed interval of one instant, normalised to UTC', () => {
    expect(parseDatetime('2026-11-23T08:00:00+08:00')).toEqual({ start: '2026-11-23T00:00:00.000Z', end: '2026-11-23T00:00:00.000Z' });
  });

  it('reads closed and half-open intervals', () => {
    expect(parseDatetime('2026-01-01T00:00:00Z/2026-02-01T00:00:00.5Z')).toEqual({
      start: '2026-01-01T00:00:00.000Z',
      end: '2026-02-01T00:00:00.500Z',
    });
    expect(parseDatetime('../2026-01-01T00:00:00Z')).toEqual({ start: undefined, end: '2026-01-01T00:00:00.000Z' });
    expect(parseDatetime('2026-01-01T00:00:00Z/')).toEqual({ start: '2026-01-01T00:00:00.000Z', end: undefined });
  });

  it.each([
    '2026-01-01',
    '2026-13-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:00:00',
    '../..',
    '..',
    'a/b/c',
    '2026-02-01T00:00:00Z/2026-01-01T00:00:00Z',
  ])('refuses %j', (value) => {
    expect(errorOf(() => parseDatetime(value))).toMatchObject({ status: 400, code: 'invalid_datetime' });
  });
});

describe('parseItemsParams', () => {
  it('returns defaults for an empty query', () => {
    expect(parseItemsParams({})).toMatchObject({
      bbox: undefined,
      datetime: undefined,
      limit: DEFAULT_LIMIT,
      offset: 0,
      format: 'json',
      filter: undefined,
    });
    expect(parseItemsParams({}).crs.uri).toBe('http://www.opengis.net/def/crs/OGC/1.3/CRS84');
  });

  it('reads every parameter together', () => {
    expect(parseItemsParams({ bbox: '1,2,3,4', limit: '5', offset: '10', f: 'geojson' })).toMatchObject({
      bbox: { minLon: 1, minLat: 2, maxLon: 3, maxLat: 4 },
      limit: 5,
      offset: 10,
    });
  });

  it('refuses repeated parameters (arrays from the simple query parser) with the parameter’s own code', () => {
    expect(errorOf(() => parseItemsParams({ bbox: ['1,2,3,4', '1,2,3,4'] }))).toMatchObject({ code: 'invalid_bbox' });
    expect(errorOf(() => parseItemsParams({ limit: ['1', '2'] }))).toMatchObject({ code: 'invalid_limit' });
    expect(errorOf(() => parseItemsParams({ offset: ['1', '2'] }))).toMatchObject({ code: 'invalid_offset' });
    expect(errorOf(() => parseItemsParams({ datetime: ['a', 'b'] }))).toMatchObject({ code: 'invalid_datetime' });
    expect(errorOf(() => parseItemsParams({ f: ['json', 'json'] }))).toMatchObject({ code: 'unsupported_format' });
  });

  it('refuses parameters the API does not declare and formats it does not serve', () => {
    expect(errorOf(() => parseItemsParams({ bbbox: '1,2,3,4' }))).toMatchObject({ status: 400, code: 'unknown_parameter' });
    expect(errorOf(() => parseItemsParams({ f: 'xml' }))).toMatchObject({ status: 400, code: 'unsupported_format' });
    expect(parseItemsParams({ f: 'html' }).format).toBe('html');
  });

  it('reads crs, bbox-crs (latitude first for EPSG:4490), filter and filter-lang', () => {
    const p = parseItemsParams({
      crs: 'http://www.opengis.net/def/crs/EPSG/0/4490',
      bbox: '32.0,118.8,32.1,118.9',
      'bbox-crs': 'http://www.opengis.net/def/crs/EPSG/0/4490',
      filter: "grade = 'red'",
      'filter-lang': 'cql-text',
    });
    expect(p.crs.srid).toBe(4490);
    expect(p.bbox).toEqual({ minLon: 118.8, minLat: 32.0, maxLon: 118.9, maxLat: 32.1, srid: 4490 });
    expect(p.filter).toEqual({ text: "grade = 'red'", lang: 'cql2-text' });
    expect(parseItemsParams({ filter: '{}', 'filter-lang': 'cql2-json' }).filter?.lang).toBe('cql2-json');
    expect(errorOf(() => parseItemsParams({ crs: 'EPSG:2000' }))).toMatchObject({ code: 'unsupported_crs' });
    expect(errorOf(() => parseItemsParams({ 'bbox-crs': 'EPSG:4326' }))).toMatchObject({ code: 'invalid_bbox' });
    expect(errorOf(() => parseItemsParams({ filter: 'x', 'filter-lang': 'sql' }))).toMatchObject({ code: 'unsupported_filter_lang' });
    expect(errorOf(() => parseItemsParams({ filter: 'x', 'filter-crs': 'EPSG:3857' }))).toMatchObject({ code: 'unsupported_crs' });
  });

  it('reads a cursor written by encodeCursor and refuses a forged or combined one', () => {
    expect(parseItemsParams({ cursor: encodeCursor('3201130070010010001') }).cursor).toBe('3201130070010010001');
    expect(errorOf(() => parseItemsParams({ cursor: 'not base64!' }))).toMatchObject({ code: 'invalid_cursor' });
    expect(errorOf(() => parseItemsParams({ cursor: 'eA=' }))).toMatchObject({ code: 'invalid_cursor' });
    expect(errorOf(() => parseItemsParams({ cursor: encodeCursor('x'), offset: '5' }))).toMatchObject({ code: 'invalid_cursor' });
  });
});

describe('parseMetadataParams', () => {
  it('accepts nothing or f=json only', () => {
    expect(() => parseMetadataParams({})).not.toThrow();
    expect(() => parseMetadataParams({ f: 'json' })).not.toThrow();
    expect(errorOf(() => parseMetadataParams({ f: 'geojson' }))).toMatchObject({ code: 'unsupported_format' });
    expect(errorOf(() => parseMetadataParams({ limit: '1' }))).toMatchObject({ code: 'unknown_parameter' });
  });
});

describe('parseFeatureParams', () => {
  it('accepts f=json or f=geojson and nothing else', () => {
    expect(() => parseFeatureParams({ f: 'geojson' })).not.toThrow();
    expect(parseFeatureParams({ f: 'html' }).format).toBe('html');
    expect(errorOf(() => parseFeatureParams({ f: 'xml' }))).toMatchObject({ code: 'unsupported_format' });
    expect(errorOf(() => parseFeatureParams({ bbox: '1,2,3,4' }))).toMatchObject({ code: 'unknown_parameter' });
  });
});
