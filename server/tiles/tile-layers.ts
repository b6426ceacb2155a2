/**
 * The allow-list of vector-tile layers: names, zoom ranges, fields and cache lifetimes. Nothing from a
 * request ever becomes an identifier: a layer name in a URL is looked up here or refused.
 *
 * Outside a layer's zoom range the layer contributes nothing, and a tile with no feature at all answers
 * 204 No Content (MapLibre draws an empty tile).
 */

/** Tile geometry is in a 4096 × 4096 grid (the MVT default); 64 units of buffer around it. */
export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;
/** The zooms a tile address may have (400 outside). */
export const MAX_TILE_ZOOM = 22;
/**
 * The zoom up to which the server renders detail; clients overzoom beyond (TileJSON maxzoom). At z14 a tile
 * unit is about 0.5 m in Nanjing, under one screen pixel up to z16. The console draws the z14 tiles at every
 * higher zoom (console-map.ts): a 1920×1080 screen at z15 is 6 of them instead of 15 z15 tiles, and each
 * style layer costs a draw per tile per frame (BENCHMARKS.md).
 */
export const DETAIL_MAX_ZOOM = 14;
/** Dense point layers are points from this zoom, 256-unit clusters below it. */
export const POINT_MIN_ZOOM = 12;

export const TILE_ATTRIBUTION = '© OpenStreetMap contributors · 行政区边界：高德 / poi86.com · 街道以下边界为生成数据';

export const UNIT_LAYERS = ['districts', 'streets', 'communities', 'grids', 'micro_grids'] as const;
export const TILE_LAYER_NAMES = [
  ...UNIT_LAYERS,
  'unit_boundaries',
  'unit_labels',
  'water',
  'landuse',
  'roads',
  'cameras',
  'sensors',
  'workers',
] as const;
export type TileLayerName = (typeof TILE_LAYER_NAMES)[number];
export type UnitLayerName = (typeof UNIT_LAYERS)[number];
export type UnitLevel = 'district' | 'street' | 'community' | 'grid' | 'micro_grid';

type FieldType = 'String' | 'Number' | 'Boolean';

export interface TileLayer {
  name: TileLayerName;
  description: string;
  minZoom: number;
  /** Attributes of the features, for TileJSON vector_layers. */
  fields: Record<string, FieldType>;
  /** Browser cache lifetime (Cache-Control max-age), seconds. */
  maxAgeSeconds: number;
  /** Server cache lifetime, milliseconds; undefined = until evicted or the layer's version changes. */
  serverTtlMs?: number;
  /**
   * Whether the layer's table changes outside this server and has a revision in the database (migration
   * 0009, layer-revisions.ts): its tiles are cached until that revision changes.
   */
  revisioned?: boolean;
  /**
   * Whether row-level security limits the layer's table to the caller's jurisdiction (so its cached tiles
   * are per jurisdiction). The basemap tables have no policies (migration 0004): their tiles are the same
   * for everyone and cached once — tiles.route.spec.ts checks that those tables still have no RLS.
   */
  scoped: boolean;
}

/** The unit level of each unit layer, and the zoom from which it is legible. */
export const UNIT_LAYER_LEVELS: Record<UnitLayerName, { level: UnitLevel; minZoom: number }> = {
  districts: { level: 'district', minZoom: 0 },
  streets: { level: 'street', minZoom: 9 },
  communities: { level: 'community', minZoom: 11 },
  grids: { level: 'grid', minZoom: 13 },
  micro_grids: { level: 'micro_grid', minZoom: 14 },
};

/**
 * The levels of the `unit_boundaries` layer, finest first, as its features come. Its features are the unit edges
 * (server/db/migrations/0010_unit_edges.sql): each boundary line once, at the coarsest level it bounds, so no
 * two features overlap and a map draws them all with one line layer styled by level.
 */
export const BOUNDARY_LEVELS = ['micro_grid', 'grid', 'community', 'street', 'district'] as const satisfies readonly UnitLevel[];

/**
 * Roads by class, each from the zoom where it is drawn. A class drawn only beyond DETAIL_MAX_ZOOM is in the
 * tiles from DETAIL_MAX_ZOOM (`roadClassTileZoom`), the tiles those zooms overzoom; a map hides it until its zoom.
 */
export const ROAD_CLASS_MIN_ZOOM = { motorway: 8, primary: 8, tertiary: 11, residential: 13, service: 15 } as const;
export type RoadClass = keyof typeof ROAD_CLASS_MIN_ZOOM;

/** The zoom from which a road class is in the tiles. */
export function roadClassTileZoom(roadClass: RoadClass): number {
  return Math.min(ROAD_CLASS_MIN_ZOOM[roadClass], DETAIL_MAX_ZOOM);
}

const UNIT_FIELDS: Record<string, FieldType> = {
  code: 'String',
  name: 'String',
  level: 'String',
  kind: 'String',
  households: 'Number',
  generated: 'Boolean',
};
const CLUSTER_NOTE = `below z${POINT_MIN_ZOOM}: one point per 256-unit cell of the tile with point_count`;
const BOUNDARY_MAX_AGE = 60;
const BASEMAP_MAX_AGE = 3600;
const POINTS_MAX_AGE = 30;

