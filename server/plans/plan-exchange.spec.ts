/**
 * A plan as GeoJSON through GDAL, on every database mode: the export (the community's grids as the plan makes
 * them) converted to a GeoPackage and back by ogr2ogr, then imported into a new plan, gives the same edits; a
 * GCJ-02 copy gives them too; a self-intersecting polygon and grids that leave a micro-grid out are refused. The
 * server's own GeoPackage export and import (ogr2ogr on the server) round-trip too, from a CGCS2000 copy as well.
 * ogr2ogr (Debian gdal-bin) is required, like the OGC GDAL test: .ci/run installs it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import gcoord from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { callRoute, type Answer } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import { exportPlanRoute, importGeoPackageRoute, importPlanRoute, layerGeoPackageRoute } from './plan-exchange-contract.js';
import { createPlanRoute, replaceEditsRoute, withdrawPlanRoute } from './plans-contract.js';

const run = promisify(execFile);
const pickCandidate = defineSql(
  'test.plan_exchange.candidate',
  `SELECT m.code, m.parent_code AS source, g.code AS target, m.community_code AS community
     FROM units m
     JOIN units g ON g.parent_code = m.community_code AND g.level = 'grid' AND g.code <> m.parent_code
                 AND g.geom && m.geom AND ST_Relate(m.geom, g.geom, 'F***1****')
    WHERE m.level = 'micro_grid' AND m.street_code = '320113007'
      AND (SELECT count(*) FROM units s WHERE s.parent_code = m.parent_code) > 2
    ORDER BY m.code DESC LIMIT 1`,
);

/** $1 community → its grids (units_parent_idx). */
const gridsOf = defineSql('test.exchange.grids', `SELECT count(*)::integer AS n FROM units WHERE parent_code = $1 AND level = 'grid'`);

