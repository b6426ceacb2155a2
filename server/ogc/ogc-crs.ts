/**
 * OGC API – Features Part 2 (CRS by reference): the coordinate reference systems the API can answer in,
 * and the parsing of `crs` and `bbox-crs`. Data are stored in EPSG:4326 (CRS84 axis order); the others
 * are produced by ST_Transform. The OGC URIs of EPSG:4326 and EPSG:4490 (CGCS2000, China's official
 * geodetic system) mean latitude-first axis order, so coordinates in them are flipped; CRS84 and EPSG:3857
 * are x (east) first. Pure.
 */
import { badRequest } from '../errors/app-error.js';
import type { Bbox } from './ogc.sql.js';

export interface OgcCrs {
  readonly uri: string;
  readonly srid: 4326 | 4490 | 3857;
  /** Latitude (northing) first, as the EPSG definition says. */
  readonly latFirst: boolean;
  /** Decimals written: 7 for degrees (about 1 cm), 2 for metres. */
  readonly decimals: number;
  /** Valid bbox range in this CRS's own axis order: [minX, minY, maxX, maxY] after un-flipping. */
  readonly range: readonly [number, number, number, number];
}

export const CRS84_URI = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EPSG = (code: number) => `http://www.opengis.net/def/crs/EPSG/0/${code}`;
const WEB_MERCATOR_MAX = 20037508.342789244;

export const CRS84: OgcCrs = { uri: CRS84_URI, srid: 4326, latFirst: false, decimals: 7, range: [-180, -90, 180, 90] };

/** Every CRS the API supports, the storage CRS (CRS84) first. */
export const SUPPORTED_CRS: readonly OgcCrs[] = [
  CRS84,
  { uri: EPSG(4326), srid: 4326, latFirst: true, decimals: 7, range: [-180, -90, 180, 90] },
  { uri: EPSG(4490), srid: 4490, latFirst: true, decimals: 7, range: [-180, -90, 180, 90] },
  { uri: EPSG(3857), srid: 3857, latFirst: false, decimals: 2, range: [-WEB_MERCATOR_MAX, -WEB_MERCATOR_MAX, WEB_MERCATOR_MAX, WEB_MERCATOR_MAX] },
];

/** The URI, the safe CURIE `[EPSG:4490]` or the short form `EPSG:4490` / `CRS84`. */
function lookup(value: string): OgcCrs | undefined {
  const v = value.trim();
  const curie = /^\[?(EPSG):(\d+)\]?$/i.exec(v) ?? /^\[?(OGC):(CRS84)\]?$/i.exec(v);
  const uri = /^CRS84$/i.test(v) ? CRS84_URI : curie ? (curie[1].toUpperCase() === 'OGC' ? CRS84_URI : EPSG(Number(curie[2]))) : v;
  return SUPPORTED_CRS.find((c) => c.uri === uri.replace(/^https:/, 'http:'));
}

function unsupported(parameter: 'crs' | 'bbox-crs', value: string) {
  return badRequest('unsupported_crs', `Unsupported ${parameter} "${value}"; supported: ${SUPPORTED_CRS.map((c) => c.uri).join(', ')}`, {
    parameter,
  });
}

/** `crs`: the response CRS, CRS84 when absent. */
export function parseCrs(value: string | undefined, parameter: 'crs' | 'bbox-crs' = 'crs'): OgcCrs {
  if (value === undefined) return CRS84;
  const crs = lookup(value);
  if (!crs) throw unsupported(parameter, value);
  return crs;
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/**
 * `bbox` in `bbox-crs` (CRS84 when absent): four numbers in the CRS's axis order (lat,lon for EPSG:4326
 * and EPSG:4490), returned as x/y (east/north) in that CRS with its SRID, for the SQL to transform.
 */
export function parseBboxInCrs(value: string, crs: OgcCrs): Bbox & { srid: number } {
  const fail = (why: string) =>
    badRequest('invalid_bbox', `Invalid bbox: ${why}; expected four numbers in ${crs.uri}${crs.latFirst ? ' (latitude first)' : ''}`, {
      parameter: 'bbox',
    });
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length !== 4) throw fail(`${parts.length} value(s) given, 4 needed (2D bounding boxes only)`);
  if (!parts.every((s) => NUMBER.test(s))) throw fail('every value must be a number');
  const n = parts.map(Number);
  if (!n.every(Number.isFinite)) throw fail('every value must be finite');
  const [minLon, minLat, maxLon, maxLat] = crs.latFirst ? [n[1], n[0], n[3], n[2]] : n;
  const [rx0, ry0, rx1, ry1] = crs.range;
  if ([minLon, maxLon].some((x) => x < rx0 || x > rx1)) throw fail(`x (east) values must be within ${rx0}..${rx1}`);
  if ([minLat, maxLat].some((y) => y < ry0 || y > ry1)) throw fail(`y (north) values must be within ${ry0}..${ry1}`);
  if (!(minLon < maxLon)) throw fail('the minimum x (east) must be less than the maximum');
  if (!(minLat < maxLat)) throw fail('the minimum y (north) must be less than the maximum');
  return { minLon, minLat, maxLon, maxLat, srid: crs.srid };
}

/** The `Content-Crs` header value. */
export const contentCrsHeader = (crs: OgcCrs) => `<${crs.uri}>`;
