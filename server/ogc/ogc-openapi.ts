/** The OpenAPI 3.0 definition of /ogc (conformance class oas30), built from the collection allow-list. */
import type { OgcCollection } from './ogc-collections.js';
import { SUPPORTED_CRS } from './ogc-crs.js';
import { DEFAULT_LIMIT, FILTER_LANGS, MAX_LIMIT, MAX_OFFSET } from './ogc-params.js';

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const geojson = (schema: object) => ({ content: { 'application/geo+json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` });

const exception = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
};
const errors = {
  '400': {
    description:
      'Invalid query parameter (code: unknown_parameter, invalid_bbox, invalid_limit, invalid_cursor, unsupported_crs, invalid_filter, unknown_queryable, filter_too_complex, …); filter faults name their position',
    ...json(exception),
  },
  '404': { description: 'Unknown collection or feature (code: unknown_collection, feature_not_found)', ...json(exception) },
  '500': { description: 'Server error', ...json(exception) },
};
const link = {
  type: 'object',
  required: ['href', 'rel'],
  properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } },
};
const document = { type: 'object', properties: { links: { type: 'array', items: link } }, additionalProperties: true };

const CRS_URIS = SUPPORTED_CRS.map((c) => c.uri);

const ITEMS_QUERY_PARAMETERS = [
  'bbox',
  'bbox-crs',
  'datetime',
  'limit',
  'offset',
  'cursor',
  'crs',
  'filter',
  'filter-lang',
  'filter-crs',
  'fFeatures',
].map(ref);

type Ok = (description: string, body: object) => object;

/**
 * The paths of one collection, written out: GDAL and QGIS look for /collections/<id>/items to learn the
 * limit's maximum (so they page with large pages) and the filter languages; the limit is inline for them.
 */
function collectionPaths(c: OgcCollection, ok: Ok): Array<[string, object]> {
  const at = `/collections/${c.id}`;
  const limit = {
    name: 'limit',
    in: 'query',
    required: false,
    description: `Page size; larger values are served as ${MAX_LIMIT}.`,
    schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
  };
  return [
    [
      at,
      { get: { operationId: `describe_${c.id}`, summary: c.title, parameters: [ref('f')], responses: ok('Collection metadata', json(document)) } },
    ],
    [
      `${at}/items`,
      {
        get: {
          operationId: `getFeatures_${c.id}`,
          summary: `${c.title}: features`,
          parameters: ITEMS_QUERY_PARAMETERS.map((p) => (p.$ref.endsWith('/limit') ? limit : p)),
          responses: ok('A page of features (GeoJSON FeatureCollection; next links carry a cursor)', geojson(document)),
        },
      },
    ],
    [
      `${at}/items/{featureId}`,
      {
        get: {
          operationId: `getFeature_${c.id}`,
          parameters: [ref('featureId'), ref('crs'), ref('fFeatures')],
          responses: ok('One feature', geojson(document)),
        },
      },
    ],
    [
      `${at}/queryables`,
      {
        get: {
          operationId: `getQueryables_${c.id}`,
          parameters: [ref('f')],
          responses: ok('The queryables (JSON Schema)', { content: { 'application/schema+json': { schema: { type: 'object' } } } }),
        },
      },
    ],
  ];
}

