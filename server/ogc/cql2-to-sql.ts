/**
 * A CQL2 tree (cql2-ast.ts) into a PostgreSQL condition over the table alias `t`. Identifiers come only
 * from the collection's queryables (the allow-list in ogc-collections.ts); every literal becomes a bind
 * parameter through `bind`, with a cast fixed by the queryable's type. Nothing of the input is ever
 * spliced into the SQL text: the text depends only on the tree's shape and the allow-list. Type faults
 * (a string compared with a number column, LIKE on a number, an unknown property) are 400s at the
 * node's position.
 */
import { ComparisonOp, Cql2Expr, Position, Scalar, SpatialArg, TemporalArg, filterError } from './cql2-ast.js';

export type QueryableType = 'string' | 'integer' | 'number' | 'boolean' | 'date-time';

export interface Queryable {
  /** SQL expression over `t`, from the allow-list. */
  readonly sql: string;
  readonly type: QueryableType;
}

export interface TranslationContext {
  queryables: ReadonlyMap<string, Queryable>;
  /** The geometry column (`t.geom`) and the property name clients use for it. */
  geometry: { name: string; sql: string };
  /** Adds a bind parameter, returns its placeholder ($n). */
  bind(value: unknown): string;
}

const CAST: Record<QueryableType, string> = {
  string: 'text',
  integer: 'float8',
  number: 'float8',
  boolean: 'boolean',
  'date-time': 'timestamptz',
};

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** An RFC 3339 date-time or date (GDAL sends '2026-11-01T00:00:00Z' and '2026/11/01' forms), as ISO UTC. */
export function parseInstantText(text: string, at: Position): string {
  const normalised = text.trim().replace(/^(\d{4})\/(\d{2})\/(\d{2})/, '$1-$2-$3');
  const m = DATE_TIME.exec(normalised);
  const fail = () => filterError(at, `"${text}" is not an RFC 3339 date-time (2026-11-01T08:00:00Z) or date (2026-11-01)`);
  if (!m) throw fail();
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) throw fail();
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60)) throw fail();
  // A time without a zone is read as UTC (CQL2 timestamps are UTC).
  const iso = m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : normalised.replace(' ', 'T') + (m[8] ? '' : 'Z');
  const date = new Date(iso.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(date.getTime())) throw fail();
  return date.toISOString();
}

function queryable(ctx: TranslationContext, name: string, at: Position): Queryable {
  const q = ctx.queryables.get(name);
  if (!q) {
    const known = [...ctx.queryables.keys(), ctx.geometry.name].join(', ');
    throw filterError(at, `unknown property "${name}"; the queryables are: ${known}`, 'unknown_queryable');
  }
  return q;
}

/** A literal's value checked against (and converted for) a column of type `type`; nothing is bound. */
function literalValue(lit: Scalar, type: QueryableType): unknown {
  const mismatch = () => filterError(lit.at, `a ${describeLiteral(lit)} cannot be compared with a ${type} property`);
  switch (type) {
    case 'string':
      if (lit.kind !== 'string') throw mismatch();
      return lit.value;
    case 'integer':
    case 'number':
      if (lit.kind !== 'number') throw mismatch();
      return lit.value;
    case 'boolean':
      if (lit.kind !== 'boolean') throw mismatch();
      return lit.value;
    case 'date-time':
      // GDAL sends date-times as plain strings ('2026-11-01T00:00:00Z'): accepted when they parse.
      if (lit.kind !== 'timestamp' && lit.kind !== 'date' && lit.kind !== 'string') throw mismatch();
      return parseInstantText(lit.value, lit.at);
  }
}

/** A literal as a bind parameter typed for a column of type `type`. */
function literalFor(ctx: TranslationContext, lit: Scalar, type: QueryableType): string {
  return `${ctx.bind(literalValue(lit, type))}::${CAST[type]}`;
}

function describeLiteral(lit: Scalar): string {
  return lit.kind === 'property' ? `property "${lit.name}"` : `${lit.kind} value`;
}

/** The two sides of a binary predicate: at least one property; the other a property of the same type or a literal. */
function operands(ctx: TranslationContext, left: Scalar, right: Scalar, at: Position): { l: string; r: string; type: QueryableType } {
  if (left.kind === 'property' && right.kind === 'property') {
    const a = queryable(ctx, left.name, left.at);
    const b = queryable(ctx, right.name, right.at);
    const numeric = (t: QueryableType) => t === 'integer' || t === 'number';
    if (a.type !== b.type && !(numeric(a.type) && numeric(b.type))) {
      throw filterError(at, `"${left.name}" (${a.type}) cannot be compared with "${right.name}" (${b.type})`);
    }
    return { l: a.sql, r: b.sql, type: a.type };
  }
  if (left.kind === 'property') {
    const q = queryable(ctx, left.name, left.at);
    return { l: q.sql, r: literalFor(ctx, right, q.type), type: q.type };
  }
  if (right.kind === 'property') {
    const q = queryable(ctx, right.name, right.at);
    return { l: literalFor(ctx, left, q.type), r: q.sql, type: q.type };
  }
  throw filterError(at, 'a predicate must name at least one property');
}

