import { describe, expect, it } from 'vitest';
import { itemsPageLinks, itemsUrl, itemUrl, ogcBaseUrl } from './ogc-links.js';
import { encodeCursor, type ItemsParams } from './ogc-params.js';
import { CRS84, SUPPORTED_CRS } from './ogc-crs.js';

const BASE = 'http://127.0.0.1:8080/ogc';

describe('ogcBaseUrl', () => {
  it('uses the scheme and Host header of the request', () => {
    expect(ogcBaseUrl({ protocol: 'http', host: '127.0.0.1:41234' }, 'fallback:1')).toBe('http://127.0.0.1:41234/ogc');
    expect(ogcBaseUrl({ protocol: 'https', host: 'gridops.example.cn' }, 'fallback:1')).toBe('https://gridops.example.cn/ogc');
    expect(ogcBaseUrl({ protocol: 'http', host: '[::1]:8080' }, 'fallback:1')).toBe('http://[::1]:8080/ogc');
  });

  it('falls back to the configured address when the Host header is missing or not a host', () => {
    for (const host of [undefined, '', 'evil.example/path', 'a b', 'user@host', 'host:port', 'x"y']) {
      expect(ogcBaseUrl({ protocol: 'http', host }, '127.0.0.1:8080')).toBe('http://127.0.0.1:8080/ogc');
    }
  });

  it('never emits a scheme other than http or https', () => {
    expect(ogcBaseUrl({ protocol: 'javascript', host: 'a' }, 'b')).toBe('http://a/ogc');
  });
});

describe('itemsUrl and itemUrl', () => {
  it('writes the parameters in a canonical order, with readable bbox and datetime', () => {
    expect(itemsUrl(BASE, 'micro_grids')).toBe(`${BASE}/collections/micro_grids/items`);
    expect(
      itemsUrl(BASE, 'workers', {
        bbox: { minLon: 118.9, minLat: 32.08, maxLon: 118.98, maxLat: 32.13 },
        datetime: { start: '2026-01-01T00:00:00.000Z' },
        limit: 10,
        offset: 20,
      }),
    ).toBe(`${BASE}/collections/workers/items?bbox=118.9,32.08,118.98,32.13&datetime=2026-01-01T00:00:00.000Z/..&limit=10&offset=20`);
    expect(itemsUrl(BASE, 'workers', { datetime: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:00:00.000Z' } })).toBe(
      `${BASE}/collections/workers/items?datetime=2026-01-01T00:00:00.000Z`,
    );
  });

  it('escapes feature ids', () => {
    expect(itemUrl(BASE, 'cameras', 'a/b c')).toBe(`${BASE}/collections/cameras/items/a%2Fb%20c`);
    expect(itemUrl(BASE, 'roads', 412)).toBe(`${BASE}/collections/roads/items/412`);
  });
});

describe('itemsPageLinks', () => {
  const params = (limit: number, offset: number, extra: Partial<ItemsParams> = {}): ItemsParams => ({
    limit,
    offset,
    crs: CRS84,
    format: 'json',
    ...extra,
  });
  const rels = (links: { rel: string }[]) => links.map((l) => l.rel);
  const href = (links: { rel: string; href: string }[], rel: string) => links.find((l) => l.rel === rel)?.href;

  it('has self, alternate and collection, and a next link with the last key as cursor while features remain', () => {
    const first = itemsPageLinks(BASE, 'grids', params(10, 0), { nextAfter: '320113007001010' });
    expect(rels(first)).toEqual(['self', 'alternate', 'collection', 'next']);
    expect(href(first, 'self')).toBe(`${BASE}/collections/grids/items?limit=10`);
    expect(href(first, 'alternate')).toBe(`${BASE}/collections/grids/items?f=html&limit=10`);
    expect(href(first, 'next')).toBe(`${BASE}/collections/grids/items?limit=10&cursor=${encodeCursor('320113007001010')}`);
    const last = itemsPageLinks(BASE, 'grids', params(10, 0, { cursor: '320113007001010' }), {});
    expect(rels(last)).toEqual(['self', 'alternate', 'collection']);
  });

  it('has prev only for offset paging, never below 0', () => {
    const middle = itemsPageLinks(BASE, 'grids', params(10, 10), { nextAfter: 'x' });
    expect(href(middle, 'prev')).toBe(`${BASE}/collections/grids/items?limit=10`);
    expect(href(middle, 'next')).toBe(`${BASE}/collections/grids/items?limit=10&cursor=eA`);
    const odd = itemsPageLinks(BASE, 'grids', params(10, 3), {});
    expect(href(odd, 'prev')).toBe(`${BASE}/collections/grids/items?limit=10`);
  });

  it('keeps the filter, CRS and format in every link', () => {
    const bbox = { minLon: 1, minLat: 2, maxLon: 3, maxLat: 4 };
    const filter = { text: "grade IN ('red','orange')", lang: 'cql2-text' as const };
    const cgcs = SUPPORTED_CRS.find((c) => c.srid === 4490)!;
    const links = itemsPageLinks(BASE, 'cameras', params(5, 5, { bbox, crs: cgcs, filter }), { nextAfter: '9' });
    for (const rel of ['self', 'prev', 'next']) {
      expect(href(links, rel)).toContain('bbox=1,2,3,4');
      expect(href(links, rel)).toContain('crs=http:%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4490'.replace(/%2F/g, '/'));
      expect(href(links, rel)).toContain(`filter=${encodeURIComponent(filter.text).replace(/%2C/g, ',')}&filter-lang=cql2-text`);
    }
    expect(links.filter((l) => !['collection', 'alternate'].includes(l.rel)).every((l) => l.type === 'application/geo+json')).toBe(true);
    expect(links.find((l) => l.rel === 'collection')?.type).toBe('application/json');
    const html = itemsPageLinks(BASE, 'cameras', params(5, 0, { format: 'html' }), { nextAfter: '9' });
    expect(href(html, 'next')).toMatch(/^[^?]+\?f=html&/);
    expect(html.find((l) => l.rel === 'next')?.type).toBe('text/html');
  });
});
