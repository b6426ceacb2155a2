/**
 * A plan's grids as a GeoPackage, server-side, through GDAL's ogr2ogr (Debian gdal-bin, as the OGC GDAL test and
 * .ci/run already require): the export writes the GeoJSON export into a one-layer GeoPackage (`grids`, EPSG:4326);
 * an import reads the first layer of an uploaded GeoPackage back into GeoJSON — reprojected to WGS84 from the CRS
 * it declares (CGCS2000 EPSG:4490, WGS84, any other GDAL knows), or taken as is when the planner says it is GCJ-02
 * (which has no EPSG code: the conversion is gcoord's, in plan-exchange.ts). Files live in a private temporary
 * directory removed afterwards; ogr2ogr gets a time limit; its messages are never shown to the caller.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../errors/app-error.js';
import type { ImportCrs } from './plan-exchange.js';
import { GEOPACKAGE_TYPE } from './plan-file-types.js';

const run = promisify(execFile);
const OGR_TIMEOUT_MS = 30_000;
/** The largest GeoPackage accepted (bytes). */
export const MAX_GEOPACKAGE_BYTES = 20 * 1024 * 1024;

async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gridops-gpkg-'));
  try {
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export function geoJsonToGeoPackage(collection: unknown): Promise<Buffer> {
  return inTempDir(async (dir) => {
    const source = path.join(dir, 'plan.geojson');
    const target = path.join(dir, 'plan.gpkg');
    await fs.writeFile(source, JSON.stringify(collection));
    await run('ogr2ogr', ['-f', 'GPKG', '-nln', 'grids', '-a_srs', 'EPSG:4326', target, source], { timeout: OGR_TIMEOUT_MS });
    return fs.readFile(target);
  });
}

export function geoPackageToGeoJson(gpkg: Buffer, crs: ImportCrs): Promise<unknown> {
  if (gpkg.length < 100 || gpkg.subarray(0, 16).toString('latin1') !== 'SQLite format 3\u0000') {
    throw new AppError(400, 'import_not_geopackage', `Upload a GeoPackage file (${GEOPACKAGE_TYPE})`);
  }
  return inTempDir(async (dir) => {
    const source = path.join(dir, 'upload.gpkg');
    const target = path.join(dir, 'upload.geojson');
    await fs.writeFile(source, gpkg);
    const reproject = crs === 'gcj02' ? [] : ['-t_srs', 'EPSG:4326'];
    try {
      const { stdout } = await run('ogrinfo', ['-ro', '-q', source], { timeout: OGR_TIMEOUT_MS });
      const layer = /^\s*1:\s*([^\s(]+)/m.exec(stdout)?.[1];
      if (!layer) throw new Error('no layer');
      await run('ogr2ogr', ['-f', 'GeoJSON', '-lco', 'COORDINATE_PRECISION=9', ...reproject, target, source, layer], { timeout: OGR_TIMEOUT_MS });
    } catch {
      throw new AppError(400, 'import_unreadable', 'GDAL could not read a layer of polygons with a coordinate system from this GeoPackage');
    }
    return JSON.parse(await fs.readFile(target, 'utf8')) as unknown;
  });
}
