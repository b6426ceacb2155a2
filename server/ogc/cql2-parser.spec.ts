/** The CQL2 text and JSON parsers: the trees they build, and the position of every fault. Pure. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { parseCql2Text } from './cql2-text-parser.js';
import { parseCql2Json } from './cql2-json-parser.js';
import { CQL2_LIMITS } from './cql2-ast.js';

function faultOf(fn: () => unknown): { code: string; message: string; position: unknown } {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, message: e.message, position: e.details?.position };
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('parseCql2Text', () => {
  it('parses comparisons with AND binding tighter than OR, and NOT', () => {
    expect(parseCql2Text("grade = 'red' OR grade = 'orange' AND NOT overdue = true")).toMatchObject({
      kind: 'or',
      args: [
        { kind: 'compare', op: '=', left: { kind: 'property', name: 'grade' }, right: { kind: 'string', value: 'red' } },
        {
          kind: 'and',
          args: [
            { kind: 'compare', right: { value: 'orange' } },
            { kind: 'not', arg: { kind: 'compare', left: { name: 'overdue' }, right: { kind: 'boolean', value: true } } },
          ],
        },
      ],
    });
  });

  it('reads every comparison operator, numbers with signs and exponents, and quoted names', () => {
    for (const op of ['=', '<>', '<', '<=', '>', '>=']) {
      expect(parseCql2Text(`households ${op} 12`)).toMatchObject({ kind: 'compare', op, right: { kind: 'number', value: 12 } });
    }
    expect(parseCql2Text('area_m2 >= -1.5e3')).toMatchObject({ right: { value: -1500 } });
    expect(parseCql2Text('"street_code" = \'320113007\'')).toMatchObject({ left: { kind: 'property', name: 'street_code' } });
    expect(parseCql2Text("name = 'it''s'")).toMatchObject({ right: { value: "it's" } });
  });

  it('reads LIKE, ILIKE, BETWEEN, IN, IS NULL and their negations (keywords in any case)', () => {
    expect(parseCql2Text("name like '仙林%'")).toMatchObject({ kind: 'like', negated: false, caseInsensitive: false, pattern: { value: '仙林%' } });
    expect(parseCql2Text("name NOT ILIKE 'a_'")).toMatchObject({ kind: 'like', negated: true, caseInsensitive: true });
    expect(parseCql2Text('households BETWEEN 10 AND 20')).toMatchObject({ kind: 'between', negated: false, low: { value: 10 }, high: { value: 20 } });
    expect(parseCql2Text("grade IN ('red', 'orange')")).toMatchObject({ kind: 'in', list: [{ value: 'red' }, { value: 'orange' }] });
    expect(parseCql2Text("grade NOT IN ('blue')")).toMatchObject({ kind: 'in', negated: true });
    expect(parseCql2Text('closed_at IS NULL')).toMatchObject({ kind: 'is_null', negated: false });
    expect(parseCql2Text('closed_at is not null')).toMatchObject({ kind: 'is_null', negated: true });
  });

  it('reads BETWEEN inside AND without taking its AND', () => {
    expect(parseCql2Text("households BETWEEN 1 AND 5 AND grade = 'red'")).toMatchObject({
      kind: 'and',
      args: [{ kind: 'between' }, { kind: 'compare' }],
    });
  });

  it('reads spatial functions with WKT and BBOX literals', () => {
    expect(parseCql2Text('S_INTERSECTS(geometry, POINT(118.9 32.1))')).toMatchObject({
      kind: 'spatial',
      op: 's_intersects',
      left: { kind: 'property', name: 'geometry' },
      right: { kind: 'geometry', geojson: { type: 'Point', coordinates: [118.9, 32.1] } },
    });
    expect(parseCql2Text('s_intersects(geometry, BBOX(118.8, 32.0, 118.9, 32.1))')).toMatchObject({
      right: { kind: 'bbox', values: [118.8, 32, 118.9, 32.1] },
    });
    expect(parseCql2Text('S_WITHIN(geometry, POLYGON((0 0, 1 0, 1 1, 0 0)))')).toMatchObject({
      right: {
        geojson: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        },
      },
    });
    expect(parseCql2Text('S_INTERSECTS(geometry, MULTIPOINT((1 2), (3 4)))')).toMatchObject({
      right: {
        geojson: {
          type: 'MultiPoint',
          coordinates: [
            [1, 2],
            [3, 4],
          ],
        },
      },
    });
    expect(parseCql2Text('S_INTERSECTS(geometry, MULTIPOINT(1 2, 3 4))')).toMatchObject({
      right: {
        geojson: {
          coordinates: [
            [1, 2],
            [3, 4],
          ],
        },
      },
    });
  });

  it('reads temporal functions and literals', () => {
    expect(parseCql2Text("T_AFTER(reported_at, TIMESTAMP('2026-11-01T00:00:00Z'))")).toMatchObject({
      kind: 'temporal',
      op: 't_after',
      right: { kind: 'timestamp', value: '2026-11-01T00:00:00Z' },
    });
    expect(parseCql2Text("T_DURING(reported_at, INTERVAL('2026-11-01', '..'))")).toMatchObject({
      right: { kind: 'interval', start: '2026-11-01', end: '..' },
    });
    expect(parseCql2Text("reported_at >= DATE('2026-11-01')")).toMatchObject({ right: { kind: 'date' } });
  });

  it('reads what GDAL 3.6 sends for a -where', () => {
    expect(parseCql2Text("(grade = 'red') AND (category = 'fire_safety')")).toMatchObject({ kind: 'and' });
    expect(parseCql2Text("(reported_at >= '2026-11-01T00:00:00Z') AND (NOT (closed_at IS NULL))")).toMatchObject({ kind: 'and' });
  });

  it.each([
    ["grade IN ('red' AND", 17, /expected a property name or a value but found "AND"|"," or the "\)"/],
    ["grade = 'red", 9, /never closed/],
    ['grade = ', 9, /end of the filter/],
    ["grade == 'red'", 8, /value but found "="/],
    ["grade = 'red' extra", 15, /expected AND, OR or the end/],
    ["(grade = 'red'", 15, /closing "\)"/],
    ["grade = 'red')", 14, /expected AND, OR/],
    ['households BETWEEN 1 5', 22, /expected AND/],
    ['closed_at IS NOT', 17, /expected NULL/],
    ['grade', 6, /comparison operator/],
    ["grade ; 'x'", 7, /unexpected character ";"/],
    ['S_INTERSECTS(geometry, POINT(1))', 31, /expected a number/],
    ['S_INTERSECTS(geometry, BBOX(1, 2, 3))', 24, /BBOX takes 4 or 6 numbers/],
    ["T_BEFORE(reported_at, 'x')", 23, /TIMESTAMP/],
    ["AND grade = 'red'", 1, /property name or a value but found "AND"/],
    ['', 1, /empty/],
  ])('refuses %j at position %i', (input, position, message) => {
    const fault = faultOf(() => parseCql2Text(input));
    expect(fault.code).toBe('invalid_filter');
    expect(fault.position).toBe(position);
    expect(fault.message).toMatch(new RegExp(`position ${position}`));
    expect(fault.message).toMatch(message);
  });

  it('refuses filters past the limits with filter_too_complex', () => {
    const deep = `${'('.repeat(CQL2_LIMITS.maxDepth)}NOT ${'NOT '.repeat(CQL2_LIMITS.maxDepth)}a = 1${')'.repeat(CQL2_LIMITS.maxDepth)}`;
    expect(faultOf(() => parseCql2Text(deep)).code).toBe('filter_too_complex');
    const wide = Array.from({ length: CQL2_LIMITS.maxNodes }, (_, i) => `a = ${i}`).join(' OR ');
    expect(faultOf(() => parseCql2Text(wide)).code).toBe('filter_too_complex');
    const longIn = `a IN (${Array.from({ length: CQL2_LIMITS.maxInList + 1 }, (_, i) => i).join(',')})`;
    expect(faultOf(() => parseCql2Text(longIn)).code).toBe('filter_too_complex');
    expect(faultOf(() => parseCql2Text(`a = '${'x'.repeat(CQL2_LIMITS.maxLength)}'`)).code).toBe('filter_too_complex');
  });

  it('does not recurse without bound on nested parentheses', () => {
    const nested = `${'('.repeat(5000)}a = 1${')'.repeat(5000)}`;
    expect(faultOf(() => parseCql2Text(nested.slice(0, CQL2_LIMITS.maxLength)))).toMatchObject({ code: 'filter_too_complex', position: 25 });
    expect(faultOf(() => parseCql2Text(`${'NOT '.repeat(1000)}a = 1`)).code).toBe('filter_too_complex');
  });
});

describe('parseCql2Json', () => {
  it('builds the same tree as the text encoding', () => {
    const json = {
      op: 'and',
      args: [
        { op: 'in', args: [{ property: 'grade' }, ['red', 'orange']] },
        { op: 't_after', args: [{ property: 'reported_at' }, { timestamp: '2026-11-01T00:00:00Z' }] },
        { op: 's_intersects', args: [{ property: 'geometry' }, { bbox: [118.8, 32, 118.9, 32.1] }] },
        { op: 'not', args: [{ op: 'isNull', args: [{ property: 'closed_at' }] }] },
        { op: 'like', args: [{ property: 'name' }, '仙林%'] },
        { op: 'between', args: [{ property: 'households' }, 1, 9] },
        { op: 's_intersects', args: [{ property: 'geometry' }, { type: 'Point', coordinates: [118.9, 32.1] }] },
      ],
    };
    expect(parseCql2Json(JSON.stringify(json))).toMatchObject({
      kind: 'and',
      args: [
        { kind: 'in', value: { name: 'grade' }, list: [{ value: 'red' }, { value: 'orange' }] },
        { kind: 'temporal', op: 't_after', right: { kind: 'timestamp' } },
        { kind: 'spatial', right: { kind: 'bbox' } },
        { kind: 'not', arg: { kind: 'is_null' } },
        { kind: 'like' },
        { kind: 'between', low: { value: 1 }, high: { value: 9 } },
        { kind: 'spatial', right: { kind: 'geometry', geojson: { type: 'Point' } } },
      ],
    });
  });

  it.each([
    ['{"op": "=", "args": [{"property": "grade"}', /not valid JSON/, undefined],
    ['{"op": "=", "args": [{"property": "grade"}]}', /takes 2 argument/, '(root)'],
    ['{"op": "and", "args": [{"op": "=", "args": [{"property": "a"}, 1]}, {"op": "~", "args": []}]}', /unsupported operator "~"/, 'args[1]'],
    ['{"op": "=", "args": [{"property": "a"}, {"x": 1}]}', /expected a property/, 'args[1]'],
    ['{"op": "in", "args": [{"property": "a"}, []]}', /non-empty array/, 'args[1]'],
    ['{"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [1, 2]}]}', /4 or 6 finite numbers/, 'args[1]'],
    ['"grade"', /expected an expression/, '(root)'],
  ])('refuses %s', (input, message, position) => {
    const fault = faultOf(() => parseCql2Json(input));
    expect(fault.code).toBe('invalid_filter');
    expect(fault.message).toMatch(message);
    if (position !== undefined) expect(fault.position).toBe(position);
  });

  it('refuses deep nesting before walking it', () => {
    let deep: unknown = { op: '=', args: [{ property: 'a' }, 1] };
    for (let i = 0; i < 200; i += 1) deep = { op: 'not', args: [deep] };
    expect(faultOf(() => parseCql2Json(JSON.stringify(deep))).code).toBe('filter_too_complex');
  });
});
