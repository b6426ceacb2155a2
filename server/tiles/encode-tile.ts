/**
 * Encode one MVT layer in the server from rows whose geometry is GeoJSON in integer tile coordinates
 * (tiles.sql.ts `…rows` statements): the embedded PostGIS has no ST_AsMVT. Protobuf writing is
 * @maplibre/vt-pbf's; this file only adapts the rows to its vector-tile-js shape.
 */
import Point from '@mapbox/point-geometry';
import { fromVectorTileJs, type VectorTileFeatureLike, type VectorTileLayerLike } from '@maplibre/vt-pbf';

type Position = [number, number];
type TileGeometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: TileGeometry[] };

export type TileRow = Record<string, unknown> & { geom: string };

const MVT_POINT = 1;
const MVT_LINESTRING = 2;
const MVT_POLYGON = 3;

const toPoints = (line: Position[]) => line.map(([x, y]) => new Point(x, y));

/** MVT type and geometry (rings / lines / one array of points) of a tile-coordinate GeoJSON geometry. */
export function toMvtGeometry(geometry: TileGeometry): { type: 1 | 2 | 3; rings: Point[][] } | undefined {
  switch (geometry.type) {
    case 'Point':
      return { type: MVT_POINT, rings: [toPoints([geometry.coordinates])] };
    case 'MultiPoint':
      return geometry.coordinates.length ? { type: MVT_POINT, rings: [toPoints(geometry.coordinates)] } : undefined;
    case 'LineString':
      return { type: MVT_LINESTRING, rings: [toPoints(geometry.coordinates)] };
    case 'MultiLineString':
      return geometry.coordinates.length ? { type: MVT_LINESTRING, rings: geometry.coordinates.map(toPoints) } : undefined;
    case 'Polygon':
      return { type: MVT_POLYGON, rings: geometry.coordinates.map(toPoints) };
    case 'MultiPolygon':
      return geometry.coordinates.length ? { type: MVT_POLYGON, rings: geometry.coordinates.flat().map(toPoints) } : undefined;
    default:
      // The SQL extracts one dimension per layer; a collection here is a bug in tiles.sql.ts.
      throw new Error(`cannot encode a ${geometry.type} in a vector tile layer`);
  }
}

type PropertyValue = string | number | boolean;

function propertiesOf(row: TileRow, names: readonly string[]): Record<string, PropertyValue> {
  const properties: Record<string, PropertyValue> = {};
  for (const name of names) {
    const value = row[name];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') properties[name] = value;
    else if (typeof value === 'bigint') properties[name] = Number(value);
  }
  return properties;
}

/** The MVT bytes of one layer (uncompressed), or an empty array when there is no feature. */
export function encodeTileLayer(name: string, extent: number, rows: readonly TileRow[], propertyNames: readonly string[]): Uint8Array {
  const features: VectorTileFeatureLike[] = [];
  for (const row of rows) {
    const geometry = toMvtGeometry(JSON.parse(row.geom) as TileGeometry);
    if (!geometry) continue;
    features.push({
      type: geometry.type,
      properties: propertiesOf(row, propertyNames),
      id: undefined,
      extent,
      loadGeometry: () => geometry.rings,
    });
  }
  if (features.length === 0) return new Uint8Array(0);
  const layer: VectorTileLayerLike = { version: 2, name, extent, length: features.length, feature: (i) => features[i] };
  return fromVectorTileJs({ layers: { [name]: layer } });
}
