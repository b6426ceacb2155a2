/**
 * What the tiles contain, on every database mode: the micro-grids of a z14 tile over 仙林街道 are exactly
 * those in the tile, neighbours still share their edges after simplification, the unit boundaries are every
 * boundary line once and lie on the micro-grids' rings, lines are simplified below z14 by at most a quarter pixel, every layer renders with its geometry type, clusters count every point once, and every mode gives the same tile.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCapabilities } from '../db/capabilities.js';
import { defineSql, withScope } from '../db/database.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { renderTileLayer, type TileEncoder } from './render-tile.js';
import { tileContaining } from './tile-address.js';
import {
  BOUNDARY_LEVELS,
  DETAIL_MAX_ZOOM,
  ROAD_CLASS_MIN_ZOOM,
  TILE_BUFFER,
  TILE_EXTENT,
  TILE_LAYER_NAMES,
  UNIT_LAYER_LEVELS,
  type TileLayerName,
} from './tile-layers.js';
import { SIMPLIFY_TOLERANCE, tileQueryFor, tileSessionSettings } from './tiles.sql.js';
import { decodeTile, getRaw, polygonGeoJson, type DecodedLayer } from '../../tests/support/tile-test-support.js';

const XIANLIN = tileContaining(118.93, 32.105, 14);
const XIANLIN_Z10 = tileContaining(118.93, 32.105, 10);

/**
 * The test statements' own view of tile $2/$3/$4, written apart from tiles.sql.ts so that they check it: `tile` (its
 * 3857 envelope e, origin and scale k in tile units per metre) and `box` (the tile in tile units, no buffer).
 */
const TEST_TILE_CTES = `tile AS (SELECT ST_XMin(e) AS x0, ST_YMax(e) AS y0, ${TILE_EXTENT} / (ST_XMax(e) - ST_XMin(e)) AS k, e
                   FROM ST_TileEnvelope($2::integer, $3::integer, $4::integer) AS e),
        box AS (SELECT ST_MakeEnvelope(0, 0, ${TILE_EXTENT}, ${TILE_EXTENT}, 0) AS b)`;

/** A 4326 source geometry in the tile units of `tile` (x right, y down), unsnapped. */
const sourceInTileUnits = (g: string) =>
  `ST_SetSRID(ST_Affine(ST_Transform(${g}, 3857), tile.k, 0, 0, -tile.k, -tile.x0 * tile.k, tile.y0 * tile.k), 0)`;

/** Micro-grids overlapping tile $1/$2/$3 by more than 1 m², or touching it with its buffer ($4 = 0) */
const microGridsInTile = defineSql(
  'test.tiles.micro_grids_in_tile',
  `SELECT code FROM units
    WHERE level = 'micro_grid'
      AND CASE WHEN $4::float8 > 0
               THEN ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope($1::integer, $2::integer, $3::integer, margin => $4::float8))
               ELSE ST_Area(ST_Intersection(ST_Transform(geom, 3857), ST_TileEnvelope($1::integer, $2::integer, $3::integer))) > 1 END
    ORDER BY code`,
);

/**
 * The decoded polygons ($1, GeoJSON in tile units) against the source units of level $5, inside tile $2/$3/$4:
 * areas of both coverages, of their difference and of the decoded polygons' overlaps, and how many holes
 * and overlaps are one tile unit wide or more (what survives a −0.5 unit buffer).
 */