describe.each(testDatabaseModes())('plan GeoJSON export and import on %s', (mode) => {
  let server: TestServer;
  let planner: Record<string, string>;
  let c: { code: string; source: string; target: string; community: string };
  let dir: string;
  // A keep-alive socket idle past the server's timeout can be closed just as it is reused: a read is sent again once.
  const call = <R extends ApiRoute>(route: R, url: string, body?: unknown) =>
    callRoute(server.baseUrl, route, url, planner, body).catch((error: unknown) =>
      route.method === 'get' ? callRoute(server.baseUrl, route, url, planner, body) : Promise.reject(error),
    );
  const newPlan = async () => (await call(createPlanRoute, '/api/plans', { name: 'exchange', scopeCode: c.community })).body.plan.id;

  beforeAll(async () => {
    server = await startTestServer(mode);
    planner = await signIn(server.baseUrl, 'planner.city');
    [c] = await server.db.query<typeof c>(pickCandidate);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-plan-exchange-'));
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await server?.close();
  });

  it('round-trips through a GeoPackage with ogr2ogr into the same edits, and from GCJ-02 too', async () => {
    const first = await newPlan();
    const painted = await call(replaceEditsRoute, `/api/plans/${first}/edits`, { edits: [{ unit: c.code, to: c.target }] });
    expect(painted.status).toBe(200);
    const exported = await call(exportPlanRoute, `/api/plans/${first}/export`);
    expect(exported.headers.get('content-type')).toContain('application/geo+json');
    const target = exported.body.features.find((f) => f.properties.code === c.target)!;
    const source = exported.body.features.find((f) => f.properties.code === c.source)!;
    expect(target.properties.micro_grids - source.properties.micro_grids).toBeGreaterThan(-1000);
    fs.writeFileSync(path.join(dir, 'plan.geojson'), JSON.stringify(exported.body));
    await run('ogr2ogr', ['-f', 'GPKG', path.join(dir, 'plan.gpkg'), path.join(dir, 'plan.geojson'), '-nln', 'grids']);
    const info = await run('ogrinfo', ['-so', path.join(dir, 'plan.gpkg'), 'grids']);
    expect(info.stdout).toContain(`Feature Count: ${exported.body.features.length}`);
    expect(info.stdout).toMatch(/code: String/);
    await run('ogr2ogr', ['-f', 'GeoJSON', '-lco', 'COORDINATE_PRECISION=9', path.join(dir, 'back.geojson'), path.join(dir, 'plan.gpkg'), 'grids']);
    const back = JSON.parse(fs.readFileSync(path.join(dir, 'back.geojson'), 'utf8')) as Answer<typeof exportPlanRoute>;
    expect((await call(withdrawPlanRoute, `/api/plans/${first}/withdraw`)).body.plan.state).toBe('withdrawn');

    const second = await newPlan();
    const imported = await call(importPlanRoute, `/api/plans/${second}/import`, { collection: back });
    expect(imported.status).toBe(200);
    expect(imported.body.plan.edits).toEqual([{ unit: c.code, from: c.source, to: c.target }]);
    expect(imported.body.validation.errors).toBe(0);

    const gcj = structuredClone(back);
    for (const feature of gcj.features) {
      const shift = (ring: number[][]) => ring.map((p) => gcoord.transform([p[0], p[1]], gcoord.WGS84, gcoord.GCJ02) as number[]);
      feature.geometry.coordinates =
        feature.geometry.type === 'Polygon'
          ? feature.geometry.coordinates.map(shift)
          : feature.geometry.coordinates.map((poly: number[][][]) => poly.map(shift));
    }
    const fromGcj = await call(importPlanRoute, `/api/plans/${second}/import`, { crs: 'gcj02', collection: gcj });
    expect(fromGcj.body.plan.edits).toEqual([{ unit: c.code, from: c.source, to: c.target }]);
    // Read as WGS84, the same coordinates are hundreds of metres off: the grids no longer hold every micro-grid.
    expect((await call(importPlanRoute, `/api/plans/${second}/import`, { collection: gcj })).body.code).toBe('import_does_not_tile');
    expect((await call(withdrawPlanRoute, `/api/plans/${second}/withdraw`)).body.plan.state).toBe('withdrawn');
  });

  it('refuses bad imports with reason codes', async () => {
    const id = await newPlan();
    const exported = (await call(exportPlanRoute, `/api/plans/${id}/export`)).body;
    expect((await call(importPlanRoute, `/api/plans/${id}/import`, { collection: { type: 'Feature' } })).body.code).toBe(
      'import_not_feature_collection',
    );
    const missing = { ...exported, features: exported.features.slice(1) };
    const gap = await call(importPlanRoute, `/api/plans/${id}/import`, { collection: missing });
    expect([gap.status, gap.body.code]).toEqual([422, 'import_does_not_tile']);
    expect((gap.body.details?.unassigned as string[]).length).toBeGreaterThan(0);
    const bowtie = structuredClone(exported);
    bowtie.features[0].geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [118.9, 32.1],
          [118.91, 32.11],
          [118.91, 32.1],
          [118.9, 32.11],
          [118.9, 32.1],
        ],
      ],
    };
    expect((await call(importPlanRoute, `/api/plans/${id}/import`, { collection: bowtie })).body.code).toBe('self_intersection');
    const nameless = structuredClone(exported);
    delete (nameless.features[0].properties as { code?: string }).code;
    expect((await call(importPlanRoute, `/api/plans/${id}/import`, { collection: nameless })).body.code).toBe('import_grid_code_missing');
    expect((await call(withdrawPlanRoute, `/api/plans/${id}/withdraw`)).body.plan.state).toBe('withdrawn');
  });

  it('exports and imports a GeoPackage on the server (ogr2ogr), from WGS84 and from a CGCS2000 copy', async () => {
    const first = await newPlan();
    await call(replaceEditsRoute, `/api/plans/${first}/edits`, { edits: [{ unit: c.code, to: c.target }] });
    const response = await fetch(`${server.baseUrl}/api/plans/${first}/geopackage`, { headers: planner });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/geopackage+sqlite3');
    const gpkg = Buffer.from(await response.arrayBuffer());
    const file = path.join(dir, 'server.gpkg');
    fs.writeFileSync(file, gpkg);
    const info = await run('ogrinfo', ['-so', file, 'grids']);
    expect(info.stdout).toMatch(/EPSG",?\s*4326|WGS 84/);
    expect(info.stdout).toMatch(/code: String/);
    expect((await call(withdrawPlanRoute, `/api/plans/${first}/withdraw`)).body.plan.state).toBe('withdrawn');

    const upload = async (id: number, bytes: Buffer, crs = 'wgs84') => {
      const r = await fetch(`${server.baseUrl}/api/plans/${id}/geopackage?crs=${crs}`, {
        method: 'PUT',
        headers: { ...planner, 'content-type': 'application/geopackage+sqlite3' },
        body: new Uint8Array(bytes),
      });
      return { status: r.status, body: (await r.json()) as Answer<typeof importGeoPackageRoute> };
    };
    const second = await newPlan();
    const imported = await upload(second, gpkg);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.plan.edits).toEqual([{ unit: c.code, from: c.source, to: c.target }]);
    // The same grids declared in CGCS2000 (EPSG:4490): GDAL reprojects them to WGS84 (centimetres), the same edits.
    await run('ogr2ogr', ['-f', 'GPKG', '-t_srs', 'EPSG:4490', path.join(dir, 'cgcs2000.gpkg'), file, 'grids']);
    expect((await run('ogrinfo', ['-so', path.join(dir, 'cgcs2000.gpkg'), 'grids'])).stdout).toMatch(/4490|CGCS/);
    const fromCgcs = await upload(second, fs.readFileSync(path.join(dir, 'cgcs2000.gpkg')), 'cgcs2000');
    expect(fromCgcs.body.plan.edits).toEqual([{ unit: c.code, from: c.source, to: c.target }]);
    expect((await upload(second, Buffer.from('not a geopackage at all, just some text of more than a hundred bytes '.repeat(3)))).body.code).toBe(
      'import_not_geopackage',
    );
    expect((await upload(second, Buffer.concat([Buffer.from('SQLite format 3\u0000'), Buffer.alloc(200)]))).body.code).toBe('import_unreadable');
    expect((await call(withdrawPlanRoute, `/api/plans/${second}/withdraw`)).body.plan.state).toBe('withdrawn');
  });

  it('exports the published grids of a community as a GeoPackage, without a plan', async () => {
    const response = await fetch(`${server.baseUrl}/api/plans/layer/geopackage?community=${c.community}`, { headers: planner });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(`grids-${c.community}.gpkg`);
    const file = path.join(dir, 'layer.gpkg');
    fs.writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const info = await run('ogrinfo', ['-so', file, 'grids']);
    const [{ n }] = await server.db.query<{ n: number }>(gridsOf, [c.community]);
    expect(info.stdout).toContain(`Feature Count: ${n}`);
    // The live grids: the source grid still holds the candidate micro-grid (no plan was published).
    const geojson = path.join(dir, 'layer.geojson');
    await run('ogr2ogr', ['-f', 'GeoJSON', geojson, file, 'grids']);
    const codes = (JSON.parse(fs.readFileSync(geojson, 'utf8')) as Answer<typeof exportPlanRoute>).features.map((f) => f.properties.code).sort();
    expect(codes).toContain(c.source);
    expect((await call(layerGeoPackageRoute, `/api/plans/layer/geopackage?community=${c.source}`)).body.code).toBe('export_needs_community');
    expect((await call(layerGeoPackageRoute, '/api/plans/layer/geopackage?community=320102001001')).body.code).toBe('unit_not_found');
    expect((await call(layerGeoPackageRoute, '/api/plans/layer/geopackage?community=x')).body.code).toBe('invalid_query');
  });
});
