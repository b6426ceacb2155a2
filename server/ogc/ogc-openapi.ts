/** The OpenAPI 3.0 definition of /ogc (conformance class oas30), built from the collection allow-list. */
import type { OgcCollection } from './ogc-collections.js';
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET } from './ogc-params.js';

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const geojson = (schema: object) => ({ content: { 'application/geo+json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` });

const exception = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
};
const errors = {
  '400': { description: 'Invalid query parameter (code: unknown_parameter, invalid_bbox, invalid_limit, …)', ...json(exception) },
  '404': { description: 'Unknown collection or feature (code: unknown_collection, feature_not_found)', ...json(exception) },
  '500': { description: 'Server error', ...json(exception) },
};
const link = {
  type: 'object',
  required: ['href', 'rel'],
  properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } },
};
const document = { type: 'object', properties: { links: { type: 'array', items: link } }, additionalProperties: true };

export function openApiDocument(base: string, collections: readonly OgcCollection[]) {
  const ok = (description: string, body: object) => ({ '200': { description, ...body }, ...errors });
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
          parameters: [ref('collectionId'), ref('bbox'), ref('datetime'), ref('limit'), ref('offset'), ref('fFeatures')],
          responses: ok('A page of features (RFC 7946 FeatureCollection with numberMatched and next links)', geojson(document)),
        },
      },
      '/collections/{collectionId}/items/{featureId}': {
        get: {
          operationId: 'getFeature',
          parameters: [ref('collectionId'), ref('featureId'), ref('fFeatures')],
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
          description: 'minLon,minLat,maxLon,maxLat in WGS84 (CRS84) degrees; features whose bounding box intersects it.',
          style: 'form',
          explode: false,
          schema: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } },
        },
        datetime: {
          name: 'datetime',
          in: 'query',
          required: false,
          description:
            "RFC 3339 date-time or interval ('..' for an open end). Filters workers by last_position_at; the other collections carry no time and ignore it.",
          schema: { type: 'string' },
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
          description: 'Number of features to skip (features are ordered by their primary key).',
          schema: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
        },
        f: { name: 'f', in: 'query', required: false, schema: { type: 'string', enum: ['json'] } },
        fFeatures: { name: 'f', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'geojson'] } },
      },
    },
  };
}