const compareCoverage = defineSql(
  'test.tiles.compare_coverage',
  `WITH ${TEST_TILE_CTES},
        raw AS (SELECT t.i, ST_SetSRID(ST_GeomFromGeoJSON(t.g), 0) AS g FROM json_array_elements_text($1::json) WITH ORDINALITY AS t(g, i)),
        decoded AS (SELECT raw.i, ST_Intersection(raw.g, box.b) AS g FROM raw, box),
        source AS (SELECT ST_Intersection(${sourceInTileUnits('u.geom')}, box.b) AS g
                     FROM units u, tile, box
                    WHERE u.level = $5 AND ST_Intersects(ST_Transform(u.geom, 3857), tile.e)),
        unions AS (SELECT (SELECT ST_Union(g) FROM decoded) AS d, (SELECT ST_Union(g) FROM source) AS s),
        holes AS (SELECT ST_MakePolygon(ST_InteriorRingN(p.geom, n)) AS g
                    FROM unions, ST_Dump(unions.d) p, generate_series(1, ST_NumInteriorRings(p.geom)) n),
        overlapping AS (SELECT ST_CollectionExtract(ST_Intersection(a.g, b.g), 3) AS g
                       FROM decoded a JOIN decoded b ON a.i < b.i AND ST_Intersects(a.g, b.g))
   SELECT (SELECT count(*) FROM raw WHERE NOT ST_IsValid(g))::integer AS invalid,
          ST_Area(d) AS decoded_area, ST_Area(s) AS source_area, ST_Area(ST_SymDifference(d, s)) AS difference,
          (SELECT sum(ST_Area(g)) FROM decoded) - ST_Area(d) AS overlap_area,
          (SELECT count(*) FROM holes WHERE NOT ST_IsEmpty(ST_Buffer(g, -0.5)))::integer AS wide_holes,
          (SELECT count(*) FROM overlapping WHERE NOT ST_IsEmpty(ST_Buffer(g, -0.5)))::integer AS wide_overlaps
     FROM unions`,
);

/**
 * The decoded lines ($1, GeoJSON in tile units) of layer $5 ('roads' or 'unit_boundaries', of the road classes or
 * unit levels $6) in tile $2/$3/$4 against their source lines in tile units, both clipped to the tile: their
 * Hausdorff distance, the decoded vertices, and the vertices the source keeps when only snapped to the tile grid
 * (what the tiles held before Douglas–Peucker).
 */
const lineFidelity = defineSql(
  'test.tiles.line_fidelity',
  `WITH ${TEST_TILE_CTES},
        decoded AS (SELECT ST_Intersection(ST_SetSRID(ST_GeomFromGeoJSON(t.g), 0), box.b) AS g
                      FROM json_array_elements_text($1::json) AS t(g), box),
        lines AS (SELECT r.geom FROM road_edges r WHERE $5 = 'roads' AND r.source < r.target AND r.road_class = ANY ($6::text[])
                  UNION ALL
                  SELECT e.geom FROM unit_edges e WHERE $5 = 'unit_boundaries' AND e.level = ANY ($6::text[])),
        source AS (SELECT ST_Intersection(${sourceInTileUnits('l.geom')}, box.b) AS g
                     FROM lines l, tile, box WHERE ST_Transform(l.geom, 3857) && tile.e)
   SELECT ST_HausdorffDistance((SELECT ST_Collect(g) FROM decoded), (SELECT ST_Collect(g) FROM source)) AS distance,
          (SELECT sum(ST_NPoints(g)) FROM decoded)::integer AS decoded_vertices,
          (SELECT sum(ST_NPoints(ST_RemoveRepeatedPoints(ST_SnapToGrid(g, 1)))) FROM source)::integer AS snapped_vertices
     FROM tile`,
);

/**
 * The decoded water polygons ($1, GeoJSON in tile units) of tile $2/$3/$4 against the source water of at least one
 * pixel at that zoom (as the tiles select it), both clipped to the tile: the areas of their unions, of their
 * difference, the source's perimeter, the decoded vertices, and the vertices the source keeps when only snapped to the tile grid.
 */
const waterFidelity = defineSql(
  'test.tiles.water_fidelity',
  `WITH ${TEST_TILE_CTES},
        decoded AS (SELECT ST_Intersection(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(t.g), 0)), box.b) AS g
                      FROM json_array_elements_text($1::json) AS t(g), box),
        source AS (SELECT ST_Intersection(${sourceInTileUnits('w.geom')}, box.b) AS g
                     FROM osm_water w, tile, box
                    WHERE ST_Transform(w.geom, 3857) && tile.e AND ST_Area(w.geom) >= power(360.0 / 512 / power(2, $2::integer), 2)),
        unions AS (SELECT (SELECT ST_Union(g) FROM decoded) AS d, (SELECT ST_Union(g) FROM source) AS s)
   SELECT ST_Area(d) AS decoded_area, ST_Area(s) AS source_area, ST_Area(ST_SymDifference(d, s)) AS difference,
          ST_Perimeter(s) AS source_perimeter,
          (SELECT sum(ST_NPoints(g)) FROM decoded)::integer AS decoded_vertices,
          (SELECT sum(ST_NPoints(ST_RemoveRepeatedPoints(ST_SnapToGrid(g, 1)))) FROM source)::integer AS snapped_vertices
     FROM unions`,
);

