import { describe, expect, it } from 'vitest';
import { UNIT_LAYER_LEVELS } from '../../server/tiles/tile-layers.js';
import { buildMapStyle, LANDUSE_MAX_ZOOM, ROAD_CASING_MIN_ZOOM } from './basemap-style.js';
import { PALETTES } from './map-palette.js';

describe('buildMapStyle', () => {
  const origin = 'http://127.0.0.1:8080';
  it('draws the offline basemap from the project’s own tiles only: no glyph, sprite or external URL', () => {
    const style = buildMapStyle({ origin, palette: PALETTES.light, external: null, overlayLayers: [] });
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    const urls = Object.values(style.sources).flatMap((s) => ('tiles' in s && s.tiles) || []);
    expect(urls.length).toBe(3);
    for (const url of urls) expect(url.startsWith(`${origin}/tiles/`)).toBe(true);
    expect(style.layers.map((l) => l.id)).toEqual(['background', 'basemap-landuse', 'basemap-water', 'basemap-roads-casing', 'basemap-roads']);
  });
  it('hands the area colouring from landuse to the micro-grid load where micro-grids appear, and draws roads in one layer below the casing zoom', () => {
    const style = buildMapStyle({ origin, palette: PALETTES.light, external: null, overlayLayers: [] });
    const layer = (id: string) => style.layers.find((l) => l.id === id)!;
    expect(LANDUSE_MAX_ZOOM).toBe(UNIT_LAYER_LEVELS.micro_grids.minZoom);
    expect(layer('basemap-landuse').maxzoom).toBe(LANDUSE_MAX_ZOOM);
    expect(layer('basemap-roads-casing').minzoom).toBe(ROAD_CASING_MIN_ZOOM);
    const roads = layer('basemap-roads') as { paint: { 'line-color': unknown[] }; layout: { 'line-sort-key': unknown } };
    expect(roads.paint['line-color']).toEqual(['case', expect.anything(), PALETTES.light.road.major, PALETTES.light.road.minor]);
    expect(roads.layout['line-sort-key']).toBeDefined();
  });
  it('puts a configured WGS84 raster basemap in place of the offline layers', () => {
    const style = buildMapStyle({
      origin,
      palette: PALETTES.dark,
      external: { url: 'https://tiles.example.gov.cn/{z}/{x}/{y}.png', crs: 'wgs84', attribution: null },
      overlayLayers: [],
    });
    expect(style.layers.map((l) => l.id)).toEqual(['background', 'external-basemap']);
    expect(style.sources['external-basemap']).toMatchObject({ type: 'raster', tiles: ['https://tiles.example.gov.cn/{z}/{x}/{y}.png'] });
  });
  it('differs between the themes in every basemap colour', () => {
    const light = PALETTES.light;
    const dark = PALETTES.dark;
    expect(light.background).not.toBe(dark.background);
    expect(light.water).not.toBe(dark.water);
    expect(light.boundary.microGrid).not.toBe(dark.boundary.microGrid);
  });
});