const ORDERED: ReadonlySet<QueryableType> = new Set(['string', 'integer', 'number', 'date-time']);

function comparison(ctx: TranslationContext, op: ComparisonOp, left: Scalar, right: Scalar, at: Position): string {
  const { l, r, type } = operands(ctx, left, right, at);
  if (op !== '=' && op !== '<>' && !ORDERED.has(type)) throw filterError(at, `"${op}" cannot be used on a ${type} property`);
  return `(${l} ${op} ${r})`;
}

function scalarSql(ctx: TranslationContext, s: Scalar, type: QueryableType): string {
  return s.kind === 'property' ? queryable(ctx, s.name, s.at).sql : literalFor(ctx, s, type);
}

function spatialSql(ctx: TranslationContext, arg: SpatialArg): string {
  if (arg.kind === 'property') {
    if (arg.name !== ctx.geometry.name) {
      throw filterError(arg.at, `"${arg.name}" is not a geometry; the geometry property is "${ctx.geometry.name}"`, 'unknown_queryable');
    }
    return ctx.geometry.sql;
  }
  if (arg.kind === 'bbox') {
    const [minx, miny, maxx, maxy] = arg.values.length === 6 ? [arg.values[0], arg.values[1], arg.values[3], arg.values[4]] : arg.values;
    if (!(minx <= maxx && miny <= maxy) || [minx, maxx].some((x) => Math.abs(x) > 180) || [miny, maxy].some((y) => Math.abs(y) > 90)) {
      throw filterError(arg.at, 'BBOX must be minLon,minLat,maxLon,maxLat in WGS84 degrees with min ≤ max');
    }
    return `ST_MakeEnvelope(${[minx, miny, maxx, maxy].map((v) => `${ctx.bind(v)}::float8`).join(', ')}, 4326)`;
  }
  const bad = (c: unknown): boolean =>
    Array.isArray(c) && (typeof c[0] === 'number' ? c.length < 2 || !c.every((n) => typeof n === 'number' && Number.isFinite(n)) : c.some(bad));
  if (bad(arg.geojson.coordinates)) throw filterError(arg.at, 'geometry coordinates must be finite numbers');
  const why = geometryFault(arg.geojson.type, arg.geojson.coordinates);
  if (why) throw filterError(arg.at, why);
  return `ST_SetSRID(ST_GeomFromGeoJSON(${ctx.bind(JSON.stringify(arg.geojson))}::text), 4326)`;
}

type Positions = unknown;
const isPosition = (p: Positions) => Array.isArray(p) && (p.length === 2 || p.length === 3) && p.every((n) => typeof n === 'number');
const isLine = (l: Positions, min: number) => Array.isArray(l) && l.length >= min && l.every(isPosition);
const isRing = (r: Positions) => {
  if (!isLine(r, 4)) return false;
  const ring = r as number[][];
  const [a, b] = [ring[0], ring[ring.length - 1]];
  return a[0] === b[0] && a[1] === b[1];
};
const isPolygon = (p: Positions) => Array.isArray(p) && p.length >= 1 && p.every(isRing);

/** Why GeoJSON coordinates do not make a geometry of this type (undefined when they do), so PostGIS never refuses them. */
export function geometryFault(type: string, c: Positions): string | undefined {
  const ok =
    type === 'Point'
      ? isPosition(c)
      : type === 'MultiPoint'
        ? Array.isArray(c) && c.length >= 1 && c.every(isPosition)
        : type === 'LineString'
          ? isLine(c, 2)
          : type === 'MultiLineString'
            ? Array.isArray(c) && c.length >= 1 && c.every((l) => isLine(l, 2))
            : type === 'Polygon'
              ? isPolygon(c)
              : type === 'MultiPolygon'
                ? Array.isArray(c) && c.length >= 1 && c.every(isPolygon)
                : false;
  if (ok) return undefined;
  return type === 'Polygon' || type === 'MultiPolygon'
    ? `a ${type} needs closed rings of at least 4 positions (the first repeated last)`
    : `the coordinates do not make a ${type}`;
}

const SPATIAL_FUNCTION = { s_intersects: 'ST_Intersects', s_within: 'ST_Within', s_contains: 'ST_Contains', s_disjoint: 'ST_Disjoint' } as const;

