/** The JSON documents of the OGC API (landing page, conformance, collections), as pure functions. */
import type { OgcCollection } from './ogc-collections.js';
import { CRS84_URI, SUPPORTED_CRS } from './ogc-crs.js';
import { collectionsUrl, collectionUrl, itemsUrl, Link, MEDIA_GEOJSON, MEDIA_HTML, MEDIA_JSON, MEDIA_OPENAPI } from './ogc-links.js';

export const CRS84 = CRS84_URI;

/** Every class claimed here is exercised by ogc-conformance.route.spec.ts. */
export const CONFORMANCE_CLASSES = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-json',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
] as const;

/** [minLon, minLat, maxLon, maxLat] in CRS84, or null for an empty collection. */
export type Extent = [number, number, number, number] | null;

/** The whole world: what an empty collection advertises, so that the extent member stays valid. */
const WORLD: [number, number, number, number] = [-180, -90, 180, 90];

export function landingPage(base: string) {
  return {
    title: 'GridOps — Nanjing grid governance (OGC API – Features)',
    description:
      'The unit hierarchy of Nanjing (districts, streets, communities, grids, micro-grids), the road network, cameras, IoT sensors and grid workers. Districts and roads are real data; streets, communities, grids, micro-grids, cameras, sensors and workers are generated and say so in their metadata.',
    links: [
      { href: base, rel: 'self', type: MEDIA_JSON, title: 'This document' },
      { href: `${base}?f=html`, rel: 'alternate', type: MEDIA_HTML, title: 'This document as HTML' },
      { href: `${base}/api`, rel: 'service-desc', type: MEDIA_OPENAPI, title: 'The API definition (OpenAPI 3.0)' },
      { href: `${base}/conformance`, rel: 'conformance', type: MEDIA_JSON, title: 'Conformance classes implemented' },
      { href: collectionsUrl(base), rel: 'data', type: MEDIA_JSON, title: 'The feature collections' },
    ] satisfies Link[],
  };
}

export function conformanceDocument() {
  return { conformsTo: [...CONFORMANCE_CLASSES] };
}

export function collectionDocument(base: string, c: OgcCollection, extent: Extent) {
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    attribution: c.attribution,
    itemType: 'feature',
    extent: { spatial: { bbox: [extent ?? WORLD], crs: CRS84 } },
    crs: SUPPORTED_CRS.map((crs) => crs.uri),
    storageCrs: CRS84,
    links: [
      { href: collectionUrl(base, c.id), rel: 'self', type: MEDIA_JSON, title: c.title },
      { href: `${collectionUrl(base, c.id)}?f=html`, rel: 'alternate', type: MEDIA_HTML, title: `${c.title} (HTML)` },
      { href: itemsUrl(base, c.id), rel: 'items', type: MEDIA_GEOJSON, title: `${c.title}: features` },
      { href: itemsUrl(base, c.id, { format: 'html' }), rel: 'items', type: MEDIA_HTML, title: `${c.title}: features (HTML)` },
      {
        href: `${collectionUrl(base, c.id)}/queryables`,
        rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables',
        type: 'application/schema+json',
        title: 'Queryables',
      },
      { href: `${collectionUrl(base, c.id)}/queryables`, rel: 'queryables', type: MEDIA_JSON, title: 'Queryables' },
    ] satisfies Link[],
  };
}

export function collectionsDocument(base: string, collections: readonly OgcCollection[], extents: ReadonlyMap<string, Extent>) {
  return {
    links: [
      { href: collectionsUrl(base), rel: 'self', type: MEDIA_JSON, title: 'The feature collections' },
      { href: `${collectionsUrl(base)}?f=html`, rel: 'alternate', type: MEDIA_HTML, title: 'The feature collections (HTML)' },
    ] satisfies Link[],
    crs: SUPPORTED_CRS.map((crs) => crs.uri),
    collections: collections.map((c) => collectionDocument(base, c, extents.get(c.id) ?? null)),
  };
}
