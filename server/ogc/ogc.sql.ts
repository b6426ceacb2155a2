/**
 * All SQL of the OGC module. Identifiers (table, level literal, geometry and property columns, SRID of the
 * output CRS) come only from the allow-list in ogc-collections.ts and ogc-crs.ts; request values only as bind
 * parameters. The statement text of a request depends on its collection, CRS, which filters it has and the
 * shape of its CQL2 tree, never on values: each distinct text is one named statement (the name carries a
 * hash of the text), prepared once per connection on a real PostgreSQL.
 *
 * Features are built as GeoJSON text in SQL (`json_build_object(...)::text`), so a page of 10,000
 * polygons is concatenated by the server without being parsed and re-serialised.
 *
 * Paging is by keyset: a page is `order key > cursor ORDER BY key LIMIT n + 1` on the primary key (or the
 * (level, code) index of units), so the cost of the thousandth page is the cost of the first. The extra
 * row only says whether a next page exists. `offset` is still accepted (then PostgreSQL skips rows in the
 * key index first, building no JSON for them).
 */
import { createHash } from 'node:crypto';
import { defineSql, SqlStatement } from '../db/database.js';
import { OGC_COLLECTIONS, OgcCollection } from './ogc-collections.js';
import { CRS84, type OgcCrs } from './ogc-crs.js';

/** A bounding box, x/y (east/north) in the CRS `srid` (4326 when absent), already validated. */
export interface Bbox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
  srid?: number;
}

/** A closed or half-open time interval; an open end is undefined. Instants have start === end. */
export interface TimeInterval {
  start?: string;
  end?: string;
}

/** A condition over the alias `t` built by the CQL2 translation, with a binder for its parameters. */
export type ConditionBuilder = (bind: (value: unknown) => string) => string;

export interface ItemsFilter {
  bbox?: Bbox;
  /** Applied only to collections with a temporal column; the others carry no time. */
  datetime?: TimeInterval;
  /** The CQL2 filter, translated. */
  condition?: ConditionBuilder;
}

export interface PageRequest {
  limit: number;
  offset: number;
  /** The last key of the previous page (keyset paging), validated for the collection's key type. */
  after?: string | number;
  /** The output CRS; CRS84 when absent. */
  crs?: OgcCrs;
}

export interface Query {
  statement: SqlStatement;
  params: unknown[];
}

/**
 * Counting stops here: numberMatched is exact below the cap and omitted above (its cost must stay bounded).
 * Counts of revisioned reference tables are cached (ogc-count-cache.ts), so they may count further than the
 * live tables (incidents, workers), which are counted on every first page.
 */
export const COUNT_CAP = 500_000;
export const LIVE_COUNT_CAP = 10_000;

const statementCache = new Map<string, SqlStatement>();

