import { describe, expect, it } from 'vitest';
import { encodeTileLayer, type TileRow } from './encode-tile.js';
import { decodeTile } from '../../tests/support/tile-test-support.js';

const row = (geometry: unknown, properties: Record<string, unknown> = {}): TileRow => ({ ...properties, geom: JSON.stringify(geometry) });

describe('encodeTileLayer', () => {
  it('encodes polygons, lines and points with their properties, and decodes back to the same tile units', () => {
    const square = [
      [
        [0, 0],
        [0, 100],
        [100, 100],
        [100, 0],
        [0, 0],
      ],
    ];
    const rows = [
      row({ type: 'Polygon', coordinates: square }, { code: 'a', households: 120, generated: true, heading: 12.5 }),
      row(
        {
          type: 'MultiPolygon',
          coordinates: [
            square,
            [
              [
                [200, 200],
                [200, 300],
                [300, 300],
                [300, 200],
                [200, 200],
              ],
            ],
          ],
        },
        { code: 'b', name: null },
      ),
      row(
        {
          type: 'MultiLineString',
          coordinates: [
            [
              [0, 0],
              [10, 20],
            ],
            [
              [30, 30],
              [40, 40],
              [50, 45],
            ],
          ],
        },
        { code: 'c' },
      ),
      row({ type: 'Point', coordinates: [-5, 4100] }, { code: 'd', position_time: 1_700_000_000 }),
    ];
    const layer = decodeTile(
      encodeTileLayer('test', 4096, rows, ['code', 'name', 'households', 'generated', 'heading', 'position_time']),
      false,
    ).test;
    expect(layer.extent).toBe(4096);
    expect(layer.features.map((f) => f.type)).toEqual(['Polygon', 'Polygon', 'LineString', 'Point']);
    expect(layer.features[0].properties).toEqual({ code: 'a', households: 120, generated: true, heading: 12.5 });
    expect(layer.features[1].properties).toEqual({ code: 'b' });
    expect(layer.features[3].properties).toEqual({ code: 'd', position_time: 1_700_000_000 });
    expect(layer.features[0].rings).toEqual(square);
    expect(layer.features[1].rings).toHaveLength(2);
    expect(layer.features[2].rings).toEqual([
      [
        [0, 0],
        [10, 20],
      ],
      [
        [30, 30],
        [40, 40],
        [50, 45],
      ],
    ]);
    expect(layer.features[3].rings).toEqual([[[-5, 4100]]]);
  });

  it('leaves out the properties it was not told about', () => {
    const rows = [row({ type: 'Point', coordinates: [1, 2] }, { code: 'x', phone: '13800000000' })];
    const layer = decodeTile(encodeTileLayer('p', 4096, rows, ['code']), false).p;
    expect(layer.features[0].properties).toEqual({ code: 'x' });
  });

  it('gives no bytes for no feature, and refuses a geometry collection', () => {
    expect(encodeTileLayer('empty', 4096, [], ['code']).length).toBe(0);
    expect(encodeTileLayer('empty', 4096, [row({ type: 'MultiPolygon', coordinates: [] })], []).length).toBe(0);
    expect(() => encodeTileLayer('bad', 4096, [row({ type: 'GeometryCollection', geometries: [] })], [])).toThrow(/GeometryCollection/);
  });
});
