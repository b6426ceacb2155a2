import { describe, expect, it } from 'vitest';
import { csvField, CsvHeaderError, parseCameraCsv, splitCsvLine } from './camera-import-csv.js';
import { importToWgs84, undeclaredGcj02Candidate, wgs84ToImport } from './camera-import-crs.js';

describe('camera import CSV', () => {
  it('splits quoted fields, doubled quotes and empty trailing fields', () => {
    expect(splitCsvLine('a,"b, c","say ""hi""",')).toEqual(['a', 'b, c', 'say "hi"', '']);
    expect(splitCsvLine('"open,x')).toBeNull();
    expect(splitCsvLine('a"b,c')).toBeNull();
    expect(csvField('x,"y"')).toBe('"x,""y"""');
  });

  it('reports malformed lines by number and keeps the rest', () => {
    const text = [
      'code,name,lon,lat,heading_deg,stream_url',
      'C1,Gate,118.9,32.1,90,',
      'C2,"Bad,118.9,32.1,90,',
      'C3,Short,118.9',
      'C4,Far,200,32.1,10,',
      'C5,NoHeading,118.91,32.11,,',
      'C6,Odd,118.91,32.11,400,',
      'C7,Text,abc,32.11,1,',
      '',
      'C8 bad,X,118.9,32.1,1,',
    ].join('\r\n');
    const parsed = parseCameraCsv(text);
    expect(parsed.rows.map((r) => [r.line, r.code, r.headingDeg])).toEqual([
      [2, 'C1', 90],
      [6, 'C5', null],
      [7, 'C6', 400],
    ]);
    expect(parsed.errors.map((e) => e.line)).toEqual([3, 4, 5, 8, 10]);
    expect(parsed.errors[2]?.reason).toMatch(/out of range/);
  });

  it('refuses a header without the required columns', () => {
    expect(() => parseCameraCsv('code,name,lon\nC1,x,1')).toThrow(CsvHeaderError);
  });
});

describe('camera import CRS', () => {
  it('GCJ-02 moves Nanjing by a few hundred metres and round-trips within centimetres', () => {
    const wgs = { lon: 118.9, lat: 32.1 };
    const gcj = wgs84ToImport(wgs.lon, wgs.lat, 'gcj02');
    // The published offset in Nanjing: roughly +0.0050° lon, −0.0020° lat.
    expect(gcj.lon - wgs.lon).toBeGreaterThan(0.004);
    expect(gcj.lon - wgs.lon).toBeLessThan(0.006);
    expect(gcj.lat - wgs.lat).toBeLessThan(-0.001);
    const back = importToWgs84(gcj.lon, gcj.lat, 'gcj02');
    expect(Math.abs(back.lon - wgs.lon) * 94_000).toBeLessThan(0.5);
    expect(Math.abs(back.lat - wgs.lat) * 111_000).toBeLessThan(0.5);
    const bd = wgs84ToImport(wgs.lon, wgs.lat, 'bd09');
    expect(Math.abs(importToWgs84(bd.lon, bd.lat, 'bd09').lon - wgs.lon) * 94_000).toBeLessThan(1);
  });

  it('CGCS2000 is taken as WGS84; the GCJ-02 candidate only exists for WGS84-declared points in China', () => {
    expect(importToWgs84(118.9, 32.1, 'cgcs2000')).toEqual({ lon: 118.9, lat: 32.1 });
    expect(undeclaredGcj02Candidate(118.9, 32.1, 'gcj02')).toBeNull();
    expect(undeclaredGcj02Candidate(2.35, 48.85, 'wgs84')).toBeNull();
    const c = undeclaredGcj02Candidate(118.9, 32.1, 'wgs84');
    expect(c && c.lon).toBeLessThan(118.9);
  });
});
