import { describe, expect, it } from 'vitest';
import { buildMapStyle } from './basemap-style.js';
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
    expect(style.layers.map((l) => l.id)).toEqual(['background', 'basemap-landuse', 'basemap-water', 'basemap-roads-casing', 'basemap-roads-minor', 'basemap-roads-major']);
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
