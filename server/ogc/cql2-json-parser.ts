/**
 * The CQL2 JSON encoding (OGC 21-065) into the same tree as the text parser: `{"op": "and", "args": [...]}`,
 * `{"property": "grade"}`, `{"timestamp": "…"}`, `{"date": "…"}`, `{"interval": [a, b]}`, `{"bbox": [...]}`
 * and GeoJSON geometries. Pure; a fault is a 400 naming its JSON path (e.g. `args[1].args[0]`).
 */
import {
  CQL2_LIMITS,
  ComparisonOp,
  Cql2Expr,
  Position,
  Scalar,
  SPATIAL_OPS,
  SpatialArg,
  SpatialOp,
  TEMPORAL_OPS,
  TemporalArg,
  TemporalOp,
  checkTreeLimits,
  countPositions,
  filterError,
} from './cql2-ast.js';

type Json = unknown;
const COMPARISONS: readonly ComparisonOp[] = ['=', '<>', '<', '<=', '>', '>='];
const GEOMETRY_TYPES = ['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon'];

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function argsOf(node: Record<string, Json>, path: string, count: number | [number, number]): Json[] {
  const args = node.args;
  if (!Array.isArray(args)) throw filterError(path, '"args" must be an array');
  const [min, max] = typeof count === 'number' ? [count, count] : count;
  if (args.length < min || args.length > max) {
    throw filterError(path, `"${String(node.op)}" takes ${min === max ? min : `${min} or more`} argument(s), not ${args.length}`);
  }
  return args;
}

function scalar(v: Json, path: Position): Scalar {
  if (typeof v === 'string') return { kind: 'string', value: v, at: path };
  if (typeof v === 'number') return { kind: 'number', value: v, at: path };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v, at: path };
  if (isObject(v)) {
    if (typeof v.property === 'string' && Object.keys(v).length === 1) {
      if (v.property === '') throw filterError(path, 'an empty property name');
      return { kind: 'property', name: v.property, at: path };
    }
    if (typeof v.timestamp === 'string') return { kind: 'timestamp', value: v.timestamp, at: path };
    if (typeof v.date === 'string') return { kind: 'date', value: v.date, at: path };
  }
  throw filterError(path, 'expected a property ({"property": …}), a string, a number, a boolean, {"timestamp": …} or {"date": …}');
}

function spatialArg(v: Json, path: string): SpatialArg {
  if (isObject(v)) {
    if (typeof v.property === 'string') return scalar(v, path) as SpatialArg;
    if (Array.isArray(v.bbox)) {
      const values = v.bbox;
      if ((values.length !== 4 && values.length !== 6) || !values.every((n) => typeof n === 'number' && Number.isFinite(n))) {
        throw filterError(path, '"bbox" must be 4 or 6 finite numbers');
      }
      return { kind: 'bbox', values: values as number[], at: path };
    }
    if (typeof v.type === 'string' && GEOMETRY_TYPES.includes(v.type) && Array.isArray(v.coordinates)) {
      if (countPositions(v.coordinates) > CQL2_LIMITS.maxPositions) {
        throw filterError(path, `a geometry of more than ${CQL2_LIMITS.maxPositions} positions`, 'filter_too_complex');
      }
      return { kind: 'geometry', geojson: { type: v.type, coordinates: v.coordinates }, at: path };
    }
  }
  throw filterError(path, 'expected a property, a GeoJSON geometry or {"bbox": […]}');
}

function temporalArg(v: Json, path: string): TemporalArg {
  if (isObject(v) && Array.isArray(v.interval)) {
    const [start, end] = v.interval;
    const text = (e: Json) =>
      typeof e === 'string'
        ? e
        : isObject(e) && typeof e.timestamp === 'string'
          ? e.timestamp
          : isObject(e) && typeof e.date === 'string'
            ? e.date
            : undefined;
    const s = text(start);
    const e = text(end);
    if (v.interval.length !== 2 || s === undefined || e === undefined)
      throw filterError(path, '"interval" must be two dates or times (".." for an open end)');
    return { kind: 'interval', start: s, end: e, at: path };
  }
  const s = scalar(v, path);
  if (s.kind !== 'property' && s.kind !== 'timestamp' && s.kind !== 'date') {
    throw filterError(path, 'a temporal function takes a property, {"timestamp": …}, {"date": …} or {"interval": […]}');
  }
  return s;
}

