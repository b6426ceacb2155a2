/**
 * OGC API – Features at /ogc: Part 1 (core, GeoJSON, HTML, OpenAPI 3.0), Part 2 (crs, bbox-crs, Content-Crs)
 * and Part 3 (queryables, CQL2 text and JSON filters), readable by GDAL's OAPIF driver and QGIS. Metadata is
 * application/json (or HTML with f=html), features application/geo+json; every link is absolute, built from
 * the request's Host. Item pages are keyset-paged (`next` links carry a cursor), numberMatched is exact up to
 * COUNT_CAP and omitted past it; answers carry an ETag and a 304 answers an unchanged page.
 * Bad parameters and filters are 400s with stable codes; unknown collections and features 404s.
 * The landing page, conformance and API definition are public; collections and features need a session
 * or a screen token (GDAL: --config GDAL_HTTP_HEADERS "Authorization: Bearer gst_…") and are scoped to the
 * caller's jurisdiction by row-level security. Collection extents are the whole city's (cached, unscoped).
 * Every read goes to the read replica when DATABASE_READ_URL is set (readScopedDb: the same scope and policies there).
 */
import { Request, Response, Router } from 'express';
import type { Database } from '../db/database.js';
import type { AppConfig } from '../config/load-config.js';
import type { Clock } from '../clock/clock.js';
import { readScopedDb } from '../auth/request-context.js';
import { access, publicRoute } from '../auth/route-access.js';
import { badRequest, notFound } from '../errors/app-error.js';
import { findCollection, OGC_COLLECTIONS, OgcCollection } from './ogc-collections.js';
import { CONFORMANCE_CLASSES, collectionDocument, collectionsDocument, conformanceDocument, landingPage } from './ogc-documents.js';
import { createExtentCache } from './ogc-extent-cache.js';
import {
  collectionUrl,
  itemsPageLinks,
  itemUrl,
  Link,
  MEDIA_GEOJSON,
  MEDIA_HTML,
  MEDIA_JSON,
  MEDIA_OPENAPI,
  OGC_ROOT,
  ogcBaseUrl,
} from './ogc-links.js';
import { openApiDocument } from './ogc-openapi.js';
import { ItemsParams, parseFeatureParams, parseItemsParams, parseMetadataParams } from './ogc-params.js';
import { ConditionBuilder, countQuery, itemQuery, itemsQuery } from './ogc.sql.js';
import { createCountCache } from './ogc-count-cache.js';
import { scopeOf } from '../auth/request-context.js';
import { READERS } from '../contract/incident-vocabulary.js';
import { contentCrsHeader } from './ogc-crs.js';
import { PRIVATE_REVALIDATE, PUBLIC_CACHE, sendCached } from './ogc-http-cache.js';
import { collectionHtml, collectionsHtml, conformanceHtml, featureHtml, itemsHtml, landingHtml } from './ogc-html.js';
import { parseCql2Text } from './cql2-text-parser.js';
import { parseCql2Json } from './cql2-json-parser.js';
import { cql2ToSql } from './cql2-to-sql.js';
import { GEOMETRY_QUERYABLE, queryablesDocument, queryablesOf } from './ogc-queryables.js';
import { consoleStyle, STYLE_THEMES } from './ogc-style.js';
import { rejectUnknownParameters } from './ogc-params.js';

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

/** The cursor's key as the collection's order type: 400 invalid_cursor when it cannot be one. */
function cursorKey(c: OgcCollection, key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (c.orderType === 'integer' && !/^\d{1,18}$/.test(key)) {
    throw badRequest('invalid_cursor', 'Invalid cursor: use the next link of the previous page unchanged', { parameter: 'cursor' });
  }
  return key;
}

/** The CQL2 filter of a request, parsed now (faults are 400s before any SQL), translated when the SQL is built. */
function filterCondition(c: OgcCollection, filter: ItemsParams['filter']): ConditionBuilder | undefined {
  if (!filter) return undefined;
  const tree = filter.lang === 'cql2-json' ? parseCql2Json(filter.text) : parseCql2Text(filter.text);
  const queryables = queryablesOf(c);
  const geometry = { name: GEOMETRY_QUERYABLE, sql: `t.${c.geometryColumn}` };
  // Translate once up front so that type faults are reported even when no SQL would run.
  cql2ToSql(tree, { queryables, geometry, bind: () => '$0' });
  return (bind) => cql2ToSql(tree, { queryables, geometry, bind });
}

