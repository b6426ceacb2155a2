import { describe, expect, it } from 'vitest';
import { findCollection, OGC_COLLECTIONS, OgcCollection } from './ogc-collections.js';
import { countQuery, itemQuery, itemsQuery, selectExtents } from './ogc.sql.js';

const collection = (id: string): OgcCollection => {
  const c = findCollection(id);
  if (!c) throw new Error(`no collection ${id}`);
  return c;
};
const BBOX = { minLon: 118.9, minLat: 32.08, maxLon: 118.98, maxLat: 32.13 };
const PAGE = { limit: 10, offset: 20 };
const SQL_NAME = /^[a-z][a-z0-9_]*$/;

describe('the collection allow-list', () => {
  it('has one collection per unit level and the operational layers', () => {
    expect(OGC_COLLECTIONS.map((c) => c.id)).toEqual([
      'districts', 'streets', 'communities', 'grids', 'micro_grids', 'roads', 'cameras', 'sensors', 'workers',
    ]);
    expect(findCollection('nope')).toBeUndefined();
    expect(findCollection('__proto__')).toBeUndefined();
  });

  it('holds only plain identifiers', () => {
    for (const c of OGC_COLLECTIONS) {
      for (const name of [c.id, c.table, c.idColumn, c.orderColumn, c.geometryColumn, c.level ?? 'x', c.temporalColumn ?? 'x']) {
        expect(name).toMatch(SQL_NAME);
      }
      for (const p of c.properties) expect(p.name).toMatch(SQL_NAME);
    }
  });

  it('never publishes personal data or stream URLs', () => {
    const published = (id: string) => collection(id).properties.map((p) => `${p.name} ${p.sql}`).join(' ');
    expect(published('workers')).not.toMatch(/\bname\b|phone/);
    expect(published('cameras')).not.toMatch(/stream/);
  });

  it('says in every description whether the layer is generated, and attributes roads and districts', () => {
    for (const id of ['streets', 'communities', 'grids', 'micro_grids', 'cameras', 'sensors', 'workers']) {
      expect(collection(id).description).toContain('GENERATED');
    }
    expect(collection('micro_grids').description).toContain('not an official boundary');
    expect(collection('districts').description).toContain('not generated');
    expect(collection('roads').attribution).toBe('© OpenStreetMap contributors');
    expect(collection('districts').attribution).toBe('行政区边界：高德 / poi86.com');
  });
});

describe('the OGC statements', () => {
  it('filters a page by intersection with the envelope (GiST-indexed), bound as $3..$6 after limit and offset', () => {
    const q = itemsQuery(collection('micro_grids'), { bbox: BBOX }, PAGE);
    expect(q.statement.text).toContain(`ST_Intersects(t.geom, ST_MakeEnvelope($3, $4, $5, $6, 4326))`);
    expect(q.statement.text).toContain(`t.level = 'micro_grid'`);
    expect(q.statement.text).toMatch(/ORDER BY t\.code\s+LIMIT \$1 OFFSET \$2\) page/);
    expect(q.statement.text).toContain('ST_AsGeoJSON(t.geom, 7)::json');
    expect(q.params).toEqual([10, 20, 118.9, 32.08, 118.98, 32.13]);
  });

  it('counts with the same filter, bound from $1', () => {
    const q = countQuery(collection('micro_grids'), { bbox: BBOX });
    expect(q.statement.text).toContain(`ST_Intersects(t.geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`);
    expect(q.params).toEqual([118.9, 32.08, 118.98, 32.13]);
    expect(countQuery(collection('micro_grids'), {}).params).toEqual([]);
    expect(countQuery(collection('micro_grids'), {}).statement.text).not.toContain('ST_MakeEnvelope');
  });

  it('orders every collection by its primary key and never by a request value', () => {
    expect(itemsQuery(collection('roads'), {}, PAGE).statement.text).toMatch(/ORDER BY t\.id\s+LIMIT \$1 OFFSET \$2\) page\s+JOIN road_edges t ON t\.id = page\.k\s+ORDER BY t\.id$/);
    expect(itemsQuery(collection('workers'), {}, PAGE).statement.text).toContain('ST_AsGeoJSON(t.last_position, 7)');
    expect(itemsQuery(collection('roads'), {}, PAGE).statement.text).not.toContain('level');
  });

  it('filters workers by time with open ends as ±infinity, and ignores datetime elsewhere', () => {
    const workers = countQuery(collection('workers'), { bbox: BBOX, datetime: { start: '2026-01-01T00:00:00.000Z' } });
    expect(workers.statement.text).toContain('t.last_position_at BETWEEN $5::timestamptz AND $6::timestamptz');
    expect(workers.params).toEqual([118.9, 32.08, 118.98, 32.13, '2026-01-01T00:00:00.000Z', 'infinity']);
    const cameras = countQuery(collection('cameras'), { datetime: { start: '2026-01-01T00:00:00.000Z' } });
    expect(cameras.statement.text).not.toContain('timestamptz');
    expect(cameras.params).toEqual([]);
  });

  it('looks a feature up by id within its level only', () => {
    const q = itemQuery(collection('grids'), '320113007001001');
    expect(q.statement.text).toContain(`t.level = 'grid' AND t.code = $1`);
    expect(q.params).toEqual(['320113007001001']);
  });

  it('has distinct names for timing logs', () => {
    const names = new Set<string>();
    for (const c of OGC_COLLECTIONS) {
      for (const filter of [{}, { bbox: BBOX }]) {
        names.add(itemsQuery(c, filter, PAGE).statement.name);
        names.add(countQuery(c, filter).statement.name);
      }
      names.add(itemQuery(c, 1).statement.name);
    }
    expect(names.size).toBe(OGC_COLLECTIONS.length * 5);
    expect(selectExtents.text.match(/UNION ALL/g)).toHaveLength(OGC_COLLECTIONS.length - 1);
  });
});
