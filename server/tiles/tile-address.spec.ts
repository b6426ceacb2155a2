import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { parseTileCoordinates, parseTileLayers, tileContaining } from './tile-address.js';

function errorOf(fn: () => unknown): { status: number; code: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('parseTileLayers', () => {
  it('accepts one layer or a comma-separated list, in order', () => {
    expect(parseTileLayers('micro_grids')).toEqual(['micro_grids']);
    expect(parseTileLayers('water,landuse,roads')).toEqual(['water', 'landuse', 'roads']);
  });

  it('answers 404 unknown_tile_layer for anything not in the allow-list', () => {
    for (const text of ['units', 'micro_grids;drop', 'Micro_Grids', '', 'roads,', ',roads', 'roads,osm_water', '../roads']) {
      expect(
        errorOf(() => parseTileLayers(text)),
        text,
      ).toEqual({ status: 404, code: 'unknown_tile_layer' });
    }
  });

  it('answers 400 duplicate_tile_layer for a layer listed twice', () => {
    expect(errorOf(() => parseTileLayers('roads,water,roads'))).toEqual({ status: 400, code: 'duplicate_tile_layer' });
  });
});

describe('parseTileCoordinates', () => {
  it('accepts whole numbers inside the zoom level', () => {
    expect(parseTileCoordinates('0', '0', '0')).toEqual({ z: 0, x: 0, y: 0 });
    expect(parseTileCoordinates('14', '13604', '6647')).toEqual({ z: 14, x: 13604, y: 6647 });
    expect(parseTileCoordinates('22', String(2 ** 22 - 1), '0')).toEqual({ z: 22, x: 2 ** 22 - 1, y: 0 });
  });

  it('answers 400 invalid_tile_zoom for a zoom that is not a whole number from 0 to 22', () => {
    for (const z of ['23', '-1', '1.5', '1e1', 'abc', '', ' 3', '0x3', '+3', '99999999999']) {
      expect(
        errorOf(() => parseTileCoordinates(z, '0', '0')),
        z,
      ).toEqual({ status: 400, code: 'invalid_tile_zoom' });
    }
  });

  it('answers 400 invalid_tile_coordinates for x or y outside 0..2^z−1 or not whole numbers', () => {
    const cases: [string, string, string][] = [
      ['0', '1', '0'],
      ['0', '0', '1'],
      ['3', '8', '0'],
      ['3', '0', '8'],
      ['14', '-1', '6647'],
      ['14', '13604.5', '6647'],
      ['14', '13604', 'NaN'],
      ['14', '1e4', '6647'],
      ['14', '', '6647'],
      ['22', String(2 ** 22), '0'],
    ];
    for (const [z, x, y] of cases) {
      expect(
        errorOf(() => parseTileCoordinates(z, x, y)),
        `${z}/${x}/${y}`,
      ).toEqual({ status: 400, code: 'invalid_tile_coordinates' });
    }
  });
});

describe('tileContaining', () => {
  it('finds the XYZ tile of a point', () => {
    expect(tileContaining(0.0001, -0.0001, 1)).toEqual({ z: 1, x: 1, y: 1 });
    expect(tileContaining(-179.9, 85, 3)).toEqual({ z: 3, x: 0, y: 0 });
    expect(tileContaining(179.9, -85, 3)).toEqual({ z: 3, x: 7, y: 7 });
    // 仙林街道 at z14 (checked against ST_TileEnvelope in the route tests).
    expect(tileContaining(118.93, 32.105, 14)).toEqual({ z: 14, x: 13604, y: 6647 });
  });
});
