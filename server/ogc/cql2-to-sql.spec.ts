/** CQL2 → SQL: parameterised text from the allow-list only, typed casts, and type faults with positions. Pure. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { parseCql2Text } from './cql2-text-parser.js';
import { parseCql2Json } from './cql2-json-parser.js';
import { cql2ToSql, parseInstantText } from './cql2-to-sql.js';
import { findCollection } from './ogc-collections.js';
import { queryablesOf, queryablesDocument } from './ogc-queryables.js';

const incidents = findCollection('incidents')!;
const microGrids = findCollection('micro_grids')!;

function translate(text: string, collection = incidents, json = false) {
  const params: unknown[] = [];
  const sql = cql2ToSql(json ? parseCql2Json(text) : parseCql2Text(text), {
    queryables: queryablesOf(collection),
    geometry: { name: 'geometry', sql: `t.${collection.geometryColumn}` },
    bind: (v) => {
      params.push(v);
      return `$${params.length}`;
    },
  });
  return { sql, params };
}

function faultOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, message: e.message, position: e.details?.position };
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('cql2ToSql', () => {
  it('binds every literal and names only allow-listed columns', () => {
    const { sql, params } = translate("grade IN ('red', 'orange') AND street_code = '320113007' AND NOT overdue = true");
    expect(sql).toBe('((t.grade = ANY($1::text[])) AND (t.street_code = $2::text) AND (NOT (t.overdue = $3::boolean)))');
    expect(params).toEqual([['red', 'orange'], '320113007', true]);
  });

  it('keeps hostile text out of the SQL', () => {
    const { sql, params } = translate("category = 'x''); DROP TABLE incidents; --'");
    expect(sql).toBe('(t.category = $1::text)');
    expect(params).toEqual(["x'); DROP TABLE incidents; --"]);
  });

  it('compares date-times with timestamps, dates and the plain strings GDAL sends', () => {
    expect(translate("reported_at >= TIMESTAMP('2026-11-01T08:00:00+08:00')").params).toEqual(['2026-11-01T00:00:00.000Z']);
    expect(translate("reported_at < DATE('2026-12-01')").params).toEqual(['2026-12-01T00:00:00.000Z']);
    expect(translate("(reported_at >= '2026/11/01 00:00:00')").sql).toBe('(t.reported_at >= $1::timestamptz)');
  });

  it('translates BETWEEN, LIKE, IS NULL on number, string and date-time columns', () => {
    expect(translate('households BETWEEN 10 AND 20', microGrids).sql).toBe('(t.households BETWEEN $1::float8 AND $2::float8)');
    // Filters compare the stored value, not the rounded one that is published.
    expect(translate('area_m2 > 1000', microGrids).sql).toBe('(t.area_m2 > $1::float8)');
    expect(translate("name LIKE '仙林%'", microGrids)).toEqual({ sql: '(t.name LIKE $1::text)', params: ['仙林%'] });
    expect(translate("name NOT ILIKE '%a%'", microGrids).sql).toBe('(NOT t.name ILIKE $1::text)');
    expect(translate('closed_at IS NOT NULL').sql).toBe('(t.closed_at IS NOT NULL)');
  });

  it('translates spatial predicates against the collection geometry with bound literals', () => {
    const bbox = translate('S_INTERSECTS(geometry, BBOX(118.8, 32.0, 118.9, 32.1))');
    expect(bbox.sql).toBe('ST_Intersects(t.geom, ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326))');
    const point = translate('S_CONTAINS(geometry, POINT(118.9 32.1))', microGrids);
    expect(point.sql).toBe('ST_Contains(t.geom, ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326))');
    expect(JSON.parse(point.params[0] as string)).toEqual({ type: 'Point', coordinates: [118.9, 32.1] });
  });

  it('translates temporal functions with open interval ends', () => {
    expect(translate("T_BEFORE(reported_at, TIMESTAMP('2026-11-01T00:00:00Z'))").sql).toBe('(t.reported_at < $1::timestamptz)');
    expect(translate("T_AFTER(reported_at, TIMESTAMP('2026-11-01T00:00:00Z'))").sql).toBe('(t.reported_at > $1::timestamptz)');
    expect(translate("T_DURING(reported_at, INTERVAL('2026-11-01', '2026-12-01'))").sql).toBe(
      '(t.reported_at > $1::timestamptz AND t.reported_at < $2::timestamptz)',
    );
    expect(translate("T_INTERSECTS(reported_at, INTERVAL('2026-11-01', '..'))").sql).toBe('(t.reported_at >= $1::timestamptz)');
  });

  it('gives the same SQL text for the same shape whatever the values', () => {
    expect(translate("grade IN ('red')").sql).toBe(translate("grade IN ('red','orange','yellow')").sql);
    expect(translate('{"op":"=","args":[{"property":"grade"},"red"]}', incidents, true).sql).toBe(translate("grade = 'blue'").sql);
  });

  it.each([
    ["reporter_name = 'x'", 'unknown_queryable', 1, /unknown property "reporter_name"/],
    ['grade = 5', 'invalid_filter', 9, /number value cannot be compared with a string/],
    ["escalation_level = '1'", 'invalid_filter', 20, /string value cannot be compared with a integer/],
    ['overdue > true', 'invalid_filter', 1, /">" cannot be used on a boolean/],
    ["escalation_level LIKE '1%'", 'invalid_filter', 1, /LIKE cannot be used on the integer/],
    ["reported_at > '2026-13-01'", 'invalid_filter', 15, /not an RFC 3339/],
    ["'red' = 'red'", 'invalid_filter', 1, /at least one property/],
    ['S_INTERSECTS(grade, POINT(1 2))', 'unknown_queryable', 14, /not a geometry/],
    ['S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1)))', 'invalid_filter', 24, /closed rings/],
    ['S_INTERSECTS(geometry, BBOX(200, 0, 201, 1))', 'invalid_filter', 24, /WGS84/],
    ["T_AFTER(grade, TIMESTAMP('2026-11-01T00:00:00Z'))", 'invalid_filter', 9, /not a date-time/],
  ])('refuses %j with %s at %i', (text, code, position, message) => {
    const fault = faultOf(() => translate(text));
    expect(fault).toMatchObject({ code, position });
    expect(fault.message).toMatch(message);
  });
});

describe('parseInstantText', () => {
  it('normalises RFC 3339 forms to UTC and refuses impossible dates', () => {
    expect(parseInstantText('2026-11-01T08:00:00+08:00', 1)).toBe('2026-11-01T00:00:00.000Z');
    expect(parseInstantText('2026-11-01', 1)).toBe('2026-11-01T00:00:00.000Z');
    expect(() => parseInstantText('2026-02-30', 1)).toThrow(AppError);
    expect(() => parseInstantText('yesterday', 1)).toThrow(AppError);
  });
});

describe('queryablesDocument', () => {
  it('is a JSON Schema of the published properties (arrays excluded) plus the geometry, and the legacy list', () => {
    const doc = queryablesDocument('http://h/ogc', findCollection('workers')!);
    expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.properties).toHaveProperty('geometry');
    expect(doc.properties).toHaveProperty('last_position_at', { title: 'last_position_at', type: 'string', format: 'date-time' });
    expect(doc.properties).not.toHaveProperty('skills');
    expect(doc.queryables.map((q) => q.id)).toEqual(Object.keys(doc.properties));
  });
});