function expression(v: Json, path: string): Cql2Expr {
  const at = path === '' ? '(root)' : path;
  if (typeof v === 'boolean') return { kind: 'literal_bool', value: v, at };
  if (!isObject(v) || typeof v.op !== 'string') throw filterError(at, 'expected an expression {"op": …, "args": […]}');
  const op = v.op.toLowerCase();
  const sub = (i: number) => `${path}${path ? '.' : ''}args[${i}]`;
  if (op === 'and' || op === 'or') {
    const args = argsOf(v, at, [2, CQL2_LIMITS.maxNodes]);
    return { kind: op, args: args.map((a, i) => expression(a, sub(i))), at };
  }
  if (op === 'not') return { kind: 'not', arg: expression(argsOf(v, at, 1)[0], sub(0)), at };
  if ((COMPARISONS as readonly string[]).includes(op)) {
    const [l, r] = argsOf(v, at, 2);
    return { kind: 'compare', op: op as ComparisonOp, left: scalar(l, sub(0)), right: scalar(r, sub(1)), at };
  }
  if (op === 'like') {
    const [l, r] = argsOf(v, at, 2);
    return { kind: 'like', negated: false, caseInsensitive: false, value: scalar(l, sub(0)), pattern: scalar(r, sub(1)), at };
  }
  if (op === 'between') {
    const [x, lo, hi] = argsOf(v, at, 3);
    return { kind: 'between', negated: false, value: scalar(x, sub(0)), low: scalar(lo, sub(1)), high: scalar(hi, sub(2)), at };
  }
  if (op === 'in') {
    const [x, list] = argsOf(v, at, 2);
    if (!Array.isArray(list) || list.length === 0) throw filterError(sub(1), '"in" takes a non-empty array of values');
    if (list.length > CQL2_LIMITS.maxInList)
      throw filterError(sub(1), `an IN list of more than ${CQL2_LIMITS.maxInList} values`, 'filter_too_complex');
    return { kind: 'in', negated: false, value: scalar(x, sub(0)), list: list.map((e, i) => scalar(e, `${sub(1)}[${i}]`)), at };
  }
  if (op === 'isnull') return { kind: 'is_null', negated: false, value: scalar(argsOf(v, at, 1)[0], sub(0)), at };
  if ((SPATIAL_OPS as readonly string[]).includes(op)) {
    const [l, r] = argsOf(v, at, 2);
    return { kind: 'spatial', op: op as SpatialOp, left: spatialArg(l, sub(0)), right: spatialArg(r, sub(1)), at };
  }
  if ((TEMPORAL_OPS as readonly string[]).includes(op)) {
    const [l, r] = argsOf(v, at, 2);
    return { kind: 'temporal', op: op as TemporalOp, left: temporalArg(l, sub(0)), right: temporalArg(r, sub(1)), at };
  }
  throw filterError(at, `unsupported operator "${v.op}"`);
}

/** Parse CQL2 JSON text into a tree; 400 with the JSON path of the fault. */
export function parseCql2Json(input: string): Cql2Expr {
  if (input.length > CQL2_LIMITS.maxLength) {
    throw filterError('(root)', `a filter longer than ${CQL2_LIMITS.maxLength} characters`, 'filter_too_complex');
  }
  let value: Json;
  try {
    value = JSON.parse(input);
  } catch (error) {
    const m = /position (\d+)/.exec(String((error as Error).message));
    throw filterError(m ? Number(m[1]) + 1 : '(root)', 'not valid JSON');
  }
  // Depth is checked before the recursive walk, so a deeply nested document cannot exhaust the stack.
  let depth = 0;
  let max = 0;
  for (const ch of input) {
    if (ch === '{' || ch === '[') max = Math.max(max, ++depth);
    else if (ch === '}' || ch === ']') depth -= 1;
  }
  if (max > CQL2_LIMITS.maxDepth * 3 + 6) throw filterError('(root)', 'nested too deeply', 'filter_too_complex');
  const expr = expression(value, '');
  checkTreeLimits(expr);
  return expr;
}
