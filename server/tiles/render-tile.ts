/**
 * Render the MVT bytes of one or more layers of a tile. On a PostGIS with a working ST_AsMVT the database
 * encodes each layer; otherwise (the embedded PostGIS) the same feature query returns tile-coordinate
 * geometry and the server encodes it. Layers concatenate: an MVT tile is a list of layers, and protobuf
 * messages of a repeated field join by concatenation.
 */
import type { Queryable } from '../db/database.js';
import { encodeTileLayer, type TileRow } from './encode-tile.js';
import { TILE_EXTENT, type TileLayerName } from './tile-layers.js';
import { tileQueryFor, tileSessionSettings } from './tiles.sql.js';

export interface TileCoordinates {
  z: number;
  x: number;
  y: number;
}

export type TileEncoder = 'postgis' | 'server';

/** The uncompressed MVT of one layer; empty when the layer has nothing in this tile. */
export async function renderTileLayer(db: Queryable, encoder: TileEncoder, layer: TileLayerName, { z, x, y }: TileCoordinates): Promise<Uint8Array> {
  const query = tileQueryFor(layer, z);
  if (!query) return new Uint8Array(0);
  const params = [z, x, y];
  if (encoder === 'postgis') {
    const [row] = await db.query<{ mvt: Uint8Array | null }>(query.mvt, params);
    return row?.mvt ? new Uint8Array(row.mvt) : new Uint8Array(0);
  }
  const rows = await db.query<TileRow>(query.rows, params);
  return encodeTileLayer(layer, TILE_EXTENT, rows, query.propertyNames);
}

/**
 * The uncompressed MVT of several layers in one tile, in the order asked; empty when none has a feature.
 * `tx` is a transaction (its settings end with it).
 */
export async function renderTile(tx: Queryable, encoder: TileEncoder, layers: readonly TileLayerName[], tile: TileCoordinates): Promise<Buffer> {
  await tx.query(tileSessionSettings);
  const parts: Uint8Array[] = [];
  for (const layer of layers) parts.push(await renderTileLayer(tx, encoder, layer, tile));
  return Buffer.concat(parts);
}
