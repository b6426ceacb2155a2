/**
 * OGC API – Features at /ogc (Part 1: core, GeoJSON, OpenAPI 3.0): landing page, conformance, API
 * definition, collections and their items, readable by GDAL's OAPIF driver and QGIS. Metadata is
 * application/json, features application/geo+json; every link is absolute, built from the request's
 * Host. Bad parameters are 400s with stable codes (ogc-params.ts); unknown collections and features 404s.
 * The landing page, conformance and API definition are public; collections and features need a session
 * or a screen token (GDAL: --config GDAL_HTTP_HEADERS "Authorization: Bearer gst_…") and are scoped to the
 * caller's jurisdiction by row-level security. Collection extents are the whole city's (cached, unscoped).
 */
import { Request, Response, Router } from 'express';
import type { Database } from '../db/database.js';
import type { AppConfig } from '../config/load-config.js';
import type { Clock } from '../clock/clock.js';
import { scopedDb } from '../auth/request-context.js';
import { access, publicRoute } from '../auth/route-access.js';
import { notFound } from '../errors/app-error.js';
import { findCollection, OGC_COLLECTIONS, OgcCollection } from './ogc-collections.js';
import { collectionDocument, collectionsDocument, conformanceDocument, landingPage } from './ogc-documents.js';
import { createExtentCache } from './ogc-extent-cache.js';
import { collectionUrl, itemsPageLinks, itemUrl, Link, MEDIA_GEOJSON, MEDIA_JSON, MEDIA_OPENAPI, OGC_ROOT, ogcBaseUrl } from './ogc-links.js';
import { openApiDocument } from './ogc-openapi.js';
import { parseFeatureParams, parseItemsParams, parseMetadataParams } from './ogc-params.js';
import { countQuery, itemQuery, itemsQuery } from './ogc.sql.js';
import { READERS } from '../contract/incident-vocabulary.js';

/** Codes are short; integer ids fit a PostgreSQL integer. Anything else cannot name a feature. */
const MAX_TEXT_ID_LENGTH = 64;
const MAX_INTEGER_ID = 2_147_483_647;

function requireCollection(id: string): OgcCollection {
  const collection = findCollection(id);
  if (!collection) {
    throw notFound('unknown_collection', `No collection "${id}"; see ${OGC_ROOT}/collections for the list`, { collectionId: id });
  }
  return collection;
}

/** The feature id as the collection's id type, or undefined when it cannot name a feature. */
export function featureIdOf(c: OgcCollection, raw: string): string | number | undefined {
  if (c.idType === 'integer') {
    return /^\d{1,10}$/.test(raw) && Number(raw) <= MAX_INTEGER_ID ? Number(raw) : undefined;
  }
  return raw.length > 0 && raw.length <= MAX_TEXT_ID_LENGTH ? raw : undefined;
}

/** Splice `"links": [...]` into the end of a JSON object given as text (a feature built by SQL). */
function withLinks(objectText: string, links: Link[]): string {
  return `${objectText.slice(0, objectText.lastIndexOf('}'))},"links":${JSON.stringify(links)}}`;
}

function send(res: Response, type: string, body: unknown): void {
  res.type(type).send(typeof body === 'string' ? body : JSON.stringify(body));
}

/** What the router uses of the application's dependencies. */
export interface OgcRouterDeps { db: Database; config: Pick<AppConfig, 'host' | 'port'>; clock: Clock }

export function ogcRouter({ db, config, clock }: OgcRouterDeps): Router {
  const router = Router();
  const extentCache = createExtentCache(db, clock);
  const fallbackHost = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const baseOf = (req: Request) => ogcBaseUrl({ protocol: req.protocol, host: req.get('host') }, fallbackHost);

  router.get(OGC_ROOT, publicRoute(), (req, res) => {
    parseMetadataParams(req.query);
    send(res, MEDIA_JSON, landingPage(baseOf(req)));
  });

  router.get(`${OGC_ROOT}/conformance`, publicRoute(), (req, res) => {
    parseMetadataParams(req.query);
    send(res, MEDIA_JSON, conformanceDocument());
  });

  router.get(`${OGC_ROOT}/api`, publicRoute(), (req, res) => {
    parseMetadataParams(req.query);
    send(res, MEDIA_OPENAPI, openApiDocument(baseOf(req), OGC_COLLECTIONS));
  });

  router.get(`${OGC_ROOT}/collections`, access(...READERS), async (req, res) => {
    parseMetadataParams(req.query);
    const extents = await extentCache.extents();
    send(res, MEDIA_JSON, collectionsDocument(baseOf(req), OGC_COLLECTIONS, extents));
  });

  router.get(`${OGC_ROOT}/collections/:collectionId`, access(...READERS), async (req, res) => {
    const collection = requireCollection(String(req.params.collectionId));
    parseMetadataParams(req.query);
    const extents = await extentCache.extents();
    send(res, MEDIA_JSON, collectionDocument(baseOf(req), collection, extents.get(collection.id) ?? null));
  });

  router.get(`${OGC_ROOT}/collections/:collectionId/items`, access(...READERS), async (req, res) => {
    const collection = requireCollection(String(req.params.collectionId));
    const params = parseItemsParams(req.query);
    const filter = { bbox: params.bbox, datetime: params.datetime };
    const count = countQuery(collection, filter);
    const page = itemsQuery(collection, filter, params);
    const [[matched], rows] = await Promise.all([
      scopedDb(req).query<{ n: number }>(count.statement, count.params),
      scopedDb(req).query<{ feature: string }>(page.statement, page.params),
    ]);
    const numberMatched = matched?.n ?? 0;
    const head = {
      type: 'FeatureCollection',
      numberMatched,
      numberReturned: rows.length,
      timeStamp: clock.now().toISOString(),
      links: itemsPageLinks(baseOf(req), collection.id, params, { numberMatched, numberReturned: rows.length }),
    };
    // The features are GeoJSON text from SQL: concatenated, never parsed.
    const headText = JSON.stringify(head);
    send(res, MEDIA_GEOJSON, `${headText.slice(0, -1)},"features":[${rows.map((r) => r.feature).join(',')}]}`);
  });

  router.get(`${OGC_ROOT}/collections/:collectionId/items/:featureId`, access(...READERS), async (req, res) => {
    const collection = requireCollection(String(req.params.collectionId));
    parseFeatureParams(req.query);
    const rawId = String(req.params.featureId);
    const missing = () =>
      notFound('feature_not_found', `No feature "${rawId}" in collection "${collection.id}"`, {
        collectionId: collection.id,
        featureId: rawId,
      });
    const featureId = featureIdOf(collection, rawId);
    if (featureId === undefined) throw missing();
    const query = itemQuery(collection, featureId);
    const [row] = await scopedDb(req).query<{ feature: string }>(query.statement, query.params);
    if (!row) throw missing();
    const base = baseOf(req);
    const links: Link[] = [
      { href: itemUrl(base, collection.id, featureId), rel: 'self', type: MEDIA_GEOJSON, title: 'This feature' },
      { href: collectionUrl(base, collection.id), rel: 'collection', type: MEDIA_JSON, title: collection.title },
    ];
    send(res, MEDIA_GEOJSON, withLinks(row.feature, links));
  });

  return router;
}
