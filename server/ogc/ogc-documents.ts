/** The JSON documents of the OGC API (landing page, conformance, collections), as pure functions. */
import type { OgcCollection } from './ogc-collections.js';
import { collectionsUrl, collectionUrl, itemsUrl, Link, MEDIA_GEOJSON, MEDIA_JSON, MEDIA_OPENAPI } from './ogc-links.js';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

export const CONFORMANCE_CLASSES = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
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
    crs: [CRS84],
    links: [
      { href: collectionUrl(base, c.id), rel: 'self', type: MEDIA_JSON, title: c.title },
      { href: itemsUrl(base, c.id), rel: 'items', type: MEDIA_GEOJSON, title: `${c.title}: features` },
    ] satisfies Link[],
  };
}

export function collectionsDocument(base: string, collections: readonly OgcCollection[], extents: ReadonlyMap<string, Extent>) {
  return {
    links: [{ href: collectionsUrl(base), rel: 'self', type: MEDIA_JSON, title: 'The feature collections' }] satisfies Link[],
    collections: collections.map((c) => collectionDocument(base, c, extents.get(c.id) ?? null)),
  };
}
