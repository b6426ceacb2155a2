/**
 * Absolute links of the OGC API, built from the request's own scheme and Host header so that a client
 * (GDAL, QGIS) follows them back to the address it used. Pure functions.
 */
import type { ItemsParams } from './ogc-params.js';
import { encodeCursor } from './ogc-params.js';
import { CRS84_URI } from './ogc-crs.js';

export const OGC_ROOT = '/ogc';

export const MEDIA_JSON = 'application/json';
export const MEDIA_GEOJSON = 'application/geo+json';
export const MEDIA_OPENAPI = 'application/vnd.oai.openapi+json;version=3.0';

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

// A host name, IPv4 or bracketed IPv6 address, with an optional port. Anything else in the Host header
// (spaces, slashes, '@') is not put into links: the configured address is used instead.
const HOST = /^([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(:\d{1,5})?$/;

/** http(s)://host[:port]/ogc for the request, or for `fallbackHost` when its Host header is unusable. */
export function ogcBaseUrl(request: { protocol: string; host: string | undefined }, fallbackHost: string): string {
  const protocol = request.protocol === 'https' ? 'https' : 'http';
  const host = request.host !== undefined && HOST.test(request.host) ? request.host : fallbackHost;
  return `${protocol}://${host}${OGC_ROOT}`;
}

export const collectionsUrl = (base: string) => `${base}/collections`;
export const collectionUrl = (base: string, id: string) => `${base}/collections/${encodeURIComponent(id)}`;
export const itemUrl = (base: string, collectionId: string, featureId: string | number) =>
  `${collectionUrl(base, collectionId)}/items/${encodeURIComponent(String(featureId))}`;

/** Query-string value; commas (bbox) and colons (datetime) are left readable, as RFC 3986 allows. */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%2F/g, '/');
}

export const MEDIA_HTML = 'text/html';

/** The items URL for these parameters, in a canonical order. */
export function itemsUrl(base: string, collectionId: string, params?: Partial<ItemsParams>): string {
  const query: string[] = [];
  const add = (name: string, value: string) => query.push(`${name}=${encodeValue(value)}`);
  if (params?.format === 'html') add('f', 'html');
  if (params?.bbox) {
    const b = params.bbox;
    add('bbox', params.bboxText ?? [b.minLon, b.minLat, b.maxLon, b.maxLat].join(','));
  }
  if (params?.bboxCrs) add('bbox-crs', params.bboxCrs.uri);
  if (params?.datetime) {
    const { start, end } = params.datetime;
    add('datetime', start !== undefined && start === end ? start : `${start ?? '..'}/${end ?? '..'}`);
  }
  if (params?.crs && params.crs.uri !== CRS84_URI) add('crs', params.crs.uri);
  if (params?.filter) {
    add('filter', params.filter.text);
    add('filter-lang', params.filter.lang);
  }
  if (params?.limit !== undefined) query.push(`limit=${params.limit}`);
  if (params?.offset) query.push(`offset=${params.offset}`);
  if (params?.cursor) add('cursor', encodeCursor(params.cursor));
  return `${collectionUrl(base, collectionId)}/items${query.length ? `?${query.join('&')}` : ''}`;
}

/**
 * self, alternate (the other format), collection, prev (offset paging only) and next (keyset: the last
 * key of this page as the cursor) links of an items page; next only when more features remain.
 */
export function itemsPageLinks(base: string, collectionId: string, params: ItemsParams, page: { nextAfter?: string }): Link[] {
  const html = params.format === 'html';
  const type = html ? MEDIA_HTML : MEDIA_GEOJSON;
  const links: Link[] = [
    { href: itemsUrl(base, collectionId, params), rel: 'self', type, title: 'This page' },
    {
      href: itemsUrl(base, collectionId, { ...params, format: html ? 'json' : 'html' }),
      rel: 'alternate',
      type: html ? MEDIA_GEOJSON : MEDIA_HTML,
      title: html ? 'This page as GeoJSON' : 'This page as HTML',
    },
    { href: collectionUrl(base, collectionId), rel: 'collection', type: MEDIA_JSON, title: 'The collection' },
  ];
  if (params.offset > 0 && params.cursor === undefined) {
    const offset = Math.max(0, params.offset - params.limit);
    links.push({ href: itemsUrl(base, collectionId, { ...params, offset }), rel: 'prev', type, title: 'Previous page' });
  }
  if (page.nextAfter !== undefined) {
    links.push({ href: itemsUrl(base, collectionId, { ...params, offset: 0, cursor: page.nextAfter }), rel: 'next', type, title: 'Next page' });
  }
  return links;
}
