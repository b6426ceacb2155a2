import { featureFilter, type FilterSpecification } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import { ROAD_CLASS_MIN_ZOOM, UNIT_LAYER_LEVELS } from '../../server/tiles/tile-layers.js';
import { buildMapStyle, LANDUSE_MAX_ZOOM, ROAD_CASING_MIN_ZOOM, roadsFilter, TILE_MAX_ZOOM, vectorSourceLayers } from './basemap-style.js';
import { PALETTES } from './map-palette.js';

describe('buildMapStyle', () => {
  const origin = 'http://127.0.0.1:8080';
  it('draws the offline basemap from the project’s own tiles only: no glyph, sprite or external URL', () => {
    const style = buildMapStyle({ origin, palette: PALETTES.light, external: null, overlayLayers: [] });
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    const urls = Object.values(style.sources).flatMap((s) => ('tiles' in s && s.tiles) || []);
    expect(urls).toEqual([
      `${origin}/tiles/water,landuse,roads,unit_boundaries,micro_grids,unit_labels/{z}/{x}/{y}`,
      `${origin}/tiles/cameras,sensors/{z}/{x}/{y}`,
    ]);
    // One source for the basemap and the units: one stencil mask per frame for both (their layers are all clipped).
    expect(new Set(style.layers.filter((l) => l.id.startsWith('basemap-')).map((l) => (l as { source: string }).source))).toEqual(new Set(['units']));
    for (const source of Object.values(style.sources)) expect(source).toMatchObject({ maxzoom: TILE_MAX_ZOOM });
    // No background layer: the land colour is the map element's CSS background (a full-screen pass less per frame).
    expect(style.layers.map((l) => l.id)).toEqual(['basemap-landuse', 'basemap-water', 'basemap-roads-casing', 'basemap-roads']);
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
  it('hides a road class that comes in the maxzoom tiles until its own zoom, and no other', () => {
    const filter = featureFilter(roadsFilter() as FilterSpecification, 'filter');
    const shown = (roadClass: string, zoom: number) => filter.filter({ zoom }, { type: 2, properties: { road_class: roadClass } } as never);
    expect(ROAD_CLASS_MIN_ZOOM.service).toBeGreaterThan(TILE_MAX_ZOOM);
    expect(shown('service', TILE_MAX_ZOOM)).toBe(false);
    expect(shown('service', ROAD_CLASS_MIN_ZOOM.service)).toBe(true);
    expect(shown('residential', TILE_MAX_ZOOM)).toBe(true);
    expect(shown('primary', 8)).toBe(true);
  });
  it('puts a configured WGS84 raster basemap in place of the offline layers', () => {
    const style = buildMapStyle({
      origin,
      palette: PALETTES.dark,
      external: { url: 'https://tiles.example.gov.cn/{z}/{x}/{y}.png', crs: 'wgs84', attribution: null },
      overlayLayers: [],
    });
    expect(style.layers.map((l) => l.id)).toEqual(['external-basemap']);
    // The units source then asks for no basemap layer.
    expect(style.sources.units).toMatchObject({ tiles: [`${origin}/tiles/unit_boundaries,micro_grids,unit_labels/{z}/{x}/{y}`] });
    expect(vectorSourceLayers(true).units).toEqual(['unit_boundaries', 'micro_grids', 'unit_labels']);
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
