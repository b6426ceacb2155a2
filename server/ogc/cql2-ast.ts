/**
 * The parsed form of a CQL2 filter (OGC 21-065), shared by the text parser (cql2-text-parser.ts), the
 * JSON parser (cql2-json-parser.ts) and the SQL translation (cql2-to-sql.ts). Every node keeps `at`: the
 * 1-based character position (CQL2 text) or the JSON path (CQL2 JSON) where it starts, so that a fault
 * found while translating (an unknown property, a type mismatch) still names its place in the input.
 */
import { badRequest } from '../errors/app-error.js';

export type Position = number | string;

export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type SpatialOp = 's_intersects' | 's_within' | 's_contains' | 's_disjoint';
export type TemporalOp = 't_before' | 't_after' | 't_during' | 't_intersects' | 't_equals';

export const SPATIAL_OPS: readonly SpatialOp[] = ['s_intersects', 's_within', 's_contains', 's_disjoint'];
export const TEMPORAL_OPS: readonly TemporalOp[] = ['t_before', 't_after', 't_during', 't_intersects', 't_equals'];

export interface PropertyRef {
  kind: 'property';
  name: string;
  at: Position;
}
export interface StringLit {
  kind: 'string';
  value: string;
  at: Position;
}
export interface NumberLit {
  kind: 'number';
  value: number;
  at: Position;
}
export interface BooleanLit {
  kind: 'boolean';
  value: boolean;
  at: Position;
}
/** TIMESTAMP('…') or DATE('…'); `value` is the text as written (validated during translation). */
export interface InstantLit {
  kind: 'timestamp' | 'date';
  value: string;
  at: Position;
}
/** INTERVAL(start, end); an open end is '..'. */
export interface IntervalLit {
  kind: 'interval';
  start: string;
  end: string;
  at: Position;
}
/** A geometry literal, as GeoJSON (WKT is converted while parsing); BBOX(...) as a Polygon-free envelope. */
export interface GeometryLit {
  kind: 'geometry';
  geojson: { type: string; coordinates: unknown };
  at: Position;
}
export interface BboxLit {
  kind: 'bbox';
  values: number[];
  at: Position;
}

export type Scalar = PropertyRef | StringLit | NumberLit | BooleanLit | InstantLit;
export type SpatialArg = PropertyRef | GeometryLit | BboxLit;
export type TemporalArg = PropertyRef | InstantLit | IntervalLit;

export type Cql2Expr =
  | { kind: 'and' | 'or'; args: Cql2Expr[]; at: Position }
  | { kind: 'not'; arg: Cql2Expr; at: Position }
  | { kind: 'literal_bool'; value: boolean; at: Position }
  | { kind: 'compare'; op: ComparisonOp; left: Scalar; right: Scalar; at: Position }
  | { kind: 'like'; negated: boolean; caseInsensitive: boolean; value: Scalar; pattern: Scalar; at: Position }
  | { kind: 'between'; negated: boolean; value: Scalar; low: Scalar; high: Scalar; at: Position }
  | { kind: 'in'; negated: boolean; value: Scalar; list: Scalar[]; at: Position }
  | { kind: 'is_null'; negated: boolean; value: Scalar; at: Position }
  | { kind: 'spatial'; op: SpatialOp; left: SpatialArg; right: SpatialArg; at: Position }
  | { kind: 'temporal'; op: TemporalOp; left: TemporalArg; right: TemporalArg; at: Position };

/** Limits on what a filter may be: past them a request is refused before any SQL is built. */
export const CQL2_LIMITS = {
  /** Characters of the filter text (or of the JSON). */
  maxLength: 4096,
  /** Nesting depth of the expression tree. */
  maxDepth: 12,
  /** Nodes of the expression tree (predicates and boolean operators). */
  maxNodes: 128,
  /** Values in one IN list. */
  maxInList: 200,
  /** Positions in one geometry literal. */
  maxPositions: 2000,
} as const;

const describe = (at: Position) => (typeof at === 'number' ? `at position ${at}` : `at ${at}`);

/** 400 invalid_filter naming the place of the fault. */
export function filterError(at: Position, why: string, code = 'invalid_filter') {
  return badRequest(code, `Invalid filter ${describe(at)}: ${why}`, { parameter: 'filter', position: at });
}

/** 400 filter_too_complex when the tree passes a limit. */
export function checkTreeLimits(expr: Cql2Expr): void {
  let nodes = 0;
  const visit = (e: Cql2Expr, depth: number): void => {
    nodes += 1;
    if (depth > CQL2_LIMITS.maxDepth) {
      throw filterError(e.at, `nested deeper than ${CQL2_LIMITS.maxDepth} levels`, 'filter_too_complex');
    }
    if (nodes > CQL2_LIMITS.maxNodes) {
      throw filterError(e.at, `more than ${CQL2_LIMITS.maxNodes} operators and predicates`, 'filter_too_complex');
    }
    if (e.kind === 'and' || e.kind === 'or') e.args.forEach((a) => visit(a, depth + 1));
    else if (e.kind === 'not') visit(e.arg, depth + 1);
    else if (e.kind === 'in' && e.list.length > CQL2_LIMITS.maxInList) {
      throw filterError(e.at, `an IN list of more than ${CQL2_LIMITS.maxInList} values`, 'filter_too_complex');
    }
  };
  visit(expr, 1);
}

/** Count the positions of GeoJSON coordinates (nested arrays of numbers). */
export function countPositions(coordinates: unknown): number {
  if (!Array.isArray(coordinates)) return 0;
  if (typeof coordinates[0] === 'number') return 1;
  return coordinates.reduce((n: number, c) => n + countPositions(c), 0);
}