export function openApiDocument(base: string, collections: readonly OgcCollection[]) {
  const ok: Ok = (description: string, body: object) => ({ '200': { description, ...body }, ...errors });
  return {
    openapi: '3.0.3',
    info: {
      title: 'GridOps OGC API – Features',
      version: '1.0.0',
      description:
        'Nanjing grid hierarchy and operational layers. Districts and roads are real data; the other layers are generated (see each collection).',
    },
    servers: [{ url: base }],
    paths: {
      ...Object.fromEntries(collections.flatMap((c) => collectionPaths(c, ok))),
      '/': { get: { operationId: 'getLandingPage', parameters: [ref('f')], responses: ok('Landing page', json(document)) } },
      '/api': { get: { operationId: 'getApiDefinition', parameters: [ref('f')], responses: ok('This document', json({ type: 'object' })) } },
      '/conformance': {
        get: { operationId: 'getConformance', parameters: [ref('f')], responses: ok('Conformance classes', json(document)) },
      },
      '/collections': {
        get: { operationId: 'getCollections', parameters: [ref('f')], responses: ok('Feature collections', json(document)) },
      },
      '/collections/{collectionId}': {
        get: {
          operationId: 'getCollection',
          parameters: [ref('collectionId'), ref('f')],
          responses: ok('Collection metadata', json(document)),
        },
      },
      '/collections/{collectionId}/items': {
        get: {
          operationId: 'getFeatures',
          parameters: [ref('collectionId'), ...ITEMS_QUERY_PARAMETERS],
          responses: ok('A page of features (RFC 7946 FeatureCollection with numberMatched and next links)', geojson(document)),
        },
      },
      '/collections/{collectionId}/items/{featureId}': {
        get: {
          operationId: 'getFeature',
          parameters: [ref('collectionId'), ref('featureId'), ref('crs'), ref('fFeatures')],
          responses: ok('One feature', geojson(document)),
        },
      },
    },
    components: {
      parameters: {
        collectionId: {
          name: 'collectionId',
          in: 'path',
          required: true,
          schema: { type: 'string', enum: collections.map((c) => c.id) },
        },
        featureId: { name: 'featureId', in: 'path', required: true, schema: { type: 'string' } },
        bbox: {
          name: 'bbox',
          in: 'query',
          required: false,
          description: 'Four numbers in bbox-crs (CRS84 minLon,minLat,maxLon,maxLat when absent); features whose geometry intersects it.',
          style: 'form',
          explode: false,
          schema: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } },
        },
        datetime: {
          name: 'datetime',
          in: 'query',
          required: false,
          description:
            "RFC 3339 date-time or interval ('..' for an open end). Filters workers by last_position_at and incidents by reported_at; the other collections carry no time and ignore it.",
          schema: { type: 'string' },
        },
        'bbox-crs': {
          name: 'bbox-crs',
          in: 'query',
          required: false,
          description: 'The CRS of bbox (CRS84 when absent); EPSG:4326 and EPSG:4490 are latitude first.',
          schema: { type: 'string', format: 'uri', enum: CRS_URIS },
        },
        crs: {
          name: 'crs',
          in: 'query',
          required: false,
          description: 'The CRS of the returned geometries (CRS84 when absent); the Content-Crs header names it.',
          schema: { type: 'string', format: 'uri', enum: CRS_URIS },
        },
        cursor: {
          name: 'cursor',
          in: 'query',
          required: false,
          description: 'Where the page starts (keyset paging): taken unchanged from the next link of the previous page.',
          schema: { type: 'string' },
        },
        filter: {
          name: 'filter',
          in: 'query',
          required: false,
          description: 'A CQL2 filter over the queryables of the collection (see its /queryables); a fault is a 400 naming its position.',
          schema: { type: 'string' },
        },
        'filter-lang': {
          name: 'filter-lang',
          in: 'query',
          required: false,
          description: 'cql2-text (default) or cql2-json; cql-text is accepted as cql2-text.',
          schema: { type: 'string', enum: [...FILTER_LANGS], default: 'cql2-text' },
        },
        'filter-crs': {
          name: 'filter-crs',
          in: 'query',
          required: false,
          description: 'The CRS of geometries in the filter: only CRS84.',
          schema: { type: 'string', format: 'uri', enum: [SUPPORTED_CRS[0].uri] },
        },
        limit: {
          name: 'limit',
          in: 'query',
          required: false,
          description: `Page size; larger values are served as ${MAX_LIMIT}.`,
          schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
        },
        offset: {
          name: 'offset',
          in: 'query',
          required: false,
          description:
            'Number of features to skip (features are ordered by their primary key); next links use cursor instead, whose cost does not grow with the depth.',
          schema: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
        },
        f: { name: 'f', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'html'] } },
        fFeatures: { name: 'f', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'geojson', 'html'] } },
      },
    },
  };
}
