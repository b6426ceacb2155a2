/**
 * All SQL of the tiles module, built once at start-up from the allow-list in tile-layers.ts: one feature
 * query per layer (two for point layers: points, and clusters below POINT_MIN_ZOOM), each wrapped twice —
 * `…mvt` encodes the tile with ST_AsMVT (real PostGIS), `…rows` returns the same features with their
 * geometry as GeoJSON in tile coordinates, encoded in the server (embedded PostGIS: no ST_AsMVT).
 *
 * Parameters of every tile statement: $1 z, $2 x, $3 y (integers, validated by tile-address.ts).
 *
 * Geometry pipeline, identical in both modes (the whole reason the modes give the same tiles):
 *   clip to the tile and its 64-unit buffer in EPSG:4326 (skipped when the feature lies inside) →
 *   ST_Transform to 3857 → affine to tile units (0..4096, y down) → ST_SnapToGrid(1) → ST_MakeValid →
 *   snap again (ST_AsMVT truncates coordinates) → exterior rings of positive area (MVT spec).
 * Unit polygons are simplified only by the snapping to the tile grid, which halves in resolution with each zoom
 * level: neighbouring units share their vertices, and a shared vertex snaps to the same grid point in both, so
 * shared edges stay shared: no gaps, no slivers. (Where the source has T-junctions — a vertex of one
 * unit lying on its neighbour's edge — slivers under one tile unit can remain; see tiles-content.spec.ts.)
 * ST_AsMVTGeom is not used: the embedded PostGIS lacks it too, and its per-feature Douglas–Peucker step
 * simplifies neighbours independently. Lines (roads, unit edges, each boundary line once) and the basemap's
 * polygons (water, land use: not a coverage) are also simplified, by Douglas–Peucker with SIMPLIFY_TOLERANCE below
 * the detail zoom: snapping alone keeps every vertex an eighth of a pixel apart, three to five times what is seen.
 *
 * Every statement runs through the caller's scoped database: row-level security limits units, unit edges, workers,
 * cameras and sensors to the jurisdiction. Indexes: units_geom_idx, unit_edges_geom_idx, units_micro_grid_geom_idx,
 * units_label_point_idx, units_level_idx, road_edges_geom_idx, osm_water_geom_idx,
 * osm_landuse_geom_idx, cameras_geom_idx, sensors_geom_idx, workers_position_idx. Under row-level
 * security PostgreSQL uses an index condition only if its operator is LEAKPROOF: on the tables with
 * policies the GiST indexes serve because migration 0006 marks `&&` (geometry_overlaps) so; where it could
 * not (not a superuser), tiles stay correct but scan (units by level): ~4× slower, see docs/decisions/0002.
 */
import { defineSql, SqlStatement } from '../db/database.js';
import {
  BOUNDARY_LEVELS,
  DETAIL_MAX_ZOOM,
  POINT_MIN_ZOOM,
  ROAD_CLASS_MIN_ZOOM,
  roadClassTileZoom,
  type RoadClass,
  TILE_BUFFER as B,
  TILE_EXTENT as E,
  TILE_LAYER_NAMES,
  TileLayerName,
  UNIT_LAYER_LEVELS,
  isUnitLayer,
  type UnitLevel,
} from './tile-layers.js';

const CLUSTER_CELL = 256;

/** The tile: its 3857 origin and scale (k tile units per metre), and 4326 boxes: with the buffer, and without. */
const TILE_CTE = `tile AS (
  SELECT ST_XMin(e) AS x0, ST_YMax(e) AS y0, ${E} / (ST_XMax(e) - ST_XMin(e)) AS k,
         ST_Transform(ST_TileEnvelope($1::integer, $2::integer, $3::integer, margin => ${B / E}), 4326) AS clip,
         ST_Transform(e, 4326) AS inner_box
    FROM ST_TileEnvelope($1::integer, $2::integer, $3::integer) AS e)`;

/** A 4326 geometry in tile units (x right, y down), unsnapped. */
const inTileUnits = (g: string) => `ST_Affine(ST_Transform(${g}, 3857), tile.k, 0, 0, -tile.k, -tile.x0 * tile.k, tile.y0 * tile.k)`;

/** Clipped to the tile and its buffer; most features lie inside it, and skip the (GEOS) clipping. */
const clipped = (g: string) => `CASE WHEN ${g} @ tile.clip THEN ${g} ELSE ST_ClipByBox2D(${g}, tile.clip::box2d) END`;

