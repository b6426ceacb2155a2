/**
 * For tests: fetch a tile's raw bytes (fetch() would gunzip them silently), decode a gzip-compressed
 * MVT into plain objects in tile units, and turn a polygon feature into GeoJSON (still in tile units)
 * so that PostGIS can check it.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import Point from '@mapbox/point-geometry';
import { classifyRings, VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

export interface DecodedFeature {
  type: 'Point' | 'LineString' | 'Polygon' | 'Unknown';
  properties: Record<string, string | number | boolean>;
  rings: [number, number][][];
}

export interface DecodedLayer {
  extent: number;
  features: DecodedFeature[];
}

const TYPES = ['Unknown', 'Point', 'LineString', 'Polygon'] as const;

export function decodeTile(body: Uint8Array, gzipped = true): Record<string, DecodedLayer> {
  const bytes = gzipped ? zlib.gunzipSync(body) : body;
  const tile = new VectorTile(new PbfReader(bytes));
  const layers: Record<string, DecodedLayer> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: DecodedFeature[] = [];
    for (let i = 0; i < layer.length; i++) {
      const feature = layer.feature(i);
      features.push({
        type: TYPES[feature.type],
        properties: feature.properties,
        rings: feature.loadGeometry().map((ring) => ring.map((p) => [p.x, p.y] as [number, number])),
      });
    }
    layers[name] = { extent: layer.extent, features };
  }
  return layers;
}

/** A decoded polygon feature as a GeoJSON MultiPolygon in tile units (rings classified as MVT readers do). */
export function polygonGeoJson(feature: DecodedFeature): string {
  const polygons = classifyRings(feature.rings.map((ring) => ring.map(([x, y]) => new Point(x, y))));
  const close = (ring: { x: number; y: number }[]) => {
    const coordinates = ring.map((p) => [p.x, p.y]);
    const [first] = coordinates;
    const last = coordinates[coordinates.length - 1];
    if (first[0] !== last[0] || first[1] !== last[1]) coordinates.push([first[0], first[1]]);
    return coordinates;
  };
  return JSON.stringify({ type: 'MultiPolygon', coordinates: polygons.map((polygon) => polygon.map(close)) });
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** GET without decompression: the body exactly as sent. */
export function getRaw(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
