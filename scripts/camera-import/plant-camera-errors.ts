/**
 * The planted-error camera import file (issue 21, item 4), as a pure function of candidate positions and a
 * seed: clean cameras on roads, plus errors of every kind at known rates, and the ground truth per line.
 * make-camera-import.ts finds the candidates in a seeded database (with margins, so that the truth does not
 * hang on a metre: clean ≤ 2 m from a road and ≥ 15 m from water; "far" ≥ 80 m from any road; "water"
 * ≥ 15 m inside a water polygon; far and water points whose GCJ-02 reading would land on a road are left out,
 * since nobody could tell those from an offset).
 */
import { csvField } from '../../server/video/import/camera-import-csv.js';
import { wgs84ToImport } from '../../server/video/import/camera-import-crs.js';
import { FILE_FLAGS } from '../../server/video/import/camera-qa-flags.js';

/** Every flag a file can carry is planted (outside_jurisdiction depends on who imports it). */
export const PLANTED_FLAGS = FILE_FLAGS;
export type PlantedFlag = (typeof FILE_FLAGS)[number];

export interface CandidatePoint {
  lon: number;
  lat: number;
  /** A place name for the camera (its community's). */
  place: string;
}

export interface CandidatePools {
  /** On a road, clear of water, inside the city: where clean cameras go. */
  road: CandidatePoint[];
  water: CandidatePoint[];
  far: CandidatePoint[];
}

export interface PlantOptions {
  count: number;
  seed: number;
  /** Share of the rows for each error kind (duplicates: of the pairs' second rows). */
  rate: number;
}

export interface PlantedRow {
  code: string;
  name: string;
  lon: number;
  lat: number;
  headingDeg: number | null;
  fovDeg: number;
  rangeM: number;
  flags: PlantedFlag[];
}

/** mulberry32: a small seeded generator, the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const M_PER_DEG_LAT = 110_900;

/** The point `metres` from (lon, lat) towards `bearingDeg` (local flat approximation: fine for a few metres). */
export function offsetMetres(lon: number, lat: number, metres: number, bearingDeg: number): { lon: number; lat: number } {
  const b = (bearingDeg * Math.PI) / 180;
  return {
    lon: lon + (metres * Math.sin(b)) / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180)),
    lat: lat + (metres * Math.cos(b)) / M_PER_DEG_LAT,
  };
}

type Kind = PlantedFlag | 'clean';

/**
 * The rows of the file in order. Each error kind takes round(count × rate) rows (a duplicate pair counts its
 * second row; both rows carry the flag); the rest are clean. Kinds are shuffled over the file.
 */
export function plantCameraRows(pools: CandidatePools, options: PlantOptions): PlantedRow[] {
  const random = seededRandom(options.seed);
  const pick = <T>(list: T[], i: number): T => {
    const value = list[i % list.length];
    if (value === undefined) throw new Error('an empty candidate pool');
    return value;
  };
  const perKind = Math.round(options.count * options.rate);
  const kinds: Kind[] = [];
  for (const flag of PLANTED_FLAGS) for (let i = 0; i < perKind; i += 1) kinds.push(flag);
  while (kinds.length < options.count) kinds.push('clean');
  kinds.length = options.count;
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] as Kind, kinds[i] as Kind];
  }
  // A pair needs an earlier clean row: the file starts with one.
  const firstClean = kinds.indexOf('clean');
  if (firstClean > 0) [kinds[0], kinds[firstClean]] = [kinds[firstClean] as Kind, kinds[0] as Kind];
  const rows: PlantedRow[] = [];
  let roadIndex = 0;
  let waterIndex = 0;
  let farIndex = 0;
  const heading = () => Math.round(random() * 3590) / 10;
  const fresh = (p: CandidatePoint, n: number): PlantedRow => {
    const jitter = offsetMetres(p.lon, p.lat, random() * 2, random() * 360);
    return {
      code: `QA${String(n).padStart(7, '0')}`,
      name: `${p.place}监控${n}`,
      lon: jitter.lon,
      lat: jitter.lat,
      headingDeg: heading(),
      fovDeg: 60,
      rangeM: 80,
      flags: [],
    };
  };
  for (const [i, kind] of kinds.entries()) {
    const n = i + 1;
    if (kind === 'far_from_road' || kind === 'in_water') {
      const p = kind === 'far_from_road' ? pick(pools.far, farIndex++) : pick(pools.water, waterIndex++);
      rows.push({ ...fresh(p, n), lon: p.lon, lat: p.lat, flags: [kind] });
      continue;
    }
    if (kind === 'outside_nanjing') {
      // Anhui, 100+ km west-south-west of Nanjing's boundary (lon 118.37–119.24, lat 31.23–32.62).
      rows.push({ ...fresh(pick(pools.road, roadIndex++), n), lon: 116.5 + random(), lat: 30 + random(), flags: [kind] });
      continue;
    }
    const row = fresh(pick(pools.road, roadIndex++), n);
    if (kind === 'heading_missing') row.headingDeg = null;
    if (kind === 'heading_impossible')
      row.headingDeg = random() < 0.5 ? 360 + Math.round(random() * 3000) / 10 : -Math.round(1 + random() * 1790) / 10;
    if (kind === 'likely_gcj02') Object.assign(row, wgs84ToImport(row.lon, row.lat, 'gcj02'));
    if (kind !== 'clean') row.flags.push(kind);
    // A pair: the second row repeats an earlier clean row's code, or lies 1–4 m from it under its name.
    if (kind === 'duplicate_code' || kind === 'duplicate_nearby') {
      const start = Math.floor(random() * rows.length);
      let k = start;
      while ((rows[k] as PlantedRow).flags.length > 0) {
        k = (k + 1) % rows.length;
        if (k === start) throw new Error('no clean row left to pair with');
      }
      const first = rows[k] as PlantedRow;
      if (kind === 'duplicate_code') row.code = first.code;
      else Object.assign(row, offsetMetres(first.lon, first.lat, 1 + random() * 3, random() * 360), { name: first.name });
      first.flags.push(kind);
    }
    rows.push(row);
  }
  return rows;
}

export const CSV_HEADER = 'code,name,lon,lat,heading_deg,fov_deg,range_m,stream_url';

/** The import file (declared WGS84: the caller says so in its name and the batch request). */
export function camerasCsv(rows: PlantedRow[]): string {
  const lines = rows.map((r) =>
    [r.code, r.name, r.lon.toFixed(7), r.lat.toFixed(7), r.headingDeg, r.fovDeg, r.rangeM, ''].map((v) => csvField(v)).join(','),
  );
  return `${CSV_HEADER}\n${lines.join('\n')}\n`;
}

/** The ground truth: the file's line (2 = first camera), code and planted flags (';'-separated). */
export function truthCsv(rows: PlantedRow[]): string {
  return `line,code,flags\n${rows.map((r, i) => `${i + 2},${r.code},${r.flags.join(';')}`).join('\n')}\n`;
}

/** Reads a truth file back: line → flags. */
export function parseTruthCsv(text: string): Map<number, Set<string>> {
  const truth = new Map<number, Set<string>>();
  for (const line of text.split('\n').slice(1)) {
    if (line.trim() === '') continue;
    const [lineNo, , flags] = line.split(',');
    truth.set(Number(lineNo), new Set((flags ?? '').split(';').filter((f) => f !== '')));
  }
  return truth;
}