/**
 * Douglas–Peucker tolerance (tile units) of lines and basemap polygons at zoom $1: a quarter of a pixel of a
 * 512-pixel tile below DETAIL_MAX_ZOOM (half a pixel where a map draws the tile enlarged, up to the next zoom);
 * none in the detail zoom's tiles, which maps enlarge up to 32 times, and whose edges the micro-grids' rings share.
 * In the z8 tile over the old city (8/212/103) it takes the roads from 31,561 vertices to 7,838, the water from
 * 18,110 to 2,977, the district edges from 6,017 to 1,021: 124 KB of tile to 36 KB before gzip (BENCHMARKS.md).
 */
export const SIMPLIFY_TOLERANCE = 2;
const simplified = (g: string) => `ST_Simplify(${g}, CASE WHEN $1::integer < ${DETAIL_MAX_ZOOM} THEN ${SIMPLIFY_TOLERANCE} ELSE 0 END)`;

/** Polygons: snapped, made valid (snapping can fold a ring), snapped again; `simplify` for those not in a coverage. */
const polygonTile = (g: string, simplify = false) => {
  const snapped = `ST_SnapToGrid(${inTileUnits(clipped(g))}, 1)`;
  return `ST_ForcePolygonCCW(ST_SnapToGrid(ST_CollectionExtract(ST_MakeValid(${simplify ? simplified(snapped) : snapped}), 3), 1))`;
};

const lineTile = (g: string) => simplified(`ST_CollectionExtract(ST_SnapToGrid(${inTileUnits(clipped(g))}, 1), 2)`);

const pointTile = (g: string) => `ST_SnapToGrid(${inTileUnits(g)}, 1)`;

/** Polygons smaller than one screen pixel (a 512-pixel tile) at zoom $1 are not drawn. */
const atLeastOnePixel = (g: string) => `ST_Area(${g}) >= power(360.0 / 512 / power(2, $1::integer), 2)`;

interface FeatureQuery {
  /** Property columns: [name, SQL expression]. */
  columns: [string, string][];
  geometry: string;
  /** FROM … WHERE … [GROUP BY …] of the inner query. */
  from: string;
  /** ORDER BY of the outer query, over the output columns of `s`. */
  order: string;
}

/**
 * Those of `levels` drawn at zoom $1 (each from the zoom of its own layer, UNIT_LAYER_LEVELS), as a text[]
 * (an = ANY condition that units_level_idx serves).
 */
function unitLevelsShownOf(levels: readonly UnitLevel[]): string {
  const layers = Object.values(UNIT_LAYER_LEVELS).filter((l) => levels.includes(l.level));
  return `CASE ${[...layers]
    .sort((a, b) => b.minZoom - a.minZoom)
    .map(({ minZoom }) => {
      const shown = layers.filter((l) => l.minZoom <= minZoom).map((l) => `'${l.level}'`);
      return `WHEN $1::integer >= ${minZoom} THEN ARRAY[${shown.join(', ')}]`;
    })
    .join(' ')} ELSE ARRAY[]::text[] END`;
}
const unitLevelsShown = unitLevelsShownOf(Object.values(UNIT_LAYER_LEVELS).map((l) => l.level));

/** Position of a level in BOUNDARY_LEVELS (finest first), for the order of unit_boundaries features. */
const boundaryLevelRank = (column: string) => `CASE ${column} ${BOUNDARY_LEVELS.map((level, i) => `WHEN '${level}' THEN ${i}`).join(' ')} END`;

/** The zoom from which a road class is in the tiles (roadClassTileZoom), by the row's class. */
const roadClassInTilesFrom = `CASE r.road_class ${(Object.keys(ROAD_CLASS_MIN_ZOOM) as RoadClass[])
  .map((roadClass) => `WHEN '${roadClass}' THEN ${roadClassTileZoom(roadClass)}`)
  .join(' ')} ELSE 99 END`;

const UNIT_COLUMNS: [string, string][] = [
  ['code', 'u.code'],
  ['name', 'u.name'],
  ['level', 'u.level'],
  ['kind', 'u.kind'],
  ['households', 'u.households'],
  ['generated', 'u.generated'],
];

function unitQuery(layer: keyof typeof UNIT_LAYER_LEVELS): FeatureQuery {
  return {
    columns: UNIT_COLUMNS,
    geometry: polygonTile('u.geom'),
    from: `FROM units u, tile WHERE u.level = '${UNIT_LAYER_LEVELS[layer].level}' AND u.geom && tile.clip`,
    order: 's.code',
  };
}

/**
 * The unit edges (migration 0010) of the levels shown at zoom $1 as lines, finest level first: each boundary line
 * once, at the coarsest level it bounds, so one line layer draws every level and nothing twice. The edges' vertices
 * are their units' vertices, snapped by the same transform, so they lie on the micro-grid polygons' rings.
 */
