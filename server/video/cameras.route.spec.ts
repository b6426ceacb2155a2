/**
 * Covering cameras on the seeded Xianlin subset, on every database mode: the generated field of view agrees
 * with the pure sector, covering beats nearest on hand-made cameras, the result matches a brute-force check
 * of every camera, and jurisdiction holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { CameraView, fieldOfViewRing, projectFrom, seesPoint } from './camera-sector.js';
import { callRoute } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import { createIncidentRoute } from '../incidents/incidents-contract.js';
import { coveringCamerasRoute, incidentCamerasRoute, type CoveringCamera } from './cameras-contract.js';

/** A 仙林街道 micro-grid's label point with no seeded camera within 400 m, so hand-made cameras decide. */
const pickQuietPoint = defineSql(
  'test.video_quiet_point',
  `SELECT m.code, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat
     FROM units m
    WHERE m.level = 'micro_grid' AND m.street_code = '320113007'
      AND NOT EXISTS (SELECT 1 FROM cameras c WHERE ST_DWithin(c.geom::geography, m.label_point::geography, 400))
    ORDER BY m.code LIMIT 1`,
);
/** A 仙林街道 point with seeded cameras around it (a seeded camera's position moved 30 m along its heading). */
const pickBusyPoints = defineSql(
  'test.video_busy_points',
  `SELECT ST_X(ST_Project(geom::geography, 30, radians(heading_deg))::geometry) AS lon,
          ST_Y(ST_Project(geom::geography, 30, radians(heading_deg))::geometry) AS lat
     FROM cameras WHERE micro_grid_code LIKE '320113007%' ORDER BY code LIMIT 12`,
);
const insertCamera = defineSql(
  'test.video_insert_camera',
  `INSERT INTO cameras (id, code, name, geom, heading_deg, fov_deg, range_m, online, source_crs, source_lon, source_lat,
                        micro_grid_code, generated, ptz, preset_headings)
   VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326), $6, $7, $8, $9, 'wgs84', $4, $5, $10, false, $11, $12)`,
);
const readFov = defineSql('test.video_read_fov', `SELECT ST_AsGeoJSON(fov, 12)::json AS fov FROM cameras WHERE code = $1`);
const updateHeading = defineSql('test.video_update_heading', `UPDATE cameras SET heading_deg = $2 WHERE code = $1`);
const camerasNear = defineSql(
  'test.video_cameras_near',
  `SELECT code, online, ptz, ST_X(geom) AS lon, ST_Y(geom) AS lat, heading_deg, fov_deg, range_m,
          ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, false) AS d
     FROM cameras WHERE ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, 400)`,
);
const usesFovIndex = defineSql(
  'test.video_explain',
  `EXPLAIN SELECT id FROM cameras WHERE fov && ST_SetSRID(ST_MakePoint($1, $2), 4326) AND ST_Intersects(fov, ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
);
const disableSeqScan = defineSql('test.video_no_seqscan', `SET enable_seqscan = off`);

describe.each(testDatabaseModes())('covering cameras on %s', (mode) => {
  let server: TestServer;
  let dispatcher: Record<string, string>;
  let p: { code: string; lon: number; lat: number };
  let nextId = 900_000;
  const get = <R extends ApiRoute>(route: R, path: string, headers = dispatcher) => callRoute(server.baseUrl, route, path, headers);
  /** A camera `distanceM` from p on `bearingFromP`, looking `headingDeg`. */
  const place = async (
    code: string,
    bearingFromP: number,
    distanceM: number,
    view: Partial<CameraView> & { online?: boolean; presets?: number[] },
  ) => {
    const [lon, lat] = projectFrom(p, bearingFromP, distanceM);
    await server.db.query(insertCamera, [
      nextId++,
      code,
      `测试${code}`,
      lon,
      lat,
      view.headingDeg ?? 0,
      view.fovDeg ?? 60,
      view.rangeM ?? 100,
      view.online ?? true,
      p.code,
      view.ptz ?? false,
      view.presets ?? [],
    ]);
    return { lon, lat };
  };

  beforeAll(async () => {
    server = await startTestServer(mode);
    [p] = await server.db.query(pickQuietPoint);
    dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
  });
  afterAll(() => server.close());

  it('stores a field of view vertex for vertex the pure sector, and keeps it in step with the row', async () => {
    const at = await place('T-FOV', 0, 500, { headingDeg: 359, fovDeg: 52, rangeM: 120 });
    const [row] = await server.db.query<{ fov: { coordinates: number[][][] } }>(readFov, ['T-FOV']);
    const expected = fieldOfViewRing({ ...at, headingDeg: 359, fovDeg: 52, rangeM: 120, ptz: false });
    expect(row.fov.coordinates[0]).toHaveLength(expected.length);
    row.fov.coordinates[0].forEach((v, i) => {
      expect(v[0]).toBeCloseTo(expected[i][0], 9);
      expect(v[1]).toBeCloseTo(expected[i][1], 9);
    });
    await server.db.query(updateHeading, ['T-FOV', 90]);
    const [moved] = await server.db.query<{ fov: { coordinates: number[][][] } }>(readFov, ['T-FOV']);
    const turned = fieldOfViewRing({ ...at, headingDeg: 90, fovDeg: 52, rangeM: 120, ptz: false });
    expect(moved.fov.coordinates[0][5][0]).toBeCloseTo(turned[5][0], 9);
    expect(moved.fov.coordinates[0][5][1]).toBeCloseTo(turned[5][1], 9);
  });

  it('ranks covering cameras online first then by distance, and fills up with the nearest that may not see it', async () => {
    // Seen by: A (60 m north looking south), C (30 m west looking east, offline), D (PTZ 130 m south, range 150).
    await place('T-A', 0, 60, { headingDeg: 180, fovDeg: 40, rangeM: 100 });
    await place('T-C', 270, 30, { headingDeg: 90, fovDeg: 60, rangeM: 80, online: false });
    await place('T-D', 180, 130, { headingDeg: 180, fovDeg: 60, rangeM: 150, ptz: true, presets: [180, 270, 0, 90] });
    // Not seen by: B (15 m east looking east: the point is behind it), E (100 m north looking south, range 90).
    await place('T-B', 90, 15, { headingDeg: 90 });
    await place('T-E', 0, 100, { headingDeg: 180, rangeM: 90 });
    // Not listed at all: F 350 m away, not looking.
    await place('T-F', 45, 350, { headingDeg: 45 });

    const { status, body } = await get(coveringCamerasRoute, `/api/cameras/covering?lon=${p.lon}&lat=${p.lat}&limit=6`);
    expect(status).toBe(200);
    expect(body.cameras.map((c) => c.code)).toEqual(['T-A', 'T-D', 'T-C', 'T-B', 'T-E']);
    expect(body.cameras.map((c) => c.covers)).toEqual([true, true, true, false, false]);
    expect(body.cameras.map((c) => c.mayNotSee)).toEqual([false, false, false, true, true]);
    const d = body.cameras.find((c) => c.code === 'T-D');
    expect(d).toMatchObject({ ptz: true, presetHeadings: [180, 270, 0, 90], suggestedPresetDeg: 0 });
    expect(d?.bearingDeg).toBeCloseTo(0, 0);
    expect(body.cameras[0].distanceM).toBeCloseTo(60, 0);

    // The incident's top four come from the same ranking.
    const post = await callRoute(server.baseUrl, createIncidentRoute, '/api/incidents', dispatcher, {
      category: 'city_management',
      description: '井盖缺失',
      lon: p.lon,
      lat: p.lat,
    });
    const created = post.body;
    expect(post.status).toBe(201);
    const forIncident = await get(incidentCamerasRoute, `/api/incidents/${created.incident.id}/cameras`);
    expect(forIncident.status).toBe(200);
    expect(forIncident.body.cameras.map((c) => c.code)).toEqual(['T-A', 'T-D', 'T-C', 'T-B']);

    // Another district's dispatcher sees neither the incident nor the cameras.
    const xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
    expect((await get(incidentCamerasRoute, `/api/incidents/${created.incident.id}/cameras`, xuanwu)).body.code).toBe('incident_not_found');
    expect((await get(coveringCamerasRoute, `/api/cameras/covering?lon=${p.lon}&lat=${p.lat}`, xuanwu)).body.cameras).toEqual([]);
  });

  it('agrees with a brute-force check of every camera around seeded points', async () => {
    const points = await server.db.query<{ lon: number; lat: number }>(pickBusyPoints);
    expect(points.length).toBeGreaterThan(5);
    for (const q of points) {
      const { body } = await get(coveringCamerasRoute, `/api/cameras/covering?lon=${q.lon}&lat=${q.lat}&limit=16`);
      const near = await server.db.query<{
        code: string;
        lon: number;
        lat: number;
        heading_deg: number;
        fov_deg: number;
        range_m: number;
        ptz: boolean;
      }>(camerasNear, [q.lon, q.lat]);
      // Everything that sees the point by the ideal sector, except within 0.2 m of the arc's chords.
      const seeing = near.filter((c) =>
        seesPoint({ lon: c.lon, lat: c.lat, headingDeg: c.heading_deg, fovDeg: c.fov_deg, rangeM: c.range_m - 0.2, ptz: c.ptz }, q.lon, q.lat),
      );
      const covering = body.cameras.filter((c) => c.covers).map((c) => c.code);
      for (const c of seeing) if (covering.length < 16) expect(covering).toContain(c.code);
      for (const c of body.cameras.filter((x) => x.covers)) {
        const row = near.find((n) => n.code === c.code);
        if (!row) throw new Error(`covering camera ${c.code} is not within the brute-force search`);
        expect(
          seesPoint(
            { lon: row.lon, lat: row.lat, headingDeg: row.heading_deg, fovDeg: row.fov_deg, rangeM: row.range_m + 0.2, ptz: row.ptz },
            q.lon,
            q.lat,
          ),
        ).toBe(true);
      }
      // Order: covering before not; online before offline within each; then distance.
      const rank = (c: CoveringCamera) => [c.covers ? 0 : 1, c.online ? 0 : 1, c.distanceM];
      for (let i = 1; i < body.cameras.length; i++) {
        const [a, b] = [rank(body.cameras[i - 1]), rank(body.cameras[i])];
        expect(a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] <= b[2])))).toBe(true);
      }
      for (const c of body.cameras) if (!c.covers) expect(c.distanceM).toBeLessThanOrEqual(300);
    }
  });

  it('finds covering cameras through the GiST index on the field of view', async () => {
    await server.db.withTransaction(async (tx) => {
      await tx.query(disableSeqScan);
      const plan = (await tx.query<Record<string, string>>(usesFovIndex, [p.lon, p.lat])).map((r) => Object.values(r)[0]).join('\n');
      expect(plan).toContain('cameras_fov_idx');
    });
  });

  it('refuses bad input with 400 and stable codes', async () => {
    for (const q of ['lon=abc&lat=32.1', 'lon=118.9', 'lon=118.9&lat=32.1&limit=0', 'lon=118.9&lat=32.1&limit=99', 'lon=118.9&lat=32.1&x=1']) {
      const bad = await get(coveringCamerasRoute, `/api/cameras/covering?${q}`);
      expect(bad.status, q).toBe(400);
      expect(bad.body.code).toBe('invalid_coordinates');
    }
    expect((await get(incidentCamerasRoute, '/api/incidents/abc/cameras')).body.code).toBe('invalid_incident_id');
    expect((await fetch(`${server.baseUrl}/api/cameras/covering?lon=118.9&lat=32.1`)).status).toBe(401);
  });
});
