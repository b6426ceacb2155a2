import { describe, expect, it } from 'vitest';
import { findCollection, OGC_COLLECTIONS, OgcCollection } from './ogc-collections.js';
import { COUNT_CAP, countQuery, itemQuery, itemsQuery, selectExtents } from './ogc.sql.js';
import { SUPPORTED_CRS } from './ogc-crs.js';

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
      'districts',
      'streets',
      'communities',
      'grids',
      'micro_grids',
      'roads',
      'cameras',
      'sensors',
      'workers',
      'camera_views',
      'incidents',
      'unit_statistics',
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
    const published = (id: string) =>
      collection(id)
        .properties.map((p) => `${p.name} ${p.sql}`)
        .join(' ');
    expect(published('workers')).not.toMatch(/\bname\b|phone/);
    expect(published('cameras')).not.toMatch(/stream/);
    expect(published('camera_views')).not.toMatch(/stream/);
    // Incidents: no reporter, description or address (free text that may hold personal data).
    expect(published('incidents')).not.toMatch(/reporter|phone|description|address|\bname\b|input_lon|assigned_worker/);
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
  it('filters a page by intersection with the envelope (GiST-indexed) and pages by keyset with limit + 1', () => {
    const q = itemsQuery(collection('micro_grids'), { bbox: BBOX }, { limit: 10, offset: 0, after: '3201130070010010001' });
    expect(q.statement.text).toContain(`ST_Intersects(t.geom, ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326))`);
    expect(q.statement.text).toContain(`t.level = 'micro_grid'`);
    expect(q.statement.text).toContain('t.code > $5::text');
    expect(q.statement.text).toMatch(/ORDER BY t\.code\s+LIMIT \$6::int OFFSET \$7::bigint\) page/);
    expect(q.statement.text).toContain('ST_AsGeoJSON(t.geom, 7, 0)::json');
    expect(q.params).toEqual([118.9, 32.08, 118.98, 32.13, '3201130070010010001', 11, 0]);
  });

  it('transforms a bbox given in another CRS once, never the stored geometries', () => {
    const q = countQuery(collection('micro_grids'), { bbox: { ...BBOX, srid: 3857 } });
    expect(q.statement.text).toContain(
      'ST_Intersects(t.geom, ST_Transform(ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 3857), 4326))',
    );
  });

  it('writes geometries in the requested CRS, latitude first for EPSG:4490', () => {
    const cgcs = SUPPORTED_CRS.find((c) => c.srid === 4490)!;
    expect(itemsQuery(collection('streets'), {}, { ...PAGE, crs: cgcs }).statement.text).toContain(
      'ST_AsGeoJSON(ST_FlipCoordinates(ST_Transform(t.geom, 4490)), 7, 0)',
    );
    const mercator = SUPPORTED_CRS.find((c) => c.srid === 3857)!;
    expect(itemQuery(collection('roads'), 1, mercator).statement.text).toContain('ST_AsGeoJSON(ST_Transform(t.geom, 3857), 2, 0)');
  });

  it('counts with the same filter, capped', () => {
    const q = countQuery(collection('micro_grids'), { bbox: BBOX });
    expect(q.statement.text).toContain(`ST_Intersects(t.geom, ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326))`);
    expect(q.statement.text).toContain('LIMIT $5::int');
    expect(q.params).toEqual([118.9, 32.08, 118.98, 32.13, COUNT_CAP + 1]);
    expect(countQuery(collection('micro_grids'), {}).params).toEqual([COUNT_CAP + 1]);
  });

  it('orders every collection by its primary key and never by a request value', () => {
    expect(itemsQuery(collection('roads'), {}, PAGE).statement.text).toMatch(
      /t\.id > \$1::bigint\s+ORDER BY t\.id\s+LIMIT \$2::int OFFSET \$3::bigint\) page\s+JOIN road_edges t ON t\.id = page\.k\s+ORDER BY t\.id$/,
    );
    expect(itemsQuery(collection('roads'), {}, { ...PAGE, after: 5 }).statement.text).toContain('t.id > $1::bigint');
    expect(itemsQuery(collection('workers'), {}, PAGE).statement.text).toContain('ST_AsGeoJSON(t.last_position, 7, 0)');
    expect(itemsQuery(collection('camera_views'), {}, PAGE).statement.text).toContain('ST_AsGeoJSON(t.fov, 7, 0)');
    expect(itemsQuery(collection('roads'), {}, PAGE).statement.text).not.toContain('level');
  });

  it('filters workers and incidents by time with open ends as ±infinity, and ignores datetime elsewhere', () => {
    const workers = countQuery(collection('workers'), { bbox: BBOX, datetime: { start: '2026-01-01T00:00:00.000Z' } });
    expect(workers.statement.text).toContain('t.last_position_at BETWEEN $5::timestamptz AND $6::timestamptz');
    expect(workers.params).toEqual([118.9, 32.08, 118.98, 32.13, '2026-01-01T00:00:00.000Z', 'infinity', COUNT_CAP + 1]);
    expect(countQuery(collection('incidents'), { datetime: { end: '2026-01-01T00:00:00.000Z' } }).statement.text).toContain('t.reported_at BETWEEN');
    const cameras = countQuery(collection('cameras'), { datetime: { start: '2026-01-01T00:00:00.000Z' } });
    expect(cameras.statement.text).not.toContain('timestamptz');
  });

  it('adds a translated CQL2 condition with its own parameters after the others', () => {
    const q = itemsQuery(collection('incidents'), { bbox: BBOX, condition: (bind) => `t.grade = ${bind('red')}::text` }, PAGE);
    expect(q.statement.text).toContain('t.grade = $5::text');
    // The first page starts after the lowest possible key: the same statement as every later page.
    expect(q.params).toEqual([118.9, 32.08, 118.98, 32.13, 'red', '-9223372036854775808', 11, 20]);
    expect(itemsQuery(collection('grids'), {}, PAGE).params).toEqual(['', 11, 20]);
  });

  it('looks a feature up by id within its level only', () => {
    const q = itemQuery(collection('grids'), '320113007001001');
    expect(q.statement.text).toContain(`t.level = 'grid' AND t.code = $1`);
    expect(q.params).toEqual(['320113007001001']);
  });

  it('names each distinct text once, and the same text the same way', () => {
    const names = new Set<string>();
    for (const c of OGC_COLLECTIONS) {
      for (const filter of [{}, { bbox: BBOX }]) {
        names.add(itemsQuery(c, filter, PAGE).statement.name);
        names.add(countQuery(c, filter).statement.name);
      }
      names.add(itemQuery(c, 1).statement.name);
    }
    // cameras and camera_views share a table: their unfiltered counts are one statement.
    expect(names.size).toBe(OGC_COLLECTIONS.length * 5 - 1);
    expect(itemsQuery(collection('roads'), {}, PAGE).statement).toBe(itemsQuery(collection('roads'), {}, { limit: 99, offset: 0 }).statement);
    expect(selectExtents.text.match(/UNION ALL/g)).toHaveLength(OGC_COLLECTIONS.length - 1);
  });
});
