import { describe, expect, it } from 'vitest';
import { open311PointFields, pointFromTyped, pointText } from './report-point.js';

describe('the report point', () => {
  it('reads typed coordinates as WGS84 or GCJ-02, and tells an empty field from a bad one', () => {
    expect(pointFromTyped(' 118.93，32.10 ', false)).toEqual({ lon: 118.93, lat: 32.1, crs: 'wgs84', from: 'typed' });
    expect(pointFromTyped('118.93 32.10', true)).toEqual({ lon: 118.93, lat: 32.1, crs: 'gcj02', from: 'typed' });
    expect(pointFromTyped('   ', true)).toBeNull();
    expect(pointFromTyped('文苑路', false)).toBe('bad');
    expect(pointFromTyped('218.9,32.1', false)).toBe('bad');
  });

  it('sends the point as given with its coordinate system (the server converts GCJ-02)', () => {
    expect(open311PointFields({ lon: 118.9312345678, lat: 32.1, crs: 'gcj02', from: 'typed' })).toEqual({
      long: '118.9312346',
      lat: '32.1000000',
      coordinate_system: 'gcj02',
    });
    expect(open311PointFields({ lon: 118.93, lat: 32.1, crs: 'wgs84', from: 'map' }).coordinate_system).toBe('wgs84');
  });

  it('says where the point came from', () => {
    expect(pointText(null)).toEqual({ key: 'r.pointNone', values: {} });
    expect(pointText({ lon: 118.931234, lat: 32.1, crs: 'wgs84', from: 'map' })).toEqual({
      key: 'r.point.map',
      values: { lon: '118.93123', lat: '32.10000' },
    });
    expect(pointText({ lon: 118.93, lat: 32.1, crs: 'wgs84', from: 'gps' }).key).toBe('r.point.gps');
    expect(pointText({ lon: 118.93, lat: 32.1, crs: 'gcj02', from: 'typed' }).key).toBe('r.pointTypedGcj02');
    expect(pointText({ lon: 118.93, lat: 32.1, crs: 'wgs84', from: 'typed' }).key).toBe('r.point.typed');
  });
});