const unitBoundariesQuery: FeatureQuery = {
  columns: [
    ['level', 'e.level'],
    ['generated', 'e.generated'],
  ],
  geometry: lineTile('e.geom'),
  from: `FROM unit_edges e, tile WHERE e.level = ANY (${unitLevelsShownOf(BOUNDARY_LEVELS)}) AND e.geom && tile.clip`,
  order: `${boundaryLevelRank('s.level')}, s.geom`,
};

const osmPolygonQuery = (table: 'osm_water' | 'osm_landuse'): FeatureQuery => ({
  columns: [
    ['kind', 'p.fclass'],
    ['name', 'p.name'],
  ],
  geometry: polygonTile('p.geom', true),
  from: `FROM ${table} p, tile WHERE p.geom && tile.clip AND ${atLeastOnePixel('p.geom')}`,
  order: 's.kind, s.name',
});

/** Points within the buffer, one feature each. */
const pointsQuery = (table: string, geom: string, columns: [string, string][]): FeatureQuery => ({
  columns,
  geometry: pointTile(`p.${geom}`),
  from: `FROM ${table} p, tile WHERE p.${geom} && tile.clip`,
  order: 's.code',
});

/**
 * Points inside the tile (not its buffer, so that no point is counted in two tiles), counted per
 * 256-unit cell, at the mean position of the cell's points. `countColumn` counts the points matching `flag`.
 */
const clustersQuery = (table: string, geom: string, countColumn: string, flag: string): FeatureQuery => ({
  columns: [
    ['point_count', 'count(*)::integer'],
    [countColumn, `count(*) FILTER (WHERE c.flag)::integer`],
  ],
  geometry: 'ST_SnapToGrid(ST_MakePoint(avg(c.px), avg(c.py)), 1)',
  from: `FROM (SELECT ST_X(t.g) AS px, ST_Y(t.g) AS py, t.flag
                 FROM (SELECT ${inTileUnits(`p.${geom}`)} AS g, ${flag} AS flag
                         FROM ${table} p, tile WHERE p.${geom} && tile.inner_box) t) c
         WHERE c.px >= 0 AND c.px < ${E} AND c.py >= 0 AND c.py < ${E}
         GROUP BY floor(c.px / ${CLUSTER_CELL}), floor(c.py / ${CLUSTER_CELL})`,
  order: 'ST_Y(s.geom), ST_X(s.geom)',
});

const CAMERA_COLUMNS: [string, string][] = [
  ['code', 'p.code'],
  ['online', 'p.online'],
  ['heading_deg', 'p.heading_deg'],
  ['fov_deg', 'p.fov_deg'],
  ['range_m', 'p.range_m'],
  ['generated', 'p.generated'],
];
const SENSOR_COLUMNS: [string, string][] = [
  ['code', 'p.code'],
  ['kind', 'p.kind'],
  ['online', 'p.online'],
  ['generated', 'p.generated'],
];
const WORKER_COLUMNS: [string, string][] = [
  ['code', 'p.code'],
  ['role', 'p.role'],
  ['duty_status', 'p.duty_status'],
  ['position_time', 'extract(epoch FROM p.last_position_at)::bigint'],
  ['generated', 'p.generated'],
];

export interface TileQueryVariant {
  /** Zooms [minZoom, maxZoom] this variant answers. */
  minZoom: number;
  maxZoom: number;
  /** ST_AsMVT of the features: one row, column `mvt` (bytea; empty or NULL without features). */
  mvt: SqlStatement;
  /** The features: property columns, and `geom` as GeoJSON text in integer tile coordinates. */
  rows: SqlStatement;
  propertyNames: readonly string[];
}

function variant(layer: TileLayerName, suffix: string, minZoom: number, maxZoom: number, q: FeatureQuery): TileQueryVariant {
  const features = `SELECT s.* FROM (
      SELECT ${q.columns.map(([name, sql]) => `${sql} AS ${name}`).join(', ')}, ${q.geometry} AS geom
      ${q.from}
      OFFSET 0) s
    WHERE s.geom IS NOT NULL AND NOT ST_IsEmpty(s.geom)
    ORDER BY ${q.order}`;
  // OFFSET 0 keeps the subquery from being flattened: flattened, the outer filter would repeat the whole
  // geometry pipeline twice per row.
  const names = q.columns.map(([name]) => name);
  return {
    minZoom,
    maxZoom,
    mvt: defineSql(`tiles.${layer}${suffix}.mvt`, `WITH ${TILE_CTE} SELECT ST_AsMVT(f, '${layer}', ${E}, 'geom') AS mvt FROM (${features}) f`),
    rows: defineSql(
      `tiles.${layer}${suffix}.rows`,
      `WITH ${TILE_CTE} SELECT ${names.map((n) => `f.${n}`).join(', ')}, ST_AsGeoJSON(f.geom, 0) AS geom FROM (${features}) f`,
    ),
    propertyNames: names,
  };
}

