/**
 * All SQL of the OGC module, built once at start-up from the allow-list in ogc-collections.ts: a fixed
 * set of statements per collection and filter combination. Identifiers (table, level literal, geometry
 * and property columns) come only from the allow-list; request values only as bind parameters.
 *
 * Features are built as GeoJSON text in SQL (`json_build_object(...)::text`), so a page of 10,000
 * polygons is concatenated by the server without being parsed and re-serialised.
 */
import { defineSql, SqlStatement } from '../db/database.js';
import { OGC_COLLECTIONS, OgcCollection } from './ogc-collections.js';

/** CRS84 bounding box, already validated (ogc-params.ts). */
export interface Bbox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

/** A closed or half-open time interval; an open end is undefined. Instants have start === end. */
export interface TimeInterval {
  start?: string;
  end?: string;
}

export interface ItemsFilter {
  bbox?: Bbox;
  /** Applied only to collections with a temporal column; the others carry no time. */
  datetime?: TimeInterval;
}

interface Variant {
  bbox: boolean;
  datetime: boolean;
}

const VARIANTS: readonly Variant[] = [
  { bbox: false, datetime: false },
  { bbox: true, datetime: false },
  { bbox: false, datetime: true },
  { bbox: true, datetime: true },
];

const variantKey = (v: Variant) => `${v.bbox ? 'bbox' : 'all'}${v.datetime ? '_datetime' : ''}`;

/** Result column `feature`: one GeoJSON Feature as text. */
function featureSql(c: OgcCollection): string {
  const properties = c.properties.map((prop) => `'${prop.name}', ${prop.sql}`).join(', ');
  return `json_build_object('type', 'Feature', 'id', t.${c.idColumn},
    'geometry', ST_AsGeoJSON(t.${c.geometryColumn}, 7)::json,
    'properties', json_build_object(${properties}))::text AS feature`;
}

/** The WHERE clause of a variant; bind parameters are numbered from `first`. */
function whereSql(c: OgcCollection, v: Variant, first: number): string {
  const conditions: string[] = [];
  if (c.level) conditions.push(`t.level = '${c.level}'`);
  let n = first;
  // OGC: features whose geometry intersects the bbox. ST_Intersects adds `geom && envelope` as an index
  // condition (GiST); `&&` alone would also return features whose float4 index box merely touches it.
  if (v.bbox) conditions.push(`ST_Intersects(t.${c.geometryColumn}, ST_MakeEnvelope($${n++}, $${n++}, $${n++}, $${n++}, 4326))`);
  if (v.datetime && c.temporalColumn) {
    conditions.push(`t.${c.temporalColumn} BETWEEN $${n}::timestamptz AND $${n + 1}::timestamptz`);
  }
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

interface CollectionStatements {
  items: Map<string, SqlStatement>;
  count: Map<string, SqlStatement>;
  item: SqlStatement;
}

function buildStatements(c: OgcCollection): CollectionStatements {
  const items = new Map<string, SqlStatement>();
  const count = new Map<string, SqlStatement>();
  for (const v of VARIANTS) {
    if (v.datetime && !c.temporalColumn) continue;
    const key = variantKey(v);
    // Params: $1 limit, $2 offset, then bbox ($3..$6), then datetime start/end. Result: feature.
    // The page's keys are found first (an index scan on (level, code) or the pkey, in primary-key order so
    // that offset paging is stable), then only those rows are turned into GeoJSON: PostgreSQL would
    // otherwise build the JSON of every row skipped by OFFSET.
    items.set(
      key,
      defineSql(
        `ogc.items.${c.id}.${key}`,
        `SELECT ${featureSql(c)}
           FROM (SELECT t.${c.orderColumn} AS k FROM ${c.table} t
                  ${whereSql(c, v, 3)}
                  ORDER BY t.${c.orderColumn}
                  LIMIT $1 OFFSET $2) page
           JOIN ${c.table} t ON t.${c.orderColumn} = page.k
          ORDER BY t.${c.orderColumn}`,
      ),
    );
    // Params: bbox ($1..$4), then datetime start/end. Result: n, the number of matching features.
    count.set(key, defineSql(`ogc.count.${c.id}.${key}`, `SELECT count(*)::int AS n FROM ${c.table} t ${whereSql(c, v, 1)}`));
  }
  const levelCondition = c.level ? `t.level = '${c.level}' AND ` : '';
  // Params: $1 feature id. Result: feature (zero or one row). Uses the primary key / unique code index.
  const item = defineSql(
    `ogc.item.${c.id}`,
    `SELECT ${featureSql(c)} FROM ${c.table} t WHERE ${levelCondition}t.${c.idColumn} = $1`,
  );
  return { items, count, item };
}

const STATEMENTS = new Map(OGC_COLLECTIONS.map((c) => [c.id, buildStatements(c)]));

function statementsOf(c: OgcCollection): CollectionStatements {
  const s = STATEMENTS.get(c.id);
  if (!s) throw new Error(`no OGC statements for collection ${c.id}`);
  return s;
}

function filterParams(c: OgcCollection, filter: ItemsFilter): { key: string; params: unknown[] } {
  const datetime = filter.datetime && c.temporalColumn ? filter.datetime : undefined;
  const params: unknown[] = [];
  if (filter.bbox) params.push(filter.bbox.minLon, filter.bbox.minLat, filter.bbox.maxLon, filter.bbox.maxLat);
  if (datetime) params.push(datetime.start ?? '-infinity', datetime.end ?? 'infinity');
  return { key: variantKey({ bbox: Boolean(filter.bbox), datetime: Boolean(datetime) }), params };
}

function pick(map: Map<string, SqlStatement>, key: string): SqlStatement {
  const statement = map.get(key);
  if (!statement) throw new Error(`no OGC statement variant ${key}`);
  return statement;
}

/** The page query of a collection: statement and its parameters. */
export function itemsQuery(
  c: OgcCollection,
  filter: ItemsFilter,
  page: { limit: number; offset: number },
): { statement: SqlStatement; params: unknown[] } {
  const { key, params } = filterParams(c, filter);
  return { statement: pick(statementsOf(c).items, key), params: [page.limit, page.offset, ...params] };
}

/** numberMatched: the same filter as itemsQuery, counted. */
export function countQuery(c: OgcCollection, filter: ItemsFilter): { statement: SqlStatement; params: unknown[] } {
  const { key, params } = filterParams(c, filter);
  return { statement: pick(statementsOf(c).count, key), params };
}

/** One feature by its id (already checked to have the collection's id type). */
export function itemQuery(c: OgcCollection, featureId: string | number): { statement: SqlStatement; params: unknown[] } {
  return { statement: statementsOf(c).item, params: [featureId] };
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