const unitLayer = (name: UnitLayerName, description: string): TileLayer => ({
  name,
  description: `${description}; generated = false for real boundaries`,
  minZoom: UNIT_LAYER_LEVELS[name].minZoom,
  fields: UNIT_FIELDS,
  maxAgeSeconds: BOUNDARY_MAX_AGE,
  scoped: true,
});

export const TILE_LAYERS: Record<TileLayerName, TileLayer> = {
  districts: unitLayer('districts', 'District (区) boundaries'),
  streets: unitLayer('streets', 'Street / town (街道 / 镇) boundaries'),
  communities: unitLayer('communities', 'Community / village (社区 / 村) boundaries'),
  grids: unitLayer('grids', 'Grid (网格) boundaries'),
  micro_grids: unitLayer('micro_grids', 'Micro-grid (微网格) boundaries'),
  unit_boundaries: {
    name: 'unit_boundaries',
    description:
      'The boundaries of every level as lines (level), each line once at the coarsest level it bounds, each level from ' +
      'the zoom of its own layer, finest first (micro_grid → district); generated = false for real boundaries',
    minZoom: 0,
    fields: { level: 'String', generated: 'Boolean' },
    maxAgeSeconds: BOUNDARY_MAX_AGE,
    scoped: true,
  },
  unit_labels: {
    name: 'unit_labels',
    description: 'One label point per unit (its label_point), each level from the zoom of its boundary layer',
    minZoom: 0,
    fields: { code: 'String', name: 'String', level: 'String', households: 'Number' },
    maxAgeSeconds: BOUNDARY_MAX_AGE,
    scoped: true,
  },
  water: {
    name: 'water',
    description: 'OSM water polygons (kind = riverbank | water | reservoir | wetland | dock); polygons under one screen pixel dropped',
    minZoom: 0,
    fields: { kind: 'String', name: 'String' },
    maxAgeSeconds: BASEMAP_MAX_AGE,
    scoped: false,
  },
  landuse: {
    name: 'landuse',
    description: 'OSM landuse polygons (kind = residential | park | forest | industrial | …); polygons under one screen pixel dropped',
    minZoom: 10,
    fields: { kind: 'String', name: 'String' },
    maxAgeSeconds: BASEMAP_MAX_AGE,
    scoped: false,
  },
  roads: {
    name: 'roads',
    description:
      'Road network merged per class: motorway and primary from z8, tertiary z11, residential z13, ' +
      `service in tiles from z${DETAIL_MAX_ZOOM} (drawn from z15)`,
    minZoom: Math.min(...Object.values(ROAD_CLASS_MIN_ZOOM)),
    fields: { road_class: 'String' },
    maxAgeSeconds: BASEMAP_MAX_AGE,
    scoped: false,
  },
  cameras: {
    name: 'cameras',
    description: `Video cameras (generated); ${CLUSTER_NOTE} and online_count`,
    minZoom: 0,
    fields: {
      code: 'String',
      online: 'Boolean',
      heading_deg: 'Number',
      fov_deg: 'Number',
      range_m: 'Number',
      generated: 'Boolean',
      point_count: 'Number',
      online_count: 'Number',
    },
    maxAgeSeconds: POINTS_MAX_AGE,
    revisioned: true,
    scoped: true,
  },
  sensors: {
    name: 'sensors',
    description: `IoT sensors (generated); ${CLUSTER_NOTE} and online_count`,
    minZoom: 0,
    fields: { code: 'String', kind: 'String', online: 'Boolean', generated: 'Boolean', point_count: 'Number', online_count: 'Number' },
    maxAgeSeconds: POINTS_MAX_AGE,
    revisioned: true,
    scoped: true,
  },
  workers: {
    name: 'workers',
    description: `Workers at their last known position (generated); ${CLUSTER_NOTE} and on_duty_count`,
    minZoom: 0,
    fields: {
      code: 'String',
      role: 'String',
      duty_status: 'String',
      position_time: 'Number',
      generated: 'Boolean',
      point_count: 'Number',
      on_duty_count: 'Number',
    },
    maxAgeSeconds: POINTS_MAX_AGE,
    serverTtlMs: POINTS_MAX_AGE * 1000,
    scoped: true,
  },
};

export function isTileLayerName(value: string): value is TileLayerName {
  return (TILE_LAYER_NAMES as readonly string[]).includes(value);
}

export function isUnitLayer(name: TileLayerName): name is UnitLayerName {
  return (UNIT_LAYERS as readonly string[]).includes(name);
}

/** The tables behind the layers without row-level security (see TileLayer.scoped). */
export const UNSCOPED_TABLES = ['osm_water', 'osm_landuse', 'road_edges'] as const;

/** Whether a layer has anything to draw at zoom z. */
export function layerShownAt(name: TileLayerName, z: number): boolean {
  return z >= TILE_LAYERS[name].minZoom;
}
