/** GET /api/openapi.json: the REST API's OpenAPI 3.1 document, generated once from the route contracts. */
import { createRequire } from 'node:module';
import { Router } from 'express';
import { contractAccess } from '../auth/route-access.js';
import { API_ROUTES } from './api-routes.js';
import { buildOpenApiDocument, openApiRoute } from './openapi-document.js';

/** The API's version: the package's, read once at start. */
const API_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export function openApiRouter(): Router {
  const router = Router();
  let document: object | null = null;
  router.get(openApiRoute.path, contractAccess(openApiRoute), (_req, res) => {
    document ??= buildOpenApiDocument(API_ROUTES, API_VERSION);
    res.type('application/vnd.oai.openapi+json;version=3.1').send(JSON.stringify(document));
  });
  return router;
}
