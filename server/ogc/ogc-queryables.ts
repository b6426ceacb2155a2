/**
 * The queryables of a collection (OGC API – Features Part 3): which properties a CQL2 filter may name,
 * as a JSON Schema document, and the same list as the translation's allow-list (cql2-to-sql.ts). Every
 * published property is queryable except arrays; the geometry is `geometry`. Pure.
 */
import type { OgcCollection, PropertyType } from './ogc-collections.js';
import type { Queryable, QueryableType } from './cql2-to-sql.js';

export const GEOMETRY_QUERYABLE = 'geometry';

const QUERYABLE_TYPES: Partial<Record<PropertyType, QueryableType>> = {
  string: 'string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
  'date-time': 'date-time',
};

const cache = new Map<string, ReadonlyMap<string, Queryable>>();

/** name → SQL and type: the only identifiers a filter can reach. */
export function queryablesOf(c: OgcCollection): ReadonlyMap<string, Queryable> {
  let map = cache.get(c.id);
  if (!map) {
    map = new Map(
      c.properties.flatMap((p): Array<[string, Queryable]> => {
        const type = QUERYABLE_TYPES[p.type];
        return type ? [[p.name, { sql: p.filterSql ?? p.sql, type }]] : [];
      }),
    );
    cache.set(c.id, map);
  }
  return map;
}

const schemaOf = (type: QueryableType) => (type === 'date-time' ? { type: 'string', format: 'date-time' } : { type });

/**
 * The JSON Schema (draft 2020-12) of the queryables. `queryables` repeats the names in the pre-standard form
 * ([{id, type}]) that GDAL 3.6's OAPIF driver reads to decide which `-where` terms it may send as CQL text.
 */
export function queryablesDocument(base: string, c: OgcCollection) {
  const queryables = queryablesOf(c);
  const geometry = { format: `geometry-${c.geometryType.toLowerCase()}`, 'x-ogc-role': 'primary-geometry', title: 'The geometry (CRS84 in filters)' };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${base}/collections/${encodeURIComponent(c.id)}/queryables`,
    type: 'object',
    title: `${c.title}: queryables`,
    properties: {
      [GEOMETRY_QUERYABLE]: geometry,
      ...Object.fromEntries([...queryables].map(([name, q]) => [name, { title: name, ...schemaOf(q.type) }])),
    },
    additionalProperties: false,
    queryables: [{ id: GEOMETRY_QUERYABLE, type: 'geometry' }, ...[...queryables].map(([name, q]) => ({ id: name, type: q.type }))],
  };
}
