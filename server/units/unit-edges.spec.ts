/**
 * The unit edges (migration 0010) on the seeded Xianlin subset, on every mode: every piece of every unit's
 * boundary lies on exactly one edge, each edge on the boundaries of the units it names, and row-level security
 * shows an edge to whoever sees a unit on either side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, withScope, type Database } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { rebuildUnitEdges } from './unit-edges.sql.js';

/**
 * Per parent whose children tile it (area; a test needs a whole parent): the children's perimeters are the
 * parent's perimeter plus every interior edge twice. Lengths in degrees, as stored.
 */
const perimeterBalance = defineSql(
  'test.unit_edges.perimeter_balance',
  `SELECT p.code, p.level, ST_Perimeter(p.geom) AS parent, k.children, coalesce(e.interior, 0) AS interior
     FROM units p
     JOIN LATERAL (SELECT sum(ST_Perimeter(c.geom)) AS children, sum(c.area_m2) AS area FROM units c WHERE c.parent_code = p.code) k ON true
     LEFT JOIN LATERAL (SELECT sum(ST_Length(e.geom)) AS interior FROM unit_edges e JOIN units l ON l.code = e.left_code
                         WHERE l.parent_code = p.code AND e.right_code IS NOT NULL) e ON true
    WHERE k.children IS NOT NULL AND abs(k.area - p.area_m2) < 1e-6 * p.area_m2
    ORDER BY p.code`,
);

/** Edges not lying on the boundary of one of their units (within 1e-8°, a millimetre), or of another level. */
const strayEdges = defineSql(
  'test.unit_edges.stray',
  `SELECT e.id, e.level, e.left_code, e.right_code
     FROM unit_edges e JOIN units l ON l.code = e.left_code LEFT JOIN units r ON r.code = e.right_code
    WHERE l.level <> e.level OR r.level <> e.level OR r.parent_code IS DISTINCT FROM l.parent_code
       OR NOT ST_Covers(ST_Buffer(ST_Boundary(l.geom), 1e-8), e.geom)
       OR (r.code IS NOT NULL AND NOT ST_Covers(ST_Buffer(ST_Boundary(r.geom), 1e-8), e.geom))
       OR e.generated <> (e.level <> 'district')`,
);

/** The districts: their perimeters are their shared edges twice and the city's outer boundary once. */
const districtBalance = defineSql(
  'test.unit_edges.district_balance',
  `SELECT (SELECT sum(ST_Perimeter(geom)) FROM units WHERE level = 'district') AS perimeters,
          (SELECT sum(ST_Length(geom)) FILTER (WHERE right_code IS NOT NULL) FROM unit_edges WHERE level = 'district') AS shared,
          (SELECT sum(ST_Length(geom)) FILTER (WHERE right_code IS NULL) FROM unit_edges WHERE level = 'district') AS outline`,
);

const edgeCounts = defineSql(
  'test.unit_edges.counts',
  `SELECT level, count(*)::integer AS edges, count(*) FILTER (WHERE right_code IS NULL)::integer AS outer_edges FROM unit_edges GROUP BY level ORDER BY level`,
);

const visibleEdges = defineSql('test.unit_edges.visible', `SELECT left_code, right_code FROM unit_edges`);

describe.each(testDatabaseModes())('unit edges on %s', (mode) => {
  let db: Database;
  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
  });
  afterAll(() => db.close());

  it('has edges at every level, the outer ones at district level only', async () => {
    const counts = await db.query<{ level: string; edges: number; outer_edges: number }>(edgeCounts);
    expect(counts.map((c) => c.level)).toEqual(['community', 'district', 'grid', 'micro_grid', 'street']);
    for (const c of counts) {
      expect(c.edges, c.level).toBeGreaterThan(0);
      expect(c.outer_edges > 0, c.level).toBe(c.level === 'district');
    }
  });

  it('covers every child boundary inside its parent exactly once: children’s perimeters = parent’s + twice the interior edges', async () => {
    const rows = await db.query<{ code: string; level: string; parent: number; children: number; interior: number }>(perimeterBalance);
    // Every parent level the subset seeds whole.
    expect(new Set(rows.map((r) => r.level))).toEqual(new Set(['district', 'street', 'community', 'grid']));
    expect(rows.length).toBeGreaterThan(50);
    // A parent of one child has no interior edge; most have several children.
    expect(rows.filter((r) => r.interior > 0).length).toBeGreaterThan(rows.length / 2);
    for (const r of rows) {
      expect(Math.abs(r.parent + 2 * r.interior - r.children), r.code).toBeLessThan(1e-7 * r.children);
    }
  });

  it('covers the districts’ boundaries: their shared edges twice, the city’s outline once', async () => {
    const [d] = await db.query<{ perimeters: number; shared: number | null; outline: number }>(districtBalance);
    expect(d.outline).toBeGreaterThan(0);
    expect(Math.abs(2 * (d.shared ?? 0) + d.outline - d.perimeters)).toBeLessThan(1e-7 * d.perimeters);
  });

  it('lays each edge on the boundaries of the two units it separates, at their level', async () => {
    expect(await db.query(strayEdges)).toEqual([]);
  });

  it('builds the same edges again', async () => {
    const before = await db.query(edgeCounts);
    const [{ edges }] = await db.query<{ edges: number }>(rebuildUnitEdges);
    expect(edges).toBe(before.reduce((n, c) => n + (c as { edges: number }).edges, 0));
    expect(await db.query(edgeCounts)).toEqual(before);
  });

  it('shows an edge to whoever sees a unit on either side of it, and no other', async () => {
    const xianlin = '320113007';
    const seen = await withScope(db, { jurisdiction: xianlin, accountId: null, role: 'dispatcher' }, (tx) =>
      tx.query<{ left_code: string; right_code: string | null }>(visibleEdges),
    );
    const all = await db.query<{ left_code: string; right_code: string | null }>(visibleEdges);
    const visible = (code: string | null) => code !== null && (code.startsWith(xianlin) || xianlin.startsWith(code));
    const expected = all.filter((e) => visible(e.left_code) || visible(e.right_code));
    expect(expected.length).toBeLessThan(all.length);
    const key = (e: { left_code: string; right_code: string | null }) => `${e.left_code}|${e.right_code}`;
    expect(seen.map(key).sort()).toEqual(expected.map(key).sort());
  });
});
