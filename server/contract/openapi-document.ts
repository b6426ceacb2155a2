/**
 * The OpenAPI 3.1 document of the REST routes that declare a contract (server/contract/api-route.ts),
 * generated from their zod schemas: what the server validates is what the document says. Served at
 * GET /api/openapi.json. The OGC API has its own document under /ogc/api (server/ogc/ogc-openapi.ts).
 */
import { z } from 'zod';
import { apiErrorSchema, apiRoute, type ApiRoute } from './api-route.js';

type JsonSchema = Record<string, unknown>;

/** The document itself is a route of the contract (server/contract/openapi.route.ts serves it). */
export const openApiRoute = apiRoute({
  method: 'get',
  path: '/api/openapi.json',
  summary: 'This OpenAPI 3.1 document, generated from the route contracts',
  tag: 'api',
  access: 'public',
  produces: 'application/vnd.oai.openapi+json',
});

/** A zod schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), as the client sends it or the server answers. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** /api/units/:code → /api/units/{code} */
export const openApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

/** The properties of an object schema, one OpenAPI parameter each. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      schema: propertySchema,
      ...(description ? { description } : {}),
    };
  });
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request',
  401: 'Not signed in',
  403: 'Not allowed for this role, or the CSRF token is missing',
  404: 'Not found in your jurisdiction',
  409: 'Conflicts with the current state',
  413: 'Too large',
  415: 'Unsupported media type',
  422: 'Cannot be processed',
  423: 'Locked',
  429: 'Too many requests',
  502: 'An upstream service (a camera gateway) failed',
  503: 'Not available now',
};

function errorResponses(route: ApiRoute): Record<string, JsonSchema> {
  const codes: Partial<Record<number, readonly string[]>> = { ...route.errors };
  if (route.access !== 'public') {
    codes[401] = [...(codes[401] ?? []), 'authentication_required'];
    codes[403] = [...(codes[403] ?? []), 'role_forbidden', ...(route.method === 'get' ? [] : ['csrf_token_invalid', 'read_only_token'])];
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, list] of Object.entries(codes)) {
    responses[status] = {
      description: `${STATUS_TEXT[Number(status)] ?? 'Error'} (code: ${(list ?? []).join(', ')})`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  responses['500'] = {
    description: 'Server error (code: internal_error; no detail)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  const unavailable = [...(codes[503] ?? []), 'database_timeout', 'database_unavailable'].join(', ');
  responses['503'] = {
    description: `Not available now, or the database did not answer in time or is unavailable (code: ${unavailable})`,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  return responses;
}

function operation(route: ApiRoute): JsonSchema {
  const status = route.status ?? 200;
  const binary = { type: 'string', contentMediaType: route.produces };
  const success = route.produces
    ? { description: 'Success', content: { [route.produces]: { schema: route.answer ? jsonSchema(route.answer, 'output') : binary } } }
    : status === 204 || !route.answer
      ? { description: status === 302 ? 'Redirect (Location header)' : 'Done, no body' }
      : { description: 'Success', content: { 'application/json': { schema: jsonSchema(route.answer, 'output') } } };
  const requestBody = route.consumes
    ? { requestBody: { required: true, content: { [route.consumes]: { schema: { type: 'string', contentMediaType: route.consumes } } } } }
    : route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } }
      : {};
  return {
    operationId: `${route.method}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: route.summary,
    tags: [route.tag],
    'x-roles': route.access === 'public' ? 'public' : [...route.access],
    ...(route.access === 'public' ? { security: [] } : {}),
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...requestBody,
    responses: { [String(status)]: success, ...errorResponses(route) },
  };
}

export function buildOpenApiDocument(routes: readonly ApiRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    if (paths[path][route.method]) throw new Error(`Two contracts for ${route.method.toUpperCase()} ${route.path}`);
    paths[path][route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'GridOps REST API',
      version,
      description:
        'The console API of GridOps. Every route is scoped to the caller’s jurisdiction by row-level security in the database. ' +
        'Sign in with POST /api/auth/login (session cookie; state-changing requests carry X-CSRF-Token) or send a screen token as a Bearer token (read only). ' +
        'Units below the street are generated from real layers, not official boundaries.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: jsonSchema(apiErrorSchema, 'output') },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'gridops_session' },
        screenToken: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ session: [] }, { screenToken: [] }],
  };
}
