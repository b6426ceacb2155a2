/** Readers for the reference files copied into data/nanjing (see data/README.md for provenance). */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

export interface StreetRecord {
  code: string;
  name: string;
  kind: 'subdistrict' | 'town' | 'development_zone';
  districtCode: string;
  villageLevelUnits: number;
}

export interface CommunityRecord {
  code: string;
  name: string;
  kind: 'community' | 'village' | 'virtual_community' | 'other';
  streetCode: string;
  districtCode: string;
}

export interface GeoJsonFeature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown };
}

export function readGeoJsonFeatures(file: string): GeoJsonFeature[] {
  const collection = JSON.parse(fs.readFileSync(file, 'utf8')) as { features: GeoJsonFeature[] };
  return collection.features;
}

function readCsv(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: true });
}

export function readStreets(referenceDir: string): StreetRecord[] {
  return readCsv(path.join(referenceDir, 'nanjing_streets_towns_nbs2023.csv')).map((r) => ({
    code: r.code,
    name: r.name,
    kind: r.kind === 'development_zone_or_special' ? 'development_zone' : (r.kind as StreetRecord['kind']),
    districtCode: r.district_code,
    villageLevelUnits: Number(r.n_village_level_units),
  }));
}

export function communityKindOf(type: string): CommunityRecord['kind'] {
  if (type.startsWith('community')) return 'community';
  if (type.startsWith('village')) return 'village';
  if (type.startsWith('virtual')) return 'virtual_community';
  return 'other';
}

export function readCommunities(referenceDir: string): CommunityRecord[] {
  return readCsv(path.join(referenceDir, 'nanjing_communities_villages_nbs2023.csv')).map((r) => ({
    code: r.code,
    name: r.name,
    kind: communityKindOf(r.type),
    streetCode: r.street_code,
    districtCode: r.district_code,
  }));
}

/** "仙林新村社区居委会" → "仙林新村社区", "石埠桥村村委会" → "石埠桥村": the name people use. */
export function shortCommunityName(name: string): string {
  return name
    .replace(/居委会$/, '')
    .replace(/村委会$/, '')
    .replace(/委员会$/, '');
}

/** [minLon, minLat, maxLon, maxLat] of any GeoJSON geometry. */
export function bboxOf(geometry: GeoJsonFeature['geometry']): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x);
      box[3] = Math.max(box[3], y);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  visit(geometry.coordinates);
  return box;
}
