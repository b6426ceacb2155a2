/**
 * Load the real layers: the 11 districts (poi86.com boundary), OSM landuse and water (ODbL).
 * In the Xianlin subset only the water near Qixia district is loaded.
 */
import path from 'node:path';
import { bboxOf, GeoJsonFeature, readGeoJsonFeatures } from './reference-data.js';
import { insertDistricts, insertLandusePolygons, insertWaterPolygons } from './load-reference-layers.sql.js';
import type { SeedContext } from './seed-context.js';
import { QIXIA_DISTRICT_CODE } from './seed-context.js';

const BATCH = 500;

function intersects(a: number[], b: number[]): boolean {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
}

export async function loadReferenceLayers(ctx: SeedContext): Promise<void> {
  const districts = readGeoJsonFeatures(path.join(ctx.referenceDir, 'districts_wgs84.geojson'));
  await ctx.db.query(insertDistricts, [
    districts.map((f) => String(f.properties.adcode)),
    districts.map((f) => String(f.properties.name)),
    districts.map((f) => JSON.stringify(f.geometry)),
  ]);
  const qixia = districts.find((f) => String(f.properties.adcode) === QIXIA_DISTRICT_CODE);
  if (!qixia) throw new Error('districts_wgs84.geojson has no Qixia district (320113)');
  const areaBox = ctx.area === 'xianlin' ? bboxOf(qixia.geometry) : null;
  // Landuse sizes every unit of the city (the Xianlin subset too, so that it matches the full seed);
  // water is only drawn, so the subset keeps what lies near Qixia.
  const everywhere = (f: GeoJsonFeature) => Boolean(f.geometry);
  const nearArea = (f: GeoJsonFeature) => Boolean(f.geometry) && (!areaBox || intersects(bboxOf(f.geometry), areaBox));
  const layers = [
    { file: 'osm_landuse.geojson', statement: insertLandusePolygons, keep: everywhere },
    { file: 'osm_water.geojson', statement: insertWaterPolygons, keep: nearArea },
  ];
  for (const layer of layers) {
    const features = readGeoJsonFeatures(path.join(ctx.referenceDir, layer.file)).filter(layer.keep);
    for (let i = 0; i < features.length; i += BATCH) {
      const batch = features.slice(i, i + BATCH);
      await ctx.db.query(layer.statement, [
        batch.map((f) => String(f.properties.osm_id)),
        batch.map((f) => String(f.properties.fclass)),
        batch.map((f) => String(f.properties.name ?? '')),
        batch.map((f) => JSON.stringify(f.geometry)),
      ]);
    }
    ctx.progress(`loaded ${layer.file}`, { features: features.length });
  }
}
