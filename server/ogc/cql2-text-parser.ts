/**
 * A recursive-descent parser for the CQL2 text encoding (OGC 21-065), the subset GridOps implements:
 * comparisons, LIKE (and GDAL's ILIKE), BETWEEN, IN, IS [NOT] NULL, AND/OR/NOT, S_INTERSECTS / S_WITHIN /
 * S_CONTAINS / S_DISJOINT with WKT or BBOX literals, T_BEFORE / T_AFTER / T_DURING / T_INTERSECTS / T_EQUALS
 * with TIMESTAMP / DATE / INTERVAL literals. Pure: text in, tree out (cql2-ast.ts), or a 400 naming the
 * 1-based character position of the first fault. The whole input must be consumed: trailing text is a fault.
 */
import {
  CQL2_LIMITS,
  ComparisonOp,
  Cql2Expr,
  GeometryLit,
  BboxLit,
  IntervalLit,
  InstantLit,
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

import { tokenize, type Token, type TokenType } from './cql2-tokenizer.js';

const MAX_PARSE_NESTING = CQL2_LIMITS.maxDepth * 2;
const RESERVED = new Set(['AND', 'OR', 'NOT', 'LIKE', 'ILIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE']);
const GEOMETRY_TYPES = ['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON'];

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private get peek(): Token {
    return this.tokens[this.i];
  }
  private next(): Token {
    return this.tokens[this.i++];
  }
  private isWord(word: string, offset = 0): boolean {
    const t = this.tokens[this.i + offset];
    return t?.type === 'ident' && t.text.toUpperCase() === word;
  }
  private describe(t: Token): string {
    if (t.type === 'eof') return 'the end of the filter';
    if (t.type === 'string') return `'${t.text}'`;
    return `"${t.text}"`;
  }
  private fail(t: Token, expected: string): never {
    throw filterError(t.at, `expected ${expected} but found ${this.describe(t)}`);
  }
  private expect(type: TokenType, expected: string): Token {
    const t = this.next();
    if (t.type !== type) this.fail(t, expected);
    return t;
  }
  private expectWord(word: string): Token {
    const t = this.next();
    if (t.type !== 'ident' || t.text.toUpperCase() !== word) this.fail(t, word);
    return t;
  }

  parse(): Cql2Expr {
    const expr = this.orExpr();
    if (this.peek.type !== 'eof') this.fail(this.peek, 'AND, OR or the end of the filter');
    return expr;
  }

  /** Nesting of parentheses and NOTs while parsing: bounded so that no input can exhaust the stack. */
  private nesting = 0;

  private nested<T>(at: number, parse: () => T): T {
    this.nesting += 1;
    if (this.nesting > MAX_PARSE_NESTING) throw filterError(at, `nested deeper than ${MAX_PARSE_NESTING} levels`, 'filter_too_complex');
    try {
      return parse();
    } finally {
      this.nesting -= 1;
    }
  }

  private orExpr(): Cql2Expr {
    const at = this.peek.at;
    const args = [this.andExpr()];
    while (this.isWord('OR')) {
      this.next();
      args.push(this.andExpr());
    }
    return args.length === 1 ? args[0] : { kind: 'or', args, at };
  }

  private andExpr(): Cql2Expr {
    const at = this.peek.at;
    const args = [this.notExpr()];
    while (this.isWord('AND')) {
      this.next();
      args.push(this.notExpr());
    }
    return args.length === 1 ? args[0] : { kind: 'and', args, at };
  }

  private notExpr(): Cql2Expr {
    if (this.isWord('NOT')) {
      const at = this.next().at;
      return { kind: 'not', arg: this.nested(at, () => this.notExpr()), at };
    }
    return this.primary();
  }

  private primary(): Cql2Expr {
    const t = this.peek;
    if (t.type === '(') {
      this.next();
      const inner = this.nested(t.at, () => this.orExpr());
      this.expect(')', 'a closing ")"');
      return inner;
    }
    if (t.type === 'ident') {
      const word = t.text.toUpperCase();
      if ((word === 'TRUE' || word === 'FALSE') && !this.startsPredicateAfter(1)) {
        this.next();
        return { kind: 'literal_bool', value: word === 'TRUE', at: t.at };
      }
      if ((SPATIAL_OPS as readonly string[]).includes(word.toLowerCase()) && this.tokens[this.i + 1]?.type === '(') {
        return this.spatial(word.toLowerCase() as SpatialOp);
      }
      if ((TEMPORAL_OPS as readonly string[]).includes(word.toLowerCase()) && this.tokens[this.i + 1]?.type === '(') {
        return this.temporal(word.toLowerCase() as TemporalOp);
      }
    }
    return this.predicate();
  }

  /** Whether the token at this offset starts the operator part of a predicate (TRUE = x is a comparison). */
  private startsPredicateAfter(offset: number): boolean {
    const t = this.tokens[this.i + offset];
    if (!t) return false;
    if (t.type === 'op') return true;
    return t.type === 'ident' && ['LIKE', 'ILIKE', 'BETWEEN', 'IN', 'IS', 'NOT'].includes(t.text.toUpperCase());
  }

  private predicate(): Cql2Expr {
    const value = this.scalar();
    const at = value.at as number;
    const t = this.peek;
    if (t.type === 'op') {
      this.next();
      return { kind: 'compare', op: t.text as ComparisonOp, left: value, right: this.scalar(), at };
    }
    if (this.isWord('IS')) {
      this.next();
      let negated = false;
      if (this.isWord('NOT')) {
        this.next();
        negated = true;
      }
      this.expectWord('NULL');
      return { kind: 'is_null', negated, value, at };
    }
    let negated = false;
    if (this.isWord('NOT')) {
      this.next();
      negated = true;
    }
    if (this.isWord('LIKE') || this.isWord('ILIKE')) {
      const caseInsensitive = this.next().text.toUpperCase() === 'ILIKE';
      return { kind: 'like', negated, caseInsensitive, value, pattern: this.scalar(), at };
    }
    if (this.isWord('BETWEEN')) {
      this.next();
      const low = this.scalar();
      this.expectWord('AND');
      return { kind: 'between', negated, value, low, high: this.scalar(), at };
    }
    if (this.isWord('IN')) {
      this.next();
      this.expect('(', 'a "(" opening the IN list');
      const list = [this.scalar()];
      while (this.peek.type === ',') {
        this.next();
        list.push(this.scalar());
        if (list.length > CQL2_LIMITS.maxInList) {
          throw filterError(this.peek.at, `an IN list of more than ${CQL2_LIMITS.maxInList} values`, 'filter_too_complex');
        }
      }
      this.expect(')', 'a "," or the ")" closing the IN list');
      return { kind: 'in', negated, value, list, at };
    }
    return this.fail(this.peek, negated ? 'LIKE, BETWEEN or IN' : 'a comparison operator, LIKE, BETWEEN, IN or IS NULL');
  }

  private scalar(): Scalar {
    const t = this.next();
    switch (t.type) {
      case 'string':
        return { kind: 'string', value: t.text, at: t.at };
      case 'number': {
        const value = Number(t.text);
        if (!Number.isFinite(value)) throw filterError(t.at, `the number ${t.text} is out of range`);
        return { kind: 'number', value, at: t.at };
      }
      case 'quoted':
        if (t.text.length === 0) throw filterError(t.at, 'an empty property name');
        return { kind: 'property', name: t.text, at: t.at };
      case 'ident': {
        const word = t.text.toUpperCase();
        if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE', at: t.at };
        if ((word === 'TIMESTAMP' || word === 'DATE') && this.peek.type === '(') return this.instant(t);
        if (RESERVED.has(word)) return this.fail(t, 'a property name or a value');
        return { kind: 'property', name: t.text, at: t.at };
      }
      default:
        return this.fail(t, 'a property name or a value');
    }
  }

  private instant(keyword: Token): InstantLit {
    this.expect('(', '"("');
    const value = this.expect('string', "a quoted date or time, e.g. TIMESTAMP('2026-11-01T00:00:00Z')");
    this.expect(')', '")"');
    return { kind: keyword.text.toUpperCase() === 'DATE' ? 'date' : 'timestamp', value: value.text, at: keyword.at };
  }

  private spatial(op: SpatialOp): Cql2Expr {
    const at = this.next().at;
    this.expect('(', '"("');
    const left = this.spatialArg();
    this.expect(',', '","');
    const right = this.spatialArg();
    this.expect(')', '")"');
    return { kind: 'spatial', op, left, right, at };
  }

  private spatialArg(): SpatialArg {
    const t = this.peek;
    if (t.type === 'ident') {
      const word = t.text.toUpperCase();
      if (word === 'BBOX' && this.tokens[this.i + 1]?.type === '(') return this.bbox();
      if (GEOMETRY_TYPES.includes(word) && this.tokens[this.i + 1]?.type === '(') return this.geometry();
    }
    const s = this.scalar();
    if (s.kind !== 'property') throw filterError(s.at, 'a spatial function takes a property or a geometry (POINT, POLYGON, BBOX, …)');
    return s;
  }

  private bbox(): BboxLit {
    const at = this.next().at;
    this.expect('(', '"("');
    const values = [this.signedNumber()];
    while (this.peek.type === ',') {
      this.next();
      values.push(this.signedNumber());
    }
    this.expect(')', '")"');
    if (values.length !== 4 && values.length !== 6) throw filterError(at, `BBOX takes 4 or 6 numbers, not ${values.length}`);
    return { kind: 'bbox', values, at };
  }

  private signedNumber(): number {
    const t = this.expect('number', 'a number');
    const v = Number(t.text);
    if (!Number.isFinite(v)) throw filterError(t.at, `the number ${t.text} is out of range`);
    return v;
  }

  private geometry(): GeometryLit {
    const keyword = this.next();
    const word = keyword.text.toUpperCase();
    const type = {
      POINT: 'Point',
      LINESTRING: 'LineString',
      POLYGON: 'Polygon',
      MULTIPOINT: 'MultiPoint',
      MULTILINESTRING: 'MultiLineString',
      MULTIPOLYGON: 'MultiPolygon',
    }[word]!;
    // Nesting depth of the coordinate lists after the keyword's own parentheses.
    const depth = { Point: 0, LineString: 1, Polygon: 2, MultiPoint: 1, MultiLineString: 2, MultiPolygon: 3 }[type]!;
    const coordinates = this.coordinateList(depth, word === 'MULTIPOINT');
    if (countPositions(coordinates) > CQL2_LIMITS.maxPositions) {
      throw filterError(keyword.at, `a geometry of more than ${CQL2_LIMITS.maxPositions} positions`, 'filter_too_complex');
    }
    return { kind: 'geometry', geojson: { type, coordinates }, at: keyword.at };
  }

  /** "(x y)" at depth 0, "(x y, x y)" at depth 1, "((…), (…))" deeper. MULTIPOINT also accepts "(x y, x y)". */
  private coordinateList(depth: number, pointsMayBeBare: boolean): unknown {
    this.expect('(', '"("');
    if (depth === 0) {
      const position = this.position();
      this.expect(')', '")"');
      return position;
    }
    const items: unknown[] = [];
    do {
      if (items.length > 0) this.next();
      if (depth === 1) {
        if (pointsMayBeBare && this.peek.type === '(') {
          this.next();
          items.push(this.position());
          this.expect(')', '")"');
        } else items.push(this.position());
      } else items.push(this.coordinateList(depth - 1, false));
    } while (this.peek.type === ',');
    this.expect(')', '"," or ")"');
    return items;
  }

  private position(): number[] {
    const x = this.signedNumber();
    const y = this.signedNumber();
    return [x, y];
  }

  private temporal(op: TemporalOp): Cql2Expr {
    const at = this.next().at;
    this.expect('(', '"("');
    const left = this.temporalArg();
    this.expect(',', '","');
    const right = this.temporalArg();
    this.expect(')', '")"');
    return { kind: 'temporal', op, left, right, at };
  }

  private temporalArg(): TemporalArg {
    if (this.isWord('INTERVAL') && this.tokens[this.i + 1]?.type === '(') {
      const at = this.next().at;
      this.expect('(', '"("');
      const start = this.intervalEnd();
      this.expect(',', '","');
      const end = this.intervalEnd();
      this.expect(')', '")"');
      return { kind: 'interval', start, end, at } satisfies IntervalLit;
    }
    const s = this.scalar();
    if (s.kind !== 'property' && s.kind !== 'timestamp' && s.kind !== 'date') {
      throw filterError(s.at, 'a temporal function takes a property, TIMESTAMP(…), DATE(…) or INTERVAL(…)');
    }
    return s;
  }

  private intervalEnd(): string {
    const t = this.peek;
    if (t.type === 'string') return this.next().text;
    if (t.type === 'ident' && ['TIMESTAMP', 'DATE'].includes(t.text.toUpperCase())) {
      this.next();
      return this.instant(t).value;
    }
    return this.fail(t, "a quoted date or time, or '..'");
  }
}

/** Parse CQL2 text into a tree; 400 invalid_filter / filter_too_complex with the position of the fault. */
export function parseCql2Text(input: string): Cql2Expr {
  if (input.length > CQL2_LIMITS.maxLength) {
    throw filterError(CQL2_LIMITS.maxLength + 1, `a filter longer than ${CQL2_LIMITS.maxLength} characters`, 'filter_too_complex');
  }
  if (input.trim() === '') throw filterError(1, 'the filter is empty');
  const expr = new Parser(tokenize(input)).parse();
  checkTreeLimits(expr);
  return expr;
}
