import { describe, expect, it } from 'vitest';
import { itemsPageLinks, itemsUrl, itemUrl, ogcBaseUrl } from './ogc-links.js';
import type { ItemsParams } from './ogc-params.js';

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
  const params = (limit: number, offset: number): ItemsParams => ({ limit, offset });
  const rels = (links: { rel: string }[]) => links.map((l) => l.rel);
  const href = (links: { rel: string; href: string }[], rel: string) => links.find((l) => l.rel === rel)?.href;

  it('has self and collection, and next only while features remain', () => {
    const first = itemsPageLinks(BASE, 'grids', params(10, 0), { numberMatched: 25, numberReturned: 10 });
    expect(rels(first)).toEqual(['self', 'collection', 'next']);
    expect(href(first, 'self')).toBe(`${BASE}/collections/grids/items?limit=10`);
    expect(href(first, 'next')).toBe(`${BASE}/collections/grids/items?limit=10&offset=10`);

    const middle = itemsPageLinks(BASE, 'grids', params(10, 10), { numberMatched: 25, numberReturned: 10 });
    expect(rels(middle)).toEqual(['self', 'collection', 'prev', 'next']);
    expect(href(middle, 'prev')).toBe(`${BASE}/collections/grids/items?limit=10`);
    expect(href(middle, 'next')).toBe(`${BASE}/collections/grids/items?limit=10&offset=20`);

    const last = itemsPageLinks(BASE, 'grids', params(10, 20), { numberMatched: 25, numberReturned: 5 });
    expect(rels(last)).toEqual(['self', 'collection', 'prev']);
    expect(href(last, 'prev')).toBe(`${BASE}/collections/grids/items?limit=10&offset=10`);
  });

  it('has no next link when a page ends exactly at the last feature, and prev never goes below 0', () => {
    expect(rels(itemsPageLinks(BASE, 'grids', params(10, 0), { numberMatched: 10, numberReturned: 10 }))).toEqual(['self', 'collection']);
    const odd = itemsPageLinks(BASE, 'grids', params(10, 3), { numberMatched: 10, numberReturned: 7 });
    expect(href(odd, 'prev')).toBe(`${BASE}/collections/grids/items?limit=10`);
    expect(rels(itemsPageLinks(BASE, 'grids', params(10, 0), { numberMatched: 0, numberReturned: 0 }))).toEqual(['self', 'collection']);
  });

  it('keeps the filter in every link and types pages as GeoJSON', () => {
    const bbox = { minLon: 1, minLat: 2, maxLon: 3, maxLat: 4 };
    const links = itemsPageLinks(BASE, 'cameras', { bbox, limit: 5, offset: 5 }, { numberMatched: 20, numberReturned: 5 });
    for (const rel of ['self', 'prev', 'next']) expect(href(links, rel)).toContain('bbox=1,2,3,4');
    expect(links.filter((l) => l.rel !== 'collection').every((l) => l.type === 'application/geo+json')).toBe(true);
    expect(links.find((l) => l.rel === 'collection')?.type).toBe('application/json');
  });
});