/** The named statement for this text (one name per distinct text: the hash of the text). */
function statementFor(prefix: string, text: string): SqlStatement {
  const known = statementCache.get(text);
  if (known) return known;
  const name = `${prefix}.${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
  const statement = defineSql(name, text);
  statementCache.set(text, statement);
  return statement;
}

/** The geometry as GeoJSON in the output CRS (no `crs` member: the Content-Crs header says it). */
function geometrySql(c: OgcCollection, crs: OgcCrs): string {
  let g = `t.${c.geometryColumn}`;
  if (crs.srid !== 4326) g = `ST_Transform(${g}, ${crs.srid})`;
  if (crs.latFirst) g = `ST_FlipCoordinates(${g})`;
  return `ST_AsGeoJSON(${g}, ${crs.decimals}, 0)::json`;
}

/** Result column `feature`: one GeoJSON Feature as text. */
function featureSql(c: OgcCollection, crs: OgcCrs): string {
  const properties = c.properties.map((prop) => `'${prop.name}', ${prop.sql}`).join(', ');
  return `json_build_object('type', 'Feature', 'id', t.${c.idColumn},
    'geometry', ${geometrySql(c, crs)},
    'properties', json_build_object(${properties}))::text AS feature`;
}

function binder(params: unknown[]) {
  return (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
}

/** The conditions of a filter (level, bbox, datetime, CQL2); parameters appended to `params`. */
function conditionsOf(c: OgcCollection, filter: ItemsFilter, params: unknown[]): string[] {
  const bind = binder(params);
  const conditions: string[] = [];
  if (c.level) conditions.push(`t.level = '${c.level}'`);
  if (filter.bbox) {
    const b = filter.bbox;
    const envelope = `ST_MakeEnvelope(${bind(b.minLon)}::float8, ${bind(b.minLat)}::float8, ${bind(b.maxLon)}::float8, ${bind(b.maxLat)}::float8, ${b.srid ?? 4326})`;
    // OGC: features whose geometry intersects the bbox. ST_Intersects adds `geom && envelope` as an index
    // condition (GiST); `&&` alone would also return features whose float4 index box merely touches it.
    // A bbox in another CRS is transformed once (a constant), never the stored geometries.
    const box = b.srid && b.srid !== 4326 ? `ST_Transform(${envelope}, 4326)` : envelope;
    conditions.push(`ST_Intersects(t.${c.geometryColumn}, ${box})`);
  }
  if (filter.datetime && c.temporalColumn) {
    const { start, end } = filter.datetime;
    conditions.push(`t.${c.temporalColumn} BETWEEN ${bind(start ?? '-infinity')}::timestamptz AND ${bind(end ?? 'infinity')}::timestamptz`);
  }
  if (filter.condition) conditions.push(filter.condition(bind));
  return conditions;
}

const whereOf = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');

/**
 * The page query. Params: the filter's, then limit + 1, offset, and the cursor when there is one.
 * Result: feature (GeoJSON text), k (the order key as text, for the next cursor); at most limit + 1 rows.
 * Index: units_level_idx (level, code) for the unit collections, the primary key of the others (or the
 * filter's index, then a sort of the matching keys). JSON is built only for the page's rows.
 */
export function itemsQuery(c: OgcCollection, filter: ItemsFilter, page: PageRequest): Query {
  const params: unknown[] = [];
  const conditions = conditionsOf(c, filter, params);
  const bind = binder(params);
  // The first page starts after the lowest key ('' sorts before every code): one statement for every page of
  // a walk, and on the embedded database the first page measured 3–5× slower without the key condition.
  const after = page.after ?? (c.orderType === 'integer' ? '-9223372036854775808' : '');
  conditions.push(`t.${c.orderColumn} > ${bind(after)}::${c.orderType === 'integer' ? 'bigint' : 'text'}`);
  const limit = bind(page.limit + 1);
  const offset = bind(page.offset);
  const text = `SELECT ${featureSql(c, page.crs ?? CRS84)}, page.k::text AS k
     FROM (SELECT t.${c.orderColumn} AS k FROM ${c.table} t
            ${whereOf(conditions)}
            ORDER BY t.${c.orderColumn}
            LIMIT ${limit}::int OFFSET ${offset}::bigint) page
     JOIN ${c.table} t ON t.${c.orderColumn} = page.k
    ORDER BY t.${c.orderColumn}`;
  return { statement: statementFor(`ogc.items.${c.id}`, text), params };
}

/**
 * numberMatched: the same filter as itemsQuery, counted up to countCap + 1 rows. Params: the filter's,
 * then the cap. Result: n. Index: as itemsQuery (an index-only count for the unit levels).
 */
export function countQuery(c: OgcCollection, filter: ItemsFilter, countCap = COUNT_CAP): Query {
  const params: unknown[] = [];
  const conditions = conditionsOf(c, filter, params);
  const cap = binder(params)(countCap + 1);
  const text = `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${c.table} t ${whereOf(conditions)} LIMIT ${cap}::int) s`;
  return { statement: statementFor(`ogc.count.${c.id}`, text), params };
}

/** One feature by its id. Params: $1 feature id. Result: feature (zero or one row). Index: pkey / unique code. */
export function itemQuery(c: OgcCollection, featureId: string | number, crs: OgcCrs = CRS84): Query {
  const levelCondition = c.level ? `t.level = '${c.level}' AND ` : '';
  const text = `SELECT ${featureSql(c, crs)} FROM ${c.table} t WHERE ${levelCondition}t.${c.idColumn} = $1`;
  return { statement: statementFor(`ogc.item.${c.id}`, text), params: [featureId] };
}

/**
 * Result: id, minx, miny, maxx, maxy (null when the collection is empty) for every collection.
 * A full scan per table (ST_Extent); the caller caches it (see ogc-extent-cache.ts).
 */
export const selectExtents = defineSql(
  'ogc.extents',
  OGC_COLLECTIONS.map(
    (c) =>
      `SELECT '${c.id}' AS id, ST_XMin(e)::float8 AS minx, ST_YMin(e)::float8 AS miny, ST_XMax(e)::float8 AS maxx, ST_YMax(e)::float8 AS maxy
         FROM (SELECT ST_Extent(t.${c.geometryColumn}) AS e FROM ${c.table} t ${c.level ? `WHERE t.level = '${c.level}'` : ''}) s`,
  ).join('\nUNION ALL\n'),
);