/** Splice `"links": [...]` into the end of a JSON object given as text (a feature built by SQL). */
function withLinks(objectText: string, links: Link[]): string {
  return `${objectText.slice(0, objectText.lastIndexOf('}'))},"links":${JSON.stringify(links)}}`;
}

/** What the router uses of the application's dependencies. */
/** `readDb`: the read replica (DATABASE_READ_URL) the reads go to; the requests' scoped reads use readScopedDb(req). */
export interface OgcRouterDeps {
  db: Database;
  readDb?: Database;
  config: Pick<AppConfig, 'host' | 'port'>;
  clock: Clock;
}

export function ogcRouter({ db, readDb, config, clock }: OgcRouterDeps): Router {
  const router = Router();
  const extentCache = createExtentCache(readDb ?? db, clock);
  const countCache = createCountCache();
  const fallbackHost = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const baseOf = (req: Request) => ogcBaseUrl({ protocol: req.protocol, host: req.get('host') }, fallbackHost);
  const sendDocument = (req: Request, res: Response, html: boolean, doc: unknown, render: () => string, cacheControl: string, type = MEDIA_JSON) =>
    sendCached(req, res, html ? { type: MEDIA_HTML, body: render(), cacheControl } : { type, body: JSON.stringify(doc), cacheControl });

  router.get(OGC_ROOT, publicRoute(), (req, res) => {
    const html = parseMetadataParams(req.query) === 'html';
    const doc = landingPage(baseOf(req));
    sendDocument(req, res, html, doc, () => landingHtml(doc), PUBLIC_CACHE);
  });

  router.get(`${OGC_ROOT}/conformance`, publicRoute(), (req, res) => {
    const html = parseMetadataParams(req.query) === 'html';
    const doc = conformanceDocument();
    const links = [{ href: `${baseOf(req)}/conformance`, rel: 'self', type: MEDIA_HTML, title: 'Conformance' }];
    sendDocument(req, res, html, doc, () => conformanceHtml(CONFORMANCE_CLASSES, links), PUBLIC_CACHE);
  });

  router.get(`${OGC_ROOT}/api`, publicRoute(), (req, res) => {
    parseMetadataParams(req.query, ['json']);
    sendDocument(req, res, false, openApiDocument(baseOf(req), OGC_COLLECTIONS), () => '', PUBLIC_CACHE, MEDIA_OPENAPI);
  });

  // The console's map style for QGIS and other MapLibre / Mapbox GL clients (?theme=light|dark).
  router.get(`${OGC_ROOT}/styles/console`, access(...READERS), (req, res) => {
    rejectUnknownParameters(req.query, ['theme']);
    const theme = req.query.theme === undefined ? 'light' : String(req.query.theme);
    if (!(STYLE_THEMES as readonly string[]).includes(theme)) {
      throw badRequest('invalid_theme', `Unknown theme "${theme}"; use light or dark`, { parameter: 'theme' });
    }
    const origin = baseOf(req).slice(0, -OGC_ROOT.length);
    sendDocument(req, res, false, consoleStyle(origin, theme as 'light' | 'dark'), () => '', PRIVATE_REVALIDATE);
  });

  router.get(`${OGC_ROOT}/collections`, access(...READERS), async (req, res) => {
    const html = parseMetadataParams(req.query) === 'html';
    const doc = collectionsDocument(baseOf(req), OGC_COLLECTIONS, await extentCache.extents());
    sendDocument(req, res, html, doc, () => collectionsHtml(doc), PRIVATE_REVALIDATE);
  });

  router.get(`${OGC_ROOT}/collections/:collectionId`, access(...READERS), async (req, res) => {
    const collection = requireCollection(String(req.params.collectionId));
    const html = parseMetadataParams(req.query) === 'html';
    const extents = await extentCache.extents();
    const doc = collectionDocument(baseOf(req), collection, extents.get(collection.id) ?? null);
    sendDocument(req, res, html, doc, () => collectionHtml(doc), PRIVATE_REVALIDATE);
  });

  router.get(`${OGC_ROOT}/collections/:collectionId/queryables`, access(...READERS), (req, res) => {
    const collection = requireCollection(String(req.params.collectionId));
    parseMetadataParams(req.query, ['json']);
    // GDAL asks for JSON; a client that prefers JSON Schema's own media type gets it.
    const type = req.accepts(['application/json', 'application/schema+json']) === 'application/schema+json' ? 'application/schema+json' : MEDIA_JSON;
    sendDocument(req, res, false, queryablesDocument(baseOf(req), collection), () => '', PRIVATE_REVALIDATE, type);
  });

  router.get(`${OGC_ROOT}/collections/:collectionId/items`, access(...READERS), async (req, res) => {
    const collection = requireCollection(String(req.params.collectionId));
    const params = parseItemsParams(req.query);
    const after = cursorKey(collection, params.cursor);
    const filter = { bbox: params.bbox, datetime: params.datetime, condition: filterCondition(collection, params.filter) };
    const page = itemsQuery(collection, filter, { limit: params.limit, offset: params.offset, after, crs: params.crs });
    // numberMatched on the first page of a walk only (GDAL and QGIS read it there); a cursor page skips it.
    const scopeKey = JSON.stringify(req.auth ? scopeOf(req.auth) : null);
    const [numberMatched, rows] = await Promise.all([
      after === undefined
        ? countCache.numberMatched(readScopedDb(req), scopeKey, collection, (cap) => countQuery(collection, filter, cap))
        : Promise.resolve(undefined),
      readScopedDb(req).query<{ feature: string; k: string }>(page.statement, page.params),
    ]);
    const features = rows.slice(0, params.limit);
    const nextAfter = rows.length > params.limit ? features[features.length - 1].k : undefined;
    const base = baseOf(req);
    const links = itemsPageLinks(base, collection.id, params, { nextAfter });
    const headers = { 'Content-Crs': contentCrsHeader(params.crs) };
    const featureTexts = features.map((r) => r.feature);
    if (params.format === 'html') {
      const body = itemsHtml(
        collection,
        featureTexts.map((t) => JSON.parse(t)),
        {
          numberMatched,
          links,
          featureHref: (id) => `${itemUrl(base, collection.id, id)}?f=html`,
        },
      );
      sendCached(req, res, { type: MEDIA_HTML, body, cacheControl: PRIVATE_REVALIDATE, headers });
      return;
    }
    const head = {
      type: 'FeatureCollection',
      ...(numberMatched === undefined ? {} : { numberMatched }),
      numberReturned: features.length,
      links,
    };
    const headText = JSON.stringify(head);
    const featuresText = featureTexts.join(',');
    // The features are GeoJSON text from SQL: concatenated, never parsed. The ETag leaves out the timeStamp.
    const body = `${headText.slice(0, -1)},"timeStamp":${JSON.stringify(clock.now().toISOString())},"features":[${featuresText}]}`;
    sendCached(req, res, { type: MEDIA_GEOJSON, body, cacheControl: PRIVATE_REVALIDATE, etagSource: [headText, featuresText], headers });
  });

  router.get(`${OGC_ROOT}/collections/:collectionId/items/:featureId`, access(...READERS), async (req, res) => {
    const collection = requireCollection(String(req.params.collectionId));
    const { format, crs } = parseFeatureParams(req.query);
    const rawId = String(req.params.featureId);
    const missing = () =>
      notFound('feature_not_found', `No feature "${rawId}" in collection "${collection.id}"`, {
        collectionId: collection.id,
        featureId: rawId,
      });
    const featureId = featureIdOf(collection, rawId);
    if (featureId === undefined) throw missing();
    const query = itemQuery(collection, featureId, crs);
    const [row] = await readScopedDb(req).query<{ feature: string }>(query.statement, query.params);
    if (!row) throw missing();
    const base = baseOf(req);
    const html = format === 'html';
    const self = itemUrl(base, collection.id, featureId);
    const links: Link[] = [
      { href: html ? `${self}?f=html` : self, rel: 'self', type: html ? MEDIA_HTML : MEDIA_GEOJSON, title: 'This feature' },
      { href: html ? self : `${self}?f=html`, rel: 'alternate', type: html ? MEDIA_GEOJSON : MEDIA_HTML, title: html ? 'As GeoJSON' : 'As HTML' },
      { href: collectionUrl(base, collection.id), rel: 'collection', type: MEDIA_JSON, title: collection.title },
    ];
    const headers = { 'Content-Crs': contentCrsHeader(crs) };
    const body = html ? featureHtml(collection, JSON.parse(row.feature), links) : withLinks(row.feature, links);
    sendCached(req, res, { type: html ? MEDIA_HTML : MEDIA_GEOJSON, body, cacheControl: PRIVATE_REVALIDATE, headers });
  });

  return router;
}