/** A temporal argument as [start, end] SQL (equal for an instant); undefined ends are open. */
function temporalBounds(ctx: TranslationContext, arg: TemporalArg): { start?: string; end?: string } {
  if (arg.kind === 'property') {
    const q = queryable(ctx, arg.name, arg.at);
    if (q.type !== 'date-time') throw filterError(arg.at, `"${arg.name}" is not a date-time property`);
    return { start: q.sql, end: q.sql };
  }
  if (arg.kind === 'interval') {
    const end = (text: string) => (text === '..' || text === '' ? undefined : `${ctx.bind(parseInstantText(text, arg.at))}::timestamptz`);
    return { start: end(arg.start), end: end(arg.end) };
  }
  const value = `${ctx.bind(parseInstantText(arg.value, arg.at))}::timestamptz`;
  return { start: value, end: value };
}

function temporal(ctx: TranslationContext, e: Extract<Cql2Expr, { kind: 'temporal' }>): string {
  const a = temporalBounds(ctx, e.left);
  const b = temporalBounds(ctx, e.right);
  const all = (parts: Array<string | undefined>) => {
    const present = parts.filter((p): p is string => p !== undefined);
    return present.length ? `(${present.join(' AND ')})` : 'TRUE';
  };
  const cmp = (x: string | undefined, op: string, y: string | undefined) => (x && y ? `${x} ${op} ${y}` : undefined);
  switch (e.op) {
    case 't_before':
      return all([cmp(a.end, '<', b.start)]);
    case 't_after':
      return all([cmp(a.start, '>', b.end)]);
    case 't_during':
      return all([cmp(a.start, '>', b.start), cmp(a.end, '<', b.end)]);
    case 't_intersects':
      return all([cmp(a.start, '<=', b.end), cmp(a.end, '>=', b.start)]);
    case 't_equals':
      return all([cmp(a.start, '=', b.start), cmp(a.end, '=', b.end)]);
  }
}

/** Translate a tree into a boolean SQL expression; literals go through ctx.bind. */
export function cql2ToSql(e: Cql2Expr, ctx: TranslationContext): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${e.args.map((a) => cql2ToSql(a, ctx)).join(e.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${cql2ToSql(e.arg, ctx)})`;
    case 'literal_bool':
      return e.value ? 'TRUE' : 'FALSE';
    case 'compare':
      return comparison(ctx, e.op, e.left, e.right, e.at);
    case 'like': {
      if (e.value.kind !== 'property') throw filterError(e.value.at, 'LIKE needs a property on its left');
      const q = queryable(ctx, e.value.name, e.value.at);
      if (q.type !== 'string') throw filterError(e.at, `LIKE cannot be used on the ${q.type} property "${e.value.name}"`);
      if (e.pattern.kind !== 'string') throw filterError(e.pattern.at, 'LIKE needs a quoted pattern');
      // CQL2 wildcards are SQL's (% and _), escaped with a backslash: PostgreSQL's default ESCAPE.
      return `(${e.negated ? 'NOT ' : ''}${q.sql} ${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${ctx.bind(e.pattern.value)}::text)`;
    }
    case 'between': {
      if (e.value.kind !== 'property') throw filterError(e.value.at, 'BETWEEN needs a property on its left');
      const q = queryable(ctx, e.value.name, e.value.at);
      if (q.type === 'boolean') throw filterError(e.at, `BETWEEN cannot be used on the boolean property "${e.value.name}"`);
      return `(${q.sql} ${e.negated ? 'NOT ' : ''}BETWEEN ${scalarSql(ctx, e.low, q.type)} AND ${scalarSql(ctx, e.high, q.type)})`;
    }
    case 'in': {
      if (e.value.kind !== 'property') throw filterError(e.value.at, 'IN needs a property on its left');
      const q = queryable(ctx, e.value.name, e.value.at);
      // One array parameter whatever the list's length: the SQL text stays the same for every list.
      const values = e.list.map((lit) => {
        if (lit.kind === 'property') throw filterError(lit.at, 'an IN list holds values, not properties');
        return literalValue(lit, q.type);
      });
      return `(${e.negated ? 'NOT ' : ''}${q.sql} = ANY(${ctx.bind(values)}::${CAST[q.type]}[]))`;
    }
    case 'is_null': {
      if (e.value.kind !== 'property') throw filterError(e.value.at, 'IS NULL needs a property');
      const sql = e.value.name === ctx.geometry.name ? ctx.geometry.sql : queryable(ctx, e.value.name, e.value.at).sql;
      return `(${sql} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    }
    case 'spatial':
      return `${SPATIAL_FUNCTION[e.op]}(${spatialSql(ctx, e.left)}, ${spatialSql(ctx, e.right)})`;
    case 'temporal':
      return temporal(ctx, e);
  }
}
