import { describe, expect, it } from 'vitest';
import { chooseBasemap } from './map-config.js';

describe('chooseBasemap', () => {
  it('draws the offline basemap when none is configured', () => {
    expect(chooseBasemap(null)).toEqual({ external: null, status: { kind: 'offline' } });
  });
  it('draws a WGS84 external basemap', () => {
    const wgs84 = { url: 'https://tiles.example.gov.cn/{z}/{x}/{y}.png', crs: 'wgs84' as const, attribution: 'Intranet' };
    expect(chooseBasemap(wgs84)).toEqual({ external: wgs84, status: { kind: 'external', crs: 'wgs84' } });
  });
  it('refuses a GCJ-02 basemap instead of mixing it with WGS84 data, and says so', () => {
    const gcj02 = { url: 'https://tiles.example.gov.cn/{z}/{x}/{y}.png', crs: 'gcj02' as const, attribution: null };
    expect(chooseBasemap(gcj02)).toEqual({
      external: null,
      status: { kind: 'offline', refused: 'gcj02', messageKey: 'map.basemap.gcj02Refused' },
    });
  });
});