/** Cameras in tile $1/$2/$3 (no buffer), and how many of them are online. */
const camerasInTile = defineSql(
  'test.tiles.cameras_in_tile',
  `SELECT count(*)::integer AS total, count(*) FILTER (WHERE online)::integer AS online FROM cameras
    WHERE ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope($1::integer, $2::integer, $3::integer))`,
);

const POLYGON_LAYERS = new Set<TileLayerName>(['districts', 'streets', 'communities', 'grids', 'micro_grids', 'water', 'landuse']);
const LINE_LAYERS = new Set<TileLayerName>(['roads', 'unit_boundaries']);
const expectedType = (layer: TileLayerName) => (POLYGON_LAYERS.has(layer) ? 'Polygon' : LINE_LAYERS.has(layer) ? 'LineString' : 'Point');

/** The micro-grid features of the Xianlin tile in each mode: code and rings. */
const tilesByMode = new Map<string, { codes: string[]; digest: string }>();

describe.each(testDatabaseModes())('tile content on %s', (mode) => {
  let server: TestServer;
  let headers: Record<string, string>;
  let microGrids: DecodedLayer;
  const tile = async (layers: string, t: { z: number; x: number; y: number }) => {
    const res = await getRaw(`${server.baseUrl}/tiles/${layers}/${t.z}/${t.x}/${t.y}`, headers);
    expect([200, 204], `${layers} ${t.z}/${t.x}/${t.y}`).toContain(res.status);
    return res.status === 200 ? decodeTile(res.body) : {};
  };

  beforeAll(async () => {
    server = await startTestServer(mode);
    headers = await signIn(server.baseUrl, 'dispatcher.city');
    microGrids = (await tile('micro_grids', XIANLIN)).micro_grids;
  });
  afterAll(() => server.close());

  it('holds exactly the micro-grids in the tile, as polygons with their properties', async () => {
    const codes = microGrids.features.map((f) => String(f.properties.code));
    const inside = (await server.db.query<{ code: string }>(microGridsInTile, [XIANLIN.z, XIANLIN.x, XIANLIN.y, 0])).map((r) => r.code);
    const touching = (await server.db.query<{ code: string }>(microGridsInTile, [XIANLIN.z, XIANLIN.x, XIANLIN.y, TILE_BUFFER / TILE_EXTENT])).map(
      (r) => r.code,
    );
    expect(inside.length).toBeGreaterThan(20);
    expect(codes).toEqual(expect.arrayContaining(inside));
    expect(touching).toEqual(expect.arrayContaining(codes));
    expect(new Set(codes).size).toBe(codes.length);
    expect(microGrids.extent).toBe(TILE_EXTENT);
    for (const feature of microGrids.features) {
      expect(feature.type).toBe('Polygon');
      expect(feature.properties).toMatchObject({ level: 'micro_grid', kind: 'micro_grid', generated: true });
      expect(typeof feature.properties.households).toBe('number');
      expect(String(feature.properties.name)).toContain('微网格');
    }
    const digest = createHash('sha256')
      .update(JSON.stringify([...microGrids.features].sort((a, b) => String(a.properties.code).localeCompare(String(b.properties.code)))))
      .digest('hex');
    tilesByMode.set(mode, { codes: [...codes].sort(), digest });
  });

  // The generated micro-grids are not a noded coverage: where two parents meet, each side has its own
  // vertices on the common edge (T-junctions), and the source already has holes and overlaps of ~0.1 m².
  // Snapping to the tile grid keeps shared vertices shared; at T-junctions it can leave slivers narrower
  // than one tile unit (1/8 of a screen pixel at 512-pixel tiles): invisible, unlike a simplification that
  // moves each polygon's edges on its own (Douglas–Peucker by one unit already fails this on the districts).
  it('keeps neighbours together: no gap or overlap one tile unit wide, the same covered area as the source', async () => {
    const tileArea = TILE_EXTENT * TILE_EXTENT;
    // Micro-grids at z14, and the real district boundaries (dense, shared by neighbours) at z10.
    for (const [layer, level, t] of [
      ['micro_grids', 'micro_grid', XIANLIN],
      ['districts', 'district', XIANLIN_Z10],
    ] as const) {
      const features = layer === 'micro_grids' ? microGrids.features : (await tile(layer, t))[layer].features;
      expect(features.length, layer).toBeGreaterThan(2);
      const polygons = features.map(polygonGeoJson);
      const [c] = await server.db.query<Record<string, number>>(compareCoverage, [JSON.stringify(polygons), t.z, t.x, t.y, level]);
      expect(c.invalid, layer).toBe(0);
      expect(c.source_area, layer).toBeGreaterThan(tileArea * 0.2);
      expect(c.wide_holes, layer).toBe(0);
      expect(c.wide_overlaps, layer).toBe(0);
      expect(c.overlap_area, layer).toBeLessThan(tileArea * 1e-3);
      expect(Math.abs(c.decoded_area - c.source_area), layer).toBeLessThan(tileArea * 1e-3);
      expect(c.difference, layer).toBeLessThan(tileArea * 1e-3);
    }
  });

  it('finds the micro-grids of a tile through their spatial index, under row-level security (decision 0002)', async () => {
    const query = tileQueryFor('micro_grids', XIANLIN.z)!;
    const explain = defineSql('test.tiles.explain_micro_grids', `EXPLAIN ${query.rows.text}`);
    for (const jurisdiction of ['city', '320113007']) {
      const plan = await withScope(server.db, { jurisdiction, accountId: null, role: 'dispatcher' }, async (tx) => {
        await tx.query(tileSessionSettings);
        return tx.query<{ 'QUERY PLAN': string }>(explain, [XIANLIN.z, XIANLIN.x, XIANLIN.y]);
      });
      expect(plan.map((r) => r['QUERY PLAN']).join('\n'), jurisdiction).toMatch(/Index Scan (using|on) units_micro_grid_geom_idx/);
    }
  });

  it('renders every layer at z14 and z10 with its geometry type', async () => {
    const expectFeatures = new Set<string>([
      'districts',
      'streets',
      'communities',
      'grids',
      'micro_grids',
      'unit_boundaries',
      'unit_labels',
      'roads',
      'cameras',
      'sensors',
      'workers',
    ]);
    for (const layer of TILE_LAYER_NAMES) {
      const z14 = (await tile(layer, XIANLIN))[layer];
      if (expectFeatures.has(layer)) expect(z14?.features.length, `${layer} z14`).toBeGreaterThan(0);
      const z10 = (await tile(layer, XIANLIN_Z10))[layer];
      for (const feature of [...(z14?.features ?? []), ...(z10?.features ?? [])]) expect(feature.type, layer).toBe(expectedType(layer));
    }
    const z10 = await tile('districts,streets,communities,roads', XIANLIN_Z10);
    expect(Object.keys(z10).sort()).toEqual(['districts', 'roads', 'streets']);
    const roadClasses = new Set(z10.roads.features.map((f) => f.properties.road_class));
    expect([...roadClasses].every((c) => c === 'motorway' || c === 'primary')).toBe(true);
  });

  it('puts in the detail zoom’s tiles the road classes drawn only beyond it (maps overzoom those tiles)', async () => {
    const classesAt = async (t: { z: number; x: number; y: number }) =>
      new Set((await tile('roads', t)).roads.features.map((f) => String(f.properties.road_class)));
    const detail = await classesAt(tileContaining(118.93, 32.105, DETAIL_MAX_ZOOM));
    expect(ROAD_CLASS_MIN_ZOOM.service).toBeGreaterThan(DETAIL_MAX_ZOOM);
    expect(detail).toContain('service');
    expect(detail).toContain('residential');
    expect(await classesAt(tileContaining(118.93, 32.105, DETAIL_MAX_ZOOM - 1))).not.toContain('service');
  });

  it('holds in unit_boundaries every level’s boundary lines shown at each zoom, finest first, each line once', async () => {
    for (const t of [XIANLIN, XIANLIN_Z10]) {
      const features = (await tile('unit_boundaries', t)).unit_boundaries.features;
      const levels = features.map((f) => String(f.properties.level));
      // Finest first, each level's features together, as BOUNDARY_LEVELS orders them.
      expect(
        [...levels].sort((a, b) => BOUNDARY_LEVELS.indexOf(a as never) - BOUNDARY_LEVELS.indexOf(b as never)),
        `z${t.z}`,
      ).toEqual(levels);
      // Each level from the zoom of its own layer; the finest shown is in any tile of units.
      const shown = Object.values(UNIT_LAYER_LEVELS)
        .filter((l) => t.z >= l.minZoom)
        .map((l) => l.level);
      expect(
        levels.filter((level) => !shown.includes(level as never)),
        `z${t.z}`,
      ).toEqual([]);
      expect(levels, `z${t.z}`).toContain(shown[shown.length - 1]);
      for (const f of features) expect(f.properties.generated, `z${t.z}`).toBe(f.properties.level !== 'district');
    }
    // Each line once: no segment of the z14 tile is in two features, or twice in one.
    const lines = (await tile('unit_boundaries', XIANLIN)).unit_boundaries.features.flatMap((f) => f.rings);
    const segments = lines.flatMap((line) => line.slice(1).map((b, i) => [line[i], b].map(String).sort().join(' ')));
    expect(segments.length).toBeGreaterThan(100);
    expect(new Set(segments).size).toBe(segments.length);
    // And on the micro-grids' rings: their vertices inside the tile are the lines' vertices (the same snapping).
    const vertices = new Set(lines.flat().map(String));
    const inside = ([x, y]: [number, number]) => x > 0 && x < TILE_EXTENT && y > 0 && y < TILE_EXTENT;
    const ringVertices = microGrids.features.flatMap((f) => f.rings.flat()).filter(inside);
    expect(ringVertices.length).toBeGreaterThan(300);
    expect(ringVertices.filter((v) => !vertices.has(String(v)))).toEqual([]);
  });

  it('simplifies lines below the detail zoom by at most SIMPLIFY_TOLERANCE, to far fewer vertices than snapping keeps, and boundaries not at it', async () => {
    const fidelity = async (layer: 'roads' | 'unit_boundaries', t: { z: number; x: number; y: number }) => {
      const features = (await tile(layer, t))[layer].features;
      const kinds = [...new Set(features.map((f) => String(f.properties[layer === 'roads' ? 'road_class' : 'level'])))];
      const lines = features.map((f) => JSON.stringify({ type: 'MultiLineString', coordinates: f.rings }));
      expect(lines.length, `${layer} z${t.z}`).toBeGreaterThan(0);
      const [f] = await server.db.query<{ distance: number; decoded_vertices: number; snapped_vertices: number }>(lineFidelity, [
        JSON.stringify(lines),
        t.z,
        t.x,
        t.y,
        layer,
        kinds,
      ]);
      return f;
    };
    for (const layer of ['roads', 'unit_boundaries'] as const) {
      const z10 = await fidelity(layer, XIANLIN_Z10);
      // Douglas–Peucker moves no line further than its tolerance; snapping adds at most half a unit's diagonal.
      expect(z10.distance, layer).toBeLessThanOrEqual(SIMPLIFY_TOLERANCE + Math.SQRT1_2 + 1e-6);
      expect(z10.decoded_vertices, layer).toBeGreaterThan(10);
    }
    // Fewer vertices: on the edges, stored once per line as the tile holds them (the roads are merged per class in
    // the tile, so their segments' shared ends count twice in the source and the count says nothing).
    const edges = await fidelity('unit_boundaries', XIANLIN_Z10);
    expect(edges.decoded_vertices).toBeLessThan(edges.snapped_vertices * 0.6);
    // The detail zoom's tiles, which maps enlarge up to 32 times, keep every snapped vertex of the boundaries (whose
    // vertices the micro-grids' rings share, above).
    const z14 = await fidelity('unit_boundaries', XIANLIN);
    expect(z14.decoded_vertices).toBeGreaterThanOrEqual(z14.snapped_vertices * 0.95);
  });

  it('simplifies the water below the detail zoom polygon by polygon, keeping its area', async () => {
    const water = (await tile('water', XIANLIN_Z10)).water.features;
    expect(water.length).toBeGreaterThan(0);
    const [w] = await server.db.query<{
      decoded_area: number;
      source_area: number;
      difference: number;
      source_perimeter: number;
      decoded_vertices: number;
      snapped_vertices: number;
    }>(waterFidelity, [JSON.stringify(water.map(polygonGeoJson)), XIANLIN_Z10.z, XIANLIN_Z10.x, XIANLIN_Z10.y]);
    expect(w.source_area).toBeGreaterThan(1000);
    // Each shore moves by at most the tolerance plus the snapping: the shapes differ by no more than that strip.
    expect(w.difference).toBeLessThan(w.source_perimeter * (SIMPLIFY_TOLERANCE + Math.SQRT1_2));
    expect(Math.abs(w.decoded_area - w.source_area)).toBeLessThan(w.source_area * 0.01);
    expect(w.decoded_vertices).toBeLessThan(w.snapped_vertices * 0.6);
  });

  it('counts every camera once in the clusters below z12, and draws each one from z12', async () => {
    const clusters = (await tile('cameras', XIANLIN_Z10)).cameras.features;
    const [expected] = await server.db.query<{ total: number; online: number }>(camerasInTile, [XIANLIN_Z10.z, XIANLIN_Z10.x, XIANLIN_Z10.y]);
    expect(expected.total).toBeGreaterThan(10);
    const sum = (key: string) => clusters.reduce((n, f) => n + Number(f.properties[key]), 0);
    expect(sum('point_count')).toBe(expected.total);
    expect(sum('online_count')).toBe(expected.online);
    for (const f of clusters) {
      const [[x, y]] = f.rings[0];
      expect(x >= 0 && x < TILE_EXTENT && y >= 0 && y < TILE_EXTENT).toBe(true);
    }
    const points = (await tile('cameras', XIANLIN)).cameras.features;
    expect(points.length).toBeGreaterThan(0);
    expect(points[0].properties).toEqual(
      expect.objectContaining({ online: expect.any(Boolean), heading_deg: expect.any(Number), code: expect.any(String) }),
    );
    expect(points[0].properties).not.toHaveProperty('point_count');
  });

  it('encodes the same tile in the server as ST_AsMVT does, for every layer (where ST_AsMVT works)', async () => {
    const encoders: TileEncoder[] = (await detectCapabilities(server.db)).asMvt ? ['postgis', 'server'] : ['server'];
    expect(encoders).toContain(mode === 'postgres' ? 'postgis' : 'server');
    const scope = { jurisdiction: 'city', accountId: null, role: 'dispatcher' };
    let compared = 0;
    for (const layer of TILE_LAYER_NAMES) {
      for (const t of [XIANLIN_Z10, XIANLIN]) {
        const tiles = await Promise.all(
          encoders.map(async (encoder) => decodeTile(await withScope(server.db, scope, (tx) => renderTileLayer(tx, encoder, layer, t)), false)),
        );
        for (const other of tiles.slice(1)) expect(other, `${layer} ${t.z}`).toEqual(tiles[0]);
        compared += tiles[0][layer]?.features.length ?? 0;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('puts the layers of a composite tile side by side, each as in its own tile', async () => {
    const layers = await tile('water,landuse,roads,districts,micro_grids', XIANLIN);
    expect(Object.keys(layers)).toEqual(expect.arrayContaining(['roads', 'districts', 'micro_grids']));
    expect(layers.micro_grids).toEqual(microGrids);
  });
});

describe('tiles across database modes', () => {
  it('are the same in every mode: same micro-grids, same geometry', () => {
    expect([...tilesByMode.keys()].sort()).toEqual([...testDatabaseModes()].sort());
    const [first, ...others] = [...tilesByMode.values()];
    for (const other of others) {
      expect(other.codes).toEqual(first.codes);
      expect(other.digest).toBe(first.digest);
    }
  });
});