const MAX = 99;

function buildVariants(layer: TileLayerName): TileQueryVariant[] {
  if (isUnitLayer(layer)) return [variant(layer, '', UNIT_LAYER_LEVELS[layer].minZoom, MAX, unitQuery(layer))];
  const points = (table: string, geom: string, columns: [string, string][], countColumn: string, flag: string) => [
    variant(layer, '.clusters', 0, POINT_MIN_ZOOM - 1, clustersQuery(table, geom, countColumn, flag)),
    variant(layer, '', POINT_MIN_ZOOM, MAX, pointsQuery(table, geom, columns)),
  ];
  switch (layer) {
    case 'unit_boundaries':
      return [variant(layer, '', 0, MAX, unitBoundariesQuery)];
    case 'unit_labels':
      return [
        variant(layer, '', 0, MAX, {
          columns: [
            ['code', 'u.code'],
            ['name', 'u.name'],
            ['level', 'u.level'],
            ['households', 'u.households'],
          ],
          geometry: pointTile('u.label_point'),
          from: `FROM units u, tile WHERE u.level = ANY (${unitLevelsShown}) AND u.label_point && tile.inner_box`,
          order: 's.code',
        }),
      ];
    case 'water':
      return [variant(layer, '', 0, MAX, osmPolygonQuery('osm_water'))];
    case 'landuse':
      return [variant(layer, '', 10, MAX, osmPolygonQuery('osm_landuse'))];
    case 'roads':
      // Each segment is stored once per direction: source < target keeps one. Segments are merged per class.
      return [
        variant(layer, '', Math.min(...Object.values(ROAD_CLASS_MIN_ZOOM)), MAX, {
          columns: [['road_class', 'm.road_class']],
          geometry: lineTile('m.g'),
          from: `FROM tile, (SELECT r.road_class, ST_LineMerge(ST_Collect(r.geom)) AS g
                               FROM road_edges r, tile
                              WHERE r.geom && tile.clip AND r.source < r.target AND $1::integer >= ${roadClassInTilesFrom}
                              GROUP BY r.road_class) m`,
          order: 's.road_class',
        }),
      ];
    case 'cameras':
      return points('cameras', 'geom', CAMERA_COLUMNS, 'online_count', 'p.online');
    case 'sensors':
      return points('sensors', 'geom', SENSOR_COLUMNS, 'online_count', 'p.online');
    case 'workers':
      return points('workers', 'last_position', WORKER_COLUMNS, 'on_duty_count', `p.duty_status = 'on_duty'`);
    default:
      throw new Error(`no tile query for layer ${layer satisfies never}`);
  }
}

const VARIANTS = new Map<TileLayerName, TileQueryVariant[]>(TILE_LAYER_NAMES.map((name) => [name, buildVariants(name)]));

/** The statements of a layer at zoom z, or undefined when the layer draws nothing at that zoom. */
export function tileQueryFor(layer: TileLayerName, z: number): TileQueryVariant | undefined {
  return VARIANTS.get(layer)?.find((v) => z >= v.minZoom && z <= v.maxZoom);
}

/**
 * Settings of a tile transaction. No parallel workers: tile queries are short and many, and the planner,
 * weighing the costly geometry functions, would otherwise prefer a parallel sequential scan to the spatial
 * index (measured: 77 ms against 11 ms for a z14 tile of 445 micro-grids on PostgreSQL 15).
 */
export const tileSessionSettings = defineSql('tiles.session_settings', `SELECT set_config('max_parallel_workers_per_gather', '0', true)`);

/**
 * The codes of the districts the caller sees (RLS), in code order: the jurisdictions the start-up tile warm-up
 * (tile-warmup.ts) opens besides the whole city. No parameters. Uses units_level_idx.
 */
export const visibleDistricts = defineSql('tiles.visible_districts', `SELECT code FROM units WHERE level = 'district' ORDER BY code`);

/**
 * WGS84 extent of the caller's jurisdiction ($1: a unit code or 'city'; the city = its districts), for
 * TileJSON bounds. Columns west, south, east, north (NULL when nothing is visible). Uses units_pkey.
 */
export const jurisdictionBounds = defineSql(
  'tiles.jurisdiction_bounds',
  `SELECT ST_XMin(b) AS west, ST_YMin(b) AS south, ST_XMax(b) AS east, ST_YMax(b) AS north
     FROM (SELECT ST_Extent(geom)::geometry AS b FROM units
            WHERE CASE WHEN $1 = 'city' THEN level = 'district' ELSE code = $1 END) e`,
);
