/**
 * Which tiles a view needs. The expected values were observed in headless Chromium with maplibre-gl 6.17:
 * the console signed in as dispatcher.city / .qixia / .xuanwu / .xianlin (map area 1100×1024 of a 1920×1080
 * window; map.getCenter()/getZoom() after the first idle) and the browser benchmark's page, with every
 * /tiles/ request the page made (each source asked for exactly these tiles, each once).
 */
import { describe, expect, it } from 'vitest';
import { fitBoundsView, mercatorY, tilesInView, tileZoomOf, type BoundingBox } from './view-tiles.js';

// TileJSON bounds of the seeded jurisdictions (tiles.jurisdiction_bounds).
const CITY: BoundingBox = [118.357927, 31.230207, 119.236384, 32.616407];
const QIXIA: BoundingBox = [118.759516, 32.027716, 119.236384, 32.247061];
const XUANWU: BoundingBox = [118.778618, 32.017038, 118.906833, 32.108285];
const XIANLIN: BoundingBox = [118.9, 32.079189064, 118.984, 32.134];
const CONSOLE_MAP = { width: 1100, height: 1024, padding: 24, minZoom: 6, maxZoom: 19 };

const names = (tiles: { z: number; x: number; y: number }[]) => tiles.map((t) => `${t.z}/${t.x}/${t.y}`).sort();

describe('fitBoundsView', () => {
  it.each([
    ['city', CITY, 118.79715550000003, 31.92591896067202, 8.714815396659567],
    ['Qixia', QIXIA, 118.99794999999995, 32.13745443978149, 10.599110205892522],
    ['Xuanwu', XUANWU, 118.84272549999991, 32.06267287811369, 12.494135126354886],
    ['Xianlin', XIANLIN, 118.94200000000001, 32.106598644513824, 13.104238947504777],
  ] as const)('opens on %s where MapLibre’s fitBounds with padding 24 does', (_name, bounds, lon, lat, zoom) => {
    const view = fitBoundsView(bounds, CONSOLE_MAP);
    expect(view.lon).toBeCloseTo(lon, 9);
    expect(view.lat).toBeCloseTo(lat, 9);
    expect(view.zoom).toBeCloseTo(zoom, 9);
    expect([view.width, view.height]).toEqual([1100, 1024]);
  });

  it('centres on the middle of the box in Mercator, not on the mean latitude', () => {
    const view = fitBoundsView([0, 0, 10, 60], { width: 1000, height: 1000 });
    expect(view.lat).not.toBeCloseTo(30, 1);
    expect(mercatorY(view.lat)).toBeCloseTo((mercatorY(0) + mercatorY(60)) / 2, 12);
    expect(view.lon).toBeCloseTo(5, 12);
  });

  it('keeps the zoom within the map’s range, and refuses an empty box or a padding that leaves no room', () => {
    expect(fitBoundsView([100, 10, 140, 50], CONSOLE_MAP).zoom).toBe(6);
    expect(fitBoundsView([118.9, 32.1, 118.90001, 32.10001], CONSOLE_MAP).zoom).toBe(19);
    expect(() => fitBoundsView([119, 32, 118, 33], CONSOLE_MAP)).toThrow(/empty bounds/);
    expect(() => fitBoundsView(CITY, { width: 40, height: 40, padding: 24 })).toThrow(/no room/);
  });
});

describe('tilesInView', () => {
  it.each([
    [
      'the city in the console',
      { lon: 118.79715550000003, lat: 31.92591896067202, zoom: 8.714815396659567, width: 1100, height: 1024 },
      ['8/211/103', '8/211/104', '8/212/103', '8/212/104', '8/213/103', '8/213/104'],
    ],
    [
      'the benchmark’s city view',
      { lon: 118.8, lat: 31.93, zoom: 8.9, width: 1920, height: 1080 },
      ['8/211/103', '8/211/104', '8/212/103', '8/212/104', '8/213/103', '8/213/104'],
    ],
    [
      'Qixia in the console',
      { lon: 118.99794999999995, lat: 32.13745443978149, zoom: 10.599110205892522, width: 1100, height: 1024 },
      ['10/849/414', '10/849/415', '10/849/416', '10/850/414', '10/850/415', '10/850/416', '10/851/414', '10/851/415', '10/851/416'],
    ],
    [
      'Xuanwu in the console',
      { lon: 118.84272549999991, lat: 32.06267287811369, zoom: 12.494135126354886, width: 1100, height: 1024 },
      ['12/3399/1661', '12/3399/1662', '12/3399/1663', '12/3400/1661', '12/3400/1662', '12/3400/1663'],
    ],
    [
      'Xianlin in the console',
      { lon: 118.94200000000001, lat: 32.106598644513824, zoom: 13.104238947504777, width: 1100, height: 1024 },
      [
        '13/6801/3322',
        '13/6801/3323',
        '13/6801/3324',
        '13/6802/3322',
        '13/6802/3323',
        '13/6802/3324',
        '13/6803/3322',
        '13/6803/3323',
        '13/6803/3324',
      ],
    ],
  ])('asks for what MapLibre asked for: %s', (_name, view, expected) => {
    expect(names(tilesInView(view, { maxZoom: 16 }))).toEqual(expected);
  });

  it('lists the tile under the centre first', () => {
    const view = { lon: 118.94200000000001, lat: 32.106598644513824, zoom: 13.104238947504777, width: 1100, height: 1024 };
    expect(tilesInView(view)[0]).toEqual({ z: 13, x: 6802, y: 3323 });
  });

  it('floors the zoom for 512-pixel tiles, halves it for 256-pixel ones, and stops at the source’s maxzoom', () => {
    expect(tileZoomOf(8.999)).toBe(8);
    expect(tileZoomOf(9)).toBe(9);
    expect(tileZoomOf(8.5, { tileSize: 256 })).toBe(9);
    expect(tileZoomOf(-0.5)).toBe(0);
    expect(tileZoomOf(17.5, { maxZoom: 16 })).toBe(16);
    const deep = tilesInView({ lon: 118.93, lat: 32.105, zoom: 18.2, width: 1920, height: 1080 }, { maxZoom: 16 });
    expect(new Set(deep.map((t) => t.z))).toEqual(new Set([16]));
    // At z18.2 a z16 tile is 512·2^2.2 ≈ 2,352 pixels: a 1920×1080 view touches at most 2×2 of them.
    expect(deep.length).toBeLessThanOrEqual(4);
  });

  it('leaves out a tile that only touches the viewport’s edge', () => {
    // Zoom 2: the world is 2,048 pixels; a 1024×512 view at (0, 0) spans x 512..1536 and y 768..1280.
    expect(names(tilesInView({ lon: 0, lat: 0, zoom: 2, width: 1024, height: 512 }))).toEqual(['2/1/1', '2/1/2', '2/2/1', '2/2/2']);
  });
});
